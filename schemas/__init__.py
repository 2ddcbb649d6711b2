"""The data contract: pandera models of every published table, the indicator dictionary, docs."""

from schemas.tables import CROSS_TABLE_CHECKS, SOURCE_TABLES, TABLES, TableSpec

__all__ = ["CROSS_TABLE_CHECKS", "SOURCE_TABLES", "TABLES", "TableSpec"]
