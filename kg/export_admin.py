"""Export a graph for Neo4j: CSV files for ``neo4j-admin database import full`` (the fastest
first load) and a cypher-shell script.

The source is a :class:`~kg.store.base.Store` (its :meth:`dump`), store rows ``(nodes,
edges)``, or GraphBatches — which are first loaded into a :class:`MemoryStore`, so the
export means exactly what a store load means (support lists, list unions, reloads).

CSV layout (``out_dir``): per label ``nodes_<Label>.header.csv`` + ``nodes_<Label>.csv``;
per relationship type and endpoint pair ``rels_<TYPE>_<From>_<To>.header.csv`` + ``….csv``
(one ID space per label, so a type with several endpoint pairs needs one file pair each).
Headers are typed from schema/graph.toml (``key:ID(Policy)``, ``year:long``,
``aliases:string[]``, ``:START_ID(Article)``…). Strings are always quoted (``""`` inside),
a null is an empty unquoted field, arrays are joined with ``array_delimiter`` (``;``).
``README.md`` holds the exact command line; ``schema.cypher`` the constraints to run after.

The script (:func:`export_cypher`) inlines rows as escaped Cypher literals rather than
``:param`` lines, so it runs unchanged in cypher-shell of any version and in Neo4j Browser:
strings are single-quoted with ``\\\\``, ``\\'`` and ``\\uXXXX`` for control characters.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .errors import ValidationError
from .graphmodel import graph_model
from .store.base import Store
from .store.cypher import render, set_from_row, support_property
from .types import Edge, GraphBatch, Node

__all__ = ["Rows", "cypher_literal", "export_cypher", "export_neo4j_admin", "rows_of", "schema_script"]

log = logging.getLogger(__name__)

Rows = tuple[Sequence[Node], Sequence[Edge]]
Source = Store | Rows | Iterable[GraphBatch]
ADMIN_TYPES = {
    "STRING": "string",
    "INT64": "long",
    "DOUBLE": "double",
    "BOOL": "boolean",
    "STRING[]": "string[]",
}
SCRIPT_ROWS = 500


def rows_of(source: Source) -> Rows:
    """All nodes and edges of a store, of store rows, or of batches loaded in order."""
    if isinstance(source, Store):
        return source.dump()
    if isinstance(source, tuple) and len(source) == 2 and not isinstance(source[0], GraphBatch):
        return source
    from .store.memory import MemoryStore

    with MemoryStore() as memory:
        for batch in source:
            if not isinstance(batch, GraphBatch):
                raise ValidationError(f"cannot export {type(batch).__name__}; give a store, rows or batches")
            memory.load(batch)
        return memory.dump()


def _csv_value(value: Any, ptype: str, delimiter: str, where: str) -> str:
    if value is None:
        return ""
    if ptype == "STRING[]":
        bad = [item for item in value if delimiter in item]
        if bad:
            raise ValidationError(
                f"{where} has an item containing the array delimiter {delimiter!r} ({bad[0]!r:.40}); "
                "export again with another array_delimiter"
            )
        return _quote(delimiter.join(value))
    if ptype == "BOOL":
        return "true" if value else "false"
    if ptype in ("INT64", "DOUBLE"):
        return repr(value)
    return _quote(str(value))


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _write_csv(path: Path, lines: Iterable[str]) -> int:
    n = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        for line in lines:
            fh.write(line + "\n")
            n += 1
    return n


def export_neo4j_admin(
    source: Source, out_dir: str | Path, *, array_delimiter: str = ";", database: str = "neo4j"
) -> dict[str, int]:
    """Write the CSV files, README.md and schema.cypher; returns data rows per file stem."""
    model, support = graph_model(), support_property()
    nodes, edges = rows_of(source)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written: dict[str, int] = {}
    node_args: list[str] = []
    rel_args: list[str] = []
    for spec in model.nodes:
        props = [*spec.properties, (support, "STRING[]")]
        header = [
            f"{spec.key}:ID({spec.label})" if n == spec.key else f"{n}:{ADMIN_TYPES[t]}" for n, t in props
        ]
        stem = f"nodes_{spec.label}"
        _write_csv(out / f"{stem}.header.csv", [",".join(header)])
        rows = (
            ",".join(
                _csv_value(n.props.get(p), t, array_delimiter, f"{spec.label} {n.key!r}.{p}")
                for p, t in props
            )
            for n in nodes
            if n.label == spec.label
        )
        written[stem] = _write_csv(out / f"{stem}.csv", rows)
        node_args.append(f"--nodes={spec.label}={stem}.header.csv,{stem}.csv")
    for rel in model.relationships:
        for a, b in rel.endpoints:
            header = [
                f":START_ID({a})",
                f":END_ID({b})",
                *(f"{n}:{ADMIN_TYPES[t]}" for n, t in rel.properties),
            ]
            stem = f"rels_{rel.type}_{a}_{b}"
            _write_csv(out / f"{stem}.header.csv", [",".join(header)])
            rows = (
                ",".join(
                    [
                        _quote(e.src_key),
                        _quote(e.dst_key),
                        *(
                            _csv_value(
                                e.props.get(p), t, array_delimiter, f"{rel.type} {e.props.get('id')!r}.{p}"
                            )
                            for p, t in rel.properties
                        ),
                    ]
                )
                for e in edges
                if (e.type, e.src_label, e.dst_label) == (rel.type, a, b)
            )
            written[stem] = _write_csv(out / f"{stem}.csv", rows)
            rel_args.append(f"--relationships={rel.type}={stem}.header.csv,{stem}.csv")
    (out / "schema.cypher").write_text(schema_script(), encoding="utf-8")
    (out / "README.md").write_text(
        _readme(node_args, rel_args, array_delimiter, database, written), encoding="utf-8"
    )
    log.info(
        "wrote neo4j-admin import files for %d nodes and %d relationships to %s", len(nodes), len(edges), out
    )
    return written


def _readme(
    node_args: list[str], rel_args: list[str], delimiter: str, database: str, written: dict[str, int]
) -> str:
    args = [
        "neo4j-admin database import full",
        "--overwrite-destination",
        f"--array-delimiter={_sh(delimiter)}",
        "--multiline-fields=true",
        "--id-type=string",
        *node_args,
        *rel_args,
        database,
    ]
    command = " \\\n  ".join(args)
    counts = "\n".join(f"| {stem} | {n} |" for stem, n in written.items() if n)
    return f"""# Neo4j bulk import (generated by kg)

One header + data CSV pair per label and per relationship type and endpoint pair (each label
is its own ID space). Stop the database (or use a new one), copy this folder next to the
server, and from inside it run:

```sh
{command}
```

Then start the database and create the uniqueness constraints and indexes kg relies on:

```sh
cypher-shell -d {database} -f schema.cypher
```

`--overwrite-destination` replaces the database `{database}`; drop it to import into an empty
new database. Arrays use `{delimiter}` as delimiter (an item containing it is refused at
export); an array holding only the empty string reads back as an empty array. Every store
node carries `issues:string[]`, the issues that support it.

| file | rows |
|---|---|
{counts}
"""


def _sh(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def schema_script() -> str:
    model = graph_model()
    lines = [render("schema/node_key", "neo4j", label=n.label, key=n.key) + ";" for n in model.nodes]
    lines += [
        render("schema/rel_index", "neo4j", type=r.type, property=p) + ";"
        for r in model.relationships
        for p in ("id", "issue_id")
    ]
    return (
        "// kg: constraints and indexes (run before loading, or after neo4j-admin import)\n"
        + "\n".join(lines)
        + "\n"
    )


def cypher_literal(value: Any) -> str:
    """A Cypher literal for a property value (strings escaped for Neo4j and LadybugDB)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationError(f"{value!r} cannot be written as a Cypher literal")
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    out = []
    for ch in str(value):
        if ch == "\\":
            out.append("\\\\")
        elif ch == "'":
            out.append("\\'")
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def _map(row: dict[str, Any]) -> str:
    return "{" + ", ".join(f"`{k}`: {cypher_literal(v)}" for k, v in row.items() if v is not None) + "}"


def _inline(template: str, rows: Sequence[dict[str, Any]]) -> Iterator[str]:
    if template.count("$rows") != 1:
        raise ValidationError("an export template must use $rows exactly once")
    for start in range(0, len(rows), SCRIPT_ROWS):
        chunk = rows[start : start + SCRIPT_ROWS]
        yield template.replace("$rows", "[\n  " + ",\n  ".join(_map(r) for r in chunk) + "\n]") + ";"


def export_cypher(source: Source, path: str | Path) -> int:
    """Write a cypher-shell script that re-creates the graph (MERGE, so it can be re-run);
    returns the number of statements."""
    model, support = graph_model(), support_property()
    nodes, edges = rows_of(source)
    statements = [s for s in schema_script().splitlines() if not s.startswith("//")]
    for spec in model.nodes:
        names = [*spec.property_names, support]
        template = render(
            "store/merge_nodes",
            "neo4j",
            label=spec.label,
            key=spec.key,
            set_clause=set_from_row("n", [n for n in names if n != spec.key]),
        )
        statements += _inline(
            template, [{p: n.props.get(p) for p in names} for n in nodes if n.label == spec.label]
        )
    for rel in model.relationships:
        for a, b in rel.endpoints:
            template = render(
                "store/merge_edges",
                "neo4j",
                type=rel.type,
                src_label=a,
                dst_label=b,
                src_key=model.node(a).key,
                dst_key=model.node(b).key,
                set_clause=set_from_row("r", [n for n in rel.property_names if n != "id"]),
            )
            rows = [
                {"src": e.src_key, "dst": e.dst_key, **{p: e.props.get(p) for p in rel.property_names}}
                for e in edges
                if (e.type, e.src_label, e.dst_label) == (rel.type, a, b)
            ]
            statements += _inline(template, rows)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    head = (
        f"// kg export: {len(nodes)} nodes, {len(edges)} relationships; values inlined as escaped literals.\n"
        f"// Run: cypher-shell -a $KG_NEO4J_URI -u $KG_NEO4J_USER -d <database> -f {target.name}\n"
    )
    target.write_text(head + "\n\n".join(statements) + "\n", encoding="utf-8")
    return len(statements)
