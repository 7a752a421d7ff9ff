"""A smoke run of bench/ (tiny N, --quick) so the benchmark never rots: the generator makes
distinct, parseable issues deterministically, and every row of the JSON has numeric figures."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"


@pytest.fixture(scope="module")
def generate_module():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(BENCH))
    try:
        import generate

        yield generate
    finally:
        sys.path.remove(str(BENCH))


def test_generator_is_deterministic_and_issues_differ(generate_module, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from kg.parser import parse_path, read_manifest

    a = generate_module.generate(3, tmp_path / "a", seed=7)
    b = generate_module.generate(3, tmp_path / "b", seed=7)
    texts = [p.read_text(encoding="utf-8") for p in a]
    assert texts == [p.read_text(encoding="utf-8") for p in b]
    assert len(set(texts)) == 3
    dates = read_manifest(tmp_path / "a" / "manifest.csv")
    assert sorted(dates) == [p.name for p in a]
    issue = parse_path(a[0], issue_date=dates[a[0].name])
    assert len(issue.articles) >= 4
    # a prefix of a longer corpus is the shorter corpus
    assert generate_module.issue_content(2, 7) == generate_module.issue_content(2, 7)
    assert generate_module.issue_content(2, 7) != generate_module.issue_content(2, 8)


def test_bench_quick_run_writes_every_row(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--issues", "2,4", "--quick", "--json", str(out),
         "--work", str(tmp_path / "work")],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "| benchmark |" in proc.stdout
    result = json.loads(out.read_text(encoding="utf-8"))
    names = [r["name"] for r in result["rows"]]
    for prefix in ("extract: rules vs jieba.lcut", "extract: rules+spacy", "embedded load vs raw COPY",
                   "scaling:", "peak RSS", "incremental:", "neo4j:"):
        assert any(n.startswith(prefix) for n in names), prefix
    assert any(n.startswith(("query ", "key lookup")) for n in names)
    for row in result["rows"]:
        if row["status"] in ("skipped", "error"):
            assert row["note"], row
            continue
        for key in ("value", "baseline_value", "ratio"):
            assert isinstance(row[key], int | float) and math.isfinite(row[key]), (row["name"], key)
        assert row["peak_rss_mb"] > 0
        assert row["status"] in ("met", "missed", "reported", "no canned queries")
    assert result["machine"]["nproc"] >= 1
