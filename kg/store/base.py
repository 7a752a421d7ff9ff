"""The one interface every graph store implements, and :func:`open_store`.

Semantics shared by all backends (and checked by tests/test_store_contract.py):

- every node carries a support list (``[support]`` in schema/graph.toml, ``issues``): the
  issues whose batches contain it;
- ``load(batch)`` replaces the batch's issue in one transaction: delete the issue's edges,
  take the issue out of every support list, write the batch's nodes (see
  :func:`kg.store.rows.merge_node`) and edges (MERGE on type, endpoints and ``id``), then
  DETACH DELETE the nodes the issue stopped supporting that no other issue supports;
- ``retract(issue)`` does the same with an empty batch;
- a failed load or retract leaves the store exactly as it was.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Mapping
from types import TracebackType
from typing import Any, ClassVar

from ..errors import StoreError
from ..types import Edge, GraphBatch, LoadReport, Node, QueryResult

__all__ = ["STORE_KINDS", "Store", "open_store"]

STORE_KINDS = ("memory", "embedded", "neo4j")


class Store(ABC):
    """A graph store: schema, atomic per-issue load and retract, stats, named Cypher queries."""

    name: ClassVar[str]
    dialect: ClassVar[str]

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create tables or constraints from the graph model; idempotent and cheap when done."""

    @abstractmethod
    def load(self, batch: GraphBatch) -> LoadReport:
        """Replace ``batch.issue_id``'s assertions with the batch, atomically."""

    @abstractmethod
    def retract(self, issue_id: str) -> LoadReport:
        """Remove an issue's assertions and every node no other issue supports, atomically; the
        report counts what went (nodes per label, relationships per type). Unknown ids: no-op."""

    @abstractmethod
    def stats(self) -> dict[str, dict[str, int]]:
        """``{"nodes": {label: n}, "relationships": {type: n}}`` over every schema name."""

    @abstractmethod
    def run(self, name: str, params: Mapping[str, Any] | None = None) -> QueryResult:
        """Run the read statement ``cypher/<name>.cypher`` (the dialect variant if there is one)."""

    @abstractmethod
    def issues(self) -> list[str]:
        """The ids of the issues that support at least one node, sorted."""

    @abstractmethod
    def node(self, label: str, key: str) -> dict[str, Any] | None:
        """One node's stored properties (with its support list), or None."""

    @abstractmethod
    def dump(self) -> tuple[tuple[Node, ...], tuple[Edge, ...]]:
        """Every node (props include the support list) and edge, in a stable order."""

    @abstractmethod
    def close(self) -> None:
        """Release the store (files, locks, connections); safe to call twice."""

    def describe(self) -> str:
        """How error messages name this store, e.g. ``embedded store ./kg-data``."""
        return f"{self.name} store"

    def _step(self, stage: str) -> None:  # noqa: B027  (a hook, empty on purpose)
        """Called between the stages of a load or retract, inside its transaction (a test hook)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def open_store(
    kind: str = "embedded",
    *,
    path: str | os.PathLike[str] | None = None,
    read_only: bool = False,
    uri: str | None = None,
    user: str | None = None,
    password: str | None = None,
    database: str | None = None,
    batch_size: int = 2000,
    **options: Any,
) -> Store:
    """Open a store: ``memory``, ``embedded`` (LadybugDB at ``path``, default ``$KG_STORE`` or
    ``./kg-data``) or ``neo4j`` (``uri``/``user``/``password``/``database``, default from
    ``KG_NEO4J_*``; the password only from the environment or this argument)."""
    if kind == "memory":
        from .memory import MemoryStore

        return MemoryStore()
    if kind == "embedded":
        from .embedded import EmbeddedStore

        return EmbeddedStore(path, read_only=read_only, **options)
    if kind == "neo4j":
        from .neo4j import Neo4jStore

        return Neo4jStore(
            uri, user=user, password=password, database=database, batch_size=batch_size, **options
        )
    raise StoreError(f"unknown store kind {kind!r}; use one of {', '.join(STORE_KINDS)}")
