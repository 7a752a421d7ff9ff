"""Graph building: how an entity node's display name is chosen (schema/graph.toml ``name_from``)."""

from __future__ import annotations

import pytest

from kg.errors import SchemaError
from kg.extract import default_extractors
from kg.graphmodel import graph_model
from kg.parser import parse_text
from kg.pipeline import issue_batch

TEXT = """国家医保局印发新规

3 月 5 日，国家医保局印发《关于进一步做好医药集中采购工作的通知》。国家医疗保障局表示，
《通知》自发布之日起施行。国家医保局还将会同国家卫健委开展督导。
"""


def _nodes(label: str) -> dict[str, dict[str, object]]:
    issue = parse_text(TEXT, issue_id="t", issue_date="2025-03-10")
    batch = issue_batch(issue, default_extractors())
    return {n.key: n.props for n in batch.nodes if n.label == label}


def test_gazetteer_entities_are_named_by_their_canonical_key() -> None:
    assert graph_model().node("Agency").name_rule == "key"
    agencies = _nodes("Agency")
    # 国家医保局 is the most frequent surface, but the node is shown by its canonical name
    assert agencies["国家医疗保障局"]["name"] == "国家医疗保障局"
    assert "国家医保局" in agencies["国家医疗保障局"]["short_names"]  # type: ignore[operator]
    assert agencies["国家卫生健康委员会"]["name"] == "国家卫生健康委员会"


def test_policies_are_named_by_their_fullest_title() -> None:
    assert graph_model().node("Policy").name_rule == "longest"
    (policy,) = _nodes("Policy").values()
    assert policy["name"] == "关于进一步做好医药集中采购工作的通知"


def test_an_unknown_name_rule_is_a_schema_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import copy

    import kg.graphmodel as gm

    real = gm.load_toml

    def fake(name: str) -> dict[str, object]:
        raw = copy.deepcopy(real(name))  # load_toml is cached: never mutate its result
        raw["nodes"]["Agency"]["name_from"] = "shortest"  # type: ignore[index]
        return raw

    monkeypatch.setattr(gm, "load_toml", fake)
    gm.graph_model.cache_clear()
    try:
        with pytest.raises(SchemaError, match="name_from = 'shortest'"):
            gm.graph_model()
    finally:
        gm.graph_model.cache_clear()


def test_an_unresolved_short_form_is_rejected_with_a_reason_not_made_a_node() -> None:
    text = "标题\n\n省医保局印发《通知》，要求各地落实。国家医保局印发《关于做好医保基金预付工作的通知》。\n"
    issue = parse_text(text, issue_id="t", issue_date="2025-03-10")
    batch = issue_batch(issue, default_extractors())
    keys = {n.key for n in batch.nodes if n.label == "Policy"}
    # 《通知》 resolves to the full title that follows it in the article: one node, no rejection
    assert keys == {"关于做好医保基金预付工作的通知"}
    assert not [r for r in batch.rejected if "short form" in r.reason]
    alone = parse_text("标题\n\n省医保局印发《通知》，要求各地落实。\n", issue_id="u", issue_date="2025-03-10")
    lone = issue_batch(alone, default_extractors())
    assert not [n for n in lone.nodes if n.label == "Policy"]
    assert [r.item for r in lone.rejected if r.reason == "short form with no full title in its article"] == ["《通知》"]
