"""Resources, declared once: where intermediate tables live between assets (the executor: jobs.py)."""

from __future__ import annotations

import os
import shutil
import typing
from pathlib import Path

import dagster as dg
import polars as pl

from pipeline.lib.frames import row_group_rows
from pipeline.lib.paths import asset_dir


class FrameStore(dg.ConfigurableIOManager):
    """Keeps each asset's polars frame (or dict of frames) as Parquet under `warehouse/.work/assets`.

    Intermediates live beside the published warehouse, never in it: users only ever read what
    the publish step swapped in whole. An input annotated `pl.LazyFrame` (or `dict[str, pl.LazyFrame]`)
    is a scan of the file, not the table in memory (the dagster-polars convention): the facts step
    hands it to its workers, which each read only their own reports' rows, and the publish step
    reads one table at a time. An output given as a `Path` (another asset's stored file) is
    linked as it is.
    """

    def _path(self, key: dg.AssetKey) -> Path:
        return asset_dir("__".join(key.path))  # a single frame: `paths.stored_frame`

    def handle_output(self, context: dg.OutputContext, obj: object) -> None:
        if obj is None:
            return
        path = self._path(context.asset_key)
        tmp = path.with_name(path.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        frames = obj if isinstance(obj, dict) else {"frame": obj}
        for name, frame in frames.items():
            target = tmp / f"{name}.parquet"
            rows = row_group_rows(name if isinstance(obj, dict) else context.asset_key.path[-1])
            if isinstance(frame, Path):  # another asset's stored file, as it is: linked, not rewritten
                _link_or_copy(frame, target)
            elif isinstance(frame, pl.LazyFrame):  # a scan of another asset's file, less some rows: streamed
                frame.sink_parquet(target, row_group_size=rows)
            else:
                frame.write_parquet(target, row_group_size=rows)
        (tmp / ".dict").write_text("1" if isinstance(obj, dict) else "0")
        shutil.rmtree(path, ignore_errors=True)
        tmp.rename(path)

    def load_input(self, context: dg.InputContext) -> object:
        path = self._path(context.asset_key)
        if not path.exists():
            raise FileNotFoundError(f"{context.asset_key.to_user_string()} has not been materialized yet "
                                    f"(nothing at {path}): materialize it first, or materialize everything")
        hint = context.dagster_type.typing_type  # `pl.LazyFrame`, or `dict[str, pl.LazyFrame]`
        lazy = pl.LazyFrame in (hint, *typing.get_args(hint))
        read = pl.scan_parquet if lazy else pl.read_parquet
        frames = {p.stem: read(p) for p in sorted(path.glob("*.parquet"))}
        return frames if (path / ".dict").read_text() == "1" else frames["frame"]


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link (the file's bytes shared: the other asset replaces its file, never rewrites it
    in place), or a copy where the filesystem has none."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"io_manager": FrameStore()})
