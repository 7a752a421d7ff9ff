"""A cache of LadybugDB prepared statements for the embedded store.

``Connection.execute(text, params)`` keeps its own cache, but finds the entry by a type
signature of every parameter that it computes in Python, walking each list element by
element and each map field by field, and it matches every parameter name against the text
with a regular expression: about a third of the time of a load of small issues went there.
The store's parameters are plain and homogeneous by construction (a list holds one schema
type, or strings, plus nulls), so their signature is read from the first non-null element;
parameters of any other shape (maps, lists of lists) go through ``execute(text, params)``.

What the signature must keep apart (each case makes LadybugDB bind a different type): an int
scalar's width (LadybugDB narrows scalar ints to the smallest type that holds the value seen
at prepare time, and silently corrupts a later value of another width), and an empty or
all-null list (no element type) from a typed one. COPY statements are never cached: running
a prepared COPY twice crashes LadybugDB 0.22.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

__all__ = ["PreparedCache", "signature"]

Signature = tuple[tuple[str, str], ...]

_INT_WIDTHS = (
    (-(2**7), 2**7 - 1, "int8"),
    (0, 2**8 - 1, "uint8"),
    (-(2**15), 2**15 - 1, "int16"),
    (0, 2**16 - 1, "uint16"),
    (-(2**31), 2**31 - 1, "int32"),
    (0, 2**32 - 1, "uint32"),
)


def _int_type(value: int) -> str:
    for low, high, name in _INT_WIDTHS:
        if low <= value <= high:
            return name
    return "int64"


def _scalar_type(value: Any) -> str | None:
    if value is None:
        return "any"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return _int_type(value)
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return "string"
    return None


def _list_type(value: list[Any]) -> str | None:
    first = next((v for v in value if v is not None), None)
    if first is None:
        return "list:any"
    if isinstance(first, bool):
        return "list:bool"
    if isinstance(first, int):
        return "list:int64"  # LadybugDB binds a homogeneous int list as INT64[] whatever the widths
    if isinstance(first, float):
        return "list:double"
    if isinstance(first, str):
        return "list:string"
    return None


def signature(params: Mapping[str, Any]) -> Signature | None:
    """The binding types of ``params``, or None when one is not a plain scalar or flat list."""
    out: list[tuple[str, str]] = []
    for name, value in params.items():
        kind = _list_type(value) if isinstance(value, list) else _scalar_type(value)
        if kind is None:
            return None
        out.append((name, kind))
    return tuple(sorted(out))


class PreparedCache:
    """Prepared statements by (text, parameter signature), for one connection."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self._cache: dict[tuple[str, Signature], Any] = {}

    def execute(self, text: str, params: dict[str, Any]) -> Any:
        """Run ``text`` with ``params`` (LadybugDB errors propagate as ``RuntimeError``)."""
        copy = text.startswith("COPY ")
        sig = None if copy or not params else signature(params)
        if sig is None and not copy:
            return self._conn.execute(text, params)
        prepared = None if sig is None else self._cache.get((text, sig))
        if prepared is None:
            with warnings.catch_warnings():  # prepare() is deprecated in favour of execute(text)
                warnings.simplefilter("ignore", DeprecationWarning)
                prepared = self._conn.prepare(text, params)
            if sig is not None:
                self._cache[(text, sig)] = prepared
        return self._conn.execute(prepared, params)

    def clear(self) -> None:
        self._cache.clear()
