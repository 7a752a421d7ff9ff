"""An in-memory store on a networkx MultiDiGraph, with the same semantics as the real ones.

Used by tests and ``--dry-run``. Nodes are ``(label, key)`` with a ``props`` dict (support
list included); edges are keyed ``(type, id)`` between their endpoints, so MERGE on (type,
endpoints, id) is a dict lookup. A load works on a copy of the graph and swaps it in at
the end, so a failure leaves the store as it was. ``run()`` knows only the plain statements
the contract suite needs (``store/issue_assertions``).
"""

from __future__ import annotations

import copy
import logging
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import networkx as nx

from ..errors import QueryError, StoreError
from ..graphmodel import graph_model
from ..types import Edge, GraphBatch, LoadReport, Node, QueryResult
from .base import Store
from .cypher import runnable, support_property
from .rows import Prepared, empty_report, merge_node, prepare

__all__ = ["MemoryStore"]

log = logging.getLogger(__name__)


class MemoryStore(Store):
    """A networkx-backed store (nothing persists)."""

    name = "memory"
    dialect = "neo4j"

    def __init__(self, *, keep: bool = True) -> None:
        """``keep=False``: every load starts from an empty graph — validation only (``kg load
        --dry-run``), so memory and time stay flat however many issues go through."""
        self._graph: Any = nx.MultiDiGraph()
        self._closed = False
        self._keep = keep

    def _live(self) -> Any:
        if self._closed:
            raise StoreError("the memory store is closed; open a new one")
        return self._graph

    def ensure_schema(self) -> None:
        self._live()

    def load(self, batch: GraphBatch) -> LoadReport:
        prepared = prepare(batch)
        if not self._keep:
            self._graph = nx.MultiDiGraph()
        g = self._live()
        created = Counter(label for label, keys in prepared.nodes.items() for k in keys if (label, k) not in g)
        replaced, removed = self._transaction(prepared)
        return prepared.report(sum(replaced.values()), sum(removed.values()), created)

    def retract(self, issue_id: str) -> LoadReport:
        replaced, removed = self._transaction(Prepared(issue_id, {}, [], {}))
        return empty_report(issue_id, replaced, removed)

    def _transaction(self, prepared: Prepared) -> tuple[Counter[str], Counter[str]]:
        work = copy.deepcopy(self._live())
        result = self._apply(work, prepared)
        self._graph = work
        return result

    def _apply(self, g: Any, p: Prepared) -> tuple[Counter[str], Counter[str]]:
        model, support, issue = graph_model(), support_property(), p.issue_id
        doomed = [
            (u, v, k) for u, v, k, d in g.edges(keys=True, data=True) if d["props"].get("issue_id") == issue
        ]
        replaced = Counter(g.edges[e]["type"] for e in doomed)
        g.remove_edges_from(doomed)
        self._step("edges-deleted")
        touched = []
        for nid, data in g.nodes(data=True):
            if issue in data["props"][support]:
                data["props"][support] = [i for i in data["props"][support] if i != issue]
                touched.append(nid)
        self._step("support-removed")
        for label, rows in p.nodes.items():
            spec = model.node(label)
            for key, props in rows.items():
                stored = g.nodes[(label, key)]["props"] if (label, key) in g else None
                g.add_node((label, key), props=merge_node(spec, stored, props, issue))
        self._step("nodes-written")
        for group in p.edges:
            names = model.rel(group.type).property_names
            for row in group.rows:
                u, v = (group.src_label, row["src"]), (group.dst_label, row["dst"])
                g.add_edge(
                    u, v, key=(group.type, row["id"]), type=group.type, props={n: row.get(n) for n in names}
                )
            self._step("edges-written")
        removed: Counter[str] = Counter()
        for nid in touched:
            if not g.nodes[nid]["props"][support]:
                g.remove_node(nid)
                removed[nid[0]] += 1
        self._step("done")
        return replaced, removed

    def stats(self) -> dict[str, dict[str, int]]:
        g, model = self._live(), graph_model()
        nodes = Counter(label for label, _ in g.nodes)
        rels = Counter(d["type"] for _, _, d in g.edges(data=True))
        return {
            "nodes": {label: nodes[label] for label in model.labels},
            "relationships": {t: rels[t] for t in model.rel_types},
        }

    def issues(self) -> list[str]:
        support = support_property()
        return sorted({i for _, d in self._live().nodes(data=True) for i in d["props"][support]})

    def node(self, label: str, key: str) -> dict[str, Any] | None:
        g = self._live()
        if (label, key) not in g:
            return None
        return _clean(g.nodes[(label, key)]["props"])

    def dump(self) -> tuple[tuple[Node, ...], tuple[Edge, ...]]:
        g = self._live()
        nodes = [Node(label, key, _clean(d["props"])) for (label, key), d in g.nodes(data=True)]
        edges = [
            Edge(d["type"], u[0], u[1], v[0], v[1], _clean(d["props"])) for u, v, d in g.edges(data=True)
        ]
        return (
            tuple(sorted(nodes, key=lambda n: (n.label, n.key))),
            tuple(sorted(edges, key=lambda e: (e.type, e.props.get("id", ""), e.src_key, e.dst_key))),
        )

    def run(self, name: str, params: Mapping[str, Any] | None = None) -> QueryResult:
        handler = _QUERIES.get(name)
        if handler is None:
            raise QueryError(
                f"the memory store cannot run {name!r}; use the embedded store for Cypher queries"
            )
        runnable(name, self.dialect, params or {})
        return handler(self, dict(params or {}))

    def close(self) -> None:
        self._closed = True


def _clean(props: Mapping[str, Any]) -> dict[str, Any]:
    return {k: copy.deepcopy(v) for k, v in props.items() if v is not None}


def _issue_assertions(store: MemoryStore, params: dict[str, Any]) -> QueryResult:
    rows = sorted(
        (
            (d["props"].get("id"), d["props"].get("article_id"), d["props"].get("evidence"))
            for _, _, d in store._live().edges(data=True)
            if d["props"].get("issue_id") == params["issue_id"]
        ),
        key=lambda row: row[0] or "",
    )
    return QueryResult("store/issue_assertions", ("id", "article_id", "evidence"), tuple(rows))


_QUERIES: dict[str, Callable[[MemoryStore, dict[str, Any]], QueryResult]] = {
    "store/issue_assertions": _issue_assertions,
}
