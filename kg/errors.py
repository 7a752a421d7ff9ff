"""The one exception root of kg, and its small family.

Every error a user can meet is a :class:`KGError`; its message is one sentence that
names the file, article or setting at fault and, where it helps, what to do next.
The CLI prints ``str(error)`` and exits with the error's ``exit_code``.
"""

from __future__ import annotations

__all__ = [
    "ConnectionConfigError",
    "DependencyError",
    "InputError",
    "KGError",
    "ParseError",
    "QueryError",
    "SchemaError",
    "StoreError",
    "StoreLockedError",
    "ValidationError",
]


class KGError(Exception):
    """Root of every error kg raises on purpose."""

    exit_code = 1


class InputError(KGError):
    """A file cannot be read as text (missing, empty, binary, undecodable, no text layer)."""

    exit_code = 2


class ParseError(KGError):
    """Text was read but cannot be understood as an issue or article."""

    exit_code = 2


class SchemaError(KGError):
    """The shipped schema or a gazetteer is malformed."""

    exit_code = 3


class ValidationError(KGError):
    """Extracted data does not conform to the graph model."""

    exit_code = 3


class StoreError(KGError):
    """A graph store failed; the store is left as it was before the failed operation."""

    exit_code = 4


class StoreLockedError(StoreError):
    """Another process holds the embedded store for writing."""


class ConnectionConfigError(StoreError):
    """A Neo4j connection cannot be made (unreachable, bad credentials, no database)."""


class QueryError(KGError):
    """A canned query is unknown or was given bad parameters."""

    exit_code = 5


class DependencyError(KGError):
    """An optional dependency is missing; the message gives the install command."""

    exit_code = 6
