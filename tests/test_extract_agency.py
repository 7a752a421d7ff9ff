"""Agency extractor on hand-written sentences: composition, context, sub-units, former and foreign bodies."""

from __future__ import annotations

import pytest
from kg.extractors.agency import AgencyExtractor, AgencyGazetteer


@pytest.fixture(scope="module")
def ex() -> AgencyExtractor:
    return AgencyExtractor(AgencyGazetteer.from_schema())


def found(ex: AgencyExtractor, text: str) -> list[tuple[str, str]]:
    return [(m.text, m.norm) for m in ex.mentions(text)]


def test_district_body_is_named_with_its_city(ex: AgencyExtractor) -> None:
    assert found(ex, "朝阳区医保局今天发布通知。") == [("朝阳区医保局", "北京市朝阳区医疗保障局")]
    assert found(ex, "深圳推出新政，南山区卫健委牵头开展义诊。") == [("南山区卫健委", "深圳市南山区卫生健康委员会")]
    assert found(ex, "福建省福州市鼓楼区医保局发文。") == [("福建省福州市鼓楼区医保局", "福州市鼓楼区医疗保障局")]


def test_county_and_prefecture_bodies_keep_their_own_name(ex: AgencyExtractor) -> None:
    assert found(ex, "河北省保定市医保局召开会议。") == [("河北省保定市医保局", "保定市医疗保障局")]


def test_bare_body_resolves_from_an_earlier_sentence(ex: AgencyExtractor) -> None:
    text = "西城区推出便民举措。下一步，区医保局将扩大试点范围。"
    assert found(ex, text) == [("区医保局", "北京市西城区医疗保障局")]


def test_bare_body_after_a_verb_resolves_in_the_sentence(ex: AgencyExtractor) -> None:
    text = "近日，湖南省卫健委联合省财政厅出台办法。"
    assert found(ex, text) == [("湖南省卫健委", "湖南省卫生健康委员会"), ("省财政厅", "湖南省财政厅")]


def test_generic_bare_bodies_are_not_resolved(ex: AgencyExtractor) -> None:
    assert found(ex, "湖南省要求各市医保局、全省医保局加强监管。") == []
    # 区 of 地区/社区/山区 is no bare district prefix
    assert found(ex, "确定天河区为试点地区。各试点地区卫生健康局要制定方案，社区卫生服务站配合。") == []


def test_party_committees(ex: AgencyExtractor) -> None:
    text = "温州市委、市政府高度重视。会后，市委召开专题会议，市委托第三方评估。"
    assert found(ex, text) == [("温州市委", "中共温州市委员会"), ("市政府", "温州市人民政府"), ("市委", "中共温州市委员会")]


def test_party_group_in_a_title_is_not_part_of_the_span(ex: AgencyExtractor) -> None:
    assert found(ex, "山东省卫生健康委党组书记介绍了情况。") == [("山东省卫生健康委", "山东省卫生健康委员会")]


def test_former_bodies(ex: AgencyExtractor) -> None:
    text = "这一政策由原国家卫计委提出，原卫生部也曾试点，原国家工商总局负责登记。"
    assert found(ex, text) == [("原国家卫计委", "国家卫生和计划生育委员会"), ("原卫生部", "卫生部"),
                               ("原国家工商总局", "国家工商行政管理总局")]


def test_subunits_with_conjunctions_and_bureaus(ex: AgencyExtractor) -> None:
    text = "工业和信息化部消费品工业司与国家发改委价格监测中心座谈，财政部社会保障司、国家卫健委医政医管局参加。"
    got = found(ex, text)
    assert ("工业和信息化部消费品工业司", "工业和信息化部消费品工业司") in got
    assert ("国家卫健委医政医管局", "国家卫生健康委员会医政医管局") in got
    assert ("国家医保局和财政部", "国家医疗保障局和财政部") not in found(ex, "国家医保局和财政部办公厅联合发文")


def test_a_second_agency_after_a_verb_is_not_a_subunit(ex: AgencyExtractor) -> None:
    text = "杭州市卫生健康委会同市财政局印发通知，重庆市卫生健康委财务处参加。"
    assert found(ex, text) == [
        ("杭州市卫生健康委", "杭州市卫生健康委员会"),
        ("市财政局", "杭州市财政局"),
        ("重庆市卫生健康委财务处", "重庆市卫生健康委员会财务处"),
    ]


def test_bureau_suffix_does_not_swallow_titles_or_words(ex: AgencyExtractor) -> None:
    assert found(ex, "国家疾控局局长表示，国家医保局格局已定。") == [("国家疾控局", "国家疾病预防控制局"), ("国家医保局", "国家医疗保障局")]


def test_meetings_are_not_agencies(ex: AgencyExtractor) -> None:
    assert found(ex, "国务院常务会议审议通过，国务院随后印发。") == [("国务院", "国务院")]


def test_foreign_regulators(ex: AgencyExtractor) -> None:
    text = "美国 FDA 批准了该药，欧洲药品管理局随后跟进，EMA 与 FDA 均要求补充数据；FDAX 不是机构。"
    assert found(ex, text) == [("美国 FDA", "美国食品药品监督管理局"), ("欧洲药品管理局", "欧洲药品管理局"),
                               ("EMA", "欧洲药品管理局"), ("FDA", "美国食品药品监督管理局")]
