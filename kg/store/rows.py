"""Batch → store rows, shared by every backend so that they all mean the same thing.

- :func:`prepare` checks a :class:`GraphBatch` against the graph model (labels, types,
  endpoints, property names and value types, edge ``id``/``issue_id``, endpoints present in
  the batch) before anything is written, and deduplicates it.
- :func:`merge_node` is the one rule for writing a node: a node no other issue supports
  (new, or supported only by the issue being reloaded) takes the batch's properties as they
  are; a node other issues support keeps its values where the batch has none, and its list
  properties become the union (stored order first, then new items in batch order). Its
  support list becomes the sorted set of its other issues plus this one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ValidationError
from ..graphmodel import GraphModel, NodeType, graph_model
from ..types import Edge, GraphBatch, LoadReport
from .cypher import support_property

__all__ = ["EdgeGroup", "Prepared", "empty_report", "merge_node", "merge_props", "prepare", "union"]


@dataclass(slots=True)
class EdgeGroup:
    """Relationships of one type between one endpoint pair, as rows ``{src, dst, <props>}``."""

    type: str
    src_label: str
    dst_label: str
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class Prepared:
    """A checked, deduplicated batch: nodes per label (key → props), edges per endpoint pair."""

    issue_id: str
    nodes: dict[str, dict[str, dict[str, Any]]]
    edges: list[EdgeGroup]
    rejected: dict[str, int]

    def report(
        self, replaced_edges: int = 0, removed_nodes: int = 0, created: Mapping[str, int] | None = None
    ) -> LoadReport:
        """The load report; ``created``: nodes per label that were not in the store before."""
        model = graph_model()
        node_counts = {label: len(self.nodes.get(label, {})) for label in model.labels}
        edge_counts = dict.fromkeys(model.rel_types, 0)
        for group in self.edges:
            edge_counts[group.type] += len(group.rows)
        created_counts = {label: int((created or {}).get(label, 0)) for label in model.labels}
        return LoadReport(
            self.issue_id, node_counts, edge_counts, replaced_edges, removed_nodes, dict(self.rejected),
            created_counts,
        )


def empty_report(issue_id: str, replaced: Mapping[str, int], removed: Mapping[str, int]) -> LoadReport:
    """The report of a retraction: nodes removed per label, relationships removed per type."""
    model = graph_model()
    nodes = {label: int(removed.get(label, 0)) for label in model.labels}
    edges = {t: int(replaced.get(t, 0)) for t in model.rel_types}
    return LoadReport(issue_id, nodes, edges, sum(edges.values()), sum(nodes.values()))


def _fail(issue_id: str, what: str) -> ValidationError:
    return ValidationError(f"batch of issue {issue_id!r}: {what}; nothing was written to the store")


_BAD = object()
_CHECKS: dict[str, Callable[[Any], bool]] = {
    "STRING": lambda v: isinstance(v, str),
    "INT64": lambda v: isinstance(v, int) and not isinstance(v, bool) and -(2**63) <= v < 2**63,
    "DOUBLE": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "BOOL": lambda v: isinstance(v, bool),
    "STRING[]": lambda v: isinstance(v, (list, tuple)) and all(isinstance(x, str) for x in v),
}


def _check_value(value: Any, ptype: str) -> Any:
    """The value as stored, or ``_BAD`` when it is not of the property's type."""
    if value is None:
        return None
    if not _CHECKS[ptype](value):
        return _BAD
    if ptype == "DOUBLE":
        return float(value)
    if ptype == "STRING[]":
        return list(value)
    return value


def union(old: Sequence[str] | None, new: Sequence[str] | None) -> list[str] | None:
    """Stored items first, then the new ones not already there, in their order."""
    if old is None and new is None:
        return None
    out = list(old or [])
    seen = set(out)
    for item in new or []:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def _combine(spec: NodeType, a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    types = dict(spec.properties)
    out = dict(a)
    for name, value in b.items():
        if value is None:
            continue
        out[name] = union(out.get(name), value) if types[name] == "STRING[]" else value
    return out


def prepare(batch: GraphBatch, model: GraphModel | None = None) -> Prepared:
    """Check and deduplicate a batch (see module docstring); raises ValidationError."""
    model = model or graph_model()
    issue = batch.issue_id
    if not isinstance(issue, str) or not issue:
        raise ValidationError("a graph batch needs a non-empty issue_id; nothing was written to the store")
    support = support_property()
    node_specs = {n.label: (n, dict(n.properties)) for n in model.nodes}
    rel_specs = {r.type: (r, dict(r.properties)) for r in model.relationships}
    nodes: dict[str, dict[str, dict[str, Any]]] = {}
    for node in batch.nodes:
        if node.label not in node_specs:
            raise _fail(issue, f"node label {node.label!r} is not in schema/graph.toml")
        spec, types = node_specs[node.label]
        if not isinstance(node.key, str) or not node.key:
            raise _fail(issue, f"a {node.label} node has an empty or non-string key {node.key!r}")
        props: dict[str, Any] = {}
        for name, value in node.props.items():
            ptype = types.get(name)
            if ptype is None:
                hint = " (the store maintains it)" if name == support else ""
                raise _fail(issue, f"{node.label} {node.key!r} has property {name!r} not in the schema{hint}")
            if value is None or (type(value) is str and ptype == "STRING"):  # the common case, inline
                props[name] = value
                continue
            props[name] = _check_value(value, ptype)
            if props[name] is _BAD:
                raise _fail(issue, f"{node.label} {node.key!r}.{name} = {value!r:.60} is not a {ptype}")
        if props.get(spec.key) not in (None, node.key):
            raise _fail(issue, f"{node.label} {node.key!r} has {spec.key} = {props[spec.key]!r}, not its key")
        props[spec.key] = node.key
        by_key = nodes.setdefault(node.label, {})
        by_key[node.key] = _combine(spec, by_key[node.key], props) if node.key in by_key else props
    groups: dict[tuple[str, str, str], dict[tuple[str, str, str], dict[str, Any]]] = {}
    for edge in batch.edges:
        if edge.type not in rel_specs:
            raise _fail(issue, f"relationship type {edge.type!r} is not in schema/graph.toml")
        rel, types = rel_specs[edge.type]
        if not rel.allows(edge.src_label, edge.dst_label):
            raise _fail(issue, f"{_where(edge)}: {edge.type} does not allow {edge.src_label} → {edge.dst_label}")
        for label, key in ((edge.src_label, edge.src_key), (edge.dst_label, edge.dst_key)):
            if key not in nodes.get(label, {}):
                raise _fail(issue, f"{_where(edge)}: endpoint {label} {key!r} is not a node of the batch")
        row: dict[str, Any] = {}
        for name, value in edge.props.items():
            ptype = types.get(name)
            if ptype is None:
                raise _fail(issue, f"{_where(edge)} has property {name!r} not in the schema")
            if value is None or (type(value) is str and ptype == "STRING"):  # the common case, inline
                row[name] = value
                continue
            row[name] = _check_value(value, ptype)
            if row[name] is _BAD:
                raise _fail(issue, f"{_where(edge)}.{name} = {value!r:.60} is not a {ptype}")
        if not isinstance(row.get("id"), str) or not row["id"]:
            raise _fail(issue, f"{_where(edge)} has no id (a deterministic assertion key)")
        if row.get("issue_id") != issue:
            raise _fail(issue, f"{_where(edge)} has issue_id {row.get('issue_id')!r}, not {issue!r}")
        row.update(src=edge.src_key, dst=edge.dst_key)
        groups.setdefault((edge.type, edge.src_label, edge.dst_label), {})[
            (edge.src_key, edge.dst_key, row["id"])
        ] = row
    edges = [EdgeGroup(t, s, d, list(rows.values())) for (t, s, d), rows in groups.items()]
    return Prepared(issue, nodes, edges, dict(Counter(f"{r.kind}: {r.reason}" for r in batch.rejected)))


def _where(edge: Edge) -> str:
    return f"{edge.type} {edge.src_key!r} → {edge.dst_key!r}"


def merge_node(
    spec: NodeType, stored: Mapping[str, Any] | None, incoming: Mapping[str, Any], issue_id: str
) -> dict[str, Any]:
    """The full property map to write for one node (every schema property, plus support)."""
    support = support_property()
    others = [i for i in (stored or {}).get(support) or [] if i != issue_id]
    out = merge_props(spec, stored, incoming, shared=bool(others))
    out[support] = sorted({*others, issue_id})
    return out


def merge_props(
    spec: NodeType, stored: Mapping[str, Any] | None, incoming: Mapping[str, Any], *, shared: bool
) -> dict[str, Any]:
    """The schema properties to write for one node (not its support): the batch's as they
    are when no other issue supports the node, else merged with the stored ones."""
    out: dict[str, Any] = {}
    for name, ptype in spec.properties:
        new = incoming.get(name)
        old = None if stored is None else stored.get(name)
        if not shared:
            out[name] = new
        elif ptype == "STRING[]":
            out[name] = union(old, new)
        else:
            out[name] = new if new is not None else old
    return out
