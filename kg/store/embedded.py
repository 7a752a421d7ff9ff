"""The embedded store: LadybugDB in a directory (default ``$KG_STORE`` or ``./kg-data``),
database file ``<dir>/graph.lbug``, no server.

How a load writes (LadybugDB 0.22, measured on 2 shared cores; the figures are in the report
of issue 9):

- Everything runs in one ``BEGIN TRANSACTION … COMMIT`` on the store's connection, and any
  error inside it rolls all of it back, so a failed load leaves the store as it was.
- What the issue wrote before, and which of its relationships exist already, come from two
  bookkeeping tables kept in the same transaction (:mod:`kg.store.embedded_write`): a ledger
  row per issue and an index of relationship identities. A new issue costs key lookups only;
  no statement of its load scans a table (LadybugDB has no secondary index, so a scan grows
  with the store; tests/test_store_embedded.py checks the plans). Replacing an issue updates
  the support of exactly the nodes it wrote and clears only the relationship types it used.
- New rows are created with ``UNWIND range(1, $row_count) AS i … CREATE`` over *columnar*
  parameters (:mod:`kg.store.columnar`), every property inside the CREATE pattern (a SET
  after CREATE costs as much again). A relationship binds each endpoint key with its own
  ``WITH`` before its ``MATCH``: both are then primary-key lookups (one WITH for both keys is
  planned as two table scans and a hash join). Existing nodes get only the columns that
  changed, their support list computed in place (``list_append`` of the issue) rather than
  passed whole; an unchanged node is not written. Relationships another issue asserted with
  the same identity are MERGEd (``$rows`` maps, rare).
- Statements are prepared once and reused (:mod:`kg.store.prepared`): LadybugDB's own cache
  computes a type signature of every parameter in Python on every call.
- With ``copy_min_rows`` set (off by default, see :data:`COPY_MIN_ROWS`; 1000 is the measured
  break-even), new rows of a label or relationship group at least that large go through
  ``COPY <table> FROM (UNWIND range(1, $row_count) AS i RETURN $v_a[i], …)`` instead: no
  temporary files, every string round-trips byte for byte (NUL included, which CSV cannot
  carry). Each COPY costs 20-40 ms (mostly at COMMIT) however few its rows.
- Traps avoided: COPY of a key already in the table errors (the store reads which keys exist
  first, in the transaction); running a COPY statement a second time through a cache of
  prepared statements crashes the process (each COPY is prepared afresh); a parameter column
  that is null in every row has no type (typed ``CAST(NULL AS T)`` literals, ``CAST`` in
  map-based SETs); ``WITH a`` followed by a DELETE fails to bind.

A second read-write process gets :class:`StoreLockedError`; ``read_only=True`` opens the
store next to a writer for queries. Statements never contain unbounded variable-length paths.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from ..errors import QueryError, StoreError, StoreLockedError
from ..graphmodel import graph_model
from ..types import Edge, GraphBatch, LoadReport, Node, QueryResult
from .base import Store
from .cypher import (
    column_defs,
    endpoint_pairs,
    render,
    return_columns,
    runnable,
    statement,
    support_property,
)
from .embedded_write import BOOKKEEPING_TABLES, Writer
from .prepared import PreparedCache
from .rows import Prepared, empty_report, prepare

__all__ = ["CHECKPOINT_THRESHOLD", "COPY_MIN_ROWS", "DB_FILE", "DEFAULT_DIR", "EmbeddedStore"]

log = logging.getLogger(__name__)

DEFAULT_DIR = "kg-data"
DB_FILE = "graph.lbug"
COPY_MIN_ROWS = sys.maxsize
"""COPY is off by default: LadybugDB 0.22 is not crash-safe when the process dies during the
checkpoint after a load that used COPY (the COPY'd rows are lost, the CREATE'd ones kept: a
half-written issue; tests/test_reliability_faults.py, docs/reliability.md). Real issues never
reach a COPY-sized group (the largest in the corpus has 119 rows), so the default costs them
nothing; pass ``copy_min_rows=1000`` (where COPY starts to beat CREATE) for a one-off bulk load
you can redo from the source files if it is interrupted."""
CHECKPOINT_THRESHOLD = 64 << 20
"""Write-ahead log size (bytes) at which a COMMIT checkpoints: 4x LadybugDB's 16 MB. A
checkpoint rewrites every table a load touched, so its cost grows with the store (2-4 s at 300
issues on this machine), and loading 500 generated issues took 10 checkpoints, half the load
time. At 64 MB it takes 2: 0.7x the load time, for about 100 MB more memory (changes wait in
memory until their checkpoint) and a longer log to replay after a crash."""
_LOCK = re.compile(r"Lock is held by PID (\d+)")


class EmbeddedStore(Store):
    """LadybugDB at ``path`` (a directory)."""

    name = "embedded"
    dialect = "lbug"

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        read_only: bool = False,
        recover: bool = False,
        max_db_size: int = 1 << 40,
        buffer_pool_size: int = 0,
        copy_min_rows: int = COPY_MIN_ROWS,
        checkpoint_threshold: int = CHECKPOINT_THRESHOLD,
    ) -> None:
        import ladybug

        self.copy_min_rows = copy_min_rows
        self.path = Path(path or os.environ.get("KG_STORE") or DEFAULT_DIR)
        self.file = self.path / DB_FILE
        self.read_only = read_only
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(
                f"store path {self.path} is a file, not a store directory; pass a directory as --store"
            )
        if read_only and not self.file.exists():
            raise StoreError(f"there is no store at {self.path}; load an issue into it first (kg load)")
        if not read_only:
            self.path.mkdir(parents=True, exist_ok=True)
        def connect(strict: bool) -> None:
            # max_db_size bounds the address space LadybugDB maps (8 TiB by default: 15 open stores
            # exhaust a process); 1 TiB still leaves room for far more data than kg makes.
            self._db = ladybug.Database(
                str(self.file),
                read_only=read_only,
                max_db_size=max_db_size,
                buffer_pool_size=buffer_pool_size,
                checkpoint_threshold=checkpoint_threshold,
                throw_on_wal_replay_failure=strict,
            )
            self._conn = ladybug.Connection(self._db)
            self._statements = PreparedCache(self._conn)

        try:
            connect(not recover)
        except RuntimeError as exc:
            error = self._open_error(str(exc))
            if read_only or not self._torn_log(error):
                raise error from exc
            # A writer killed while writing its log leaves a torn tail: the transaction it held
            # never committed, so replaying the log up to the tear gives the store as it was.
            saved = self.file.with_name(f"{DB_FILE}.wal.{os.getpid()}.torn")
            shutil.copy2(f"{self.file}.wal", saved)
            log.warning("%s was not closed cleanly; replayed its log up to the torn tail (copy in %s)",
                        self.describe(), saved)
            try:
                connect(False)
            except RuntimeError as again:
                raise self._open_error(str(again)) from again
        self._closed = False
        self._node_cols: dict[str, list[tuple[str, str]]] = {}
        self._rel_cols: dict[str, list[tuple[str, str]]] = {}
        self._schema_ready = False
        self._ledger = False  # the bookkeeping tables exist (kg.store.embedded_write)

    def describe(self) -> str:
        return f"embedded store {self.path}"

    def _torn_log(self, error: StoreError) -> bool:
        return "write-ahead log cannot be replayed" in str(error) and Path(f"{self.file}.wal").exists()

    def _open_error(self, msg: str) -> StoreError:
        if m := _LOCK.search(msg):
            return StoreLockedError(
                f"store {self.path} is in use by process {m.group(1)}; "
                "wait for it to finish or use another --store"
            )
        if "Could not set lock" in msg:
            return StoreLockedError(
                f"store {self.path} is in use by another process; "
                "wait for it to finish or use another --store"
            )
        if "Database ID for temporary file" in msg:
            return StoreError(
                f"store {self.path} holds a write-ahead log ({self.file}.wal) left behind by an earlier "
                f"database; if {self.file} was deleted on purpose, delete that log too and retry"
            )
        if "WAL" in msg or "wal" in msg:
            return StoreError(
                f"store {self.path} was not closed cleanly and its write-ahead log cannot be replayed "
                f"({msg.splitlines()[0]}); reopen it with recover=True to drop the unreadable log tail"
            )
        return StoreError(f"cannot open store {self.path}: {msg.splitlines()[0]}")

    # -- low level ---------------------------------------------------------------------------

    def _execute(
        self, text: str, params: Mapping[str, Any] | None = None, *, what: str = "a statement"
    ) -> Any:
        if self._closed:
            raise StoreError(f"{self.describe()} is closed; open it again")
        try:
            result = self._statements.execute(text, dict(params or {}))
        except RuntimeError as exc:
            raise StoreError(f"{self.describe()}: {what} failed: {str(exc).splitlines()[0]}") from exc
        return result[-1] if isinstance(result, list) else result

    def _rows(
        self, text: str, params: Mapping[str, Any] | None = None, *, what: str = "a query"
    ) -> list[list[Any]]:
        return [list(r) for r in self._execute(text, params, what=what).get_all()]

    def _scalar(self, text: str, params: Mapping[str, Any] | None = None, *, what: str = "a count") -> int:
        rows = self._rows(text, params, what=what)
        return int(rows[0][0]) if rows else 0

    @contextmanager
    def _transaction(self, what: str) -> Iterator[None]:
        """One explicit write transaction; any failure rolls all of it back."""
        if self.read_only:
            raise StoreError(f"{self.describe()} is open read-only; open it without read_only to {what}")
        self._execute("BEGIN TRANSACTION", what=f"starting a transaction to {what}")
        try:
            yield
        except BaseException:
            with suppress(RuntimeError):  # LadybugDB already rolled back a failed transaction
                self._conn.execute("ROLLBACK")
            log.warning("%s: %s failed; rolled back", self.describe(), what)
            raise
        self._execute("COMMIT", what=f"committing {what}")

    # -- schema ------------------------------------------------------------------------------

    def ensure_schema(self) -> None:
        if self._schema_ready:
            return
        model, support = graph_model(), support_property()
        tables = {
            r[1]: r[2] for r in self._rows(statement("schema/tables", "lbug")[1], what="listing tables")
        }
        for spec in model.nodes:
            wanted = [*spec.properties, (support, "STRING[]")]
            if spec.label not in tables and not self.read_only:
                self._execute(
                    render(
                        "schema/node_table",
                        "lbug",
                        label=spec.label,
                        key=spec.key,
                        column_defs=column_defs(wanted),
                    ),
                    what=f"creating table {spec.label}",
                )
            self._node_cols[spec.label] = self._sync_columns(
                spec.label, wanted, spec.label in tables or not self.read_only
            )
        for rel in model.relationships:
            if rel.type not in tables and not self.read_only:
                self._execute(
                    render(
                        "schema/rel_table",
                        "lbug",
                        type=rel.type,
                        endpoints=endpoint_pairs(rel.endpoints),
                        column_defs=column_defs(rel.properties),
                    ),
                    what=f"creating table {rel.type}",
                )
            exists = rel.type in tables or not self.read_only
            if exists and not self.read_only:
                have = {(r[0], r[1]) for r in self._rows(render("schema/connections", "lbug", type=rel.type))}
                for a, b in rel.endpoints:
                    if (a, b) not in have:
                        self._execute(
                            render("schema/add_endpoints", "lbug", type=rel.type, src_label=a, dst_label=b),
                            what=f"adding {a} → {b} to {rel.type}",
                        )
            self._rel_cols[rel.type] = self._sync_columns(rel.type, list(rel.properties), exists)
        missing = [t for t in BOOKKEEPING_TABLES if t not in tables]
        self._ledger = not missing or not self.read_only
        if missing and not self.read_only:
            if len(missing) < len(BOOKKEEPING_TABLES):
                raise StoreError(
                    f"{self.describe()} lacks its bookkeeping table(s) {', '.join(missing)}; "
                    f"rebuild the store (delete {self.path} and load again)"
                )
            # created, and filled for a store written before they existed, in one transaction:
            # a failure or a kill leaves neither table, and the next open does it again
            with self._transaction("create the load ledger and the relationship index"):
                for ddl in BOOKKEEPING_TABLES.values():
                    self._execute(statement(ddl, "lbug")[1], what="creating the store's bookkeeping tables")
                found = self._writer().rebuild() if any(t in tables for t in model.labels) else 0
            if found:
                log.info("%s: rebuilt the load ledger and relationship index of %d issues", self.describe(), found)
        self._schema_ready = True

    def _sync_columns(self, table: str, wanted: list[tuple[str, str]], exists: bool) -> list[tuple[str, str]]:
        """The table's columns in table order, after adding the ones graph.toml gained."""
        if not exists:
            return []
        info = self._rows(render("schema/table_info", "lbug", table=table), what=f"reading table {table}")
        have = {r[1]: r[2] for r in info}
        for name, ptype in wanted:
            if name in have and have[name] != ptype:
                raise StoreError(
                    f"{self.describe()}: {table}.{name} is {have[name]} in the store but {ptype} in "
                    f"schema/graph.toml; rebuild the store (delete {self.path} and load again)"
                )
            if name not in have and not self.read_only:
                self._execute(
                    render("schema/add_property", "lbug", table=table, property=name, property_type=ptype),
                    what=f"adding {table}.{name}",
                )
                info.append([None, name, ptype])
        return [(r[1], r[2]) for r in info]

    def _ready(self) -> None:
        if not self._schema_ready:
            self.ensure_schema()

    # -- writes ------------------------------------------------------------------------------

    def _writer(self) -> Writer:
        return Writer(
            self._execute,
            self._rows,
            self._scalar,
            self._step,
            self._node_cols,
            self._rel_cols,
            self.copy_min_rows,
        )

    def load(self, batch: GraphBatch) -> LoadReport:
        prepared = prepare(batch)
        self._ready()
        with self._transaction(f"load issue {batch.issue_id}"):
            writer = self._writer()
            replaced, removed = writer.apply(prepared)
        return prepared.report(sum(replaced.values()), sum(removed.values()), writer.created)

    def retract(self, issue_id: str) -> LoadReport:
        self._ready()
        with self._transaction(f"retract issue {issue_id}"):
            replaced, removed = self._writer().apply(Prepared(issue_id, {}, [], {}))
        return empty_report(issue_id, replaced, removed)

    # -- reads -------------------------------------------------------------------------------

    def _select_nodes(self, label: str, keys: list[str]) -> list[dict[str, Any]]:
        cols = self._node_cols.get(label)
        if not cols or not keys:
            return []
        names = [n for n, _ in cols]
        text = render(
            "store/nodes_by_key",
            "lbug",
            label=label,
            key=graph_model().node(label).key,
            columns=return_columns("n", names),
        )
        return [
            dict(zip(names, row, strict=True))
            for row in self._rows(text, {"keys": keys}, what=f"reading {label}")
        ]

    def node(self, label: str, key: str) -> dict[str, Any] | None:
        self._ready()
        found = self._select_nodes(graph_model().node(label).label, [key])
        return {k: v for k, v in found[0].items() if v is not None} if found else None

    def stats(self) -> dict[str, dict[str, int]]:
        self._ready()
        model = graph_model()
        return {
            "nodes": {
                label: self._scalar(render("store/count_nodes", "lbug", label=label))
                if self._node_cols.get(label)
                else 0
                for label in model.labels
            },
            "relationships": {
                t: self._scalar(render("store/count_edges", "lbug", type=t)) if self._rel_cols.get(t) else 0
                for t in model.rel_types
            },
        }

    def issues(self) -> list[str]:
        self._ready()
        if not any(self._node_cols.values()):
            return []
        if self._ledger:
            return [r[0] for r in self._rows(statement("store/ledger_issues", "lbug")[1])]
        # a store written before the ledger existed, opened read-only
        return [r[0] for r in self._rows(render("store/issues", "lbug", support=support_property()))]

    def dump(self) -> tuple[tuple[Node, ...], tuple[Edge, ...]]:
        self._ready()
        model = graph_model()
        nodes: list[Node] = []
        for spec in model.nodes:
            names = [n for n, _ in self._node_cols.get(spec.label, [])]
            if names:
                text = render(
                    "store/dump_nodes",
                    "lbug",
                    label=spec.label,
                    key=spec.key,
                    columns=return_columns("n", names),
                )
                nodes += [
                    Node(spec.label, row[names.index(spec.key)], _clean(names, row))
                    for row in self._rows(text)
                ]
        edges: list[Edge] = []
        for rel in model.relationships:
            names = [n for n, _ in self._rel_cols.get(rel.type, [])]
            for a, b in rel.endpoints if names else ():
                text = render(
                    "store/dump_edges",
                    "lbug",
                    type=rel.type,
                    src_label=a,
                    dst_label=b,
                    src_key=model.node(a).key,
                    dst_key=model.node(b).key,
                    columns=return_columns("r", names),
                )
                edges += [
                    Edge(rel.type, a, row[0], b, row[1], _clean(names, row[2:])) for row in self._rows(text)
                ]
        return tuple(sorted(nodes, key=lambda n: (n.label, n.key))), tuple(
            sorted(edges, key=lambda e: (e.type, e.props.get("id", ""), e.src_key, e.dst_key))
        )

    def run(self, name: str, params: Mapping[str, Any] | None = None) -> QueryResult:
        text = runnable(name, self.dialect, params or {})
        self._ready()
        try:
            result = self._execute(text, params, what=f"query {name!r}")
        except StoreError as exc:
            raise QueryError(str(exc)) from exc
        return QueryResult(name, tuple(result.get_column_names()), tuple(tuple(r) for r in result.get_all()))

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._statements.clear()
            self._conn.close()
            self._db.close()


def _clean(names: list[str], row: list[Any]) -> dict[str, Any]:
    return {n: v for n, v in zip(names, row, strict=True) if v is not None}
