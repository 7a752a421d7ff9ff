"""Subgraph export and import: the part of the graph around a policy (``--depth`` steps), one
issue's assertions, or the nodes a canned query names — as GraphML or node-link JSON (through
networkx, so Gephi, yEd and Cytoscape open them), CSV, or a Cypher script that re-creates the
subgraph in another Neo4j (:func:`kg.export_admin.export_cypher`).

Every node keeps all its properties and its support list (the issues that contain it); every
relationship keeps its ``id`` and provenance (``issue_id``, ``issue_date``, ``article_id``,
``evidence``, ``span_start``, ``span_end``, ``extractor``, ``rule``).

:func:`read_json` reads a node-link file back, and :func:`import_subgraph` loads a subgraph
into a store as one batch per issue (so each issue can still be retracted on its own); an
export followed by an import into an empty store gives the same nodes and relationships.

Selection works on :meth:`Store.dump` (every store kind, including the memory store).
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError, QueryError, ValidationError
from .graphmodel import graph_model
from .normalize import policy_norm
from .store.base import Store
from .store.cypher import support_property
from .types import Edge, GraphBatch, LoadReport, Node

__all__ = [
    "FORMATS",
    "Subgraph",
    "export_subgraph",
    "import_subgraph",
    "match_policies",
    "read_cypher_script",
    "read_json",
    "select_subgraph",
    "to_networkx",
]

FORMATS = ("graphml", "json", "csv", "cypher")
JSON_FORMAT = "kg-subgraph/1"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_STRUCTURAL = frozenset({"Article", "Issue", "Date", "Figure"})


@dataclass(frozen=True, slots=True)
class Subgraph:
    """Nodes (with their support lists) and the relationships among them, in a stable order."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    @classmethod
    def of(cls, nodes: Iterable[Node], edges: Iterable[Edge]) -> Subgraph:
        return cls(
            tuple(sorted(nodes, key=lambda n: (n.label, n.key))),
            tuple(sorted(edges, key=lambda e: (e.type, str(e.props.get("id", "")), e.src_key, e.dst_key))),
        )


def _nid(label: str, key: str) -> str:
    return f"{label}:{key}"


# -- selection -----------------------------------------------------------------------------------


def match_policies(nodes: Iterable[Node], text: str) -> list[Node]:
    """Policies whose key, 文号, name or an alias equals or contains ``text`` (normalised like a
    policy key) — the rule the canned queries use."""
    q = policy_norm(text)
    if not q:
        return []
    out = []
    for n in nodes:
        if n.label != "Policy":
            continue
        names = [n.key, n.props.get("doc_no") or "", n.props.get("name") or "", *(n.props.get("aliases") or [])]
        if any(q in str(s) for s in names):
            out.append(n)
    return out


def _induced(nodes: list[Node], edges: Iterable[Edge], keep: set[str]) -> Subgraph:
    return Subgraph.of(
        [n for n in nodes if _nid(n.label, n.key) in keep],
        [e for e in edges if _nid(e.src_label, e.src_key) in keep and _nid(e.dst_label, e.dst_key) in keep],
    )


def _around(nodes: list[Node], edges: tuple[Edge, ...], start: Iterable[Node], depth: int) -> set[str]:
    adjacent: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        a, b = _nid(e.src_label, e.src_key), _nid(e.dst_label, e.dst_key)
        adjacent[a].add(b)
        adjacent[b].add(a)
    seen = {_nid(n.label, n.key) for n in start}
    frontier = set(seen)
    for _ in range(depth):
        frontier = {b for a in frontier for b in adjacent[a]} - seen
        seen |= frontier
    return seen


def _named_by(nodes: list[Node], values: set[str]) -> set[str]:
    keep = set()
    for n in nodes:
        if n.key in values or (n.label not in _STRUCTURAL and n.props.get("name") in values):
            keep.add(_nid(n.label, n.key))
    return keep


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def select_subgraph(
    store: Store,
    *,
    policy: str | None = None,
    depth: int = 1,
    issue: str | None = None,
    query: str | None = None,
    params: Mapping[str, Any] | None = None,
) -> Subgraph:
    """The subgraph around ``policy`` (nodes up to ``depth`` steps away, either direction, and
    every relationship among them), of ``issue`` (the nodes it supports and the relationships it
    asserts), or named by the rows of the canned query ``query`` (nodes whose key, or for
    entities whose name, appears in a row, and the relationships among them)."""
    if sum(x is not None for x in (policy, issue, query)) != 1:
        raise QueryError("choose exactly one of a policy, an issue or a canned query to export")
    if not 0 <= depth <= 4:
        raise QueryError(f"depth {depth} is out of range; use 0 to 4")
    nodes_t, edges = store.dump()
    nodes = list(nodes_t)
    if policy is not None:
        start = match_policies(nodes, policy)
        if not start:
            raise QueryError(f"no policy in {store.describe()} matches {policy!r}")
        return _induced(nodes, edges, _around(nodes, edges, start, depth))
    if issue is not None:
        support = support_property()
        if issue not in store.issues():
            raise QueryError(f"{store.describe()} has no issue {issue!r}")
        return Subgraph.of(
            [n for n in nodes if issue in (n.props.get(support) or [])],
            [e for e in edges if e.props.get("issue_id") == issue],
        )
    from .query import run_query

    assert query is not None
    result = run_query(store, query, params or {})
    values = {s for row in result.rows for v in row for s in _strings(v)}
    return _induced(nodes, edges, _named_by(nodes, values))


# -- networkx ------------------------------------------------------------------------------------


def to_networkx(graph: Subgraph) -> Any:
    """A networkx MultiDiGraph: node ids ``Label:key``; node attributes ``kg_label``, ``kg_key``,
    ``label`` (the display name, for Gephi/yEd) and every property; edge keys are the assertion
    ids, edge attributes ``kg_type`` and every property."""
    import networkx as nx

    g = nx.MultiDiGraph()
    for n in graph.nodes:
        g.add_node(_nid(n.label, n.key), kg_label=n.label, kg_key=n.key,
                   label=str(n.props.get("name") or n.key), **n.props)
    for e in graph.edges:
        g.add_edge(_nid(e.src_label, e.src_key), _nid(e.dst_label, e.dst_key), key=str(e.props.get("id", "")),
                   kg_type=e.type, **e.props)
    return g


def _node_link(graph: Subgraph) -> dict[str, Any]:
    import networkx as nx

    data: dict[str, Any] = nx.node_link_data(to_networkx(graph), edges="edges", name="node_id")
    data["graph"] = {"format": JSON_FORMAT, "support": support_property()}
    return data


def _graphml_value(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        value = json.dumps(list(value), ensure_ascii=False)
    if isinstance(value, str):
        return _CONTROL.sub("\ufffd", value)
    return value


def _write_graphml(graph: Subgraph, path: Path) -> None:
    import networkx as nx

    g = to_networkx(graph)
    g = nx.relabel_nodes(g, {n: _graphml_value(n) for n in g.nodes if _CONTROL.search(n)}, copy=True)
    for _, data in g.nodes(data=True):
        for k, v in list(data.items()):
            data[k] = _graphml_value(v)
    for *_, data in g.edges(keys=True, data=True):
        for k, v in list(data.items()):
            data[k] = _graphml_value(v)
    nx.write_graphml(g, path, named_key_ids=True)


_EDGE_COLUMNS = ("id", "issue_id", "issue_date", "article_id", "evidence", "span_start", "span_end",
                 "extractor", "rule")


def _write_csv(graph: Subgraph, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    support = support_property()
    nodes_path, edges_path = out / "nodes.csv", out / "edges.csv"
    with nodes_path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["node_id", "label", "key", "name", support, "properties"])
        for n in graph.nodes:
            rest = {k: v for k, v in n.props.items() if k not in ("name", support)}
            w.writerow([_nid(n.label, n.key), n.label, n.key, n.props.get("name", ""),
                        ";".join(n.props.get(support) or []), json.dumps(rest, ensure_ascii=False)])
    with edges_path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["type", "source", "target", *_EDGE_COLUMNS, "properties"])
        for e in graph.edges:
            rest = {k: v for k, v in e.props.items() if k not in _EDGE_COLUMNS}
            w.writerow([e.type, _nid(e.src_label, e.src_key), _nid(e.dst_label, e.dst_key),
                        *("" if e.props.get(c) is None else e.props[c] for c in _EDGE_COLUMNS),
                        json.dumps(rest, ensure_ascii=False)])
    return [nodes_path, edges_path]


def export_subgraph(graph: Subgraph, fmt: str, out: str | Path) -> list[Path]:
    """Write ``graph`` as ``graphml`` (file), ``json`` (node-link file), ``csv`` (a directory with
    nodes.csv and edges.csv) or ``cypher`` (a cypher-shell script); returns the files written."""
    target = Path(out)
    if fmt == "csv":
        return _write_csv(graph, target)
    if fmt not in FORMATS:
        raise QueryError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if target.is_dir():
        raise InputError(f"{target} is a directory; --format {fmt} writes one file")
    target.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        target.write_text(json.dumps(_node_link(graph), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    elif fmt == "graphml":
        _write_graphml(graph, target)
    else:
        from .export_admin import export_cypher

        export_cypher((graph.nodes, graph.edges), target)
    return [target]


# -- import --------------------------------------------------------------------------------------


def read_json(path: str | Path) -> Subgraph:
    """Read a node-link JSON file written by :func:`export_subgraph`."""
    source = Path(path)
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{source} cannot be read as kg node-link JSON: {exc}") from exc
    if not isinstance(data, dict) or (data.get("graph") or {}).get("format") != JSON_FORMAT:
        raise InputError(f"{source} is not a kg subgraph export (no graph.format {JSON_FORMAT!r})")
    ids: dict[str, tuple[str, str]] = {}
    nodes: list[Node] = []
    for item in data.get("nodes", []):
        rest = {k: v for k, v in item.items() if k not in ("node_id", "kg_label", "kg_key", "label")}
        ids[item["node_id"]] = (item["kg_label"], item["kg_key"])
        nodes.append(Node(item["kg_label"], item["kg_key"], rest))
    edges: list[Edge] = []
    for item in data.get("edges", []):
        try:
            (sl, sk), (dl, dk) = ids[item["source"]], ids[item["target"]]
        except KeyError as exc:
            raise InputError(f"{source}: an edge refers to a node that is not in the file: {exc}") from exc
        rest = {k: v for k, v in item.items() if k not in ("source", "target", "key", "kg_type")}
        edges.append(Edge(item["kg_type"], sl, sk, dl, dk, rest))
    return Subgraph.of(nodes, edges)


def import_subgraph(store: Store, graph: Subgraph) -> list[LoadReport]:
    """Load a subgraph into ``store``: one batch per issue in the nodes' support lists and the
    edges' ``issue_id`` (each node goes into the batch of every issue that supports it, so the
    support lists come back as they were). Loading replaces those issues' assertions."""
    support = support_property()
    model = graph_model()
    by_issue_nodes: dict[str, dict[tuple[str, str], Node]] = defaultdict(dict)
    index: dict[tuple[str, str], Node] = {}
    for n in graph.nodes:
        props = {k: v for k, v in n.props.items() if k != support}
        clean = Node(n.label, n.key, props)
        index[(n.label, n.key)] = clean
        for issue in n.props.get(support) or []:
            by_issue_nodes[issue][(n.label, n.key)] = clean
    by_issue_edges: dict[str, list[Edge]] = defaultdict(list)
    for e in graph.edges:
        issue = e.props.get("issue_id")
        if not issue:
            raise ValidationError(f"{e.type} {e.src_key!r} → {e.dst_key!r} has no issue_id; it cannot be imported")
        by_issue_edges[issue].append(e)
        for end in ((e.src_label, e.src_key), (e.dst_label, e.dst_key)):
            if end in index:
                by_issue_nodes[issue].setdefault(end, index[end])
    store.ensure_schema()
    reports = []
    for issue in sorted(set(by_issue_nodes) | set(by_issue_edges)):
        nodes = sorted(by_issue_nodes[issue].values(), key=lambda n: (model.labels.index(n.label), n.key))
        reports.append(store.load(GraphBatch(issue, tuple(nodes), tuple(by_issue_edges[issue]))))
    return reports


# -- reading a Cypher export back (no Neo4j needed) ----------------------------------------------

_NODE_MERGE = re.compile(r"\s*AS row\s*MERGE \(n:(\w+) \{")
_EDGE_MERGE = re.compile(r"\s*AS row\s*MATCH \(a:(\w+) \{.*?MATCH \(b:(\w+) \{.*?\[r:(\w+) \{", re.S)
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f"}


class _Literal:
    """A reader for the Cypher literals :func:`kg.export_admin.cypher_literal` writes."""

    def __init__(self, text: str, pos: int) -> None:
        self.text, self.pos = text, pos

    def _skip(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
            self.pos += 1

    def _fail(self, what: str) -> ValidationError:
        return ValidationError(f"Cypher export: expected {what} at offset {self.pos}")

    def value(self) -> Any:
        self._skip()
        ch = self.text[self.pos : self.pos + 1]
        if ch == "'":
            return self._string()
        if ch == "[":
            return self._seq("[", "]", self.value)
        if ch == "{":
            return dict(self._seq("{", "}", self._pair))
        for word, val in (("null", None), ("true", True), ("false", False)):
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                return val
        m = _NUMBER.match(self.text, self.pos)
        if not m:
            raise self._fail("a literal")
        self.pos = m.end()
        return float(m.group(0)) if m.group(1) or m.group(2) else int(m.group(0))

    def _seq(self, open_: str, close: str, item: Any) -> list[Any]:
        self.pos += 1
        out: list[Any] = []
        self._skip()
        if self.text.startswith(close, self.pos):
            self.pos += 1
            return out
        while True:
            out.append(item())
            self._skip()
            ch = self.text[self.pos : self.pos + 1]
            self.pos += 1
            if ch == close:
                return out
            if ch != ",":
                raise self._fail(f"',' or {close!r}")

    def _pair(self) -> tuple[str, Any]:
        self._skip()
        m = re.compile(r"`([^`]+)`\s*:|(\w+)\s*:").match(self.text, self.pos)
        if not m:
            raise self._fail("a map key")
        self.pos = m.end()
        return m.group(1) or m.group(2), self.value()

    def _string(self) -> str:
        out: list[str] = []
        i = self.pos + 1
        while i < len(self.text):
            ch = self.text[i]
            if ch == "'":
                self.pos = i + 1
                return "".join(out)
            if ch == "\\":
                nxt = self.text[i + 1 : i + 2]
                if nxt == "u":
                    out.append(chr(int(self.text[i + 2 : i + 6], 16)))
                    i += 6
                    continue
                out.append(_ESCAPES.get(nxt, nxt))
                i += 2
                continue
            out.append(ch)
            i += 1
        raise self._fail("the end of a string")


def read_cypher_script(path: str | Path) -> Subgraph:
    """The nodes and relationships a script written by ``--format cypher`` (re-)creates, read
    from its ``UNWIND [...] AS row MERGE …`` statements without running it."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{source} cannot be read: {exc}") from exc
    model = graph_model()
    nodes: list[Node] = []
    edges: list[Edge] = []
    start = 0
    while (at := text.find("UNWIND [", start)) >= 0:
        reader = _Literal(text, at + len("UNWIND "))
        rows = reader.value()
        end = text.find(";", reader.pos)
        rest = text[reader.pos : end if end >= 0 else len(text)]
        if m := _NODE_MERGE.match(rest):
            key = model.node(m.group(1)).key
            nodes += [Node(m.group(1), str(r[key]), dict(r)) for r in rows]
        elif m := _EDGE_MERGE.match(rest):
            edges += [
                Edge(m.group(3), m.group(1), str(r["src"]), m.group(2), str(r["dst"]),
                     {k: v for k, v in r.items() if k not in ("src", "dst")})
                for r in rows
            ]
        else:
            raise ValidationError(f"{source}: a statement at offset {at} is not one kg's Cypher export writes")
        start = reader.pos
    return Subgraph.of(nodes, edges)
