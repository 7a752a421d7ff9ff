"""The benchmark stages. Each runs in its own child process (``python bench/run.py --stage NAME``)
so that its peak RSS is its own; each returns a JSON-able dict of raw timings, and
:mod:`run` turns them into ratios. Every timed figure has its baseline measured in the
same process, right next to it.
"""

from __future__ import annotations

import csv
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from kg.extract import Extractors, default_extractors, extract_article
from kg.parser import parse_path, read_manifest
from kg.pipeline import issue_batch, load_paths
from kg.store.embedded import DB_FILE, EmbeddedStore
from kg.store.rows import Prepared, prepare, union
from kg.types import Article, GraphBatch, Issue

__all__ = ["STAGES"]

Stage = Callable[[dict[str, Any]], dict[str, Any]]


def _files(corpus: str, n: int) -> list[Path]:
    files = sorted(Path(corpus).glob("gen-*.txt"))[:n]
    if len(files) < n:
        raise SystemExit(f"{corpus} holds {len(files)} generated issues, not {n}; run bench/generate.py")
    return files


def _issues(corpus: str, n: int) -> Iterator[Issue]:
    dates = read_manifest(Path(corpus) / "manifest.csv")
    for path in _files(corpus, n):
        yield parse_path(path, issue_date=dates.get(path.name))


def _timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


# -- extraction ----------------------------------------------------------------------------------


def _extract_all(articles: Sequence[tuple[Article, str | None]], extractors: Extractors) -> None:
    for article, date in articles:
        extract_article(article, extractors, issue_date=date)


def extract(args: dict[str, Any]) -> dict[str, Any]:
    """Rule extractors (and rules+spaCy) vs ``jieba.lcut`` over the same article texts."""
    import jieba

    articles = [(a, issue.date) for issue in _issues(args["corpus"], args["n"]) for a in issue.articles]
    texts = [a.text for a, _ in articles]
    chars = sum(len(t) for t in texts)
    jieba.setLogLevel(60)
    jieba.initialize()
    rules = default_extractors(("rules",))
    _extract_all(articles[:3], rules)  # warm caches and lazy patterns
    jieba_s: list[float] = []
    rules_s: list[float] = []
    for _ in range(args["repeat"]):
        jieba_s.append(_timed(lambda: [jieba.lcut(t) for t in texts]))
        rules_s.append(_timed(lambda: _extract_all(articles, rules)))
    out: dict[str, Any] = {
        "chars": chars, "articles": len(articles), "jieba_s": min(jieba_s), "rules_s": min(rules_s),
    }
    # spaCy is ~50x slower than the rules: its figure comes from the first issues' articles only
    subset = articles[: args.get("spacy_articles", 120)]
    sub_texts = [a.text for a, _ in subset]
    out["spacy_chars"] = sum(len(t) for t in sub_texts)
    try:
        both = default_extractors(("rules", "spacy"))
        _extract_all(articles[:3], both)
    except Exception as exc:  # any failure means "not available here", reported as such
        out["spacy_error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    else:
        out["spacy_jieba_s"] = _timed(lambda: [jieba.lcut(t) for t in sub_texts])
        out["spacy_s"] = _timed(lambda: _extract_all(subset, both))
    return out


# -- embedded load vs raw COPY -------------------------------------------------------------------


def _batches(corpus: str, n: int) -> list[GraphBatch]:
    rules = default_extractors(("rules",))
    return [issue_batch(issue, rules) for issue in _issues(corpus, n)]


def _csv_value(value: Any, ptype: str) -> str:
    if value is None:
        return ""
    if ptype == "STRING[]":
        # LadybugDB's CSV list syntax has no escaping: the few separator characters inside
        # items are replaced (the baseline measures throughput, not fidelity)
        items = (str(v).translate(str.maketrans(",[]'\"", "，【】’”")) for v in value)
        return "[" + ",".join(items) + "]"
    if ptype == "BOOL":
        return "true" if value else "false"
    return str(value)


def _raw_rows(batches: Sequence[GraphBatch]) -> tuple[dict[str, dict[str, dict[str, Any]]],
                                                      dict[tuple[str, str, str], dict[tuple[str, str, str], Any]]]:
    """The union of the batches' rows, deduplicated by key (nodes) and (src, dst, id) (edges)."""
    nodes: dict[str, dict[str, dict[str, Any]]] = {}
    edges: dict[tuple[str, str, str], dict[tuple[str, str, str], Any]] = {}
    for batch in batches:
        p: Prepared = prepare(batch)
        for label, rows in p.nodes.items():
            have = nodes.setdefault(label, {})
            for key, props in rows.items():
                old = have.get(key)
                support = union(old["issues"] if old else [], [p.issue_id])
                have[key] = {**props, "issues": support}
        for group in p.edges:
            target = edges.setdefault((group.type, group.src_label, group.dst_label), {})
            for row in group.rows:
                target[(row["src"], row["dst"], row["id"])] = row
    return nodes, edges


def load(args: dict[str, Any]) -> dict[str, Any]:
    """``EmbeddedStore.load`` of every issue vs one raw ``COPY FROM`` CSV of the same rows."""
    import ladybug

    batches = _batches(args["corpus"], args["n"])
    work = Path(args["work"])
    kg_dir = work / "load-kg"
    with EmbeddedStore(kg_dir) as store:
        store.ensure_schema()
        t0 = time.perf_counter()
        reports = [store.load(b) for b in batches]
        kg_s = time.perf_counter() - t0
    kg_rows = sum(sum(r.nodes.values()) + sum(r.edges.values()) for r in reports)

    raw_dir = work / "load-raw"
    with EmbeddedStore(raw_dir) as schema_only:  # the same tables, created by the same DDL
        schema_only.ensure_schema()
        node_cols, rel_cols = dict(schema_only._node_cols), dict(schema_only._rel_cols)
    nodes, edges = _raw_rows(batches)
    statements: list[str] = []
    raw_rows = 0
    csv_dir = work / "csv"
    csv_dir.mkdir(parents=True, exist_ok=True)
    for label, rows in nodes.items():
        cols = node_cols[label]
        path = csv_dir / f"{label}.csv"
        table = [[_csv_value(r.get(n), t) for n, t in cols] for r in rows.values()]
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow([n for n, _ in cols])
            w.writerows(table)
        # the parallel CSV reader refuses quoted newlines (article text has them)
        serial = ", PARALLEL=FALSE" if any("\n" in v for row in table for v in row) else ""
        statements.append(f"COPY `{label}` FROM '{path}' (HEADER=true{serial})")
        raw_rows += len(rows)
    for (rtype, src, dst), rows in edges.items():
        cols = rel_cols[rtype]
        path = csv_dir / f"{rtype}-{src}-{dst}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["from", "to", *(n for n, _ in cols)])
            w.writerows([r["src"], r["dst"], *(_csv_value(r.get(n), t) for n, t in cols)] for r in rows.values())
        statements.append(f"COPY `{rtype}` FROM '{path}' (HEADER=true, from='{src}', to='{dst}')")
        raw_rows += len(rows)
    db = ladybug.Database(str(raw_dir / DB_FILE), max_db_size=1 << 40)
    conn = ladybug.Connection(db)
    t0 = time.perf_counter()
    conn.execute("BEGIN TRANSACTION")
    for text in statements:
        conn.execute(text)
    conn.execute("COMMIT")
    raw_s = time.perf_counter() - t0
    conn.close()
    db.close()
    return {"issues": len(batches), "kg_rows": kg_rows, "kg_s": kg_s, "raw_rows": raw_rows, "raw_s": raw_s}


# -- end to end, incremental ---------------------------------------------------------------------


def scale(args: dict[str, Any]) -> dict[str, Any]:
    """parse → extract → load of the first ``n`` issues into a new store, end to end."""
    files = _files(args["corpus"], args["n"])
    with EmbeddedStore(args["store"]) as store:
        t0 = time.perf_counter()
        run = load_paths(store, files, manifest=Path(args["corpus"]) / "manifest.csv", fail_fast=True)
        seconds = time.perf_counter() - t0
    rows = sum(sum(r.nodes.values()) + sum(r.edges.values()) for r in run.reports)
    return {"issues": len(run.reports), "seconds": seconds, "rows": rows}


def incremental(args: dict[str, Any]) -> dict[str, Any]:
    """Load of issue N+1 into the N-issue store vs into an empty store (load, then retract, repeated)."""
    (issue,) = list(_issues(args["extra"], 1))
    batch = issue_batch(issue, default_extractors(("rules",)))

    def times(path: str) -> list[float]:
        out = []
        with EmbeddedStore(path) as store:
            store.ensure_schema()
            for _ in range(args["repeat"]):
                out.append(_timed(lambda: store.load(batch)))
                store.retract(batch.issue_id)
        return out

    full = times(args["store"])
    empty = times(str(Path(args["work"]) / "incremental-empty"))
    return {"full_s": statistics.median(full), "empty_s": statistics.median(empty),
            "full_runs": full, "empty_runs": empty}


# -- canned queries ------------------------------------------------------------------------------


def _queries_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "cypher" / "queries"


def _params(text: str, issue_id: str) -> dict[str, Any]:
    """Parameters from the header: the example's values, the issue id from the generated data,
    declared defaults for the rest."""
    import re

    from kg.store.cypher import header

    head = header(text)
    params: dict[str, Any] = {}
    for m in re.finditer(r"\$(\w+) \((\w+)(?: = ([^)]*))?\)", head.get("params", "")):
        name, ptype, default = m.group(1), m.group(2), m.group(3)
        if default is not None:
            params[name] = int(default) if ptype == "int" else default.strip().strip('"')
        else:
            params[name] = 1 if ptype == "int" else ""
    for m in re.finditer(r"--param (\w+)=(\S+)", head.get("example", "")):
        if m.group(1) in params:
            params[m.group(1)] = int(m.group(2)) if isinstance(params[m.group(1)], int) else m.group(2)
    for name in params:
        if name in ("issue", "issue_id"):
            params[name] = issue_id
    return params


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def queries(args: dict[str, Any]) -> dict[str, Any]:
    """Each canned query (p50/p95 over ``repeat`` runs) vs a key lookup of an Issue node."""
    names = sorted({p.name.split(".")[0] for p in _queries_dir().glob("*.cypher")})
    out: dict[str, Any] = {"queries": {}}
    with EmbeddedStore(args["store"], read_only=True) as store:
        issues = store.issues()
        issue_id = issues[len(issues) // 2]
        store.node("Issue", issue_id)
        lookups = [_timed(lambda: store.node("Issue", issue_id)) for _ in range(max(50, args["repeat"]))]
        out["key_p50"], out["key_p95"] = _percentiles(lookups)
        for name in names:
            text = (_queries_dir() / f"{name}.cypher").read_text(encoding="utf-8")
            params = _params(text, issue_id)
            try:
                first = store.run(f"queries/{name}", params)
                samples = [_timed(lambda n=name, p=params: store.run(f"queries/{n}", p))  # type: ignore[misc]
                           for _ in range(args["repeat"])]
            except Exception as exc:  # a query being written elsewhere may fail: report it, go on
                out["queries"][name] = {"error": str(exc).splitlines()[0][:200], "params": params}
                continue
            p50, p95 = _percentiles(samples)
            out["queries"][name] = {"p50": p50, "p95": p95, "rows": len(first.rows), "params": params}
    return out


# -- Neo4j ---------------------------------------------------------------------------------------


def neo4j(args: dict[str, Any]) -> dict[str, Any]:
    """Batched ``UNWIND`` load vs one statement per row (batch size 1) into the same server."""
    from kg.store.base import open_store

    batches = _batches(args["corpus"], args["n"])
    rows = sum(len(b.nodes) + len(b.edges) for b in batches)
    out: dict[str, Any] = {"rows": rows}
    for name, size in (("batched_s", 2000), ("single_s", 1)):
        with open_store("neo4j", batch_size=size) as store:
            store.ensure_schema()
            for b in batches:
                store.retract(b.issue_id)
            out[name] = _timed(lambda s=store: [s.load(b) for b in batches])  # type: ignore[misc]
            for b in batches:
                store.retract(b.issue_id)
    return out


STAGES: dict[str, Stage] = {
    "extract": extract, "load": load, "scale": scale, "incremental": incremental, "queries": queries,
    "neo4j": neo4j,
}
