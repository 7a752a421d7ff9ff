"""Running extractors over articles: overlap resolution and the JSONL output contract.

:func:`extract_issue` runs the chosen extractors on every article and merges their
mentions with an injected overlap policy (default :func:`prefer_longest`); relation
extractors run after entities and see them. :func:`to_contract` turns results into the
DESIGN §6 records that ``kg extract`` writes and ``kg eval`` scores.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .types import Article, Extraction, Issue, Mention, Relation

__all__ = [
    "TYPE_PRIORITY",
    "OverlapPolicy",
    "prefer_longest",
    "Extractors",
    "default_extractors",
    "extract_article",
    "extract_issue",
    "to_contract",
    "contract_lines",
]

TYPE_PRIORITY = {"Policy": 0, "Agency": 1, "Drug": 2, "Region": 3, "Date": 4, "Figure": 5}
"""When two mentions cover exactly the same span, the lower number wins."""

OverlapPolicy = Callable[[Sequence[Mention]], list[Mention]]


def prefer_longest(mentions: Sequence[Mention]) -> list[Mention]:
    """Keep a set of non-overlapping mentions: longer spans first, then type priority, then position."""
    ranked = sorted(mentions, key=lambda m: (-(m.end - m.start), TYPE_PRIORITY.get(m.type, 9), m.start))
    kept: list[Mention] = []
    occupied: list[tuple[int, int]] = []
    for m in ranked:
        if all(m.end <= s or m.start >= e for s, e in occupied):
            kept.append(m)
            occupied.append((m.start, m.end))
    return sorted(kept, key=lambda m: (m.start, m.end, m.type))


@dataclass(frozen=True, slots=True)
class Extractors:
    """The entity extractors, the relation extractors and the overlap policy of a run."""

    entity: tuple[Any, ...]
    relation: tuple[Any, ...] = ()
    overlap: OverlapPolicy = prefer_longest

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(e.name for e in (*self.entity, *self.relation))


def default_extractors(names: Iterable[str] = ("rules",)) -> Extractors:
    """Build the extractors named on the command line (``rules``, ``spacy`` or single names)."""
    from kg.extractors import base

    wanted: list[str] = []
    for name in names:
        if name == "rules":
            wanted += [n for n in ("policy", "agency", "region", "drug", "dates", "figures") if n in base.available()]
        else:
            wanted.append(name)
    entity = tuple(base.create(n) for n in wanted if n != "relations")
    relation = (base.create("relations"),) if "relations" in base.available() else ()
    return Extractors(entity, relation)


def extract_article(article: Article, extractors: Extractors, *, issue_date: str | None = None) -> Extraction:
    from kg.extractors.base import ArticleContext

    context = ArticleContext(issue_id=article.issue_id, issue_date=issue_date)
    mentions: list[Mention] = []
    for extractor in extractors.entity:
        mentions.extend(extractor(article, context).mentions)
    kept = tuple(extractors.overlap(mentions))
    relations: list[Relation] = []
    for extractor in extractors.relation:
        relations.extend(extractor.relations(article, kept, context))
    return Extraction(article.id, kept, tuple(relations))


def extract_issue(issue: Issue, extractors: Extractors) -> Iterator[tuple[Article, Extraction]]:
    for article in issue.articles:
        yield article, extract_article(article, extractors, issue_date=issue.date)


_ENTITY_FIELDS = ("type", "text", "norm", "start", "end", "extractor", "rule", "level", "kind", "iso", "precision",
                  "relative", "inferred", "value", "unit", "qualifier", "doc_no", "count", "parent")


def _rel_name_zh(rel_type: str) -> str:
    from .graphmodel import graph_model

    try:
        return graph_model().rel(rel_type).name_zh
    except Exception:  # noqa: BLE001 - an unknown type is rejected later by validation
        return rel_type


def to_contract(issue: Issue, article: Article, extraction: Extraction) -> dict[str, Any]:
    """One DESIGN §6 record (plain dict, key order fixed)."""
    return {
        "issue_id": issue.id,
        "issue_date": issue.date,
        "source_file": issue.source_file,
        "article_id": article.id,
        "title": article.title,
        "section": article.section,
        "source": article.source,
        "entities": [{f: getattr(m, f) for f in _ENTITY_FIELDS} for m in extraction.mentions],
        "relations": [
            {
                "type": r.type,
                "name_zh": _rel_name_zh(r.type),
                "head": r.head,
                "head_type": r.head_type,
                "tail": r.tail,
                "tail_type": r.tail_type,
                "evidence": r.evidence,
                "start": r.start,
                "end": r.end,
                "extractor": r.extractor,
                "rule": r.rule,
                "props": dict(r.props),
            }
            for r in extraction.relations
        ],
    }


def contract_lines(issue: Issue, results: Iterable[tuple[Article, Extraction]]) -> Iterator[str]:
    """JSON Lines, deterministic: same input, byte-identical output."""
    for article, extraction in results:
        yield json.dumps(to_contract(issue, article, extraction), ensure_ascii=False)
