"""The graph model (``schema/graph.toml``) as typed, read-only objects.

Labels, keys, properties and relationship types are spelled only in the schema file;
Python code asks this module for them, so adding a label is a data change.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .errors import SchemaError
from .resources import load_toml

__all__ = ["NAME_RULES", "PROPERTY_TYPES", "GraphModel", "NodeType", "RelType", "graph_model"]

PROPERTY_TYPES = frozenset({"STRING", "INT64", "DOUBLE", "BOOL", "STRING[]"})
NAME_RULES = frozenset({"key", "longest", "frequent"})
"""How an entity node's display ``name`` is chosen from the surfaces that mention it: its
canonical ``key`` (gazetteer entities: 浙江 → 浙江省), the ``longest`` surface (a policy's fullest
title), or the most ``frequent`` one."""


@dataclass(frozen=True, slots=True)
class NodeType:
    label: str
    name_zh: str
    key: str
    caption: str
    properties: tuple[tuple[str, str], ...]
    name_rule: str = "frequent"

    @property
    def property_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.properties)


@dataclass(frozen=True, slots=True)
class RelType:
    type: str
    name_zh: str
    endpoints: tuple[tuple[str, str], ...]
    properties: tuple[tuple[str, str], ...]

    @property
    def property_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.properties)

    def allows(self, head_label: str, tail_label: str) -> bool:
        return (head_label, tail_label) in self.endpoints


@dataclass(frozen=True, slots=True)
class GraphModel:
    version: int
    nodes: tuple[NodeType, ...]
    relationships: tuple[RelType, ...]

    def node(self, label: str) -> NodeType:
        for node in self.nodes:
            if node.label == label:
                return node
        raise SchemaError(f"label {label!r} is not in the graph model (schema/graph.toml)")

    def rel(self, rel_type: str) -> RelType:
        for rel in self.relationships:
            if rel.type == rel_type:
                return rel
        raise SchemaError(f"relationship type {rel_type!r} is not in the graph model (schema/graph.toml)")

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(n.label for n in self.nodes)

    @property
    def rel_types(self) -> tuple[str, ...]:
        return tuple(r.type for r in self.relationships)

    @property
    def entity_labels(self) -> tuple[str, ...]:
        """Labels of extracted entities (the targets of MENTIONS)."""
        return tuple(tail for _, tail in self.rel("MENTIONS").endpoints)

    def property_keys(self) -> tuple[str, ...]:
        keys: set[str] = set()
        for n in self.nodes:
            keys.update(n.property_names)
        for r in self.relationships:
            keys.update(r.property_names)
        return tuple(sorted(keys))


def _props(raw: object, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, dict):
        raise SchemaError(f"{where}: properties must be a table of name = TYPE")
    out: list[tuple[str, str]] = []
    for name, ptype in raw.items():
        if ptype not in PROPERTY_TYPES:
            raise SchemaError(f"{where}: property {name!r} has unknown type {ptype!r}")
        out.append((str(name), str(ptype)))
    return tuple(out)


@cache
def graph_model() -> GraphModel:
    """Load and check ``schema/graph.toml`` once per process."""
    raw = load_toml("graph.toml")
    provenance = _props(raw.get("provenance", {}).get("properties", {}), "[provenance]")
    nodes: list[NodeType] = []
    for label, spec in raw.get("nodes", {}).items():
        props = _props(spec.get("properties", {}), f"[nodes.{label}]")
        key = spec.get("key", "")
        if key not in dict(props):
            raise SchemaError(f"[nodes.{label}]: key {key!r} is not one of its properties")
        name_rule = spec.get("name_from", "frequent")
        if name_rule not in NAME_RULES:
            raise SchemaError(f"[nodes.{label}]: name_from = {name_rule!r} is not one of {sorted(NAME_RULES)}")
        nodes.append(NodeType(label, spec.get("name_zh", label), key, spec.get("caption", key), props, name_rule))
    labels = {n.label for n in nodes}
    rels: list[RelType] = []
    for rtype, spec in raw.get("relationships", {}).items():
        endpoints = tuple((str(a), str(b)) for a, b in spec.get("endpoints", []))
        for a, b in endpoints:
            if a not in labels or b not in labels:
                raise SchemaError(f"[relationships.{rtype}]: endpoint ({a}, {b}) names an unknown label")
        own = _props(spec.get("properties", {}), f"[relationships.{rtype}]")
        rels.append(RelType(rtype, spec.get("name_zh", rtype), endpoints, provenance + own))
    return GraphModel(int(raw.get("version", 1)), tuple(nodes), tuple(rels))
