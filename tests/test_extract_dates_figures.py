"""Date and Figure extractors on hand-written sentences."""

from __future__ import annotations

import pytest
from kg.extractors.dates import DateExtractor
from kg.extractors.figures import FigureExtractor, FigurePatterns


def dates(text: str, issue_date: str | None = "2025-04-20") -> list[tuple[str, str]]:
    return [(m.text, m.norm) for m in DateExtractor().mentions(text, issue_date)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025年3月5日召开", [("2025年3月5日", "2025-03-05")]),
        ("2025 年12 月 31 日前完成", [("2025 年12 月 31 日", "2025-12-31")]),
        ("截至 2024 年底", [("2024 年底", "2024-12")]),
        ("2024 年 8 月 22 日至 25 日", [("2024 年 8 月 22 日至 25 日", "2024-08-22/2024-08-25")]),
        ("2016-2019 年间", [("2016-2019 年", "2016/2019")]),
        ("2025 年第一季度", [("2025 年第一季度", "2025-Q1")]),
        ("2020 年 1 月至 2025 年 5 月", [("2020 年 1 月至 2025 年 5 月", "2020-01/2025-05")]),
        ("去年 11 月，", [("去年 11 月", "2024-11")]),
        ("今年以来", [("今年以来", "2025")]),
        ("近日，", [("近日", "2025-04")]),
        ("上月", [("上月", "2025-03")]),
        ("5 月 19-21 日公示", [("5 月 19-21 日", "2025-05-19/2025-05-21")]),
        ("3 个月内", []),
        ("《2024 年医保基金违法违规问题专项整治工作方案》", []),
    ],
)
def test_dates(text: str, expected: list[tuple[str, str]]) -> None:
    assert dates(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("前三季度累计结算 48 亿元", [("前三季度", "2025-Q1/2025-Q3")]),  # the first three quarters, not Q3
        ("2024 年前三季度", [("2024 年前三季度", "2024-Q1/2024-Q3")]),
        ("今年前两季度", [("今年前两季度", "2025-Q1/2025-Q2")]),
        ("预计明年一季度出台", [("明年一季度", "2026-Q1")]),  # a relative year before a quarter is one span
        ("去年四季度以来", [("去年四季度", "2024-Q4")]),
        ("第三季度", [("第三季度", "2025-Q3")]),
    ],
)
def test_quarters(text: str, expected: list[tuple[str, str]]) -> None:
    assert dates(text) == expected


def test_year_less_date_takes_the_year_stated_before_it() -> None:
    assert dates("2024 年 7 月起试点，12 月 2 日完成")[-1] == ("12 月 2 日", "2024-12-02")
    assert dates("4 月 11 日，江苏省药监局召开会议")[0] == ("4 月 11 日", "2025-04-11")


def test_relative_dates_use_the_issue_date_never_the_clock() -> None:
    assert dates("今年", "2024-11-15") == [("今年", "2024")]
    m = DateExtractor().mentions("去年", None)[0]
    assert m.iso is None and m.relative


def figures(text: str) -> list[tuple[str, float | None, str | None, str | None]]:
    ex = FigureExtractor(FigurePatterns.from_schema())
    return [(m.text, m.value, m.unit, m.qualifier) for m in ex.mentions(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("降幅超98%", [("98%", 98.0, "%", "超")]),
        ("5.7 万个中药批文", [("5.7 万个", 57000.0, "个", None)]),
        ("13亿元", [("13亿元", 1.3e9, "元", None)]),
        ("2100 万人次", [("2100 万人次", 2.1e7, "人次", None)]),
        ("约 1.0 亿元", [("1.0 亿元", 1e8, "元", "约")]),
        ("200 万元以上", [("200 万元", 2e6, "元", "以上")]),
        ("20%~30%", [("20%~30%", 20.0, "%", None)]),
        ("2.6 亿余元", [("2.6 亿余元", 2.6e8, "元", None)]),
        ("0.86 元/支", [("0.86 元/支", 0.86, "元/支", None)]),
        ("超三成", [("三成", 30.0, "%", "超")]),
        ("第十批、第 3 期、2.0 版、国办发〔2024〕53 号、2025 年、4+7", []),
        ("形成合力，完成任务，一成不变", []),
    ],
)
def test_figures(text: str, expected: list[tuple[str, float, str, str | None]]) -> None:
    assert figures(text) == expected


def test_figures_inside_titles_are_skipped() -> None:
    assert figures("《关于 5 个省份试点的通知》覆盖 5 个省份") == [("5 个", 5.0, "个", None)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a year range with 年 on both ends is one span
        ("2015 年至 2022 年，参保人数稳步增长", [("2015 年至 2022 年", "2015/2022")]),
        ("2019年到2021年间", [("2019年到2021年", "2019/2021")]),
        # 年中 is not the middle of the year when 中 starts the next word
        ("2019 年中共中央印发意见", [("2019 年", "2019")]),
        ("2023 年中国医药市场规模扩大", [("2023 年", "2023")]),
        ("一年中有两次调整", []),
        ("预计年中完成验收", [("年中", "2025-06")]),
        # next month resolves against the issue date
        ("下个月开展评估", [("下个月", "2025-05")]),
        ("下月起执行", [("下月", "2025-05")]),
        # 当年 ("that year") refers to a year named elsewhere, not to the issue date
        ("调剂当年的收支缺口", []),
    ],
)
def test_date_ranges_mid_year_and_relative_months(text: str, expected: list[tuple[str, str]]) -> None:
    assert dates(text) == expected


def test_next_month_rolls_over_the_year() -> None:
    assert dates("下个月", "2024-12-10") == [("下个月", "2025-01")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全省有 5000 万人口", [("5000 万人口", 5e7, "人口", None)]),
        ("每人每年缴纳 300 多块钱", [("300 多块钱", 300.0, "块钱", None)]),
        ("申报材料多达 40多页", [("40多页", 40.0, "页", "多达")]),
        ("最快 15 秒完成结算", [("15 秒", 15.0, "秒", None)]),
        ("累计结算 12万笔", [("12万笔", 1.2e5, "笔", None)]),
        ("65 岁以上老人", [("65 岁", 65.0, "岁", "以上")]),
        ("确诊后 3日内完成", [("3日", 3.0, "日", None)]),
        ("财政补助占 1/3 左右", [("1/3", 1 / 3, "", "左右")]),
    ],
)
def test_more_units_ages_durations_and_fractions(text: str, expected: list[tuple[str, float, str, str | None]]) -> None:
    assert figures(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "9日，省医保局召开会议",  # a day of the month, not a duration
        "三项指标分列全国第 2、5、9位",  # later items of an ordinal list
        "DRG/DIP 2.0 分组方案",
        "2024/2025 医保年度",
        "第 3/4 季度",
    ],
)
def test_not_figures(text: str) -> None:
    assert figures(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全文共6章38条", ["6章", "38条"]),  # chapters and articles of a regulation
        ("种植面积稳定在500万亩以上", ["500万亩"]),
        ("新增耕地 1.2 万公顷", ["1.2 万公顷"]),
    ],
)
def test_more_measure_words(text: str, expected: list[str]) -> None:
    assert [t for t, *_ in figures(text)] == expected
