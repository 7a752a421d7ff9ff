"""Reliability, hostile input: text that looks like Cypher reaches a store only as parameters,
is read back byte for byte, and labels/types come only from the schema allowlist.

Store-level round trips of hand-made hostile values (quotes, backslashes, ``}`` ``)`` ``//``,
Cypher keywords, NUL, newlines, in properties and in keys) are in
tests/test_store_contract.py::test_hostile_strings_round_trip_byte_for_byte and
::test_nul_and_hostile_values_in_keys (memory, embedded, embedded-copy, and Neo4j when
KG_NEO4J_URI is set). Here the same kind of text comes in through a *file*, the parser and
the extractors, and we watch every statement the stores execute.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from store_fixtures import STORE_KINDS, issue_a, make_store, node

from kg.cli import cli
from kg.errors import ValidationError
from kg.extract import default_extractors
from kg.parser import parse_path
from kg.pipeline import issue_batch
from kg.store import open_store
from kg.store.base import Store
from kg.store.embedded import EmbeddedStore
from kg.types import Edge, GraphBatch, Issue, Node

SENTINEL = "ZQX"  # marks every hostile fragment, so a leak into a statement is easy to spot
HOSTILE_TITLE = f'{SENTINEL}标题 "quoted" \'single\' back\\slash }}) ]] // MATCH (n) DETACH DELETE n; RETURN 1 //'
POLICY = f'《关于{SENTINEL}"}})-[r]->() DELETE r // \\\'处理的通知》'
BODY = [
    f"2025 年 3 月 1 日，国家医保局印发{POLICY}，河北省试点即时结算。",
    f"{SENTINEL}: CREATE (x:Policy {{key: 'evil'}}) WITH x MATCH (m) DETACH DELETE m RETURN count(*) //",
    f"{SENTINEL} $issue_id {{label}} {{set_clause}} `backtick` CALL db.labels() YIELD label; \\n \\u0000 结束。",
]
TEXT = HOSTILE_TITLE + "\n\n" + "\n\n".join(BODY) + "\n"


@pytest.fixture(scope="module")
def hostile_issue(tmp_path_factory: pytest.TempPathFactory) -> Issue:
    path = tmp_path_factory.mktemp("hostile") / "hostile.txt"
    path.write_text(TEXT, encoding="utf-8")
    return parse_path(path, issue_date="2025-03-02")


@pytest.fixture(scope="module")
def hostile_batch_from_file(hostile_issue: Issue) -> GraphBatch:
    return issue_batch(hostile_issue, default_extractors())


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s = make_store(request.param, tmp_path)
    try:
        yield s
    finally:
        s.close()


def test_the_parser_keeps_hostile_text_verbatim(hostile_issue: Issue) -> None:
    (article,) = hostile_issue.articles
    assert article.title == HOSTILE_TITLE
    assert article.text == "\n".join(BODY)


def test_hostile_text_from_a_file_round_trips_byte_for_byte(
    store: Store, hostile_batch_from_file: GraphBatch
) -> None:
    batch = hostile_batch_from_file
    policies = [n for n in batch.nodes if n.label == "Policy" and SENTINEL in str(n.props.get("name"))]
    assert policies, "the hostile 《…》 title was not extracted as a policy"
    assert any(SENTINEL in str(e.props.get("evidence", "")) for e in batch.edges)
    store.load(batch)
    for n in batch.nodes:
        want = {k: v for k, v in n.props.items() if v is not None}
        assert store.node(n.label, n.key) == {**want, "issues": [batch.issue_id]}, n.key
    stored = {(e.type, e.props["id"]): e for e in store.dump()[1]}
    for e in batch.edges:
        got = stored[(e.type, e.props["id"])]
        assert (got.src_key, got.dst_key) == (e.src_key, e.dst_key)
        assert got.props == {k: v for k, v in e.props.items() if v is not None}
    store.retract(batch.issue_id)
    assert store.issues() == []


def test_statements_never_contain_input_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hostile_batch_from_file: GraphBatch
) -> None:
    """Every statement the embedded store executes is free of input text; the text is in params."""
    seen: list[tuple[str, dict[str, Any]]] = []
    original = EmbeddedStore._execute

    def spy(self: EmbeddedStore, text: str, params: Any = None, *, what: str = "a statement") -> Any:
        seen.append((text, dict(params or {})))
        return original(self, text, params, what=what)

    monkeypatch.setattr(EmbeddedStore, "_execute", spy)
    for copy_min_rows in (1, 1000):  # the COPY path and the CREATE/MERGE path
        with open_store("embedded", path=tmp_path / f"s{copy_min_rows}", copy_min_rows=copy_min_rows) as s:
            s.load(hostile_batch_from_file)
            s.node("Article", hostile_batch_from_file.issue_id + "/01")
            s.retract(hostile_batch_from_file.issue_id)
    assert seen
    assert not [text for text, _ in seen if SENTINEL in text]
    assert any(SENTINEL in repr(params) for _, params in seen)


def test_neo4j_statements_never_contain_input_text(hostile_batch_from_file: GraphBatch) -> None:
    pytest.importorskip("neo4j")
    from test_store_neo4j import fake_store

    neo, driver = fake_store()
    neo.load(hostile_batch_from_file)
    neo.retract(hostile_batch_from_file.issue_id)
    assert not [text for _, text, _ in driver.log if SENTINEL in text]
    assert any(SENTINEL in repr(params) for _, _, params in driver.log)


def test_cypher_in_an_input_file_is_never_executed(tmp_path: Path) -> None:
    """A file that is nothing but Cypher is loaded as text; the store keeps what it had."""
    store = tmp_path / "kg-data"
    with open_store("embedded", path=store) as s:
        s.load(issue_a())
    path = tmp_path / "evil.cypher.txt"
    path.write_text(
        "MATCH (n) DETACH DELETE n;\n\nCREATE (p:Policy {key: 'injected'});\n\n"
        ":auto LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["load", str(path), "--store", str(store), "--issue-date", "2025-01-01", "-q"],
        catch_exceptions=False, env={"KG_NEO4J_URI": ""},
    )
    assert result.exit_code == 0, result.output
    with open_store("embedded", path=store, read_only=True) as s:
        assert s.issues() == ["A", "evil.cypher"]
        assert s.node("Policy", "injected") is None
        assert s.node("Policy", "P1") is not None
        article = s.node("Article", "evil.cypher/01")
        assert article is not None and article["name"] == "MATCH (n) DETACH DELETE n;"


BOGUS_LABELS = ["Policy:Agency", "Policy) DETACH DELETE (n", "policy", "Secret", "", "Policy`"]
BOGUS_TYPES = ["ISSUED|MENTIONS", "ISSUED]->() DELETE r //", "issued", "OWNS"]


@pytest.mark.parametrize("label", BOGUS_LABELS)
def test_a_node_label_outside_the_schema_is_refused_before_any_write(store: Store, label: str) -> None:
    store.load(issue_a())
    before = store.dump()
    b = issue_a()
    bad = Node(label, "x", {"key": "x", "name": "x"})
    with pytest.raises(ValidationError, match=r"node label .* is not in schema/graph.toml; nothing was written"):
        store.load(GraphBatch("B", (node("Issue", "B"), bad), ()))
    with pytest.raises(ValidationError):
        store.load(GraphBatch("A", (*b.nodes, bad), b.edges))
    assert store.dump() == before


@pytest.mark.parametrize("rtype", BOGUS_TYPES)
def test_a_relationship_type_outside_the_schema_is_refused_before_any_write(store: Store, rtype: str) -> None:
    store.load(issue_a())
    before = store.dump()
    b = issue_a()
    g1, p1 = b.nodes[3], b.nodes[2]
    bad = Edge(rtype, g1.label, g1.key, p1.label, p1.key, {"id": "A:x", "issue_id": "A"})
    with pytest.raises(ValidationError, match=r"relationship type .* is not in schema/graph.toml"):
        store.load(GraphBatch("A", b.nodes, (*b.edges, bad)))
    assert store.dump() == before


def test_a_hostile_file_name_is_only_an_issue_id(tmp_path: Path) -> None:
    name = "x' OR 1=1 }) MATCH (n) DETACH DELETE n RETURN n; -- $issue_id"
    path = tmp_path / f"{name}.txt"
    path.write_text("标题\n\n国家医保局印发通知。\n", encoding="utf-8")
    store = tmp_path / "kg-data"
    with open_store("embedded", path=store) as s:
        s.load(issue_a())
    result = CliRunner().invoke(
        cli, ["load", str(path), "--store", str(store), "--issue-date", "2025-01-01", "-q"],
        catch_exceptions=False, env={"KG_NEO4J_URI": ""},
    )
    assert result.exit_code == 0, result.output
    with open_store("embedded", path=store) as s:
        assert s.issues() == ["A", name]
        s.retract(name)
        assert s.issues() == ["A"]
