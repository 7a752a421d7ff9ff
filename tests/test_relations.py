"""Relation extractor on hand-written sentences (positive and negative) and policy identity."""

from __future__ import annotations

import pytest
from kg.extractors.base import ArticleContext
from kg.extractors.dates import DateExtractor
from kg.extractors.figures import FigureExtractor, FigurePatterns
from kg.extractors.policy import PolicyExtractor, PolicyPatterns
from kg.extractors.relations import RelationExtractor, RelationPatterns, sentences

from kg.extract import prefer_longest
from kg.resolve import policy_key
from kg.types import Article, Mention, Relation

AGENCIES = [
    "国家医保局",
    "国家卫生健康委",
    "财政部",
    "国务院办公厅",
    "国务院",
    "中共中央",
    "浙江省医保局",
    "国家药监局",
    "杭州市医保局",
    "中央全面深化改革委员会",
    "广西壮族自治区医保局",
]
REGIONS = ["浙江", "广西", "杭州市", "四川", "宁波市"]
DRUGS = ["阿托伐他汀钙片", "二甲双胍缓释片", "奥美拉唑肠溶胶囊"]
X = "第十一批国家组织药品集中带量采购"  # the norm of 第十一批国采


def spot(text: str, names: list[str], etype: str) -> list[Mention]:
    out = []
    for name in names:
        i = text.find(name)
        while i >= 0:
            out.append(Mention(etype, name, name, i, i + len(name)))
            i = text.find(name, i + 1)
    return out


def found(text: str) -> list[Relation]:
    mentions = PolicyExtractor(PolicyPatterns.from_schema()).mentions(text)
    mentions += FigureExtractor(FigurePatterns.from_schema()).mentions(text) + DateExtractor().mentions(
        text, "2025-05-01"
    )
    mentions += spot(text, AGENCIES, "Agency") + spot(text, REGIONS, "Region") + spot(text, DRUGS, "Drug")
    article = Article("t/01", 1, "", "", "", "", None, None, text)
    out = RelationExtractor(RelationPatterns.from_schema()).relations(
        article, prefer_longest(mentions), ArticleContext()
    )
    for r in out:
        assert text[r.start : r.end].strip() == r.evidence
        assert r.rule.startswith("relation:")
    return out


def rels(text: str, rtype: str | None = None) -> set[tuple[str, str, str]]:
    return {(r.type, r.head, r.tail) for r in found(text) if rtype is None or r.type == rtype}


def test_sentences_split_on_chinese_punctuation() -> None:
    text = "第一句。第二句；第三句！\n第四句"
    assert [text[s:e] for s, e in sentences(text)] == ["第一句。", "第二句；", "第三句！", "第四句"]


# --- 发布 ISSUED ----------------------------------------------------------------------------


def test_joint_issuers_give_one_edge_each() -> None:
    got = rels("2025 年 3 月，国家医保局、国家卫生健康委和财政部联合印发《关于推进X的通知》。")
    assert got == {("ISSUED", a, "关于推进X的通知") for a in ("国家医保局", "国家卫生健康委", "财政部")}


def test_relative_clause_and_elided_subject() -> None:
    got = rels("国务院办公厅近日印发了《关于Y的意见》，并印发《关于Z的通知》。国家药监局发布的《关于Q的公告》明确")
    assert ("ISSUED", "国务院办公厅", "关于Y的意见") in got
    assert ("ISSUED", "国务院办公厅", "关于Z的通知") in got
    assert ("ISSUED", "国家药监局", "关于Q的公告") in got


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # collective issuer: 等八部门 adds no agency of its own; the 文号 after the title is fine
        (
            "国家医保局、国家卫生健康委等八部门近日联合印发了《关于开展甲试点的通知》(医保发〔2025〕12号)。",
            {("国家医保局", "关于开展甲试点的通知"), ("国家卫生健康委", "关于开展甲试点的通知")},
        ),
        # 会同 joins the subject group
        (
            "财政部会同国家卫生健康委制定《乙资金管理办法》。",
            {("财政部", "乙资金管理办法"), ("国家卫生健康委", "乙资金管理办法")},
        ),
        # a clause of its own before the verb (经…同意) is not the subject
        ("经国务院同意，国务院办公厅印发《关于丙的意见》。", {("国务院办公厅", "关于丙的意见")}),
        # elided subject carried from the clause before
        ("国家医保局召开新闻发布会，发布《丁工作方案》。", {("国家医保局", "丁工作方案")}),
        ("国家药监局近日召开专题会议，随后印发《戊监督管理办法》。", {("国家药监局", "戊监督管理办法")}),
        # a meeting of the agency adopts the document
        (
            "11 月 4 日，由主要负责同志主持召开的中央全面深化改革委员会第五次会议，审议通过了《关于己的方案》。",
            {("中央全面深化改革委员会", "关于己的方案")},
        ),
        # two titles issued together, written without a separator
        (
            "杭州市医保局先后出台《庚实施方案》《辛实施细则》等文件。",
            {("杭州市医保局", "庚实施方案"), ("杭州市医保局", "辛实施细则")},
        ),
        # passive
        ("《关于壬的通知》由浙江省医保局印发。", {("浙江省医保局", "关于壬的通知")}),
        # the issuer written right before the title (possessive), alone or as a group
        ("2025 年国务院《政府工作报告》提出，要优化集采政策。", {("国务院", "政府工作报告")}),
        (
            "中共中央、国务院在《关于癸的意见》中提出，要健全待遇保障机制。",
            {("中共中央", "关于癸的意见"), ("国务院", "关于癸的意见")},
        ),
        ("浙江省医保局转发国家医保局《关于子的通知》。", {("国家医保局", "关于子的通知")}),
        # publishing a draft is issuing the draft (its own Policy node)
        ("国家医保局发布《丑管理办法(征求意见稿)》。", {("国家医保局", "丑管理办法(征求意见稿)")}),
    ],
)
def test_issued(text: str, expected: set[tuple[str, str]]) -> None:
    assert {(h, t) for _, h, t in rels(text, "ISSUED")} == expected


@pytest.mark.parametrize(
    "text",
    [
        "《健康时报》发布《关于X的通知》解读文章。",  # a newspaper is not an agency
        "国家医保局就《关于U的通知》公开征求意见。",  # consultation, not issuance
        "国家医保局公开征求《关于U的办法(征求意见稿)》意见。",  # consultation on a draft
        "国家医保局发布关于公开征求《关于U的办法》意见的公告。",  # the notice about the consultation
        "国家医保局就《关于U的办法(征求意见稿)》向社会征求意见。",
        "国家医保局表示，各地要学习《关于U的通知》。",  # no issuing verb
        "国家医保局召开会议。会议印发《关于U的通知》。",  # across a sentence boundary
        "国家医保局发布通知，明确《关于U的通知》继续有效。",  # the title is not the verb's object
        "浙江印发《关于U的通知》。",  # a region is not an issuer
        "国家医保局通过《关于U的通知》规范了挂网行为。",  # 通过 = by means of
        "国家医保局指出，《关于U的通知》印发以来成效明显。",  # no issuer before the verb
        "国家医保局拟发布《关于U的通知》。",  # announced, not issued
    ],
)
def test_not_issued(text: str) -> None:
    assert not rels(text, "ISSUED")


# --- 试点 PILOTS_IN -------------------------------------------------------------------------


def test_pilots_in() -> None:
    got = rels("国家医保局在浙江、广西开展《关于推进X的通知》试点工作。")
    assert {("PILOTS_IN", "关于推进X的通知", "浙江"), ("PILOTS_IN", "关于推进X的通知", "广西")} <= got
    assert not rels("国家医保局在浙江召开会议。", "PILOTS_IN")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("国家医保局在浙江、广西开展药品追溯码采集应用试点。", {("国家医保局", "浙江"), ("国家医保局", "广西")}),
        (
            "浙江省医保局选取杭州市、宁波市作为长期护理保险试点地区。",
            {("浙江省医保局", "杭州市"), ("浙江省医保局", "宁波市")},
        ),
        (
            "国家医保局发布《关于开展智能监管改革试点的通知》，确定浙江等地为首批试点省份。",
            {("关于开展智能监管改革试点的通知", "浙江")},
        ),
    ],
)
def test_pilots(text: str, expected: set[tuple[str, str]]) -> None:
    assert {(h, t) for _, h, t in rels(text, "PILOTS_IN")} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # only the clause of the trigger: 杭州市 is supported, the pilot runs in 宁波市
        (
            "《关于推进X的通知》明确支持杭州市打造示范区，在宁波市开展生态种植试点。",
            {("关于推进X的通知", "宁波市")},
        ),
        # a chain names one place: the pilot is in the county, not in its province
        ("国家医保局在浙江宁波市开展试点。", {("国家医保局", "宁波市")}),
    ],
)
def test_pilots_clause_and_chain(text: str, expected: set[tuple[str, str]]) -> None:
    assert {(h, t) for _, h, t in rels(text, "PILOTS_IN")} == expected


@pytest.mark.parametrize(
    "text",
    [
        "国家医保局发布《关于开展智能监管改革试点的通知》，浙江省医保局随即转发。",  # 试点 only inside the title
        "浙江将不再试点该项政策，国家医保局已同意。",  # a pilot stopped
        "国家医保局在广西召开座谈会。浙江的试点已经结束。",  # agency and pilot region in different sentences
        "杭州市医保局总结了试点经验。",  # the region is inside the agency's name
    ],
)
def test_not_pilots(text: str) -> None:
    assert not rels(text, "PILOTS_IN")


# --- 执行 IMPLEMENTS ------------------------------------------------------------------------


def test_implements() -> None:
    got = rels("浙江省医保局全面落地第十一批国采。")
    assert ("IMPLEMENTS", "浙江省医保局", X) in got
    got = rels("第十一批国采在四川率先落地。")
    assert ("IMPLEMENTS", "四川", X) in got


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "自 2025 年 1 月 1 日起，杭州市全面执行《浙江省医疗服务价格项目规范》。",
            {("杭州市", "浙江省医疗服务价格项目规范")},
        ),
        ("第十一批国采在广西、四川落地执行。", {("广西", X), ("四川", X)}),
        # launching a named campaign or batch (开展/部署/启动 only with programmes)
        ("浙江部署开展医保基金“蓝盾”专项行动。", {("浙江", "“蓝盾”专项行动")}),
        ("杭州市医保局召开第十一批国采落地执行工作部署会。", {("杭州市医保局", X)}),
        ("浙江省医保局召开全省医保工作会议，部署推进第十一批国采落地工作。", {("浙江省医保局", X)}),
        # the main clause's subject implements what the purpose clause names
        (
            "为深入贯彻落实《关于甲的意见》，推动改革落地见效，近日，浙江省医保局召开专题会议。",
            {("浙江省医保局", "关于甲的意见")},
        ),
        ("浙江省医保局认真贯彻执行《关于乙的通知》。", {("浙江省医保局", "关于乙的通知")}),
    ],
)
def test_implements_forms(text: str, expected: set[tuple[str, str]]) -> None:
    assert {(h, t) for _, h, t in rels(text, "IMPLEMENTS")} == expected


@pytest.mark.parametrize(
    "text",
    [
        "各地不再执行《关于V的办法》，浙江省医保局已发文。",  # 不再执行 is a repeal, not an implementation
        "浙江省医保局决定暂停执行《关于V的办法》。",
        "国家医保局要求各地认真落实《关于V的意见》。",  # the agency makes others act
        "杭州市医保局印发《浙江省医疗服务价格项目实施方案》。",  # 实施 inside a title is no trigger
        "浙江省医保局召开会议。第十一批国采随后落地。",  # across a sentence boundary
        "浙江省医保局开展《关于V的办法》政策解读。",  # 开展 with a document (not a programme)
        "国家医保局在浙江召开医保基金“蓝盾”专项行动经验交流会。",  # a meeting that deploys nothing
        "为贯彻落实《关于V的意见》，浙江省医保局印发《关于W的通知》。",  # issuing a follow-up: BASED_ON instead
    ],
)
def test_not_implements(text: str) -> None:
    assert not rels(text, "IMPLEMENTS")


# --- 中选 SELECTED_IN -----------------------------------------------------------------------


def test_selected_in_with_price_cut() -> None:
    text = "第十一批国采结果公布。阿托伐他汀钙片、二甲双胍缓释片等 45 个药品中选，平均降幅 56%。"
    got = rels(text)
    assert ("SELECTED_IN", "阿托伐他汀钙片", X) in got
    assert ("SELECTED_IN", "二甲双胍缓释片", X) in got
    assert not rels("阿托伐他汀钙片价格下降。", "SELECTED_IN")


def _selected(text: str) -> dict[str, dict[str, str]]:
    return {r.head: dict(r.props) for r in found(text) if r.type == "SELECTED_IN" and r.tail == X}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第十一批国采拟中选结果公示，阿托伐他汀钙片拟中选，降幅达 72%。", {"阿托伐他汀钙片": {"price_cut": "72%"}}),
        (
            "第十一批国采中，阿托伐他汀钙片中选价格从 12.5 元/片降至 0.35 元/片，降幅 97.2%。",
            {"阿托伐他汀钙片": {"price": "0.35元/片", "price_cut": "97.2%"}},
        ),
        ("在第十一批国采中，奥美拉唑肠溶胶囊以 0.2 元/粒的价格中选。", {"奥美拉唑肠溶胶囊": {"price": "0.2元/粒"}}),
        (
            "第十一批国采中，二甲双胍缓释片单支价格从 13220 元/125mg/瓶降至 6166 元/125mg/瓶，"
            "最高降幅超过 53.4%，顺利中选。",
            {"二甲双胍缓释片": {"price": "6166元/125mg/瓶", "price_cut": "53.4%"}},
        ),
        # the procurement named in the sentence before
        ("第十一批国采开标。奥美拉唑肠溶胶囊拟中选。", {"奥美拉唑肠溶胶囊": {}}),
        # one drug wins, the other does not
        ("第十一批国采结果公布。阿托伐他汀钙片未中选，二甲双胍缓释片中选。", {"二甲双胍缓释片": {}}),
    ],
)
def test_selected_in_props(text: str, expected: dict[str, dict[str, str]]) -> None:
    assert _selected(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "第十一批国采中，阿托伐他汀钙片未中选。",
        "第十一批国采中，阿托伐他汀钙片落选，降幅 0%。",
        "阿托伐他汀钙片在多省中选，价格降至 0.3 元/片。",  # no procurement named
        "阿托伐他汀钙片非中选产品挂网价不得高于中选价 1.5 倍。",  # no procurement, negated
    ],
)
def test_not_selected(text: str) -> None:
    assert not rels(text, "SELECTED_IN")


# --- 依据 BASED_ON, 修订 AMENDS, 废止 REPEALS -------------------------------------------------


def test_based_on_amends_repeals() -> None:
    got = rels("根据《关于Y的意见》，国家医保局制定《关于W的办法》。")
    assert ("BASED_ON", "关于W的办法", "关于Y的意见") in got
    got = rels("《关于W的办法》对《关于V的办法》进行了修订。")
    assert ("AMENDS", "关于W的办法", "关于V的办法") in got
    got = rels("《关于W的办法》自发布之日起施行，《关于V的办法》同时废止。")
    assert ("REPEALS", "关于W的办法", "关于V的办法") in got
    assert not rels("《关于V的办法》仍然有效。", "REPEALS")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "根据《关于Y的意见》和《关于V的办法》，浙江省医保局制定了《关于W的实施细则》。",
            {("关于W的实施细则", "关于Y的意见"), ("关于W的实施细则", "关于V的办法")},
        ),
        ("《关于W的实施细则》依据《关于Y的意见》制定。", {("关于W的实施细则", "关于Y的意见")}),
        (
            "为贯彻落实《关于Y的意见》(国办发〔2024〕53号)，浙江省医保局印发《关于W的通知》。",
            {("关于W的通知", "关于Y的意见")},
        ),
        (
            "按照国务院办公厅《关于Y的意见》要求，浙江省医保局研究制定了《关于W的方案》。",
            {("关于W的方案", "关于Y的意见")},
        ),
    ],
)
def test_based_on(text: str, expected: set[tuple[str, str]]) -> None:
    assert {(h, t) for _, h, t in rels(text, "BASED_ON")} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the text is the document under its heading line: 现就…通知如下 / 本办法
        (
            "国务院办公厅关于推进W的通知\n国办发〔2025〕18号\n根据《关于Y的意见》和《药品管理法》，现就有关事项通知如下。",
            {("关于推进W的通知", "关于Y的意见"), ("关于推进W的通知", "药品管理法")},
        ),
        (
            "浙江省医保局关于印发X的办法\n依据《关于Y的意见》，制定本办法。",
            {("关于印发X的办法", "关于Y的意见")},
        ),
        # a procurement batch carried out according to a plan
        (
            "根据《关于Y的方案》，浙江省医保局组织开展第十一批国家组织药品集中带量采购。",
            {(X, "关于Y的方案")},
        ),
        # 《W》是落实《Y》的具体举措
        (
            "《关于W的方案》是落实《关于Y的意见》和《中医药法》的具体举措。",
            {("关于W的方案", "关于Y的意见"), ("关于W的方案", "中医药法")},
        ),
    ],
)
def test_based_on_self_programme_and_measure(text: str, expected: set[tuple[str, str]]) -> None:
    assert {(h, t) for _, h, t in rels(text, "BASED_ON")} == expected


@pytest.mark.parametrize(
    "text",
    [
        "根据《个人信息保护法》和《数据安全法》，医疗机构必须取得患者授权。",  # two bases, nothing made
        "根据《关于Y的意见》，各地要加快工作进度。《关于W的通知》随后印发。",  # made in another sentence
        "《关于W的通知》明确，根据《关于Y的意见》的要求推进改革。",  # W is not made according to Y
        "根据《关于Y的意见》，现就有关事项通知如下。",  # the text itself, but no heading names it
        "为贯彻落实《关于Y的意见》要求，结合我市实际，制定本办法。",  # 本办法 without a heading
    ],
)
def test_not_based_on(text: str) -> None:
    assert not rels(text, "BASED_ON")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("《关于W的办法》对《关于V的办法》的部分条款进行了修改。", {("关于W的办法", "关于V的办法")}),
        ("《关于W的决定》修正了《关于V的办法》。", {("关于W的决定", "关于V的办法")}),
        ("《关于W的办法》是在《关于V的办法》的基础上修订而成的。", {("关于W的办法", "关于V的办法")}),
        ("《关于W的办法》对2019年印发的《关于V的办法》进行了全面修订。", {("关于W的办法", "关于V的办法")}),
        # 对《B》…修订 opens a later clause; A leads the sentence
        (
            "《关于W的方案》是落实《关于Y的意见》的举措，对2021年出台的《关于V的规划》部分指标进行了修订。",
            {("关于W的方案", "关于V的规划")},
        ),
    ],
)
def test_amends(text: str, expected: set[tuple[str, str]]) -> None:
    assert {(h, t) for _, h, t in rels(text, "AMENDS")} == expected


@pytest.mark.parametrize(
    "text",
    [
        # a versioned law, not A amends B
        "2021 年修订的《药品管理法》取消了地方文号，2022 年国家药监局发布《关于V的通知》。",
        "《关于W的办法》印发后，国家医保局将适时修订《关于V的办法》。",  # no A-对-B form: future work by an agency
        "《关于W的办法》和《关于V的办法》都需要修订。",
        "据介绍，国家医保局对《关于V的办法》进行了修订。",  # the clause's subject is an agency, not a title
    ],
)
def test_not_amends(text: str) -> None:
    assert not rels(text, "AMENDS")


def test_repeals_by_the_text_itself() -> None:
    text = ("国务院办公厅关于推进W的通知\n为推进改革，根据《关于Y的意见》，现就有关事项通知如下。\n"
            "各地要落实《关于Z的意见》。本通知自印发之日起施行。《关于V的意见》（国办发〔2015〕70号）同时废止。")
    assert rels(text, "REPEALS") == {("REPEALS", "关于推进W的通知", "关于V的意见")}  # not Z, the title before


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "《关于W的办法》自 2025 年 3 月 1 日起施行，《关于V的办法》(浙医保发〔2020〕3号)同时废止。",
            {("关于W的办法", "关于V的办法")},
        ),
        (
            "《关于W的办法》施行后，《关于V的办法》和《关于U的规定》不再执行。",
            {("关于W的办法", "关于V的办法"), ("关于W的办法", "关于U的规定")},
        ),
        ("《关于W的办法》自发布之日起施行，同时废止《关于V的办法》。", {("关于W的办法", "关于V的办法")}),
    ],
)
def test_repeals(text: str, expected: set[tuple[str, str]]) -> None:
    assert {(h, t) for _, h, t in rels(text, "REPEALS")} == expected
    assert not rels(text, "IMPLEMENTS")


@pytest.mark.parametrize(
    "text",
    [
        "《关于V的办法》仍然有效。",
        "专家建议废止《关于V的办法》，《关于W的办法》应予保留。",  # a proposal is not a repeal
        "《关于W的办法》是否废止《关于V的办法》尚无定论。",
        "本办法自发布之日起施行，《关于V的办法》同时废止。",  # 本办法 is no title: no head
    ],
)
def test_not_repeals(text: str) -> None:
    assert not rels(text, "REPEALS")


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
