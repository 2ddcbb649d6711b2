"""Sentence -> expected facts, one row per reading rule (issue 4).

The sentences are written for these tests in the language of the reports (not copied from the
seeds), so that a rule written for one seed's wording fails here. Each case gives:
- `text`: one or more sentences (a line is a paragraph, 。 ends a sentence);
- `role`: the section role of every sentence (review -> actual 2023, targets/tasks -> target 2024);
- `coded`: EXACTLY the facts with a dictionary code the text holds (a missing one and an extra one
  both fail: precision matters as much as recall);
- `uncoded`: facts that must be there with `indicator_code` null (the row stays);
- `absent`: values that must not appear in any fact (SPEC's not-facts).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from pipeline.lib.facts import FACT_COLUMNS, extract_facts, frame
from pipeline.lib.normalize import Sentence, normalize_report

REPORT = {"report_id": "t", "region": "烟台市", "region_level": "city", "report_type": "work_report",
          "review_year": 2023, "plan_year": 2024, "publish_date": None}


@dataclass(frozen=True)
class F:
    """An expected fact; status and period default from the section role."""

    code: str | None
    metric: str
    value: float
    unit: str = "%"
    bound: str = "eq"
    stretch: bool = False
    status: str | None = None
    period: int | None = None
    text: str | None = None  # indicator_text, when the case checks it


@dataclass(frozen=True)
class Case:
    name: str
    text: str
    role: str = "review"
    coded: list[F] = field(default_factory=list)
    uncoded: list[F] = field(default_factory=list)
    absent: list[float] = field(default_factory=list)
    path: str = ""  # section_path of every sentence
    heading: bool = False  # every line is a heading


CASES = [
    # ---------------------------------------------------------------- level and growth, carried subject
    Case("level then growth, subject carried",
         "全县实现地区生产总值856.2亿元,按可比价格计算增长6.3%。",
         coded=[F("gdp", "level", 856.2, "亿元"), F("gdp", "growth", 6.3)]),
    Case("level and growth joined by 、",
         "旅游总收入达到512亿元、增长18.6%。",
         coded=[F("tourism_revenue", "level", 512, "亿元"), F("tourism_revenue", "growth", 18.6)]),
    Case("growth carried over 同比",
         "实现技术合同成交额86.3亿元,同比增长21.5%。",
         coded=[F("tech_contract_value", "level", 86.3, "亿元"), F("tech_contract_value", "growth", 21.5)]),
    Case("bulletin wording with (GDP) and a comparison clause",
         "全年全市生产总值(GDP)5432.1亿元,按不变价格计算,比上年增长5.2%。",
         coded=[F("gdp", "level", 5432.1, "亿元"), F("gdp", "growth", 5.2)]),
    Case("two subjects each with its own predicate",
         "货物进出口总额增长8.2%、实际使用外资增长15%。",
         coded=[F("foreign_trade", "growth", 8.2), F("foreign_investment", "growth", 15)]),
    Case("其中 introduces an uncoded part; share read from 占比",
         "一般公共预算收入完成98.6亿元,同口径增长7.2%;其中税收收入76.3亿元,税收占比77.4%。",
         coded=[F("general_budget_revenue", "level", 98.6, "亿元"), F("general_budget_revenue", "growth", 7.2),
                F("tax_share", "share", 77.4)],
         uncoded=[F(None, "level", 76.3, "亿元")]),
    Case("thousands separator",
         "外贸进出口总值3,456.7亿元。",
         coded=[F("foreign_trade", "level", 3456.7, "亿元")]),
    Case("bare number with magnitude only in Chinese",
         "全年新增学位一万个。",
         coded=[F("new_school_places", "level", 1, "万个")]),
    Case("magnitude inside the unit: 万亿元",
         "地区生产总值首次突破1.2万亿元。",
         coded=[F("gdp", "level", 1.2, "万亿元", "gt")]),
    # ---------------------------------------------------------------- sign
    Case("下降 gives a negative growth",
         "社会消费品零售总额下降2.4%。",
         coded=[F("retail_sales", "growth", -2.4)]),
    Case("减少 on an uncoded subject",
         "安全生产事故起数减少12.5%。",
         uncoded=[F(None, "growth", -12.5)]),
    Case("上涨 is a positive growth of prices",
         "居民消费价格上涨1.8%。",
         coded=[F("cpi", "growth", 1.8)]),
    Case("a comparison with the nation is not the indicator",
         "居民消费价格同比上涨1.2%,涨幅低于全国0.2个百分点。",
         coded=[F("cpi", "growth", 1.2)]),
    # ---------------------------------------------------------------- change, pp, share
    Case("个百分点 is a change in pp",
         "研发经费投入强度提高0.3个百分点。",
         coded=[F("rd_intensity", "change", 0.3, "pp")]),
    Case("a decrease in pp is negative",
         "城镇调查失业率下降0.4个百分点。",
         coded=[F("unemployment_rate", "change", -0.4, "pp")]),
    Case("an absolute change of days",
         "空气质量优良天数比上年增加12天,达到318天。",
         coded=[F("good_air_days", "change", 12, "天"), F("good_air_days", "level", 318, "天")]),
    Case("a rate and its change",
         "常住人口城镇化率达到68.5%、提高0.8个百分点。",
         coded=[F("urbanization_rate", "share", 68.5), F("urbanization_rate", "change", 0.8, "pp")]),
    Case("a share of another quantity: 占…比重",
         "数字经济核心产业增加值占地区生产总值比重达到12%。",
         coded=[F("digital_economy_core", "share", 12)]),
    Case("成: 近六成 is 60 % approx",
         "民间投资占固定资产投资比重近六成。",
         coded=[F("private_investment", "share", 60, "%", "approx")]),
    Case("fraction: 占全省的1/4 is 25 %",
         "高新技术企业数量占全省的1/4。",
         coded=[F("high_tech_enterprises", "share", 25)]),
    Case("a bound word before 占", "高新技术企业约占全省的三分之一。",
         coded=[F("high_tech_enterprises", "share", 33.33, "%", "approx")]),
    Case("a starting point after 由 is not a fact",
         "空气质量优良天数比例由80%提高到86%。",
         coded=[F("good_air_days_ratio", "share", 86)], absent=[80]),
    Case("a ratio to a plan above 100% is no share", "一般公共预算收入完成86亿元,为预算的102%。",
         coded=[F("general_budget_revenue", "level", 86, "亿元")], absent=[102]),
    Case("倍 after 增长 is a growth in percent",
         "跨境电商交易额增长1.2倍。",
         uncoded=[F(None, "growth", 120)]),
    Case("level reached after 降到 is not negative",
         "细颗粒物(PM2.5)平均浓度降到28微克/立方米。",
         coded=[F("pm25", "level", 28, "微克/立方米")], absent=[2.5]),
    # ---------------------------------------------------------------- bounds
    Case("range with a long dash", "地区生产总值增长5%—5.5%。", role="targets",
         coded=[F("gdp", "growth", 5, "%", "ge"), F("gdp", "growth", 5.5, "%", "le")]),
    Case("range with a hyphen", "一般公共预算收入增长4%-5%。", role="targets",
         coded=[F("general_budget_revenue", "growth", 4, "%", "ge"),
                F("general_budget_revenue", "growth", 5, "%", "le")]),
    Case("range with 至", "固定资产投资增长6%至7%。", role="targets",
         coded=[F("fixed_asset_investment", "growth", 6, "%", "ge"),
                F("fixed_asset_investment", "growth", 7, "%", "le")]),
    Case("range with the unit written once", "社会消费品零售总额增长6—7%。", role="targets",
         coded=[F("retail_sales", "growth", 6, "%", "ge"), F("retail_sales", "growth", 7, "%", "le")]),
    Case("左右 is approx", "城镇新增就业4.5万人左右。", role="targets",
         coded=[F("new_urban_jobs", "level", 4.5, "万人", "approx")]),
    Case("约 is approx", "实际使用外资约12亿美元。",
         coded=[F("foreign_investment", "level", 12, "亿美元", "approx")]),
    Case("近 is approx", "全年接待游客近5000万人次。",
         coded=[F("tourist_arrivals", "level", 5000, "万人次", "approx")]),
    Case("稳定在…以上 is ge", "粮食总产量稳定在120万吨以上。", role="targets",
         coded=[F("grain_output", "level", 120, "万吨", "ge")]),
    Case("不低于 is ge", "空气质量优良天数不低于300天。", role="targets",
         coded=[F("good_air_days", "level", 300, "天", "ge")]),
    Case("至少 is ge", "新增学位至少8000个。", role="targets",
         coded=[F("new_school_places", "level", 8000, "个", "ge")]),
    Case("逾 is gt", "货物进出口总额逾2000亿元。",
         coded=[F("foreign_trade", "level", 2000, "亿元", "gt")]),
    Case("多 between number and unit is gt", "高新技术企业达到1300多家。",
         coded=[F("high_tech_enterprises", "level", 1300, "家", "gt")]),
    Case("余 is gt", "科技型中小企业总数达2600余家。",
         coded=[F("tech_smes", "level", 2600, "家", "gt")]),
    Case("以内 is le", "城镇调查失业率控制在5.5%以内。", role="targets",
         coded=[F("unemployment_rate", "share", 5.5, "%", "le")]),
    Case("不超过 with a growth word in the subject", "居民消费价格涨幅不超过3%。", role="targets",
         coded=[F("cpi", "growth", 3, "%", "le")]),
    Case("低于 is lt", "PM2.5平均浓度低于35微克/立方米。", role="targets",
         coded=[F("pm25", "level", 35, "微克/立方米", "lt")], absent=[2.5]),
    Case("达到 is eq, not a bound", "税收占比达到80.5%。",
         coded=[F("tax_share", "share", 80.5)]),
    # ---------------------------------------------------------------- stretch
    Case("a lone 力争 value is stretch", "力争地区生产总值突破3000亿元。", role="targets",
         coded=[F("gdp", "level", 3000, "亿元", "gt", stretch=True)]),
    Case("base goal then stretch goal", "规上工业增加值增长8%,争取10%。", role="targets",
         coded=[F("industrial_value_added", "growth", 8), F("industrial_value_added", "growth", 10, stretch=True)]),
    Case("争取更好结果 has no number", "全市生产总值增长6%左右,在实际工作中争取更好结果。", role="targets",
         coded=[F("gdp", "growth", 6, "%", "approx")]),
    # ---------------------------------------------------------------- parallel lists
    Case("分别 with a trailing 以上 bounding every value",
         "固定资产投资、社会消费品零售总额分别增长6%、5%以上。", role="targets",
         coded=[F("fixed_asset_investment", "growth", 6, "%", "ge"), F("retail_sales", "growth", 5, "%", "ge")]),
    Case("分别 with a shared head noun",
         "港口货物、集装箱吞吐量分别增长3.2%、6.5%。",
         coded=[F("port_cargo", "growth", 3.2), F("port_containers", "growth", 6.5)]),
    Case("分别 with 和 between values and a shared long head",
         "城镇、农村居民人均可支配收入分别增长4.8%和6.9%。",
         coded=[F("urban_disposable_income", "growth", 4.8), F("rural_disposable_income", "growth", 6.9)]),
    Case("a bound before a list of values applies to each, no 分别",
         "全市港口货物、集装箱吞吐量突破4.8亿吨、1500万标箱。",
         coded=[F("port_cargo", "level", 4.8, "亿吨", "gt"), F("port_containers", "level", 1500, "万标箱", "gt")]),
    Case("four subjects, two coded",
         "高新技术企业、科技型中小企业、专精特新企业、瞪羚企业分别达到2100家、3500家、420家、65家。",
         coded=[F("high_tech_enterprises", "level", 2100, "家"), F("tech_smes", "level", 3500, "家")],
         uncoded=[F(None, "level", 420, "家"), F(None, "level", 65, "家")]),
    Case("a second 分别 list continues the same subjects",
         "养老保险、医疗保险参保人数分别达到512万人、698万人,分别增长2.1%、1.4%。",
         coded=[F("pension_insured", "level", 512, "万人"), F("medical_insured", "level", 698, "万人"),
                F("pension_insured", "growth", 2.1), F("medical_insured", "growth", 1.4)]),
    Case("uncoded list keeps one row per subject",
         "工业、基础设施、房地产开发投资分别增长12%、9%、-3%。",
         coded=[F("industrial_investment", "growth", 12), F("real_estate_investment", "growth", -3)],
         uncoded=[F(None, "growth", 9)]),
    Case("a spelling with 、 inside is not a list",
         "新增过会、上市企业4家。", role="targets",
         coded=[F("new_listings", "level", 4, "家")]),
    Case("均 gives the one value to each subject", "货物进出口总额、实际使用外资同比均下降3%。",
         coded=[F("foreign_trade", "growth", -3), F("foreign_investment", "growth", -3)]),
    Case("a change of a growth rate is not a change of the indicator", "地区生产总值增速提高0.5个百分点。",
         uncoded=[F(None, "change", 0.5, "pp")]),
    Case("numbered items", "1.地区生产总值增长6%左右;2.一般公共预算收入增长5%;①城镇新增就业5万人。", role="targets",
         coded=[F("gdp", "growth", 6, "%", "approx"), F("general_budget_revenue", "growth", 5),
                F("new_urban_jobs", "level", 5, "万人")], absent=[1, 2]),
    # ---------------------------------------------------------------- status and period
    Case("预计 in the sentence makes an estimate",
         "预计全年一般公共预算收入增长6%。",
         coded=[F("general_budget_revenue", "growth", 6, status="estimate")]),
    Case("预计 opening a paragraph covers its later sentences",
         "预计,全年固定资产投资增长7%。高新技术企业突破2000家。\n实际使用外资增长9%。",
         coded=[F("fixed_asset_investment", "growth", 7, status="estimate"),
                F("high_tech_enterprises", "level", 2000, "家", "gt", status="estimate"),
                F("foreign_investment", "growth", 9)]),
    Case("a year opening the clause sets the period",
         "到2025年,高新技术企业达到2000家。", role="targets",
         coded=[F("high_tech_enterprises", "level", 2000, "家", period=2025)]),
    Case("outside known sections, a goal is a target", "今年主要预期目标是:地区生产总值增长6%左右。", role="other",
         coded=[F("gdp", "growth", 6, "%", "approx", status="target", period=2024)]),
    Case("the tasks section sets targets",
         "新增城镇就业6万人以上,新增托位1200个。", role="tasks",
         coded=[F("new_urban_jobs", "level", 6, "万人", "ge"), F("new_childcare_places", "level", 1200, "个")]),
    # ---------------------------------------------------------------- stock and flow
    Case("a flow and a stock of one concept",
         "新认定高新技术企业215家,高新技术企业总数达到1680家。",
         coded=[F("new_high_tech_enterprises", "level", 215, "家"), F("high_tech_enterprises", "level", 1680, "家")]),
    Case("a flow without its own code is null, never the stock's",
         "培育高新技术企业120家,新增科技型中小企业300家。",
         uncoded=[F(None, "level", 120, "家"), F(None, "level", 300, "家")]),
    Case("a count before its noun with a flow word",
         "全年新认定160家高新技术企业。",
         coded=[F("new_high_tech_enterprises", "level", 160, "家")]),
    Case("a narrowing word does not change the flow",
         "新增公办中小学学位1.2万个,增设普惠托位800个。",
         coded=[F("new_school_places", "level", 1.2, "万个"), F("new_childcare_places", "level", 800, "个")]),
    Case("a unit left out is the one of the value before",
         "新登记市场主体3.2万户,总数达到41万。",
         coded=[F("new_market_entities", "level", 3.2, "万户"), F("market_entities", "level", 41, "万户")]),
    Case("a bare 总量 continues the previous topic",
         "引进各类人才2万人,总量达到120万人。",
         coded=[F("talent_pool", "level", 120, "万人")], uncoded=[F(None, "level", 2, "万人")]),
    Case("a stock of new-type farm entities is not market_entities",
         "培育新型经营主体320家。", uncoded=[F(None, "level", 320, "家")]),
    # ---------------------------------------------------------------- whole region only
    Case("a zone's value has no regional code",
         "高新区规上工业增加值增长12%。", uncoded=[F(None, "growth", 12)]),
    Case("a development zone's foreign investment",
         "经济技术开发区实际使用外资3.2亿美元。", uncoded=[F(None, "level", 3.2, "亿美元")]),
    Case("another port is a part of the region; the region's own port is not",
         "龙口港货物吞吐量突破1亿吨。烟台港货物吞吐量达到4.7亿吨。",
         coded=[F("port_cargo", "level", 4.7, "亿吨")], uncoded=[F(None, "level", 1, "亿吨", "gt")]),
    Case("a section headed by a zone's name reports about the zone",
         "实际利用外资增长20%,进出口总额突破300亿元。", path="工作回顾 > 综合保税区建设 > 东港综合保税区",
         uncoded=[F(None, "growth", 20), F(None, "level", 300, "亿元", "gt")]),
    Case("a section heading that says what to do is not a zone's name",
         "实际利用外资增长20%。", path="工作回顾 > 做强开发区开放主阵地",
         coded=[F("foreign_investment", "growth", 20)]),
    Case("a company's revenue", "万华集团营业收入增长8%。", uncoded=[F(None, "growth", 8)]),
    Case("a holiday's tourists are a single event", "春节假期全市接待游客320万人次。",
         uncoded=[F(None, "level", 320, "万人次")]),
    Case("per-person measures are other indicators",
         "每千人口拥有3岁以下婴幼儿托位数达到3.5个。",
         coded=[F("childcare_places_per_1000", "level", 3.5, "个")], absent=[3]),
    Case("per-capita GDP is not GDP", "人均地区生产总值突破10万元。",
         coded=[F("gdp_per_capita", "level", 10, "万元", "gt")]),
    Case("the head noun decides: a burden of the entities is not the entities",
         "全年减轻经营主体税费负担45亿元。", uncoded=[F(None, "level", 45, "亿元")]),
    Case("the output of high-tech firms is not their number", "高新技术企业产值增长10%。",
         uncoded=[F(None, "growth", 10)]),
    # ---------------------------------------------------------------- rank
    Case("a rank after 居", "地区生产总值增速居全省第2位。",
         uncoded=[], coded=[F("gdp", "rank", 2, "名")]),
    Case("ordinals in names are not ranks", "成功举办第十五届国际博览会,获评第三批示范城市。",
         absent=[15, 3]),
    # ---------------------------------------------------------------- bulletins, infographics, continuations
    Case("a change against the end of last year",
         "年末全市常住人口315.6万人,比上年末增加1.2万人。",
         coded=[F("resident_population", "level", 315.6, "万人"), F("resident_population", "change", 1.2, "万人")]),
    Case("a clause opening with 占 is a share of the same subject",
         "高技术制造业增加值增长9.1%,占规模以上工业增加值的比重为18.2%。",
         uncoded=[F(None, "growth", 9.1), F(None, "share", 18.2)]),
    Case("exports and imports; narrower trade is not the total",
         "全年货物进出口总额865亿元,其中出口512亿元、增长2.1%,跨境电商进出口增长86%,民营企业进出口增长13.8%。",
         coded=[F("foreign_trade", "level", 865, "亿元"), F("exports", "level", 512, "亿元"),
                F("exports", "growth", 2.1)],
         uncoded=[F(None, "growth", 86), F(None, "growth", 13.8)]),
    Case("a basis phrase before a growth continues the subject",
         "一般公共预算收入完成86.2亿元,剔除留抵退税因素后可比增长9.5%。",
         coded=[F("general_budget_revenue", "level", 86.2, "亿元"), F("general_budget_revenue", "growth", 9.5)]),
    Case("a flow word on a carried stock: coded only when the flow is spelled",
         "高新技术企业总数达到612家,新认定98家,净增115家。",
         coded=[F("high_tech_enterprises", "level", 612, "家"), F("new_high_tech_enterprises", "level", 98, "家")],
         uncoded=[F(None, "level", 115, "家")]),
    Case("分别 after two subjects named in two groups",
         "接待游客1560万人次、实现旅游收入158亿元,分别增长32.1%和45.6%。",
         coded=[F("tourist_arrivals", "level", 1560, "万人次"), F("tourism_revenue", "level", 158, "亿元"),
                F("tourist_arrivals", "growth", 32.1), F("tourism_revenue", "growth", 45.6)]),
    Case("城乡 with 分别 is urban and rural",
         "城乡居民人均可支配收入分别达到48562元、26310元。",
         coded=[F("urban_disposable_income", "level", 48562, "元"),
                F("rural_disposable_income", "level", 26310, "元")]),
    Case("a shared head joined once", "城镇居民、农村居民人均可支配收入分别增长6%和7.5%。", role="targets",
         coded=[F("urban_disposable_income", "growth", 6), F("rural_disposable_income", "growth", 7.5)]),
    Case("分别 whose values match no subjects leaves the codes null",
         "规上工业增加值、固定资产投资、社会消费品零售总额分别增长8%、6%。",
         uncoded=[F(None, "growth", 8), F(None, "growth", 6)]),
    Case("an infographic line continues the line before it",
         "全县GDP达到426.8亿元\n同比增长7.2%",
         coded=[F("gdp", "level", 426.8, "亿元"), F("gdp", "growth", 7.2)]),
    Case("a bracket inside the subject",
         "细颗粒物(PM2.5)年均浓度为32微克/立方米,下降5.9%。",
         coded=[F("pm25", "level", 32, "微克/立方米"), F("pm25", "growth", -5.9)], absent=[2.5]),
    Case("grain in 亿斤", "粮食总产量1124.8亿斤,连续8年稳定在1100亿斤以上。",
         coded=[F("grain_output", "level", 1124.8, "亿斤"), F("grain_output", "level", 1100, "亿斤", "ge")],
         absent=[8]),
    Case("bulletin wording of the insured", "年末参加基本养老保险人数268.3万人,参加基本医疗保险人数302.1万人。",
         coded=[F("pension_insured", "level", 268.3, "万人"), F("medical_insured", "level", 302.1, "万人")]),
    Case("a bare 总量 keeps the indicator of the clause before",
         "一般公共预算收入增长5.6%、总量超过300亿元。",
         coded=[F("general_budget_revenue", "growth", 5.6), F("general_budget_revenue", "level", 300, "亿元", "gt")]),
    Case("an average over years is not the year's growth; a value's own year sets its period, a starting "
         "point's too",
         "过去五年,全市地区生产总值年均增长6.5%,由2017年的3.2万亿元增加到2022年的4.5万亿元。",
         coded=[F("gdp", "level", 4.5, "万亿元", period=2022), F("gdp", "level", 3.2, "万亿元", period=2017)],
         uncoded=[F(None, "growth", 6.5)]),
    Case("a flow word after a comparison base is a change of the stock",
         "高新技术企业达到1229家,比上年净增289家。",
         coded=[F("high_tech_enterprises", "level", 1229, "家"), F("high_tech_enterprises", "change", 289, "家")]),
    Case("一年 opens a clause without naming a subject; a total after a flow verb is the stock",
         "全县高新技术企业达到126家,一年新认定了38家;科技型中小企业新增152家,累计达到486家。",
         coded=[F("high_tech_enterprises", "level", 126, "家"), F("new_high_tech_enterprises", "level", 38, "家"),
                F("tech_smes", "level", 486, "家")],
         uncoded=[F(None, "level", 152, "家")]),
    Case("城镇中小学 narrows school places without changing the indicator", "新增城镇中小学学位7.6万个。",
         coded=[F("new_school_places", "level", 7.6, "万个")]),
    Case("a zone opening a sentence keeps the later items of its own clause",
         "兰州新区地区生产总值增长15.6%、规模以上工业增加值增长20.1%。",
         uncoded=[F(None, "growth", 15.6), F(None, "growth", 20.1)]),
    Case("a town and a street are parts of the region",
         "其中天荒坪镇接待游客突破800万人次。坂田街道地区生产总值突破1500亿元、增长6.1%。",
         uncoded=[F(None, "level", 800, "万人次", "gt"), F(None, "level", 1500, "亿元", "gt"), F(None, "growth", 6.1)]),
    Case("城镇 and 乡镇 are not towns", "全县城镇新增就业1.2万人,乡镇企业增加值增长5%。",
         coded=[F("new_urban_jobs", "level", 1.2, "万人")]),
    Case("who benefits is not the indicator", "全市新增减税降费68.3亿元,惠及各类市场主体近30万户。",
         uncoded=[F(None, "level", 30, "万户", "approx")]),
    Case("a list item with its own verb of arrival is a stock, not the list's flow",
         "新认定高新技术企业30家以上、科技型中小企业达到550家。", role="targets",
         coded=[F("new_high_tech_enterprises", "level", 30, "家", "ge"), F("tech_smes", "level", 550, "家")]),
    Case("an infographic's arrows and signs", "实际使用外资\n6.1亿美元\n↑21.4%\nPM2.5平均浓度\n≤25微克/立方米",
         coded=[F("foreign_investment", "level", 6.1, "亿美元"), F("foreign_investment", "growth", 21.4),
                F("pm25", "level", 25, "微克/立方米", "le")]),
    Case("一年来 and 过去一年 review the year", "一年来,全市地区生产总值增长5%。过去一年,一般公共预算收入增长6%。",
         coded=[F("gdp", "growth", 5), F("general_budget_revenue", "growth", 6)]),
    Case("a section reviewing several years: its values without a year are of none",
         "累计新增城镇就业60万人以上。", path="贰 过去五年发展回顾",
         uncoded=[F(None, "level", 60, "万人", "ge")]),
    Case("a heading naming a year besides the five years decides nothing",
         "城镇新增就业12万人。", path="一、过去五年和2022年工作回顾",
         coded=[F("new_urban_jobs", "level", 12, "万人")]),
    Case("a label line may end with a verb of arrival (a line wrapped before its value)",
         "全区地区生产总值完成\n4861.8亿元,同比增长5.4%。",
         coded=[F("gdp", "level", 4861.8, "亿元"), F("gdp", "growth", 5.4)]),
    Case("a heading ending with a verb is no label of the list item under it",
         "文旅产业提档突破\n25个项目开工,32个项目投产。", uncoded=[F(None, "level", 25, "个")]),
    Case("a comparison base with its year, or 与上年相比, before a flow word: a change too",
         "高新技术企业达到1229家,较2022年净增289家;科技型中小企业达到800家,与上年相比净增50家。",
         coded=[F("high_tech_enterprises", "level", 1229, "家"), F("high_tech_enterprises", "change", 289, "家"),
                F("tech_smes", "level", 800, "家"), F("tech_smes", "change", 50, "家")]),
    Case("一年来 opens the clause whole; 一年期 is a name",
         "一年来全市地区生产总值增长5%。一年期贷款市场报价利率下降0.1个百分点。",
         coded=[F("gdp", "growth", 5, text="地区生产总值")],
         uncoded=[F(None, "change", -0.1, "pp")]),
    Case("过去1年 and 近一年来 are one year; 近3年 several",
         "过去1年,全市地区生产总值增长5%。近一年来,一般公共预算收入增长6%。近3年,城镇新增就业累计30万人。",
         coded=[F("gdp", "growth", 5), F("general_budget_revenue", "growth", 6)],
         uncoded=[F(None, "level", 30, "万人")]),
    Case("signs before a value: < > ≥", "PM2.5平均浓度<30微克/立方米,城镇新增就业≥8万人,粮食总产量>50万吨。",
         role="targets",
         coded=[F("pm25", "level", 30, "微克/立方米", "lt"), F("new_urban_jobs", "level", 8, "万人", "ge"),
                F("grain_output", "level", 50, "万吨", "gt")]),
    Case("under a five-year review, the nearest heading naming a year decides",
         "全市地区生产总值增长5.5%,城镇新增就业12万人。", path="一、过去五年工作回顾 > (一)2022年主要工作",
         coded=[F("gdp", "growth", 5.5), F("new_urban_jobs", "level", 12, "万人")]),
    Case("under a five-year review, a paragraph opening with a year or 过去一年 is of that year",
         "2022年,全市地区生产总值增长5.5%。一般公共预算收入增长6%。\n过去一年,城镇新增就业12万人。",
         path="一、过去五年工作回顾",
         coded=[F("gdp", "growth", 5.5, period=2022), F("general_budget_revenue", "growth", 6, period=2022),
                F("new_urban_jobs", "level", 12, "万人")]),
    Case("今年 opening a paragraph (or after 报告提出) is the plan year, 去年 the review year, in any section",
         "报告提出,今年全市地区生产总值增长6%左右。\n今年,我们将新认定高新技术企业1000家以上。同时,数字经济核心产业增加值增长10%。"
         "\n去年,全市一般公共预算收入增长5%。",
         coded=[F("gdp", "growth", 6, "%", "approx", status="target", period=2024),
                F("new_high_tech_enterprises", "level", 1000, "家", "ge", status="target", period=2024),
                F("digital_economy_core", "growth", 10, status="target", period=2024),
                F("general_budget_revenue", "growth", 5)]),
    Case("a county of the city, what growth drives, and 要", "其中,正定县一个县就接待游客2860万人次。"
         "经济每增长1个百分点,大约可以带动城镇新增就业1.5万人左右。今年优良天数要达到250天。",
         coded=[F("good_air_days", "level", 250, "天", status="target", period=2024)],
         uncoded=[F(None, "level", 2860, "万人次"), F(None, "level", 1.5, "万人", "approx")]),
    Case("a percent in words; an old name of the budget revenue; 各类 narrows nothing",
         "地方公共财政预算收入145.2亿元,增长百分之二十七点八;全年新登记各类市场主体4.3万户。",
         coded=[F("general_budget_revenue", "level", 145.2, "亿元"), F("general_budget_revenue", "growth", 27.8),
                F("new_market_entities", "level", 4.3, "万户")]),
    Case("a bracket after a value restates it; a city of the province is a part",
         "全年全省粮食总产量7763.1万吨(1552.6亿斤),比上年增长0.5%。哈尔滨市实现地区生产总值5490.1亿元,增长2.0%。",
         coded=[F("grain_output", "level", 7763.1, "万吨"), F("grain_output", "level", 1552.6, "亿斤"),
                F("grain_output", "growth", 0.5)],
         uncoded=[F(None, "level", 5490.1, "亿元"), F(None, "growth", 2.0)]),
    Case("a cause (受…冲击) opens a clause without naming a subject",
         "社会消费品零售总额265.3亿元,受疫情冲击下降1.8%。",
         coded=[F("retail_sales", "level", 265.3, "亿元"), F("retail_sales", "growth", -1.8)]),
    Case("towns in a list with 均", "陈贵镇、灵乡镇一般公共预算收入均突破3亿元。",
         uncoded=[F(None, "level", 3, "亿元", "gt")]),
    Case("a text table: each cell says what its number is",
         "表1 2023年主要经济指标完成情况\n指标 单位 2023年 增长%\n地区生产总值 亿元 812.6 5.1\n"
         "规模以上工业增加值 亿元 — 8.6\n\u3000\u3000其中: 工业投资 亿元 — 21.5\n社会消费品零售总额 亿元 265.3 -1.8\n"
         "居民消费价格指数 % 102.1 —\n城镇新增就业 人 6215 —\n注:增速按可比价计算。",
         coded=[F("gdp", "level", 812.6, "亿元"), F("gdp", "growth", 5.1), F("industrial_value_added", "growth", 8.6),
                F("retail_sales", "level", 265.3, "亿元"), F("retail_sales", "growth", -1.8),
                F("cpi", "growth", 2.1), F("new_urban_jobs", "level", 6215, "人"),
                F("industrial_investment", "growth", 21.5, text="工业投资")]),
    Case("a text table of goals: its year's column and the growth beside it are targets",
         "指标 单位 2024年目标 增长%\n地区生产总值 亿元 870 7左右\n固定资产投资 — — 12以上\n城镇新增就业 人 5000以上 —",
         coded=[F("gdp", "level", 870, "亿元", status="target", period=2024),
                F("gdp", "growth", 7, "%", "approx", status="target", period=2024),
                F("fixed_asset_investment", "growth", 12, "%", "ge", status="target", period=2024),
                F("new_urban_jobs", "level", 5000, "人", "ge", status="target", period=2024)]),
    Case("a text table with thousands separators, % in cells, two years (latest first) and a rate",
         "指标 单位 2023年 2022年 增长%\n地区生产总值 亿元 15,760.34 14,920.75 5.9%\n城镇新增就业 人 12,315 11,002 —\n"
         "常住人口城镇化率 % 65.2 64.4 0.8\n居民消费价格指数(上年=100) % 102.1 101.9 —",
         coded=[F("gdp", "level", 15760.34, "亿元"), F("gdp", "level", 14920.75, "亿元", period=2022),
                F("gdp", "growth", 5.9), F("new_urban_jobs", "level", 12315, "人"),
                F("new_urban_jobs", "level", 11002, "人", period=2022), F("urbanization_rate", "share", 65.2),
                F("urbanization_rate", "share", 64.4, period=2022), F("urbanization_rate", "change", 0.8, "pp"),
                F("cpi", "growth", 2.1), F("cpi", "growth", 1.9, period=2022)]),
    Case("a text table of goals: a range, a sign, a row of words, the unit beside the name",
         "指标 2024年目标 增长%\n地区生产总值(亿元) 870 6.5—7\n固定资产投资 — ≥7\n生态环境 完成省下达任务 —\n"
         "城镇新增就业(万人) 1.2 —", role="targets",
         coded=[F("gdp", "level", 870, "亿元"), F("gdp", "growth", 6.5, "%", "ge"), F("gdp", "growth", 7, "%", "le"),
                F("fixed_asset_investment", "growth", 7, "%", "ge"), F("new_urban_jobs", "level", 1.2, "万人")]),
    Case("percents in words with bounds", "地区生产总值增长百分之十左右,固定资产投资增长百分之七以上。", role="targets",
         coded=[F("gdp", "growth", 10, "%", "approx"), F("fixed_asset_investment", "growth", 7, "%", "ge")]),
    Case("a bracket of words after a value qualifies a noun: no fact",
         "一般公共预算收入5亿元(含)以上的镇街达到8个。建设年产20万吨(一期)聚苯乙烯项目。", absent=[5, 20]),
    Case("设区市 are all the cities: a province's own air figure", "全省设区市空气质量优良天数比例达到80.5%。",
         coded=[F("good_air_days_ratio", "share", 80.5)]),
    Case("no table without a header of table words", "主要指标完成情况如下\n地区生产总值 亿元 812.6 5.1",
         absent=[5.1]),
    Case("a starting point without its own year is no fact", "城镇化率由61.2%提高到63.5%。",
         coded=[F("urbanization_rate", "share", 63.5)], absent=[61.2]),
    Case("five-year totals are not the year's facts",
         "过去五年,累计新增城镇就业52万人,固定资产投资五年累计完成1.8万亿元。",
         uncoded=[F(None, "level", 52, "万人"), F(None, "level", 1.8, "万亿元")]),
    Case("part of the year is not the year", "1—11月,规上工业增加值增长6.2%;前三季度,地区生产总值增长5.1%。",
         uncoded=[F(None, "growth", 6.2), F(None, "growth", 5.1)]),
    Case("a milestone crossed", "经济总量迈上6万亿元台阶,进出口总额突破7000亿元大关。",
         coded=[F("gdp", "level", 6, "万亿元", "ge"), F("foreign_trade", "level", 7000, "亿元", "gt")]),
    Case("a comparison base year is not the subject", "规上工业增加值较2022年增长8%。",
         coded=[F("industrial_value_added", "growth", 8)]),
    Case("a bare head takes the topic of the clause before",
         "规上工业总产值突破2000亿元,增加值增长10.5%;粮食播种面积稳定在100万亩以上、产量达到40万吨。",
         coded=[F("industrial_value_added", "growth", 10.5), F("grain_output", "level", 40, "万吨")],
         uncoded=[F(None, "level", 2000, "亿元", "gt"), F(None, "level", 100, "万亩", "ge")]),
    Case("下降至 arrives at a level", "细颗粒物平均浓度下降至29微克/立方米,优良天数提高至320天。",
         coded=[F("pm25", "level", 29, "微克/立方米"), F("good_air_days", "level", 320, "天")]),
    Case("a zone named after its city is still a part of it", "烟台高新区实际使用外资增长18%。",
         uncoded=[F(None, "growth", 18)]),
    Case("a magnitude written alone", "外贸进出口总额首次突破千亿元,达到1085亿元;地区生产总值迈上五千亿元台阶。",
         coded=[F("foreign_trade", "level", 1000, "亿元", "gt"), F("foreign_trade", "level", 1085, "亿元"),
                F("gdp", "level", 5000, "亿元", "ge")]),
    Case("千亿 respelled as 亿", "海洋生产总值达到1.6千亿元。", coded=[F("marine_gdp", "level", 1600, "亿元")]),
    Case("a basis named in words before the growth",
         "一般公共预算收入960亿元,按自然口径计算下降2.1%,扣除留抵退税因素后增长6.3%。",
         coded=[F("general_budget_revenue", "level", 960, "亿元"), F("general_budget_revenue", "growth", -2.1),
                F("general_budget_revenue", "growth", 6.3)]),
    Case("a share of the carried subject that the dictionary names",
         "税收收入805亿元,占一般公共预算收入的81.2%;研究与试验发展(R&D)经费支出212亿元,相当于地区生产总值的2.9%。",
         coded=[F("tax_share", "share", 81.2), F("rd_expenditure", "level", 212, "亿元"),
                F("rd_intensity", "share", 2.9)]),
    Case("a stretch goal for a named year", "力争到2027年数字经济核心产业增加值突破800亿元。", role="targets",
         coded=[F("digital_economy_core", "level", 800, "亿元", "gt", stretch=True, period=2027)]),
    Case("an infographic caption with the number first", "- 1200家 科技型中小企业\n- 3个 千亿级产业集群",
         coded=[F("tech_smes", "level", 1200, "家")], uncoded=[F(None, "level", 3, "个")]),
    # ---------------------------------------------------------------- not facts
    Case("years, dates and plan-period spans",
         "2023年3月15日,《烟台市国土空间总体规划(2021—2035年)》正式获批。", absent=[2023, 3, 15, 2021, 2035]),
    Case("5G and PM2.5 are names", "新建5G基站1200个,PM2.5治理成效明显。",
         uncoded=[F(None, "level", 1200, "个")], absent=[5, 2.5]),
    Case("version numbers", "发布营商环境7.0版改革方案。", absent=[7]),
    Case("a measure describing a noun", "建成全国首艘15万吨级智能养殖工船,引进年产30万吨乙烯项目。",
         absent=[15, 30]),
    Case("a measure describing a project with 的", "推进总投资320亿元的45个重点项目。", absent=[320],
         uncoded=[F(None, "level", 45, "个")]),
    Case("a threshold in a description", "新签约50亿元以上项目12个。", absent=[50],
         uncoded=[F(None, "level", 12, "个")]),
    Case("inch sizes of a product", "8英寸、12英寸晶圆生产线实现量产。", absent=[8, 12]),
    Case("a footnote's definition reports nothing", "[3] 摘星夺旗考核:包括3个板块17项指标。", absent=[3, 17]),
    Case("footnote markers", "启动“双碳”行动[4],入选试点城市[5]。", absent=[4, 5]),
    Case("numbers in quotes are slogans", "深化“1+3+N”改革,推进“十四五”规划落实。", absent=[1, 3, 14]),
    Case("a subject with no number", "居民人均可支配收入与经济增长同步。", absent=[]),
    Case("a subject on another page", "增长12.2%、11.6%。", absent=[12.2, 11.6]),
    Case("a heading that counts its items is a title", "2025年二十件惠民实事", role="tasks", heading=True,
         absent=[20]),
    Case("a capacity describes a project", "引进年产5万套智能家居项目,建成日处理3000吨的污水处理厂。",
         absent=[5, 3000]),
    Case("a capacity describes the noun after a spaced caption", "- 推动年产 20万辆 新能源整车项目落地",
         role="tasks", absent=[20]),
    # ---------------------------------------------------------------- a clause naming a subject without a value
    Case("a clause naming a subject without a value passes it on",
         "一般公共预算收入完成215亿元;实际使用外资实现恢复性增长,达到9.6亿美元。",
         coded=[F("general_budget_revenue", "level", 215, "亿元"), F("foreign_investment", "level", 9.6, "亿美元")]),
    Case("an uncoded subject without a value still stops the earlier one",
         "规上工业增加值增长6.8%,高技术制造业增加值持续较快增长,增长18.2%。",
         coded=[F("industrial_value_added", "growth", 6.8)], uncoded=[F(None, "growth", 18.2)]),
    Case("a subject after a value of a list, in the same clause",
         "社会消费品零售总额增长7.1%、网络零售额保持两位数增长,达到356亿元。",
         coded=[F("retail_sales", "growth", 7.1)], uncoded=[F(None, "level", 356, "亿元")]),
    Case("a subject in the first clause, its value after a basis clause",
         "全年全区生产总值,按可比价格计算,比上年增长4.9%。", coded=[F("gdp", "growth", 4.9)]),
    Case("a list of subjects without values, then 分别",
         "货物进出口总额、实际使用外资均保持增长,分别增长6.5%、12.3%。",
         coded=[F("foreign_trade", "growth", 6.5), F("foreign_investment", "growth", 12.3)]),
    Case("a two-character adverb before the verb of a clause without a value",
         "实际使用外资明显回升,全年达到6.3亿美元。", coded=[F("foreign_investment", "level", 6.3, "亿美元")]),
    Case("a total after a flow is the stock, not the flow", "新登记经营主体3.1万户,累计达到52万户。",
         coded=[F("new_market_entities", "level", 3.1, "万户")], uncoded=[F(None, "level", 52, "万户")]),
    Case("a clause naming no quantity keeps the subject",
         "一般公共预算收入完成98亿元,财政实力稳步增强,同比增长6.1%。",
         coded=[F("general_budget_revenue", "level", 98, "亿元"), F("general_budget_revenue", "growth", 6.1)]),
    # ---------------------------------------------------------------- verbs, magnitudes, zones, pp
    Case("a verb of change with 至 is one word", "细颗粒物年均浓度回升至31微克/立方米,城镇调查失业率回落到5.1%。",
         coded=[F("pm25", "level", 31, "微克/立方米", text="细颗粒物年均浓度"),
                F("unemployment_rate", "share", 5.1, text="城镇调查失业率")]),
    Case("a magnitude word with a bound and no digit",
         "国家高新技术企业突破千家,新登记市场主体万余户,旅游总收入超百亿元,惠及近百万人。",
         coded=[F("high_tech_enterprises", "level", 1000, "家", "gt"),
                F("new_market_entities", "level", 1, "万户", "gt"),
                F("tourism_revenue", "level", 100, "亿元", "gt")],
         uncoded=[F(None, "level", 100, "万人", "approx")]),
    Case("a magnitude word without a bound is a word",
         "服务走进千家万户,每万人口拥有执业医师36人,万元地区生产总值能耗下降3%。",
         coded=[F("energy_intensity", "growth", -3)], absent=[1, 1000, 10000]),
    Case("a magnitude that starts a unit is the unit", "新建改造管网120千米,新增装机500千瓦。",
         uncoded=[F(None, "level", 120, "公里"), F(None, "level", 500, "千瓦")]),
    Case("zones of every kind keep their rows uncoded",
         "经开区实际使用外资增长16%,自贸试验区进出口总额增长21%,保税港区货物吞吐量增长9%。",
         uncoded=[F(None, "growth", 16), F(None, "growth", 21), F(None, "growth", 9)]),
    Case("a new area is a part of a city", "江北新区地区生产总值增长7.2%。", uncoded=[F(None, "growth", 7.2)]),
    Case("a pp change of a share the dictionary names as a ratio",
         "研发经费支出占地区生产总值的比重提高0.15个百分点。",
         coded=[F("rd_intensity", "change", 0.15, "pp")]),
    Case("a pp change after a growth is a change of the growth rate",
         "规上工业增加值增长7.5%,比上年提高2.1个百分点;海洋生产总值增长9%,增幅回落1.2个百分点。",
         coded=[F("industrial_value_added", "growth", 7.5), F("marine_gdp", "growth", 9)],
         uncoded=[F(None, "change", 2.1, "pp"), F(None, "change", -1.2, "pp")]),
    Case("a year with 至 before the subject is no part of it", "力争至2028年规上工业增加值突破500亿元。",
         role="targets", coded=[F("industrial_value_added", "level", 500, "亿元", "gt", stretch=True, period=2028,
                                  text="规上工业增加值")]),
    Case("增产 is a change of output", "粮食总产量达到86.5万吨,比上年增产2.3万吨。",
         coded=[F("grain_output", "level", 86.5, "万吨"), F("grain_output", "change", 2.3, "万吨")]),
    Case("how long a level held is no part of the subject", "粮食产量已连续六年稳定在80万吨以上。",
         coded=[F("grain_output", "level", 80, "万吨", "ge", text="粮食产量")]),
    Case("openers of prefectures, leagues and counties", "全州生产总值增长6.1%,我县一般公共预算收入增长4.2%。",
         coded=[F("gdp", "growth", 6.1, text="生产总值"), F("general_budget_revenue", "growth", 4.2,
                                                            text="一般公共预算收入")]),
    Case("newly listed companies in other wordings", "新增境内外上市公司4家,总数达到58家。",
         coded=[F("new_listings", "level", 4, "家")], uncoded=[F(None, "level", 58, "家")]),
    # ---------------------------------------------------------------- infographic labels on lines of their own
    Case("a label line, then its value, then its growth",
         "一般公共预算收入\n412.6亿元\n增长3.8%\n实际使用外资\n- 7.9亿美元",
         coded=[F("general_budget_revenue", "level", 412.6, "亿元"), F("general_budget_revenue", "growth", 3.8),
                F("foreign_investment", "level", 7.9, "亿美元")]),
    Case("the value first, then its label",
         "2650亿元\n社会消费品零售总额\n增长6.1%\n约3200万人次\n接待游客\n增长12%",
         coded=[F("retail_sales", "level", 2650, "亿元"), F("retail_sales", "growth", 6.1),
                F("tourist_arrivals", "level", 3200, "万人次", "approx"), F("tourist_arrivals", "growth", 12)]),
    Case("a line that says how things went is no label", "经济总量稳步提升\n2650亿元\n财政实力不断增强\n增长9%",
         absent=[2650, 9]),
    # ---------------------------------------------------------------- a sentence about a zone
    Case("a clause after a zone's figure, without a place of its own, is the zone's too",
         "中新生态城地区生产总值增长6.1%,实现一般公共预算收入52.3亿元;全市一般公共预算收入增长4%。",
         coded=[F("general_budget_revenue", "growth", 4)],
         uncoded=[F(None, "growth", 6.1), F(None, "level", 52.3, "亿元")]),
    Case("a clause naming the whole region again leaves the zone",
         "西部科学城规上工业增加值增长9.2%,全市完成外贸进出口总额860亿元。",
         coded=[F("foreign_trade", "level", 860, "亿元")], uncoded=[F(None, "growth", 9.2)]),
    # ---------------------------------------------------------------- a flow verb shared by a list
    Case("新增 governs every item of the 、 list after it",
         "全年新增学位1.8万个、托位2400个。",
         coded=[F("new_school_places", "level", 1.8, "万个"), F("new_childcare_places", "level", 2400, "个")]),
    Case("an item with its own verb, a bare head or a stock word keeps it",
         "新登记市场主体6.2万户、实有市场主体达到52万户,新开工项目90个、竣工项目60个。",
         coded=[F("new_market_entities", "level", 6.2, "万户"), F("market_entities", "level", 52, "万户")],
         uncoded=[F(None, "level", 60, "个")]),
    # ---------------------------------------------------------------- aliases and longer spellings
    Case("PM2.5 written out with 年平均浓度, and its change in its unit",
         "全市细颗粒物(PM2.5)年平均浓度为29微克/立方米,比上年下降3微克/立方米。",
         coded=[F("pm25", "level", 29, "微克/立方米"), F("pm25", "change", -3, "微克/立方米")]),
    Case("share of 地方 revenue, the share word already written",
         "其中税收收入88.4亿元,占地方一般公共预算收入的比重为71.2%。",
         coded=[F("tax_share", "share", 71.2)], uncoded=[F(None, "level", 88.4, "亿元")]),
    Case("评价入库 ends the subject without changing it",
         "科技型中小企业评价入库达到1250家。",
         coded=[F("tech_smes", "level", 1250, "家")]),
    Case("schools and kindergartens between 新增 and 学位",
         "新增中小学和幼儿园学位2.6万个。",
         coded=[F("new_school_places", "level", 2.6, "万个")]),
    Case("力争 before a flow with a qualifier (境内外) in the subject",
         "力争新增境内外上市企业6家。", role="targets",
         coded=[F("new_listings", "level", 6, "家", stretch=True)]),
    Case("恢复到 arrives at a level",
         "旅游总收入恢复至620亿元。",
         coded=[F("tourism_revenue", "level", 620, "亿元", text="旅游总收入")]),
]


def _sentences(text: str, role: str, path: str = "", heading: bool = False) -> tuple[str, list[Sentence]]:
    sentences, pos = [], 0
    for para, line in enumerate(text.split("\n")):
        start = 0
        for piece in line.split("。"):
            if not piece:
                continue
            chunk = piece + ("。" if start + len(piece) < len(line) else "")
            s = pos + start
            sentences.append(Sentence(len(sentences), para, chunk, s, s + len(chunk), path, role, heading))
            start += len(chunk)
        pos += len(line) + 1
    return text, sentences


def _run(case: Case) -> list[dict]:
    text, sentences = _sentences(case.text, case.role, case.path, case.heading)
    return extract_facts(REPORT, text, sentences)


def _expected(f: F, role: str) -> tuple:
    target = role in ("targets", "tasks")
    status = f.status or ("target" if target else "actual")
    period = f.period or (2024 if target else 2023)
    return (f.code, f.metric, round(f.value, 4), f.unit, f.bound, f.stretch, status, period)


def _got(fact: dict) -> tuple:
    return (fact["indicator_code"], fact["metric"], round(fact["value"], 4), fact["unit"], fact["bound"],
            fact["stretch"], fact["status"], fact["period"])


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_sentence_facts(case: Case) -> None:
    facts = _run(case)
    got_coded = sorted((_got(f) for f in facts if f["indicator_code"]), key=str)
    assert got_coded == sorted((_expected(f, case.role) for f in case.coded), key=str)
    got_uncoded = [_got(f)[1:5] for f in facts if not f["indicator_code"]]
    for f in case.uncoded:
        assert (f.metric, round(f.value, 4), f.unit, f.bound) in got_uncoded
    values = {round(abs(f["value"]), 4) for f in facts}
    for v in case.absent:
        assert round(v, 4) not in values, f"{v} read as a fact"
    texts = {(f["indicator_code"], f["indicator_text"]) for f in facts}
    for f in case.coded:
        if f.text is not None:
            assert (f.code, f.text) in texts, f"{f.code} not read with indicator_text {f.text}: {texts}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_spans_and_evidence(case: Case) -> None:
    """Every fact's span holds its number and the evidence holds the span."""
    text = case.text
    for f in _run(case):
        span = text[f["span_start"]:f["span_end"]]
        assert span and span in f["evidence"]
        assert any(c.isdigit() or c in "一二两三四五六七八九十百千万" for c in span)
        assert set(f) == set(FACT_COLUMNS)
        assert f["indicator_text"]


@pytest.mark.parametrize("layout", [
    "## 2023年回顾\n\n**居民人均可支配收入**\n\n**52310元**\n\n增长5.4%\n\n**城镇新增就业**\n\n**8.2万人**\n",
    "## 2023年回顾\n\n**52310元**\n\n**居民人均可支配收入**\n\n增长5.4%\n\n**8.2万人**\n\n**城镇新增就业**\n",
])
def test_infographic_labels_through_normalize(layout: str) -> None:
    """Labels on lines of their own, in either order, as normalize_report splits them (it makes a
    short bold line a heading)."""
    normalized = normalize_report(layout, "infographic", review_year=2023, plan_year=2024)
    facts = extract_facts(REPORT, normalized.text, normalized.sentences)
    got = sorted((f["indicator_code"], f["metric"], f["value"], f["unit"]) for f in facts)
    assert got == [("disposable_income", "growth", 5.4, "%"), ("disposable_income", "level", 52310.0, "元"),
                   ("new_urban_jobs", "level", 8.2, "万人")]


def test_at_least_sixty_cases() -> None:
    assert len(CASES) >= 60


def test_fact_ids_are_deterministic_and_unique() -> None:
    case = CASES[0]
    first, second = _run(case), _run(case)
    assert [f["fact_id"] for f in first] == [f["fact_id"] for f in second]
    assert len({f["fact_id"] for f in first}) == len(first)


def test_frame_has_the_published_schema() -> None:
    df = frame(_run(CASES[0]))
    assert df.schema == FACT_COLUMNS
    assert frame([]).schema == FACT_COLUMNS


@pytest.mark.parametrize(("region", "text"), [
    ("景德镇市", "2023年景德镇市实现地区生产总值1192.6亿元。"),
    ("镇江市", "全年镇江市地区生产总值增长5.4%。"),
    ("武乡县", "武乡县地区生产总值增长6%。"),
])
def test_the_regions_own_name_is_not_a_town_or_a_county(region: str, text: str) -> None:
    """The town and county patterns (…镇, …乡, …县) would read the report's own name as a part of it."""
    text, sentences = _sentences(text, "review")
    facts = extract_facts({**REPORT, "region": region}, text, sentences)
    assert [f["indicator_code"] for f in facts] == ["gdp"]


def test_towns_counties_and_streets_but_not_words_of_town_and_country() -> None:
    """The part-of-the-region patterns for 镇/乡/县/街道 spare 城镇, 城乡, 乡镇, 乡村, 县域 (the text
    before a dictionary spelling is what they are matched in)."""
    from pipeline.lib.subjects import resolver_for

    resolver = resolver_for("烟台市")
    words = ["全市城镇", "全市城乡", "全县乡镇", "推进美丽乡村", "壮大县域", "全县", "各乡镇", "全市", "新增上市",
             "城市", "超市", "全省设区市", "地级市"]
    parts = ["其中天荒坪镇", "坂田街道", "其中正定县", "蓬莱区大辛店镇", "陈贵镇、灵乡镇", "其中哈尔滨市", "全省各市",
             "省会城市", "烟台市区"]
    assert [w for w in words if resolver._excluded(w, flow=False)] == []
    assert [p for p in parts if not resolver._excluded(p, flow=False)] == []
