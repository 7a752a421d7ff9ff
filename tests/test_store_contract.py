"""One contract suite for every store: memory, embedded (LadybugDB), and Neo4j when
KG_NEO4J_URI is set (point it at a scratch database: the suite retracts every issue in it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from store_fixtures import (
    HOSTILE,
    STORE_KINDS,
    edge,
    hostile_batch,
    issue_a,
    issue_a_v2,
    issue_b,
    make_store,
    node,
)

from kg.errors import KGError, QueryError, ValidationError
from kg.graphmodel import graph_model
from kg.store.base import Store
from kg.types import GraphBatch, QueryResult


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s = make_store(request.param, tmp_path)
    try:
        yield s
    finally:
        s.close()


def expected_stats(*batches: GraphBatch) -> dict[str, dict[str, int]]:
    model = graph_model()
    nodes = {(n.label, n.key) for b in batches for n in b.nodes}
    edges = {(e.type, e.src_key, e.dst_key, e.props["id"]) for b in batches for e in b.edges}
    return {
        "nodes": {label: sum(1 for lb, _ in nodes if lb == label) for label in model.labels},
        "relationships": {t: sum(1 for e in edges if e[0] == t) for t in model.rel_types},
    }


def edge_ids(s: Store, issue: str) -> list[str]:
    return [row[0] for row in s.run("store/issue_assertions", {"issue_id": issue}).rows]


def test_empty_store_stats_list_every_schema_name(store: Store) -> None:
    model = graph_model()
    stats = store.stats()
    assert stats == {
        "nodes": dict.fromkeys(model.labels, 0),
        "relationships": dict.fromkeys(model.rel_types, 0),
    }
    assert store.issues() == []


def test_load_reports_and_stats(store: Store) -> None:
    report = store.load(issue_a())
    assert report.issue_id == "A"
    assert report.nodes["Policy"] == 1 and report.nodes["Drug"] == 0
    assert report.edges["MENTIONS"] == 3 and report.replaced_edges == 0 and report.removed_nodes == 0
    assert report.rejected == {"mention: empty norm": 1}
    assert store.stats() == expected_stats(issue_a())
    assert store.issues() == ["A"]
    assert store.node("Region", "R1") == {"key": "R1", "name": "R1", "level": "province", "issues": ["A"]}
    assert store.node("Region", "nowhere") is None


def test_double_load_changes_nothing(store: Store) -> None:
    store.load(issue_a())
    store.load(issue_b())
    before = store.dump()
    stats = store.stats()
    again = store.load(issue_b())
    assert store.dump() == before
    assert store.stats() == stats
    assert again.replaced_edges == len(issue_b().edges)
    assert again.removed_nodes == 0


def test_reports_count_the_nodes_new_to_the_store(store: Store) -> None:
    def keys(batch: GraphBatch) -> set[tuple[str, str]]:
        return {(n.label, n.key) for n in batch.nodes}

    first = store.load(issue_a())
    assert first.created_nodes == first.nodes  # an empty store: every node is new
    second = store.load(issue_b())
    new_in_b = keys(issue_b()) - keys(issue_a())
    assert 0 < sum(second.created_nodes.values()) == len(new_in_b) < sum(second.nodes.values())
    assert second.created_nodes["Policy"] == 0  # P1 was there already
    assert sum(store.load(issue_b()).created_nodes.values()) == 0  # a reload creates nothing
    reload = store.load(issue_a_v2())  # R2 is new; R1 goes
    assert reload.created_nodes["Region"] == len({k for lb, k in keys(issue_a_v2()) - keys(issue_a()) if lb == "Region"})


def test_reload_replaces_only_that_issues_assertions(store: Store) -> None:
    store.load(issue_a())
    store.load(issue_b())
    b_edges = edge_ids(store, "B")
    report = store.load(issue_a_v2())
    assert report.replaced_edges == len(issue_a().edges)
    assert report.removed_nodes == 1  # R1: only the old issue A mentioned it
    assert edge_ids(store, "A") == sorted(e.props["id"] for e in issue_a_v2().edges)
    assert edge_ids(store, "B") == b_edges
    assert store.node("Region", "R1") is None
    assert store.node("Region", "R2") == {"key": "R2", "name": "R2", "level": "city", "issues": ["A"]}
    assert store.stats() == expected_stats(issue_a_v2(), issue_b())
    # the reload is itself idempotent
    snapshot = store.dump()
    store.load(issue_a_v2())
    assert store.dump() == snapshot


def test_shared_nodes_keep_support_and_list_union(store: Store) -> None:
    store.load(issue_a())
    store.load(issue_b())
    p1 = store.node("Policy", "P1")
    assert p1 is not None
    assert p1["issues"] == ["A", "B"]
    assert p1["aliases"] == ["通知甲", "通知乙"]  # union: stored order, then new items
    assert p1["kind"] == "procurement"  # a later issue's value wins
    assert p1["year"] == 2025 and p1["doc_no"] == "国医保发〔2025〕1号"  # absent in B: kept
    assert p1["merged_by"] == []
    assert store.node("Agency", "G1") == {
        "key": "G1",
        "name": "G1",
        "level": "national",
        "short_names": ["医保局", "国家医保局"],
        "issues": ["A", "B"],
    }


def test_retract_removes_only_unsupported_nodes(store: Store) -> None:
    store.load(issue_a())
    store.load(issue_b())
    report = store.retract("A")
    assert report.replaced_edges == len(issue_a().edges)
    assert report.edges["MENTIONS"] == 3 and report.edges["SELECTED_IN"] == 0
    assert report.nodes["Region"] == 1 and report.nodes["Policy"] == 0
    assert report.removed_nodes == 3  # Issue A, Article A/01, Region R1
    assert store.issues() == ["B"]
    assert edge_ids(store, "A") == []
    assert store.stats() == expected_stats(issue_b())
    p1 = store.node("Policy", "P1")
    assert p1 is not None and p1["issues"] == ["B"]
    store.retract("B")
    assert store.stats() == expected_stats()
    assert store.issues() == []


def test_retract_unknown_issue_is_a_no_op(store: Store) -> None:
    store.load(issue_a())
    before = store.dump()
    report = store.retract("never-loaded")
    assert report.replaced_edges == 0 and report.removed_nodes == 0
    assert store.dump() == before


def test_fresh_node_takes_reloaded_values(store: Store) -> None:
    """A node only the reloaded issue supports is rewritten, not merged with its old values."""
    store.load(issue_a())
    changed = GraphBatch(
        "A",
        tuple(
            node("Policy", "P1", kind="plan", aliases=["新名"]) if n.key == "P1" else n
            for n in issue_a().nodes
        ),
        issue_a().edges,
    )
    store.load(changed)
    assert store.node("Policy", "P1") == {
        "key": "P1",
        "name": "P1",
        "kind": "plan",
        "aliases": ["新名"],
        "issues": ["A"],
    }


@pytest.mark.parametrize(
    "stage", ["edges-deleted", "support-removed", "nodes-written", "edges-written", "done"]
)
def test_failed_load_leaves_store_unchanged(
    store: Store, stage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.load(issue_a())
    store.load(issue_b())
    before, stats, issues = store.dump(), store.stats(), store.issues()
    calls: list[str] = []

    def boom(s: str) -> None:
        calls.append(s)
        if s == stage and (stage != "edges-written" or calls.count(s) == 2):
            raise RuntimeError(f"injected failure at {s}")

    monkeypatch.setattr(store, "_step", boom)
    with pytest.raises(RuntimeError, match="injected failure"):
        store.load(issue_a_v2())
    monkeypatch.undo()
    assert store.dump() == before
    assert store.stats() == stats
    assert store.issues() == issues
    store.load(issue_a_v2())  # the store still works
    assert store.stats() == expected_stats(issue_a_v2(), issue_b())


def test_failed_retract_leaves_store_unchanged(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store.load(issue_a())
    store.load(issue_b())
    before = store.dump()

    def boom(s: str) -> None:
        if s == "done":
            raise RuntimeError("injected failure")

    monkeypatch.setattr(store, "_step", boom)
    with pytest.raises(RuntimeError):
        store.retract("A")
    monkeypatch.undo()
    assert store.dump() == before


@pytest.mark.parametrize(
    "bad", ["missing-endpoint", "unknown-property", "wrong-type", "foreign-issue", "no-id"]
)
def test_invalid_batch_is_refused_before_any_write(store: Store, bad: str) -> None:
    store.load(issue_a())
    before = store.dump()
    b = issue_b()
    p1, d1 = b.nodes[2], b.nodes[4]
    extra: Any = {
        "missing-endpoint": edge("ISSUED", node("Agency", "G-missing"), p1, "B", "x"),
        "unknown-property": edge("SELECTED_IN", d1, p1, "B", "x", colour="red"),
        "wrong-type": edge("SELECTED_IN", d1, p1, "B", "x", span_start="12"),
        "foreign-issue": edge("SELECTED_IN", d1, p1, "A", "x"),
        "no-id": edge("SELECTED_IN", d1, p1, "B", "x", id=""),
    }[bad]
    with pytest.raises(ValidationError, match="issue 'B'"):
        store.load(GraphBatch("B", b.nodes, (*b.edges, extra)))
    assert store.dump() == before


def test_merge_on_type_endpoints_and_id(store: Store) -> None:
    """An edge another issue already asserted with the same id is MERGEd, not duplicated."""
    store.load(issue_a())
    a = issue_a()
    g1, p1 = a.nodes[3], a.nodes[2]
    same = edge("ISSUED", g1, p1, "B", "1", id="A:ISSUED:1", evidence="restated")
    b = issue_b()
    store.load(GraphBatch("B", b.nodes, (*b.edges, same)))
    issued = [e for e in store.dump()[1] if e.type == "ISSUED"]
    assert sorted((e.props["id"], e.props["issue_id"]) for e in issued) == [
        ("A:ISSUED:1", "B"),
        ("B:ISSUED:1", "B"),
    ]
    assert next(e for e in issued if e.props["id"] == "A:ISSUED:1").props["evidence"] == "restated"


def test_hostile_strings_round_trip_byte_for_byte(store: Store) -> None:
    batch = hostile_batch()
    store.load(batch)
    for n in batch.nodes:
        assert store.node(n.label, n.key) == {**n.props, "issues": ["H"]}, n.key
    stored = {e.props["id"]: e for e in store.dump()[1]}
    for e in batch.edges:
        got = stored[e.props["id"]]
        assert (got.src_key, got.dst_key) == (e.src_key, e.dst_key)
        assert got.props == {k: v for k, v in e.props.items() if v is not None}
    assert store.stats() == expected_stats(batch)
    store.load(batch)
    assert store.stats() == expected_stats(batch)


def test_list_properties_empty_null_and_order(store: Store) -> None:
    issue = node("Issue", "L")
    nodes = (
        issue,
        node("Policy", "empty", aliases=[]),
        node("Policy", "none"),
        node("Policy", "ordered", aliases=["丙", "甲", "乙", "甲"]),
        node("Drug", "d", aliases=[""]),
    )
    store.load(GraphBatch("L", nodes, ()))
    assert store.node("Policy", "empty") == {"key": "empty", "name": "empty", "aliases": [], "issues": ["L"]}
    assert store.node("Policy", "none") == {"key": "none", "name": "none", "issues": ["L"]}
    got = store.node("Policy", "ordered")
    assert got is not None and got["aliases"] == ["丙", "甲", "乙", "甲"]
    got = store.node("Drug", "d")
    assert got is not None and got["aliases"] == [""]


def test_chinese_keys_and_text(store: Store) -> None:
    text = "国家医保局等六部门联合印发《关于完善药品价格形成机制的意见》，自2025年4月15日起施行。"
    i = node("Issue", "二〇二五年第3期")
    a = node(
        "Article",
        "二〇二五年第3期/01",
        name="医保动态",
        text=text,
        section="医保动态",
        issue_id="二〇二五年第3期",
    )
    p = node("Policy", "关于完善药品价格形成机制的意见", aliases=["《关于完善药品价格形成机制的意见》"])
    batch = GraphBatch(
        "二〇二五年第3期",
        (i, a, p),
        (
            edge("PART_OF", a, i, "二〇二五年第3期", "1"),
            edge("MENTIONS", a, p, "二〇二五年第3期", "1", evidence=text, surfaces=["意见"]),
        ),
    )
    store.load(batch)
    assert store.node("Article", "二〇二五年第3期/01") == {**a.props, "issues": ["二〇二五年第3期"]}
    assert store.issues() == ["二〇二五年第3期"]
    result = store.run("store/issue_assertions", {"issue_id": "二〇二五年第3期"})
    assert isinstance(result, QueryResult)
    assert result.columns == ("id", "article_id", "evidence")
    assert [r[2] for r in result.rows] == [text, "二〇二五年第3期/01 → 二〇二五年第3期"]


def test_run_refuses_templates_and_unknown_names(store: Store) -> None:
    with pytest.raises(QueryError):
        store.run("store/no-such-statement", {})
    with pytest.raises(KGError):
        store.run("store/count_nodes", {})
    with pytest.raises(QueryError, match="issue_id"):
        store.run("store/issue_assertions", {})


def test_nul_and_hostile_values_in_keys(store: Store) -> None:
    keys = [h for h in HOSTILE if h]
    i = node("Issue", "K")
    nodes = (i, *(node("Region", k) for k in keys))
    store.load(GraphBatch("K", nodes, ()))
    for k in keys:
        assert store.node("Region", k) == {"key": k, "name": k, "issues": ["K"]}
    store.retract("K")
    assert store.stats() == expected_stats()
