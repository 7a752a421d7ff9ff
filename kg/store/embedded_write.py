"""The write path of the embedded store: one load or retract inside an open LadybugDB
transaction (see :mod:`kg.store.embedded` for which statement writes which rows and why,
and :mod:`kg.store.columnar` for the parameters).

LadybugDB has no secondary index, so "every relationship whose ``issue_id`` is X", "every
node whose support lists X" and "does this relationship exist" are scans or walks that grow
with the store. Two bookkeeping tables, written in the same transaction as the load, replace
them with primary-key lookups wherever LadybugDB's planner allows:

- the **ledger** (``_kg_ledger``, one row per loaded issue): the nodes the issue supports
  and the relationships it asserts. A new issue has no row and costs one key lookup;
  replacing or retracting an issue takes it out of the support of exactly its nodes, by key,
  and deletes its relationships type by type, only for the types it used (a scan of each:
  LadybugDB plans a walk from key-looked-up sources as the same scan and join).
- the **relationship index** (``_kg_edge``, one row per relationship): a 128-bit hash of its
  identity (type, endpoints, id) split into an INT64 key and an INT64 check,
  and the issue that asserts it. A load looks its relationships up there to know which to
  MERGE (another issue asserted the same one) and which to create. Integers, not the
  identity text, because every checkpoint rewrites the table: the text tripled its size and
  made each checkpoint slower as the store grew. A key that collides (another identity, about
  one chance in 10^9 for a store of 10^5 relationships) makes the load fail on the duplicate
  key instead of mixing the two relationships up.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..graphmodel import graph_model
from .columnar import encode
from .cypher import (
    join_exprs,
    map_from_exprs,
    render,
    return_columns,
    set_from_exprs,
    set_from_row_cast,
    statement,
    support_after_load,
    support_property,
)
from .rows import EdgeGroup, Prepared, merge_props

__all__ = ["BOOKKEEPING_TABLES", "Stored", "Writer", "edge_key"]

BOOKKEEPING_TABLES = {"_kg_ledger": "schema/ledger_table", "_kg_edge": "schema/edge_index_table"}
"""The embedded store's own tables (not in the graph model), and the statements creating them."""

Execute = Callable[..., Any]
Columns = Mapping[str, list[tuple[str, str]]]


@dataclass(frozen=True, slots=True)
class Stored:
    """A stored node as a load sees it: its properties (not its support list, which grows with
    the store), how many issues support it, whether the loading issue is one of them, and the
    greatest of them."""

    props: dict[str, Any]
    supporters: int
    supported: bool
    last: str | None  # the last (greatest) issue of its support list


class Writer:
    """Replace one issue: delete its edges, take it out of the support of the nodes its new
    batch lacks, write the batch's nodes and edges, delete the nodes left unsupported, and
    record the load in the ledger and the relationship index (``_step`` between stages)."""

    def __init__(
        self,
        execute: Execute,
        rows: Execute,
        scalar: Execute,
        step: Callable[[str], None],
        node_cols: Columns,
        rel_cols: Columns,
        copy_min_rows: int,
    ) -> None:
        self._execute, self._rows, self._scalar = execute, rows, scalar
        self._step, self._node_cols, self._rel_cols = step, node_cols, rel_cols
        self.copy_min_rows = copy_min_rows
        # keys of the nodes this load created: they had no edges before it, so an edge touching
        # one cannot exist yet and needs no lookup
        self._fresh: dict[str, set[str]] = {}
        self.created: Counter[str] = Counter()  # nodes per label this load created

    def apply(self, p: Prepared) -> tuple[Counter[str], Counter[str]]:
        """(edges deleted per type, nodes deleted per label)."""
        model, support, issue = graph_model(), support_property(), p.issue_id
        old_nodes, old_types, old_edges = self.ledger(issue)
        replaced: Counter[str] = Counter()
        for rtype in old_types:
            # a scan of the type's relationships: LadybugDB plans a walk from key-looked-up
            # sources as a scan and a join anyway, at the same cost
            replaced[rtype] = self._scalar(
                render("store/delete_issue_edges", "lbug", type=rtype),
                {"issue_id": issue},
                what=f"deleting {rtype} of issue {issue}",
            )
        if old_edges:
            self._run("store/unindex_edges", {"issue_id": issue, "keys": old_edges}, "unindexing relationships")
        self._step("edges-deleted")
        touched: dict[str, list[str]] = {}
        for label, old_keys in old_nodes.items():
            kept = p.nodes.get(label, {})
            gone = [k for k in old_keys if k not in kept]
            if gone:
                text = render("store/unsupport_nodes", "lbug", label=label, key=model.node(label).key, support=support)
                touched[label] = [
                    r[0]
                    for r in self._rows(
                        text, {"issue_id": issue, "keys": gone}, what=f"removing issue {issue} from {label} support"
                    )
                ]
        self._step("support-removed")
        for label, incoming in p.nodes.items():
            self.write_nodes(label, incoming, issue)
        self._step("nodes-written")
        keys = [
            [edge_key(g.type, g.src_label, r["src"], g.dst_label, r["dst"], r["id"]) for r in g.rows] for g in p.edges
        ]
        found = self.indexed(p.edges, keys)
        for group, group_keys in zip(p.edges, keys, strict=True):
            self.write_edges(group, [k for k, _ in group_keys], found)
            self._step("edges-written")
        every = [k for group_keys in keys for k in group_keys]
        if new := [(k, v) for k, v in every if k not in found]:
            self._run(
                "store/index_edges",
                {"issue_id": issue, "keys": [k for k, _ in new], "verify": [v for _, v in new]},
                "indexing relationships",
            )
        if found:
            self._run("store/claim_edges", {"issue_id": issue, "keys": sorted(found)}, "indexing relationships")
        removed: Counter[str] = Counter()
        for label, gone in touched.items():
            if gone:
                removed[label] = self._scalar(
                    render("store/delete_unsupported", "lbug", label=label, key=model.node(label).key, support=support),
                    {"keys": gone},
                    what=f"deleting unsupported {label} nodes",
                )
        types = [t for t in model.rel_types if any(g.type == t for g in p.edges)]
        node_refs = [_ref(label, key) for label, nodes in p.nodes.items() for key in nodes]
        self.write_ledger(issue, node_refs, types, [k for k, _ in every], first=not (old_nodes or old_edges))
        self._step("done")
        return replaced, removed

    def _run(self, name: str, params: dict[str, Any], what: str) -> None:
        self._execute(statement(name, "lbug")[1], params, what=what)

    # -- the ledger and the relationship index -----------------------------------------------

    def ledger(self, issue: str) -> tuple[dict[str, list[str]], list[str], list[int]]:
        """The issue's ledger row: (node keys per label, relationship types, relationship keys)."""
        found = self._rows(statement("store/ledger", "lbug")[1], {"issue_id": issue}, what="reading the ledger")
        nodes: dict[str, list[str]] = defaultdict(list)
        types: list[str] = []
        edges: list[int] = []
        for node_refs, rel_types, edge_keys in found:
            for label, key in map(json.loads, node_refs or []):
                nodes[label].append(key)
            types += rel_types or []
            edges += edge_keys or []
        return nodes, types, edges

    def write_ledger(
        self, issue: str, nodes: list[str], types: list[str], edges: list[int], *, first: bool = True
    ) -> None:
        """Record an issue's load; ``first``: it has no ledger row yet (a plain CREATE)."""
        if first and not nodes and not edges:
            return
        self._run(
            "store/create_ledger" if first else "store/write_ledger",
            {"issue_id": issue, "nodes": nodes, "types": types, "edges": edges},
            f"recording issue {issue}",
        )

    def indexed(self, groups: list[EdgeGroup], keys: list[list[tuple[int, int]]]) -> set[int]:
        """The keys of the batch's relationships that exist already (the rows touching a node
        this load created cannot, and are not looked up)."""
        maybe = dict(
            kv
            for g, group_keys in zip(groups, keys, strict=True)
            for r, kv in zip(g.rows, group_keys, strict=True)
            if r["src"] not in self._fresh.get(g.src_label, ()) and r["dst"] not in self._fresh.get(g.dst_label, ())
        )
        if not maybe:
            return set()
        text = statement("store/indexed_edges", "lbug")[1]
        rows = self._rows(text, {"keys": list(maybe)}, what="looking up relationships")
        # a different check is a key collision: not this relationship (indexing it then fails)
        return {k for k, v in rows if maybe[k] == v}

    def rebuild(self) -> int:
        """Fill the ledger and the relationship index from the support lists and the
        relationships (full scans: once, for a store written before they existed). Returns the
        number of issues found."""
        model, support = graph_model(), support_property()
        nodes: dict[str, list[str]] = defaultdict(list)
        types: dict[str, dict[str, None]] = defaultdict(dict)
        edges: dict[str, list[int]] = defaultdict(list)
        index: dict[int, tuple[int, str]] = {}
        for spec in model.nodes:
            if self._node_cols.get(spec.label):
                text = render("store/ledger_support", "lbug", label=spec.label, key=spec.key, support=support)
                for issue, key in self._rows(text, what=f"reading {spec.label} support"):
                    nodes[issue].append(_ref(spec.label, key))
        for rel in model.relationships:
            for a, b in rel.endpoints if self._rel_cols.get(rel.type) else ():
                text = render(
                    "store/ledger_edges",
                    "lbug",
                    type=rel.type,
                    src_label=a,
                    src_key=model.node(a).key,
                    dst_label=b,
                    dst_key=model.node(b).key,
                )
                for issue, src, dst, rid in self._rows(text, what=f"reading {rel.type} {a} → {b}"):
                    key, verify = edge_key(rel.type, a, src, b, dst, rid)
                    types[issue][rel.type] = None
                    edges[issue].append(key)
                    index[key] = (verify, issue)
        by_owner: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for key, (verify, issue) in index.items():
            by_owner[issue].append((key, verify))
        for issue, kv in by_owner.items():
            params = {"issue_id": issue, "keys": [k for k, _ in kv], "verify": [v for _, v in kv]}
            self._run("store/index_edges", params, "indexing relationships")
        issues = sorted(set(nodes) | set(edges))
        for issue in issues:
            self.write_ledger(issue, nodes.get(issue, []), list(types.get(issue, {})), edges.get(issue, []))
        return len(issues)

    # -- nodes and edges -------------------------------------------------------------------------

    def stored(self, label: str, keys: list[str], issue: str) -> list[Stored]:
        """The nodes of ``label`` with these keys, as a load of ``issue`` needs them."""
        support = support_property()
        names = [n for n, _ in self._node_cols.get(label, []) if n != support]
        if not names or not keys:
            return []
        text = render(
            "store/stored_nodes",
            "lbug",
            label=label,
            key=graph_model().node(label).key,
            support=support,
            columns=return_columns("n", names),
        )
        return [
            Stored(dict(zip(names, row[:-3], strict=True)), int(row[-3] or 0), bool(row[-2]), row[-1])
            for row in self._rows(text, {"keys": keys, "issue_id": issue}, what=f"reading {label}")
        ]

    def write_nodes(self, label: str, incoming: dict[str, dict[str, Any]], issue: str) -> None:
        spec, cols, support = graph_model().node(label), self._node_cols[label], support_property()
        stored = {s.props[spec.key]: s for s in self.stored(label, list(incoming), issue)}
        fresh: list[dict[str, Any]] = []
        # existing nodes to update: the issue is appended to the support list of the first
        # group (not in it, sorts after all of it: the usual case of a new, later issue)
        existing: tuple[list[dict[str, Any]], list[dict[str, Any]]] = ([], [])
        changed: tuple[set[str], set[str]] = (set(), set())
        for key, props in incoming.items():
            old = stored.get(key)
            if old is None:
                fresh.append({**merge_props(spec, None, props, shared=False), support: [issue]})
                continue
            row = merge_props(spec, old.props, props, shared=old.supporters > int(old.supported))
            diff = {name for name, value in row.items() if old.props.get(name) != value}
            if not old.supported:
                diff.add(support)
            if diff:  # an unchanged node (a reload of the same batch) is not written at all
                group = 0 if not old.supported and (old.last is None or issue > old.last) else 1
                existing[group].append(row)
                changed[group].update(diff)
        self._fresh.setdefault(label, set()).update(r[spec.key] for r in fresh)
        self.created[label] += len(fresh)
        if len(fresh) >= self.copy_min_rows:
            exprs, params = encode(fresh, cols)
            text = render("store/copy_nodes", "lbug", label=label, columns=join_exprs(exprs[n] for n, _ in cols))
            self._execute(text, params, what=f"copying {len(fresh)} new {label} nodes")
        elif fresh:
            exprs, params = encode(fresh, [c for c in cols if c[0] != spec.key])
            params["keys"] = [r[spec.key] for r in fresh]
            text = render("store/create_nodes", "lbug", label=label, key=spec.key, properties=map_from_exprs(exprs))
            self._execute(text, params, what=f"creating {len(fresh)} {label} nodes")
        for rows, diff, append in zip(existing, changed, (True, False), strict=True):
            if not rows:
                continue
            # only the columns that changed in some row (usually just the support list, computed
            # in place: passing each node's whole list costs as much again as writing it)
            exprs, params = encode(rows, [c for c in cols if c[0] in diff and c[0] not in (spec.key, support)])
            if support in diff:
                exprs[support] = support_after_load("n", append=append)
            params.update(keys=[r[spec.key] for r in rows], issue_id=issue)
            setter = set_from_exprs("n", exprs)
            text = render("store/update_nodes", "lbug", label=label, key=spec.key, set_clause=setter)
            self._execute(text, params, what=f"updating {len(rows)} {label} nodes")

    def write_edges(self, group: EdgeGroup, keys: list[int], found: set[int]) -> None:
        """Create the group's relationships that do not exist yet (``found``: the identities
        that do); MERGE the others, which another issue asserted with the same identity."""
        model = graph_model()
        names = dict(
            type=group.type,
            src_label=group.src_label,
            dst_label=group.dst_label,
            src_key=model.node(group.src_label).key,
            dst_key=model.node(group.dst_label).key,
        )
        cols = self._rel_cols[group.type]
        new: list[dict[str, Any]] = []
        old: list[dict[str, Any]] = []
        for r, k in zip(group.rows, keys, strict=True):
            (old if k in found else new).append(r)
        if new:
            exprs, params = encode(new, cols)
            params.update(src=[r["src"] for r in new], dst=[r["dst"] for r in new])
            if len(new) >= self.copy_min_rows:
                columns = join_exprs(exprs[n] for n, _ in cols)
                text = render("store/copy_edges", "lbug", type=group.type, src_label=group.src_label,
                              dst_label=group.dst_label, columns=columns)
                self._execute(text, params, what=f"copying {len(new)} {group.type} relationships")
            else:
                text = render("store/create_edges", "lbug", **names, properties=map_from_exprs(exprs))
                self._execute(text, params, what=f"creating {len(new)} {group.type} relationships")
        if old:
            setter = set_from_row_cast("r", [c for c in cols if c[0] != "id"])
            full = [{"src": r["src"], "dst": r["dst"], **{n: r.get(n) for n, _ in cols}} for r in old]
            self._execute(
                render("store/merge_edges", "lbug", **names, set_clause=setter),
                {"rows": full},
                what=f"merging {len(old)} {group.type} relationships",
            )


def _ref(*parts: str) -> str:
    return json.dumps(parts, ensure_ascii=False)


def edge_key(*identity: str) -> tuple[int, int]:
    """(key, check) of a relationship identity: a 128-bit hash of its length-prefixed parts
    (which tells any two tuples of strings apart) as two signed INT64."""
    text = "".join(f"{len(part)}:{part}" for part in identity).encode("utf-8", "surrogatepass")
    digest = hashlib.blake2b(text, digest_size=16).digest()
    return int.from_bytes(digest[:8], "big", signed=True), int.from_bytes(digest[8:], "big", signed=True)
