"""Normalized text of the seed reports: cleaning, sentences, sections and the edit record.

Each expectation names the dirt or the structure a seed shows; the invariants (offsets, order,
coverage, the edit record) run on every seed. Generated text is in test_normalize_properties.py.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from pathlib import Path

import polars as pl
import pytest
import yaml

from pipeline.lib.normalize import (
    DOCUMENT_COLUMNS,
    EDIT_COLUMNS,
    SENTENCE_COLUMNS,
    NormalizedReport,
    Sentence,
    documents_rows,
    edit_rows,
    normalize_report,
    sentence_rows,
    to_raw_offset,
)
from schemas.tables import CODE_PATTERN

RAW = Path(__file__).resolve().parents[1] / "raw"
SEEDS = sorted(p.name for p in RAW.glob("*.txt"))
ROLES = {"review", "targets", "tasks", "other"}


@cache
def manifest() -> dict[str, dict]:
    return {r["file"]: r for r in yaml.safe_load((RAW / "manifest.yaml").read_text("utf-8"))["reports"]}


@cache
def raw(name: str) -> str:
    return (RAW / name).read_text(encoding="utf-8")


@cache
def seed(prefix: str) -> NormalizedReport:
    """The normalized seed whose file name starts with `prefix`, with its manifest years."""
    name = next(n for n in SEEDS if n.startswith(prefix))
    m = manifest().get(name, {})
    return normalize_report(
        raw(name), m.get("report_type"), review_year=m.get("review_year"), plan_year=m.get("plan_year")
    )


def sentence(r: NormalizedReport, startswith: str) -> Sentence:
    return next(s for s in r.sentences if s.text.startswith(startswith))


# -- invariants on every seed ----------------------------------------------------------------------
@pytest.mark.parametrize("name", SEEDS, ids=lambda n: n[:3])
def test_sentences_are_exact_ordered_and_cover_the_text(name: str) -> None:
    r = seed(name[:3])
    assert r.sentences
    covered = [False] * len(r.text)
    prev_end, prev_para = 0, 0
    for i, s in enumerate(r.sentences):
        assert s.sentence_id == i
        assert r.text[s.char_start : s.char_end] == s.text
        assert s.text == s.text.strip() and s.text
        assert s.char_start >= prev_end and s.paragraph_id >= prev_para
        assert s.section_role in ROLES
        assert "\n" not in s.text
        prev_end, prev_para = s.char_end, s.paragraph_id
        covered[s.char_start : s.char_end] = [True] * len(s.text)
    assert all(c or ch.isspace() for c, ch in zip(covered, r.text, strict=True))


@pytest.mark.parametrize("name", SEEDS, ids=lambda n: n[:3])
def test_edits_rebuild_the_text_from_the_raw(name: str) -> None:
    r, text = seed(name[:3]), raw(name)
    parts, pos = [], 0
    for e in r.edits:
        assert e.raw_start >= pos and text[e.raw_start : e.raw_end] == e.raw_text
        assert r.text[e.norm_start : e.norm_end] == e.replacement
        parts += [text[pos : e.raw_start], e.replacement]
        pos = e.raw_end
    parts.append(text[pos:])
    assert "".join(parts) == r.text


@pytest.mark.parametrize("name", SEEDS, ids=lambda n: n[:3])
def test_sentence_starts_map_back_to_the_same_raw_characters(name: str) -> None:
    r, text = seed(name[:3]), raw(name)
    edited = {i for e in r.edits for i in range(e.norm_start, e.norm_end)}
    for s in r.sentences:
        if s.char_start not in edited:
            assert text[to_raw_offset(r, s.char_start)] == s.text[0]


@pytest.mark.parametrize("name", SEEDS, ids=lambda n: n[:3])
def test_normalizing_twice_changes_nothing(name: str) -> None:
    r = seed(name[:3])
    assert normalize_report(r.text).text == r.text


@pytest.mark.parametrize("name", SEEDS, ids=lambda n: n[:3])
def test_rows_fit_the_published_schemas(name: str) -> None:
    r = seed(name[:3])
    docs = pl.DataFrame(documents_rows("x", r), schema=DOCUMENT_COLUMNS)
    sents = pl.DataFrame(sentence_rows("x", r), schema=SENTENCE_COLUMNS)
    edits = pl.DataFrame(edit_rows("x", r), schema=EDIT_COLUMNS)
    assert docs["n_sentences"][0] == sents.height and docs["n_edits"][0] == edits.height
    assert docs["n_chars"][0] == len(r.text)
    assert edits["edit_id"].to_list() == list(range(edits.height))


@pytest.mark.parametrize("name", SEEDS, ids=lambda n: n[:3])
def test_cleaning_leaves_no_markup_full_width_forms_or_blanks(name: str) -> None:
    t = seed(name[:3]).text
    assert not re.search("[\uff01-\uff5e\u3000\u00a0]", t)
    assert not re.search(r"</?[a-z]+>|\*\*|^#+ |^- |✓", t, re.M)
    assert not re.search(r"^ | $|\n\n\n", t, re.M)
    assert "4399在线游戏的" not in t and "上接第" not in t and "下转第" not in t


# -- the dirt each seed shows ----------------------------------------------------------------------
def test_width_is_folded_and_chinese_punctuation_stays() -> None:
    t = seed("000").text
    assert "这一年,我们高效统筹稳增长、扩内需,经济运行量质齐升。" in t
    assert "“海洋十年”" in t


def test_spam_is_removed_and_recorded() -> None:
    r = seed("002")
    spam = [e for e in r.edits if e.kind == "spam"]
    assert len(spam) == raw(next(n for n in SEEDS if n.startswith("002"))).count("4399在线游戏的")
    assert all(e.raw_text == "4399在线游戏的" and e.replacement == "" for e in spam)
    assert "园区产业集群解决方案试点" in r.text and "DRG支付方式改革" in r.text


def test_page_break_markers_go_and_the_broken_word_is_joined() -> None:
    r = seed("004")
    assert "乡村振兴取得积极成效" in r.text
    assert "向各民主党派、工商联、无党派人士、各人民团体和社会各界人士,向离退休老同志" in r.text
    kinds = [e.kind for e in r.edits]
    assert kinds.count("page_break") == 2 and kinds.count("page_break_join") >= 2
    assert r.text.startswith("政府工作报告\n\n增长12.2%、11.6%。")
    heading = sentence(r, "(六)加快推进农业农村现代化")
    assert heading.is_heading and heading.text == "(六)加快推进农业农村现代化,乡村振兴取得积极成效。"


def test_html_subscripts_become_plain_text() -> None:
    t = seed("004").text
    assert "市区PM2.5、PM10平均浓度分别为26微克/立方米、52微克/立方米左右" in t


def test_publish_date_in_web_chrome_becomes_metadata() -> None:
    r = seed("003")
    assert r.metadata["publish_date"] == dt.date(2024, 2, 6)
    assert "发布日期" not in r.text and "字体大小" not in r.text and "扫一扫" not in r.text
    assert r.text.startswith("关于青岛市2023年国民经济和社会发展计划执行情况")
    assert {e.kind for e in r.edits if "青岛政务网" in e.raw_text} == {"chrome"}


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_chrome_after_a_short_title_goes_as_one_edit_with_one_code(newline: str) -> None:
    # With Windows line ends, the whitespace and chrome edits overlap and merge into one.
    text = newline.join(["某市人民政府工作报告", "某市政务网 发布日期 : 2012-02-14", "各位代表：",
                         "现在，我代表市人民政府作工作报告。", ""])
    r = normalize_report(text, report_type="government_work_report", review_year=2011, plan_year=2012)
    assert "政务网" not in r.text and r.metadata["publish_date"] == dt.date(2012, 2, 14)
    assert [e.kind for e in r.edits if "政务网" in e.raw_text] == ["chrome"]
    assert all(re.fullmatch(CODE_PATTERN, e.kind) for e in r.edits), [e.kind for e in r.edits]


def test_acronyms_lost_plus_and_stray_english_are_restored() -> None:
    t2, t4 = seed("002").text, seed("004").text
    for good in ("5G基站", "PM10改善13%", "深水油田FPSO—p79", "C40城市", "国家A级物流企业", "G228丹东线"):
        assert good in t2
    assert not re.search(r"(?<![A-Za-z])(?:5g|pm10|fpso|drg)(?![A-Za-z])", t2)
    assert "黄河流域“9+2”跨境电商" in t2 and "“9+5”城市" in t2 and "“1+N”一揽子" in t2
    assert "“党建 物业”" in t2  # a space between Chinese words may have been `+` or `·`: kept
    assert "加强知识产权保护和运用" in t4


def test_footnote_markers_are_detached_and_the_block_kept_as_other() -> None:
    r = seed("002")
    assert "联合国“海洋十年”海洋与气候协作中心" in r.text
    notes = [s for s in r.sentences if re.match(r"\[\d+\]", s.text)]
    assert len(notes) == 23
    assert all(s.section_role == "other" and not s.is_heading for s in notes)
    assert sentence(r, "[1] FPSO:浮式生产储卸油装置").section_path == ""


# -- headings, paths and roles ---------------------------------------------------------------------
def test_run_in_headings_are_their_own_sentences() -> None:
    r3 = seed("003")
    h = sentence(r3, "(一)经济运行恢复向好")
    body = sentence(r3, "全市实现地区生产总值15760.34亿元")
    assert h.is_heading and h.text == "(一)经济运行恢复向好,综合实力持续增强。"
    assert not body.is_heading and body.paragraph_id == h.paragraph_id
    assert body.text == "全市实现地区生产总值15760.34亿元,同比增长5.9%。"
    assert body.section_path == "一、2023年全市经济和社会发展计划执行情况 > (一)经济运行恢复向好,综合实力持续增强"
    assert h.section_path == "一、2023年全市经济和社会发展计划执行情况"
    r2 = seed("002")
    assert sentence(r2, "一是经略海洋引领示范").is_heading
    assert not sentence(r2, "建成交付全球首艘10万吨").is_heading
    bold = sentence(seed("004"), "大力实施消费扩容升级行动")
    assert bold.is_heading and bold.text == "大力实施消费扩容升级行动。"
    assert bold.section_path == "三、2023年重点工作安排 > (一)在扩内需稳增长上持续用力"
    assert not sentence(seed("004"), "把恢复和扩大消费摆在优先位置").is_heading


def test_semicolons_stay_inside_sentences() -> None:
    s = sentence(seed("003"), "实现一般公共预算收入1337.8亿元")
    assert s.text == "实现一般公共预算收入1337.8亿元,增长5.1%;税收占比达75.2%。"


@pytest.mark.parametrize("prefix", ["003", "004"])
def test_main_targets_paragraph_has_role_targets(prefix: str) -> None:
    s = sentence(seed(prefix), "主要预期目标是:全市生产总值增长5.5%左右")
    assert s.section_role == "targets" and not s.is_heading


def test_plan_report_parts_review_then_targets_then_tasks() -> None:
    r = seed("002")
    part1 = sentence(r, "一、2022年全区国民经济和社会发展计划执行情况")
    part2 = sentence(r, "二、2023年工作思路及重点措施")
    first_note = sentence(r, "[1]")
    assert part1.is_heading and part2.is_heading
    roles = lambda a, b: {s.section_role for s in r.sentences[a:b]}  # noqa: E731
    assert roles(part1.sentence_id, part2.sentence_id) == {"review"}
    assert roles(part2.sentence_id, first_note.sentence_id) == {"tasks"}
    assert r.sentences[0].section_role == "other"  # the preamble before part 一
    r3 = seed("003")
    assert sentence(r3, "三、2024年经济社会发展重点任务").section_role == "tasks"
    assert sentence(r3, "二、2024年经济社会发展总体思路与主要目标").section_role == "targets"
    assert sentence(r3, "关于青岛市2023年").section_role == "other"


def test_work_report_cut_before_part_two_reads_the_cut_part_as_review() -> None:
    r = seed("004")
    assert sentence(r, "增长12.2%、11.6%。").section_role == "review"
    assert sentence(r, "(八)大力发展民生和社会事业").section_role == "review"
    assert sentence(r, "城镇新增就业36.5万人").section_role == "review"
    assert sentence(r, "各位代表!").section_role == "other"
    assert sentence(r, "政府工作报告").section_role == "other"
    assert sentence(r, "二、2023年工作总体要求和主要预期目标").section_role == "targets"
    assert sentence(r, "三、2023年重点工作安排").section_role == "tasks"
    assert sentence(r, "持续开展秋冬季大气污染防治").section_role == "tasks"


def test_infographic_year_parts() -> None:
    r0 = seed("000")
    year = sentence(r0, "2023")
    assert year.is_heading and year.section_role == "review" and year.text == "2023"
    item = sentence(r0, "海洋生产总值超过2000亿元、增长8%")
    assert not item.is_heading and item.section_role == "review"
    assert item.section_path == "2023 > 1 为国担当践行国家战略 特色特质充分彰显 > 经略海洋走在前列"
    next_item = sentence(r0, "联合国“海洋十年”国际合作中心启用")
    assert next_item.paragraph_id == item.paragraph_id + 1 and not next_item.is_heading
    assert sentence(r0, "预计,2023年西海岸新区").section_role == "review"
    r1 = seed("001")
    assert sentence(r1, "2024").section_role == "tasks"
    goals = sentence(r1, "主要预期目标")
    assert goals.is_heading and goals.section_role == "targets"
    assert sentence(r1, "地区生产总值增长6%以上").section_role == "targets"
    task = sentence(r1, "抓好60个重点产业项目,海洋生产总值增长8%")
    assert task.section_role == "tasks" and not task.is_heading
    assert task.section_path == "2024 > 1 精准落实国家战略 奋力实现示范引领新突破 > 建设海洋经济发展引领区"


def test_without_years_two_year_headings_still_read_review_then_plan() -> None:
    r = normalize_report("# 2023\n\n- 增长5%\n\n# 2024\n\n- 增长6%")
    assert [s.section_role for s in r.sentences] == ["review", "review", "tasks", "tasks"]


def test_statistical_bulletin_text_defaults_to_review() -> None:
    r = normalize_report("2023年全市国民经济和社会发展统计公报\n\n全年地区生产总值增长5%。", "statistical_bulletin")
    assert r.sentences[-1].section_role == "review"


def test_targets_list_after_a_colon_stays_targets() -> None:
    r = normalize_report(
        "二、2024年重点工作\n今年主要预期目标是:\n1.地区生产总值增长6%左右;\n2.居民收入同步增长。\n做好以下工作。"
    )
    roles = [s.section_role for s in r.sentences]
    assert roles == ["tasks", "targets", "targets", "targets", "tasks"]
    assert not any(s.is_heading for s in r.sentences[1:])


# -- other regions write the same ways -------------------------------------------------------------
WORK_REPORT = """政府工作报告
——2024年1月15日在济南市第十八届人民代表大会第三次会议上
济南市市长　于海田

各位代表：
　　现在，我代表市人民政府，向大会报告工作，请予审议。
　　一、2023年工作回顾
　　过去一年，全市地区生产总值增长６.１％。
　　（一）坚持稳中求进，经济运行持续向好。规上工业增加值增长8.5%。
　　二、2024年工作总体要求和目标任务
　　今年政府工作的总体要求是：坚持稳中求进。
　　主要预期目标是：地区生产总值增长6%左右；城镇新增就业16万人以上。
　　三、2024年重点工作
　　（一）聚力扩大有效需求。实施重点项目1000个以上。
　　（二）主要预期目标完成情况
　　四、全面加强政府自身建设
　　各位代表！新征程催人奋进。
"""


def test_a_work_report_of_another_city() -> None:
    r = normalize_report(WORK_REPORT, "work_report", review_year=2023, plan_year=2024)
    role = {s.text: s.section_role for s in r.sentences}
    assert role["政府工作报告"] == role["各位代表:"] == role["各位代表!"] == "other"
    assert role["过去一年,全市地区生产总值增长6.1%。"] == "review"
    assert role["规上工业增加值增长8.5%。"] == "review"
    assert role["主要预期目标是:地区生产总值增长6%左右;城镇新增就业16万人以上。"] == "targets"
    assert role["今年政府工作的总体要求是:坚持稳中求进。"] == "tasks"
    assert role["实施重点项目1000个以上。"] == "tasks"
    assert role["(二)主要预期目标完成情况"] == "tasks"  # below a part, a heading keeps its part's role
    assert role["四、全面加强政府自身建设"] == "tasks"
    assert sentence(r, "规上工业增加值").section_path == "一、2023年工作回顾 > (一)坚持稳中求进,经济运行持续向好"


def test_a_bulletin_reads_as_review_and_its_notes_as_other() -> None:
    text = (
        "2023年青岛市国民经济和社会发展统计公报\n一、综合\n初步核算,全年全市生产总值15760.34亿元,比上年增长5.9%。\n"
        "二、农业\n粮食总产量318.6万吨。\n注释:\n1.本公报中数据均为初步统计数。\n2.地区生产总值按现价计算。"
    )
    r = normalize_report(text, "statistical_bulletin")
    assert [s.section_role for s in r.sentences] == ["other", "review", "review", "review", "review"] + ["other"] * 3
    assert sentence(r, "粮食总产量").section_path == "二、农业"
    assert sentence(r, "1.本公报").section_path == "" and not sentence(r, "1.本公报").is_heading


@pytest.mark.parametrize(("raw_text", "joined"), [
    ("全年接待游客2160万人次,旅游总收入205.8亿\n元,增长38.5%。", "旅游总收入205.8亿元,增长38.5%。"),
    ("城镇新增就业2.5万人以\n上;居民人均可支配收入增长6%。", "城镇新增就业2.5万人以上;"),
    ("PM2.5平均浓度为２４\n微克／立方米。", "PM2.5平均浓度为24微克/立方米。"),
    ("城镇新增就业\n1.2\n万人\n", "1.2万人"),  # an infographic's number alone on its line
])
def test_a_line_wrapped_inside_a_value_is_joined(raw_text: str, joined: str) -> None:
    r = normalize_report(raw_text)
    assert joined in r.text
    (edit,) = [e for e in r.edits if "line_break_join" in e.kind]
    assert edit.raw_text == "\n" and edit.replacement == ""
    assert to_raw_offset(r, r.text.index(joined)) == raw_text.index(joined[:3])  # offsets still map back


@pytest.mark.parametrize("text", [
    "地区生产总值\n5200亿元\n增长5.5%",  # an infographic's label over its value: lines of their own
    "(三)全年目标任务圆满完成\n2023年,全市地区生产总值增长5%。",  # a heading, then a year
    "指标 2023年\n地区生产总值 5200\n增长率 5.5",  # a table's rows
    "文旅产业提档突破\n- 25个项目开工,32个项目投产。",  # a heading over a list item
    "常住人口 315\n人均地区生产总值 12.5万元",  # a table's rows again
    "规上工业增加值 12.5\n万元以上企业 320家",  # a row ending with a number, a row opening with a unit
    "全区地区生产总值完成\n4861.8亿元,同比增长5.4%。",  # a label (the extractor reads it so)
])
def test_lines_that_are_not_cut_values_stay(text: str) -> None:
    r = normalize_report(text)
    assert not [e for e in r.edits if "line_break_join" in e.kind]
    assert r.text.count("\n") == text.count("\n")
