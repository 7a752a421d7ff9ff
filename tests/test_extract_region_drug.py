"""Region and Drug extractors on hand-written sentences (none copied from the corpus)."""

from __future__ import annotations

import pytest
from kg.extractors.drug import DrugExtractor, DrugLexicon
from kg.extractors.region import RegionExtractor, RegionGazetteer


@pytest.fixture(scope="module")
def region_ex() -> RegionExtractor:
    return RegionExtractor(RegionGazetteer.from_schema())


@pytest.fixture(scope="module")
def drug_ex() -> DrugExtractor:
    return DrugExtractor(DrugLexicon.from_schema())


def regions(ex: RegionExtractor, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.norm) for m in ex.mentions(text)]


def drugs(ex: DrugExtractor, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.norm) for m in ex.mentions(text)]


# --------------------------------------------------------------------------------------- regions

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("广东省佛山市顺德区率先推行改革。", [("广东省", "广东省"), ("佛山市", "佛山市"), ("顺德区", "顺德区")]),
        ("河北、山西两省联合开展采购。", [("河北", "河北省"), ("山西", "山西省")]),
        ("试点先在淄博落地，再推广到全省。", [("淄博", "淄博市")]),
        ("京津冀和长三角地区率先实现互认。", [("京津冀", "京津冀"), ("长三角地区", "长三角地区")]),
        ("东城区依托辖区医院开展义诊。", [("东城区", "东城区")]),  # a verb follows: the district is the subject
        ("浙江省公立医院综合改革持续深化。", [("浙江省", "浙江省")]),  # a category, not a hospital's name
        ("全国 31 个省(区、市)和新疆生产建设兵团均已接入。", [("新疆生产建设兵团", "新疆生产建设兵团")]),
    ],
)
def test_places_are_found(region_ex: RegionExtractor, text: str, expected: list[tuple[str, str]]) -> None:
    assert regions(region_ex, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "要守住医保基金安全底线。",  # 金安 (金安区) inside 基金|安全
        "鼓励发展商业健康保险产品。",  # 康保 (康保县) inside 健康|保险
        "符合条件的药店可纳入医保定点管理。",  # 保定 inside 医保|定点
        "行业正面临海外市场的竞争。",  # 临海 inside 面临|海外
        "推进城市医联体和县域医共体建设。",  # 和县 inside 和|县域
        "力争建成县域医疗次中心。",  # 成县 inside 建成|县域
        "核心城区的医疗资源更集中。",  # 城区: a common noun, although several districts are so named
    ],
)
def test_names_inside_other_words_are_not_places(region_ex: RegionExtractor, text: str) -> None:
    assert regions(region_ex, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "专家来自北京协和医院。",
        "杭州市第一人民医院副院长介绍经验。",
        "江苏省人民医院与南京大学合作。",
        "成都星河云图生物科技有限公司获批上市。",  # an unknown company name after the region
        "调研组来到苏州检查分局座谈。",  # a body: the Agency span covers it
        "福州国际博览会下月开幕。",  # an event
        "敬老院与泰安社会福利院签订协议。",
        "老字号长春堂推出新品。",  # a brand ending in 堂
        "上海华宇药业和广州医药集团参加谈判。",
    ],
)
def test_regions_inside_organisation_or_event_names(region_ex: RegionExtractor, text: str) -> None:
    assert regions(region_ex, text) == []


def test_city_residents_keep_the_city_short_form(region_ex: RegionExtractor) -> None:
    assert regions(region_ex, "上海市民可在线预约挂号。") == [("上海", "上海市")]


def test_campaign_names_and_named_features_are_not_places(region_ex: RegionExtractor) -> None:
    assert regions(region_ex, "全力推进健康杭州建设。") == []
    assert regions(region_ex, "游客在南京路步行街购物。") == []
    assert regions(region_ex, "杭州推进健康城市建设。") == [("杭州", "杭州市")]


def test_region_in_a_chain_before_an_organisation(region_ex: RegionExtractor) -> None:
    assert regions(region_ex, "广东省深圳市第二人民医院开展试点。") == []
    assert regions(region_ex, "广东省深圳市率先开展试点。") == [("广东省", "广东省"), ("深圳市", "深圳市")]


def test_regions_inside_titles_are_not_extracted(region_ex: RegionExtractor) -> None:
    assert regions(region_ex, "印发《江苏省医疗保障条例》。") == []


# ------------------------------------------------------------------------------------------ drugs

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("本批集采包括阿托伐他汀钙片和氨氯地平。", [("阿托伐他汀钙片", "阿托伐他汀钙"), ("氨氯地平", "氨氯地平")]),
        ("患者长期服用二甲双胍缓释片。", [("二甲双胍缓释片", "二甲双胍")]),
        ("阿莫西林胶囊、头孢克肟片、左氧氟沙星注射液均中选。",
         [("阿莫西林胶囊", "阿莫西林"), ("头孢克肟片", "头孢克肟"), ("左氧氟沙星注射液", "左氧氟沙星")]),
        ("奥美拉唑肠溶胶囊价格下降。", [("奥美拉唑肠溶胶囊", "奥美拉唑")]),
        ("仑伐替尼胶囊与奥希替尼片均大幅降价。", [("仑伐替尼胶囊", "仑伐替尼"), ("奥希替尼片", "奥希替尼")]),
        ("司美格鲁肽和替尔泊肽竞争激烈。", [("司美格鲁肽", "司美格鲁肽"), ("替尔泊肽", "替尔泊肽")]),
        ("替雷利珠单抗注射液纳入目录。", [("替雷利珠单抗注射液", "替雷利珠单抗")]),
        ("利福平注射剂和甘露醇注射剂报量。", [("利福平注射剂", "利福平"), ("甘露醇注射剂", "甘露醇")]),
    ],
)
def test_chemical_and_biological_drugs(drug_ex: DrugExtractor, text: str, expected: list[tuple[str, str]]) -> None:
    assert drugs(drug_ex, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("药店备有连花清瘟胶囊、板蓝根颗粒和六味地黄丸。",
         [("连花清瘟胶囊", "连花清瘟胶囊"), ("板蓝根颗粒", "板蓝根颗粒"), ("六味地黄丸", "六味地黄丸")]),
        ("复方丹参滴丸通过了评价。", [("复方丹参滴丸", "复方丹参滴丸")]),
        ("参麦注射液与丹红注射液同时降价。", [("参麦注射液", "参麦注射液"), ("丹红注射液", "丹红注射液")]),
        ("蒲地蓝消炎片和小儿豉翘清热颗粒销量上升。",
         [("蒲地蓝消炎片", "蒲地蓝消炎片"), ("小儿豉翘清热颗粒", "小儿豉翘清热颗粒")]),
        # a lexicon TCM name followed by a dosage form: the form is part of the product and its norm
        ("医生开了血塞通软胶囊。", [("血塞通软胶囊", "血塞通软胶囊")]),
    ],
)
def test_tcm_products(drug_ex: DrugExtractor, text: str, expected: list[tuple[str, str]]) -> None:
    assert drugs(drug_ex, text) == expected


def test_specification_and_brand_in_brackets_are_outside_the_span(drug_ex: DrugExtractor) -> None:
    assert drugs(drug_ex, "肌苷注射剂(2ml:0.1g)中选。") == [("肌苷注射剂", "肌苷")]
    assert drugs(drug_ex, "卡度尼利单抗(开坦尼)获批。") == [("卡度尼利单抗", "卡度尼利单抗")]


def test_injection_prefix_is_part_of_the_span(drug_ex: DrugExtractor) -> None:
    [(surface, norm)] = drugs(drug_ex, "注射用头孢曲松钠供应紧张。")
    assert surface == "注射用头孢曲松钠"
    assert norm == "头孢曲松钠"  # the approved generic name keeps its only salt, like 阿托伐他汀钙
    assert drugs(drug_ex, "头孢曲松和泮托拉唑钠肠溶片中选。") == [
        ("头孢曲松", "头孢曲松钠"),
        ("泮托拉唑钠肠溶片", "泮托拉唑钠"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "妇科用药占比超过六成，降压药和降糖药价格下降。",
        "中成药、中药饮片和生物药均纳入监管。",
        "中药注射剂和中药配方颗粒价格调整。",
        "他汀类药物和头孢类抗生素用量增加。",
        "抗肿瘤药物、抗菌药物和创新药受到关注。",
        "新冠疫苗和流感疫苗接种率提升。",
        "该企业生产的注射剂全部中选。",
        "口服常释剂型和注射剂型分别报量。",
    ],
)
def test_drug_classes_are_not_drugs(drug_ex: DrugExtractor, text: str) -> None:
    assert drugs(drug_ex, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "恒瑞医药、齐鲁制药和石药集团均有产品中选。",
        "片仔癀股份有限公司发布年报。",
        "云南白药集团股份有限公司推出新品。",
        "某制药公司的胶囊生产线通过检查。",
    ],
)
def test_company_names_are_not_drugs(drug_ex: DrugExtractor, text: str) -> None:
    assert drugs(drug_ex, text) == []


@pytest.mark.parametrize(
    "text",
    [
        "就诊时出示医保卡片和身份证。",
        "芯片、碎片和名片都不是药。",
        "他一次吃了两片药片。",
        "空心胶囊和明胶胶囊属于辅料。",
        "坚持公平和水平提升。",
        "宣传片和纪录片中出现了胶囊。",
    ],
)
def test_form_suffix_look_alikes(drug_ex: DrugExtractor, text: str) -> None:
    assert drugs(drug_ex, text) == []


def test_drug_offsets_slice_back(drug_ex: DrugExtractor) -> None:
    text = "此次共有布洛芬混悬液、奥美拉唑肠溶胶囊等品种。"
    for m in drug_ex.mentions(text):
        assert text[m.start : m.end] == m.text
