"""Shared fixtures: the real corpus (skipped with a reason when absent) and the bundled samples."""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any

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


def assert_floors(report: Any, floors: tuple[float, float, float, float], min_gold: int) -> None:
    """An eval report is at or above its floors: (entity micro F1, each entity type's F1 — types
    with fewer than ``min_gold`` gold mentions only count in the micro —, relation micro F1,
    ISSUED F1)."""
    micro_floor, type_floor, rel_floor, issued_floor = floors
    assert report.micro(report.strict).f1 >= micro_floor
    for etype, score in report.strict.items():
        if score.tp + score.fn >= min_gold:
            assert score.f1 >= type_floor, f"{etype}: F1 {score.f1:.3f} < {type_floor}"
    assert report.micro(report.relations).f1 >= rel_floor
    assert report.relations["ISSUED"].f1 >= issued_floor
