"""A deterministic synthetic corpus of government reports, for measuring the pipeline at scale.

Why synthetic: the five seed reports in `raw/` are far too few to time anything, and the real
corpus (~150,000 reports) cannot ship with the project. So report `i` is made by recombining the
seeds' paragraphs, in order and with gaps, under a new region, new years and new numbers:

- every Arabic number is perturbed (±40 %), keeping its format (decimal places, the `%` after it);
- years move by one offset per report and seed, so `2023年` and `2024年` stay a consecutive
  review/plan pair, and dates keep their month and day;
- the seeds' place names (青岛, 西海岸新区, 山东) become a real region from `regions.txt`;
- sizes follow a log-normal law (mean ~30 KB, long tail clipped at 200 KB), infographics smaller.

About 80 % of the files get a `manifest.yaml` entry (same format as `raw/manifest.yaml`); the rest
have only a title from which the pipeline must infer the metadata. In every 500 files there is
one each of: empty, binary, byte-identical duplicate, GB18030, UTF-16 with BOM and UTF-16-LE
without BOM, so quarantine and decoding are exercised at scale too.

Determinism: report `i` depends only on (seed, i) — a `random.Random` seeded with a string is
the same on every platform and run — so the same N gives the same bytes, and the N=1,000 corpus
is the first thousand files of the N=10,000 one.

    .venv/bin/python -m benchmarks.generate --n 1000 --out /tmp/corpus
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import random
import re
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = BENCH_DIR.parent
SEED_DIR = PROJECT_ROOT / "raw"
REGIONS_FILE = BENCH_DIR / "regions.txt"
CORPUS_ROOT = BENCH_DIR / "corpus"
DEFAULT_SEED = 20240305
STAMP = ".corpus.json"  # hidden, so the pipeline's inventory does not list it

# Report types and their share of the corpus; mean sizes in bytes (infographics are short).
TYPE_WEIGHTS = {"work_report": 0.45, "plan_report": 0.40, "infographic": 0.15}
MEAN_BYTES = {"work_report": 34_000, "plan_report": 34_000, "infographic": 8_000}
SIZE_SIGMA = 0.75
MIN_BYTES, MAX_BYTES = 2_000, 200_000
MANIFEST_SHARE = 0.8
PLAN_YEARS = (2008, 2025)
SKIP_PARAGRAPH, FOREIGN_PARAGRAPH = 0.15, 0.10

# Bad files: one of each kind per block of 500 files, at these offsets within the block.
BAD_PERIOD = 500
BAD_OFFSETS = {"empty": 37, "binary": 151, "duplicate": 263, "gb18030": 331, "utf16": 409, "utf16le": 467}
MIN_N_FOR_BAD = 50

_NUMBER = re.compile(r"(?<![A-Za-z0-9.])\d+(?:\.\d+)?(?![A-Za-z0-9])")
_YEAR_NEXT = set("年-—–~～/至、 )）\n\r")
_DATE_PREV = set("-/.月:：")
_DATE_NEXT = set("月日时")
_SEED_PLACES = ("青岛西海岸新区", "西海岸新区", "青岛市", "青岛", "山东省", "山东")
_PLACE = re.compile("|".join(_SEED_PLACES))
_CONGRESS = ("十四", "十五", "十六", "十七", "十八")
_SESSION = ("一", "二", "三", "四", "五")


@dataclass(frozen=True)
class Region:
    """A real region: its name, level (province|city|district) and province-level division."""

    name: str
    level: str
    province: str

    @property
    def short(self) -> str:
        """`成都市` → `成都`, the form reports use in running text; autonomous prefectures keep their name."""
        for suffix in ("市", "省", "区", "县", "旗"):
            if self.name.endswith(suffix) and not self.name.endswith(("自治区", "新区")) and len(self.name) > 2:
                return self.name[: -len(suffix)]
        for suffix in ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区"):
            if self.name.endswith(suffix):
                return self.name[: -len(suffix)]
        return self.name


@dataclass(frozen=True)
class Seed:
    """One seed report cut into paragraphs (lines), with the years its text speaks of."""

    name: str
    report_type: str
    plan_year: int
    paragraphs: tuple[str, ...]
    sizes: tuple[int, ...]  # UTF-8 bytes of each paragraph, to reach a target size without encoding
    separator: str


@dataclass(frozen=True)
class SyntheticFile:
    """A file of the corpus: its name, bytes, manifest entry (None: not listed), kind, and the
    metadata it was made with (to check what the pipeline infers for unlisted files)."""

    name: str
    data: bytes
    manifest: dict[str, Any] | None
    kind: str
    truth: dict[str, Any] | None = None


def load_regions(path: Path = REGIONS_FILE) -> list[Region]:
    """The regions of `regions.txt` (`name level province` per line, `#` comments)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, level, province = line.split()
            out.append(Region(name, level, province))
    return out


def load_seeds(raw: Path = SEED_DIR) -> list[Seed]:
    """The seed reports listed in the raw folder's manifest, cut into non-empty lines."""
    manifest = yaml.safe_load((raw / "manifest.yaml").read_text(encoding="utf-8"))["reports"]
    seeds = []
    for entry in manifest:
        text = (raw / entry["file"]).read_text(encoding="utf-8").replace("\r\n", "\n")
        paragraphs = tuple(line.rstrip() for line in text.split("\n") if line.strip())
        separator = "\n\n" if text.count("\n\n") > len(paragraphs) / 3 else "\n"
        seeds.append(Seed(entry["file"], entry["report_type"], int(entry["plan_year"]), paragraphs,
                          tuple(len(p.encode()) + len(separator) for p in paragraphs), separator))
    return seeds


def bad_kind(i: int, n: int) -> str | None:
    """The kind of bad file at position `i` of an `n`-file corpus, or None for a good report."""
    if n < MIN_N_FOR_BAD:
        return None
    for kind, offset in BAD_OFFSETS.items():
        slot = offset if n >= BAD_PERIOD else offset * n // BAD_PERIOD
        if (i % BAD_PERIOD if n >= BAD_PERIOD else i) == slot:
            return kind
    return None


class Generator:
    """Makes report `i` from the seeds; every random choice comes from an RNG seeded by (seed, i)."""

    def __init__(self, seed: int = DEFAULT_SEED, raw: Path = SEED_DIR, regions: Path = REGIONS_FILE) -> None:
        self.seed = seed
        self.seeds = load_seeds(raw)
        self.regions = load_regions(regions)
        self.by_type = {t: [s for s in self.seeds if s.report_type == t] for t in TYPE_WEIGHTS}
        missing = [t for t, s in self.by_type.items() if not s]
        if missing:
            raise ValueError(f"no seed report of type {missing} in {raw}")

    def _rng(self, what: str, i: int) -> random.Random:
        return random.Random(f"{self.seed}:{what}:{i}")

    def report(self, i: int) -> SyntheticFile:
        """The `i`-th good report: text, and the manifest entry it gets if it is listed."""
        rng = self._rng("report", i)
        report_type = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))[0]
        region = rng.choice(self.regions)
        plan_year = rng.randint(*PLAN_YEARS)
        review_year = plan_year - 1
        mean = MEAN_BYTES[report_type]
        mu = math.log(mean) - SIZE_SIGMA**2 / 2
        target = int(min(MAX_BYTES, max(MIN_BYTES, rng.lognormvariate(mu, SIZE_SIGMA))))
        publish = (f"{plan_year}-{rng.randint(1, 3):02d}-{rng.randint(1, 28):02d}"
                   if rng.random() < 0.5 else None)

        head = self._title(rng, report_type, region, review_year, plan_year, publish)
        primary = self.by_type[report_type]
        others = [s for s in self.seeds if s.report_type != report_type]
        pool = [(s, k) for s in primary for k in range(len(s.paragraphs))]
        places = self._places(region)
        parts = list(head)
        size = sum(len(h.encode()) + 1 for h in head)
        k = 0
        while size < target:
            if rng.random() < FOREIGN_PARAGRAPH:
                seed = rng.choice(others)
                j = rng.randrange(len(seed.paragraphs))
            else:
                seed, j = pool[k % len(pool)]
                k += 1
                if rng.random() < SKIP_PARAGRAPH:
                    continue
            parts.append(_perturb(seed.paragraphs[j], plan_year - seed.plan_year, places, rng))
            size += seed.sizes[j]
        separator = primary[0].separator
        text = separator.join(parts) + "\n"
        if rng.random() < 0.05:
            text = text.replace("\n", "\r\n")
        data = text.encode()
        if rng.random() < 0.02:
            data = b"\xef\xbb\xbf" + data
        name = f"{i:06d}_{hashlib.sha256(data).hexdigest()[:16]}.txt"
        truth: dict[str, Any] = {"region": region.name, "region_level": region.level,
                                 "report_type": report_type, "review_year": review_year, "plan_year": plan_year}
        if publish:
            truth["publish_date"] = publish
        entry = None
        if rng.random() < MANIFEST_SHARE:
            entry = {"file": name, **truth}
            if rng.random() < 0.3:
                entry["source_url"] = f"https://example.org/govreport/{region.province}/{name[:6]}.html"
        return SyntheticFile(name, data, entry, "report", truth)

    def file(self, i: int, n: int) -> SyntheticFile:
        """The `i`-th file of an `n`-file corpus: a good report, or a bad file at the bad slots."""
        kind = bad_kind(i, n)
        if kind is None:
            return self.report(i)
        rng = self._rng("bad", i)
        truth = None
        if kind == "empty":
            data = b"" if rng.random() < 0.5 else b"\n  \n"
        elif kind == "binary":
            data = b"\x89PNG\r\n\x1a\n" + rng.randbytes(rng.randint(2_000, 60_000))
        elif kind == "duplicate":
            data = self.report(i - 1).data
        else:
            good = self.report(i)
            text, truth = good.data.decode("utf-8-sig"), good.truth
            codec = {"gb18030": "gb18030", "utf16": "utf-16", "utf16le": "utf-16-le"}[kind]
            data = text.encode(codec, errors="replace")
        name = f"{i:06d}_{hashlib.sha256(data).hexdigest()[:16]}.txt"
        return SyntheticFile(name, data, None, kind, truth)

    @staticmethod
    def _title(rng: random.Random, report_type: str, region: Region, review_year: int, plan_year: int,
               publish: str | None) -> list[str]:
        """The title lines, worded as real reports are, so that metadata can be inferred from them."""
        if report_type == "plan_report":
            lines = [f"关于{region.name}{review_year}年国民经济和社会发展计划执行情况与{plan_year}年"
                     "国民经济和社会发展计划草案的报告"]
        elif report_type == "work_report":
            lines = [f"{region.name}{plan_year}年政府工作报告",
                     f"——{plan_year}年1月{rng.randint(5, 28)}日在{region.name}第{rng.choice(_CONGRESS)}届"
                     f"人民代表大会第{rng.choice(_SESSION)}次会议上"]
        else:
            lines = [f"{region.name}{plan_year}年政府工作报告图解"]
        if publish:
            lines.append(f"{region.short}政务网 发布日期 : {publish}")
        return lines

    @staticmethod
    def _places(region: Region) -> dict[str, str]:
        """What each of the seeds' place names becomes in a report of `region`."""
        province = region.province
        province_short = Region(province, "province", province).short
        return {"青岛西海岸新区": region.name, "西海岸新区": region.name, "青岛市": region.name,
                "青岛": region.short, "山东省": province, "山东": province_short}


def _perturb(paragraph: str, year_shift: int, places: dict[str, str], rng: random.Random) -> str:
    """The paragraph with its places renamed, its years shifted and every other number perturbed."""
    text = _PLACE.sub(lambda m: places[m.group()], paragraph)

    def number(m: re.Match[str]) -> str:
        s = m.group()
        start, end = m.span()
        prev, nxt = text[start - 1 : start], text[end : end + 1]
        if len(s) == 4 and s.isdigit() and 1949 <= int(s) <= 2035 and (nxt in _YEAR_NEXT or not nxt):
            return str(int(s) + year_shift)
        if prev in _DATE_PREV or nxt in _DATE_NEXT:
            return s  # months, days and hours stay valid
        factor = 0.6 + 0.8 * rng.random()
        if "." in s:
            decimals = len(s) - s.index(".") - 1
            return f"{float(s) * factor:.{decimals}f}"
        value = int(s)
        return s if value == 0 else str(max(1, round(value * factor)))

    return _NUMBER.sub(number, text)


# --- the corpus on disk ---------------------------------------------------------------------------


@cache
def generator_fingerprint(seed: int = DEFAULT_SEED) -> str:
    """What a cached corpus depends on: this file, the region list, the seed files and the seed."""
    digest = hashlib.sha256(str(seed).encode())
    for path in [Path(__file__), REGIONS_FILE, *sorted(SEED_DIR.glob("*.txt")), SEED_DIR / "manifest.yaml"]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_WORKER_GENERATOR: Generator | None = None


def _write_chunk(out: str, seed: int, indices: list[int], n: int) -> list[tuple[str, int, str, dict | None]]:
    """Write files `indices` into `out` (in a worker process); their names, sizes, kinds and entries."""
    global _WORKER_GENERATOR
    if _WORKER_GENERATOR is None or _WORKER_GENERATOR.seed != seed:
        _WORKER_GENERATOR = Generator(seed)
    done = []
    for i in indices:
        f = _WORKER_GENERATOR.file(i, n)
        (Path(out) / f.name).write_bytes(f.data)
        done.append((f.name, len(f.data), f.kind, f.manifest))
    return done


def write_manifest(path: Path, entries: list[dict[str, Any]], header: str) -> None:
    """`manifest.yaml` in the format of `raw/manifest.yaml` (written by hand: 8,000 entries, fast)."""
    lines = [f"# {line}" for line in header.splitlines()] + ["reports:"]
    for entry in entries:
        first = True
        for key, value in entry.items():
            lines.append(f"  {'- ' if first else '  '}{key}: {value}")
            first = False
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def generate_corpus(n: int, out: Path, seed: int = DEFAULT_SEED, workers: int | None = None) -> dict[str, Any]:
    """Write the `n`-file corpus into `out` (which must not exist); returns its summary."""
    out.mkdir(parents=True)
    workers = max(1, min(workers or os.cpu_count() or 1, 8))
    chunks = [list(range(i, min(n, i + 200))) for i in range(0, n, 200)]
    started = time.perf_counter()
    if workers > 1 and len(chunks) > 1:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(_write_chunk, [str(out)] * len(chunks), [seed] * len(chunks), chunks,
                                    [n] * len(chunks)))
    else:
        results = [_write_chunk(str(out), seed, c, n) for c in chunks]
    files = [row for chunk in results for row in chunk]
    entries = [entry for _, _, _, entry in files if entry is not None]
    write_manifest(out / "manifest.yaml", entries,
                   f"Synthetic corpus made by benchmarks/generate.py: N={n}, seed={seed}.\n"
                   "Same format as raw/manifest.yaml; files not listed here are to be inferred.")
    kinds: dict[str, int] = {}
    for _, _, kind, _ in files:
        kinds[kind] = kinds.get(kind, 0) + 1
    summary = {"n": n, "seed": seed, "fingerprint": generator_fingerprint(seed), "files": len(files),
               "bytes": sum(size for _, size, _, _ in files), "listed_in_manifest": len(entries),
               "max_bytes": max((size for _, size, _, _ in files), default=0), "kinds": kinds}
    (out / STAMP).write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return {**summary, "seconds": round(time.perf_counter() - started, 2)}


def corpus_summary(folder: Path) -> dict[str, Any] | None:
    """The summary a finished generation left in `folder`, or None."""
    try:
        return json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def ensure_corpus(n: int, seed: int = DEFAULT_SEED, root: Path = CORPUS_ROOT) -> tuple[Path, dict[str, Any]]:
    """The cached `n`-file corpus under `root`, generated first if missing or made by other code.

    Generation goes to a temporary folder renamed at the end, so an interrupted run never leaves
    a half corpus that looks cached.
    """
    folder = root / f"n{n}-s{seed}"
    summary = corpus_summary(folder)
    if summary and summary.get("fingerprint") == generator_fingerprint(seed) and summary.get("n") == n:
        return folder, summary
    shutil.rmtree(folder, ignore_errors=True)
    tmp = root / f".tmp-n{n}-s{seed}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    summary = generate_corpus(n, tmp, seed)
    tmp.rename(folder)
    return folder, summary


def check_corpus(folder: Path, n: int, seed: int = DEFAULT_SEED) -> list[str]:
    """Compare the pipeline's inventory of a corpus with what the generator made; the mismatches.

    Checks that bad files are quarantined, re-encoded ones decoded, and that the metadata the
    pipeline infers for unlisted reports is the metadata they were made with — i.e. that the
    corpus exercises the inference and quarantine paths as intended.
    """
    import datetime as dt

    from pipeline.lib.inventory import build_inventory

    result = build_inventory(folder)
    frame = result[0] if isinstance(result, tuple) else result
    rows = {r["source_file"]: r for r in frame.iter_rows(named=True)}
    generator = Generator(seed)
    problems = []
    for i in range(n):
        f = generator.file(i, n)
        row = rows.get(f.name)
        if row is None:
            problems.append(f"{f.name}: not in the inventory")
            continue
        expect_ok = f.kind not in ("empty", "binary", "duplicate")
        if (row["status"] == "ok") != expect_ok:
            problems.append(f"{f.name} ({f.kind}): status {row['status']} ({row['reason']})")
        if expect_ok and f.truth and row["metadata_source"] == "inferred":
            for key, want in f.truth.items():
                got = row.get(key)
                got = got.isoformat() if isinstance(got, dt.date) else got
                if got != want:
                    problems.append(f"{f.name}: inferred {key} {got!r}, made with {want!r}")
    return problems


def main(argv: list[str] | None = None) -> None:
    """Command line: write a corpus of N files into a folder (or the benchmark's cache)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="number of files (default 1000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="RNG seed (default %(default)s)")
    parser.add_argument("--out", type=Path, help="folder to create (default: the cache benchmarks/corpus/)")
    parser.add_argument("--check", action="store_true", help="then run the pipeline's inventory on it and "
                        "report files whose status or inferred metadata differ from how they were made")
    args = parser.parse_args(argv)
    if args.out:
        if args.out.exists():
            parser.error(f"{args.out} exists: give a new folder")
        summary = generate_corpus(args.n, args.out, args.seed)
        folder = args.out
    else:
        folder, summary = ensure_corpus(args.n, args.seed)
    print(f"{folder}: {json.dumps(summary, ensure_ascii=False)}")
    if args.check:
        problems = check_corpus(folder, args.n, args.seed)
        print("\n".join(problems) if problems else "check: every file is inventoried as it was made")
        raise SystemExit(1 if problems else 0)


if __name__ == "__main__":
    main()
