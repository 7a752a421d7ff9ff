"""Running extractors over articles: overlap resolution and the JSONL output contract.

:func:`extract_issue` runs the chosen extractors on every article and merges their
mentions with an injected overlap policy (default :func:`prefer_longest`); relation
extractors run after entities and see them. :func:`to_contract` turns results into the
DESIGN §6 records that ``kg extract`` writes and ``kg eval`` scores.
"""

from __future__ import annotations

import json
import logging
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from .types import Article, Extraction, Issue, Mention, Relation

__all__ = [
    "TYPE_PRIORITY",
    "Extractors",
    "OverlapPolicy",
    "canonical_key",
    "contract_lines",
    "default_extractors",
    "extract_article",
    "extract_issue",
    "prefer_extractors",
    "prefer_longest",
    "rules_first",
    "to_contract",
]

logger = logging.getLogger(__name__)

TYPE_PRIORITY = {"Policy": 0, "Agency": 1, "Drug": 2, "Region": 3, "Date": 4, "Figure": 5}
"""When two mentions cover exactly the same span, the lower number wins."""

OverlapPolicy = Callable[[Sequence[Mention]], list[Mention]]


def prefer_longest(mentions: Sequence[Mention]) -> list[Mention]:
    """Keep a set of non-overlapping mentions: longer spans first, then type priority, then position."""
    ranked = sorted(mentions, key=lambda m: (-(m.end - m.start), TYPE_PRIORITY.get(m.type, 9), m.start))
    return _greedy(ranked)


def _greedy(ranked: Sequence[Mention]) -> list[Mention]:
    """Keep each mention in turn that overlaps none kept before it; sorted by position."""
    if any(m.end <= m.start for m in ranked):  # empty spans: the plain quadratic check
        kept: list[Mention] = []
        occupied: list[tuple[int, int]] = []
        for m in ranked:
            if all(m.end <= s or m.start >= e for s, e in occupied):
                kept.append(m)
                occupied.append((m.start, m.end))
        return sorted(kept, key=lambda m: (m.start, m.end, m.type))
    # Kept spans are disjoint and non-empty, so sorted by start they are sorted by end too: only
    # the last kept span starting before m.end can overlap m.
    kept = []
    starts: list[int] = []
    ends: list[int] = []
    for m in ranked:
        i = bisect_left(starts, m.end) - 1
        if i >= 0 and ends[i] > m.start:
            continue
        kept.append(m)
        starts.insert(i + 1, m.start)
        ends.insert(i + 1, m.end)
    return sorted(kept, key=lambda m: (m.start, m.end, m.type))


def prefer_extractors(order: Sequence[str]) -> OverlapPolicy:
    """An ensemble policy: mentions of an earlier extractor in ``order`` win every overlap.

    Within one extractor overlaps are resolved as by :func:`prefer_longest`; a later
    extractor's mention is kept only where it overlaps nothing already kept, so it can add
    mentions but never move or drop an earlier one. Extractors not named come last.
    """
    rank = {name: i for i, name in enumerate(order)}

    def policy(mentions: Sequence[Mention]) -> list[Mention]:
        ranked = sorted(mentions, key=lambda m: (rank.get(m.extractor, len(rank)), -(m.end - m.start),
                                                 TYPE_PRIORITY.get(m.type, 9), m.start, m.end))
        return _greedy(ranked)

    return policy


_RULES_THEN_SPACY = prefer_extractors(("rules", "spacy"))


def rules_first(mentions: Sequence[Mention]) -> list[Mention]:
    """The default ensemble of ``--extractors rules,spacy``: the rules' mentions stand; spaCy fills gaps.

    spaCy's gazetteer-ruler mentions (``rule == "spacy:ruler"``) are dropped first: they
    repeat the rules' gazetteers without the rules' filters, so they only add false positives.
    """
    return _RULES_THEN_SPACY([m for m in mentions if m.rule != "spacy:ruler"])


@dataclass(frozen=True, slots=True)
class Extractors:
    """The entity extractors, the relation extractors and the overlap policy of a run."""

    entity: tuple[Any, ...]
    relation: tuple[Any, ...] = ()
    overlap: OverlapPolicy = prefer_longest

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(e.name for e in (*self.entity, *self.relation))


def default_extractors(names: Iterable[str] = ("rules",), *, overlap: OverlapPolicy | None = None) -> Extractors:
    """Build the extractors named on the command line (``rules``, ``spacy``, ``auto`` or single names).

    ``auto`` is ``rules,spacy`` when spaCy is importable, else ``rules`` (logged once).
    ``overlap`` defaults to :func:`rules_first` when spaCy runs with other extractors, else
    :func:`prefer_longest`.
    """
    from kg.extractors import base

    wanted: list[str] = []
    for name in _expand_auto(names):
        if name == "rules":
            wanted += [n for n in ("policy", "agency", "region", "drug", "dates", "figures") if n in base.available()]
        else:
            wanted.append(name)
    entity = tuple(base.create(n) for n in wanted if n != "relations")
    relation = (base.create("relations"),) if "relations" in base.available() else ()
    if overlap is None:
        overlap = rules_first if "spacy" in wanted and len(wanted) > 1 else prefer_longest
    return Extractors(entity, relation, overlap)


def _expand_auto(names: Iterable[str]) -> list[str]:
    from .spacy_pipeline import spacy_available

    out: list[str] = []
    for name in names:
        if name != "auto":
            out.append(name)
        elif spacy_available():
            out += ["rules", "spacy"]
        else:
            logger.warning("spaCy is not installed: extracting with the rules only (pip install 'kg[spacy]' adds it)")
            out.append("rules")
    return out


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


@cache
def _rule_extractors() -> Extractors:
    return default_extractors(("rules",))


def canonical_key(label: str, text: str) -> str:
    """The key an entity written ``text`` gets (国家医保局 → 国家医疗保障局, 浙江 → 浙江省), when
    the rule extractors read all of ``text`` as one ``label`` mention; else ``text`` as given.
    Lets a user name an agency or region the way articles do."""
    value = text.strip()
    if not value:
        return value
    article = Article(id="query/01", index=1, title="", section="", source="", summary="", page_start=None,
                      page_end=None, text=value, issue_id="query")
    for mention in extract_article(article, _rule_extractors()).mentions:
        if mention.type == label and mention.start == 0 and mention.end == len(value):
            return mention.norm
    return value


def extract_issue(issue: Issue, extractors: Extractors) -> Iterator[tuple[Article, Extraction]]:
    for article in issue.articles:
        yield article, extract_article(article, extractors, issue_date=issue.date)


_ENTITY_FIELDS = ("type", "text", "norm", "start", "end", "extractor", "rule", "level", "kind", "iso", "precision",
                  "relative", "inferred", "value", "unit", "qualifier", "doc_no", "count", "parent")


def _rel_name_zh(rel_type: str) -> str:
    from .graphmodel import graph_model

    try:
        return graph_model().rel(rel_type).name_zh
    except Exception:
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
