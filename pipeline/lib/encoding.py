"""Turn a raw file's bytes into text, or say in words why it cannot be.

Real report files arrive as UTF-8 (with or without a BOM), UTF-16, or GB18030/GBK. Byte-order
marks are trusted first; then strict UTF-8, which is what most files are and which no other
encoding imitates by accident; then charset-normalizer, a library built for guessing legacy
encodings, whose answer we accept only when the decoded text is recognisably Chinese prose.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

# A GBK or GB2312 guess is decoded as GB18030, its superset, so that no rare character is lost.
_LEGACY_CHINESE = {"gb18030": "gb18030", "gbk": "gb18030", "gb2312": "gb18030", "hz": "hz",
                   "big5": "big5", "big5hkscs": "big5hkscs", "utf_16": "utf-16",
                   "utf_16_le": "utf-16-le", "utf_16_be": "utf-16-be"}
_BOMS = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]
_MIN_CJK_SHARE = 0.2


@dataclass(frozen=True)
class Decoded:
    """The text of a file, the encoding it was read with, and a note where something was off."""

    text: str | None
    encoding: str | None
    problem: str | None = None  # set when the file cannot be used: the reason, in words
    note: str | None = None  # set when the file is usable but a person should know something


_SAMPLE_CHARS = 4_000  # enough to judge a file; judging every character of a huge file is waste
_CJK = re.compile(r"[\u4e00-\u9fff\u3000-\u303f]+")
_SPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ud800-\udfff\ue000-\uf8ff]")


def _cjk_share(text: str) -> float:
    sample = text[:_SAMPLE_CHARS]
    letters = len(sample) - sum(map(len, _SPACE.findall(sample)))
    return sum(map(len, _CJK.findall(sample))) / letters if letters else 0.0


def _control_share(text: str) -> float:
    sample = text[:_SAMPLE_CHARS]
    return len(_CONTROL.findall(sample)) / len(sample) if sample else 0.0


def decode_bytes(data: bytes) -> Decoded:
    """Decode report bytes; `problem` names why a file is unusable (empty, binary, undecodable)."""
    if not data.strip():
        return Decoded(None, None, "the file is empty")
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data.decode(name), name.replace("-sig", "-bom").replace("utf-8-bom", "utf-8-sig"))
            except UnicodeDecodeError as err:
                return Decoded(None, name, f"the file starts with a {name} byte-order mark but is not valid "
                                           f"{name} (byte {err.start})")
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as err:
        # A download cut off in the middle of a multi-byte character: keep everything before it.
        if err.start >= len(data) - 3 and err.reason == "unexpected end of data":
            text = data[: err.start].decode("utf-8")
            dropped = len(data) - err.start
            return _checked(text, "utf-8", note=f"the file ends in the middle of a UTF-8 character "
                                                 f"(truncated): the last {dropped} byte(s) were dropped")
    if b"\x00" in data[:4096]:
        return _utf16_without_bom(data)
    best = from_bytes(data).best()
    if best is None or best.encoding not in _LEGACY_CHINESE:
        guess = f" (the best guess, {best.encoding}, is not a Chinese text encoding)" if best else ""
        return Decoded(None, None, f"the file is neither UTF-8, UTF-16 nor GB18030 text{guess}")
    name = _LEGACY_CHINESE[best.encoding]
    try:
        return _checked(data.decode(name), name)
    except UnicodeDecodeError as err:
        return Decoded(None, name, f"the file looks like {name} but byte {err.start} cannot be decoded")


def _utf16_without_bom(data: bytes) -> Decoded:
    """NUL bytes mean UTF-16 without a BOM (its ASCII characters carry a NUL) or a binary file."""
    for name in ("utf-16-le", "utf-16-be"):
        try:
            decoded = _checked(data.decode(name), name)
        except UnicodeDecodeError:
            continue
        if decoded.problem is None:
            return decoded
    return Decoded(None, None, "the file is binary, not text (it holds NUL bytes)")


def _checked(text: str, encoding: str, note: str | None = None) -> Decoded:
    if _control_share(text) > 0.01:
        return Decoded(None, encoding, "the file is binary, not text (it is full of control characters)")
    if _cjk_share(text) < _MIN_CJK_SHARE:
        return Decoded(None, encoding, f"the file decodes as {encoding} but holds almost no Chinese text, "
                                       "so it is not a report")
    return Decoded(text, encoding, None, note)
