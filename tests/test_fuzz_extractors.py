"""Property tests for the normaliser, every extractor and the batch builder: random CJK/ASCII
mixes and mangled digest articles never raise anything but :class:`KGError`, and every
offset stays inside the article text and slices back to the surface string.

The parser's own fuzzing is tests/test_parser_fuzz.py (random text and mangled digests).
Example counts are modest so the file runs in well under 30 s; raise them locally with
``HYPOTHESIS_PROFILE=deep`` (see the profile below).
"""

from __future__ import annotations

import os
import unicodedata
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_parser import LONG, digest

from kg.errors import KGError
from kg.extract import Extractors, extract_article, prefer_longest
from kg.graph import build_batch
from kg.graphmodel import graph_model
from kg.normalize import default_norm, fold, policy_norm, squeeze, strip_title_brackets
from kg.parser import parse_text
from kg.store.rows import prepare
from kg.types import Article, Issue, Section

settings.register_profile("default-kg", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("deep", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FUZZ = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "default-kg"))

WORDS = [
    "国家医保局", "国家医疗保障局", "国家卫生健康委", "卫健委", "药监局", "河北省", "河北", "北京市", "海淀区",
    "浙江", "四川省", "内蒙古自治区兴安盟", "阿托伐他汀钙片", "二甲双胍缓释片", "奥美拉唑", "集采", "第十批",
    "国采", "印发", "发布", "联合印发", "试点", "执行", "中选", "依据", "根据", "修订", "废止", "《", "》",
    "《关于做好医药集中采购工作的通知》", "《基本医疗保险用药管理暂行办法》", "国办发〔2024〕53号", "〔", "〕",
    "2025 年 3 月 5 日", "2025年4月", "4 月 1 日", "今年", "去年", "上月", "近日", "截至", "以来", "一季度",
    "53%", "降幅", "超过90%", "0.06元", "25亿元", "3000 万元", "约180 亿元", "45 个", "六部门", "十四五",
    "。", "，", "、", "；", "：", "“", "”", "（", "）", "(", ")", "-", "—", "——", "~", "至", "\n", " ", "\u3000",
    "\t", "\ufeff", "\x00", "½", "Ⅻ", "①", "ＡＢＣ", "１２３", "DRG", "DIP 2.0", "PD-1", "😀", "𠀀",
]

cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
ascii_ = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
punct = st.sampled_from(list("。，、；：“”《》（）〔〕【】—…%％．·0123456789０１２３４５６７８９年月日号"))
texts = st.lists(
    st.one_of(st.sampled_from(WORDS), st.text(st.one_of(cjk, ascii_, punct), max_size=6),
              st.text(st.characters(codec="utf-8"), max_size=3)),
    max_size=50,
).map("".join)

REAL = digest(("集中采购", "甲文章", "医药经济报", LONG), ("医保改革", "乙文章", "健康报", LONG))
REAL_TEXT = parse_text(REAL, issue_id="r", issue_date="2025-05-01").articles[0].text + "\n" + "\n".join(WORDS)


@st.composite
def mangled(draw: st.DrawFn) -> str:
    """A real article text with slices cut, duplicated, swapped and junk inserted."""
    text = REAL_TEXT
    for _ in range(draw(st.integers(0, 6))):
        if not text:
            break
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 40)))
        op = draw(st.sampled_from(["cut", "dup", "insert", "swap", "truncate"]))
        if op == "cut":
            text = text[:i] + text[j:]
        elif op == "dup":
            text = text[:j] + text[i:j] + text[j:]
        elif op == "insert":
            text = text[:i] + draw(texts) + text[i:]
        elif op == "swap":
            text = text[i:j] + text[:i] + text[j:]
        else:
            text = text[:i]
    return text


def article(text: str, title: str = "题目") -> Article:
    return Article("fz/01", 1, title, "集中采购", "来源", "", 1, 1, text, "fz")


@cache
def extractors() -> dict[str, Any]:
    from kg.extractors import base

    names = [n for n in base.available() if n not in ("relations", "spacy")]
    return {name: base.create(name) for name in names}


@cache
def relation_extractor() -> Any:
    from kg.extractors import base

    return base.create("relations")


# -- normaliser ---------------------------------------------------------------------------------


@FUZZ
@given(texts)
def test_normaliser_never_fails_and_is_stable(text: str) -> None:
    folded = fold(text)
    squeezed = squeeze(text)
    assert isinstance(folded, str) and isinstance(squeezed, str)
    assert not any(ch.isspace() for ch in squeezed)
    if squeezed.isascii() or not any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", squeezed)):
        assert squeeze(squeezed) == squeezed  # a key is a fixed point (see the xfail below otherwise)
    assert policy_norm(text) == squeeze(strip_title_brackets(text))
    for label in graph_model().labels:
        assert isinstance(default_norm(label, text), str)


def test_squeeze_is_a_fixed_point_even_with_spacing_accents() -> None:
    assert squeeze(squeeze("Ⅻ´")) == squeeze("Ⅻ´")  # 'XII\u0301' → 'XIÍ'


# -- extractors ---------------------------------------------------------------------------------


def check_extraction(text: str, issue_date: str | None) -> None:
    from kg.extractors.base import ArticleContext

    a = article(text)
    labels = set(graph_model().labels)
    context = ArticleContext(issue_id="fz", issue_date=issue_date)
    mentions = []
    for name, extractor in extractors().items():
        try:
            result = extractor(a, context)
        except KGError:
            continue
        for m in result.mentions:
            assert m.type in labels, (name, m)
            assert 0 <= m.start <= m.end <= len(text), (name, m)
            assert text[m.start : m.end] == m.text, (name, m)
            assert isinstance(m.norm, str)
        mentions.extend(result.mentions)
    kept = prefer_longest(mentions)
    try:
        relations = relation_extractor().relations(a, kept, context)
    except KGError:
        return
    for r in relations:
        assert 0 <= r.start <= r.end <= len(text), r
        assert r.evidence == text[r.start : r.end].strip(), r
        assert r.type in graph_model().rel_types, r


@FUZZ
@given(texts, st.sampled_from([None, "2025-05-01", "2000-02-29", "2099-12-31"]))
def test_extractors_on_random_text(text: str, issue_date: str | None) -> None:
    check_extraction(text, issue_date)


@FUZZ
@given(mangled(), st.sampled_from([None, "2025-05-01"]))
def test_extractors_on_mangled_articles(text: str, issue_date: str | None) -> None:
    check_extraction(text, issue_date)


# -- the whole way to a store batch ------------------------------------------------------------


@FUZZ
@given(mangled(), texts)
def test_batch_from_fuzzed_article_is_valid_or_a_kg_error(text: str, title: str) -> None:
    a = article(text, title=title)
    issue = Issue("fz", "2025-05-01", "given", (Section("集中采购", 1, (a.id,)),), (a,))
    from kg.extract import default_extractors

    chosen: Extractors = _default()
    assert chosen.names == default_extractors().names
    try:
        batch = build_batch(issue, [(a, extract_article(a, chosen, issue_date=issue.date))])
        prepare(batch)
    except KGError:
        return
    for e in batch.edges:
        if e.props.get("span_start") is not None and e.props.get("span_end") is not None:
            assert 0 <= e.props["span_start"] <= e.props["span_end"] <= len(text), e


@cache
def _default() -> Extractors:
    from kg.extract import default_extractors

    return default_extractors()


@pytest.mark.parametrize("text", ["", " ", "\n", "《", "》《", "〔2025〕", "年月日", "%", "\x00", "\ufeff"])
def test_degenerate_articles(text: str) -> None:
    check_extraction(text, "2025-05-01")
