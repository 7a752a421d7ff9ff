"""The `kg extract` JSONL contract: valid against the shipped JSON Schema, offsets exact, deterministic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLES, corpus_files, requires_corpus

from kg.cli import cli
from kg.parser import parse_path
from kg.resources import read_schema_text

jsonschema = pytest.importorskip("jsonschema", reason="dev extra not installed: pip install 'kg[dev]'")


def extract(*args: str) -> str:
    result = CliRunner().invoke(cli, ["extract", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def check_records(output: str, paths: list[Path], dates: dict[str, str] | None = None) -> list[dict]:
    schema = json.loads(read_schema_text("extraction.schema.json"))
    records = [json.loads(line) for line in output.splitlines()]
    texts = {}
    for p in paths:
        for a in parse_path(p, issue_date=(dates or {}).get(p.name, "2025-01-01")).articles:
            texts[a.id] = a.text
    for rec in records:
        jsonschema.validate(rec, schema)
        text = texts[rec["article_id"]]
        for e in rec["entities"]:
            assert text[e["start"] : e["end"]] == e["text"], e
    return records


def test_contract_on_samples_is_valid_and_deterministic() -> None:
    paths = sorted(SAMPLES.glob("*.txt"))
    assert len(paths) == 3
    args = [*map(str, paths), "--manifest", str(SAMPLES / "manifest.csv")]
    first = extract(*args)
    assert first == extract(*args)
    manifest = dict(line.split(",") for line in (SAMPLES / "manifest.csv").read_text().split()[1:])
    records = check_records(first, paths, manifest)
    assert len(records) == 10 * len(paths)
    assert {e["type"] for r in records for e in r["entities"]} >= {"Policy", "Date", "Figure"}


def test_standalone_article(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("国家医保局发布新规\n\n2025 年 3 月 1 日，国家医保局印发《关于X的通知》，超 30%。\n", encoding="utf-8")
    [rec] = check_records(extract(str(path), "--issue-date", "2025-03-02"), [path], {"a.txt": "2025-03-02"})
    types = [e["type"] for e in rec["entities"]]
    assert "Policy" in types and "Date" in types and "Figure" in types


@requires_corpus
def test_contract_on_corpus_is_valid_and_deterministic() -> None:
    from conftest import CORPUS, corpus_dates

    paths = corpus_files()
    args = [*map(str, paths), "--manifest", str(CORPUS / "issues.csv")]
    first = extract(*args)
    assert first == extract(*args)
    records = check_records(first, paths, corpus_dates())
    assert len(records) == 50
