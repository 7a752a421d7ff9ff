"""The Neo4j store, through the official driver (``pip install 'kg[neo4j]'``, imported lazily).

Connection from ``KG_NEO4J_URI``, ``KG_NEO4J_USER`` (default ``neo4j``), ``KG_NEO4J_PASSWORD``
and ``KG_NEO4J_DATABASE`` (default: the server's default database), or the same as
arguments. The password is read only from the environment or an argument and handed to
the driver; the store keeps only its length and SHA-256 (to redact it from any driver
message), and never logs it or puts it in an error message.

A load replaces the issue in ONE managed write transaction (``session.execute_write``),
in ``UNWIND $rows`` batches of ``batch_size`` rows. The driver retries the transaction
function on transient errors (deadlocks, leader switches, lost connections) with
exponential backoff bounded by ``max_retry_time`` seconds, so the function is written to
be re-run from the start. Nodes are first MERGEd by key and write-locked
(``store/claim_nodes``), so concurrent loaders serialise on shared nodes instead of losing
support entries. Uniqueness constraints on every label's key come first (``ensure_schema``).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar

from ..errors import ConnectionConfigError, DependencyError, KGError, QueryError, StoreError
from ..graphmodel import graph_model
from ..types import Edge, GraphBatch, LoadReport, Node, QueryResult
from .base import Store
from .cypher import render, return_columns, runnable, set_from_row, statement, support_property
from .rows import Prepared, empty_report, merge_node, prepare

__all__ = ["SCHEMES", "Neo4jStore"]

log = logging.getLogger(__name__)

SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
T = TypeVar("T")


def _driver_module() -> Any:
    try:
        import neo4j
    except ImportError as exc:
        raise DependencyError("the Neo4j store needs the neo4j driver: pip install 'kg[neo4j]'") from exc
    return neo4j


def _fingerprint(secret: str) -> tuple[int, bytes]:
    return len(secret), hashlib.sha256(secret.encode("utf-8", "surrogatepass")).digest()


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Neo4jStore(Store):
    """A Neo4j 5 database reached over Bolt (single server, cluster or Aura)."""

    name = "neo4j"
    dialect = "neo4j"

    def __init__(
        self,
        uri: str | None = None,
        *,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        batch_size: int = 2000,
        max_retry_time: float = 15.0,
        connection_timeout: float = 10.0,
        driver: Any = None,
    ) -> None:
        uri = uri or os.environ.get("KG_NEO4J_URI", "")
        if not uri:
            raise ConnectionConfigError(
                "no Neo4j server is configured; set KG_NEO4J_URI (e.g. neo4j://localhost:7687)"
            )
        userinfo = re.match(r"^[^/]*//([^/@]*)@", uri)
        self.uri = re.sub(r"^([^/]*//)[^/@]*@", r"\1", uri)  # never keep user:password@ from a URI
        self.user = user or os.environ.get("KG_NEO4J_USER") or "neo4j"
        self.database = database or os.environ.get("KG_NEO4J_DATABASE") or None
        if batch_size < 1:
            raise StoreError(f"Neo4j batch size must be at least 1, not {batch_size}")
        self.batch_size = batch_size
        secret = password if password is not None else os.environ.get("KG_NEO4J_PASSWORD")
        # only a fingerprint of the secrets is kept, to redact them from driver messages
        self._fingerprints = tuple(
            _fingerprint(s) for s in (secret, userinfo.group(1) if userinfo else "") if s
        )
        self._closed = False
        self._schema_ready = False
        self.max_retry_time = max_retry_time
        if driver is None:
            scheme = self.uri.split("://", 1)[0] if "://" in self.uri else ""
            if scheme not in SCHEMES:
                raise ConnectionConfigError(
                    f"Neo4j URI {self.uri!r} must start with one of "
                    f"{', '.join(s + '://' for s in SCHEMES)}; check KG_NEO4J_URI"
                )
            neo4j = _driver_module()
            with self._errors("connecting"):
                driver = neo4j.GraphDatabase.driver(
                    self.uri,
                    auth=(self.user, secret) if secret is not None else None,
                    max_transaction_retry_time=max_retry_time,
                    connection_timeout=connection_timeout,
                    # the Bolt handshake and HELLO run under the acquisition deadline (60 s by
                    # default), not connection_timeout: a server that accepts and never answers
                    # would otherwise stall every command for a minute
                    connection_acquisition_timeout=connection_timeout,
                )
        self._driver = driver
        try:
            with self._errors("connecting"):
                self._driver.verify_connectivity()
                self._read(lambda tx: self._records(tx, statement("store/ping", "neo4j")[1], {}))
        except KGError:
            self._driver.close()
            raise

    def __repr__(self) -> str:
        return f"Neo4jStore(uri={self.uri!r}, user={self.user!r}, database={self.database!r})"

    def describe(self) -> str:
        return f"Neo4j store {self.uri}" + (f" (database {self.database})" if self.database else "")

    # -- plumbing ----------------------------------------------------------------------------

    def _redact(self, text: str) -> str:
        for size, digest in self._fingerprints:
            start = 0
            while start + size <= len(text):
                if _fingerprint(text[start : start + size]) == (size, digest):
                    text = text[:start] + "***" + text[start + size :]
                    start += 3
                else:
                    start += 1
        return text

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Turn driver errors into one-sentence kg errors that never carry the password."""
        exc_mod = _driver_module().exceptions
        where = self.describe()
        try:
            yield
        except KGError:
            raise
        except exc_mod.AuthError:
            raise ConnectionConfigError(
                f"{where} rejected the credentials of user {self.user!r}; "
                "check KG_NEO4J_USER and KG_NEO4J_PASSWORD"
            ) from None
        except (exc_mod.ServiceUnavailable, exc_mod.SessionExpired) as exc:
            detail = self._redact(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            raise ConnectionConfigError(
                f"cannot reach {where} ({detail}); check that the server is running "
                "and that KG_NEO4J_URI is right"
            ) from None
        except exc_mod.ConfigurationError as exc:
            raise ConnectionConfigError(
                f"{where} cannot be used: {self._redact(str(exc))}; check KG_NEO4J_URI"
            ) from None
        except exc_mod.TransientError as exc:
            code = str(getattr(exc, "code", "") or "")
            message = self._redact(str(getattr(exc, "message", "") or exc).splitlines()[0])
            raise StoreError(
                f"{where}: {action} failed with a transient server error after retrying for "
                f"{self.max_retry_time:g} s ({code}: {message}); nothing was changed, try again later"
            ) from None
        except exc_mod.Neo4jError as exc:
            code = str(getattr(exc, "code", "") or "")
            message = self._redact(str(getattr(exc, "message", "") or exc).splitlines()[0])
            if code.endswith("DatabaseNotFound"):
                raise ConnectionConfigError(
                    f"{where} has no database {self.database!r}; create it or set KG_NEO4J_DATABASE"
                ) from None
            if ".Security." in code:
                raise ConnectionConfigError(
                    f"{where} refused user {self.user!r} ({message}); check KG_NEO4J_USER and its roles"
                ) from None
            raise StoreError(f"{where}: {action} failed ({code}: {message}); nothing was changed") from None
        except exc_mod.DriverError as exc:
            raise StoreError(f"{where}: {action} failed ({self._redact(str(exc))})") from None

    def _session(self) -> Any:
        if self._closed:
            raise StoreError(f"{self.describe()} is closed; open it again")
        return self._driver.session(database=self.database) if self.database else self._driver.session()

    def _read(self, fn: Callable[[Any], T]) -> T:
        with self._session() as session:
            result: T = session.execute_read(fn)
            return result

    def _write(self, fn: Callable[[Any], T]) -> T:
        with self._session() as session:
            result: T = session.execute_write(fn)
            return result

    @staticmethod
    def _records(tx: Any, text: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        return [record.data() for record in tx.run(text, dict(params))]

    def _count(self, tx: Any, text: str, params: Mapping[str, Any], column: str) -> int:
        rows = self._records(tx, text, params)
        return int(rows[0][column]) if rows else 0

    # -- schema and writes -------------------------------------------------------------------

    def ensure_schema(self) -> None:
        if self._schema_ready:
            return
        model = graph_model()
        texts = [render("schema/node_key", "neo4j", label=n.label, key=n.key) for n in model.nodes]
        texts += [
            render("schema/rel_index", "neo4j", type=r.type, property=p)
            for r in model.relationships
            for p in ("id", "issue_id")
        ]
        with self._errors("creating constraints and indexes"):
            for text in texts:
                self._write(partial(_consume, text=text))
        self._schema_ready = True

    def load(self, batch: GraphBatch) -> LoadReport:
        prepared = prepare(batch)
        self.ensure_schema()
        created: Counter[str] = Counter()
        with self._errors(f"loading issue {batch.issue_id}"):
            replaced, removed = self._write(lambda tx: self._apply(tx, prepared, created))
        return prepared.report(sum(replaced.values()), sum(removed.values()), created)

    def retract(self, issue_id: str) -> LoadReport:
        self.ensure_schema()
        with self._errors(f"retracting issue {issue_id}"):
            replaced, removed = self._write(lambda tx: self._apply(tx, Prepared(issue_id, {}, [], {}), Counter()))
        return empty_report(issue_id, replaced, removed)

    def _apply(self, tx: Any, p: Prepared, created: Counter[str]) -> tuple[Counter[str], Counter[str]]:
        """Replace one issue in ``tx``; counts the nodes it creates into ``created`` (cleared first:
        the driver may retry the whole transaction function)."""
        created.clear()
        model, support, issue, size = graph_model(), support_property(), p.issue_id, self.batch_size
        replaced = Counter(
            {
                t: self._count(
                    tx, render("store/delete_issue_edges", "neo4j", type=t), {"issue_id": issue}, "deleted"
                )
                for t in model.rel_types
            }
        )
        self._step("edges-deleted")
        touched = {
            n.label: [
                r["key"]
                for r in self._records(
                    tx,
                    render("store/unsupport", "neo4j", label=n.label, key=n.key, support=support),
                    {"issue_id": issue},
                )
            ]
            for n in model.nodes
        }
        self._step("support-removed")
        for label, incoming in p.nodes.items():
            spec = model.node(label)
            names = [*spec.property_names, support]
            claim = render(
                "store/claim_nodes",
                "neo4j",
                label=label,
                key=spec.key,
                support=support,
                columns=return_columns("n", names),
            )
            update = render(
                "store/update_nodes",
                "neo4j",
                label=label,
                key=spec.key,
                set_clause=set_from_row("n", [n for n in names if n != spec.key]),
            )
            had = set(touched[label])
            for chunk in _chunks(list(incoming), size):
                stored = {r[spec.key]: r for r in self._records(tx, claim, {"keys": list(chunk)})}
                # claim_nodes MERGEs: a node that comes back unsupported and was not this issue's is new
                created[label] += sum(1 for k in chunk if not stored[k].get(support) and k not in had)
                rows = [{**merge_node(spec, stored.get(k), incoming[k], issue), spec.key: k} for k in chunk]
                tx.run(update, {"rows": rows}).consume()
        self._step("nodes-written")
        for group in p.edges:
            rel = model.rel(group.type)
            text = render(
                "store/merge_edges",
                "neo4j",
                type=group.type,
                src_label=group.src_label,
                dst_label=group.dst_label,
                src_key=model.node(group.src_label).key,
                dst_key=model.node(group.dst_label).key,
                set_clause=set_from_row("r", [n for n in rel.property_names if n != "id"]),
            )
            rows = [
                {"src": r["src"], "dst": r["dst"], **{n: r.get(n) for n in rel.property_names}}
                for r in group.rows
            ]
            for edge_chunk in _chunks(rows, size):
                tx.run(text, {"rows": list(edge_chunk)}).consume()
            self._step("edges-written")
        removed: Counter[str] = Counter()
        for spec in model.nodes:
            gone = [k for k in touched[spec.label] if k not in p.nodes.get(spec.label, {})]
            text = render(
                "store/delete_unsupported", "neo4j", label=spec.label, key=spec.key, support=support
            )
            for chunk in _chunks(gone, size):
                removed[spec.label] += self._count(tx, text, {"keys": list(chunk)}, "deleted")
        self._step("done")
        return replaced, removed

    # -- reads -------------------------------------------------------------------------------

    def stats(self) -> dict[str, dict[str, int]]:
        model = graph_model()

        def read(tx: Any) -> dict[str, dict[str, int]]:
            return {
                "nodes": {
                    n: self._count(tx, render("store/count_nodes", "neo4j", label=n), {}, "n")
                    for n in model.labels
                },
                "relationships": {
                    t: self._count(tx, render("store/count_edges", "neo4j", type=t), {}, "n")
                    for t in model.rel_types
                },
            }

        with self._errors("reading stats"):
            return self._read(read)

    def issues(self) -> list[str]:
        text = render("store/issues", "neo4j", support=support_property())
        with self._errors("listing issues"):
            return [r["issue"] for r in self._read(lambda tx: self._records(tx, text, {}))]

    def node(self, label: str, key: str) -> dict[str, Any] | None:
        spec = graph_model().node(label)
        text = render(
            "store/nodes_by_key",
            "neo4j",
            label=spec.label,
            key=spec.key,
            columns=return_columns("n", [*spec.property_names, support_property()]),
        )
        with self._errors(f"reading {label} {key!r}"):
            rows = self._read(lambda tx: self._records(tx, text, {"keys": [key]}))
        return {k: v for k, v in rows[0].items() if v is not None} if rows else None

    def dump(self) -> tuple[tuple[Node, ...], tuple[Edge, ...]]:
        model, support = graph_model(), support_property()

        def read(tx: Any) -> tuple[list[Node], list[Edge]]:
            nodes: list[Node] = []
            for spec in model.nodes:
                text = render(
                    "store/dump_nodes",
                    "neo4j",
                    label=spec.label,
                    key=spec.key,
                    columns=return_columns("n", [*spec.property_names, support]),
                )
                nodes += [Node(spec.label, r[spec.key], _clean(r)) for r in self._records(tx, text, {})]
            edges: list[Edge] = []
            for rel in model.relationships:
                for a, b in rel.endpoints:
                    text = render(
                        "store/dump_edges",
                        "neo4j",
                        type=rel.type,
                        src_label=a,
                        dst_label=b,
                        src_key=model.node(a).key,
                        dst_key=model.node(b).key,
                        columns=return_columns("r", rel.property_names),
                    )
                    for r in self._records(tx, text, {}):
                        src, dst = r.pop("src"), r.pop("dst")
                        edges.append(Edge(rel.type, a, src, b, dst, _clean(r)))
            return nodes, edges

        with self._errors("dumping the graph"):
            nodes, edges = self._read(read)
        return tuple(sorted(nodes, key=lambda n: (n.label, n.key))), tuple(
            sorted(edges, key=lambda e: (e.type, e.props.get("id", ""), e.src_key, e.dst_key))
        )

    def run(self, name: str, params: Mapping[str, Any] | None = None) -> QueryResult:
        text = runnable(name, self.dialect, params or {})

        def read(tx: Any) -> tuple[tuple[str, ...], tuple[tuple[Any, ...], ...]]:
            result = tx.run(text, dict(params or {}))
            return tuple(result.keys()), tuple(tuple(r.values()) for r in result)

        try:
            with self._errors(f"query {name!r}"):
                columns, rows = self._read(read)
        except StoreError as exc:
            if isinstance(exc, ConnectionConfigError):
                raise
            raise QueryError(str(exc)) from None
        return QueryResult(name, columns, rows)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._driver.close()


def _consume(tx: Any, text: str) -> None:
    tx.run(text).consume()


def _clean(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if v is not None}
