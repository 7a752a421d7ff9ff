"""Canned queries: the statements under ``cypher/queries/``, their headers, typed parameters,
running them on a :class:`~kg.store.base.Store` and formatting the rows.

Each file's header (cypher/README.md) names the query, says what it returns and declares its
parameters as ``$name (type) description`` or ``$name (type = default) description``, separated
by ``;``. Types:

- ``string`` — taken as given;
- ``title`` — a policy title or part of one, normalised like a policy key (``《》`` stripped,
  NFKC, whitespace removed: ``《关于 2025 年…》`` → ``关于2025年…``), so it matches the key;
- ``agency``, ``region`` — a name as articles write it, turned into the key the extractors give
  it (``国家医保局`` → ``国家医疗保障局``, ``浙江`` → ``浙江省``; see
  :func:`kg.extract.canonical_key`), or kept as given when they read it otherwise;
- ``int``, ``float``, ``bool`` (``true/false/1/0/yes/no``).

``kg query NAME --param k=v`` calls :func:`parse_params` then :func:`run_query`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .errors import QueryError
from .normalize import policy_norm
from .resources import list_cypher, read_cypher
from .store.base import Store
from .store.cypher import header
from .types import QueryResult

__all__ = [
    "FORMATS",
    "PARAM_TYPES",
    "CannedQuery",
    "Param",
    "bind",
    "browser_guide_html",
    "browser_instructions",
    "format_result",
    "get_query",
    "grass_stylesheet",
    "list_queries",
    "param_lines",
    "parse_params",
    "result_dicts",
    "run_query",
]

FOLDER = "queries"
FORMATS = ("table", "json", "csv")
PARAM_TYPES = ("string", "title", "agency", "region", "int", "float", "bool")
_PARAM = re.compile(
    r"\$(?P<name>[A-Za-z_]\w*)\s*\(\s*(?P<type>\w+)\s*(?:=\s*(?P<default>[^)]*?))?\s*\)\s*(?P<doc>[^;]*)"
)
_TRUE = {"true", "1", "yes", "y", "on"}
_FALSE = {"false", "0", "no", "n", "off"}
_ENTITY_PARAMS = {"agency": "Agency", "region": "Region"}
"""Parameter types naming an entity, and the label whose key they are turned into."""


@dataclass(frozen=True, slots=True)
class Param:
    """One ``$parameter`` of a canned query, as its header declares it."""

    name: str
    type: str
    default: str | None
    description: str

    @property
    def required(self) -> bool:
        return self.default is None

    def coerce(self, value: Any, query: str) -> Any:
        """``value`` (a command-line string or a Python value) as this parameter's type."""
        where = f"parameter {self.name!r} of query {query!r}"
        if self.type in ("string", "title", *_ENTITY_PARAMS):
            text = "" if value is None else str(value)
            if self.type == "title":
                return policy_norm(text)
            if self.type in _ENTITY_PARAMS:
                from .extract import canonical_key

                return canonical_key(_ENTITY_PARAMS[self.type], text)
            return text
        if self.type == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in _TRUE | _FALSE:
                return text in _TRUE
            raise QueryError(f"{where} takes true or false, not {value!r}")
        try:
            if self.type == "int":
                if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                    raise ValueError(value)
                return int(value)
            return float(value)
        except (TypeError, ValueError) as exc:
            raise QueryError(f"{where} takes a number ({self.type}), not {value!r}") from exc

    def default_value(self, query: str) -> Any:
        if self.default is None:
            return None
        text = self.default.strip()
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
            text = text[1:-1]
        return self.coerce(text, query)

    def describe(self) -> str:
        default = "" if self.default is None else f" = {self.default}"
        return f"{self.name} ({self.type}{default}) {self.description}".strip()


@dataclass(frozen=True, slots=True)
class CannedQuery:
    """A canned query: its name (``lineage``), file (``queries/lineage``) and header."""

    name: str
    path: str
    description: str
    params: tuple[Param, ...]
    example: str
    columns: tuple[str, ...]
    dialect: str

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        names = ", ".join(p.name for p in self.params) or "none"
        raise QueryError(f"query {self.name!r} has no parameter {name!r}; its parameters: {names}")


def _parse_params(text: str, path: str) -> tuple[Param, ...]:
    if text.strip().lower() in ("", "none"):
        return ()
    out: list[Param] = []
    for m in _PARAM.finditer(text):
        ptype = m.group("type")
        if ptype not in PARAM_TYPES:
            raise QueryError(f"cypher/{path}.cypher declares ${m.group('name')} with unknown type {ptype!r}")
        out.append(Param(m.group("name"), ptype, m.group("default"), m.group("doc").strip()))
    if not out:
        raise QueryError(f"cypher/{path}.cypher has a params line kg cannot read: {text!r}")
    return tuple(out)


def _load(name: str) -> CannedQuery:
    path = f"{FOLDER}/{name}"
    head = header(read_cypher(path))
    return CannedQuery(
        name=name,
        path=path,
        description=head.get("description", ""),
        params=_parse_params(head.get("params", ""), path),
        example=head.get("example", ""),
        columns=tuple(c.strip() for c in head.get("columns", "").split(",") if c.strip()),
        dialect=head.get("dialect", "portable"),
    )


def list_queries() -> list[CannedQuery]:
    """Every canned query under ``cypher/queries/``, by name."""
    names = sorted(
        n.removeprefix(f"{FOLDER}/") for n in list_cypher(FOLDER) if not n.endswith(".lbug")
    )
    return [_load(n) for n in names]


def get_query(name: str) -> CannedQuery:
    """The canned query ``name`` (``lineage`` or ``queries/lineage``)."""
    short = name.removeprefix(f"{FOLDER}/")
    known = [q.name for q in list_queries()]
    if short not in known:
        raise QueryError(f"there is no canned query {name!r}; known queries: {', '.join(known)}")
    return _load(short)


def parse_params(query: CannedQuery, pairs: Sequence[str]) -> dict[str, Any]:
    """``["policy=第十批", "depth=3"]`` as typed values (the header's types)."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().removeprefix("$")
        if not sep or not key:
            raise QueryError(f"--param {pair!r} is not NAME=VALUE")
        out[key] = query.param(key).coerce(value, query.name)
    return out


def bind(query: CannedQuery, params: Mapping[str, Any]) -> dict[str, Any]:
    """Every parameter of ``query``: the given ones coerced, the others their defaults."""
    for key in params:
        query.param(key)
    out: dict[str, Any] = {}
    for p in query.params:
        if p.name in params:
            out[p.name] = p.coerce(params[p.name], query.name)
        elif p.required:
            raise QueryError(f"query {query.name!r} needs --param {p.name}=VALUE ({p.description or p.type})")
        else:
            out[p.name] = p.default_value(query.name)
    return out


def run_query(store: Store, name: str, params: Mapping[str, Any] | None = None) -> QueryResult:
    """Run the canned query ``name`` on ``store`` with typed, defaulted parameters."""
    query = get_query(name)
    result = store.run(query.path, bind(query, params or {}))
    return QueryResult(query.name, result.columns, tuple(tuple(_plain(v) for v in r) for r in result.rows))


def _plain(value: Any) -> Any:
    """Store values as JSON-able Python values (LadybugDB's sum() gives Decimal)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def result_dicts(result: QueryResult) -> list[dict[str, Any]]:
    """The rows as ``{column: value}`` dicts."""
    return [dict(zip(result.columns, row, strict=True)) for row in result.rows]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "、".join(_cell(v) for v in value)
    return str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if _width(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        w = _width(ch)
        if used + w > limit - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_result(result: QueryResult, fmt: str = "table", *, max_width: int = 48) -> str:
    """Rows as an aligned text ``table`` (cells clipped to ``max_width`` columns), ``json``
    (a list of objects) or ``csv`` (with a header line; lists joined with 、)."""
    if fmt == "json":
        return json.dumps(result_dicts(result), ensure_ascii=False, indent=2, default=str) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([_cell(v) for v in row] for row in result.rows)
        return buf.getvalue()
    if fmt != "table":
        raise QueryError(f"unknown output format {fmt!r}; use one of {', '.join(FORMATS)}")
    cells = [[_clip(_cell(v), max_width) for v in row] for row in result.rows]
    widths = [max([_width(c), *(_width(r[i]) for r in cells)]) for i, c in enumerate(result.columns)]
    lines = ["  ".join(_pad(c, w) for c, w in zip(result.columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines) + "\n"


# -- Neo4j Browser: style sheet, guide, :param lines ----------------------------------------------

# one colour per label (node fill, border), in graph.toml order
_COLOURS = {
    "Issue": ("#8DCC93", "#5DB665"),
    "Article": ("#C990C0", "#B261A5"),
    "Policy": ("#4C8EDA", "#2870C2"),
    "Agency": ("#F79767", "#F36924"),
    "Region": ("#57C7E3", "#23B3D7"),
    "Drug": ("#F16667", "#EB2728"),
    "Date": ("#D9C8AE", "#C0A378"),
    "Figure": ("#A5ABB6", "#9AA1AC"),
}
_DIAMETER = {"Policy": 65, "Agency": 55, "Issue": 60, "Article": 45}


def grass_stylesheet() -> str:
    """The Neo4j Browser style sheet (``cypher/browser/kg.grass``): one colour per label, the
    Chinese name (``name``) as each node's caption, the 中文 name of each relationship type."""
    from .graphmodel import graph_model

    model = graph_model()
    out = [
        "/* kg: Neo4j Browser style. Generated by kg.query.grass_stylesheet(); do not edit by hand. */",
        "node {\n  diameter: 50px;\n  color: #A5ABB6;\n  border-color: #9AA1AC;\n  border-width: 2px;\n"
        "  text-color-internal: #FFFFFF;\n  font-size: 10px;\n  caption: \"{name}\";\n}",
        "relationship {\n  color: #A5ABB6;\n  shaft-width: 1px;\n  font-size: 9px;\n  padding: 3px;\n"
        "  text-color-external: #000000;\n  text-color-internal: #FFFFFF;\n  caption: \"<type>\";\n}",
    ]
    for spec in model.nodes:
        fill, border = _COLOURS.get(spec.label, ("#A5ABB6", "#9AA1AC"))
        text = "#2A2C34" if spec.label in ("Date", "Region", "Issue") else "#FFFFFF"
        out.append(
            f"node.{spec.label} {{\n  /* {spec.name_zh} */\n  color: {fill};\n  border-color: {border};\n"
            f"  text-color-internal: {text};\n  diameter: {_DIAMETER.get(spec.label, 50)}px;\n"
            f"  caption: \"{{{spec.caption}}}\";\n}}"
        )
    for rel in model.relationships:
        out.append(f"relationship.{rel.type} {{\n  caption: \"{rel.name_zh}\";\n}}")
    return "\n".join(out) + "\n"


def _example_values(query: CannedQuery) -> dict[str, str]:
    found = dict(re.findall(r"--param\s+(\w+)=(\S+)", query.example))
    return {p.name: found.get(p.name, p.default_value(query.name) if not p.required else "") for p in query.params}


def _cypher_value(param: Param, value: Any, query: str) -> str:
    typed = param.coerce(value, query)
    if isinstance(typed, bool):
        return "true" if typed else "false"
    if isinstance(typed, (int, float)):
        return str(typed)
    return "'" + str(typed).replace("\\", "\\\\").replace("'", "\\'") + "'"


def param_lines(query: CannedQuery, values: Mapping[str, Any] | None = None) -> list[str]:
    """Neo4j Browser ``:param name => value`` lines for a query (its example values by default)."""
    given = dict(_example_values(query), **(values or {}))
    return [f":param {p.name} => {_cypher_value(p, given.get(p.name, ''), query.name)}" for p in query.params]


def browser_guide_html() -> str:
    """The Neo4j Browser guide (``cypher/browser/kg-guide.html``): one slide per canned query
    with its :param lines and its Neo4j statement, both clickable. Generated; do not edit."""
    from html import escape

    from .store.cypher import statement

    slides = [
        "<h3>kg: Chinese health-policy knowledge graph</h3>"
        "<p>Nodes: 期 Issue, 文章 Article, 政策 Policy, 机构 Agency, 地区 Region, 药品 Drug, 日期 Date, "
        "数字 Figure. Every fact (发布 ISSUED, 试点 PILOTS_IN, 执行 IMPLEMENTS, 中选 SELECTED_IN, 依据 BASED_ON, "
        "修订 AMENDS, 废止 REPEALS, 草案 DRAFT_OF) carries its issue, article and evidence sentence.</p>"
        "<p>Click a grey block to copy it into the editor, then run it. Set the parameters first "
        "(the <code>:param</code> block), then run the query.</p>"
        '<pre mode="cypher">MATCH (n) RETURN labels(n)[0] AS label, count(*) AS nodes ORDER BY label</pre>'
    ]
    for q in list_queries():
        _, text = statement(q.path, "neo4j")
        params = "\n".join(param_lines(q)) or "// no parameters"
        slides.append(
            f"<h3>{escape(q.name)}</h3><p>{escape(q.description)}</p>"
            f'<pre mode="cypher">{escape(params)}</pre>'
            f'<pre mode="cypher">{escape(text)}</pre>'
            f"<p>Same rows from the shell: <code>{escape(q.example)}</code></p>"
        )
    body = "\n".join(f'<slide class="row-fluid">\n<div class="col-sm-12">\n{s}\n</div>\n</slide>' for s in slides)
    return (
        "<!-- kg Neo4j Browser guide. Generated by kg.query.browser_guide_html(); do not edit by hand. -->\n"
        '<article class="guide">\n<carousel class="deck container-fluid">\n'
        f"{body}\n</carousel>\n</article>\n"
    )


def browser_instructions() -> str:
    """What ``kg browser`` prints: where the style and guide are and the exact Browser steps."""
    from importlib import resources

    where = str(resources.files("kg.cypher").joinpath("browser"))
    lines = [
        "Neo4j Browser (connect it to the database `kg load --neo4j` wrote):",
        "",
        f"1. Style: drag {where}/kg.grass onto the Browser window (or run :style, then drop the file).",
        "   Reset with :style reset.",
        "2. Guide: Browser plays guides only over HTTP from an allow-listed host. Serve the folder:",
        f"     python -m http.server 8001 --bind 127.0.0.1 --directory {where}",
        "   allow it in neo4j.conf (then restart Neo4j):",
        "     browser.remote_content_hostname_allowlist=localhost,127.0.0.1",
        "   and run in Browser:",
        "     :play http://127.0.0.1:8001/kg-guide.html",
        "3. Canned queries: set the parameters with these lines, then paste the query",
        "   (kg query --list shows them; the guide has each one clickable):",
    ]
    for q in list_queries():
        lines.append("")
        lines.append(f"   // {q.name}")
        lines += [f"   {line}" for line in param_lines(q)]
    return "\n".join(lines) + "\n"
