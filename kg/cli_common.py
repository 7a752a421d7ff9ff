"""Options and helpers shared by the ``kg`` commands that open a graph store.

``--store DIR`` picks the embedded store (default ``$KG_STORE`` or ``./kg-data``); ``--neo4j``
(or ``KG_NEO4J_URI`` set in the environment) picks the Neo4j server configured by the
``KG_NEO4J_*`` variables. ``--store`` given explicitly wins over ``KG_NEO4J_URI``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

from .store.base import Store, open_store

__all__ = ["open_cli_store", "store_options", "wants_neo4j"]

F = TypeVar("F", bound=Callable[..., Any])


def store_options(func: F) -> F:
    """Add ``--store DIR`` and ``--neo4j`` (passed to the command as ``store`` and ``neo4j``)."""
    func = click.option(
        "--neo4j",
        is_flag=True,
        help="Use the Neo4j server configured by KG_NEO4J_URI, KG_NEO4J_USER, KG_NEO4J_PASSWORD "
        "and KG_NEO4J_DATABASE (the default when KG_NEO4J_URI is set and --store is not given).",
    )(func)
    func = click.option(
        "--store",
        type=click.Path(file_okay=False),
        default=None,
        help="Embedded store directory (default: $KG_STORE or ./kg-data).",
    )(func)
    return func


def wants_neo4j(store: str | None, neo4j: bool) -> bool:
    """Whether the options select Neo4j: ``--neo4j``, or ``KG_NEO4J_URI`` set without ``--store``."""
    return neo4j or (store is None and bool(os.environ.get("KG_NEO4J_URI")))


def open_cli_store(store: str | None, neo4j: bool, read_only: bool) -> Store:
    """Open the store the options select; embedded stores open ``read_only`` when asked.

    Raises :class:`kg.errors.StoreError` (or a subclass) with one sentence when it cannot.
    """
    if store is not None and neo4j:
        raise click.UsageError("give either --store or --neo4j, not both")
    if wants_neo4j(store, neo4j):
        return open_store("neo4j")
    return open_store("embedded", path=store, read_only=read_only)
