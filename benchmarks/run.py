"""The benchmark: the whole pipeline, headless, over a synthetic corpus of N reports.

    .venv/bin/python -m benchmarks.run --n 1000 [--n 10000]

For each N it (1) generates the corpus once (cached under `benchmarks/corpus/`), (2) times the
floor, a single polars pass that reads every file and finds every number, (3) runs
`dagster asset materialize --select '*' -m pipeline.definitions` in a subprocess with a fresh
DAGSTER_HOME and warehouse, exactly as a user runs it, (4) adds one new report and runs the same
command again (the incremental case), then prints the figures and writes them to
`benchmarks/RESULTS.md` (one section per N, replaced on the next run of that N).

Why the per-stage figures come from Dagster's event log, not from timing the plain stage
functions in-process: the event log times the steps as they really run — in the executor's
worker processes, with the IO manager reading and writing every intermediate table — so the
figures include costs that in-process timing would hide (process launch and code loading per
step, Parquet round trips between assets), and the harness needs no knowledge of the stage
functions' signatures, which change while the pipeline is being written: it runs whatever
assets exist. The in-process view, where function-level time goes, is `benchmarks/profile.py`.

How the figures are measured (see README.md for what each means):
- wall and launch time per step: STEP_WORKER_STARTING / STEP_START / STEP_SUCCESS timestamps;
- CPU per step: a psutil sampler (every 0.2 s) follows the whole process tree, and a step's CPU
  is that of its worker process and the pool processes under it (or, with the in-process
  executor, the whole tree's CPU during the step's time window);
- CPU and largest single-process RSS in total: exact, from the kernel's rusage of every process
  of the tree as it is reaped (the harness makes itself a child subreaper on Linux so that
  processes orphaned by their parent, e.g. a forkserver, are reaped and counted here too);
- peak memory of the tree: the largest sum over the processes alive at one sample, as RSS
  (counts shared pages once per process: an upper bound) and as PSS (shares them out);
- rows: `dagster/row_count` of each materialization, and the published Parquet files.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import polars as pl
import psutil

from benchmarks.generate import DEFAULT_SEED, STAMP, Generator, ensure_corpus

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
OUT_ROOT = BENCH_DIR / "out"
RESULTS = BENCH_DIR / "RESULTS.md"
NUMBER_PATTERN = r"\d+(?:\.\d+)?"
SAMPLE_SECONDS = 0.2
PSS_EVERY = 10  # PSS every 10th sample (2 s)
QUIET_MAX_WAIT_S = 600.0
FLOOR_REPEATS = 3
STALL_CPU_SHARE = 0.02  # a run whose tree used less than 2 % of a core over the stall window is hung
STALL_S = 180.0
# Assets whose steps make up "extraction" in the ratio to the floor: reading, cleaning and
# cutting the text, and finding the facts in it.
EXTRACTION_ASSETS = {"documents", "sentences", "normalization_edits", "facts"}
GOALS = {"end_to_end_s": 180.0, "peak_memory_mb": 2048.0, "floor_ratio": 20.0, "incremental_s": 15.0}
GOAL_N = 10_000
MB = 1e6


# --- sampling the process tree ----------------------------------------------------------------------


class TreeSampler(threading.Thread):
    """Polls a process and all its descendants: RSS and CPU per process, PSS every few samples.

    Polling misses what happens between two samples (a process's last 0.2 s of CPU, a peak shorter
    than that); the exact totals come from rusage at reaping, see `run_pipeline`. PSS is read only
    every `PSS_EVERY`-th sample: the kernel walks a process's page tables for it (a few ms per
    process), and on a two-core machine the sampler must not compete with what it measures.
    """

    def __init__(self, root_pid: int, interval: float = SAMPLE_SECONDS) -> None:
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.interval = interval
        self.samples: list[tuple[float, dict[int, tuple[int, int]]]] = []  # time, pid -> (rss, pss or -1)
        self.tree_cpu: list[tuple[float, float]] = []  # time, CPU s of every process seen so far
        self.busy: list[int] = []  # per sample: processes that used over half a core since the last one
        self.parents: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self._stop_event = threading.Event()

    def run(self) -> None:
        count = 0
        while not self._stop_event.is_set():
            self.sample(with_pss=count % PSS_EVERY == 0)
            count += 1
            self._stop_event.wait(self.interval)
        self.sample(with_pss=True)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()

    def sample(self, with_pss: bool = True) -> None:
        """One look at the tree: who is there, their CPU so far, their memory now."""
        now = time.time()
        try:
            root = psutil.Process(self.root_pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            procs = [p for pid in list(self.parents) if (p := _process(pid))]
        memory: dict[int, tuple[int, int]] = {}
        busy = 0
        for proc in procs:
            try:
                with proc.oneshot():
                    ppid = proc.ppid()
                    times = proc.cpu_times()
                    rss, pss = proc.memory_info().rss, -1
                    if with_pss:
                        with contextlib.suppress(psutil.AccessDenied):
                            pss = getattr(proc.memory_full_info(), "pss", rss)
            except psutil.Error:
                continue
            self.parents.setdefault(proc.pid, ppid)
            before = self.cpu.get(proc.pid, 0.0)
            self.cpu[proc.pid] = times.user + times.system
            if self.tree_cpu and self.cpu[proc.pid] - before > 0.5 * (now - self.tree_cpu[-1][0]):
                busy += 1
            memory[proc.pid] = (rss, pss)
        self.samples.append((now, memory))
        self.busy.append(busy)
        self.tree_cpu.append((now, sum(self.cpu.values())))

    def write_timeline(self, path: Path) -> None:
        """The samples as CSV (seconds from start, tree CPU s, tree RSS MB, processes, processes busy
        on over half a core): to see, after the fact, when a run used both cores and when one."""
        if not self.samples:
            return
        t0 = self.samples[0][0]
        lines = ["t_s,tree_cpu_s,tree_rss_mb,processes,busy_processes"]
        for (t, memory), (_, cpu), busy in zip(self.samples, self.tree_cpu, self.busy, strict=True):
            lines.append(f"{t - t0:.2f},{cpu:.2f},{sum(r for r, _ in memory.values()) / MB:.0f},{len(memory)},{busy}")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def current_rss(self) -> int:
        """RSS summed over the tree at the last sample, bytes."""
        return sum(r for r, _ in self.samples[-1][1].values()) if self.samples else 0

    def stalled(self, window_s: float) -> bool:
        """Whether the tree used (almost) no CPU in the last `window_s` seconds: a deadlocked run.

        "Almost": Dagster's log watchers (`tail -F`, orphan watchers) tick now and then; a working
        step uses a whole core.
        """
        if not self.tree_cpu or self.tree_cpu[-1][0] - self.tree_cpu[0][0] < window_s:
            return False
        now = self.tree_cpu[-1][0]
        return self.cpu_between(now - window_s, now) < STALL_CPU_SHARE * window_s

    def subtree(self, pid: int) -> set[int]:
        """`pid` and every process seen under it."""
        out, todo = {pid}, [pid]
        while todo:
            parent = todo.pop()
            for child, ppid in self.parents.items():
                if ppid == parent and child not in out:
                    out.add(child)
                    todo.append(child)
        return out

    def peak(self, pids: set[int] | None = None, start: float = 0.0, end: float = float("inf")) -> tuple[int, int]:
        """The largest (RSS sum, PSS sum) over the samples in [start, end], of `pids` (None: all)."""
        best_rss = best_pss = 0
        for t, memory in self.samples:
            if start <= t <= end:
                chosen = [v for pid, v in memory.items() if pids is None or pid in pids]
                best_rss = max(best_rss, sum(r for r, _ in chosen))
                if all(p >= 0 for _, p in chosen):
                    best_pss = max(best_pss, sum(p for _, p in chosen))
        return best_rss, best_pss

    def cpu_between(self, start: float, end: float) -> float:
        """CPU seconds of the whole tree between two times (nearest samples)."""
        def at(t: float) -> float:
            before = [c for ts, c in self.tree_cpu if ts <= t]
            return before[-1] if before else 0.0
        return max(0.0, at(end) - at(start))


def cpu_pressure_us() -> int | None:
    """Linux PSI: total microseconds during which some runnable task waited for a CPU (None if absent)."""
    try:
        line = Path("/proc/pressure/cpu").read_text().splitlines()[0]
        return int(line.rsplit("total=", 1)[1])
    except (OSError, IndexError, ValueError):
        return None


def wait_for_quiet(below_pct: float, max_wait_s: float) -> float:
    """Wait until the machine's CPU pressure (PSI avg10) is below `below_pct` %; seconds waited.

    On a shared machine a run that starts while others compile or test measures them, not the
    pipeline; waiting for a quiet moment (up to `max_wait_s`) makes runs comparable. It cannot stop
    others from starting work during the run: the run's own pressure figure tells.
    """
    started = time.monotonic()
    while time.monotonic() - started < max_wait_s:
        try:
            avg10 = float(Path("/proc/pressure/cpu").read_text().split("avg10=", 1)[1].split()[0])
        except (OSError, IndexError, ValueError):
            return 0.0
        if avg10 < below_pct:
            break
        time.sleep(5)
    return time.monotonic() - started


def _process(pid: int) -> psutil.Process | None:
    try:
        return psutil.Process(pid)
    except psutil.Error:
        return None


def become_subreaper() -> bool:
    """Make orphaned descendants this process's children (Linux), so their rusage is counted.

    Without it a process whose parent exits first (a multiprocessing forkserver, a pool worker of a
    crashed step) is reaped by init and its CPU time is lost from the totals.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        return False


# --- one pipeline run ---------------------------------------------------------------------------------


@dataclass
class StepFigures:
    """One executed step (asset or multi-asset) of the run."""

    key: str
    status: str
    launch_s: float  # worker process start to STEP_START: interpreter, imports, code loading
    wall_s: float  # STEP_START to STEP_SUCCESS/FAILURE: the asset's own work, IO manager included
    cpu_s: float
    peak_rss_mb: float
    peak_pss_mb: float
    rows: dict[str, int] = field(default_factory=dict)
    counts: dict[str, Any] = field(default_factory=dict)  # reports_computed / reports_reused etc.
    error: str | None = None
    assets: set[str] = field(default_factory=set)


@dataclass
class PipelineRun:
    """What one `dagster asset materialize` invocation cost and produced."""

    label: str
    returncode: int
    status: str
    wall_s: float
    cpu_s: float
    max_process_rss_mb: float
    peak_tree_rss_mb: float
    peak_tree_pss_mb: float
    steps: list[StepFigures]
    published_rows: dict[str, int]
    log: Path
    error: str | None = None
    instance_note: str = ""
    cpu_pressure: float | None = None  # share of the wall time some task waited for a CPU (PSI)

    @property
    def executor(self) -> str:
        """Which executor ran the steps: one process per step, or all in the CLI's process."""
        return "multiprocess" if any(s.launch_s > 0 for s in self.steps) else "in-process"

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.status == "SUCCESS"

    def steps_for(self, assets: set[str]) -> list[StepFigures]:
        return [s for s in self.steps if s.assets & assets]


def dagster_command(run_config: dict[str, Any] | None) -> list[str]:
    """The documented headless command, with the venv's own `dagster` next to this interpreter."""
    exe = Path(sys.executable).with_name("dagster")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "dagster"]
    cmd += ["asset", "materialize", "--select", "*", "-m", "pipeline.definitions"]
    if run_config:
        cmd += ["--config-json", json.dumps(run_config)]
    return cmd


CODE_PATHS = ("pipeline", "schemas", "tests/gold", "dagster.yaml", "pyproject.toml")
KEEP_SNAPSHOTS = 4  # older frozen copies of the code are deleted


def snapshot_code() -> tuple[Path, str]:
    """A frozen copy of the pipeline's code as it is now, to run every measurement of this session on.

    Other people edit `pipeline/` while the benchmark runs. Run from the live tree, a full build
    and the incremental re-run after it could execute different code — and since the per-report
    cache is keyed by a hash of the code, an edit in between makes the "incremental" run recompute
    every report. The copy (keyed by its content hash, reused when unchanged) keeps the runs of one
    invocation on one version of the code; the results name that version.
    """
    digest = hashlib.sha256()
    files: list[Path] = []
    for rel in CODE_PATHS:
        path = PROJECT_ROOT / rel
        candidates = [path] if path.is_file() else sorted(path.rglob("*")) if path.is_dir() else []
        for f in candidates:
            if f.is_file() and "__pycache__" not in f.parts and not f.name.endswith((".pyc", ".tmp")):
                files.append(f)
                digest.update(f.relative_to(PROJECT_ROOT).as_posix().encode() + b"\0" + f.read_bytes())
    version_id = digest.hexdigest()[:12]
    target = OUT_ROOT / f"code-{version_id}"
    if not (target / ".complete").exists():
        shutil.rmtree(target, ignore_errors=True)
        for f in files:
            dest = target / f.relative_to(PROJECT_ROOT)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(f, dest)
        (target / ".complete").write_text(version_id)
    old = sorted(OUT_ROOT.glob("code-*"), key=lambda p: p.stat().st_mtime)[:-KEEP_SNAPSHOTS]
    for stale in old:
        if stale != target:
            shutil.rmtree(stale, ignore_errors=True)
    return target, version_id


def run_pipeline(label: str, run_dir: Path, raw: Path, code: Path, run_config: dict[str, Any] | None,
                 workers: int | None, stall_s: float, timeout_s: float, mp_start: str | None = None,
                 memory_limit_mb: float = float("inf")) -> PipelineRun:
    """Run the pipeline once over `raw` into `run_dir` (its DAGSTER_HOME and warehouse persist).

    A run whose whole process tree uses no CPU for `stall_s` seconds is hung (a deadlock): its
    stacks are dumped with py-spy when available, it is killed, and reported as HUNG. A run whose
    tree's RSS passes `memory_limit_mb` is killed too (the machine is shared: a benchmark must not
    push other people's work into swap or the OOM killer).
    """
    home, warehouse = run_dir / "dagster_home", run_dir / "warehouse"
    instance_note = prepare_home(home, code)
    env = {**os.environ, "DAGSTER_HOME": str(home), "GOVREPORT_RAW": str(raw), "GOVREPORT_WAREHOUSE": str(warehouse),
           # As an editable install would: the executor's spawned processes import `pipeline` from here.
           "PYTHONPATH": os.pathsep.join(filter(None, [str(BENCH_DIR / "mp_spawn") if mp_start == "spawn" else "",
                                                       str(code), os.environ.get("PYTHONPATH")]))}
    if workers:
        env["GOVREPORT_WORKERS"] = str(workers)
    log = run_dir / f"{label}.log"
    known_runs = set(_run_ids(home))
    own_children = {p.pid for p in psutil.Process().children()}
    hung: str | None = None
    pressure_before = cpu_pressure_us()
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(dagster_command(run_config), cwd=code, env=env, stdout=out, stderr=subprocess.STDOUT)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            elapsed = time.perf_counter() - started
            too_big = sampler.current_rss() / MB > memory_limit_mb
            if hung is None and (sampler.stalled(stall_s) or elapsed > timeout_s or too_big):
                hung = (f"the tree's RSS passed the {memory_limit_mb:,.0f} MB limit" if too_big
                        else f"still running after the {timeout_s:.0f} s time-out" if elapsed > timeout_s
                        else f"the process tree used no CPU for {stall_s:.0f} s: deadlocked")
                hung += f"; stacks in {dump_stacks(proc.pid, run_dir / f'{label}-stacks.txt')}"
                print(f"  {hung}; killing the run", flush=True)
                kill_tree(proc.pid)
            time.sleep(0.2)
        ended = time.time()
        wall = time.perf_counter() - started
        pressure_after = cpu_pressure_us()
        proc.returncode = os.waitstatus_to_exitcode(status)
        cpu, max_rss_kb = usage.ru_utime + usage.ru_stime, usage.ru_maxrss
        for orphan in reap_orphans(own_children):
            cpu += orphan.ru_utime + orphan.ru_stime
            max_rss_kb = max(max_rss_kb, orphan.ru_maxrss)
        sampler.stop()
    sampler.write_timeline(run_dir / f"{label}-timeline.csv")
    tree_rss, tree_pss = sampler.peak()
    steps, run_status, error = read_event_log(home, known_runs, sampler, proc.pid, ended)
    if hung:
        run_status = "HUNG" if "deadlocked" in hung else "KILLED"
        error = hung + (f"; {error}" if error else "")
    if proc.returncode and error is None:
        error = _tail(log)
    pressure = (None if pressure_before is None or pressure_after is None
                else (pressure_after - pressure_before) / 1e6 / wall)
    return PipelineRun(label, proc.returncode, run_status, wall, cpu, max_rss_kb * 1024 / MB, tree_rss / MB,
                       tree_pss / MB, steps, published_rows(warehouse), log, error, instance_note, pressure)


def dump_stacks(root_pid: int, path: Path) -> Path:
    """Every process's Python stacks (py-spy, if installed), to show where a hung run is stuck."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    chunks = []
    for proc in _tree(root_pid):
        try:
            dump = subprocess.run([spy, "dump", "--pid", str(proc.pid)], capture_output=True, text=True,
                                  timeout=60, check=False)
            chunks.append(dump.stdout + dump.stderr)
        except (OSError, subprocess.TimeoutExpired) as err:
            chunks.append(f"pid {proc.pid}: no stack ({err}); pip install py-spy to see it")
    path.write_text("\n".join(chunks), encoding="utf-8")
    return path


def _tree(root_pid: int) -> list[psutil.Process]:
    try:
        root = psutil.Process(root_pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def kill_tree(root_pid: int) -> None:
    """SIGKILL the run this harness started and everything under it (a deadlocked process ignores SIGTERM)."""
    for proc in reversed(_tree(root_pid)):
        with contextlib.suppress(psutil.Error):
            proc.kill()


def prepare_home(home: Path, code: Path) -> str:
    """Give the temporary DAGSTER_HOME the project's `dagster.yaml`, if Dagster accepts it.

    The benchmark should run with the project's instance settings (concurrency pools, run queue);
    but a `dagster.yaml` that Dagster rejects would make every run fail before it starts, so it is
    then left out, the run uses Dagster's defaults, and the results say so.
    """
    home.mkdir(parents=True, exist_ok=True)
    project_yaml = code / "dagster.yaml"
    if not project_yaml.is_file():
        return "no dagster.yaml in the project: Dagster's defaults"
    target = home / "dagster.yaml"
    if target.exists():
        return "the project's dagster.yaml"
    shutil.copy(project_yaml, target)
    from dagster import DagsterInstance

    try:
        with DagsterInstance.from_config(str(home)):
            return "the project's dagster.yaml"
    except Exception as err:
        target.unlink()
        message = str(err).strip().splitlines()[0][:200]
        print(f"  WARNING: the project's dagster.yaml is rejected by Dagster ({message}); "
              "running with Dagster's default instance settings", flush=True)
        return f"Dagster's defaults: the project's dagster.yaml is rejected by Dagster ({message})"


def reap_orphans(own_children: set[int], grace_s: float = 30.0) -> list[Any]:
    """Wait for descendants that outlived the CLI (reparented to us as subreaper); their rusage.

    `own_children` are this process's children from before the run, which are not waited for.
    """
    usages = []
    deadline = time.monotonic() + grace_s
    while True:
        orphans = {p.pid for p in psutil.Process().children()} - own_children
        if not orphans or time.monotonic() > deadline:
            return usages
        for pid in orphans:
            try:
                done, _, usage = os.wait4(pid, os.WNOHANG)
            except ChildProcessError:
                continue
            if done:
                usages.append(usage)
        time.sleep(0.05)


def _tail(path: Path, lines: int = 15) -> str:
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(text[-lines:])


def _run_ids(home: Path) -> list[str]:
    if not (home / "history").exists():
        return []
    from dagster import DagsterInstance

    with DagsterInstance.from_config(str(home)) as instance:
        return [r.run_id for r in instance.get_runs()]


def read_event_log(home: Path, known_runs: set[str], sampler: TreeSampler, cli_pid: int,
                   ended: float) -> tuple[list[StepFigures], str, str | None]:
    """Per-step figures of the run this invocation made, from the instance's event log."""
    from dagster import DagsterInstance

    with DagsterInstance.from_config(str(home)) as instance:
        runs = [r for r in instance.get_runs() if r.run_id not in known_runs]
        if not runs:
            return [], "NO RUN", "the CLI made no run (see the log)"
        run = runs[0]
        entries = instance.all_logs(run.run_id)
    times: dict[str, dict[str, float]] = {}
    pids: dict[str, int] = {}
    assets: dict[str, set[str]] = {}
    rows: dict[str, dict[str, int]] = {}
    counts: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    for entry in entries:
        event = entry.dagster_event
        if event is None or not entry.step_key:
            continue
        step, kind = entry.step_key, event.event_type_value
        times.setdefault(step, {}).setdefault(kind, entry.timestamp)
        if kind == "STEP_START" and event.pid:
            pids[step] = event.pid
        if kind == "STEP_FAILURE":
            errors[step] = _root_message(getattr(event.event_specific_data, "error", None))
        if kind == "ASSET_MATERIALIZATION_PLANNED":
            assets.setdefault(step, set()).add(event.asset_key.to_user_string())
        materialization = entry.asset_materialization
        if materialization is not None:
            asset = materialization.asset_key.to_user_string()
            meta = {k: getattr(v, "value", v) for k, v in materialization.metadata.items()}
            rows.setdefault(step, {})[asset] = int(meta.get("dagster/row_count", 0) or 0)
            for k, v in meta.items():
                if k.startswith("reports_") and isinstance(v, int | float):
                    counts.setdefault(step, {}).setdefault(k, v)  # the same for every asset of a step
    steps = []
    for step, t in sorted(times.items(), key=lambda kv: kv[1].get("STEP_WORKER_STARTING", kv[1].get("STEP_START", 0))):
        start = t.get("STEP_START")
        end = t.get("STEP_SUCCESS") or t.get("STEP_FAILURE") or t.get("STEP_SKIPPED") or ended
        if start is None:
            continue
        launched = t.get("STEP_WORKER_STARTING", start)
        pid = pids.get(step, cli_pid)
        if pid != cli_pid:  # its own worker process: that process and its pool, all their life
            tree = sampler.subtree(pid)
            cpu = sum(sampler.cpu.get(p, 0.0) for p in tree)
            rss, pss = sampler.peak(tree, launched, end)
        else:  # in-process executor: everything the tree did while the step ran
            cpu = sampler.cpu_between(start, end)
            rss, pss = sampler.peak(None, start, end)
        status = next((k[5:] for k in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED") if k in t), "UNFINISHED")
        steps.append(StepFigures(step, status, start - launched, end - start, cpu, rss / MB, pss / MB,
                                 rows.get(step, {}), counts.get(step, {}), errors.get(step),
                                 assets.get(step, set()) | set(rows.get(step, {}))))
    error = "; ".join(f"{k}: {v}" for k, v in errors.items()) or None
    return steps, run.status.value, error


def _root_message(err: Any) -> str:
    """The first line of the innermost cause of a serialized error: what actually went wrong."""
    if err is None:
        return "failed"
    while getattr(err, "cause", None) is not None or getattr(err, "context", None) is not None:
        err = err.cause or err.context
    lines = [line for line in (err.message or "").strip().splitlines() if line.strip()]
    return (lines[0] if lines else "failed")[:300]


def published_rows(warehouse: Path) -> dict[str, int]:
    """Rows of each published Parquet table (`warehouse/parquet/*.parquet`), if any."""
    out = {}
    for path in sorted((warehouse / "parquet").glob("*.parquet")):
        try:
            out[path.stem] = pl.scan_parquet(path).select(pl.len()).collect().item()
        except Exception as err:  # a table being rewritten by hand is not worth a crash
            out[path.stem] = -1
            print(f"  (cannot count {path}: {err})")
    return out


# --- the floor ------------------------------------------------------------------------------------------


@dataclass
class Floor:
    """The cheapest possible scan: read every file, find every number, one polars pass."""

    read_s: float
    scan_s: float
    cpu_s: float
    numbers: int

    @property
    def wall_s(self) -> float:
        return self.read_s + self.scan_s


def polars_floor(folder: Path) -> Floor:
    """Read every report file (UTF-8, bad bytes replaced) and `str.extract_all` every number."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix == ".txt")
    cpu0, t0 = time.process_time(), time.perf_counter()
    texts = [p.read_bytes().decode("utf-8", errors="replace") for p in files]
    t1 = time.perf_counter()
    numbers = (pl.DataFrame({"text": texts}).lazy()
               .select(pl.col("text").str.extract_all(NUMBER_PATTERN).list.len().sum()).collect().item())
    t2 = time.perf_counter()
    return Floor(t1 - t0, t2 - t1, time.process_time() - cpu0, int(numbers or 0))


# --- one N ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """How to run: the same for every N of one invocation."""

    seed: int
    run_config: dict[str, Any] | None
    workers: int | None
    floor: bool
    incremental: bool
    stall_s: float
    timeout_s: float
    code: Path
    code_version: str
    mp_start: str | None = None
    memory_limit_mb: float = float("inf")
    quiet_below_pct: float = 100.0


@dataclass
class BenchResult:
    """Everything measured for one N."""

    n: int
    corpus: dict[str, Any]
    corpus_dir: Path
    options: Options
    floor: Floor | None
    full: PipelineRun
    incremental: PipelineRun | None
    context: dict[str, Any]

    @property
    def raw_mb(self) -> float:
        return self.corpus["bytes"] / MB

    @property
    def extraction_s(self) -> float | None:
        steps = self.full.steps_for(EXTRACTION_ASSETS)
        return sum(s.wall_s for s in steps) if steps else None


def link_tree(src: Path, dst: Path) -> None:
    """A copy of the corpus made of hard links (instant, no space), so runs never touch the cache."""
    dst.mkdir(parents=True)
    for path in src.iterdir():
        if path.is_file() and path.name != STAMP:
            try:
                os.link(path, dst / path.name)
            except OSError:
                shutil.copy2(path, dst / path.name)


def _quiet(opt: Options) -> None:
    if opt.quiet_below_pct < 100:
        waited = wait_for_quiet(opt.quiet_below_pct, QUIET_MAX_WAIT_S)
        if waited > 1:
            print(f"  (waited {waited:.0f} s for the machine's CPU pressure to fall below "
                  f"{opt.quiet_below_pct:.0f} %)", flush=True)


def bench(n: int, opt: Options) -> BenchResult:
    """Generate (or reuse) the corpus, time the floor, build the warehouse, then add one report."""
    t0 = time.perf_counter()
    corpus_dir, corpus = ensure_corpus(n, opt.seed)
    print(f"corpus: {corpus_dir} ({corpus['files']} files, {corpus['bytes'] / MB:.1f} MB, "
          f"{corpus['listed_in_manifest']} in the manifest; ready in {time.perf_counter() - t0:.1f} s)", flush=True)
    context = machine_context()
    floor_figures = None
    if opt.floor:
        _quiet(opt)
        # The best of three: the floor is a few seconds, easily inflated by a neighbour's burst.
        floor_figures = min((polars_floor(corpus_dir) for _ in range(FLOOR_REPEATS)), key=lambda f: f.wall_s)
    if floor_figures:
        print(f"floor:  {floor_figures.wall_s:.2f} s ({floor_figures.numbers} numbers)", flush=True)
    run_dir = OUT_ROOT / f"n{n}"
    shutil.rmtree(run_dir, ignore_errors=True)
    raw = run_dir / "raw"
    link_tree(corpus_dir, raw)
    print(f"pipeline (code {opt.code_version}) over {raw} ...", flush=True)
    args = (opt.code, opt.run_config, opt.workers, opt.stall_s, opt.timeout_s, opt.mp_start, opt.memory_limit_mb)
    _quiet(opt)
    context["load_before"] = os.getloadavg()
    full = run_pipeline("full", run_dir, raw, *args)
    print(f"  full build: {full.wall_s:.1f} s, {full.status}", flush=True)
    incr = None
    if opt.incremental and full.ok:
        extra = Generator(opt.seed).report(n)
        (raw / extra.name).write_bytes(extra.data)
        _quiet(opt)
        incr = run_pipeline("incremental", run_dir, raw, *args)
        print(f"  + one report ({extra.name}): {incr.wall_s:.1f} s, {incr.status}", flush=True)
    context["load_after"] = os.getloadavg()
    return BenchResult(n, corpus, corpus_dir, opt, floor_figures, full, incr, context)


def machine_context() -> dict[str, Any]:
    """What the figures depend on besides the code: machine, versions, commit, load."""
    model = ""
    with contextlib.suppress(OSError):
        model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), "")
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True,
                                text=True, check=False).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "pipeline", "schemas"], cwd=PROJECT_ROOT,
                               capture_output=True, text=True, check=False).stdout.count("\n")
    except OSError:
        commit, dirty = "?", 0
    return {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cores": os.cpu_count(), "cpu": model or platform.processor(),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(), "polars": pl.__version__, "dagster": version("dagster"),
        "commit": commit, "uncommitted_files": dirty, "load_before": os.getloadavg(),
    }


# --- reporting --------------------------------------------------------------------------------------------


def _f(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def stage_table(result: BenchResult, run: PipelineRun) -> list[list[str]]:
    """Rows of the per-stage table: one per step, then the total of the CLI invocation."""
    n, mb = result.corpus["files"], result.raw_mb
    rows = [["stage", "status", "wall s", "launch s", "CPU s", "reports/s", "MB/s", "peak RSS MB",
             "peak PSS MB", "rows"]]
    for s in run.steps:
        rows.append([s.key, s.status, _f(s.wall_s, 2), _f(s.launch_s, 1), _f(s.cpu_s, 1),
                     _f(n / s.wall_s if s.wall_s else None, 0), _f(mb / s.wall_s if s.wall_s else None, 1),
                     _f(s.peak_rss_mb or None, 0), _f(s.peak_pss_mb or None, 0),
                     ", ".join(f"{k} {v:,}" for k, v in s.rows.items())])
    outside = run.wall_s - sum(s.wall_s + s.launch_s for s in run.steps)
    rows.append(["outside steps", "", _f(outside, 2), "", "", "", "", "", "",
                 "CLI start-up, code loading, run set-up and tear-down"])
    rows.append(["total (CLI)", run.status, _f(run.wall_s, 2), _f(sum(s.launch_s for s in run.steps), 1),
                 _f(run.cpu_s, 1), _f(n / run.wall_s, 0), _f(mb / run.wall_s, 1), _f(run.peak_tree_rss_mb, 0),
                 _f(run.peak_tree_pss_mb, 0), f"largest single process {run.max_process_rss_mb:,.0f} MB RSS"])
    return rows


def text_table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) if i in (0, 1, len(r) - 1) else c.rjust(w)
                               for i, (c, w) in enumerate(zip(r, widths, strict=True))) for r in rows)


def md_table(rows: list[list[str]]) -> str:
    head, *body = rows
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---" if i in (0, 1, len(head) - 1) else "---:"
                                                             for i in range(len(head))) + "|"]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in body])


def goals(result: BenchResult) -> list[tuple[str, str, str]]:
    """(goal, figure, verdict) for each goal of issue 7; size-bound goals are judged only at N=10,000."""
    full, incr, floor = result.full, result.incremental, result.floor
    at_goal_n = result.n == GOAL_N
    out = []

    def verdict(ok: bool, sized: bool = True) -> str:
        if sized and not at_goal_n:
            return f"(stated for N={GOAL_N:,}; {'within' if ok else 'over'} at this N)"
        return "met" if ok else "NOT met"

    out.append((f"N={GOAL_N:,} end to end < {GOALS['end_to_end_s']:.0f} s",
                f"{full.wall_s:.1f} s" + ("" if full.ok else f" (run {full.status})"),
                verdict(full.ok and full.wall_s < GOALS["end_to_end_s"])))
    peak = max(full.peak_tree_rss_mb, incr.peak_tree_rss_mb if incr else 0.0)
    peak_pss = max(full.peak_tree_pss_mb, incr.peak_tree_pss_mb if incr else 0.0)
    out.append((f"peak memory < {GOALS['peak_memory_mb'] / 1024:.0f} GB",
                f"tree RSS {peak:,.0f} MB (PSS {peak_pss:,.0f} MB)", verdict(peak < GOALS["peak_memory_mb"])))
    if floor and result.extraction_s is not None and not full.ok:
        out.append((f"extraction within {GOALS['floor_ratio']:.0f}x of the polars floor",
                    f"floor {floor.wall_s:.2f} s; extraction not measurable (run {full.status})", "–"))
    elif floor and result.extraction_s is not None:
        ratio = result.extraction_s / floor.wall_s
        out.append((f"extraction within {GOALS['floor_ratio']:.0f}x of the polars floor",
                    f"{result.extraction_s:.1f} s / {floor.wall_s:.2f} s = {ratio:.1f}x",
                    verdict(full.ok and ratio <= GOALS["floor_ratio"], sized=False)))
    else:
        out.append(("extraction within 20x of the polars floor", "not measured", "–"))
    if incr:
        out.append((f"one report added to N={GOAL_N:,}, republished < {GOALS['incremental_s']:.0f} s",
                    f"{incr.wall_s:.1f} s" + ("" if incr.ok else f" (run {incr.status})"),
                    verdict(incr.ok and incr.wall_s < GOALS["incremental_s"])))
    else:
        out.append(("one report added, republished < 15 s", "not measured", "–"))
    return out


def command_line(args: argparse.Namespace) -> str:
    parts = [".venv/bin/python -m benchmarks.run", *(f"--n {n}" for n in args.n)]
    if args.run_config:
        parts.append(f"--run-config '{args.run_config}'")
    if args.mp_start:
        parts.append(f"--mp-start {args.mp_start}")
    if args.workers:
        parts.append(f"--workers {args.workers}")
    if args.seed != DEFAULT_SEED:
        parts.append(f"--seed {args.seed}")
    if args.no_floor:
        parts.append("--no-floor")
    if args.no_incremental:
        parts.append("--no-incremental")
    return " ".join(parts)


def _pressure(run: PipelineRun) -> str:
    if run.cpu_pressure is None:
        return "CPU pressure unknown"
    return (f"CPU pressure {100 * run.cpu_pressure:.0f} % (share of the run during which some task waited "
            "for a core: high means other work competed)")


def report_text(result: BenchResult) -> str:
    """The figures for the terminal."""
    lines = [f"\n=== N = {result.n:,}: {result.corpus['files']:,} files, {result.raw_mb:.1f} MB raw "
             f"({result.context['cores']} cores, code {result.options.code_version}) ==="]
    for run in filter(None, [result.full, result.incremental]):
        lines += [f"\n{run.label}: {run.status}, {run.executor} executor, {_pressure(run)} (log: {run.log}; "
                  f"instance: {run.instance_note})",
                  text_table(stage_table(result, run))]
        if run.published_rows:
            lines.append("published: " + ", ".join(f"{k} {v:,}" for k, v in run.published_rows.items()))
        for s in run.steps:
            if s.counts:
                lines.append(f"  {s.key}: " + ", ".join(f"{k}={v}" for k, v in s.counts.items()))
        if run.error:
            lines.append(f"error: {run.error}")
    if result.floor:
        f = result.floor
        lines.append(f"\nfloor: read {f.read_s:.2f} s + extract_all {f.scan_s:.2f} s = {f.wall_s:.2f} s "
                     f"(CPU {f.cpu_s:.1f} s, {f.numbers:,} numbers, {result.raw_mb / f.wall_s:.0f} MB/s)")
    lines.append("\ngoals:")
    lines += [f"  {g:<55} {fig:<40} {v}" for g, fig, v in goals(result)]
    return "\n".join(lines)


def report_markdown(result: BenchResult, command: str) -> str:
    """The section of RESULTS.md for this N."""
    c = result.context
    corpus = result.corpus
    opt = result.options
    variant = [*(["run config given"] if opt.run_config else []),
               *([f"multiprocessing start method forced to {opt.mp_start}"] if opt.mp_start else []),
               *([f"GOVREPORT_WORKERS={opt.workers}"] if opt.workers else [])]
    out = [f"## N = {result.n:,}" + (f" ({'; '.join(variant)})" if variant else ""),
           "",
           f"- **command**: `{command}`",
           f"- **date**: {c['date']}; **machine**: {c['cores']} cores ({c['cpu']}), {c['ram_gb']} GB RAM; "
           f"load average before {c['load_before'][0]:.1f}, after {c['load_after'][0]:.1f} "
           "(the machine is shared: wall times are noisier than CPU times)",
           f"- **versions**: Python {c['python']}, polars {c['polars']}, dagster {c['dagster']}; commit "
           f"`{c['commit']}`" + (f" + {c['uncommitted_files']} uncommitted file(s) under pipeline/ and schemas/"
                                 if c["uncommitted_files"] else "") + f" (code snapshot `{opt.code_version}`)",
           f"- **executor**: {result.full.executor}" + (f" (run config `{json.dumps(opt.run_config)}`)"
                                                        if opt.run_config else " (the project's default)")
           + f", GOVREPORT_WORKERS={opt.workers or 'default (one per core)'}; "
           f"instance settings: {result.full.instance_note}",
           f"- **corpus**: {corpus['files']:,} files, {result.raw_mb:.1f} MB "
           f"(mean {corpus['bytes'] / corpus['files'] / 1e3:.1f} KB, "
           f"largest {corpus['max_bytes'] / 1e3:.0f} KB), {corpus['listed_in_manifest']:,} in the manifest; "
           "bad files: " + ", ".join(f"{k} {v}" for k, v in corpus["kinds"].items() if k != "report"),
           ""]
    for run in filter(None, [result.full, result.incremental]):
        title = "Full build" if run.label == "full" else "Incremental: one new report added, same command again"
        out += [f"**{title}** — {run.status}; {_pressure(run)}", "", md_table(stage_table(result, run)), ""]
        if run.published_rows:
            out += ["Published tables: " + ", ".join(f"{k} {v:,}" for k, v in run.published_rows.items()), ""]
        counts = [f"{s.key}: " + ", ".join(f"{k}={v}" for k, v in s.counts.items()) for s in run.steps if s.counts]
        if counts:
            out += ["Reports computed/reused: " + "; ".join(counts), ""]
        if run.error:
            out += [f"Error: `{run.error.splitlines()[-1][:300]}`", ""]
    if result.floor:
        f = result.floor
        ext = result.extraction_s
        out += [f"**Floor** (one polars pass: read every file, `str.extract_all(r\"{NUMBER_PATTERN}\")`): "
                f"read {f.read_s:.2f} s + extract {f.scan_s:.2f} s = **{f.wall_s:.2f} s** "
                f"({f.numbers:,} numbers, {result.raw_mb / f.wall_s:.0f} MB/s). "
                + (f"Extraction (the normalize and facts steps, {ext:.1f} s) is **{ext / f.wall_s:.1f}x** the floor."
                   if ext is not None and result.full.ok else "No ratio: the extraction steps did not all finish."),
                ""]
    out += ["**Goals**", "", "| goal | figure | verdict |", "|---|---|---|"]
    out += [f"| {g} | {fig} | {v} |" for g, fig, v in goals(result)]
    return "\n".join(out) + "\n"


RESULTS_HEADER = """# Benchmark results

Written by `benchmarks/run.py` (one section per N, replaced when that N is run again) and
`benchmarks/profile_pipeline.py` (the profile section). What each figure means: `benchmarks/README.md`.
"""


def replace_section(path: Path, heading: str, body: str) -> None:
    """Put `body` (which starts with `heading`) in place of that section of `path`, or append it."""
    text = path.read_text(encoding="utf-8") if path.exists() else RESULTS_HEADER
    parts = re.split(r"(?m)^(?=## )", text)
    head, sections = parts[0], parts[1:]
    replaced = False
    for i, section in enumerate(sections):
        if section.splitlines()[0].strip() == heading.strip():
            sections[i] = body + "\n"
            replaced = True
    if not replaced:
        sections.append(body + "\n")

    def order(section: str) -> tuple[int, int, str]:
        m = re.match(r"## N = ([\d,]+)", section)
        return (0, int(m.group(1).replace(",", "")), section) if m else (1, 0, section)

    sections.sort(key=order)
    path.write_text(head.rstrip() + "\n\n" + "".join(sections).rstrip() + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Command line; exit status 1 when a pipeline run failed (the figures are written all the same)."""
    parser = argparse.ArgumentParser(description="Benchmark the whole pipeline over a synthetic corpus of N reports.")
    parser.add_argument("--n", type=int, action="append", help="corpus size; repeat for several (default 1000)")
    parser.add_argument("--workers", type=int, help="GOVREPORT_WORKERS for the run (default: one per core)")
    parser.add_argument("--run-config", help="Dagster run config (JSON) passed with --config-json, e.g. to pick "
                        "an executor: '{\"execution\": {\"config\": {...}}}' (default: the project's)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="corpus RNG seed")
    parser.add_argument("--no-floor", action="store_true", help="skip the polars floor")
    parser.add_argument("--no-incremental", action="store_true", help="skip the one-new-report re-run")
    parser.add_argument("--stall", type=float, default=STALL_S, help="seconds without CPU after which a run is "
                        "declared hung and killed (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds after which a run is killed")
    parser.add_argument("--memory-limit", type=float, default=round(0.6 * psutil.virtual_memory().total / MB),
                        help="MB of RSS (whole tree) at which a run is killed (default: 60%% of RAM)")
    parser.add_argument("--mp-start", choices=["spawn"], help="make spawn the multiprocessing start method of the "
                        "run (benchmarks/mp_spawn/sitecustomize.py): the pipeline as it would be with a spawn "
                        "context for its process pool; results are headed accordingly")
    parser.add_argument("--quiet-below", type=float, default=25.0, help="before each run, wait (up to 10 min) "
                        "until the machine's CPU pressure (PSI avg10) is below this %% (default %(default)s; "
                        "100: do not wait)")
    parser.add_argument("--no-results", action="store_true", help=f"do not write {RESULTS.name}")
    args = parser.parse_args(argv)
    args.n = args.n or [1000]
    become_subreaper()
    OUT_ROOT.mkdir(parents=True, exist_ok=True)
    code, code_version = snapshot_code()
    opt = Options(args.seed, json.loads(args.run_config) if args.run_config else None, args.workers,
                  not args.no_floor, not args.no_incremental, args.stall, args.timeout, code, code_version,
                  args.mp_start, args.memory_limit, args.quiet_below)
    command = command_line(args)
    failed = False
    for n in args.n:
        result = bench(n, opt)
        print(report_text(result), flush=True)
        if not args.no_results:
            body = report_markdown(result, command)
            replace_section(RESULTS, body.splitlines()[0], body)
            print(f"\nwritten to {RESULTS}")
        failed |= not result.full.ok or (result.incremental is not None and not result.incremental.ok)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
