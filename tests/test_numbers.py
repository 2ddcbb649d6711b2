"""Numbers, units and values as the reports write them."""

from __future__ import annotations

import pytest

from pipeline.lib.mentions import find_mentions
from pipeline.lib.numbers import parse_fraction, parse_number, parse_rank, parse_tenths
from pipeline.lib.units import base_quantity, load_units


@pytest.mark.parametrize(("text", "value"), [
    ("15760.34", 15760.34), ("1,234.5", 1234.5), ("12,345,678", 12345678), ("0.5", 0.5), ("7", 7),
    ("一万", 10000), ("两千", 2000), ("十", 10), ("三千五百", 3500), ("一百零五", 105), ("二十五", 25),
    ("两", 2), ("", None), ("abc", None), ("1.2.3", None),
])
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(("text", "value"), [
    ("1/3", 33.33), ("2/3", 66.67), ("1 / 4", 25.0), ("三分之一", 33.33), ("四分之三", 75.0), ("1/0", None),
])
def test_parse_fraction(text: str, value: float | None) -> None:
    assert parse_fraction(text) == value


def test_parse_tenths() -> None:
    assert parse_tenths("七") == 70
    assert parse_tenths("七", "五") == 75
    assert parse_tenths("十") == 100
    assert parse_tenths("十一") is None


@pytest.mark.parametrize(("text", "value"), [("第一", 1), ("第4名", 4), ("第 12 位", 12), ("首位", 1), ("第零", None)])
def test_parse_rank(text: str, value: int | None) -> None:
    assert parse_rank(text) == value


@pytest.mark.parametrize(("value", "magnitude", "spelling", "unit", "base", "base_unit"), [
    (1.5, "万亿", "元", "万亿元", 1.5e12, "元"),
    (15760.34, "亿", "元", "亿元", 1.576034e12, "元"),
    (36.8, "万", "人", "万人", 368000, "人"),
    (2800, "万", "标箱", "万标箱", 2.8e7, "TEU"),
    (2800, "万", "TEU", "万标箱", 2.8e7, "TEU"),
    (3, "千亿", "元", "亿元", 3e11, "元"),  # respelled: 3 千亿元 is published as 3000 亿元
    (50, "万", "千瓦", "万千瓦", 5e5, "千瓦"),
    (138, None, "名", "人", 138, "人"),
    (26, None, "微克/立方米", "微克/立方米", 26, "微克/立方米"),
    (5.9, None, "%", "%", None, None),
    (0.5, None, "个百分点", "pp", None, None),
])
def test_units(value, magnitude, spelling, unit, base, base_unit) -> None:
    q = load_units().quantity(value, magnitude, spelling)
    assert q is not None
    assert q.unit == unit
    assert q.base_unit == base_unit
    assert q.value_base == (pytest.approx(base) if base is not None else None)


def test_unknown_unit_and_percent_with_magnitude() -> None:
    table = load_units()
    assert table.quantity(3, None, "届") is None
    assert table.quantity(3, "万", "%") is None
    assert table.split_unit("万标箱") == ("万", "标箱")
    assert base_quantity(1.5, "万亿元") == (1.5e12, "元")
    assert base_quantity(2800, "万标箱") == (2.8e7, "TEU")


def _values(text: str) -> list[tuple]:
    return [(m.value, m.unit, m.post_bound, m.range_role) for m in find_mentions(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("实现营业收入1,280.5亿元", [(1280.5, "亿元", None, None)]),
    ("接待游客1.3亿人次", [(1.3, "亿人次", None, None)]),
    ("集装箱吞吐量2800万标箱", [(2800, "万标箱", None, None)]),
    ("增长5.5%左右", [(5.5, "%", "approx", None)]),
    ("增长5%以上", [(5, "%", "ge", None)]),
    ("控制在3%以内", [(3, "%", "le", None)]),
    ("推进700多个项目", [(700, "个", "gt", None)]),
    ("覆盖140余家企业", [(140, "家", "gt", None)]),
    ("曝光量16亿多次", [(16, "亿次", "gt", None)]),
    ("增长4.5%—5%", [(4.5, "%", None, "low"), (5, "%", None, "high")]),
    ("增长4.5%-5%", [(4.5, "%", None, "low"), (5, "%", None, "high")]),
    ("增长4.5%至5%", [(4.5, "%", None, "low"), (5, "%", None, "high")]),
    ("增长4.5—5%", [(4.5, "%", None, "low"), (5, "%", None, "high")]),
    ("占全省的1/3", [(33.33, "%", None, None)]),
    ("全省占比近七成", [(70, "%", None, None)]),
    ("降低0.5个百分点", [(0.5, "pp", None, None)]),
    ("新增就业一万人", [(1, "万人", None, None)]),
    ("投入三千万元", [(3000, "万元", None, None)]),
    ("分别缩短18、15和12个工作日", [(18, "个工作日", None, None), (15, "个工作日", None, None),
                                     (12, "个工作日", None, None)]),
    ("新设市场主体5.7万户、总量超过44万", [(5.7, "万户", None, None), (44, "万户", None, None)]),
    ("分别增长12%、-3%", [(12, "%", None, None), (-3, "%", None, None)]),
    ("居全国第2位", [(2, "名", None, None)]),
    ("首次突破千亿元", [(1000, "亿元", None, None)]),
    ("规模达1.2千亿元", [(1200, "亿元", None, None)]),
    ("名列全省第一", [(1, "名", None, None)]),
    # a magnitude word alone, with a bound on it
    ("企业数量突破千家", [(1000, "家", None, None)]),
    ("培育专精特新企业千余家", [(1000, "家", "gt", None)]),
    ("惠及近百万户", [(100, "万户", None, None)]),
    ("营收超百亿元", [(100, "亿元", None, None)]),
    ("带动就业超万人", [(1, "万人", None, None)]),
    ("投入5千万元", [(5000, "万元", None, None)]),
    # a magnitude that starts a unit of its own is the unit
    ("新增装机500千瓦", [(500, "千瓦", None, None)]),
    ("新建道路30千米", [(30, "公里", None, None)]),
])
def test_values(text: str, expected: list[tuple]) -> None:
    got = _values(text)
    assert [(pytest.approx(v), u, b, r) for v, u, b, r in expected] == got


@pytest.mark.parametrize("text", [
    "2023年", "2021—2035年", "(2022-2024年)", "3月15日", "连续5年", "第32届", "第四批", "6.0版", "[3]",
    "5G基站", "PM2.5", "pm10", "“9+2”", "“十四五”", "30万吨级码头", "10万吨大型养殖工船", "20万吨聚苯乙烯项目",
    "12英寸晶圆", "总投资500亿元的项目", "一批项目",
    "亿元以上项目", "万元GDP能耗", "千亿级产业集群", "三家企业", "五大新城", "年产30万吨乙烯", "3岁以下婴幼儿",
    "走进千家万户", "每万人口", "百家争鸣", "年产10万台工业机器人项目", "年产 10万台 工业机器人项目",
    "日处理3000吨的污水厂",
])
def test_not_values(text: str) -> None:
    assert find_mentions(text) == []
