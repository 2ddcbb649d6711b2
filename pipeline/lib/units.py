"""Units and magnitudes, read from `pipeline/data/units.yaml`.

A stated quantity is NUMBER [MAGNITUDE] UNIT. The fact keeps the unit as stated in one spelling
(magnitude + canonical unit: 亿元, 万人, 万标箱) and adds `value_base`/`base_unit` with the magnitude
multiplied out (1.5 万亿元 -> 1.5e12 元; 2800 万标箱 -> 2.8e7 TEU). Percent-like units (%, pp) have
no base quantity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

UNITS_PATH = Path(__file__).resolve().parents[1] / "data" / "units.yaml"


@dataclass(frozen=True)
class UnitInfo:
    """One unit spelling's meaning."""

    canonical: str
    base: str
    kind: str  # classifier | measure | percent


@dataclass(frozen=True, slots=True)
class Quantity:
    """A value's unit as the facts publish it."""

    unit: str
    value_base: float | None
    base_unit: str | None
    kind: str
    value: float  # the value in `unit` (1 千亿元 is published as 1000 亿元)


@dataclass(frozen=True)
class UnitTable:
    magnitudes: dict[str, float]
    spellings: dict[str, UnitInfo]
    percent: dict[str, str]
    respell: dict[str, tuple[str, float]] = field(default_factory=dict)
    bare: tuple[str, ...] = ()
    bare_bounded: dict[str, tuple[str | None, float]] = field(default_factory=dict)
    shapes: dict = field(default_factory=dict, compare=False, repr=False)  # memo of `_shape`

    @property
    def magnitude_pattern(self) -> str:
        """Regex alternation of magnitudes, longest first."""
        return "|".join(re.escape(m) for m in sorted(self.magnitudes, key=len, reverse=True))

    @property
    def unit_pattern(self) -> str:
        """Regex alternation of every unit spelling (percent ones included), longest first."""
        words = set(self.spellings) | set(self.percent)
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    def info(self, spelling: str) -> UnitInfo | None:
        """What a unit spelling means, None for an unknown one."""
        if spelling in self.percent:
            p = self.percent[spelling]
            return UnitInfo(p, p, "percent")
        return self.spellings.get(spelling)

    def quantity(self, value: float, magnitude: str | None, spelling: str | None) -> Quantity | None:
        """The published unit and base value of `value` written with `magnitude` and `spelling`.

        >>> t = load_units()
        >>> t.quantity(1.5, "万亿", "元")
        Quantity(unit='万亿元', value_base=1500000000000.0, base_unit='元', kind='measure', value=1.5)
        >>> t.quantity(2800, "万", "TEU").unit
        '万标箱'
        >>> t.quantity(1.2, "千亿", "元").value
        1200.0
        """
        if spelling is None:
            return None
        if magnitude in self.respell:
            magnitude, times = self.respell[magnitude]
            value = _clean(value * times)
        shape = self._shape(magnitude, spelling)
        if shape is None:
            return None
        unit, factor, base, kind = shape
        if kind == "percent":
            return Quantity(unit, None, None, kind, value)
        return Quantity(unit, _clean(value * factor), base, kind, value)

    def _shape(self, magnitude: str | None, spelling: str) -> tuple[str, float, str, str] | None:
        """(published unit, factor, base unit, kind) of a magnitude and a unit spelling, memoized."""
        key = (magnitude, spelling)
        if key in self.shapes:
            return self.shapes[key]
        info = self.info(spelling)
        shape: tuple[str, float, str, str] | None
        if info is None or (info.kind == "percent" and magnitude):
            shape = None
        elif info.kind == "percent":
            shape = (info.canonical, 1.0, info.base, "percent")
        else:
            factor = self.magnitudes.get(magnitude, 1.0) if magnitude else 1.0
            shape = ((magnitude or "") + info.canonical, factor, info.base, info.kind)
        self.shapes[key] = shape
        return shape

    def split_unit(self, unit: str) -> tuple[str | None, str]:
        """Split a published unit into magnitude and canonical unit: 万标箱 -> (万, 标箱)."""
        if unit in self.spellings or unit in self.percent:
            return None, unit
        for mag in sorted(self.magnitudes, key=len, reverse=True):
            if unit.startswith(mag) and unit[len(mag):] in self.spellings:
                return mag, unit[len(mag):]
        return None, unit


def _clean(x: float) -> float:
    """Round away float noise of the multiplication (1.3 * 1e4 = 13000.000000000002)."""
    return float(f"{x:.12g}")


@lru_cache(maxsize=1)
def load_units(path: Path = UNITS_PATH) -> UnitTable:
    """The unit table, read once per process."""
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    magnitudes = {str(k): float(v) for k, v in doc["magnitudes"].items()}
    spellings: dict[str, UnitInfo] = {}
    for entry in doc["units"]:
        canonical = str(entry["canonical"])
        info = UnitInfo(canonical, str(entry.get("base", canonical)), str(entry["kind"]))
        for s in [canonical, *entry.get("spellings", [])]:
            if s in spellings and spellings[s] != info:
                raise ValueError(f"units.yaml: spelling {s!r} is given to two units")
            spellings[str(s)] = info
    percent = {str(k): str(v) for k, v in doc["percent_units"].items()}
    respell = {str(k): (str(v[0]), float(v[1])) for k, v in doc["respell_magnitudes"].items()}
    bounded = {str(k): (None if v[0] is None else str(v[0]), float(v[1])) for k, v in doc["bare_bounded"].items()}
    return UnitTable(magnitudes, spellings, percent, respell, tuple(str(b) for b in doc["bare_magnitudes"]),
                     bounded)


def base_quantity(value: float, unit: str) -> tuple[float, str]:
    """A value in its base unit, for comparing facts whatever magnitude they were written in:
    (1.5, 万亿元) -> (1.5e12, 元); (33.3, %) -> (33.3, %). Unknown units are left as they are."""
    table = load_units()
    unit = table.percent.get(unit.strip(), unit.strip())
    mag, rest = table.split_unit(unit)
    info = table.spellings.get(rest)
    base = info.base if info else rest
    factor = table.magnitudes.get(mag, 1.0) if mag else 1.0
    return _clean(value * factor), base
