"""Invariants of normalization on generated text (hypothesis).

Two kinds of input: arbitrary Unicode (no crash, invariants hold), and report-like text glued
from the fragments real reports are made of (markers, markup, chrome, spam, full-width forms,
page breaks), which reaches the rules far more often than random characters do.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.lib.editlog import Change, EditLog, resolve_overlaps
from pipeline.lib.normalize import NormalizedReport, normalize_report, to_raw_offset

FRAGMENTS = [
    "一、", "二、2024年重点任务", "(一)", "（二）", "一是", "1.", "1 ", "2023", "# ", "## ", "#### ",
    "**", "- ✓ ", "- ", "\n", "\n\n", "\r\n", " ", "　", "\xa0", "\u200b", "。", ",", "，", "；", ";",
    "：", "！", "？", "％", "１５７６０．３４", "亿元", "增长5.9%", "地区生产总值", "全市实现",
    "5g", "pm2.5", "PM<sub>2.5</sub>", "<p>", "</p>", "&nbsp;", "&amp;", "(上接第一版)", "(下转第三版)",
    "4399在线游戏的", "[1]", "[12] ", "“9 2”", "“1 n”", "“", "”", " and ", "字体大小: 打印",
    "青岛政务网 发布日期 : 2024-02-06", "扫一扫在手机打开当前页", "主要预期目标是:", "乡村振兴取",
    "得积极成效", "各位代表!", "政府工作报告", "回顾", "a", "Z", "[", "]", "(", ")", "<", ">", "&", "*", "#",
]  # fmt: skip

report_like = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=2)), max_size=40).map("".join)
any_text = st.text(max_size=120)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_invariants(raw: str, r: NormalizedReport) -> None:
    text = r.text
    # The edits rebuild the normalized text from the raw one.
    parts, pos = [], 0
    for e in r.edits:
        assert e.raw_start >= pos and raw[e.raw_start : e.raw_end] == e.raw_text
        assert text[e.norm_start : e.norm_end] == e.replacement
        parts += [raw[pos : e.raw_start], e.replacement]
        pos = e.raw_end
    parts.append(raw[pos:])
    assert "".join(parts) == text
    # Sentences: exact offsets, in order, not overlapping, covering every visible character.
    covered = [False] * len(text)
    prev_end, prev_para = 0, 0
    for i, s in enumerate(r.sentences):
        assert s.sentence_id == i
        assert text[s.char_start : s.char_end] == s.text and s.text.strip() == s.text != ""
        assert s.char_start >= prev_end and s.paragraph_id >= prev_para
        assert s.section_role in {"review", "targets", "tasks", "other"}
        prev_end, prev_para = s.char_end, s.paragraph_id
        covered[s.char_start : s.char_end] = [True] * len(s.text)
    assert all(c or ch.isspace() for c, ch in zip(covered, text, strict=True))
    # Offsets map back: a sentence start that no edit produced is the same raw character.
    edited = {i for e in r.edits for i in range(e.norm_start, e.norm_end)}
    for s in r.sentences:
        raw_offset = to_raw_offset(r, s.char_start)
        assert 0 <= raw_offset <= len(raw)
        if s.char_start not in edited:
            assert raw[raw_offset] == text[s.char_start]


@FAST
@given(report_like)
def test_invariants_on_report_like_text(raw: str) -> None:
    check_invariants(raw, normalize_report(raw))


@FAST
@given(any_text)
def test_invariants_on_arbitrary_unicode(raw: str) -> None:
    check_invariants(raw, normalize_report(raw))


@FAST
@given(st.one_of(report_like, any_text))
def test_normalizing_is_idempotent(raw: str) -> None:
    once = normalize_report(raw).text
    assert normalize_report(once).text == once


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="abcde", max_size=25),
    st.lists(
        st.lists(st.tuples(st.integers(0, 40), st.integers(0, 3), st.sampled_from(["", "X", "YZ"])), max_size=5),
        max_size=5,
    ),
)
def test_edit_log_composes_stages_exactly(raw: str, stages: list[list[tuple[int, int, str]]]) -> None:
    """However stages overlap, the folded edits rebuild each stage's result from the raw text."""
    log = EditLog(raw)
    for k, stage in enumerate(stages):
        t = log.text
        changes = resolve_overlaps([Change(min(a, len(t)), min(a + n, len(t)), rep, f"k{k}") for a, n, rep in stage])
        expected, p = [], 0
        for c in changes:
            expected += [t[p : c.start], c.replacement]
            p = c.end
        expected.append(t[p:])
        log.apply(changes)
        assert log.text == "".join(expected)
        parts, pos, npos = [], 0, 0
        for e in log.edits:
            assert e.raw_start >= pos and e.norm_start == npos + (e.raw_start - pos)
            parts += [raw[pos : e.raw_start], e.replacement]
            pos, npos = e.raw_end, e.norm_end
        parts.append(raw[pos:])
        assert "".join(parts) == log.text
