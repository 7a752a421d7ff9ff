"""What only the embedded (LadybugDB) store does: files, locking, read-only use, real
database failures mid-load, the COPY/UPDATE split, schema evolution, and the Cypher files."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import ladybug
import pytest
from store_fixtures import edge, hostile_batch, issue_a, issue_a_v2, issue_b, synthetic_batch

from kg.errors import QueryError, SchemaError, StoreError, StoreLockedError
from kg.graphmodel import graph_model
from kg.resources import list_cypher, read_cypher
from kg.store import EmbeddedStore, open_store
from kg.store.cypher import Clause, header, ident, placeholders, render, statement
from kg.store.embedded_write import Writer, edge_key
from kg.types import GraphBatch

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path: Path) -> Any:
    s = open_store("embedded", path=tmp_path / "kg")
    yield s
    s.close()


def statements_run(monkeypatch: pytest.MonkeyPatch, fail: str = "") -> list[str]:
    """Record every statement text the store sends to LadybugDB (COPY goes through prepare());
    raise a LadybugDB-style RuntimeError for the first one that starts with ``fail``."""
    seen: list[str] = []
    real_execute, real_prepare = ladybug.Connection.execute, ladybug.Connection.prepare

    def check(text: str) -> None:
        seen.append(text)
        if fail and text.startswith(fail):
            raise RuntimeError("Runtime exception: disk full (injected)")

    def execute(self: Any, query: Any, parameters: Any = None) -> Any:
        if isinstance(query, str):
            check(query)
        return real_execute(self, query, parameters)

    def prepare(self: Any, query: str, parameters: Any = None) -> Any:
        check(query)
        return real_prepare(self, query, parameters)

    monkeypatch.setattr(ladybug.Connection, "execute", execute)
    monkeypatch.setattr(ladybug.Connection, "prepare", prepare)
    return seen


def test_store_lives_in_a_directory_and_persists(tmp_path: Path) -> None:
    path = tmp_path / "data"
    with open_store("embedded", path=path) as s:
        s.load(issue_a())
        stats = s.stats()
    assert (path / "graph.lbug").is_file()
    with open_store("embedded", path=path) as s:
        assert s.stats() == stats
        assert s.issues() == ["A"]


def test_default_path_comes_from_kg_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_STORE", str(tmp_path / "from-env"))
    with open_store("embedded") as s:
        assert isinstance(s, EmbeddedStore) and s.path == tmp_path / "from-env"
    monkeypatch.delenv("KG_STORE")
    monkeypatch.chdir(tmp_path)
    with open_store("embedded") as s:
        assert s.file == Path("kg-data") / "graph.lbug"
    assert (tmp_path / "kg-data" / "graph.lbug").is_file()


def test_a_file_is_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(StoreError, match="is a file, not a store directory"):
        open_store("embedded", path=tmp_path / "f")


def test_read_only_needs_an_existing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="there is no store at"):
        open_store("embedded", path=tmp_path / "none", read_only=True)


HOLDER = textwrap.dedent("""
    import sys
    sys.path[:0] = [{repo!r}, {tests!r}]
    from kg.store import open_store
    from store_fixtures import issue_a
    s = open_store("embedded", path={path!r})
    s.load(issue_a())
    print("ready", flush=True)
    sys.stdin.read()
    s.close()
""")


def test_second_writer_gets_a_clear_lock_error_and_readers_still_work(tmp_path: Path) -> None:
    path = tmp_path / "shared"
    code = HOLDER.format(repo=str(REPO), tests=str(REPO / "tests"), path=str(path))
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        with pytest.raises(StoreLockedError) as info:
            open_store("embedded", path=path)
        assert str(info.value) == (
            f"store {path} is in use by process {proc.pid}; wait for it to finish or use another --store"
        )
        with open_store("embedded", path=path, read_only=True) as reader:
            assert reader.issues() == ["A"]
            assert reader.run("store/issue_assertions", {"issue_id": "A"}).rows
            with pytest.raises(StoreError, match="read-only"):
                reader.load(issue_b())
            with pytest.raises(StoreError, match="read-only"):
                reader.retract("A")
    finally:
        proc.communicate("", timeout=60)
    with open_store("embedded", path=path) as s:  # free again
        assert s.issues() == ["A"]


CRASHER = textwrap.dedent("""
    import os, sys
    sys.path[:0] = [{repo!r}, {tests!r}]
    from kg.store import open_store
    from store_fixtures import issue_a
    s = open_store("embedded", path={path!r})
    s.load(issue_a())
    os._exit(0)  # no close, no checkpoint: the committed load lives only in the write-ahead log
""")


def crash_after_load(path: Path) -> None:
    code = CRASHER.format(repo=str(REPO), tests=str(REPO / "tests"), path=str(path))
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_a_committed_load_survives_a_crash(tmp_path: Path) -> None:
    crash_after_load(tmp_path / "s")
    assert (tmp_path / "s" / "graph.lbug.wal").exists()
    with open_store("embedded", path=tmp_path / "s") as s:
        assert s.issues() == ["A"]


def test_a_stale_log_from_another_database_is_explained(tmp_path: Path) -> None:
    crash_after_load(tmp_path / "old")
    open_store("embedded", path=tmp_path / "new").close()
    shutil.copy(tmp_path / "old" / "graph.lbug.wal", tmp_path / "new" / "graph.lbug.wal")
    with pytest.raises(StoreError, match=r"left behind by an earlier database; .* delete that log too"):
        open_store("embedded", path=tmp_path / "new")


def test_open_errors_are_one_sentence(tmp_path: Path) -> None:
    s = open_store("embedded", path=tmp_path / "x")
    s.close()
    err = s._open_error("Storage exception: Checksum verification failed, the WAL file is corrupted.")
    assert "recover=True" in str(err) and str(tmp_path / "x") in str(err)
    locked = s._open_error("IO exception: Could not set lock on file : /p (Error: busy)")
    assert isinstance(locked, StoreLockedError) and "another process" in str(locked)
    with pytest.raises(StoreError, match="is closed"):
        s.stats()


def test_real_database_error_mid_load_rolls_back(
    store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Make the store believe no Policy exists, so creating it hits LadybugDB's duplicate-key error
    after the issue's edges and support were already removed inside the transaction."""
    store.load(issue_a())
    store.load(issue_b())
    before, stats = store.dump(), store.stats()
    real = Writer.stored
    monkeypatch.setattr(
        Writer, "stored", lambda self, label, keys, issue: [] if label == "Policy" else real(self, label, keys, issue)
    )
    with pytest.raises(StoreError) as info:
        store.load(issue_a_v2())
    assert str(store.path) in str(info.value) and "duplicated primary key" in str(info.value)
    monkeypatch.undo()
    assert store.dump() == before and store.stats() == stats


@pytest.mark.parametrize(
    ("copy_min_rows", "prefix", "what"),
    [
        (1, "COPY SELECTED_IN", "copying"),
        (1000, "UNWIND range(1, $row_count) AS i\nWITH i, $src[i] AS s\nMATCH (a:Drug", "creating"),
    ],
)
def test_failure_in_the_last_edge_write_rolls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, copy_min_rows: int, prefix: str, what: str
) -> None:
    store = open_store("embedded", path=tmp_path / "s", copy_min_rows=copy_min_rows)
    store.load(issue_a())
    before = store.dump()
    statements_run(monkeypatch, fail=prefix)
    with pytest.raises(StoreError, match=rf"{what} 1 SELECTED_IN relationships failed: .*disk full"):
        store.load(issue_b())
    monkeypatch.undo()
    assert store.dump() == before
    store.close()


def test_large_groups_are_copied_small_ones_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = statements_run(monkeypatch)
    with open_store("embedded", path=tmp_path / "s", copy_min_rows=3) as store:
        store.load(synthetic_batch("S", 20, 30))  # 4 articles, 8 policies, 4 agencies, 3 regions; 30 edges
        copied = {s.split(" FROM")[0] for s in seen if s.startswith("COPY ")}
        assert copied == {
            "COPY Article",
            "COPY Policy",
            "COPY Agency",
            "COPY Region",
            "COPY PART_OF",
            "COPY MENTIONS",
        }
        created = [s for s in seen if "CREATE (n:Issue" in s]
        assert len(created) == 1  # one Issue node: below the threshold
        seen.clear()
        store.load(synthetic_batch("S", 20, 30))  # the same again: nodes exist, edges were replaced
        assert not any(s.startswith(("COPY Policy", "COPY Article")) for s in seen)
        assert not any("MATCH (n:Policy" in s and "SET" in s for s in seen)  # unchanged: not rewritten
        assert any(s.startswith("COPY MENTIONS") for s in seen)
        assert not any(", (" in s and "MATCH" in s for s in seen)  # never a comma MATCH


def test_bulk_load_of_thousands_of_rows(store: EmbeddedStore) -> None:
    batch = synthetic_batch("S", 1500, 3000)  # MENTIONS Article→Policy (~1350 rows) is COPYed
    report = store.load(batch)
    assert sum(report.nodes.values()) == 1500 and sum(report.edges.values()) == 3000
    stats = store.stats()
    assert sum(stats["nodes"].values()) == 1500 and sum(stats["relationships"].values()) == 3000
    store.load(batch)
    assert store.stats() == stats


def test_schema_is_created_once_and_evolves(tmp_path: Path) -> None:
    path = tmp_path / "old"
    path.mkdir()
    db = ladybug.Database(str(path / "graph.lbug"))
    conn = ladybug.Connection(db)
    conn.execute("CREATE NODE TABLE Drug(key STRING, name STRING, issues STRING[], PRIMARY KEY(key))")
    conn.execute("CREATE NODE TABLE Article(id STRING, issues STRING[], PRIMARY KEY(id))")
    conn.execute("CREATE NODE TABLE Policy(key STRING, issues STRING[], PRIMARY KEY(key))")
    conn.execute("CREATE REL TABLE SELECTED_IN(FROM Drug TO Policy, id STRING, issue_id STRING)")
    conn.execute("CREATE REL TABLE MENTIONS(FROM Article TO Policy, id STRING, issue_id STRING)")
    conn.close()
    db.close()
    with open_store("embedded", path=path) as s:
        s.ensure_schema()
        s.ensure_schema()
        s.load(issue_b())
        drug = s.node("Drug", "D1")
        assert drug is not None and drug["aliases"] == ["阿司匹林"]
        assert s.stats()["relationships"]["SELECTED_IN"] == 1 and s.stats()["relationships"]["MENTIONS"] == 2


def test_type_conflict_with_an_old_table_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad"
    path.mkdir()
    db = ladybug.Database(str(path / "graph.lbug"))
    conn = ladybug.Connection(db)
    conn.execute("CREATE NODE TABLE Policy(key STRING, year STRING, PRIMARY KEY(key))")
    conn.close()
    db.close()
    with (
        open_store("embedded", path=path) as s,
        pytest.raises(StoreError, match=r"Policy.year is STRING .* rebuild"),
    ):
        s.ensure_schema()


def test_hostile_issue_id_is_only_ever_a_parameter(store: EmbeddedStore) -> None:
    batch = hostile_batch("x' OR 1=1 // }) MATCH (n) DETACH DELETE n")
    store.load(batch)
    assert store.issues() == [batch.issue_id]
    store.retract(batch.issue_id)
    assert store.issues() == []


# -- the Cypher files ----------------------------------------------------------------------

STORE_FILES = list_cypher("schema") + list_cypher("store")


@pytest.mark.parametrize("name", STORE_FILES)
def test_every_store_cypher_file_has_a_header(name: str) -> None:
    text = read_cypher(name)
    head = header(text)
    assert head.get("name") == name.removesuffix(".lbug")
    assert head.get("description") and head.get("params")
    body = statement(name.removesuffix(".lbug"), "lbug" if name.endswith(".lbug") else "neo4j")[1]
    declared = {p.strip() for p in head.get("template", "").split(",") if p.strip()}
    assert declared == placeholders(body), "the // template: line must list exactly the placeholders"
    assert head.get("dialect") == ("lbug" if name.endswith(".lbug") else head.get("dialect"))
    assert head["dialect"] in ("portable", "neo4j", "lbug")
    assert not re.search(r"\*\s*(\]|\d*\s*\.\.\s*\])", body), "no unbounded variable-length path"


def _runs_by_name(name: str) -> bool:
    """A plain statement for this store that needs at most an issue id (the bookkeeping
    statements, which take lists of keys, run inside every load instead)."""
    text = read_cypher(name)
    body = statement(name.removesuffix(".lbug"), "lbug")[1]
    return (
        not placeholders(text)
        and header(text).get("dialect") in ("portable", "lbug")
        and set(re.findall(r"\$(\w+)", body)) <= {"issue_id"}
    )


@pytest.mark.parametrize("name", [n for n in STORE_FILES if _runs_by_name(n)])
def test_plain_statements_run_on_the_embedded_store(store: EmbeddedStore, name: str) -> None:
    store.load(issue_a())
    result = store.run(
        name.removesuffix(".lbug"), {"issue_id": "A"} if "$issue_id" in read_cypher(name) else {}
    )
    assert result.columns


def test_templates_take_only_schema_names() -> None:
    assert render("store/count_nodes", "lbug", label="Policy").startswith("MATCH (n:Policy)")
    with pytest.raises(SchemaError):
        render("store/count_nodes", "lbug", label="Policy) DETACH DELETE (n")
    with pytest.raises(SchemaError):
        render("store/count_nodes", "lbug", label="Policy", extra="x")
    with pytest.raises(SchemaError):
        render("store/dump_nodes", "lbug", label="Policy", key="key", columns="n.key AS key")  # not a Clause
    assert render("store/dump_nodes", "lbug", label="Policy", key="key", columns=Clause("n.`key` AS `key`"))
    with pytest.raises(SchemaError):
        ident("Policy`")
    for spec in graph_model().nodes:
        assert (
            render("store/nodes_by_key", "neo4j", label=spec.label, key=spec.key, columns=Clause("n")).count(
                "{"
            )
            == 1
        )


def test_dialect_variant_is_chosen_per_store() -> None:
    assert statement("store/update_nodes", "lbug")[0] == "store/update_nodes.lbug"
    assert statement("store/update_nodes", "neo4j")[0] == "store/update_nodes"
    assert statement("store/delete_issue_edges", "lbug")[0] == "store/delete_issue_edges"
    with pytest.raises(QueryError):
        statement("store/copy_nodes", "neo4j")


def test_run_errors_are_query_errors(store: EmbeddedStore) -> None:
    with pytest.raises(QueryError, match="template"):
        store.run("store/count_nodes", {})
    with pytest.raises(QueryError, match="needs the parameter"):
        store.run("store/issue_assertions", {})


def test_many_stores_can_be_open_in_one_process(tmp_path: Path) -> None:
    stores = [open_store("embedded", path=tmp_path / f"s{i}") for i in range(16)]  # 15 at LadybugDB's default
    try:
        assert stores[-1].stats()["nodes"]["Policy"] == 0
    finally:
        for s in stores:
            s.close()


@pytest.mark.parametrize("copy_min_rows", [1, 1000])
def test_embedded_and_memory_stores_agree_exactly(tmp_path: Path, copy_min_rows: int) -> None:
    steps: list[Any] = [
        issue_a(),
        issue_b(),
        hostile_batch(),
        issue_a_v2(),
        synthetic_batch("S", 60, 120),
        restating_batch(),
        "B",
        issue_b(),
        "C",
        "A",
    ]
    with (
        open_store("memory") as memory,
        open_store("embedded", path=tmp_path / "s", copy_min_rows=copy_min_rows) as embedded,
    ):
        assert isinstance(embedded, EmbeddedStore)
        for step in steps:
            for s in (memory, embedded):
                s.retract(step) if isinstance(step, str) else s.load(step)
            assert embedded.dump() == memory.dump()
            assert embedded.stats() == memory.stats()
            assert embedded.issues() == memory.issues()
            assert_bookkeeping_matches(embedded)


def restating_batch() -> GraphBatch:
    """Issue C restates issue B's ISSUED relationship (same endpoints and id): it is MERGEd."""
    b = issue_b()
    restated = edge("ISSUED", b.nodes[3], b.nodes[2], "C", "1", id="B:ISSUED:1")
    return GraphBatch("C", (b.nodes[2], b.nodes[3]), (restated,))


def assert_bookkeeping_matches(store: EmbeddedStore) -> None:
    """The ledger lists each issue's nodes (exactly those whose support holds it) and
    relationships, and the relationship index holds one entry per relationship, owned by its
    issue_id."""
    nodes, edges = store.dump()
    keyed = {edge_key(e.type, e.src_label, e.src_key, e.dst_label, e.dst_key, e.props["id"]): e for e in edges}
    index = {(k, v): i for k, v, i in store._rows("MATCH (e:_kg_edge) RETURN e.key, e.verify, e.issue_id")}
    assert index == {kv: e.props["issue_id"] for kv, e in keyed.items()}
    support: dict[str, set[tuple[str, str]]] = {}
    for n in nodes:
        for issue in n.props["issues"]:
            support.setdefault(issue, set()).add((n.label, n.key))
    rows = store._rows("MATCH (l:_kg_ledger) RETURN l.issue_id, l.nodes, l.types, l.edges")
    assert {i: {tuple(json.loads(n)) for n in ns} for i, ns, _, _ in rows} == support
    for issue, _, types, keys in rows:  # an issue's ledger lists at least the relationships it owns
        owned = [(kv, e) for kv, e in keyed.items() if e.props["issue_id"] == issue]
        assert {k for (k, _), _ in owned} <= set(keys)
        assert {e.type for _, e in owned} <= set(types)


def test_a_store_written_before_the_ledger_gets_one(tmp_path: Path) -> None:
    """Opening a store that has no ledger and relationship index rebuilds them from its data,
    after which reloads and retracts work as on any store; read-only, it still lists issues."""
    path = tmp_path / "old"
    memory = open_store("memory")
    with open_store("embedded", path=path) as s:
        for step in (issue_a(), issue_b(), restating_batch()):
            s.load(step)
            memory.load(step)
    db = ladybug.Database(str(path / "graph.lbug"))
    conn = ladybug.Connection(db)
    conn.execute("DROP TABLE _kg_ledger")
    conn.execute("DROP TABLE _kg_edge")
    conn.close()
    db.close()
    with open_store("embedded", path=path, read_only=True) as reader:
        assert reader.issues() == ["A", "B", "C"]
    with open_store("embedded", path=path) as s:
        assert isinstance(s, EmbeddedStore)
        assert_bookkeeping_matches(s)
        for step in (issue_a_v2(), "B", "C"):
            for store in (s, memory):
                store.retract(step) if isinstance(step, str) else store.load(step)
            assert s.dump() == memory.dump()
            assert_bookkeeping_matches(s)
    memory.close()


def test_sample_issues_load_the_same_as_in_memory(tmp_path: Path, sample_issues: list[Any]) -> None:
    """Real batches from the bundled samples, through the pipeline's extractors."""
    from kg.extract import default_extractors
    from kg.pipeline import issue_batch

    extractors = default_extractors()
    batches = [issue_batch(issue, extractors) for issue in sample_issues]
    with open_store("memory") as memory, open_store("embedded", path=tmp_path / "s") as embedded:
        for batch in [*batches, *batches]:
            memory.load(batch)
            embedded.load(batch)
        assert embedded.dump() == memory.dump()
        assert embedded.issues() == sorted(b.issue_id for b in batches)


def test_loading_a_new_issue_looks_everything_up_by_key(
    store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No statement of the load of a new issue into a store holding others scans a node table
    (LadybugDB has no secondary index, so a scan grows with the store); only a relationship
    that another issue asserted with the same identity is MERGEd by a statement that may."""
    store.load(issue_a())
    store.load(issue_b())
    seen: list[tuple[str, dict[str, Any]]] = []
    real = store._execute

    def record(text: str, params: Any = None, *, what: str = "a statement") -> Any:
        seen.append((text, dict(params or {})))
        return real(text, params, what=what)

    monkeypatch.setattr(store, "_execute", record)
    b = issue_b()
    restated = edge("ISSUED", b.nodes[3], b.nodes[2], "C", "1", id="B:ISSUED:1")  # MERGEd onto B's
    store.load(GraphBatch("C", (b.nodes[2], b.nodes[3]), (restated,)))
    store.load(synthetic_batch("S", 20, 30))
    monkeypatch.undo()
    merges = [text for text, _ in seen if "MERGE (a)-[r:ISSUED" in text]
    assert len(merges) == 1
    for text, params in seen:
        if text in ("BEGIN TRANSACTION", "COMMIT") or text in merges:
            continue
        plan = str(store._execute("EXPLAIN " + text, params).get_all()[0][0])
        scans = re.findall(r"(?<!PRIMARY_KEY_)SCAN_NODE_TABLE", plan)  # a key lookup is PRIMARY_KEY_SCAN_…
        assert not scans, f"this statement scans a node table:\n{text}\n{plan}"


def test_relationship_keys_tell_identities_apart() -> None:
    identities = [
        ("MENTIONS", "Article", "x", "Policy", "y", "1"),
        ("MENTIONS", "Article", "x:", "Policy", "y", "1"),
        ("MENTIONS", "Article", "1:x", "Policy", "y", "1"),
        ("MENTIONS", "Article", "", "Policy", "xy", "1"),
        ("MENTIONS", "Article", "x", "Policy", "", "y1"),
        ("MENTIONS", "Article", "x\x00", "Policy", "y", "1"),
        ("MENTIONS", "Article", "x", "Agency", "y", "1"),
    ]
    keys = [edge_key(*i) for i in identities]
    assert len(set(keys)) == len(identities)
    assert all(-(2**63) <= k < 2**63 and -(2**63) <= v < 2**63 for k, v in keys)
    assert edge_key(*identities[0]) == keys[0]  # stable
