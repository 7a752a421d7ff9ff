"""Canned queries (cypher/queries/) on the embedded store built from the bundled samples.

The memory store runs only the statements the stores themselves need (store/issue_assertions),
so canned queries are tested on the embedded store (LadybugDB); on Neo4j they are checked by
Neo4j's own linter (tests/test_cypher_lint.py) and run by tests/test_store_neo4j.py's server
when one is configured.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kg.errors import QueryError
from kg.pipeline import load_paths
from kg.query import (
    bind,
    browser_guide_html,
    format_result,
    get_query,
    grass_stylesheet,
    list_queries,
    param_lines,
    parse_params,
    result_dicts,
    run_query,
)
from kg.resources import samples_dir
from kg.store import open_store
from kg.store.base import Store
from kg.store.cypher import statement
from kg.store.embedded import EmbeddedStore
from kg.types import QueryResult

REPO = Path(__file__).resolve().parent.parent
QUERIES = REPO / "cypher" / "queries"
ISSUES = ["sample-2025-03", "sample-2025-05", "sample-2025-07"]


def load_samples(path: Path) -> None:
    """The three bundled sample issues, dated by their manifest, into an embedded store."""
    root = Path(str(samples_dir()))
    with open_store("embedded", path=path) as store:
        run = load_paths(store, sorted(root.glob("sample-*.txt")), manifest=root / "manifest.csv")
        assert not run.failures, run.failures


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("kg-samples")
    load_samples(path)
    with open_store("embedded", path=path, read_only=True) as opened:
        yield opened


def rows(store: Store, name: str, **params: object) -> list[dict[str, Any]]:
    return result_dicts(run_query(store, name, params))


# -- headers ---------------------------------------------------------------------------------


REQUIRED = {"lineage", "policy-chain", "agency-policies", "region-activity", "drug-procurement",
            "issue-new", "co-issuers"}


def test_required_queries_exist() -> None:
    assert {q.name for q in list_queries()} >= REQUIRED


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_header_is_complete(name: str) -> None:
    q = get_query(name)
    assert q.description and q.example.startswith(f"kg query {name}"), q
    assert q.columns, f"{name}: no `// columns:` line"
    _, text = statement(q.path, "neo4j")
    used = set(re.findall(r"\$([A-Za-z_]\w*)", re.sub(r"'[^']*'", "", text)))
    assert used == {p.name for p in q.params}, f"{name}: header params differ from the statement's"
    # the example's --param pairs parse with the header's types
    parse_params(q, re.findall(r"--param\s+(\S+)", q.example))


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_every_query_runs_with_its_example_and_returns_its_columns(store: Store, name: str) -> None:
    q = get_query(name)
    result = run_query(store, name, parse_params(q, re.findall(r"--param\s+(\S+)", q.example)))
    assert result.columns == q.columns
    assert result.rows, f"{name}: the example returns no rows on the samples"


def test_no_unbounded_variable_length_pattern() -> None:
    for path in QUERIES.glob("*.cypher"):
        for m in re.finditer(r"\[[^\]]*\*[^\]]*\]", path.read_text(encoding="utf-8")):
            assert re.search(r"\*\s*\d+\s*\.\.\s*\d+", m.group(0)), f"{path.name}: unbounded {m.group(0)}"


# -- dialect variants --------------------------------------------------------------------------


def to_lbug(neo4j_text: str) -> str:
    """The only rewrites a .lbug.cypher variant may make (TECH.md §1.7): ``type(r)`` →
    ``label(r)``, ``labels(n)[0]`` → ``label(n)``, a ``n:Label`` predicate → ``label(n) = 'Label'``."""
    text = re.sub(r"\btype\((\w+)\)", r"label(\1)", neo4j_text)
    text = re.sub(r"\blabels\((\w+)\)\[0\]", r"label(\1)", text)
    # label predicates (`n:Label` after WHERE on the same line; no pattern shares such a line)
    lines = []
    for line in text.split("\n"):
        head, sep, tail = line.partition("WHERE ")
        lines.append(head + sep + re.sub(r"\b(\w+):([A-Z][A-Za-z]+)\b", r"label(\1) = '\2'", tail))
    return "\n".join(lines)


VARIANTS = sorted(p.name.removesuffix(".lbug.cypher") for p in QUERIES.glob("*.lbug.cypher"))


@pytest.mark.parametrize("name", VARIANTS)
def test_lbug_variant_differs_only_by_the_dialect_rewrites(name: str) -> None:
    _, neo4j = statement(f"queries/{name}", "neo4j")
    _, lbug = statement(f"queries/{name}.lbug", "neo4j")  # the file itself, header stripped
    assert to_lbug(neo4j) == lbug


@pytest.mark.parametrize("name", VARIANTS)
def test_lbug_variant_gives_the_same_rows_as_the_neo4j_text_where_that_runs(store: Store, name: str) -> None:
    """Every variant exists because the Neo4j text uses type()/labels()/label predicates,
    which LadybugDB rejects; if LadybugDB ever runs the Neo4j text, both must agree."""
    assert isinstance(store, EmbeddedStore)
    q = get_query(name)
    params = bind(q, parse_params(q, re.findall(r"--param\s+(\S+)", q.example)))
    _, neo4j = statement(q.path, "neo4j")
    ours = run_query(store, name, params)
    try:
        theirs = store._execute(neo4j, params).get_all()  # the portable text, run as is
    except Exception as exc:  # LadybugDB raises RuntimeError (wrapped as StoreError)
        assert re.search(r"function (TYPE|LABELS) does not exist|Parser exception", str(exc)), exc
        return
    assert [tuple(r) for r in theirs] == [tuple(r) for r in ours.rows]


def test_portable_queries_have_no_variant() -> None:
    for q in list_queries():
        has_variant = (QUERIES / f"{q.name}.lbug.cypher").exists()
        assert (q.dialect == "portable") == (not has_variant), q.name


# -- what the queries say about the samples ---------------------------------------------------


def test_lineage_lists_every_issue_in_date_order(store: Store) -> None:
    found = rows(store, "lineage", policy="第十一批")
    assert {r["policy"] for r in found} == {"第十一批国家组织药品集中带量采购"}
    dates = [r["issue_date"] for r in found]
    assert dates == sorted(dates)
    assert list(dict.fromkeys(r["issue_id"] for r in found)) == ISSUES
    facts = [r for r in found if r["relation"]]
    assert facts and all(r["evidence"] for r in facts)
    # agencies issue, drugs are selected in, regions implement: all point at the policy
    assert all(r["direction"] == "in" for r in facts if r["relation"] in ("ISSUED", "SELECTED_IN", "IMPLEMENTS"))
    assert {"SELECTED_IN", "IMPLEMENTS"} <= {r["relation"] for r in facts}


@pytest.mark.parametrize(
    "policy",
    [
        "关于全面深化医药集中带量采购改革的意见",  # the key
        "《关于全面深化医药集中带量采购 改革的意见》",  # a surface with brackets and a stray space
        "国办发〔2025〕4号",  # 文号
        "深化医药集中带量采购",  # part of the title
    ],
)
def test_lineage_matches_key_doc_no_alias_and_substring(store: Store, policy: str) -> None:
    found = rows(store, "lineage", policy=policy)
    assert {r["policy"] for r in found} == {"关于全面深化医药集中带量采购改革的意见"}
    assert list(dict.fromkeys(r["issue_id"] for r in found)) == ISSUES


def test_lineage_of_an_unknown_policy_is_empty(store: Store) -> None:
    assert rows(store, "lineage", policy="没有这个政策") == []


def test_policy_chain_respects_depth(store: Store) -> None:
    one = rows(store, "policy-chain", policy="征求意见稿", depth=1)
    assert {r["relation"] for r in one} == {"DRAFT_OF"}
    assert all(r["source"].endswith("(征求意见稿)") for r in one)
    two = rows(store, "policy-chain", policy="征求意见稿", depth=2)
    assert {r["relation"] for r in two} == {"DRAFT_OF", "REPEALS"}
    repeal = next(r for r in two if r["relation"] == "REPEALS")
    assert repeal["depth"] == 2 and repeal["target"] == "医疗保障基金智能审核规则管理暂行办法"
    # one row per assertion: the draft relation is stated in two issues
    assert sorted(r["issue_id"] for r in one) == ["sample-2025-03", "sample-2025-05"]


FINAL = "医疗保障基金智能监管规则库管理办法"
DRAFT = "医疗保障基金智能监管规则库管理办法(征求意见稿)"  # its key contains FINAL's key


@pytest.mark.parametrize("name", ["lineage", "policy-chain"])
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (FINAL, {FINAL}),  # the key: an exact match wins over the draft that contains it
        ("《医疗保障基金智能监管规则库 管理办法》", {FINAL}),  # normalised like a key first
        ("医保发〔2025〕12号", {FINAL}),  # 文号
        (DRAFT, {DRAFT}),
        ("智能监管规则库", {FINAL, DRAFT}),  # no exact match: every policy containing it
        ("医保发〔2025〕", set()),  # a 文号 matches only whole
    ],
)
def test_an_exact_policy_match_wins_over_substrings(store: Store, name: str, value: str, expected: set[str]) -> None:
    params: dict[str, object] = {"policy": value, "depth": 1} if name == "policy-chain" else {"policy": value}
    assert {r["policy"] for r in rows(store, name, **params)} == expected


def test_policies_index_filters_by_substring_only(store: Store) -> None:
    """`policies` is a search: the exact key still lists every policy containing it."""
    assert {r["policy"] for r in rows(store, "policies", policy=FINAL)} == {FINAL, DRAFT}


CHAIN_TYPES = ("BASED_ON", "AMENDS", "REPEALS", "DRAFT_OF")


@pytest.mark.parametrize("depth", [0, 1, 2, 3, 4, 5])
@pytest.mark.parametrize("policy", [FINAL, "智能监管规则库", "医疗保障基金智能审核规则管理暂行办法"])
def test_policy_chain_is_a_shortest_distance_search(store: Store, policy: str, depth: int) -> None:
    """policy-chain (expanded level by level in Cypher) equals a breadth-first search over the
    store's dump: each assertion once per matched policy, at 1 + the distance of its nearer end."""
    nodes, edges = store.dump()
    name = {n.key: n.props.get("name") for n in nodes if n.label == "Policy"}
    chain = [e for e in edges if e.type in CHAIN_TYPES]
    matched = {r["policy"] for r in rows(store, "policy-chain", policy=policy, depth=4)} or {policy}
    expected = set()
    for p in matched:
        dist, frontier = {p: 0}, [p]
        for level in range(1, 4):
            frontier = [n for f in frontier for e in chain for n in (e.src_key, e.dst_key)
                        if f in (e.src_key, e.dst_key) and n != f and n not in dist]
            dist.update({n: level for n in frontier})
        for e in chain:
            near = min(dist.get(e.src_key, 9), dist.get(e.dst_key, 9))
            if near < min(depth, 4):
                expected.add((p, near + 1, name[e.src_key], e.type, name[e.dst_key], e.props["issue_id"],
                              e.props["article_id"], e.props["evidence"]))
    found = rows(store, "policy-chain", policy=policy, depth=depth)
    got = [(r["policy"], r["depth"], r["source"], r["relation"], r["target"], r["issue_id"], r["article_id"],
            r["evidence"]) for r in found]
    assert len(got) == len(set(got)) and set(got) == expected
    assert [(r["policy"], r["depth"]) for r in found] == sorted((r["policy"], r["depth"]) for r in found)


def test_region_activity_covers_two_within_steps(store: Store) -> None:
    """region-activity equals the facts of the region and of every region one or two WITHIN steps
    inside it, computed from the store's dump."""
    nodes, edges = store.dump()
    names = {(n.label, n.key): n.props.get("name") for n in nodes}
    top = "浙江省"
    places = {top}
    for _ in range(2):
        places |= {e.src_key for e in edges if e.type == "WITHIN" and e.dst_key in places}
    expected = set()
    for e in edges:
        if e.type not in ("PILOTS_IN", "IMPLEMENTS"):
            continue
        for (label, key), (olabel, okey) in (((e.src_label, e.src_key), (e.dst_label, e.dst_key)),
                                             ((e.dst_label, e.dst_key), (e.src_label, e.src_key))):
            if label == "Region" and key in places and olabel in ("Policy", "Agency"):
                expected.add((key, e.type, olabel, names[(olabel, okey)], e.props["article_id"], e.props["evidence"]))
    found = rows(store, "region-activity", region=top)
    assert {(r["place"], r["relation"], r["actor_label"], r["actor"], r["article_id"], r["evidence"])
            for r in found} == expected
    assert len(found) == len(expected) and expected


def test_agency_policies_date_range(store: Store) -> None:
    every = rows(store, "agency-policies", agency="国家医保局")
    assert {r["issue_id"] for r in every} == set(ISSUES)
    late = rows(store, "agency-policies", agency="国家医疗保障局", **{"from": "2025-05"})
    assert late and all(r["issue_date"] >= "2025-05" for r in late)
    may = rows(store, "agency-policies", agency="国家医保局", **{"from": "2025-05", "to": "2025-05"})
    assert {r["issue_id"] for r in may} == {"sample-2025-05"}


def test_region_activity_includes_cities(store: Store) -> None:
    found = rows(store, "region-activity", region="浙江")
    places = {r["place"] for r in found}
    assert {"浙江省", "杭州市"} <= places
    assert {r["relation"] for r in found} == {"PILOTS_IN", "IMPLEMENTS"}
    assert {r["region"] for r in found} == {"浙江省"}


def test_drug_procurement_history(store: Store) -> None:
    found = rows(store, "drug-procurement", drug="阿托伐他汀")
    assert {r["procurement"] for r in found} == {"第十一批国家组织药品集中带量采购"}
    assert "56%" in {r["price_cut"] for r in found}
    assert "0.06元" in {r["price"] for r in found}
    assert all("浙江省" in r["regions"] and r["regions"] == found[0]["regions"] for r in found)
    assert [r["issue_date"] for r in found] == sorted(r["issue_date"] for r in found)


FACT_TYPES = {"ISSUED", "PILOTS_IN", "IMPLEMENTS", "SELECTED_IN", "BASED_ON", "AMENDS", "REPEALS", "DRAFT_OF"}


def test_issue_new_excludes_facts_of_earlier_issues(store: Store) -> None:
    """issue-new(X) is exactly X's facts minus the facts of issues dated before X, computed
    independently from the store's dump."""
    nodes, edges = store.dump()
    name = {(n.label, n.key): n.props.get("name") for n in nodes}
    facts: dict[str, set[tuple[object, ...]]] = {i: set() for i in ISSUES}
    for e in edges:
        if e.type in FACT_TYPES:
            fact = (name[(e.src_label, e.src_key)], e.type, name[(e.dst_label, e.dst_key)])
            facts[e.props["issue_id"]].add(fact)
    seen: set[tuple[object, ...]] = set()
    for issue in ISSUES:  # in date order
        new = {(r["source"], r["relation"], r["target"]) for r in rows(store, "issue-new", issue=issue)}
        assert new == facts[issue] - seen, issue
        seen |= facts[issue]
    draft = ("医疗保障基金智能监管规则库管理办法(征求意见稿)", "DRAFT_OF", "医疗保障基金智能监管规则库管理办法")
    first = {(r["source"], r["relation"], r["target"]) for r in rows(store, "issue-new", issue=ISSUES[0])}
    second = {(r["source"], r["relation"], r["target"]) for r in rows(store, "issue-new", issue=ISSUES[1])}
    assert draft in first and draft not in second  # planted: stated in 03 and again in 05


def test_issue_new_entities(store: Store) -> None:
    first = {r["key"] for r in rows(store, "issue-new-entities", issue="sample-2025-03")}
    later = {r["key"] for r in rows(store, "issue-new-entities", issue="sample-2025-07")}
    assert "第十一批国家组织药品集中带量采购" in first and "第十一批国家组织药品集中带量采购" not in later
    assert "浙江省基本医疗保险门诊慢特病管理办法" in later and not (first & later)


def test_co_issuers(store: Store) -> None:
    pairs = {(r["agency"], r["co_issuer"]): r for r in rows(store, "co-issuers")}
    assert ("国家医疗保障局", "财政部") in pairs
    only = rows(store, "co-issuers", agency="财政部")
    assert only and all("财政部" in (r["agency"], r["co_issuer"]) for r in only)


def test_policies_index(store: Store) -> None:
    found = {r["policy"]: r for r in rows(store, "policies")}
    assert found["第十一批国家组织药品集中带量采购"]["issues"] == 3
    assert found["第十一批国家组织药品集中带量采购"]["first_reported"] == "2025-03-20"


# -- parameters and formats --------------------------------------------------------------------


def test_parameters_are_typed_from_the_header() -> None:
    q = get_query("policy-chain")
    assert parse_params(q, ["policy=《关于 2025 年 的通知》", "depth=3"]) == {"policy": "关于2025年的通知", "depth": 3}
    with pytest.raises(QueryError, match="takes a number"):
        parse_params(q, ["depth=two"])
    with pytest.raises(QueryError, match="has no parameter 'colour'"):
        parse_params(q, ["colour=red"])
    with pytest.raises(QueryError, match="not NAME=VALUE"):
        parse_params(q, ["depth"])


def test_missing_required_parameter_and_unknown_query(store: Store) -> None:
    with pytest.raises(QueryError, match="needs --param policy"):
        run_query(store, "lineage", {})
    with pytest.raises(QueryError, match="no canned query 'nope'"):
        run_query(store, "nope", {})


def test_memory_store_cannot_run_canned_queries() -> None:
    with open_store("memory") as memory, pytest.raises(QueryError, match="embedded store"):
        run_query(memory, "co-issuers", {})


def test_formats() -> None:
    result = QueryResult("x", ("a", "b"), (("政策,甲", ["x", "y"]), (None, 2)))
    table = format_result(result, "table")
    assert table.splitlines()[0].split() == ["a", "b"] and "(2 rows)" in table
    assert json.loads(format_result(result, "json")) == [{"a": "政策,甲", "b": ["x", "y"]}, {"a": None, "b": 2}]
    assert format_result(result, "csv").splitlines() == ["a,b", '"政策,甲",x、y', ",2"]
    with pytest.raises(QueryError, match="unknown output format"):
        format_result(result, "xml")


# -- Neo4j Browser files -----------------------------------------------------------------------


def test_browser_files_are_up_to_date() -> None:
    browser = REPO / "cypher" / "browser"
    assert (browser / "kg.grass").read_text(encoding="utf-8") == grass_stylesheet(), (
        "regenerate: python -c 'from kg.query import grass_stylesheet as g; "
        "open(\"cypher/browser/kg.grass\", \"w\").write(g())'"
    )
    assert (browser / "kg-guide.html").read_text(encoding="utf-8") == browser_guide_html()


def test_grass_has_a_colour_and_chinese_caption_per_label() -> None:
    from kg.graphmodel import graph_model

    grass = grass_stylesheet()
    colours = set()
    for spec in graph_model().nodes:
        block = re.search(rf"node\.{spec.label} \{{(.*?)\n\}}", grass, re.S)
        assert block and 'caption: "{name}"' in block.group(1) and spec.name_zh in block.group(1)
        colours.add(re.search(r"\bcolor: (#\w+)", block.group(1)).group(1))  # type: ignore[union-attr]
    assert len(colours) == len(graph_model().nodes)
    for rel in graph_model().relationships:
        assert f'relationship.{rel.type} {{\n  caption: "{rel.name_zh}";' in grass


def test_param_lines() -> None:
    assert param_lines(get_query("policy-chain"), {"policy": "it's"}) == [
        ":param policy => 'it\\'s'",
        ":param depth => 2",
    ]


# -- the real corpus (issue 7's acceptance checks) ----------------------------------------------

CORPUS = Path(os.environ.get("KG_CORPUS", REPO.parent / "shared" / "corpus"))


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    files = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
    if not files or not (CORPUS / "issues.csv").is_file():
        pytest.skip(f"real corpus not found at {CORPUS} (set KG_CORPUS to its folder)")
    path = tmp_path_factory.mktemp("kg-corpus")
    with open_store("embedded", path=path) as writer:
        run = load_paths(writer, files, manifest=CORPUS / "issues.csv")
        assert not run.failures, run.failures
    with open_store("embedded", path=path, read_only=True) as opened:
        yield opened


def issue_order(found: list[dict[str, Any]]) -> list[str]:
    return [i[:3] for i in dict.fromkeys(r["issue_id"] for r in found)]


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_lineage_of_the_tenth_batch(corpus_store: Store) -> None:
    found = rows(corpus_store, "lineage", policy="第十批")
    assert [r["issue_date"] for r in found] == sorted(r["issue_date"] for r in found)
    assert issue_order(found) == ["001", "000"]  # 2025-04-20, then 2025-06-25


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_66_drug_alliance_launch_before_results(corpus_store: Store) -> None:
    found = rows(corpus_store, "lineage", policy="66化学药品联盟采购")
    assert issue_order(found) == ["002", "003"]  # launched 2025-04-05, results 2025-05-28


@pytest.mark.corpus
@pytest.mark.slow
def test_corpus_timeline_of_the_2020_opinion(corpus_store: Store) -> None:
    from kg.report import build_report

    report = build_report(corpus_store, "timeline", "《关于深化医疗保障制度改革的意见》")
    assert sorted({i.issue_id[:3] for i in report.items}) == ["000", "001", "003"]
    assert [i.date for i in report.items] == sorted(i.date for i in report.items)


def test_agency_and_region_parameters_take_the_names_articles_use(store: Store) -> None:
    region = get_query("region-activity").param("region")
    assert region.coerce("浙江", "region-activity") == "浙江省"
    assert region.coerce("广西", "region-activity") == "广西壮族自治区"
    assert region.coerce("不是地名", "region-activity") == "不是地名"  # kept as given: no rows, no error
    agency = get_query("agency-policies").param("agency")
    assert agency.coerce("国家医保局", "agency-policies") == "国家医疗保障局"
    assert rows(store, "region-activity", region="浙江") == rows(store, "region-activity", region="浙江省")
    assert rows(store, "agency-policies", agency="国家医保局") == rows(store, "agency-policies", agency="国家医疗保障局")
    assert rows(store, "region-activity", region="不是地名") == []
