"""What changed in the raw folder since we last looked: new, changed and removed files, by content.

The sensor that starts a warehouse refresh when a report is dropped into `raw/` calls these
functions; they know nothing of Dagster so that they can be tested (and reasoned about) alone.

A file counts as changed only when its bytes change: `touch 003_fac0b31ba6ba339c.txt` or a copy
that keeps the content must not start a run, while a one-character edit that keeps the size must.
Hashing every file of a large corpus on every tick would be wasteful, so each file's state keeps its
size and `mtime_ns` beside its sha256: a file whose size and mtime are unchanged keeps its previous
hash without being read (the same trade-off `make` and `rsync` make). Like git's "racily clean"
rule, the shortcut is trusted only when the hash was taken well after the file's last modification:
a file rewritten with the same size within the same mtime tick would otherwise go unseen. The manifest is watched too,
since a change to it changes the metadata of the reports it lists; hidden files (editors' swap
files, `.DS_Store`) are not.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

CURSOR_VERSION = 1
RACY_NS = 2_000_000_000
"""A hash taken less than this after the file's mtime is not trusted (coarse mtimes: FAT, some NFS)."""


class FileState(TypedDict):
    """What we know of one file: its content hash, and the size and mtimes that let us trust it.

    `sha256` is empty for a file that could not be read; such a file is read again on every scan.
    `hashed_ns` is when the hash was taken (see `RACY_NS`).
    """

    sha256: str
    size: int
    mtime_ns: int
    hashed_ns: int


FolderState = dict[str, FileState]
"""Every watched file of the raw folder, keyed by its path relative to the folder (POSIX form)."""


@dataclass(frozen=True)
class Changes:
    """The difference between two folder states, as sorted relative paths."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.new or self.changed or self.removed)

    def summary(self) -> str:
        """`2 new, 1 changed, 0 removed: 005_x.txt, 006_y.txt, manifest.yaml` (at most 5 names)."""
        names = [*self.new, *self.changed, *self.removed]
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        counts = f"{len(self.new)} new, {len(self.changed)} changed, {len(self.removed)} removed"
        return f"{counts}: {shown}" if names else counts


def watched_files(folder: Path) -> list[Path]:
    """Every regular file under `folder`, hidden files and folders aside, sorted by relative path."""
    out = []
    for path in folder.rglob("*"):
        rel = path.relative_to(folder)
        if not any(part.startswith(".") for part in rel.parts) and path.is_file():
            out.append(path)
    return sorted(out, key=lambda p: p.relative_to(folder).as_posix())


def sha256_of(path: Path) -> str:
    """The hex sha256 of a file's bytes, read in chunks so a large file does not fill memory."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def scan(folder: Path, previous: FolderState | None = None) -> FolderState:
    """The state of `folder` now, re-hashing only files whose size or mtime differ from `previous`.

    A file that vanishes or cannot be read between listing and hashing is recorded with an empty
    hash (or left out if it is gone): the scan must never fail because someone is copying files.
    """
    previous = previous or {}
    state: FolderState = {}
    for path in watched_files(folder):
        rel = path.relative_to(folder).as_posix()
        try:
            stat = path.stat()
        except OSError:
            continue  # removed since it was listed
        known = previous.get(rel)
        if known and trusted(known, stat.st_size, stat.st_mtime_ns):
            state[rel] = known
            continue
        hashed_ns = time.time_ns()
        try:
            digest = sha256_of(path)
        except OSError:
            digest = ""  # unreadable now; the reports asset will say why, and we retry next scan
        state[rel] = FileState(sha256=digest, size=stat.st_size, mtime_ns=stat.st_mtime_ns, hashed_ns=hashed_ns)
    return state


def trusted(known: FileState, size: int, mtime_ns: int) -> bool:
    """Whether a file's previous hash still holds without reading it: same size and mtime, and a
    hash taken safely after that mtime (an older cursor without `hashed_ns` is never trusted)."""
    return (bool(known.get("sha256")) and known.get("size") == size and known.get("mtime_ns") == mtime_ns
            and known.get("hashed_ns", 0) - mtime_ns > RACY_NS)


def compare(before: FolderState, after: FolderState) -> Changes:
    """New, changed (different content) and removed files; size or mtime alone is no change."""
    return Changes(
        new=sorted(set(after) - set(before)),
        changed=sorted(rel for rel in set(after) & set(before) if after[rel]["sha256"] != before[rel]["sha256"]),
        removed=sorted(set(before) - set(after)),
    )


def state_hash(state: FolderState) -> str:
    """A hash of the folder's content (paths and their sha256, not sizes or mtimes)."""
    digest = hashlib.sha256()
    for rel in sorted(state):
        digest.update(f"{rel}\x00{state[rel]['sha256']}\n".encode())
    return digest.hexdigest()


EMPTY_STATE_HASH = state_hash({})


@dataclass(frozen=True)
class Cursor:
    """What the sensor remembers between ticks: the content hash of the folder it last acted on.

    Deliberately small. Dagster stores the cursor with every tick (every few seconds, kept for
    days), so a cursor holding the whole folder state would grow the instance's database by the
    size of the corpus at each tick; the per-file state lives in a state file instead (see
    `save_state`). A missing cursor is an empty folder, so an empty folder on the first tick asks
    for nothing.

    `generation` counts the run requests made so far. It is part of the run key so that a folder
    that returns to an earlier state (a report added, then removed) still starts a run, while a
    tick that is retried with the same cursor asks for the same run key and is deduplicated.
    """

    state_hash: str = EMPTY_STATE_HASH
    generation: int = 0

    @classmethod
    def loads(cls, text: str | None) -> Cursor:
        """The cursor stored as JSON; an empty, foreign or older cursor is a fresh start."""
        try:
            data = json.loads(text or "")
        except ValueError:
            return cls()
        if not isinstance(data, dict) or data.get("version") != CURSOR_VERSION:
            return cls()
        return cls(state_hash=str(data.get("state_hash") or EMPTY_STATE_HASH),
                   generation=int(data.get("generation") or 0))

    def dumps(self) -> str:
        """Compact, key-sorted JSON: the same state always gives the same cursor text."""
        return json.dumps({"version": CURSOR_VERSION, "generation": self.generation, "state_hash": self.state_hash},
                          sort_keys=True, separators=(",", ":"))

    def run_key(self) -> str:
        """The run key of the run this cursor's state asks for: generation and content hash."""
        return f"raw-{self.generation}-{self.state_hash[:16]}"


def load_state(path: Path, folder: Path) -> FolderState:
    """The per-file state saved for `folder` (empty if none, unreadable, or saved for another folder).

    Losing it costs one re-hash of every file, never a wrong answer: the cursor's content hash
    decides whether anything changed.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != CURSOR_VERSION or data.get("folder") != str(folder):
        return {}
    files = data.get("files")
    return files if isinstance(files, dict) else {}


def save_state(path: Path, folder: Path, state: FolderState) -> None:
    """Save the per-file state of `folder`, atomically (a crash leaves the old file or the new one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"version": CURSOR_VERSION, "folder": str(folder), "files": state},
                              sort_keys=True, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
