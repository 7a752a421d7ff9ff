"""``kg load`` / ``retract`` / ``stats`` / ``schema`` / ``demo`` on a real embedded store."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.graphmodel import graph_model
from kg.resources import samples_dir

SAMPLES = Path(str(samples_dir()))
MANIFEST = SAMPLES / "manifest.csv"
FIRST, SECOND, THIRD = sorted(p.name for p in SAMPLES.glob("sample-*.txt"))


def run(*args: str, env: dict[str, str] | None = None) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env={"KG_NEO4J_URI": "", **(env or {})})


def stats(store: Path) -> dict[str, object]:
    result = run("stats", "--store", str(store), "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.output)
    return data


def load(store: Path, *names: str, extra: tuple[str, ...] = ()) -> click.testing.Result:
    return run("load", *(str(SAMPLES / n) for n in names), "--store", str(store), "--manifest", str(MANIFEST),
               "-q", *extra)


def test_load_reports_and_is_idempotent(tmp_path: Path) -> None:
    store = tmp_path / "kg-data"
    result = load(store, FIRST, SECOND)
    assert result.exit_code == 0, result.output
    assert "2 issue(s) loaded, 0 failed" in result.output
    first = stats(store)
    assert first["issues"] == [Path(FIRST).stem, Path(SECOND).stem]
    assert first["nodes"]["Article"] == 20  # type: ignore[index]
    assert first["relationships"]["ISSUED"] > 0  # type: ignore[index]

    again = load(store, SECOND, FIRST)
    assert again.exit_code == 0
    assert "replaced" in again.output  # the same issues replaced their own assertions
    assert stats(store) == first


def test_load_json_report(tmp_path: Path) -> None:
    result = load(tmp_path / "s", FIRST, extra=("--json",))
    data = json.loads(result.output)
    assert data["failed"] == []
    (issue,) = data["loaded"]
    assert issue["issue_id"] == Path(FIRST).stem
    assert set(issue["nodes"]) == set(graph_model().labels)
    assert issue["relationships"]["PART_OF"] == 10


def test_bad_file_is_reported_others_load_store_unchanged(tmp_path: Path) -> None:
    store = tmp_path / "kg-data"
    assert load(store, FIRST).exit_code == 0
    before = stats(store)
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SAMPLES / SECOND, inputs / SECOND)
    (inputs / "a-empty.txt").write_bytes(b"")
    (inputs / "b-binary.txt").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    result = run("load", str(inputs), "--store", str(store), "--manifest", str(MANIFEST), "-q")
    assert result.exit_code == 2
    assert "a-empty.txt" in result.output and "b-binary.txt" in result.output
    assert "1 issue(s) loaded, 2 failed" in result.output
    after = stats(store)
    assert after["issues"] == [Path(FIRST).stem, Path(SECOND).stem]
    assert after["nodes"]["Article"] == before["nodes"]["Article"] + 10  # type: ignore[index]


def test_fail_fast_stops_at_first_bad_file(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a-empty.txt").write_bytes(b"")
    shutil.copy(SAMPLES / FIRST, inputs / FIRST)
    result = run("load", str(inputs), "--store", str(tmp_path / "kg-data"), "--fail-fast", "-q")
    assert result.exit_code == 2
    assert "a-empty.txt" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "kg-data" / "kg.lbug").exists() or run(
        "stats", "--store", str(tmp_path / "kg-data"), "--json").output.count("sample") == 0


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "kg-data"
    result = load(store, FIRST, extra=("--dry-run",))
    assert result.exit_code == 0, result.output
    assert "memory store" in result.output
    assert not store.exists()


def test_retract_removes_one_issue(tmp_path: Path) -> None:
    store = tmp_path / "kg-data"
    assert load(store, FIRST).exit_code == 0
    only_first = stats(store)
    assert load(store, SECOND).exit_code == 0
    result = run("retract", Path(SECOND).stem, "--store", str(store))
    assert result.exit_code == 0, result.output
    assert "removed" in result.output
    assert stats(store) == only_first
    unknown = run("retract", "no-such-issue", "--store", str(store))
    assert unknown.exit_code == 0 and "no issue 'no-such-issue'" in unknown.output


def test_stats_on_missing_store_is_one_clear_error(tmp_path: Path) -> None:
    result = run("stats", "--store", str(tmp_path / "nothing-here"))
    assert result.exit_code == 4
    assert "no store at" in result.output and "kg load" in result.output
    assert "Traceback" not in result.output


def test_schema_text_json_and_cypher() -> None:
    model = graph_model()
    text = run("schema").output
    for label in model.labels:
        assert f"({label} " in text
    data = json.loads(run("schema", "--json").output)
    assert [n["label"] for n in data["nodes"]] == list(model.labels)
    assert {r["type"] for r in data["relationships"]} == set(model.rel_types)
    cypher = run("schema", "--cypher").output
    for node in model.nodes:
        assert f":{node.label})" in cypher and node.key in cypher
    assert cypher.count("CREATE CONSTRAINT") == len(model.nodes)


def test_demo_loads_the_samples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("demo", "--store", str(tmp_path / "demo-store"))
    assert result.exit_code == 0, result.output
    assert "3 issue(s) loaded, 0 failed" in result.output
    assert stats(tmp_path / "demo-store")["nodes"]["Issue"] == 3  # type: ignore[index]
    pages = list((tmp_path / "kg-demo").glob("timeline-*.html"))
    assert len(pages) == 1 and "<svg" in pages[0].read_text(encoding="utf-8")
