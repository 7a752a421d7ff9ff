"""neo4j-admin CSV export and the cypher-shell script."""

from __future__ import annotations

import csv
from pathlib import Path

import ladybug
import pytest
from store_fixtures import HOSTILE, hostile_batch, issue_a, issue_a_v2, issue_b

from kg.errors import ValidationError
from kg.export_admin import ADMIN_TYPES, cypher_literal, export_cypher, export_neo4j_admin, rows_of
from kg.graphmodel import graph_model
from kg.store import open_store
from kg.store.cypher import render, set_from_row

BATCHES = [issue_a(), issue_b(), issue_a_v2(), hostile_batch()]


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_headers_follow_the_schema(tmp_path: Path) -> None:
    export_neo4j_admin(BATCHES, tmp_path, array_delimiter="|")
    model = graph_model()
    for spec in model.nodes:
        [header] = read_csv(tmp_path / f"nodes_{spec.label}.header.csv")
        expected = [
            f"{spec.key}:ID({spec.label})" if n == spec.key else f"{n}:{ADMIN_TYPES[t]}"
            for n, t in spec.properties
        ]
        assert header == [*expected, "issues:string[]"]
    policy = read_csv(tmp_path / "nodes_Policy.header.csv")[0]
    assert "year:long" in policy and "aliases:string[]" in policy and "draft:boolean" in policy
    for rel in model.relationships:
        for a, b in rel.endpoints:
            [header] = read_csv(tmp_path / f"rels_{rel.type}_{a}_{b}.header.csv")
            assert header[:2] == [f":START_ID({a})", f":END_ID({b})"]
            assert header[2:] == [f"{n}:{ADMIN_TYPES[t]}" for n, t in rel.properties]


def test_counts_match_an_embedded_store_loaded_from_the_same_batches(tmp_path: Path) -> None:
    written = export_neo4j_admin(BATCHES, tmp_path / "csv", array_delimiter="|")
    with open_store("embedded", path=tmp_path / "store") as store:
        for batch in BATCHES:
            store.load(batch)
        stats = store.stats()
        from_store = export_neo4j_admin(store, tmp_path / "from-store", array_delimiter="|")
    model = graph_model()
    for label in model.labels:
        assert (
            len(read_csv(tmp_path / "csv" / f"nodes_{label}.csv"))
            == stats["nodes"][label]
            == written[f"nodes_{label}"]
        )
    for rel in model.relationships:
        rows = sum(len(read_csv(tmp_path / "csv" / f"rels_{rel.type}_{a}_{b}.csv")) for a, b in rel.endpoints)
        assert rows == stats["relationships"][rel.type]
    assert from_store == written
    for name in written:
        assert (tmp_path / "csv" / f"{name}.csv").read_bytes() == (
            tmp_path / "from-store" / f"{name}.csv"
        ).read_bytes()


def test_values_round_trip_through_the_csv(tmp_path: Path) -> None:
    export_neo4j_admin([hostile_batch()], tmp_path, array_delimiter="|")
    header = read_csv(tmp_path / "nodes_Policy.header.csv")[0]
    rows = [dict(zip(header, r, strict=True)) for r in read_csv(tmp_path / "nodes_Policy.csv")]
    by_key = {r["key:ID(Policy)"]: r for r in rows}
    for n in hostile_batch().nodes:
        if n.label == "Policy":
            got = by_key[n.key]
            assert got["name:string"] == n.props["name"]
            assert got["aliases:string[]"].split("|") == n.props["aliases"]
            assert got["issues:string[]"] == "H"
    raw = (tmp_path / "nodes_Policy.csv").read_text(encoding="utf-8")
    assert ",," in raw  # a null is an empty unquoted field (kind, year…)


def test_readme_has_the_exact_command(tmp_path: Path) -> None:
    export_neo4j_admin([issue_a()], tmp_path, database="policies")
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "neo4j-admin database import full \\\n  --overwrite-destination" in readme
    assert "--array-delimiter=';'" in readme and "--multiline-fields=true" in readme
    assert "--nodes=Policy=nodes_Policy.header.csv,nodes_Policy.csv" in readme
    assert (
        "--relationships=MENTIONS=rels_MENTIONS_Article_Policy.header.csv,rels_MENTIONS_Article_Policy.csv"
        in readme
    )
    assert "  policies\n```" in readme
    schema = (tmp_path / "schema.cypher").read_text(encoding="utf-8")
    assert (
        "CREATE CONSTRAINT Policy_key_unique IF NOT EXISTS FOR (n:Policy) REQUIRE n.key IS UNIQUE;" in schema
    )


def test_an_array_item_holding_the_delimiter_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="array delimiter ';'"):
        export_neo4j_admin([hostile_batch()], tmp_path)


def test_cypher_literals_are_read_back_exactly_by_a_cypher_engine() -> None:
    db = ladybug.Database(":memory:")
    conn = ladybug.Connection(db)
    try:
        for text in [*HOSTILE, "\u2028", "\x7f", "a\\'b"]:
            got = conn.execute(f"RETURN {cypher_literal(text)} AS v").get_all()  # literal under test
            assert got == [[text]], text
        assert conn.execute(f"RETURN {cypher_literal(['x', '', 'y'])} AS v").get_all() == [[["x", "", "y"]]]
    finally:
        conn.close()
        db.close()
    assert cypher_literal(None) == "null" and cypher_literal(True) == "true" and cypher_literal(2.5) == "2.5"
    with pytest.raises(ValidationError):
        cypher_literal(float("nan"))


def test_cypher_script_reuses_the_store_statements(tmp_path: Path) -> None:
    path = tmp_path / "out" / "kg.cypher"
    count = export_cypher(BATCHES, path)
    text = path.read_text(encoding="utf-8")
    statements = [s.strip() for s in text.split(";\n") if s.strip() and not s.lstrip().startswith("//")]
    assert text.startswith("// kg export:")
    assert sum(1 for line in text.splitlines() if line.endswith(";")) == count
    model = graph_model()
    merge_edges = render(
        "store/merge_edges",
        "neo4j",
        type="SELECTED_IN",
        src_label="Drug",
        dst_label="Policy",
        src_key="key",
        dst_key="key",
        set_clause=set_from_row("r", [n for n in model.rel("SELECTED_IN").property_names if n != "id"]),
    )
    before, after = merge_edges.split("$rows")
    assert any(s.startswith(before) and s.rstrip(";\n").endswith(after) for s in statements)
    assert "`price`: '12.5元'" in text
    body = "\n".join(line for line in text.splitlines() if not line.startswith("//"))
    assert "$" not in body.replace("$issue_id {label} {set_clause}", "")  # no parameters left
    assert "CREATE CONSTRAINT" in text


def test_rows_of_accepts_stores_rows_and_batches(tmp_path: Path) -> None:
    rows = rows_of(BATCHES)
    assert rows_of(rows) is rows
    with open_store("memory") as store:
        for b in BATCHES:
            store.load(b)
        assert store.dump() == rows
