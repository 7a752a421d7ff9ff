"""Frozen objects that cross stage boundaries: read → parse → extract → resolve → store.

Dicts appear only at the store edge (Cypher ``$rows``); everything before that is one
of these dataclasses. Offsets (``start``/``end``) always index ``Article.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "Article",
    "DateSource",
    "Edge",
    "Extraction",
    "GraphBatch",
    "Issue",
    "LoadReport",
    "Mention",
    "Node",
    "QueryResult",
    "Rejection",
    "Relation",
    "Section",
]

DateSource = Literal["given", "inferred", "unknown"]


@dataclass(frozen=True, slots=True)
class Section:
    """A digest section (e.g. ``集中采购``) and the ids of its articles, in order."""

    name: str
    index: int
    article_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Article:
    """One article: TOC metadata reconciled with the body text.

    ``text`` is the body with PDF artefacts undone (wrapped lines joined, page
    markers and ``返回目录`` removed); paragraphs are separated by ``\\n``.
    Full-width/half-width characters are kept as printed.
    """

    id: str
    index: int
    title: str
    section: str
    source: str
    summary: str
    page_start: int | None
    page_end: int | None
    text: str
    issue_id: str = ""


@dataclass(frozen=True, slots=True)
class Issue:
    """One digest issue (or a standalone article wrapped as a one-article issue)."""

    id: str
    date: str | None
    date_source: DateSource
    sections: tuple[Section, ...]
    articles: tuple[Article, ...]
    warnings: tuple[str, ...] = ()
    date_evidence: str = ""
    title: str = ""
    source_file: str = ""
    sha256: str = ""
    kind: Literal["digest", "article"] = "digest"


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity mention: a span of ``Article.text`` with its type and canonical key.

    ``norm`` is the key the graph uses (国家医保局 → 国家医疗保障局, 河北 → 河北省,
    a month-only date → ``2025-04``). Type-specific attributes are ``None`` when they
    do not apply.
    """

    type: str
    text: str
    norm: str
    start: int
    end: int
    extractor: str = "rules"
    rule: str = ""
    level: str | None = None
    kind: str | None = None
    iso: str | None = None
    precision: str | None = None
    relative: bool = False
    inferred: bool = False
    value: float | None = None
    unit: str | None = None
    qualifier: str | None = None
    doc_no: str | None = None
    count: int | None = None
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class Relation:
    """A typed relation between two entities of one article, with its evidence."""

    type: str
    head: str
    head_type: str
    tail: str
    tail_type: str
    evidence: str
    start: int
    end: int
    extractor: str = "rules"
    rule: str = ""
    props: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Extraction:
    """What the extractors found in one article."""

    article_id: str
    mentions: tuple[Mention, ...] = ()
    relations: tuple[Relation, ...] = ()


@dataclass(frozen=True, slots=True)
class Node:
    """A graph node row: label from the schema, its key value and properties."""

    label: str
    key: str
    props: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Edge:
    """A graph relationship row; ``props['id']`` is its deterministic assertion key."""

    type: str
    src_label: str
    src_key: str
    dst_label: str
    dst_key: str
    props: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rejection:
    """Something dropped on the way to the store, and why (never dropped silently)."""

    kind: str
    item: str
    reason: str
    article_id: str = ""


@dataclass(frozen=True, slots=True)
class GraphBatch:
    """Everything one issue contributes to the graph, validated against the schema."""

    issue_id: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    rejected: tuple[Rejection, ...] = ()


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What a load did, per label and relationship type.

    ``nodes``/``edges``: what the issue's batch holds (written or kept); ``created_nodes``:
    how many of those nodes were not in the store before (the rest were there already and
    were updated or left as they were); ``replaced_edges``: the issue's relationships from its
    previous load, deleted first; ``removed_nodes``: nodes left with no supporting issue;
    ``rejected``: items the builder or validator kept out, counted by ``kind: reason``.
    """

    issue_id: str
    nodes: dict[str, int]
    edges: dict[str, int]
    replaced_edges: int = 0
    removed_nodes: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    created_nodes: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class QueryResult:
    """Rows returned by a canned query, with their column names."""

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
