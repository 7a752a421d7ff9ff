"""Quality floors: ``kg eval`` of the rule extractors on the gold set must not drop.

The floors sit a little under the figures measured when they were set (README, Quality), so
that a change that makes extraction worse fails here. ``test`` articles were never looked at
while the rules were written; ``dev`` articles were, so their floor is higher. Types with
fewer than ``MIN_GOLD`` gold mentions in a split are not floored one by one (they still
count in the micro average).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CORPUS, assert_floors, requires_corpus

from kg.evaluate import EvalReport, evaluate, load_gold, predict_corpus

GOLD = Path(__file__).parent / "gold" / "gold.jsonl"
MIN_GOLD = 10

FLOORS = {
    # split: (entity micro F1, each entity type F1, relation micro F1, ISSUED F1)
    "test": (0.93, 0.85, 0.75, 0.85),
    "dev": (0.97, 0.93, 0.90, 0.90),
}


def _report(split: str) -> EvalReport:
    gold = load_gold(GOLD, split)
    assert len(gold) >= 10, f"the {split} split has only {len(gold)} articles"
    manifest = CORPUS / "issues.csv"
    preds, texts = predict_corpus(gold, CORPUS, manifest if manifest.exists() else None, ["rules"])
    return evaluate(gold, preds, texts)


@requires_corpus
@pytest.mark.corpus
@pytest.mark.parametrize("split", sorted(FLOORS))
def test_extraction_quality_floor(split: str) -> None:
    assert_floors(_report(split), FLOORS[split], MIN_GOLD)


@requires_corpus
def test_gold_set_is_big_enough_and_disjoint_from_held_out() -> None:
    gold = load_gold(GOLD)
    assert len(gold) >= 20
    listed = CORPUS / "HELD-OUT.md"
    if not listed.exists():
        pytest.skip(f"{listed} is absent")
    held_out = {
        "".join(cells[2].split())
        for line in listed.read_text(encoding="utf-8").splitlines()
        if line.startswith("| ") and ".txt" in line and len(cells := line.split("|")) > 3
    }
    assert len(held_out) == 13
    for g in gold:
        assert "".join(g.title.split()) not in held_out, f"{g.article_id} is held out"
