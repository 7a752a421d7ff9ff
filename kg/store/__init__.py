"""Graph stores behind one interface: :class:`Store` and :func:`open_store`.

Backends load lazily, so importing ``kg.store`` imports neither LadybugDB nor the Neo4j
driver: ``MemoryStore`` (networkx), ``EmbeddedStore`` (LadybugDB, the default) and
``Neo4jStore`` (``pip install 'kg[neo4j]'``).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .base import STORE_KINDS, Store, open_store

if TYPE_CHECKING:
    from .embedded import EmbeddedStore
    from .memory import MemoryStore
    from .neo4j import Neo4jStore

__all__ = ["STORE_KINDS", "EmbeddedStore", "MemoryStore", "Neo4jStore", "Store", "open_store"]

_LAZY = {"MemoryStore": ".memory", "EmbeddedStore": ".embedded", "Neo4jStore": ".neo4j"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
