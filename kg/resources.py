"""One door to the package data: ``schema/`` and ``cypher/`` (installed as ``kg.schema``
and ``kg.cypher``) and the bundled sample issues."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

from .errors import QueryError, SchemaError

__all__ = ["cypher_file", "list_cypher", "load_toml", "read_cypher", "read_schema_text", "samples_dir", "schema_file"]


def schema_file(name: str) -> Traversable:
    """A file under ``schema/`` (``kg.schema`` when installed)."""
    return resources.files("kg.schema").joinpath(name)


def read_schema_text(name: str) -> str:
    """The UTF-8 text of a schema file; a missing file is a :class:`SchemaError`."""
    try:
        return schema_file(name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise SchemaError(f"schema file {name!r} is missing from the kg package; reinstall kg") from exc


@cache
def load_toml(name: str) -> dict[str, Any]:
    """Parse a TOML file under ``schema/`` (cached: schema files are read-only data)."""
    try:
        return tomllib.loads(read_schema_text(name))
    except tomllib.TOMLDecodeError as exc:
        raise SchemaError(f"schema file {name!r} is not valid TOML: {exc}") from exc


def cypher_file(name: str) -> Traversable:
    """A ``.cypher`` file under ``cypher/`` by relative path without the suffix."""
    return resources.files("kg.cypher").joinpath(f"{name}.cypher")


@cache
def read_cypher(name: str) -> str:
    """The text of one Cypher statement file, e.g. ``read_cypher("queries/lineage")``."""
    try:
        return cypher_file(name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise QueryError(f"no Cypher file named {name!r}; see `kg query --list`") from exc


def list_cypher(folder: str = "") -> list[str]:
    """Names (relative, without ``.cypher``) of the Cypher files under ``cypher/folder``."""
    root = resources.files("kg.cypher")
    base = root.joinpath(folder) if folder else root
    found: list[str] = []

    def walk(node: Traversable, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            if child.is_dir():
                walk(child, f"{prefix}{child.name}/")
            elif child.name.endswith(".cypher"):
                found.append(prefix + child.name.removesuffix(".cypher"))

    if base.is_dir():
        walk(base, f"{folder}/" if folder else "")
    return found


def samples_dir() -> Traversable:
    """The folder of bundled sample issues (``kg/samples``)."""
    return resources.files("kg.samples")
