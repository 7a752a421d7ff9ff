"""The write path of the embedded store: one load or retract inside an open LadybugDB
transaction (see :mod:`kg.store.embedded` for which statement writes which rows and why,
and :mod:`kg.store.columnar` for the parameters)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from ..graphmodel import graph_model
from .columnar import encode
from .cypher import join_exprs, render, set_from_exprs, set_from_row_cast, support_property
from .rows import EdgeGroup, Prepared, merge_node

__all__ = ["Writer"]

Execute = Callable[..., Any]
Columns = Mapping[str, list[tuple[str, str]]]


class Writer:
    """Replace one issue: delete its edges, take it out of every support list, write the
    batch's nodes and edges, delete the nodes left unsupported (``_step`` between stages)."""

    def __init__(
        self,
        execute: Execute,
        rows: Execute,
        scalar: Execute,
        select: Callable[[str, list[str]], list[dict[str, Any]]],
        step: Callable[[str], None],
        node_cols: Columns,
        rel_cols: Columns,
        copy_min_rows: int,
    ) -> None:
        self._execute, self._rows, self._scalar, self._select = execute, rows, scalar, select
        self._step, self._node_cols, self._rel_cols = step, node_cols, rel_cols
        self.copy_min_rows = copy_min_rows
        # keys of the nodes this load created: they had no edges before it, so an edge touching
        # one cannot exist yet and needs no lookup
        self._fresh: dict[str, set[str]] = {}

    def apply(self, p: Prepared) -> tuple[Counter[str], Counter[str]]:
        """(edges deleted per type, nodes deleted per label)."""
        model, support, issue = graph_model(), support_property(), p.issue_id
        replaced = Counter(
            {
                t: self._scalar(
                    render("store/delete_issue_edges", "lbug", type=t),
                    {"issue_id": issue},
                    what=f"deleting {t} of issue {issue}",
                )
                for t in model.rel_types
            }
        )
        self._step("edges-deleted")
        touched = {
            spec.label: [
                r[0]
                for r in self._rows(
                    render("store/unsupport", "lbug", label=spec.label, key=spec.key, support=support),
                    {"issue_id": issue},
                    what=f"removing issue {issue} from {spec.label} support",
                )
            ]
            for spec in model.nodes
        }
        self._step("support-removed")
        for label, incoming in p.nodes.items():
            self.write_nodes(label, incoming, issue)
        self._step("nodes-written")
        for group in p.edges:
            self.write_edges(group)
            self._step("edges-written")
        removed: Counter[str] = Counter()
        for spec in model.nodes:
            gone = [k for k in touched[spec.label] if k not in p.nodes.get(spec.label, {})]
            if gone:
                removed[spec.label] = self._scalar(
                    render(
                        "store/delete_unsupported", "lbug", label=spec.label, key=spec.key, support=support
                    ),
                    {"keys": gone},
                    what=f"deleting unsupported {spec.label} nodes",
                )
        self._step("done")
        return replaced, removed

    def write_nodes(self, label: str, incoming: dict[str, dict[str, Any]], issue: str) -> None:
        spec, cols = graph_model().node(label), self._node_cols[label]
        stored = {row[spec.key]: row for row in self._select(label, list(incoming))}
        fresh: list[dict[str, Any]] = []
        existing: list[dict[str, Any]] = []
        for key, props in incoming.items():
            old = stored.get(key)
            (existing if old is not None else fresh).append(merge_node(spec, old, props, issue))
        self._fresh.setdefault(label, set()).update(r[spec.key] for r in fresh)
        if len(fresh) >= self.copy_min_rows:
            exprs, params = encode(fresh, cols)
            text = render(
                "store/copy_nodes", "lbug", label=label, columns=join_exprs(exprs[n] for n, _ in cols)
            )
            self._execute(text, params, what=f"copying {len(fresh)} new {label} nodes")
        for rows, name, what in (
            (fresh, "store/create_nodes", "creating"),
            (existing, "store/update_nodes", "updating"),
        ):
            if not rows or (name == "store/create_nodes" and len(rows) >= self.copy_min_rows):
                continue
            exprs, params = encode(rows, [c for c in cols if c[0] != spec.key])
            params["keys"] = [r[spec.key] for r in rows]
            text = render(name, "lbug", label=label, key=spec.key, set_clause=set_from_exprs("n", exprs))
            self._execute(text, params, what=f"{what} {len(rows)} {label} nodes")

    def write_edges(self, group: EdgeGroup) -> None:
        model = graph_model()
        names = dict(
            type=group.type,
            src_label=group.src_label,
            dst_label=group.dst_label,
            src_key=model.node(group.src_label).key,
            dst_key=model.node(group.dst_label).key,
        )
        cols = self._rel_cols[group.type]
        fresh_src = self._fresh.get(group.src_label, set())
        fresh_dst = self._fresh.get(group.dst_label, set())
        maybe = [r for r in group.rows if r["src"] not in fresh_src and r["dst"] not in fresh_dst]
        found: set[tuple[Any, ...]] = set()
        if maybe:
            anchors = {
                "row_count": len(maybe),
                "src": [r["src"] for r in maybe],
                "dst": [r["dst"] for r in maybe],
                "ids": [r["id"] for r in maybe],
            }
            found = {
                tuple(r)
                for r in self._rows(
                    render("store/existing_edges", "lbug", **names), anchors, what=f"reading {group.type}"
                )
            }
        new = [r for r in group.rows if (r["src"], r["dst"], r["id"]) not in found]
        old = [r for r in group.rows if (r["src"], r["dst"], r["id"]) in found]
        if len(new) >= self.copy_min_rows:
            exprs, params = encode(new, cols)
            params.update(src=[r["src"] for r in new], dst=[r["dst"] for r in new])
            text = render(
                "store/copy_edges",
                "lbug",
                type=group.type,
                src_label=group.src_label,
                dst_label=group.dst_label,
                columns=join_exprs(exprs[n] for n, _ in cols),
            )
            self._execute(text, params, what=f"copying {len(new)} {group.type} relationships")
            new = []
        setter = set_from_row_cast("r", [c for c in cols if c[0] != "id"])
        for rows, name, what in (
            (new, "store/create_edges", "creating"),
            (old, "store/merge_edges", "merging"),
        ):
            if rows:
                full = [{"src": r["src"], "dst": r["dst"], **{n: r.get(n) for n, _ in cols}} for r in rows]
                self._execute(
                    render(name, "lbug", **names, set_clause=setter),
                    {"rows": full},
                    what=f"{what} {len(rows)} {group.type} relationships",
                )
