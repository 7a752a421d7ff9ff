"""kg — a knowledge-graph builder for Chinese health-policy digests (医药卫生政策).

Parse digest issues, extract policies, agencies, regions, drugs, dates and figures and
the relations between them, load them into an embedded graph store (LadybugDB) or
Neo4j, and query a policy's lineage across issues.
"""

from __future__ import annotations

from .errors import (
    ConnectionConfigError,
    DependencyError,
    InputError,
    KGError,
    ParseError,
    QueryError,
    SchemaError,
    StoreError,
    StoreLockedError,
    ValidationError,
)
from .parser import parse_path, parse_paths, parse_text, read_manifest
from .reader import read_path
from .types import (
    Article,
    Edge,
    Extraction,
    GraphBatch,
    Issue,
    LoadReport,
    Mention,
    Node,
    QueryResult,
    Relation,
    Section,
)

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ConnectionConfigError",
    "DependencyError",
    "Edge",
    "Extraction",
    "GraphBatch",
    "InputError",
    "Issue",
    "KGError",
    "LoadReport",
    "Mention",
    "Node",
    "ParseError",
    "QueryError",
    "QueryResult",
    "Relation",
    "SchemaError",
    "Section",
    "StoreError",
    "StoreLockedError",
    "ValidationError",
    "__version__",
    "parse_path",
    "parse_paths",
    "parse_text",
    "read_manifest",
    "read_path",
]
