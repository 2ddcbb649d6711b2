"""Numbers as the reports write them: 15760.34, 1,234.5, 一万, 两千, 十, 1/3, 三分之一, 七成, 第四.

The regular expressions here are fragments that `pipeline.lib.mentions` assembles into one pattern
for a value with its magnitude and unit; the functions turn the matched text into a float. Unit
words (亿元, 万人, %, 个百分点) are `pipeline.lib.units`' business.

Why not one library call for everything: cn2an reads Chinese numerals well, but the reports mix
Arabic digits, Chinese numerals, magnitudes that belong to the unit (1.5万亿元 is 1.5 of the unit
万亿元, not the number 15000000000000 of 元), fractions and 成, and each of these changes what the
value means. cn2an does the Chinese numerals; the rest is a few lines below.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Arabic: 15760.34, 1,234.5 (thousands separators survive width folding as ","), .5 never occurs.
ARABIC = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
# Chinese numerals start with a digit word (一万, 两千, 十, 三千五百); a bare 千/百/万 (千亿方,
# 万亩, 百强) is a word, not a number, and is not matched. 万/亿 after the numeral are magnitudes,
# matched by the caller, so that 三千万元 reads as 3000 万元.
# The lookahead keeps numeral words that are not quantities (一是, 一批, 三家) out cheaply: a quantity
# written in Chinese has 十/百/千 in it or a magnitude or 成 after it.
CHINESE = (r"(?=[一二两三四五六七八九十零〇百千]*[十百千万亿成])"
           r"[一二两三四五六七八九十][零〇一二两三四五六七八九十百千]*")
# Fractions: 1/3, 三分之一, and a percent in words (增长百分之二十四点六, 百分之8.3): all in percent
# (占全省的1/3 -> 33.33).
FRACTION = (r"\d+\s*/\s*\d+|[一二三四五六七八九十]+分之[一二三四五六七八九十]+"
            r"|百分之(?:[零〇一二两三四五六七八九十百]+(?:点[零〇一二三四五六七八九]+)?|\d+(?:\.\d+)?)")
NUMBER = rf"(?:{ARABIC}|{CHINESE})"

_CHINESE_RE = re.compile(r"^[一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*$")
_ARABIC_RE = re.compile(rf"^{ARABIC}$")
_CN_FRACTION_RE = re.compile(r"^([一二三四五六七八九十]+)分之([一二三四五六七八九十]+)$")
_AR_FRACTION_RE = re.compile(r"^(\d+)\s*/\s*(\d+)$")
_PERCENT_WORDS = "百分之"


@lru_cache(maxsize=4096)
def _chinese_value(text: str) -> float | None:
    import cn2an  # imported on first use: it takes a good part of a second to import

    try:
        value = cn2an.cn2an(text, "normal")
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return float(value)


def parse_number(text: str) -> float | None:
    """The value of one number as written, or None when it is not one.

    >>> parse_number("1,234.5"), parse_number("两千"), parse_number("十"), parse_number("三千五百")
    (1234.5, 2000.0, 10.0, 3500.0)
    """
    text = text.strip()
    if not text:
        return None
    if _ARABIC_RE.match(text):
        return float(text.replace(",", ""))
    if _CHINESE_RE.match(text):
        return _chinese_value(text)
    return None


def parse_fraction(text: str) -> float | None:
    """A fraction as a percent, rounded to two decimals: 1/3 -> 33.33, 三分之二 -> 66.67; a percent
    in words as written: 百分之二十四点六 -> 24.6.

    Gold writes 占全省的1/3 as 33.33 %, so the rounding is part of the value, not of display.
    """
    text = text.strip()
    if text.startswith(_PERCENT_WORDS):  # 百分之二十四点六 -> 24.6
        rest = text[len(_PERCENT_WORDS):]
        if rest == "百":
            return 100.0  # 百分之百
        return float(rest) if _ARABIC_RE.match(rest) else _chinese_value(rest)
    m = _AR_FRACTION_RE.match(text)
    if m:
        num, den = float(m.group(1)), float(m.group(2))
    else:
        m = _CN_FRACTION_RE.match(text)
        if not m:
            return None
        # 三分之一: the denominator is written first
        den_v, num_v = _chinese_value(m.group(1)), _chinese_value(m.group(2))
        if den_v is None or num_v is None:
            return None
        num, den = num_v, den_v
    if den == 0:
        return None
    return round(100.0 * num / den, 2)


def parse_tenths(digit: str, extra: str | None = None) -> float | None:
    """成 counts tenths: 七成 -> 70 (%), 七成五 -> 75; 近七成 is a bound, read elsewhere."""
    first = parse_number(digit)
    if first is None or not 0 < first <= 10:
        return None
    value = first * 10.0
    if extra:
        second = parse_number(extra)
        if second is None or not 0 <= second < 10:
            return None
        value += second
    return value


def parse_rank(text: str) -> int | None:
    """A position: 第一 -> 1, 第4名 -> 4, 首位 -> 1."""
    text = text.strip()
    if text in ("首位", "首", "榜首", "第一位"):
        return 1
    m = re.match(r"^第\s*(\d+|[一二两三四五六七八九十百]+)\s*(?:位|名)?$", text)
    if not m:
        return None
    value = parse_number(m.group(1))
    if value is None or value < 1 or value != int(value):
        return None
    return int(value)
