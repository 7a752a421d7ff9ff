"""The extractors' scanning shortcuts find exactly what a plain scan finds.

``extractors/scan.py`` (needed literals, leading literals, start positions, anchor windows) and
the UTF-8 mode of :class:`kg.gazetteer.Matcher` are speed-ups only: every pattern an extractor
scans with a shortcut is compared with ``pattern.finditer(text)`` on random texts made of the
pattern's own words and on the bundled samples, and a wide matcher with a naive search.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import pytest
from conftest import sample_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kg.extractors import dates, figures
from kg.extractors.drug import DrugLexicon
from kg.extractors.figures import FigurePatterns
from kg.extractors.policy import PolicyPatterns
from kg.extractors.region import RegionGazetteer
from kg.extractors.scan import Scan, finditer_at, needed_literals, uses, windows

from kg.gazetteer import Matcher, leftmost_longest
from kg.parser import parse_path
from kg.resources import load_toml

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@cache
def policy() -> PolicyPatterns:
    return PolicyPatterns.from_schema()


@cache
def drug() -> DrugLexicon:
    return DrugLexicon.from_schema()


@cache
def figure() -> FigurePatterns:
    return FigurePatterns.from_schema()


def scans() -> Iterator[tuple[str, Scan, str | None, str]]:
    """(name, scan, how to find start positions, vocabulary) for every shortcut scan of the extractors."""
    p = policy()
    yield "policy:quoted", p.quoted, None, "policy"
    yield "policy:bare", p.bare, None, "policy"
    if p.heading is not None:
        yield "policy:heading", p.heading, None, "policy"
    if p.attachment is not None:
        yield "policy:attachment", p.attachment, None, "policy"
    yield "policy:laws", p.laws, None, "policy"
    if p.named_rules is not None:
        yield "policy:named_rules", p.named_rules, None, "policy"
    for i, report in enumerate(p.reports):
        yield f"policy:report{i}", report, None, "policy"
    for name, _, scan, *_ in p.programmes:
        yield f"policy:{name}", scan, None, "policy"
    for name, scan in dates._COMPILED:
        yield f"dates:{name}", scan, "numbers" if name in dates._FROM_NUMBER else None, "dates"
    yield "dates:relative-quarter", dates._RELATIVE_QUARTER, None, "dates"
    yield "figures:fraction", figures._FRACTION, None, "dates"
    lex = drug()
    assert lex.inn_scan is not None and lex.unknown_scan is not None
    yield "drug:inn", lex.inn_scan, None, "drug"
    yield "drug:unknown", lex.unknown_scan, None, "drug"


SCANS = list(scans())
COMMON = ["，", "。", "、", "；", "“", "”", "《", "》", "(", "（", "）", "\n", " ", "\u3000", "A", "x", "的", "和",
          "中", "国", "药", "\U00020000", "😀"]


def vocabulary(family: str) -> list[str]:
    """Pieces that make a family's patterns match, nearly match, or stop matching."""
    if family == "drug":
        d = load_toml("patterns/drug.toml")
        return [*COMMON, *drug().forms, *d["inn_stems"], *d["salts"], *d["left_words"], *d["stem_stop"][:8],
                *d["class_after"], *d["company_after"][:4], "注射用", "阿", "托", "伐", "二甲", "双胍", "1", "片区"]
    if family == "policy":
        u = load_toml("patterns/policy.toml")["unbracketed"]
        return [*COMMON, *u["laws"], *u.get("named_rules", []), "中华人民共和国", *"规律人院定官典学务治", "关于",
                "做好", "工作", "的通知", "的意见", "的实施方案", "印发", "发布", "了", "政府工作报告", "2024 年",
                "国务院", "党的二十大报告", "第十", "批", "国家组织", "药品", "集中带量采购", "集采", "联盟", "省际",
                "采购", "6", "个", "化学药品", "首批", "试点", "专项行动", "“清源”", "行动", "深化", "开展", "DRG/DIP",
                "2.0", "版", "分组方案", "“十四五”", "规划和", "2035 年远景目标纲要", "计划", "\n", "办公厅", "局",
                "附件", "：", "2", "规范", "(试行)", "京津冀", "“3+N”", "组织开展", "第三"]
    return [*COMMON, *"0123456789", "12", "2025", "2024 ", "年", "月", "日", "号", "份", "底", "末", "初", "中", "旬",
            "上", "下", "半年", "季度", "第", "今年", "去年", "明年", "三", "两", "至", "到", "—", "–", "-", "~", "～",
            "个", ".", "一",
            "二", "四", "以来", "前", "后", "/", "１", "٣"]


cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)


def texts(family: str) -> st.SearchStrategy[str]:
    """The family's words, CJK characters and strings that hypothesis makes to match its patterns."""
    matching = st.one_of([st.from_regex(scan.pattern) for _, scan, _, f in SCANS if f == family])
    piece = st.one_of(st.sampled_from(sorted(set(vocabulary(family)))), st.text(cjk, min_size=1, max_size=2), matching)
    return st.lists(piece, max_size=30).map("".join)


def numbers(text: str) -> list[int]:
    return [m.start() for m in dates._NUMBER.finditer(text) if text[m.start()] in "0123456789"]


def found(scan: Scan, text: str, starts: str | None) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    matches = scan.finditer(text, numbers(text) if starts == "numbers" else None)
    return [(m.span(), m.groupdict()) for m in matches]


def plain(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in pattern.finditer(text)]


def sample_texts() -> list[str]:
    return [a.text for path in sample_files() for a in parse_path(path).articles]


@pytest.mark.parametrize(("name", "scan", "starts", "family"), SCANS, ids=[s[0] for s in SCANS])
def test_scan_matches_the_plain_scan_on_the_samples(name: str, scan: Scan, starts: str | None, family: str) -> None:
    for text in sample_texts():
        assert found(scan, text, starts) == plain(scan.pattern, text), name


@pytest.mark.parametrize("family", ["drug", "policy", "dates"])
def test_every_scan_matches_the_plain_scan(family: str) -> None:
    family_scans = [(name, scan, starts) for name, scan, starts, f in SCANS if f == family]

    @SETTINGS
    @given(text=texts(family))
    def check(text: str) -> None:
        for name, scan, starts in family_scans:
            assert found(scan, text, starts) == plain(scan.pattern, text), name

    check()


def figure_texts() -> st.SearchStrategy[str]:
    raw = load_toml("patterns/figure.toml")
    units = [u for group in raw["units"].values() for u in group]
    numbers = [*"0123456789", "12", "1,000", "3.5", " . ", "１", "٣", *"二三四五六七八九"]
    after = [*units, *raw["multipliers"], "余", "多", "成", "成为", "mg/", "片", "至", "~", "—"]
    other = [*COMMON, "第", "〔", "/", "A", "年", "月"]
    pieces = [st.sampled_from(numbers), st.sampled_from(sorted(set(after))), st.sampled_from(other)]
    return st.lists(st.one_of(pieces), max_size=30).map("".join)


@SETTINGS
@given(text=figure_texts())
def test_figures_tried_at_their_starts_match_the_plain_scan(text: str) -> None:
    p = figure()
    assert p.starts is not None
    fast = finditer_at(p.pattern, text, [m.start() for m in p.starts.finditer(text)])
    assert [(m.span(), m.groupdict()) for m in fast] == plain(p.pattern, text)


# -- the pieces -------------------------------------------------------------------------------


@SETTINGS
@given(text=st.text(st.sampled_from("市委省委党委X"), max_size=30), word=st.sampled_from(["市委", "委委", "X", "", "委"]))
def test_uses_are_the_regex_matches_of_the_word(text: str, word: str) -> None:
    assert list(uses(text, word)) == [m.span() for m in re.finditer(re.escape(word), text)]


@pytest.mark.parametrize(
    ("pattern", "needs", "lead"),
    [
        (r"(?<=印发)关于[^，]{2,9}的通知", ("关于", "的通知"), "关于"),
        (r"(?:(?<=了)|(?<=^))(?P<t>关于.+)", ("关于",), "关于"),
        (r"关于.+", ("关于",), ""),  # re finds a leading literal by itself
        (r"第\d+批(?:集采|国家集采)", ("集采", "批", "第"), ""),
        (r"(?:甲乙|丙)?丁", ("丁",), ""),  # optional parts need nothing
        (r"(?:专项行动|攻坚行动|行动计划)", ("行动",), ""),  # what every alternative holds
        (r"a{2,}b", ("b", "a"), ""),
        (r"(?i)abc", (), ""),
        (r"[ab]c|d", (), ""),
    ],
)
def test_needed_literals(pattern: str, needs: tuple[str, ...], lead: str) -> None:
    got_needs, got_lead = needed_literals(re.compile(pattern))
    assert set(got_needs) == set(needs)
    assert got_lead == lead


def test_a_text_without_a_needed_literal_is_not_scanned() -> None:
    scan = Scan.of(r"(?<![《])(?P<t>关于\w+的通知)")
    assert list(scan.finditer("印发关于做好工作的意见")) == []
    assert [m["t"] for m in scan.finditer("印发关于做好工作的通知")] == ["关于做好工作的通知"]


def test_windows_merge_when_they_overlap_or_touch() -> None:
    assert windows([(10, 12), (3, 4), (14, 15)], 2, 1, 100) == [(1, 5), (8, 16)]
    assert windows([(0, 2), (98, 100)], 5, 5, 100) == [(0, 7), (93, 100)]
    assert windows([], 5, 5, 100) == []


def test_lookbehinds_and_caret_see_the_whole_text_in_a_window() -> None:
    scan = Scan.of(r"(?:(?<=^)|(?<=在))甲乙", anchors=["乙"], before=1)
    assert [m.span() for m in scan.finditer("甲乙，在甲乙，不甲乙")] == [(0, 2), (4, 6)]


# -- Matcher over UTF-8 -------------------------------------------------------------------------


@cache
def region_matcher() -> Matcher:
    return RegionGazetteer.from_schema().matcher


def naive(words: list[str], text: str) -> list[tuple[int, int, str]]:
    out = []
    for w in words:
        i = text.find(w)
        while i >= 0:
            out.append((i, i + len(w), w))
            i = text.find(w, i + 1)
    return sorted(out, key=lambda h: (h[1], h[0]))


REGION_WORDS = ["北京", "北京市", "京津冀", "海淀区", "东城区", "河北", "河北省", "宁波", "和县", "朝阳区"]
odd = st.sampled_from(["\x00", "\ud800", "\U0001F600", "𠀀", "é", "ä", "\n", "A"])
region_texts = st.lists(st.one_of(st.sampled_from(REGION_WORDS), st.text(cjk, max_size=3), odd),
                        max_size=30).map("".join)


@SETTINGS
@given(text=region_texts)
def test_a_wide_matcher_finds_what_a_naive_search_finds(text: str) -> None:
    m = region_matcher()
    assert m._bytes  # the region gazetteer starts with hundreds of characters: the UTF-8 automaton
    hits = [(s, e, w) for s, e, w, _ in m.hits(text)]
    assert sorted(hits) == sorted(naive(list(m._payloads), text))
    assert [e for _, e, _ in hits] == sorted(e for _, e, _ in hits)  # in the order of their ends


@SETTINGS
@given(text=region_texts)
def test_narrow_and_wide_matchers_agree(text: str) -> None:
    entries = [(w, w) for w in REGION_WORDS]
    narrow = Matcher(entries)
    wide = Matcher([*entries, *((chr(0x4E00 + i) + "某", "x") for i in range(200))])
    assert not narrow._bytes and wide._bytes
    keep = set(REGION_WORDS)
    assert [h[:3] for h in wide.hits(text) if h[2] in keep] == [h[:3] for h in narrow.hits(text)]
    assert [h[:3] for h in leftmost_longest(h for h in wide.hits(text) if h[2] in keep)] == \
        [h[:3] for h in narrow.find_longest(text)]
