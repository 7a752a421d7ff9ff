"""Policy extractor on hand-written sentences, including the corpus pitfalls (NOTES §6)."""

from __future__ import annotations

import pytest
from kg.extractors.policy import PolicyExtractor, PolicyPatterns, classify_title, scan_titles


@pytest.fixture(scope="module")
def ex() -> PolicyExtractor:
    return PolicyExtractor(PolicyPatterns.from_schema())


def found(ex: PolicyExtractor, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.norm) for m in ex.mentions(text)]


def test_nested_titles_are_one_span() -> None:
    text = "发布《关于公开征求〈广东省血流导向密网支架类医用耗材带量联动采购文件(征求意见稿)〉意见的通知》和《“健康中国 2030”规划纲要》"
    spans = [text[s:e] for s, e in scan_titles(text)]
    assert spans == ["《关于公开征求〈广东省血流导向密网支架类医用耗材带量联动采购文件(征求意见稿)〉意见的通知》", "《“健康中国 2030”规划纲要》"]


def test_adjacent_titles_and_unclosed_bracket() -> None:
    text = "《中华人民共和国数据安全法》《中华人民共和国个人信息保护法》以及《未闭合的标题\n下一行》"
    assert [text[s:e] for s, e in scan_titles(text)] == ["《中华人民共和国数据安全法》", "《中华人民共和国个人信息保护法》"]


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("关于推进基本医保基金即时结算改革的通知", "notice"),
        ("中华人民共和国社会保险法", "law"),
        ("医疗器械监督管理条例", "regulation"),
        ("“千县工程”县医院综合能力提升工作方案(2021—2025 年)", "plan"),
        ("医药代表备案管理办法(试行)", "regulation"),
        ("生成式 AI服务管理办法(征求意见稿)", "regulation"),
        ("全国省级医药采购平台药品挂网规则共识", "consensus"),
        ("政府工作报告", "report"),
        ("中国艾滋病诊疗指南(2024 版)", "guideline"),
    ],
)
def test_policy_titles_are_classified(title: str, kind: str) -> None:
    assert classify_title(title, PolicyPatterns.from_schema()) == kind


@pytest.mark.parametrize(
    "title",
    ["人民日报", "医药经济报", "学习与研究杂志", "黄帝内经", "伤寒论", "独家|国家医保局司长换帅：给带量集采说句公道话",
     "实践故事丨从“人在跑”转向“数在算”", "2024 年医疗保障事业发展统计快报", "医疗机构执业许可证", "改革要精准发力、协同发力、持续发力",
     "医保谈判对创新药支持成效显著，新一轮谈判即将开展？", "中医诊疗方法"],
)
def test_non_policies_are_kept_out(title: str) -> None:
    assert classify_title(title, PolicyPatterns.from_schema()) is None


def test_doc_number_attaches_to_the_title(ex: PolicyExtractor) -> None:
    [m] = ex.mentions("国务院办公厅印发《国家组织药品集中采购和使用试点方案》(国办发〔2019〕2 号)提到")
    assert m.doc_no == "国办发〔2019〕2号" and m.kind == "plan"
    [m] = ex.mentions("《关于国家组织药品集中采购和使用试点医保配套措施的意见》（医保发〔2019〕18号）")
    assert m.doc_no == "医保发〔2019〕18号"


def test_introduced_short_form_resolves_to_full_title(ex: PolicyExtractor) -> None:
    text = "辽宁省医保局印发《2025 年度全省医保基金监管飞行检查工作方案》(以下简称《工作方案》)。《工作方案》明确……"
    mentions = ex.mentions(text)
    assert [m.text for m in mentions] == ["《2025 年度全省医保基金监管飞行检查工作方案》", "《工作方案》", "《工作方案》"]
    assert {m.norm for m in mentions} == {"2025年度全省医保基金监管飞行检查工作方案"}


def test_quoted_short_form_intro(ex: PolicyExtractor) -> None:
    text = "六部门联合发布的《关于规范公立医疗机构预交金管理工作的通知》(下称“通知”)，通知要求"
    mentions = ex.mentions(text)
    assert mentions[1].text == "通知" and mentions[1].norm == "关于规范公立医疗机构预交金管理工作的通知"


def test_unintroduced_short_form_takes_nearest_matching_title(ex: PolicyExtractor) -> None:
    text = "三部门印发《关于建立定点医药机构相关人员医保支付资格管理制度的指导意见》。随后，《关于X的通知》发布。《意见》提出"
    last = ex.mentions(text)[-1]
    assert last.text == "《意见》" and last.norm == "关于建立定点医药机构相关人员医保支付资格管理制度的指导意见"
    assert last.rule == "policy:short-form-nearest"


def test_short_forms_are_article_scoped(ex: PolicyExtractor) -> None:
    assert ex.mentions("《意见》提出")[0].norm == "意见"


def test_programmes_without_brackets(ex: PolicyExtractor) -> None:
    text = "第十批国家组织药品集中带量采购(简称“第十批国采”)落地，第10批集采之后，二十六省联盟集采和 26 省联盟集采，66 个化学药品省际联盟带量联动采购；DRG/DIP 2.0 版分组方案"
    got = found(ex, text)
    norms = [n for _, n in got]
    assert norms.count("第十批国家组织药品集中带量采购") == 3
    assert norms.count("26省联盟采购") == 2
    assert "66化学药品联盟采购" in norms and "DRG/DIP2.0版分组方案" in norms


def test_titles_in_quotes_bare_titles_and_laws(ex: PolicyExtractor) -> None:
    text = "根据国家医保局和财政部联合发布“关于做好医保基金预付工作的通知”，依据社会保险法，并印发关于做好基金预付工作的通知。2025 年政府工作报告提出"
    got = found(ex, text)
    assert ("关于做好医保基金预付工作的通知", "关于做好医保基金预付工作的通知") in got
    assert ("社会保险法", "社会保险法") in got
    assert ("关于做好基金预付工作的通知", "关于做好基金预付工作的通知") in got
    assert any(n == "2025年政府工作报告" for _, n in got)


def test_law_names_inside_other_words_are_not_laws(ex: PolicyExtractor) -> None:
    assert found(ex, "这种方法和做法违法，依法处理；药品管理法规") == []


def test_whitespace_and_width_do_not_change_the_norm(ex: PolicyExtractor) -> None:
    a = ex.mentions("《关于印发按病组和病种分值付费 2.0 版分组方案并深入推进相关工作的通知》")[0]
    b = ex.mentions("《关于印发按病组和病种分值付费２．０版分组方案并深入推进相关工作的通知》")[0]
    assert a.norm == b.norm


def test_offsets_slice_back_to_the_surface(ex: PolicyExtractor) -> None:
    text = "甲《关于X的通知》(国办发〔2024〕1 号)(以下简称《通知》)乙“关于Y的意见”丙第十一批国采"
    for m in ex.mentions(text):
        assert text[m.start : m.end] == m.text


def test_quoted_campaigns_are_policies(ex: PolicyExtractor) -> None:
    text = "省药监局部署“护苗”专项行动，并推进“净网”行动；“清朗”行动方案另行印发。"
    got = [(m.text, m.norm, m.kind) for m in ex.mentions(text)]
    assert ("“护苗”专项行动", "“护苗”专项行动", "campaign") in got
    assert ("“净网”行动", "“净网”行动", "campaign") in got
    assert not any(t.startswith("“清朗”") for t, _, _ in got)


def test_named_campaigns_without_quotes(ex: PolicyExtractor) -> None:
    text = "该院以基层医疗服务能力提升促进行动为抓手，持续深化医疗器械质量安全专项整治行动。2023年，中医药振兴三年行动计划顺利收官。"
    got = found(ex, text)
    assert ("医疗器械质量安全专项整治行动", "医疗器械质量安全专项整治行动") in got
    assert ("中医药振兴三年行动计划", "中医药振兴三年行动计划") in got


def test_first_batch_and_national_pilot(ex: PolicyExtractor) -> None:
    got = found(ex, "医用耗材首批带量集采落地后，“4+7”国家组织药品集中采购和使用试点扩围，《国家组织药品集中采购试点方案》随之修订。")
    assert ("医用耗材首批带量集采", "第一批国家组织医用耗材集中带量采购") in got
    assert ("“4+7”国家组织药品集中采购和使用试点", "国家组织药品集中采购和使用试点") in got
    assert ("《国家组织药品集中采购试点方案》", "国家组织药品集中采购试点方案") in got


def test_party_congress_report_outline_and_gxp(ex: PolicyExtractor) -> None:
    text = "党的十九大报告提出，各地要将任务写入“十五五”规划和 2040年远景目标纲要，企业须执行药品生产质量管理规范。"
    got = found(ex, text)
    assert ("党的十九大报告", "党的十九大报告") in got
    assert ("“十五五”规划和 2040年远景目标纲要", "“十五五”规划和2040年远景目标纲要") in got
    assert ("药品生产质量管理规范", "药品生产质量管理规范") in got


def test_numbered_batch_of_an_alliance_is_not_the_national_batch(ex: PolicyExtractor) -> None:
    text = "于7月3日组织开展京津冀“3+N”联盟第三批药品带量采购开标工作，广东联盟第二批集采随后启动。第四批集采落地。"
    assert found(ex, text) == [
        ("京津冀“3+N”联盟第三批药品带量采购", "京津冀“3+N”联盟第三批药品带量采购"),
        ("广东联盟第二批集采", "广东联盟第二批集采"),
        ("第四批集采", "第四批国家组织药品集中带量采购"),
    ]


def test_short_form_of_a_qualified_title_keeps_its_first_referent(ex: PolicyExtractor) -> None:
    draft = "江西省门诊慢特病管理办法(征求意见稿)"
    text = (f"起草了《{draft}》。《办法》共6章。《办法》对《江西省门诊特殊慢性病管理办法(试行)》进行了修订。"
            "《办法》施行后…")
    assert [n for t, n in found(ex, text) if t == "《办法》"] == [draft, draft, draft]


def test_heading_line_with_its_issuers(ex: PolicyExtractor) -> None:
    text = ("国务院办公厅关于进一步完善医疗卫生服务体系的通知\n国办发〔2025〕18号\n"
            "国家医保局 财政部关于做好医保工作的通知（医保发〔2025〕3号）\n")
    assert found(ex, text) == [("关于进一步完善医疗卫生服务体系的通知", "关于进一步完善医疗卫生服务体系的通知"),
                               ("关于做好医保工作的通知", "关于做好医保工作的通知")]
    # not a heading: the title does not fill the line
    assert found(ex, "国家医保局关于做好医保工作的通知明确了三项任务。") == []


def test_attachment_titles(ex: PolicyExtractor) -> None:
    text = "特此通知。附件：广州市家庭病床服务规范（试行）\n附件2：浙江省定点医药机构管理实施细则\n附件3：申报汇总表\n"
    assert found(ex, text) == [("广州市家庭病床服务规范（试行）", "广州市家庭病床服务规范(试行)"),
                               ("浙江省定点医药机构管理实施细则", "浙江省定点医药机构管理实施细则")]
