"""Subgraph export (kg.export): selection around a policy / of an issue / named by a canned
query, the four formats, and round trips — export then import into an empty store gives the
same subgraph (JSON through kg.export.import_subgraph, on the memory and embedded stores; the
Cypher script read back by kg.export.read_cypher_script, since no Neo4j runs here and the
script's Neo4j-only parts — constraints, map rows that omit nulls — do not run on LadybugDB)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from store_fixtures import HOSTILE, hostile_batch, issue_a, issue_b
from test_queries import load_samples

from kg.errors import InputError, QueryError
from kg.export import (
    Subgraph,
    export_subgraph,
    import_subgraph,
    read_cypher_script,
    read_json,
    select_subgraph,
)
from kg.graphmodel import graph_model
from kg.query import result_dicts, run_query
from kg.store import open_store
from kg.store.base import Store

POLICY = "第十一批国家组织药品集中带量采购"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("kg-samples")
    load_samples(path)
    with open_store("embedded", path=path, read_only=True) as opened:
        yield opened


def dumped(store: Store) -> Subgraph:
    nodes, edges = store.dump()
    return Subgraph.of(nodes, edges)


# -- selection ----------------------------------------------------------------------------------


def test_depth_zero_is_the_policy_alone(store: Store) -> None:
    g = select_subgraph(store, policy="第十一批", depth=0)
    assert [(n.label, n.key) for n in g.nodes] == [("Policy", POLICY)] and not g.edges


def test_depth_grows_the_subgraph_and_keeps_provenance(store: Store) -> None:
    one = select_subgraph(store, policy="第十一批", depth=1)
    two = select_subgraph(store, policy="第十一批", depth=2)
    def ids(g: Subgraph) -> tuple[set[tuple[str, str]], set[object]]:
        return {(n.label, n.key) for n in g.nodes}, {e.props["id"] for e in g.edges}

    assert ids(one)[0] < ids(two)[0] and ids(one)[1] <= ids(two)[1]
    labels = {n.label for n in one.nodes}
    assert {"Policy", "Article", "Agency", "Drug", "Region"} <= labels
    for e in one.edges:
        assert e.props.get("issue_id") and e.props.get("id") and e.props.get("extractor")
        assert e.props.get("article_id") or e.type == "WITHIN"
    keys = {(n.label, n.key) for n in one.nodes}
    for e in one.edges:  # induced: both ends are in the subgraph
        assert (e.src_label, e.src_key) in keys and (e.dst_label, e.dst_key) in keys


def test_issue_subgraph(store: Store) -> None:
    g = select_subgraph(store, issue="sample-2025-05")
    assert g.edges and {e.props["issue_id"] for e in g.edges} == {"sample-2025-05"}
    assert all("sample-2025-05" in n.props["issues"] for n in g.nodes)
    with pytest.raises(QueryError, match="no issue 'nope'"):
        select_subgraph(store, issue="nope")


def test_query_subgraph(store: Store) -> None:
    g = select_subgraph(store, query="lineage", params={"policy": "第十一批"})
    keys = {(n.label, n.key) for n in g.nodes}
    names = {n.props.get("name") for n in g.nodes}
    assert ("Policy", POLICY) in keys
    assert ("Article", "sample-2025-05/01") in keys and ("Issue", "sample-2025-07") in keys
    lineage = result_dicts(run_query(store, "lineage", {"policy": "第十一批"}))
    assert {r["other"] for r in lineage if r["other"]} <= names
    assert {e.type for e in g.edges} >= {"MENTIONS", "PART_OF", "SELECTED_IN"}


def test_selection_errors(store: Store) -> None:
    with pytest.raises(QueryError, match="no policy"):
        select_subgraph(store, policy="没有这个政策")
    with pytest.raises(QueryError, match="exactly one"):
        select_subgraph(store, policy="x", issue="y")
    with pytest.raises(QueryError, match="out of range"):
        select_subgraph(store, policy="第十一批", depth=9)


# -- formats and round trips ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["memory", "embedded"])
def test_json_round_trip_into_an_empty_store(store: Store, tmp_path: Path, kind: str) -> None:
    g = select_subgraph(store, policy="第十一批", depth=2)
    (path,) = export_subgraph(g, "json", tmp_path / "g.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["directed"] and data["multigraph"] and len(data["nodes"]) == len(g.nodes)
    for e in data["edges"]:
        assert {"id", "issue_id", "issue_date", "evidence", "extractor", "rule"} <= set(e)
        # every extracted fact names its article (gazetteer WITHIN edges have none)
        assert e.get("article_id") or e["extractor"] == "gazetteer"
    back = read_json(path)
    assert back == g
    with open_store(kind, path=tmp_path / "target") as target:
        import_subgraph(target, back)
        assert dumped(target) == g
        assert target.issues() == sorted({i for n in g.nodes for i in n.props["issues"]})


def test_cypher_export_reads_back_the_same_subgraph(store: Store, tmp_path: Path) -> None:
    g = select_subgraph(store, issue="sample-2025-03")
    (path,) = export_subgraph(g, "cypher", tmp_path / "g.cypher")
    text = path.read_text(encoding="utf-8")
    assert "CREATE CONSTRAINT" in text and "MERGE (n:Policy {key: row.key})" in text
    assert read_cypher_script(path) == g


def test_hostile_strings_round_trip(tmp_path: Path) -> None:
    with open_store("memory") as source:
        for batch in (issue_a(), issue_b(), hostile_batch()):
            source.load(batch)
        g = dumped(source)
    export_subgraph(g, "json", tmp_path / "h.json")
    export_subgraph(g, "cypher", tmp_path / "h.cypher")
    assert read_json(tmp_path / "h.json") == g
    assert read_cypher_script(tmp_path / "h.cypher") == g
    with open_store("embedded", path=tmp_path / "target") as target:
        import_subgraph(target, read_json(tmp_path / "h.json"))
        assert dumped(target) == g
    assert any(n.props.get("name") == HOSTILE[9] for n in g.nodes)  # the NUL survived


def test_graphml_opens_in_networkx(store: Store, tmp_path: Path) -> None:
    g = select_subgraph(store, policy="第十一批", depth=1)
    (path,) = export_subgraph(g, "graphml", tmp_path / "g.graphml")
    read = nx.read_graphml(path, force_multigraph=True)
    assert read.number_of_nodes() == len(g.nodes) and read.number_of_edges() == len(g.edges)
    policy = read.nodes[f"Policy:{POLICY}"]
    assert policy["kg_label"] == "Policy" and policy["label"] == POLICY
    assert json.loads(policy["aliases"]) and json.loads(policy["issues"])
    data = [d for *_, d in read.edges(data=True)]
    assert all(d["issue_id"] and d["kg_type"] and "evidence" in d for d in data)


def test_graphml_replaces_characters_xml_cannot_hold(tmp_path: Path) -> None:
    with open_store("memory") as source:
        source.load(hostile_batch())
        g = dumped(source)
    (path,) = export_subgraph(g, "graphml", tmp_path / "h.graphml")
    read = nx.read_graphml(path, force_multigraph=True)
    assert read.number_of_nodes() == len(g.nodes)
    assert "Policy:P-9-nul\ufffdinside" in read.nodes


def test_csv_files(store: Store, tmp_path: Path) -> None:
    g = select_subgraph(store, policy="第十一批", depth=1)
    nodes_path, edges_path = export_subgraph(g, "csv", tmp_path / "csv")
    with nodes_path.open(encoding="utf-8", newline="") as f:
        nodes = list(csv.DictReader(f))
    with edges_path.open(encoding="utf-8", newline="") as f:
        edges = list(csv.DictReader(f))
    assert len(nodes) == len(g.nodes) and len(edges) == len(g.edges)
    assert {"issue_id", "issue_date", "article_id", "evidence", "extractor", "rule"} <= set(edges[0])
    assert all(r["issue_id"] and r["article_id"] for r in edges)
    assert {r["label"] for r in nodes} <= set(graph_model().labels)


def test_export_refuses_a_directory_for_a_file_format(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        export_subgraph(Subgraph((), ()), "json", tmp_path)
    with pytest.raises(QueryError, match="unknown export format"):
        export_subgraph(Subgraph((), ()), "xml", tmp_path / "x")


def test_read_json_refuses_other_files(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text('{"nodes": []}', encoding="utf-8")
    with pytest.raises(InputError, match="not a kg subgraph export"):
        read_json(other)
