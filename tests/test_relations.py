"""Relation extractor on hand-written sentences (positive and negative) and policy identity."""

from __future__ import annotations

import pytest

from kg.extract import prefer_longest
from kg.extractors.base import ArticleContext
from kg.extractors.dates import DateExtractor
from kg.extractors.figures import FigureExtractor, FigurePatterns
from kg.extractors.policy import PolicyExtractor, PolicyPatterns
from kg.extractors.relations import RelationExtractor, RelationPatterns, sentences
from kg.resolve import policy_key
from kg.types import Article, Mention

AGENCIES = ["国家医保局", "国家卫生健康委", "财政部", "国务院办公厅", "浙江省医保局", "国家药监局"]
REGIONS = ["浙江", "广西", "杭州市", "四川"]
DRUGS = ["阿托伐他汀钙片", "二甲双胍缓释片"]


def spot(text: str, names: list[str], etype: str) -> list[Mention]:
    out = []
    for name in names:
        i = text.find(name)
        while i >= 0:
            out.append(Mention(etype, name, name, i, i + len(name)))
            i = text.find(name, i + 1)
    return out


def rels(text: str) -> set[tuple[str, str, str]]:
    mentions = PolicyExtractor(PolicyPatterns.from_schema()).mentions(text)
    mentions += FigureExtractor(FigurePatterns.from_schema()).mentions(text) + DateExtractor().mentions(text, "2025-05-01")
    mentions += spot(text, AGENCIES, "Agency") + spot(text, REGIONS, "Region") + spot(text, DRUGS, "Drug")
    article = Article("t/01", 1, "", "", "", "", None, None, text)
    found = RelationExtractor(RelationPatterns.from_schema()).relations(article, prefer_longest(mentions), ArticleContext())
    for r in found:
        assert text[r.start : r.end].strip() == r.evidence
        assert r.rule.startswith("relation:")
    return {(r.type, r.head, r.tail) for r in found}


def test_sentences_split_on_chinese_punctuation() -> None:
    text = "第一句。第二句；第三句！\n第四句"
    assert [text[s:e] for s, e in sentences(text)] == ["第一句。", "第二句；", "第三句！", "第四句"]


def test_joint_issuers_give_one_edge_each() -> None:
    got = rels("2025 年 3 月，国家医保局、国家卫生健康委和财政部联合印发《关于推进X的通知》。")
    assert got == {("ISSUED", a, "关于推进X的通知") for a in ("国家医保局", "国家卫生健康委", "财政部")}


def test_relative_clause_and_elided_subject() -> None:
    got = rels("国务院办公厅近日印发了《关于Y的意见》，并印发《关于Z的通知》。国家药监局发布的《关于Q的公告》明确")
    assert ("ISSUED", "国务院办公厅", "关于Y的意见") in got
    assert ("ISSUED", "国务院办公厅", "关于Z的通知") in got
    assert ("ISSUED", "国家药监局", "关于Q的公告") in got


@pytest.mark.parametrize(
    "text",
    [
        "《健康时报》发布《关于X的通知》解读文章。",  # a newspaper is not an agency
        "国家医保局就《关于U的通知》公开征求意见。",  # consultation, not issuance
        "国家医保局表示，各地要学习《关于U的通知》。",  # no issuing verb
    ],
)
def test_not_issued(text: str) -> None:
    assert not {r for r in rels(text) if r[0] == "ISSUED"}


def test_pilots_in() -> None:
    got = rels("国家医保局在浙江、广西开展《关于推进X的通知》试点工作。")
    assert {("PILOTS_IN", "关于推进X的通知", "浙江"), ("PILOTS_IN", "关于推进X的通知", "广西")} <= got
    assert not {r for r in rels("国家医保局在浙江召开会议。") if r[0] == "PILOTS_IN"}


def test_implements() -> None:
    got = rels("浙江省医保局全面落地第十一批国采。")
    assert ("IMPLEMENTS", "浙江省医保局", "第十一批国家组织药品集中带量采购") in got
    got = rels("第十一批国采在四川率先落地。")
    assert ("IMPLEMENTS", "四川", "第十一批国家组织药品集中带量采购") in got


def test_selected_in_with_price_cut() -> None:
    text = "第十一批国采结果公布。阿托伐他汀钙片、二甲双胍缓释片等 45 个药品中选，平均降幅 56%。"
    got = rels(text)
    assert ("SELECTED_IN", "阿托伐他汀钙片", "第十一批国家组织药品集中带量采购") in got
    assert ("SELECTED_IN", "二甲双胍缓释片", "第十一批国家组织药品集中带量采购") in got
    assert not {r for r in rels("阿托伐他汀钙片价格下降。") if r[0] == "SELECTED_IN"}


def test_based_on_amends_repeals() -> None:
    got = rels("根据《关于Y的意见》，国家医保局制定《关于W的办法》。")
    assert ("BASED_ON", "关于W的办法", "关于Y的意见") in got
    got = rels("《关于W的办法》对《关于V的办法》进行了修订。")
    assert ("AMENDS", "关于W的办法", "关于V的办法") in got
    got = rels("《关于W的办法》自发布之日起施行，《关于V的办法》同时废止。")
    assert ("REPEALS", "关于W的办法", "关于V的办法") in got
    assert not {r for r in rels("《关于V的办法》仍然有效。") if r[0] == "REPEALS"}


# --- policy identity ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("《国务院办公厅关于全面深化医药集中带量采购改革的意见》", "《关于全面深化医药集中带量采购改革的意见》"),
        ("《关于全面深化医药集中带量采购 改革的意见》", "关于全面深化医药集中带量采购改革的意见"),
        ("《中共中央 国务院关于深化医疗保障制度改革的意见》", "《关于深化医疗保障制度改革的意见》"),
        ("《新一代人工智能发展规划》", "《新一代 AI发展规划》"),
        ("进一步全面深化改革、推进中国式现代化的决定", "进一步全面深化改革 推进中国式现代化的决定"),
        ("《关于Ｘ的通知（试行）》", "《关于X的通知(试行)》"),
    ],
)
def test_same_document_same_key(a: str, b: str) -> None:
    assert policy_key(a).key == policy_key(b).key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("《“十四五”全民医疗保障规划》", "《“十四五”国民健康规划》"),  # a shared prefix is not identity
        ("医保发〔2024〕8号通知", "医保办发〔2024〕8号通知"),
        ("《药品管理法》", "《药品管理法实施条例》"),
    ],
)
def test_different_documents_stay_apart(a: str, b: str) -> None:
    assert policy_key(a).key != policy_key(b).key


def test_draft_is_linked_not_merged() -> None:
    draft = policy_key("《医疗保障基金智能监管规则库管理办法(征求意见稿)》")
    final = policy_key("《医疗保障基金智能监管规则库管理办法》")
    assert draft.draft and draft.key != final.key
    assert draft.final_key == final.key
    assert "draft" in draft.rules


def test_merge_rules_are_recorded() -> None:
    assert "issuer-prefix" in policy_key("国务院办公厅关于X的意见").rules
    assert "ai-alias" in policy_key("新一代人工智能发展规划").rules
    assert policy_key("关于X的意见").rules == ()
