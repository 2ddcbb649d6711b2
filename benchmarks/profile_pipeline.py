"""Where the time goes: every asset of the pipeline, in one process, under pyinstrument.

    .venv/bin/python -m benchmarks.profile_pipeline --n 200

It materializes the whole asset graph in-process (`execute_in_process`, the same assets, IO
manager and stage functions as the headless run) over a synthetic corpus of N reports, with
GOVREPORT_WORKERS=1. Why one worker: a sampling profiler sees one process, and with more workers
the per-report work would run in pool processes it cannot see; the per-report cost is the same
either way, only spread over cores. Why the assets and not the stage functions called by hand:
the graph (and the stage functions' signatures) change while the pipeline is written, and
materializing the job needs no knowledge of them.

It prints and writes (to `benchmarks/out/profile-n<N>.{txt,html}` and a section of RESULTS.md):
wall time per step, the share of time by package (pipeline code, polars, dagster, ...), the
functions with the most self time, and the pipeline functions with the most inclusive time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections import defaultdict
from typing import Any

from benchmarks.generate import DEFAULT_SEED, ensure_corpus
from benchmarks.run import OUT_ROOT, RESULTS, link_tree, md_table, replace_section, snapshot_code, text_table


def _frame_time(frame: Any) -> float:
    return float(getattr(frame, "time", 0.0) or 0.0)


def area(file_path: str) -> str:
    """The package a frame's code belongs to: `pipeline`, a site-package's name, or `python`."""
    path = file_path.replace("\\", "/")
    if "/site-packages/" in path:
        return path.split("/site-packages/", 1)[1].split("/", 1)[0].removesuffix(".py")
    if "/pipeline/" in path or path.startswith("pipeline/"):
        return "pipeline/" + path.rsplit("/pipeline/", 1)[-1].split("/", 1)[0]
    if "/schemas/" in path:
        return "schemas"
    return "python (stdlib, builtins)"


def aggregate(root: Any) -> tuple[dict[tuple[str, str], float], dict[tuple[str, str], float], dict[str, float]]:
    """Self time per function, inclusive time per function (once per stack), self time per package."""
    self_time: dict[tuple[str, str], float] = defaultdict(float)
    inclusive: dict[tuple[str, str], float] = defaultdict(float)
    by_area: dict[str, float] = defaultdict(float)
    todo: list[tuple[Any, frozenset[tuple[str, str]]]] = [(root, frozenset())]
    while todo:
        frame, on_stack = todo.pop()
        if frame.is_synthetic:
            continue
        key = (frame.function or "?", f"{frame.file_path_short}:{frame.line_no}")
        own = frame.total_self_time
        self_time[key] += own
        by_area[area(frame.file_path or "")] += own
        if key not in on_stack:
            inclusive[key] += _frame_time(frame)
        todo.extend((child, on_stack | {key}) for child in frame.children)
    return self_time, inclusive, by_area


def step_times(instance: Any, run_id: str) -> dict[str, float]:
    """Wall seconds of each step (STEP_START to its end), from the run's event log."""
    starts: dict[str, float] = {}
    out: dict[str, float] = {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or not entry.step_key:
            continue
        if event.event_type_value == "STEP_START":
            starts[entry.step_key] = entry.timestamp
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and entry.step_key in starts:
            out[entry.step_key] = entry.timestamp - starts[entry.step_key]
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: profile the pipeline over N reports; exit status 1 if the run failed."""
    parser = argparse.ArgumentParser(description="Profile every asset of the pipeline in one process.")
    parser.add_argument("--n", type=int, default=200, help="reports in the sample corpus (default 200)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--interval", type=float, default=0.001, help="pyinstrument sampling interval, s")
    parser.add_argument("--top", type=int, default=20, help="functions to list")
    parser.add_argument("--no-results", action="store_true", help=f"do not write {RESULTS.name}")
    args = parser.parse_args(argv)

    corpus_dir, corpus = ensure_corpus(args.n, args.seed)
    code, code_version = snapshot_code()
    work = OUT_ROOT / f"profile-n{args.n}"
    shutil.rmtree(work, ignore_errors=True)
    link_tree(corpus_dir, work / "raw")
    os.environ.update(GOVREPORT_RAW=str(work / "raw"), GOVREPORT_WAREHOUSE=str(work / "warehouse"),
                      GOVREPORT_WORKERS="1")
    sys.path.insert(0, str(code))  # the same frozen code as benchmarks.run measures

    import dagster as dg
    from pyinstrument import Profiler

    from pipeline import definitions

    defs = definitions.defs() if callable(definitions.defs) else definitions.defs
    job = defs.resolve_implicit_global_asset_job_def()
    instance = dg.DagsterInstance.ephemeral()
    profiler = Profiler(interval=args.interval, async_mode="disabled")
    started = time.perf_counter()
    profiler.start()
    result = job.execute_in_process(instance=instance, raise_on_error=False)
    session = profiler.stop()
    wall = time.perf_counter() - started

    (OUT_ROOT / f"profile-n{args.n}.txt").write_text(profiler.output_text(unicode=True, show_all=False),
                                                     encoding="utf-8")
    (OUT_ROOT / f"profile-n{args.n}.html").write_text(profiler.output_html(), encoding="utf-8")
    root = session.root_frame()
    total = _frame_time(root) or wall
    self_time, inclusive, by_area = aggregate(root)
    steps = step_times(instance, result.run_id)

    def pct(t: float) -> str:
        return f"{100 * t / total:.1f}%"

    step_rows = [["step", "wall s", "share"]] + [[k, f"{v:.2f}", pct(v)] for k, v in steps.items()]
    area_rows = [["package", "self s", "share"]] + [
        [k, f"{v:.2f}", pct(v)] for k, v in sorted(by_area.items(), key=lambda kv: -kv[1])[:12]]
    self_rows = [["function", "where", "self s", "share"]] + [
        [f, w, f"{t:.2f}", pct(t)] for (f, w), t in sorted(self_time.items(), key=lambda kv: -kv[1])[: args.top]]
    pipeline_inclusive = {k: v for k, v in inclusive.items() if k[1].startswith(("pipeline/", "schemas/"))}
    incl_rows = [["function", "where", "total s", "share"]] + [
        [f, w, f"{t:.2f}", pct(t)]
        for (f, w), t in sorted(pipeline_inclusive.items(), key=lambda kv: -kv[1])[: args.top]]

    status = "SUCCESS" if result.success else "FAILURE"
    cpu = float(getattr(session, "cpu_time", 0.0) or 0.0)
    print(f"profile of the whole pipeline over {corpus['files']} files ({corpus['bytes'] / 1e6:.1f} MB), code "
          f"{code_version}, one process: {wall:.1f} s ({cpu:.1f} s CPU), {status}")
    for title, rows in (("steps", step_rows), ("self time by package", area_rows),
                        ("self time by function", self_rows), ("pipeline functions, inclusive", incl_rows)):
        print(f"\n{title}:\n{text_table(rows)}")
    print(f"\nfull tree: {OUT_ROOT / f'profile-n{args.n}.txt'} (and .html)")

    if not args.no_results:
        heading = f"## Profile (N = {args.n}, one process)"
        body = "\n".join([
            heading, "",
            f"`.venv/bin/python -m benchmarks.profile_pipeline --n {args.n}`: every asset materialized in one "
            f"process (GOVREPORT_WORKERS=1) under pyinstrument (interval {args.interval * 1000:.0f} ms), code "
            f"snapshot `{code_version}`, {corpus['files']} files / {corpus['bytes'] / 1e6:.1f} MB; "
            f"{wall:.1f} s in all ({cpu:.1f} s CPU: the machine is shared), run {status}. "
            f"Shares are of the profiled time ({total:.1f} s); time in C code "
            "(regex, polars kernels) counts as self time of the Python function that called it.", "",
            "**Steps**", "", md_table(step_rows), "",
            "**Self time by package**", "", md_table(area_rows), "",
            f"**Top {args.top} functions by self time**", "", md_table(self_rows), "",
            f"**Top {args.top} pipeline functions by inclusive time**", "", md_table(incl_rows), "",
        ])
        replace_section(RESULTS, heading, body)
        print(f"written to {RESULTS}")
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
