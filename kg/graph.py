"""Build one issue's :class:`GraphBatch` from its articles and extractions, validated
against the graph model — nothing invalid reaches a store, and nothing is dropped
silently: every pruned item is a :class:`Rejection` with its reason.

Nodes: the Issue, its Articles, and one node per entity key (Policy keys come from
:func:`kg.resolve.policy_key`; Figures are keyed per article). Relationships: PART_OF,
MENTIONS (count, surfaces, spans), the extracted relations with their provenance,
WITHIN (region → parent region, from the gazetteer), LOCATED_IN (local agency →
region) and DRAFT_OF (draft policy → final). Relationship ids are deterministic.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from .gazetteer import Region
from .graphmodel import GraphModel, graph_model
from .resolve import policy_key
from .types import Article, Edge, Extraction, GraphBatch, Issue, Mention, Node, Rejection, Relation

__all__ = ["UNRESOLVED_SHORT_FORM", "build_batch", "edge_id", "entity_key"]

UNRESOLVED_SHORT_FORM = "policy:title-short"
"""The rule of a short form (《意见》, 《通知》) the policy extractor could not resolve to a full
title in its article: scored by ``kg eval`` under its bare norm, but kept out of the graph,
where one node 通知 would join unrelated documents across articles and issues."""


def edge_id(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:20]


def entity_key(m: Mention, article_id: str) -> str:
    """The node key of a mention: its norm, made unique where the norm is not (figures)."""
    if m.type == "Policy":
        return policy_key(m.norm).key
    if m.type == "Figure":
        return f"{article_id}#{m.norm}"
    if m.type == "Date":
        return m.iso or m.norm
    return m.norm


@dataclass(slots=True)
class _NodeAcc:
    label: str
    key: str
    props: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    names: Counter[str] = field(default_factory=Counter)


class _Builder:
    def __init__(self, issue: Issue, model: GraphModel) -> None:
        self.issue = issue
        self.model = model
        self.nodes: dict[tuple[str, str], _NodeAcc] = {}
        self.edges: dict[str, Edge] = {}
        self.rejected: list[Rejection] = []

    def node(self, label: str, key: str) -> _NodeAcc:
        acc = self.nodes.get((label, key))
        if acc is None:
            acc = self.nodes[(label, key)] = _NodeAcc(label, key)
        return acc

    def edge(self, rtype: str, src: tuple[str, str], dst: tuple[str, str], props: dict[str, Any]) -> None:
        rel = self.model.rel(rtype)
        if not rel.allows(src[0], dst[0]):
            self.rejected.append(Rejection("relationship", f"{rtype} {src[1]} → {dst[1]}",
                                           f"{rtype} does not allow {src[0]} → {dst[0]}", props.get("article_id", "")))
            return
        allowed = set(rel.property_names)
        clean = {k: v for k, v in props.items() if k in allowed and v is not None}
        self.edges[clean["id"]] = Edge(rtype, src[0], src[1], dst[0], dst[1], clean)

    def provenance(self, article: Article, rtype: str, src: str, dst: str, evidence: str, start: int, end: int,
                   extractor: str, rule: str) -> dict[str, Any]:
        return {
            "id": edge_id(rtype, src, dst, article.id, start, end, rule),
            "issue_id": self.issue.id,
            "issue_date": self.issue.date,
            "article_id": article.id,
            "evidence": evidence,
            "span_start": start,
            "span_end": end,
            "extractor": extractor,
            "rule": rule,
        }


def build_batch(
    issue: Issue, results: Iterable[tuple[Article, Extraction]], model: GraphModel | None = None
) -> GraphBatch:
    """The graph contribution of one issue (see module docstring)."""
    b = _Builder(issue, model or graph_model())
    acc = b.node("Issue", issue.id)
    acc.props.update(name=issue.title or issue.id, title=issue.title, date=issue.date, date_source=issue.date_source,
                     date_evidence=issue.date_evidence, source_file=issue.source_file, sha256=issue.sha256)
    for article, extraction in results:
        a = b.node("Article", article.id)
        a.props.update(name=article.title, issue_id=issue.id, seq=article.index, section=article.section,
                       source=article.source, summary=article.summary, page_start=article.page_start,
                       page_end=article.page_end, text=article.text)
        b.edge("PART_OF", ("Article", article.id), ("Issue", issue.id),
               b.provenance(article, "PART_OF", article.id, issue.id, "", 0, 0, "parser", "parser:article"))
        keys = _mentions(b, article, extraction.mentions)
        _relations(b, article, extraction.relations, keys)
    nodes = tuple(_finish(acc_, b.model) for acc_ in b.nodes.values())
    edges = tuple(sorted(b.edges.values(), key=lambda e: (e.type, e.props["id"])))
    return GraphBatch(issue.id, tuple(sorted(nodes, key=lambda n: (n.label, n.key))), edges, tuple(b.rejected))


def _mentions(b: _Builder, article: Article, mentions: Sequence[Mention]) -> dict[tuple[str, str], str]:
    """Create entity nodes and MENTIONS edges; return (type, norm) → node key."""
    keys: dict[tuple[str, str], str] = {}
    grouped: dict[tuple[str, str], list[Mention]] = defaultdict(list)
    for m in mentions:
        if m.type not in b.model.labels or m.type not in b.model.entity_labels:
            b.rejected.append(Rejection("mention", m.text, f"type {m.type!r} is not an entity label", article.id))
            continue
        if not m.norm.strip():
            b.rejected.append(Rejection("mention", m.text, "empty norm", article.id))
            continue
        if m.rule == UNRESOLVED_SHORT_FORM:  # 《通知》 alone would merge every article's 《通知》
            b.rejected.append(Rejection("mention", m.text, "short form with no full title in its article", article.id))
            continue
        key = entity_key(m, article.id)
        keys[(m.type, m.norm)] = key
        grouped[(m.type, key)].append(m)
    for m in mentions:  # a document title naming a programme also mentions the programme
        if m.type == "Policy" and m.parent and m.parent != m.norm:
            derived = Mention("Policy", m.text, m.parent, m.start, m.end, m.extractor, "policy:programme-in-title",
                              kind="procurement")
            grouped[("Policy", policy_key(m.parent).key)].append(derived)
            keys.setdefault(("Policy", m.parent), policy_key(m.parent).key)
    for (label, key), ms in grouped.items():
        node = b.node(label, key)
        _entity_props(b, node, ms, article)
        first = ms[0]
        props = b.provenance(article, "MENTIONS", article.id, key, "", first.start, first.end, first.extractor,
                             first.rule)
        props["id"] = edge_id("MENTIONS", article.id, label, key)
        props.update(count=len(ms), surfaces=sorted({m.text for m in ms}), spans=[f"{m.start}-{m.end}" for m in ms])
        b.edge("MENTIONS", ("Article", article.id), (label, key), props)
    return keys


def _entity_props(b: _Builder, node: _NodeAcc, ms: Sequence[Mention], article: Article) -> None:
    for m in ms:
        node.names[m.text if m.type != "Policy" else m.text.strip("《》")] += 1
    m = max(ms, key=lambda x: (x.end - x.start))
    if node.label == "Policy":
        pk = policy_key(m.norm)
        node.props.setdefault("kind", m.kind)
        if any(x.doc_no for x in ms):
            node.props["doc_no"] = next(x.doc_no for x in ms if x.doc_no)
        node.props["draft"] = pk.draft
        node.lists["aliases"] += [x.text for x in ms]
        node.lists["merged_by"] += [r for x in ms for r in policy_key(x.norm).rules]
        year = _year(m.norm) or _year(m.doc_no or "")
        if year:
            node.props.setdefault("year", year)
        if pk.draft and pk.final_key:
            final = b.node("Policy", pk.final_key)
            final.names[pk.final_key] += 0
            final.props.setdefault("kind", m.kind)
            final.props.setdefault("draft", False)
            b.edge("DRAFT_OF", ("Policy", node.key), ("Policy", pk.final_key),
                   b.provenance(article, "DRAFT_OF", node.key, pk.final_key, m.text, m.start, m.end, "resolver",
                                "resolve:draft"))
    elif node.label == "Agency":
        node.props.update(level=m.level, kind=m.kind)
        node.lists["short_names"] += [x.text for x in ms if x.text != node.key]
        if m.parent:
            node.props["region"] = m.parent
            region = b.node("Region", m.parent)
            _region_props(region, m.parent)
            b.edge("LOCATED_IN", ("Agency", node.key), ("Region", m.parent),
                   b.provenance(article, "LOCATED_IN", node.key, m.parent, m.text, m.start, m.end, "gazetteer",
                                "resolve:agency-region"))
    elif node.label == "Region":
        _region_props(node, node.key, m)
        if m.parent:
            parent = b.node("Region", m.parent)
            _region_props(parent, m.parent)
            props = b.provenance(article, "WITHIN", node.key, m.parent, "", 0, 0, "gazetteer", "gazetteer:parent")
            props["id"] = edge_id("WITHIN", node.key, m.parent, b.issue.id)
            props.pop("article_id")
            b.edge("WITHIN", ("Region", node.key), ("Region", m.parent), props)
    elif node.label == "Drug":
        node.props["kind"] = m.kind
        node.lists["aliases"] += [x.text for x in ms]
    elif node.label == "Date":
        node.props.update(precision=m.precision, year=_year(m.iso or ""))
    elif node.label == "Figure":
        node.props.update(text=m.text, value=m.value, unit=m.unit, kind=m.kind, qualifier=m.qualifier)


@cache
def _region_index() -> tuple[dict[str, Region], dict[str, str]]:
    """(name → first region of that name, adcode → first region name) over the gazetteer."""
    from .gazetteer import regions

    by_name: dict[str, Region] = {}
    by_code: dict[str, str] = {}
    for r in regions():
        by_name.setdefault(r.name, r)
        by_code.setdefault(r.adcode, r.name)
    return by_name, by_code


def _region_props(node: _NodeAcc, name: str, m: Mention | None = None) -> None:
    node.names[name] += 0
    if m is not None:
        node.props["level"] = m.level
    if "adcode" not in node.props:
        by_name, by_code = _region_index()
        r = by_name.get(name)
        if r is not None:
            node.props.update(adcode=r.adcode, level=node.props.get("level") or r.level)
            parent = by_code.get(r.parent)
            if parent:
                node.props["parent"] = parent


def _relations(b: _Builder, article: Article, relations: Sequence[Relation], keys: dict[tuple[str, str], str]) -> None:
    for r in relations:
        head = keys.get((r.head_type, r.head)) or _fallback_key(r.head_type, r.head)
        tail = keys.get((r.tail_type, r.tail)) or _fallback_key(r.tail_type, r.tail)
        if (r.head_type, head) not in b.nodes or (r.tail_type, tail) not in b.nodes:
            item = f"{r.type} {r.head} → {r.tail}"
            b.rejected.append(Rejection("relationship", item, "endpoint not among the article's entities", article.id))
            continue
        props = b.provenance(article, r.type, head, tail, r.evidence, r.start, r.end, r.extractor, r.rule)
        props.update(dict(r.props))
        b.edge(r.type, (r.head_type, head), (r.tail_type, tail), props)


def _fallback_key(label: str, norm: str) -> str:
    return policy_key(norm).key if label == "Policy" else norm


def _year(text: str) -> int | None:
    import re

    m = re.search(r"(?:19|20)\d{2}", text)
    return int(m.group(0)) if m else None


_NAME_RANKS: dict[str, Callable[[tuple[str, int]], tuple[int, int, str]]] = {
    "longest": lambda kv: (len(kv[0]), kv[1], kv[0]),
    "frequent": lambda kv: (kv[1], len(kv[0]), kv[0]),
}


def _finish(acc: _NodeAcc, model: GraphModel) -> Node:
    spec = model.node(acc.label)
    props: dict[str, Any] = {spec.key: acc.key}
    if spec.name_rule == "key":
        props["name"] = acc.key
    elif acc.names:
        rank = _NAME_RANKS[spec.name_rule]
        props["name"] = max(acc.names.items(), key=rank)[0]
    props.update({k: v for k, v in acc.props.items() if v is not None})
    for k, values in acc.lists.items():
        props[k] = sorted(set(values))
    props.setdefault("name", acc.key)
    types = dict(spec.properties)
    clean: dict[str, Any] = {}
    for k, v in props.items():
        if k not in types:
            continue
        clean[k] = _coerce(v, types[k])
    return Node(acc.label, acc.key, clean)


def _coerce(value: Any, ptype: str) -> Any:
    if value is None:
        return None
    if ptype == "STRING":
        return str(value)
    if ptype == "INT64":
        return int(value)
    if ptype == "DOUBLE":
        return float(value)
    if ptype == "BOOL":
        return bool(value)
    if ptype == "STRING[]":
        return [str(v) for v in value]
    return value
