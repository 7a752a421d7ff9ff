"""Columnar parameters for LadybugDB bulk statements.

LadybugDB converts a ``$rows`` list of maps slowly (about 0.1 ms per row) but a list of
strings or numbers fast, so the embedded store passes one list per column and reads row
``i`` as ``$v_<prop>[i]`` inside ``UNWIND range(1, $row_count) AS i``. Two typing traps are
handled here: a column that is entirely null cannot be typed, so it becomes a typed
``CAST(NULL AS T)`` literal; a list of lists with an empty member breaks the binder, so a
``STRING[]`` column is one flat list plus 1-based start/end positions per row
(``list_slice``; end ``-1`` means null). Expressions are built from schema names only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .cypher import Clause, ident

__all__ = ["encode"]


def encode(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, str]]
) -> tuple[dict[str, Clause], dict[str, Any]]:
    """For each (property, type): the Cypher expression of row ``i``, and the parameters."""
    params: dict[str, Any] = {"row_count": len(rows)}
    exprs: dict[str, Clause] = {}
    for name, ptype in columns:
        ident(name)
        values = [r.get(name) for r in rows]
        if ptype == "STRING[]":
            flat: list[str] = []
            starts: list[int] = []
            ends: list[int] = []
            for value in values:
                starts.append(len(flat) + 1)
                if value is None:
                    ends.append(-1)
                else:
                    flat.extend(value)
                    ends.append(len(flat))
            if all(v is None for v in values):
                exprs[name] = Clause("CAST(NULL AS STRING[])")
                continue
            params[f"e_{name}"] = ends
            if flat:
                params[f"f_{name}"], params[f"s_{name}"] = flat, starts
                row = f"list_slice($f_{name}, $s_{name}[i], $e_{name}[i])"
                exprs[name] = Clause(f"CASE WHEN $e_{name}[i] < 0 THEN NULL ELSE {row} END")
            else:
                exprs[name] = Clause(
                    f"CASE WHEN $e_{name}[i] < 0 THEN CAST(NULL AS STRING[]) ELSE CAST([] AS STRING[]) END"
                )
        elif all(v is None for v in values):
            exprs[name] = Clause(f"CAST(NULL AS {ident(ptype)})")
        else:
            if ptype == "DOUBLE":
                values = [None if v is None else float(v) for v in values]
            params[f"v_{name}"] = values
            exprs[name] = Clause(f"$v_{name}[i]")
    return exprs, params
