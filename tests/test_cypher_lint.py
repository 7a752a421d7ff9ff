"""Every Neo4j statement under cypher/ passes Neo4j's own parser and semantic analysis, offline.

The linter is tools/cypherlint (@neo4j-cypher/language-support run by node, see its README).
Without node or its installed package these tests skip, saying how to install it; with the
environment variable CI set, missing tooling is a failure, because CI must really lint.

A self-test first proves the linter rejects known-bad Cypher (so it cannot pass everything
silently); then each Neo4j-dialect file, its templates expanded for every label / relationship
type they apply to (tests/cypher_tools.py), must give no error and no warning that a label,
relationship type or property key is missing from schema/graph.toml (plus a check of the names
Neo4j does not warn about: labels, types and properties that a statement writes).
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any, TypeVar

import pytest
from cypher_tools import (
    LBUG_SUFFIX,
    Diagnostic,
    TemplateError,
    cypher_files,
    expand_template,
    file_name,
    header,
    lint_queries,
    lookup_name,
    placeholders,
    schema_typos,
    split_header,
    support_property,
    template_fills,
    tooling_problem,
)

IN_CI = bool(os.environ.get("CI"))
T = TypeVar("T")


def require_linter() -> None:
    """Skip (locally) or fail (CI) when the linter cannot run."""
    problem = tooling_problem()
    if problem is None:
        return
    if IN_CI:
        pytest.fail(f"CI is set, so Cypher must really be linted, but: {problem}", pytrace=False)
    pytest.skip(problem)


def linted(results: T | None) -> T:
    """A lint fixture's value; the fixture gives None when the linter is missing, so that each
    test skips, or under CI fails (a failure in the fixture would be a setup error instead)."""
    require_linter()
    assert results is not None
    return results


def show(diagnostics: list[Diagnostic]) -> str:
    return "\n".join(f"  {d}" for d in diagnostics) or "  (none)"


# -- self-test: the linter must catch known-bad Cypher and pass known-good Cypher ------------

SUPPORT = support_property() or "issues"

# name -> (query, a fragment of the expected error message, lower case)
BAD: dict[str, tuple[str, str]] = {
    "misspelt keyword": ("MATC (p:Policy) RETURN p", "expected any of"),
    "unclosed node pattern": ("MATCH (p:Policy RETURN p", "invalid input"),
    "undefined variable": ("MATCH (p:Policy) RETURN q.name", "variable `q` not defined"),
    "MERGE without a relationship type": (
        "MATCH (a:Agency {key: $a}) MATCH (p:Policy {key: $p}) MERGE (a)-[r]->(p)",
        "exactly one relationship type",
    ),
    "unknown function": ("MATCH (p:Policy) RETURN datetime_parse(p.name)", "datetime_parse"),
    "APOC is not available": ("RETURN apoc.text.join(['a', 'b'], ',') AS s", "apoc.text.join"),
    "LadybugDB-only function": ("MATCH (p:Policy) RETURN label(p)", "label"),
    "LadybugDB-only DDL": ("CREATE NODE TABLE Policy(key STRING, PRIMARY KEY (key))", "invalid input"),
    "too many arguments": ("RETURN toUpper('a', 'b') AS s", "too many parameters"),
    "aggregate in WHERE": ("MATCH (p:Policy) WHERE count(p) > 1 RETURN p", "aggregating function"),
    "variable-length CREATE": (
        "MATCH (a:Article), (p:Policy) CREATE (a)-[:MENTIONS*1..2]->(p)",
        "variable length relationships cannot be used in create",
    ),
}

# name -> query with exactly one name missing from graph.toml (a typo) and no error. Neo4j
# warns about the read ones; the written ones are caught by cypher_tools.unchecked_schema_names.
SCHEMA_TYPOS: dict[str, str] = {
    "unknown label": "MATCH (p:Polcy) RETURN p",
    "unknown relationship type": "MATCH (:Agency)-[r:ISSUED_BY]->(:Policy) RETURN r",
    "unknown property": "MATCH (p:Policy) RETURN p.titel",
    "unknown property in WHERE": "MATCH (p:Policy) WHERE p.yaer = $year RETURN p.name",
    "unknown property in SET from a row": (
        "UNWIND $rows AS row MATCH (a:Agency {key: row.src}) SET a.`nmae` = row.name"
    ),
    "unknown label in MERGE": "MERGE (a:Agncy {key: $key}) RETURN a",
    "unknown property in a MERGE map": "MERGE (a:Agency {kye: $key}) RETURN a",
    "unknown type in CREATE": (
        "MATCH (a:Agency {key: $a}) MATCH (p:Policy {key: $p}) CREATE (a)-[:ISSUED_BY]->(p)"
    ),
    "unknown label in SET": "MATCH (a:Agency {key: $a}) SET a:Agncy",
}

GOOD: dict[str, str] = {
    "match by key": "MATCH (p:Policy {key: $key}) RETURN p.name",
    "merge rows": "UNWIND $rows AS row MERGE (a:Agency {key: row.key}) SET a.name = row.name",
    "relationship properties": (
        "MATCH (a:Agency)-[r:ISSUED]->(p:Policy) WHERE r.issue_id = $issue_id "
        "RETURN a.name, r.evidence, r.span_start, p.`name` ORDER BY r.id"
    ),
    "support list": f"MATCH (n:Region) WHERE $issue_id IN n.{SUPPORT} RETURN n.key, size(n.{SUPPORT}) AS k",
    "row fields that are not properties": (
        "UNWIND $rows AS row MATCH (a:Article {id: row.src}) MATCH (b:Policy {key: row.dst}) "
        "MERGE (a)-[r:MENTIONS {id: row.id}]->(b) SET r.count = row.count"
    ),
    "constraint DDL": "CREATE CONSTRAINT policy_key IF NOT EXISTS FOR (n:Policy) REQUIRE n.key IS UNIQUE",
    "relationship index DDL": "CREATE INDEX mentions_id IF NOT EXISTS FOR ()-[r:MENTIONS]-() ON (r.id)",
}


@pytest.fixture(scope="module")
def self_test_results() -> dict[str, list[Diagnostic]] | None:
    if tooling_problem():
        return None
    queries = [(f"bad: {n}", q) for n, (q, _) in BAD.items()]
    queries += [(f"typo: {n}", q) for n, q in SCHEMA_TYPOS.items()]
    queries += [(f"good: {n}", q) for n, q in GOOD.items()]
    return lint_queries(queries)


@pytest.mark.parametrize("name", sorted(BAD))
def test_linter_rejects_bad_cypher(self_test_results: dict[str, list[Diagnostic]] | None, name: str) -> None:
    query, expected = BAD[name]
    diagnostics = linted(self_test_results)[f"bad: {name}"]
    errors = [d for d in diagnostics if d.is_error]
    assert errors, f"the linter accepted bad Cypher ({name}): {query}\n{show(diagnostics)}"
    assert any(expected in d.message.lower() for d in errors), (
        f"{name}: expected an error mentioning {expected!r}, got:\n{show(errors)}"
    )


@pytest.mark.parametrize("name", sorted(SCHEMA_TYPOS))
def test_linter_flags_names_missing_from_schema(
    self_test_results: dict[str, list[Diagnostic]] | None, name: str
) -> None:
    query = SCHEMA_TYPOS[name]
    diagnostics = linted(self_test_results)[f"typo: {name}"]
    assert not [d for d in diagnostics if d.is_error], show(diagnostics)
    typos = schema_typos(query, diagnostics)
    assert len(typos) == 1, f"{name}: expected one schema typo in {query}, got {typos}\n{show(diagnostics)}"


@pytest.mark.parametrize("name", sorted(GOOD))
def test_linter_accepts_good_cypher(self_test_results: dict[str, list[Diagnostic]] | None, name: str) -> None:
    query = GOOD[name]
    diagnostics = linted(self_test_results)[f"good: {name}"]
    assert not [d for d in diagnostics if d.is_error], f"{query}\n{show(diagnostics)}"
    assert not schema_typos(query, diagnostics), f"{query}\n{show(diagnostics)}"


# -- the files under cypher/ -----------------------------------------------------------------

ALL_FILES: list[Path] = cypher_files()
NEO4J_FILES: list[str] = [file_name(p) for p in ALL_FILES if not p.name.endswith(LBUG_SUFFIX)]
NOTHING_TO_LINT = pytest.mark.skip(reason="cypher/ holds no Neo4j .cypher file yet")
NO_FILES: list[Any] = [pytest.param(None, marks=NOTHING_TO_LINT)]


Expansions = dict[str, list[tuple[str, str]] | TemplateError]


def _by_file() -> Expansions:
    out: Expansions = {}
    for path in ALL_FILES:
        name = file_name(path)
        if name in NEO4J_FILES:
            try:
                out[name] = expand_template(path)
            except TemplateError as exc:
                out[name] = exc
    return out


@pytest.fixture(scope="module")
def file_results() -> tuple[Expansions, dict[str, list[Diagnostic]]] | None:
    """Every expansion of every Neo4j file, linted in one node run (about 10 s)."""
    if tooling_problem():
        return None
    expansions = _by_file()
    queries = [q for qs in expansions.values() if not isinstance(qs, TemplateError) for q in qs]
    return expansions, lint_queries(queries)


def test_unknown_placeholder_fails_loudly() -> None:
    with pytest.raises(TemplateError, match=r"unknown placeholder.*\{colour\}"):
        list(template_fills({"label", "key", "colour"}, "test"))


@pytest.mark.parametrize("cypher_file", NEO4J_FILES or NO_FILES)
def test_neo4j_file_expands(cypher_file: str) -> None:
    """Every placeholder of a Neo4j file is filled (by kg.store.cypher.render), for at least one
    schema item; needs no linter."""
    path = next(p for p in ALL_FILES if file_name(p) == cypher_file)
    queries = expand_template(path)
    assert queries, f"cypher/{cypher_file} expanded to nothing"
    for name, text in queries:
        assert not placeholders(split_header(text)[1]), f"{name}: unfilled placeholder in\n{text}"


@pytest.mark.slow
@pytest.mark.parametrize("cypher_file", NEO4J_FILES or NO_FILES)
def test_neo4j_file_lints_clean(
    file_results: tuple[Expansions, dict[str, list[Diagnostic]]] | None, cypher_file: str
) -> None:
    expansions, results = linted(file_results)
    queries = expansions[cypher_file]
    if isinstance(queries, TemplateError):
        pytest.fail(f"cypher/{cypher_file}: {queries}", pytrace=False)
    assert queries, f"cypher/{cypher_file} expanded to nothing"
    problems: list[str] = []
    for name, text in queries:
        diagnostics = results[name]
        bad = [f"  {d}" for d in diagnostics if d.is_error]
        bad += [f"  {t}" for t in schema_typos(text, diagnostics)]
        if bad:
            problems.append(f"{name}:\n" + "\n".join(bad) + f"\n--- linted text ---\n{text}")
        others = [d for d in diagnostics if d.is_warning and not d.is_schema_warning]
        for d in others:
            warnings.warn(f"cypher/{name}: {d}", stacklevel=1)
    shown = "\n\n".join(problems[:3]) + (f"\n\n… and {len(problems) - 3} more" if len(problems) > 3 else "")
    if problems:
        pytest.fail(
            f"cypher/{cypher_file}: {len(problems)} of {len(queries)} expansion(s) fail the Neo4j lint "
            f"(line numbers are the file's; columns are in the expanded text)\n\n{shown}",
            pytrace=False,
        )


# -- headers ----------------------------------------------------------------------------------

FILE_PARAMS: list[Any] = [file_name(p) for p in ALL_FILES] or [
    pytest.param(None, marks=pytest.mark.skip(reason="cypher/ holds no .cypher file yet"))
]


@pytest.mark.parametrize("cypher_file", FILE_PARAMS)
def test_cypher_file_header(cypher_file: str) -> None:
    """`// name:` (the lookup name) and `// description:` lines, and a `// template:` line that
    lists exactly the file's placeholders (cypher/README.md)."""
    path = next(p for p in ALL_FILES if file_name(p) == cypher_file)
    text = path.read_text(encoding="utf-8")
    head = header(text)
    assert head.get("name"), f"cypher/{cypher_file}: no `// name: …` header line"
    assert head.get("description"), f"cypher/{cypher_file}: no `// description: …` header line"
    assert head["name"] == lookup_name(path), (
        f"cypher/{cypher_file}: `// name: {head['name']}` should be the lookup name {lookup_name(path)!r}"
    )
    declared = {s.strip() for s in head.get("template", "").split(",") if s.strip()}
    used = placeholders(split_header(text)[1])
    assert declared == used, (
        f"cypher/{cypher_file}: `// template:` lists {sorted(declared)} but the statement uses {sorted(used)}"
    )
