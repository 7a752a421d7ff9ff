"""The Neo4j store: its edges (configuration, errors, secrets, driver use) against a fake
driver that records which Cypher file ran with which parameters, plus live checks when
KG_NEO4J_URI points at a server. Its semantics are tested by tests/test_store_contract.py
(the ``neo4j`` parameter) on a live server — never only here."""

from __future__ import annotations

import json
import logging
import shutil
import socket
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from store_fixtures import hostile_batch, issue_a, issue_b, requires_neo4j

from kg.errors import ConnectionConfigError, DependencyError, StoreError
from kg.export_admin import export_cypher
from kg.graphmodel import graph_model
from kg.resources import list_cypher
from kg.store import Neo4jStore, open_store
from kg.store.cypher import placeholders, render, return_columns, set_from_row, statement, support_property

neo4j = pytest.importorskip("neo4j")
REPO = Path(__file__).resolve().parent.parent
SECRET = "pa$$w0rd-Ünïcode-😀-never-shown"


# -- a fake driver -------------------------------------------------------------------------


class FakeRecord(dict[str, Any]):
    def data(self) -> dict[str, Any]:
        return dict(self)


class FakeResult:
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def __iter__(self) -> Iterator[FakeRecord]:
        return iter(FakeRecord(r) for r in self.rows)

    def keys(self) -> list[str]:
        return list(self.rows[0]) if self.rows else []

    def consume(self) -> None:
        return None


class FakeTx:
    def __init__(self, driver: FakeDriver) -> None:
        self.driver = driver

    def run(self, text: str, parameters: dict[str, Any] | None = None) -> FakeResult:
        params = dict(parameters or {})
        self.driver.log.append((self.driver.mode, text, params))
        return FakeResult(self.driver.answer(text, params))


class FakeSession:
    def __init__(self, driver: FakeDriver) -> None:
        self.driver = driver

    def __enter__(self) -> FakeSession:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def execute_write(self, fn: Callable[[FakeTx], Any]) -> Any:
        self.driver.mode = "write"
        self.driver.transactions += 1
        return fn(FakeTx(self.driver))

    def execute_read(self, fn: Callable[[FakeTx], Any]) -> Any:
        self.driver.mode = "read"
        return fn(FakeTx(self.driver))


class FakeDriver:
    def __init__(self, fail: Exception | None = None) -> None:
        self.log: list[tuple[str, str, dict[str, Any]]] = []
        self.sessions: list[str | None] = []
        self.transactions = 0
        self.mode = ""
        self.fail = fail
        self.closed = False

    def verify_connectivity(self) -> None:
        if self.fail:
            raise self.fail

    def session(self, database: str | None = None) -> FakeSession:
        self.sessions.append(database)
        return FakeSession(self)

    def close(self) -> None:
        self.closed = True

    def answer(self, text: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        if "RETURN count(r) AS deleted" in text or "RETURN count(n) AS deleted" in text:
            return [{"deleted": 0}]
        if "RETURN count(" in text:
            return [{"n": 0}]
        if "MERGE (n:" in text and "coalesce" in text:  # claim: every node is new
            label = text.split("MERGE (n:")[1].split(" ")[0]
            key = graph_model().node(label).key
            return [{key: k, support_property(): []} for k in params["keys"]]
        if text.startswith("RETURN 1"):
            return [{"ok": 1}]
        return []


def catalog() -> dict[str, str]:
    """Every Neo4j statement text the store can render → the cypher file it came from."""
    model, support = graph_model(), support_property()
    out: dict[str, str] = {}
    for spec in model.nodes:
        names = [*spec.property_names, support]
        out[render("schema/node_key", "neo4j", label=spec.label, key=spec.key)] = "schema/node_key"
        out[render("store/unsupport", "neo4j", label=spec.label, key=spec.key, support=support)] = (
            "store/unsupport"
        )
        out[
            render(
                "store/claim_nodes",
                "neo4j",
                label=spec.label,
                key=spec.key,
                support=support,
                columns=return_columns("n", names),
            )
        ] = "store/claim_nodes"
        out[
            render(
                "store/update_nodes",
                "neo4j",
                label=spec.label,
                key=spec.key,
                set_clause=set_from_row("n", [n for n in names if n != spec.key]),
            )
        ] = "store/update_nodes"
        out[render("store/delete_unsupported", "neo4j", label=spec.label, key=spec.key, support=support)] = (
            "store/delete_unsupported"
        )
        out[render("store/count_nodes", "neo4j", label=spec.label)] = "store/count_nodes"
        for name in ("store/nodes_by_key", "store/dump_nodes"):
            out[render(name, "neo4j", label=spec.label, key=spec.key, columns=return_columns("n", names))] = (
                name
            )
        out[
            render(
                "store/merge_nodes",
                "neo4j",
                label=spec.label,
                key=spec.key,
                set_clause=set_from_row("n", [n for n in names if n != spec.key]),
            )
        ] = "store/merge_nodes"
    for rel in model.relationships:
        for prop in ("id", "issue_id"):
            out[render("schema/rel_index", "neo4j", type=rel.type, property=prop)] = "schema/rel_index"
        out[render("store/delete_issue_edges", "neo4j", type=rel.type)] = "store/delete_issue_edges"
        out[render("store/count_edges", "neo4j", type=rel.type)] = "store/count_edges"
        for a, b in rel.endpoints:
            out[
                render(
                    "store/merge_edges",
                    "neo4j",
                    type=rel.type,
                    src_label=a,
                    dst_label=b,
                    src_key=model.node(a).key,
                    dst_key=model.node(b).key,
                    set_clause=set_from_row("r", [n for n in rel.property_names if n != "id"]),
                )
            ] = "store/merge_edges"
            out[
                render(
                    "store/dump_edges",
                    "neo4j",
                    type=rel.type,
                    src_label=a,
                    dst_label=b,
                    src_key=model.node(a).key,
                    dst_key=model.node(b).key,
                    columns=return_columns("r", rel.property_names),
                )
            ] = "store/dump_edges"
    out[render("store/issues", "neo4j", support=support)] = "store/issues"
    for name in ("store/ping", "store/issue_assertions"):
        out[statement(name, "neo4j")[1]] = name
    return out


def ran(driver: FakeDriver) -> list[tuple[str, str, dict[str, Any]]]:
    names = catalog()
    return [(mode, names[text], params) for mode, text, params in driver.log]


def fake_store(**kwargs: Any) -> tuple[Neo4jStore, FakeDriver]:
    driver = FakeDriver()
    return Neo4jStore("neo4j://db.example:7687", password=SECRET, driver=driver, **kwargs), driver


# -- unit tests with the fake --------------------------------------------------------------


def test_constraints_come_first_one_per_label_and_rel_indexes() -> None:
    store, driver = fake_store()
    driver.log.clear()
    store.load(issue_a())
    names = [name for _, name, _ in ran(driver)]
    n_labels, n_types = len(graph_model().labels), len(graph_model().rel_types)
    assert names[:n_labels] == ["schema/node_key"] * n_labels
    assert names[n_labels : n_labels + 2 * n_types] == ["schema/rel_index"] * (2 * n_types)
    assert "schema/node_key" not in names[n_labels:]
    driver.log.clear()
    store.ensure_schema()  # cached: nothing runs again
    assert driver.log == []


def test_load_is_one_write_transaction_in_the_documented_order() -> None:
    store, driver = fake_store()
    store.ensure_schema()
    driver.log.clear()
    before = driver.transactions
    store.load(issue_a())
    assert driver.transactions == before + 1
    steps = [name for _, name, _ in ran(driver)]
    order = [
        "store/delete_issue_edges",
        "store/unsupport",
        "store/claim_nodes",
        "store/update_nodes",
        "store/merge_edges",
        "store/delete_unsupported",
    ]
    firsts = [steps.index(s) for s in order if s in steps]
    assert firsts == sorted(firsts)
    assert steps.count("store/delete_issue_edges") == len(graph_model().rel_types)
    assert {mode for mode, _, _ in driver.log} == {"write"}
    assert all(
        p == {"issue_id": "A"}
        for _, n, p in ran(driver)
        if n in ("store/delete_issue_edges", "store/unsupport")
    )


def test_the_report_counts_only_nodes_that_were_not_there(monkeypatch: pytest.MonkeyPatch) -> None:
    store, driver = fake_store()
    assert store.load(issue_a()).created_nodes == store.load(issue_a()).nodes  # the fake: all new
    support = support_property()
    plain = driver.answer

    def answer(text: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        if text == render("store/unsupport", "neo4j", label="Region", key="key", support=support):
            return [{"key": "R1"}]  # R1 was this issue's own node: emptied by the reload, not new
        rows = plain(text, params)
        if "MERGE (n:Policy" in text:  # P1 is supported by another issue already
            rows = [{**r, support: ["B"]} for r in rows]
        return rows

    monkeypatch.setattr(driver, "answer", answer)
    report = store.load(issue_a())
    assert report.created_nodes["Policy"] == 0 and report.created_nodes["Region"] == 0
    assert report.created_nodes["Agency"] == report.nodes["Agency"]


def test_node_rows_carry_every_property_and_the_support_list() -> None:
    store, driver = fake_store()
    store.load(issue_a())
    updates = [p["rows"] for _, n, p in ran(driver) if n == "store/update_nodes"]
    policy = next(r for rows in updates for r in rows if r.get("key") == "P1")
    spec = graph_model().node("Policy")
    assert set(policy) == {*spec.property_names, "issues"}
    assert policy["issues"] == ["A"] and policy["aliases"] == ["通知甲"] and policy["doc_no"] is None


def test_edges_are_batched_by_batch_size() -> None:
    store, driver = fake_store(batch_size=2)
    store.load(issue_b())
    mentions = [
        p["rows"]
        for _, n, p in ran(driver)
        if n == "store/merge_edges" and p["rows"][0]["id"].startswith("B:MENT")
    ]
    assert [len(rows) for rows in mentions] == [1, 1]  # two endpoint pairs, one row each
    merged = [r for _, n, p in ran(driver) if n == "store/merge_edges" for r in p["rows"]]
    assert sorted(r["id"] for r in merged) == sorted(e.props["id"] for e in issue_b().edges)
    sel = next(r for r in merged if r["id"] == "B:SELECTED_IN:1")
    assert sel["src"] == "D1" and sel["dst"] == "P1" and sel["price"] == "12.5元" and sel["issue_id"] == "B"
    claims = [p["keys"] for _, n, p in ran(driver) if n == "store/claim_nodes"]
    assert all(len(keys) <= 2 for keys in claims)
    with pytest.raises(StoreError, match="batch size"):
        Neo4jStore("neo4j://x:7687", driver=FakeDriver(), batch_size=0)


def test_failure_inside_the_transaction_function_propagates(monkeypatch: pytest.MonkeyPatch) -> None:
    store, _ = fake_store()

    def boom(stage: str) -> None:
        if stage == "nodes-written":
            raise RuntimeError("injected")

    monkeypatch.setattr(store, "_step", boom)
    with pytest.raises(RuntimeError, match="injected"):
        store.load(issue_a())


def test_reads_use_read_transactions_and_templates_are_not_runnable() -> None:
    store, driver = fake_store()
    driver.log.clear()
    assert store.stats()["nodes"]["Policy"] == 0
    assert {mode for mode, _, _ in driver.log} == {"read"}
    with pytest.raises(Exception, match="template"):
        store.run("store/count_nodes", {})
    driver.log.clear()
    store.run("store/issue_assertions", {"issue_id": "A"})
    assert driver.log[0][2] == {"issue_id": "A"}


def test_configuration_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KG_NEO4J_URI", "neo4j+s://aura.example:7687")
    monkeypatch.setenv("KG_NEO4J_USER", "analyst")
    monkeypatch.setenv("KG_NEO4J_PASSWORD", SECRET)
    monkeypatch.setenv("KG_NEO4J_DATABASE", "policies")
    driver = FakeDriver()
    store = Neo4jStore(driver=driver)
    assert (store.uri, store.user, store.database) == ("neo4j+s://aura.example:7687", "analyst", "policies")
    assert set(driver.sessions) == {"policies"}
    assert SECRET not in repr(store) and SECRET not in str(vars(store))
    store.close()
    assert driver.closed


def test_missing_uri_and_bad_scheme_are_clear(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KG_NEO4J_URI", raising=False)
    with pytest.raises(ConnectionConfigError, match="set KG_NEO4J_URI"):
        open_store("neo4j")
    with pytest.raises(ConnectionConfigError, match="must start with one of"):
        open_store("neo4j", uri="http://localhost:7474", password=SECRET)


def test_missing_driver_names_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "neo4j", None)
    with pytest.raises(DependencyError, match=r"pip install 'kg\[neo4j\]'"):
        open_store("neo4j", uri="neo4j://localhost:7687")


def hydrated(code: str, message: str) -> Exception:
    err: Exception = neo4j.exceptions.Neo4jError._hydrate_neo4j(code=code, message=message)
    return err


@pytest.mark.parametrize(
    ("error", "pattern"),
    [
        (
            lambda: neo4j.exceptions.AuthError("The client is unauthorized due to authentication failure."),
            "rejected the credentials of user 'neo4j'; check KG_NEO4J_USER and KG_NEO4J_PASSWORD",
        ),
        (
            lambda: neo4j.exceptions.ServiceUnavailable("Couldn't connect to db.example:7687"),
            "cannot reach Neo4j store neo4j://db.example:7687 .*server is running",
        ),
        (
            lambda: hydrated("Neo.ClientError.Database.DatabaseNotFound", "Database does not exist."),
            "has no database 'nope'; create it or set KG_NEO4J_DATABASE",
        ),
        (
            lambda: hydrated("Neo.ClientError.Security.Forbidden", f"denied for {SECRET}"),
            "refused user 'neo4j'",
        ),
    ],
)
def test_connection_errors_are_one_sentence_without_the_password(
    error: Callable[[], Exception], pattern: str
) -> None:
    with pytest.raises(ConnectionConfigError, match=pattern) as info:
        Neo4jStore("neo4j://db.example:7687", password=SECRET, database="nope", driver=FakeDriver(error()))
    assert SECRET not in str(info.value)
    assert SECRET not in "".join(traceback.format_exception(info.value))


def test_other_server_errors_during_a_load_are_store_errors() -> None:
    store, driver = fake_store()
    store.ensure_schema()

    def answer(text: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        raise hydrated("Neo.ClientError.Statement.TypeError", "boom")

    driver.answer = answer  # type: ignore[method-assign]
    with pytest.raises(
        StoreError, match=r"loading issue A failed \(Neo.ClientError.Statement.TypeError: boom\)"
    ):
        store.load(issue_a())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_server_error_never_shows_the_password(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real driver against a closed port: the error and every log line are free of the secret."""
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("KG_NEO4J_PASSWORD", SECRET)
    port = free_port()
    with pytest.raises(ConnectionConfigError) as info:
        open_store("neo4j", uri=f"bolt://127.0.0.1:{port}", connection_timeout=2)
    message = str(info.value)
    assert message.startswith(f"cannot reach Neo4j store bolt://127.0.0.1:{port}")
    other = SECRET[::-1]
    with pytest.raises(ConnectionConfigError) as info2:
        open_store(
            "neo4j", uri=f"bolt://neo4j:{SECRET}@127.0.0.1:{port}", password=other, connection_timeout=2
        )
    for text in (message, str(info2.value), caplog.text, "".join(traceback.format_exception(info2.value))):
        assert SECRET not in text and other not in text


def test_neo4j_statements_have_no_lbug_only_syntax() -> None:
    for name in list_cypher("store") + list_cypher("schema"):
        if name.endswith(".lbug"):
            continue
        text = statement(name, "neo4j")[1]
        for lbug_only in ("list_filter", "COPY ", "CALL show_", "label(", "CAST("):
            assert lbug_only not in text, f"{name} uses {lbug_only}"
        assert placeholders(text) <= {
            "label",
            "key",
            "type",
            "src_label",
            "dst_label",
            "src_key",
            "dst_key",
            "support",
            "property",
            "columns",
            "set_clause",
        }


LINTER = REPO / "tools" / "cypherlint" / "node_modules" / "@neo4j-cypher" / "language-support"
LINT_JS = """
import { lintCypherQuery, testData } from '@neo4j-cypher/language-support';
import fs from 'fs';
const { queries, schema } = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const builtins = r => Object.fromEntries(Object.entries(r).filter(([k]) => !k.startsWith('apoc.')));
const m = testData.mockSchema;
const db = { ...schema, functions: {'CYPHER 5': builtins(m.functions['CYPHER 5'])},
             procedures: {'CYPHER 5': builtins(m.procedures['CYPHER 5'])}, defaultLanguage: 'CYPHER 5' };
const out = {};
for (const [name, q] of Object.entries(queries)) {
  const d = lintCypherQuery(q, db, { consoleCommandsEnabled: false }).diagnostics
    .filter(x => !/Parameter \\$\\w+ is not defined/.test(x.message));
  if (d.length) out[name] = d.map(x => x.message);
}
console.log(JSON.stringify(out));
"""


@pytest.mark.skipif(
    not LINTER.is_dir() or not shutil.which("node"),
    reason="Neo4j's Cypher linter is not installed (npm ci --prefix tools/cypherlint)",
)
def test_every_neo4j_statement_passes_neo4js_own_parser(tmp_path: Path) -> None:
    """Rendered for every label and type, plus the export script with hostile literals."""
    queries = {f"{name} #{i}": text for i, (text, name) in enumerate(catalog().items())}
    script = tmp_path / "export.cypher"
    export_cypher([issue_a(), issue_b(), hostile_batch()], script)
    body = "\n".join(
        line for line in script.read_text(encoding="utf-8").splitlines() if not line.startswith("//")
    )
    queries.update({f"export #{i}": s.strip() for i, s in enumerate(body.split(";\n")) if s.strip()})
    model = graph_model()
    schema = {
        "labels": list(model.labels),
        "relationshipTypes": list(model.rel_types),
        "propertyKeys": [*model.property_keys(), support_property(), "src", "dst"],
    }
    (tmp_path / "q.json").write_text(json.dumps({"queries": queries, "schema": schema}), encoding="utf-8")
    (tmp_path / "lint.mjs").write_text(LINT_JS, encoding="utf-8")
    (tmp_path / "node_modules").symlink_to(LINTER.parent.parent)
    done = subprocess.run(
        ["node", str(tmp_path / "lint.mjs"), str(tmp_path / "q.json")],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    assert json.loads(done.stdout) == {}


# -- live server (KG_NEO4J_URI) ------------------------------------------------------------


@pytest.mark.neo4j
@requires_neo4j
def test_live_bad_credentials_are_reported() -> None:
    with pytest.raises(ConnectionConfigError, match="rejected the credentials") as info:
        open_store("neo4j", password=SECRET)
    assert SECRET not in str(info.value)


@pytest.mark.neo4j
@requires_neo4j
def test_live_missing_database_is_reported() -> None:
    with pytest.raises(ConnectionConfigError, match="has no database"):
        open_store("neo4j", database="kg-no-such-database")
