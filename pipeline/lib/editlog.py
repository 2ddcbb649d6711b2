"""The record of every edit between a raw text and its normalized form, and the offset maps.

Cleaning runs as a sequence of stages; each stage proposes `Change`s on the text as the previous
stage left it. `EditLog.apply` folds them into `Edit`s on the *raw* text, so that after all
stages one flat, ordered list of edits explains the whole difference: concatenating the raw text
between edits with their replacements gives the normalized text, and any offset maps back.

When a later change touches an earlier edit's replacement (e.g. a width-folded `　` that the
whitespace stage then drops), the two become one edit, whose `kind` is that of the member that
touched the most text (one code, so that the column stays filterable and within its schema);
edits that merely touch at a boundary stay apart.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass


@dataclass(frozen=True)
class Edit:
    """One change of the raw text: `raw[raw_start:raw_end]` became `norm[norm_start:norm_end]`."""

    kind: str
    raw_start: int
    raw_end: int
    raw_text: str
    replacement: str
    norm_start: int
    norm_end: int


@dataclass(frozen=True)
class Change:
    """A replacement a cleaning rule proposes on the current text (not yet on the raw text)."""

    start: int
    end: int
    replacement: str
    kind: str


def resolve_overlaps(changes: list[Change]) -> list[Change]:
    """Sort and drop changes that collide with an earlier-starting (or, at a tie, longer) one.

    Several rules of one stage may claim the same characters (a spam string inside a chrome
    line); the first and widest claim wins, so a stage's changes never overlap.
    """
    out: list[Change] = []
    for c in sorted(changes, key=lambda c: (c.start, -(c.end - c.start))):
        if out:
            p = out[-1]
            if (
                c.start < p.end
                or (c.start == c.end == p.start == p.end)
                or (p.start == p.end and c.start < p.start < c.end)
            ):
                continue
        if c.start == c.end and not c.replacement:
            continue
        out.append(c)
    return out


class EditLog:
    """A raw text, its current form, and the edits between them.

    Edits are kept as plain tuples `(norm_start, norm_end, raw_start, raw_end, kind,
    replacement)` while stages run (a stage re-bases every edit after it, so they are rebuilt
    often) and become `Edit`s only when asked for.
    """

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.text = raw
        self._edits: list[tuple[int, int, int, int, str, str]] = []

    @property
    def edits(self) -> list[Edit]:
        """The edits so far, in text order."""
        raw = self.raw
        return [Edit(k, rs, re_, raw[rs:re_], rep, ns, ne) for ns, ne, rs, re_, k, rep in self._edits]

    # -- applying a stage ---------------------------------------------------------------------
    def apply(self, changes: list[Change]) -> int:
        """Apply one stage's changes (on `self.text`), folding them into the raw-based edits.

        Returns the number of changes applied. Changes must come from `resolve_overlaps`.
        """
        text = self.text
        changes = [c for c in changes if text[c.start : c.end] != c.replacement]
        if not changes:
            return 0
        old = self._edits
        n_old, n_ch = len(old), len(changes)
        ne_list = [e[1] for e in old]
        new_edits: list[tuple[int, int, int, int, str, str]] = []
        pieces: list[str] = []
        pos = 0  # position in `text` copied so far
        delta = 0  # length change so far (new text minus old text)
        i = ci = 0  # next old edit, next change
        while ci < n_ch:
            c = changes[ci]
            # Old edits that end before this change cannot interact with it: shift them in bulk.
            k = bisect.bisect_right(ne_list, c.start, i)
            if k > i:
                new_edits.extend(
                    [(e[0] + delta, e[1] + delta, e[2], e[3], e[4], e[5]) for e in old[i:k]] if delta else old[i:k]
                )
                i = k
            # A cluster: the change, and every old edit and later change linked to it by overlap.
            lo, hi = c.start, c.end
            cl_old: list[tuple[int, int, int, int, str, str]] = []
            cl_ch = [c]
            ci += 1
            grew = True
            while grew:
                grew = False
                if i < n_old:
                    e = old[i]
                    if (
                        (e[1] > e[0] and e[0] < hi and hi > lo)
                        or (e[0] == e[1] and lo < e[0] < hi)
                        or (lo == hi and e[0] < lo < e[1])
                    ):
                        cl_old.append(e)
                        i += 1
                        lo, hi = min(lo, e[0]), max(hi, e[1])
                        grew = True
                if ci < n_ch:
                    c2 = changes[ci]
                    if (c2.end > c2.start and c2.start < hi and hi > lo) or (c2.start == c2.end and lo < c2.start < hi):
                        cl_ch.append(c2)
                        ci += 1
                        hi = max(hi, c2.end)
                        grew = True
            A, B = lo, hi
            if cl_old:
                first, last = cl_old[0], cl_old[-1]
                ra = first[2] if first[0] == A else self._raw_right(A, ne_list)
                rb = last[3] if last[1] == B else self._raw_left(B, ne_list)
            elif A == B:
                ra = rb = self._raw_right(A, ne_list)
            else:
                ra, rb = self._raw_right(A, ne_list), self._raw_left(B, ne_list)
            rep_parts: list[str] = []
            p = A
            for ch in cl_ch:
                rep_parts.append(text[p : ch.start])
                rep_parts.append(ch.replacement)
                p = ch.end
            rep_parts.append(text[p:B])
            rep = "".join(rep_parts)
            kind = _merged_kind(cl_old, cl_ch)
            pieces.append(text[pos:A])
            pieces.append(rep)
            pos = B
            ns = A + delta
            if self.raw[ra:rb] != rep:
                new_edits.append((ns, ns + len(rep), ra, rb, kind, rep))
            delta += len(rep) - (B - A)
        if i < n_old:
            new_edits.extend(
                [(e[0] + delta, e[1] + delta, e[2], e[3], e[4], e[5]) for e in old[i:]] if delta else old[i:]
            )
        pieces.append(text[pos:])
        self.text = "".join(pieces)
        self._edits = new_edits
        return len(changes)

    def _raw_right(self, p: int, ne_list: list[int]) -> int:
        """Raw offset of current offset `p`, after any deletion that sits at `p`."""
        k = bisect.bisect_right(ne_list, p) - 1
        if k < 0:
            return p
        e = self._edits[k]
        return p - e[1] + e[3]

    def _raw_left(self, p: int, ne_list: list[int]) -> int:
        """Raw offset of current offset `p`, before any deletion that sits at `p`."""
        k = bisect.bisect_right(ne_list, p) - 1
        while k >= 0 and self._edits[k][0] == self._edits[k][1] == p:
            k -= 1
        if k < 0:
            return p
        e = self._edits[k]
        return p - e[1] + e[3]


class OffsetMap:
    """Offsets between the raw and the normalized text, derived from the edits alone."""

    def __init__(self, edits: list[Edit]) -> None:
        self.edits = edits
        self._norm_starts = [e.norm_start for e in edits]
        self._raw_starts = [e.raw_start for e in edits]

    def to_raw(self, norm_offset: int) -> int:
        """Raw offset of a normalized offset.

        Outside edits the two texts agree character for character, so the offset shifts by the
        edits before it (a deletion just before, like a removed `## `, is stepped over: the
        offset lands on the raw character that became the normalized one). Inside a replacement
        it maps to the same distance into the raw span, clamped (exact for 1:1 folds `，`→`,`).
        """
        k = bisect.bisect_right(self._norm_starts, norm_offset) - 1
        if k < 0:
            return norm_offset
        e = self.edits[k]
        if norm_offset < e.norm_end:
            return e.raw_start + min(norm_offset - e.norm_start, max(e.raw_end - e.raw_start - 1, 0))
        return norm_offset - e.norm_end + e.raw_end

    def to_norm(self, raw_offset: int) -> int:
        """Normalized offset of a raw offset (used to carry markup hints over)."""
        k = bisect.bisect_right(self._raw_starts, raw_offset) - 1
        if k < 0:
            return raw_offset
        e = self.edits[k]
        if raw_offset < e.raw_end:
            return e.norm_start + min(raw_offset - e.raw_start, e.norm_end - e.norm_start)
        return raw_offset - e.raw_end + e.norm_end


def _merged_kind(old: list[tuple[int, int, int, int, str, str]], changes: list[Change]) -> str:
    """The one kind of edits merged because they overlap: that of the member that touched the
    most text (an earlier edit by its raw passage, a change by the passage it rewrites), the
    first in the text among equals. A joined code such as `whitespace+chrome` broke the table's
    code pattern, and the merged passage is mostly the widest member's work."""
    members = sorted([(e[0], e[2] - e[3], e[4]) for e in old] + [(c.start, c.start - c.end, c.kind) for c in changes])
    return min(members, key=lambda m: m[1])[2]
