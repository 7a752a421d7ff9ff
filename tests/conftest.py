"""Shared fixtures: the real corpus (skipped with a reason when absent) and the bundled samples."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("KG_CORPUS", REPO.parent / "shared" / "corpus"))
SAMPLES = REPO / "kg" / "samples"


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []


def corpus_dates() -> dict[str, str]:
    manifest = CORPUS / "issues.csv"
    if not manifest.is_file():
        return {}
    with manifest.open(encoding="utf-8") as fh:
        return {row["file"]: row["issue_date"] for row in csv.DictReader(fh)}


def sample_files() -> list[Path]:
    return sorted(SAMPLES.glob("*.txt"))


requires_corpus = pytest.mark.skipif(
    not corpus_files(), reason=f"real corpus not found at {CORPUS} (set KG_CORPUS to its folder)"
)


@pytest.fixture(scope="session")
def corpus_issues() -> list:
    from kg.parser import parse_path

    if not corpus_files():
        pytest.skip(f"real corpus not found at {CORPUS} (set KG_CORPUS to its folder)")
    dates = corpus_dates()
    return [parse_path(p, issue_date=dates.get(p.name)) for p in corpus_files()]


@pytest.fixture(scope="session")
def sample_issues() -> list:
    from kg.parser import parse_path, read_manifest

    manifest = read_manifest(SAMPLES / "manifest.csv")
    return [parse_path(SAMPLES / name, issue_date=date) for name, date in sorted(manifest.items())]
