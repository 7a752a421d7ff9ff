"""Test helpers for the Neo4j Cypher linter (tools/cypherlint, Neo4j's own parser and semantic
analysis, run offline through node) and for the statement files under ``cypher/``.

- :func:`lint_queries` lints ``(name, text)`` pairs in one ``node tools/cypherlint/lint.mjs``
  process against the graph model of ``schema/graph.toml``.
- :func:`neo4j_cypher_files` gives every Neo4j-dialect ``cypher/**/*.cypher`` file (not the
  LadybugDB-only ``*.lbug.cypher``) with its template placeholders expanded once per label,
  relationship type (and endpoint pair / property) they apply to. The store's own
  ``kg.store.cypher.render`` and clause builders fill them, as ``kg.store.neo4j`` does, so the
  linter sees the Cypher the store really runs.

The expander knows the placeholders of cypher/README.md that Neo4j files use; any other
``{placeholder}`` raises :class:`TemplateError`, so a new slot makes the lint test fail loudly
until it is taught here (see ``template_fills``).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import SchemaError as KgSchemaError
from kg.graphmodel import GraphModel, graph_model
from kg.store import cypher as store_cypher

__all__ = [
    "CYPHER_DIR",
    "INSTALL_COMMAND",
    "LBUG_SUFFIX",
    "LINT_DIR",
    "LINT_SCRIPT",
    "CypherToolError",
    "Diagnostic",
    "TemplateError",
    "cypher_files",
    "expand_template",
    "file_name",
    "header",
    "lint_queries",
    "lint_schema",
    "lookup_name",
    "neo4j_cypher_files",
    "placeholders",
    "schema_typos",
    "schema_warnings",
    "split_header",
    "support_property",
    "template_fills",
    "tooling_problem",
    "unchecked_schema_names",
]

REPO = Path(__file__).resolve().parent.parent
CYPHER_DIR = REPO / "cypher"
LINT_DIR = REPO / "tools" / "cypherlint"
LINT_SCRIPT = LINT_DIR / "lint.mjs"
LINT_PACKAGE = LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support" / "package.json"
INSTALL_COMMAND = "npm ci --prefix tools/cypherlint"
LINT_TIMEOUT_S = 600

# Same shape as kg.store.cypher.PLACEHOLDER: `{` lowercase/underscore `}`; a map literal always
# has a `:` inside its braces, so `{{key}: k}` is a map around the {key} slot.
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
LBUG_SUFFIX = ".lbug.cypher"

_REL_SLOTS = frozenset({"type", "src_label", "src_key", "dst_label", "dst_key"})
_ENDPOINT_SLOTS = frozenset({"src_label", "src_key", "dst_label", "dst_key"})
_NODE_SLOTS = frozenset({"label", "key"})
_SCOPED_CLAUSES = frozenset({"set_clause", "columns"})
KNOWN_SLOTS = _REL_SLOTS | _NODE_SLOTS | _SCOPED_CLAUSES | {"support", "property"}


class CypherToolError(RuntimeError):
    """The linter could not run (not installed, crashed, or gave unreadable output)."""


class TemplateError(ValueError):
    """A .cypher template uses a placeholder this expander does not know how to fill."""


# -- diagnostics -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Diagnostic:
    severity: int  # 1 = error, 2 = warning (LSP DiagnosticSeverity)
    message: str
    line: int | None  # 1-based, in the linted text
    column: int | None  # 1-based

    @property
    def is_error(self) -> bool:
        return self.severity == 1

    @property
    def is_warning(self) -> bool:
        return self.severity == 2

    @property
    def is_schema_warning(self) -> bool:
        """A warning that a label, relationship type or property key is not in the schema
        (Neo4j words them "... is not present in the database"): a typo against graph.toml."""
        return self.is_warning and "is not present in the database" in self.message

    def __str__(self) -> str:
        kind = {1: "error", 2: "warning"}.get(self.severity, f"severity {self.severity}")
        where = f"{self.line}:{self.column}" if self.line is not None else "?"
        return f"{where} {kind}: {self.message}"


def schema_warnings(text: str, diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    """The schema warnings of a linted text, minus field reads on ``$parameter`` rows.

    Neo4j cannot tell ``row.src`` (a key of a map from ``UNWIND $rows AS row``) from a property
    read, so it warns "src is not present in the database"; such maps carry non-property keys
    (``src``/``dst`` endpoint keys), so warnings on a variable bound by ``UNWIND $x AS var`` are
    dropped. Labels, types and properties read on nodes and relationships stay checked."""
    maps = set(_UNWIND_PARAM.findall(text))
    lines = text.splitlines()
    out = []
    for d in diagnostics:
        if not d.is_schema_warning:
            continue
        if d.line is not None and d.column is not None and 1 <= d.line <= len(lines):
            read = _FIELD_READ.search(lines[d.line - 1][: d.column - 1])
            if read and read.group(1) in maps:
                continue
        out.append(d)
    return out


_UNWIND_PARAM = re.compile(r"\bUNWIND\s+\$[A-Za-z_]\w*\s+AS\s+([A-Za-z_]\w*)", re.IGNORECASE)
_FIELD_READ = re.compile(r"([A-Za-z_]\w*)\s*\.\s*$")


# -- names Neo4j does not check ------------------------------------------------------------------
# Neo4j warns about unknown labels, types and property keys only where they are *read* (MATCH,
# WHERE, RETURN): `CREATE (a:Agncy {nmae: 1})`, `MERGE (a:Agency {kye: $k})`, `SET a.nmae = 1` and
# `SET a:Agncy` lint clean, because writing them would create them. These regexes catch such
# typos in the simple shapes kg's statements use; they run on text without strings/comments.

_STRINGS_AND_COMMENTS = re.compile(r"'(?:\\.|[^'\\])*'|\"(?:\\.|[^\"\\])*\"|//[^\n]*|/\*.*?\*/", re.DOTALL)
_BACKQUOTED = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*)`")
# `(v:Label`, `(:Label`, `[r:TYPE`, `[:TYPE` (first name of a label/type expression)
_PATTERN_NAME = re.compile(r"(?<![\w`])([(\[])\s*(?:[A-Za-z_]\w*\s*)?:\s*([A-Za-z_]\w*)")
# a node/relationship pattern's property map: `(v:Label {k: …, k2: …})`, `[r:TYPE {id: …}]`
_PATTERN_MAP = re.compile(
    r"(?<![\w`])[(\[]\s*(?:[A-Za-z_]\w*\s*(?::[^()\[\]{}]*)?|:[^()\[\]{}]*)\{([^{}]*)\}"
)
_MAP_KEY = re.compile(r"(?:^|,)\s*([A-Za-z_]\w*)\s*:")
# `SET v.p = …`, `, v.p = …` in a SET list, `REMOVE v.p`
_PROPERTY_WRITE = re.compile(r"(?<![\w$])([A-Za-z_]\w*)\s*\.\s*([A-Za-z_]\w*)\s*=(?![=~])")
_PROPERTY_REMOVE = re.compile(r"\bREMOVE\s+([A-Za-z_]\w*)\s*\.\s*([A-Za-z_]\w*)", re.IGNORECASE)
_LABEL_WRITE = re.compile(r"\b(?:SET|REMOVE)\s+[A-Za-z_]\w*\s*:\s*([A-Za-z_]\w*)", re.IGNORECASE)


def unchecked_schema_names(text: str, schema: dict[str, list[str]] | None = None) -> list[str]:
    """Labels, relationship types and property keys in positions Neo4j does not check (pattern
    labels/types and property maps, SET/REMOVE targets) that are not in the schema."""
    schema = schema or lint_schema()
    labels, types, keys = set(schema["labels"]), set(schema["relationshipTypes"]), set(schema["propertyKeys"])
    code = _BACKQUOTED.sub(r"\1", _STRINGS_AND_COMMENTS.sub("''", text))
    maps = set(_UNWIND_PARAM.findall(code))
    found: list[str] = []
    for m in _PATTERN_NAME.finditer(code):
        if m.group(1) == "(" and m.group(2) not in labels:
            found.append(f"label {m.group(2)}")
        elif m.group(1) == "[" and m.group(2) not in types:
            found.append(f"relationship type {m.group(2)}")
    for m in _PATTERN_MAP.finditer(code):
        found += [f"property key {k}" for k in _MAP_KEY.findall(m.group(1)) if k not in keys]
    for m in [*_PROPERTY_WRITE.finditer(code), *_PROPERTY_REMOVE.finditer(code)]:
        if m.group(1) not in maps and m.group(2) not in keys:
            found.append(f"property key {m.group(2)}")
    found += [f"label {name}" for name in _LABEL_WRITE.findall(code) if name not in labels]
    return sorted(set(found))


def schema_typos(
    text: str, diagnostics: Sequence[Diagnostic], schema: dict[str, list[str]] | None = None
) -> list[str]:
    """Every name in ``text`` that is not in the schema: Neo4j's warnings (:func:`schema_warnings`)
    plus :func:`unchecked_schema_names`, one line each."""
    neo4j = schema_warnings(text, diagnostics)
    said = {w for d in neo4j for w in re.findall(r"\w+", d.message)}
    own = [name for name in unchecked_schema_names(text, schema) if name.split()[-1] not in said]
    return [str(d) for d in neo4j] + [
        f"{name} is not in schema/graph.toml (Neo4j does not check it here)" for name in own
    ]


# -- running the linter ----------------------------------------------------------------------


def tooling_problem() -> str | None:
    """Why the linter cannot run here, or None when node and its package are installed."""
    if shutil.which("node") is None:
        return f"node is not on PATH; install Node.js and run `make test` (it runs `{INSTALL_COMMAND}`)"
    if not LINT_PACKAGE.is_file():
        return (
            f"the Cypher linter is not installed ({LINT_DIR.relative_to(REPO)}/node_modules is missing); "
            f"run `make test`, which installs it (`{INSTALL_COMMAND}`)"
        )
    return None


def support_property() -> str:
    """The store-maintained node property listing supporting issues (``[support]`` in graph.toml),
    as the store itself reads it (``kg.store.cypher.support_property``)."""
    return store_cypher.support_property()


def lint_schema(model: GraphModel | None = None) -> dict[str, list[str]]:
    """The labels, relationship types and property keys the linter treats as existing."""
    model = model or graph_model()
    keys = {*model.property_keys(), support_property()}
    return {
        "labels": list(model.labels),
        "relationshipTypes": list(model.rel_types),
        "propertyKeys": sorted(keys),
    }


def lint_queries(queries: Sequence[tuple[str, str]]) -> dict[str, list[Diagnostic]]:
    """Lint ``(name, text)`` pairs as Neo4j CYPHER 5 in one node process; diagnostics by name.

    Undefined-parameter diagnostics are dropped by the linter. Raises :class:`CypherToolError`
    when the tool is missing or fails (diagnostics themselves are never an exception)."""
    names = [name for name, _ in queries]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"query names must be unique: {dupes}")
    if not queries:
        return {}
    problem = tooling_problem()
    if problem:
        raise CypherToolError(problem)
    node = shutil.which("node")
    assert node is not None
    doc = {"schema": lint_schema(), "queries": [{"name": n, "text": t} for n, t in queries]}
    try:
        proc = subprocess.run(
            [node, str(LINT_SCRIPT), "-"],
            input=json.dumps(doc, ensure_ascii=False),
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=LINT_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CypherToolError(f"running {LINT_SCRIPT}: {exc}") from exc
    if proc.returncode != 0:
        raise CypherToolError(
            f"{LINT_SCRIPT.relative_to(REPO)} exited with {proc.returncode}:\n{proc.stderr.strip()}"
        )
    try:
        results: list[dict[str, Any]] = json.loads(proc.stdout)
        out = {
            r["name"]: [
                Diagnostic(int(d["severity"]), str(d["message"]), d.get("line"), d.get("column"))
                for d in r["diagnostics"]
            ]
            for r in results
        }
    except (ValueError, KeyError, TypeError) as exc:
        raise CypherToolError(f"unreadable linter output ({exc}): {proc.stdout[:500]!r}") from exc
    if list(out) != names:
        raise CypherToolError(f"the linter answered for {len(out)} names, not the {len(names)} queries sent")
    return out


# -- cypher/ files ---------------------------------------------------------------------------


def cypher_files() -> list[Path]:
    """Every ``.cypher`` file under cypher/ (both dialects), sorted."""
    return sorted(CYPHER_DIR.rglob("*.cypher")) if CYPHER_DIR.is_dir() else []


def file_name(path: Path) -> str:
    """The file's path relative to cypher/ (``store/merge_edges.cypher``)."""
    return path.relative_to(CYPHER_DIR).as_posix()


def lookup_name(path: Path) -> str:
    """The name a statement is run by: its path without ``.cypher`` / ``.lbug.cypher``."""
    rel = file_name(path)
    return rel.removesuffix(LBUG_SUFFIX) if rel.endswith(LBUG_SUFFIX) else rel.removesuffix(".cypher")


def split_header(text: str) -> tuple[list[str], str]:
    """(the leading ``//`` comment lines, the rest of the text)."""
    lines = text.splitlines(keepends=True)
    n = 0
    while n < len(lines) and lines[n].startswith("//"):
        n += 1
    return [line.rstrip("\r\n") for line in lines[:n]], "".join(lines[n:])


def header(text: str) -> dict[str, str]:
    """The ``// key: value`` lines at the top of a .cypher file."""
    out: dict[str, str] = {}
    for line in split_header(text)[0]:
        key, sep, value = line[2:].partition(":")
        if sep:
            out[key.strip()] = value.strip()
    return out


def placeholders(body: str) -> set[str]:
    return set(PLACEHOLDER.findall(body))


def _property_choice(slots: set[str], names: Sequence[str], index: int) -> list[str | None]:
    """The {property} values to try for the index-th label/type: one, rotating through its
    properties (a {property} slot only ever takes a schema name, so one per label/type is
    enough to lint the statement's shape; every (type, property) pair would be ~10x the cost)."""
    if "property" not in slots:
        return [None]
    return [names[index % len(names)]] if names else []


def template_fills(
    slots: set[str], where: str, model: GraphModel | None = None
) -> Iterator[tuple[str, dict[str, str]]]:
    """(expansion tag, placeholder values) for every schema item the template applies to.

    Names are the graph model's; clauses are built by kg.store.cypher's own builders
    (``set_from_row`` / ``return_columns``) as kg.store.neo4j builds them, and the template is
    filled by ``kg.store.cypher.render`` (which also checks every name against graph.toml)."""
    model = model or graph_model()
    unknown = slots - KNOWN_SLOTS
    if unknown:
        raise TemplateError(
            f"{where}: unknown placeholder(s) {', '.join('{' + s + '}' for s in sorted(unknown))}; "
            f"teach tests/cypher_tools.py (template_fills) how kg.store fills them"
        )
    support = support_property()
    rel_scoped, node_scoped = bool(slots & _REL_SLOTS), bool(slots & _NODE_SLOTS)
    if rel_scoped and node_scoped:
        raise TemplateError(f"{where}: mixes node slots {{label}}/{{key}} with relationship slots")
    base: dict[str, str] = {"support": support}
    if rel_scoped:
        for index, rel in enumerate(model.relationships):
            props = list(rel.property_names)
            pairs: list[tuple[str, str] | None] = list(rel.endpoints) if slots & _ENDPOINT_SLOTS else [None]
            for pair in pairs:
                for prop in _property_choice(slots, props, index):
                    fill = {
                        **base,
                        "type": rel.type,
                        "set_clause": store_cypher.set_from_row("r", [p for p in props if p != "id"]),
                        "columns": store_cypher.return_columns("r", props),
                    }
                    tag = rel.type
                    if pair:
                        src, dst = pair
                        fill |= {
                            "src_label": src,
                            "src_key": model.node(src).key,
                            "dst_label": dst,
                            "dst_key": model.node(dst).key,
                        }
                        tag += f" {src}->{dst}"
                    if prop:
                        fill["property"] = prop
                        tag += f" .{prop}"
                    yield tag, fill
    elif node_scoped:
        for index, node in enumerate(model.nodes):
            names = [*node.property_names, support]
            for prop in _property_choice(slots, names, index):
                fill = {
                    **base,
                    "label": node.label,
                    "key": node.key,
                    "set_clause": store_cypher.set_from_row("n", [p for p in names if p != node.key]),
                    "columns": store_cypher.return_columns("n", names),
                }
                tag = node.label
                if prop:
                    fill["property"] = prop
                    tag += f" .{prop}"
                yield tag, fill
    else:
        if slots & _SCOPED_CLAUSES:
            raise TemplateError(
                f"{where}: {{set_clause}}/{{columns}} without a {{label}} or {{type}} to take them from"
            )
        if "property" in slots:
            for prop in lint_schema(model)["propertyKeys"]:
                yield f".{prop}", {**base, "property": prop}
        else:
            yield "", base


def _body_offset(text: str) -> str:
    """The text before a statement's first line (header comments and blank lines), which
    ``kg.store.cypher.statement`` strips; put back so diagnostics' line numbers are the file's."""
    lines = text.splitlines(keepends=True)
    n = 0
    while n < len(lines) and (lines[n].startswith("//") or not lines[n].strip()):
        n += 1
    return "".join(lines[:n])


def expand_template(path: Path, model: GraphModel | None = None) -> list[tuple[str, str]]:
    """``(name[tag], text)`` for every expansion of a Neo4j .cypher file under cypher/ (just
    ``(name, text)`` if it has no placeholders). Templates are filled by the store's own
    ``kg.store.cypher.render(lookup name, "neo4j", ...)``; the header is kept so that line
    numbers match the file."""
    name, text = file_name(path), path.read_text(encoding="utf-8")
    if path.name.endswith(LBUG_SUFFIX):
        raise TemplateError(f"{name}: a LadybugDB file; only Neo4j-dialect files are expanded")
    slots = placeholders(split_header(text)[1])
    if not slots:
        return [(name, text)]
    model = model or graph_model()
    prefix = _body_offset(text)
    out = []
    for tag, fill in template_fills(slots, name, model):
        try:
            rendered = store_cypher.render(lookup_name(path), "neo4j", **{s: fill[s] for s in slots})
        except KgSchemaError as exc:
            raise TemplateError(f"{name} [{tag}]: kg.store.cypher.render refused: {exc}") from exc
        out.append((f"{name}[{tag}]", prefix + rendered + "\n"))
    return out


def neo4j_cypher_files() -> list[tuple[str, str]]:
    """Every Neo4j-dialect .cypher file under cypher/ (``*.lbug.cypher`` excluded), templates
    expanded for every label / relationship type they apply to. Names are the file path
    relative to cypher/, plus ``[Label]`` / ``[TYPE Src->Dst]`` for an expansion."""
    model = graph_model()
    out: list[tuple[str, str]] = []
    for path in cypher_files():
        if not path.name.endswith(LBUG_SUFFIX):
            out += expand_template(path, model)
    return out
