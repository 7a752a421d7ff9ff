"""Quality floors on the out-of-domain set: other publishers' styles must not get worse.

``tests/gold/ood/`` holds 12 short texts hand-written for kg in the styles of other publishers
(State Council notices, press releases, announcements, interviews …; see its README), annotated
in ``tests/gold/ood.jsonl`` by the guide. ``ood-dev`` texts were read while fixing rules, so
their floor is high; ``ood-test`` texts never were (only their summary table was printed), so
theirs is the honest figure. Floors sit a little under the figures measured when they were set.
Entity types with fewer than ``MIN_GOLD`` gold mentions in a split are not floored one by one
(they still count in the micro average); of the relation types only ISSUED is. The texts ship
with the repository: no corpus is needed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import assert_floors

from kg.evaluate import EvalReport, evaluate, load_gold, predict_corpus

GOLD = Path(__file__).parent / "gold" / "ood.jsonl"
TEXTS = Path(__file__).parent / "gold" / "ood"
MIN_GOLD = 10

FLOORS = {
    # split: (entity micro F1, each entity type F1, relation micro F1, ISSUED F1)
    # measured: ood-dev 0.994 / 0.941 (Drug, 9 gold: not floored) 0.986 / 1.000 / 1.000 (4 ISSUED)
    "ood-dev": (0.97, 0.95, 0.95, 0.90),
    # measured: ood-test 0.950 / 0.868 (Agency) / 0.800 / 0.824
    "ood-test": (0.92, 0.83, 0.75, 0.78),
}


def _report(split: str) -> EvalReport:
    gold = load_gold(GOLD, split)
    assert len(gold) == 6, f"the {split} split has {len(gold)} texts, not 6"
    preds, texts = predict_corpus(gold, TEXTS, TEXTS / "issues.csv", ["rules"])
    return evaluate(gold, preds, texts)


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_ood_extraction_quality_floor(split: str) -> None:
    assert_floors(_report(split), FLOORS[split], MIN_GOLD)


def test_ood_gold_matches_its_texts() -> None:
    """Every gold record's offsets slice its surface out of the parsed text (no realignment)."""
    gold = load_gold(GOLD)
    assert {g.split for g in gold} == {"ood-dev", "ood-test"}
    _, texts = predict_corpus(gold, TEXTS, TEXTS / "issues.csv", ["rules"])
    for g in gold:
        text = texts[g.article_id]
        for e in g.entities:
            assert text[e.start : e.end] == e.text, (g.article_id, e)
        norms = {e.norm for e in g.entities}
        for r in g.relations:
            assert {r.head, r.tail} <= norms, (g.article_id, r)
