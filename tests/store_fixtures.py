"""Small hand-built GraphBatches for the store tests (imported by tests/test_store_*.py and
tests/test_export_admin.py; kept out of conftest.py on purpose).

Issue A and issue B share Policy P1 and Agency G1; Region R1 and Drug D1 belong to one issue
each. ``issue_a_v2`` is issue A after an extractor change: R1 and its facts are gone, R2 is new.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from kg.graphmodel import graph_model
from kg.store.base import Store, open_store
from kg.types import Edge, GraphBatch, Node, Rejection

HOSTILE = [
    'it\'s "quoted"',
    "back\\slash \\n \\u0041 \\' end\\",
    "brace } ) ] { ( [",
    "// not a comment /* nor this */",
    "MATCH (n) DETACH DELETE n; RETURN 1 //",
    "'; DROP TABLE Policy; --",
    "line\nbreak\r\nand\ttab",
    "emoji 😀🇨🇳 and 𠀀",
    "中文：《关于进一步加强医保基金监管的通知》（国医保发〔2025〕1号）",
    "nul\x00inside",
    "",
    " padded ",
    "$issue_id {label} {set_clause}",
    "`backtick` CAST(NULL AS STRING)",
]


def node(label: str, key: str, **props: Any) -> Node:
    spec = graph_model().node(label)
    return Node(label, key, {spec.key: key, "name": key, **props})


def edge(rtype: str, src: Node, dst: Node, issue: str, tag: str, **props: Any) -> Edge:
    base: dict[str, Any] = {
        "id": f"{issue}:{rtype}:{tag}",
        "issue_id": issue,
        "issue_date": "2025-06-20",
        "article_id": f"{issue}/01",
        "evidence": f"{src.key} → {dst.key}",
        "span_start": 0,
        "span_end": 5,
        "extractor": "test",
        "rule": "test:hand",
    }
    return Edge(rtype, src.label, src.key, dst.label, dst.key, {**base, **props})


def issue_a() -> GraphBatch:
    i, a = (
        node("Issue", "A", date="2025-06-20"),
        node("Article", "A/01", issue_id="A", seq=1, text="国家医保局发布通知。"),
    )
    p1 = node("Policy", "P1", kind="notice", year=2025, draft=False, aliases=["通知甲"], merged_by=[])
    g1, r1 = (
        node("Agency", "G1", level="national", short_names=["医保局"]),
        node("Region", "R1", level="province"),
    )
    return GraphBatch(
        "A",
        (i, a, p1, g1, r1),
        (
            edge("PART_OF", a, i, "A", "1", evidence=""),
            edge("MENTIONS", a, p1, "A", "p1", count=2, surfaces=["通知甲"], spans=["0-3", "5-8"]),
            edge("MENTIONS", a, g1, "A", "g1", count=1, surfaces=["医保局"], spans=["0-3"]),
            edge("MENTIONS", a, r1, "A", "r1", count=1, surfaces=["R1"], spans=["9-11"]),
            edge("ISSUED", g1, p1, "A", "1"),
            edge("PILOTS_IN", p1, r1, "A", "1"),
        ),
        (Rejection("mention", "x", "empty norm", "A/01"),),
    )


def issue_a_v2() -> GraphBatch:
    i, a = (
        node("Issue", "A", date="2025-06-20"),
        node("Article", "A/01", issue_id="A", seq=1, text="国家医保局发布通知。"),
    )
    p1 = node("Policy", "P1", kind="notice", year=2025, draft=False, aliases=["通知甲"], merged_by=[])
    g1, r2 = (
        node("Agency", "G1", level="national", short_names=["医保局"]),
        node("Region", "R2", level="city"),
    )
    return GraphBatch(
        "A",
        (i, a, p1, g1, r2),
        (
            edge("PART_OF", a, i, "A", "1", evidence=""),
            edge("MENTIONS", a, p1, "A", "p1-v2", count=1, surfaces=["通知甲"], spans=["0-3"]),
            edge("MENTIONS", a, r2, "A", "r2", count=1, surfaces=["R2"], spans=["9-11"]),
            edge("IMPLEMENTS", r2, p1, "A", "1"),
        ),
    )


def issue_b() -> GraphBatch:
    i, a = (
        node("Issue", "B", date="2025-07-01"),
        node("Article", "B/01", issue_id="B", seq=1, text="药品中选。"),
    )
    p1 = node("Policy", "P1", kind="procurement", doc_no="国医保发〔2025〕1号", aliases=["通知乙", "通知甲"])
    g1, d1 = node("Agency", "G1", short_names=["国家医保局"]), node("Drug", "D1", aliases=["阿司匹林"])
    return GraphBatch(
        "B",
        (i, a, p1, g1, d1),
        (
            edge("PART_OF", a, i, "B", "1", evidence=""),
            edge("MENTIONS", a, p1, "B", "p1", count=1, surfaces=["通知乙"], spans=["0-3"]),
            edge("MENTIONS", a, d1, "B", "d1", count=1, surfaces=["阿司匹林"], spans=["4-8"]),
            edge("ISSUED", g1, p1, "B", "1"),
            edge("SELECTED_IN", d1, p1, "B", "1", price="12.5元", price_cut="53%"),
        ),
    )


def hostile_batch(issue: str = "H") -> GraphBatch:
    i = node("Issue", issue, title=HOSTILE[0])
    nodes = [i]
    edges = []
    for n, text in enumerate(HOSTILE):
        p = node("Policy", f"P-{n}-{text}", name=text, aliases=[text, "plain", ""], doc_no=text)
        a = node("Article", f"{issue}/{n:02d}", name=text, text=text, summary=text, issue_id=issue)
        nodes += [p, a]
        edges += [
            edge("PART_OF", a, i, issue, f"{n}", evidence=text),
            edge("MENTIONS", a, p, issue, f"{n}", evidence=text, surfaces=[text, text + "!"], spans=[]),
        ]
    return GraphBatch(issue, tuple(nodes), tuple(edges))


def synthetic_batch(issue: str, n_nodes: int = 5000, n_edges: int = 10000) -> GraphBatch:
    """A batch of about ``n_nodes`` nodes (articles, policies, agencies, regions) and ``n_edges`` edges."""
    import random

    rnd = random.Random(7)
    i = node("Issue", issue)
    arts = [
        node("Article", f"{issue}/{k:04d}", issue_id=issue, seq=k, text="国家医保局印发通知。" * 20)
        for k in range(n_nodes // 5)
    ]
    pols = [
        node("Policy", f"{issue}-policy-{k}", kind="notice", year=2020 + k % 6, aliases=[f"别名{k}"])
        for k in range(n_nodes * 2 // 5)
    ]
    agencies = [node("Agency", f"agency-{k}", level="provincial") for k in range(n_nodes // 5)]
    regions = [
        node("Region", f"region-{k}", level="city")
        for k in range(n_nodes - len(arts) - len(pols) - len(agencies) - 1)
    ]
    edges = [edge("PART_OF", a, i, issue, a.key) for a in arts]
    targets = pols + agencies + regions
    while len(edges) < n_edges:
        a, t = rnd.choice(arts), rnd.choice(targets)
        edges.append(edge("MENTIONS", a, t, issue, f"{len(edges)}", count=1, surfaces=[t.key], spans=["1-2"]))
    return GraphBatch(issue, (i, *arts, *pols, *agencies, *regions), tuple(edges))


NEO4J_URI = os.environ.get("KG_NEO4J_URI", "")
requires_neo4j = pytest.mark.skipif(
    not NEO4J_URI, reason="KG_NEO4J_URI is not set (point it at a scratch Neo4j database)"
)

STORE_KINDS = [
    "memory",
    "embedded",
    "embedded-copy",  # every new row through COPY (copy_min_rows=1), the path large loads take
    pytest.param("neo4j", marks=[pytest.mark.neo4j, requires_neo4j]),
]


def make_store(kind: str, tmp_path: Path) -> Store:
    if kind.startswith("embedded"):
        return open_store(
            "embedded", path=tmp_path / "store", copy_min_rows=1 if kind == "embedded-copy" else 1000
        )
    store = open_store(kind)
    if kind == "neo4j":  # a scratch database: the suite starts from an empty graph
        for issue in store.issues():
            store.retract(issue)
    store.ensure_schema()
    return store
