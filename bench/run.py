"""kg benchmarks: ``python bench/run.py [--issues 50,500] [--json OUT] [--quick]``.

Generates a corpus (bench/generate.py), runs every stage of bench/stages.py in its own
child process (peak RSS per stage from ``os.wait4``), and prints one table: each row is
a ratio against a baseline measured in the same run, its target, and met/missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

__all__ = ["main", "run"]


class StageFailed(RuntimeError):
    """A benchmark stage's child process failed; its rows say so and the others still run."""


def _stage(name: str, args: dict[str, Any], work: Path) -> tuple[dict[str, Any], float]:
    """Run one stage in a child process: (its result, its peak RSS in MB)."""
    out = work / f"{name}-{os.getpid()}-{len(list(work.glob(name + '-*.json')))}.json"
    cmd = [sys.executable, str(HERE / "run.py"), "--stage", name, "--stage-args", json.dumps(args),
           "--stage-out", str(out)]
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise StageFailed(f"stage {name} failed (exit {proc.returncode}); rerun: {' '.join(cmd)}")
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result, usage.ru_maxrss / 1024  # kB on Linux


def _row(name: str, measured: str, baseline: str, value: float | None, base: float | None, unit: str,
         op: str, target: float, rss: float | None, note: str = "", ratio: float | None = None) -> dict[str, Any]:
    if ratio is None and value is not None and base:
        ratio = value / base
    met = None if ratio is None else (ratio >= target if op == ">=" else ratio <= target)
    return {
        "name": name, "measured": measured, "baseline": baseline, "value": value, "baseline_value": base,
        "unit": unit, "ratio": ratio, "target": f"{op} {target:g}", "met": met,
        "status": "met" if met else ("missed" if met is False else note or "n/a"),
        "peak_rss_mb": rss, "note": note,
    }


def _skipped(name: str, why: str) -> dict[str, Any]:
    return {"name": name, "measured": "", "baseline": "", "value": None, "baseline_value": None, "unit": "",
            "ratio": None, "target": "", "met": None, "status": "skipped", "peak_rss_mb": None, "note": why}


def _extract_rows(corpus: Path, small: int, repeat: int, quick: bool, work: Path) -> list[dict[str, Any]]:
    ex, rss = _stage("extract", {"corpus": str(corpus), "n": small, "repeat": repeat,
                                 "spacy_articles": 10 if quick else 120}, work)
    rows = [_row("extract: rules vs jieba.lcut", "rule extractors chars/s", "jieba.lcut chars/s",
                 ex["chars"] / ex["rules_s"], ex["chars"] / ex["jieba_s"], "chars/s", ">=", 1.0, rss,
                 f"{ex['chars']} chars, {small} issues")]
    if "spacy_s" in ex:
        rows.append(_row("extract: rules+spacy vs jieba.lcut", "rules+spacy chars/s", "jieba.lcut chars/s",
                         ex["spacy_chars"] / ex["spacy_s"], ex["spacy_chars"] / ex["spacy_jieba_s"], "chars/s",
                         ">=", 1.0, rss, f"reported, no target; {ex['spacy_chars']} chars"))
        rows[-1]["met"], rows[-1]["status"] = None, "reported"
    else:
        rows.append(_skipped("extract: rules+spacy vs jieba.lcut", f"not available: {ex.get('spacy_error')}"))
    return rows


def _load_rows(corpus: Path, small: int, work: Path) -> list[dict[str, Any]]:
    ld, rss = _stage("load", {"corpus": str(corpus), "n": small, "work": str(work)}, work)
    return [_row("embedded load vs raw COPY", "kg load rows/s", "raw COPY FROM CSV rows/s",
                 ld["kg_rows"] / ld["kg_s"], ld["raw_rows"] / ld["raw_s"], "rows/s", ">=", 0.3, rss,
                 f"{ld['kg_rows']} rows in {small} per-issue loads; one COPY of {ld['raw_rows']} distinct rows")]


def _scale_rows(corpus: Path, small: int, large: int, work: Path) -> list[dict[str, Any]]:
    runs: dict[int, dict[str, Any]] = {}
    for n in (small, large):
        res, rss = _stage("scale", {"corpus": str(corpus), "n": n, "store": str(work / f"store-{n}")}, work)
        runs[n] = {**res, "rss": rss}
    s, b = runs[large], runs[small]
    return [
        _row(f"scaling: {large} vs {small} issues end to end", f"{large} issues s", f"{small} issues s",
             s["seconds"], b["seconds"], "s", "<=", 1.1 * large / small, s["rss"],
             f"parse+extract+load; {s['rows']} vs {b['rows']} rows"),
        _row(f"peak RSS at {large} issues", f"{large} issues MB", f"{small} issues MB", s["rss"], b["rss"], "MB",
             "<=", 1024.0, s["rss"], "target < 1024 MB", ratio=s["rss"]),
    ]


def _incremental_rows(extra: Path, large: int, repeat: int, work: Path) -> list[dict[str, Any]]:
    inc, rss = _stage("incremental", {"store": str(work / f"store-{large}"), "extra": str(extra),
                                      "work": str(work), "repeat": max(3, repeat)}, work)
    return [_row(f"incremental: issue {large + 1} into {large} vs empty", "load into full store s",
                 "load into empty store s", inc["full_s"], inc["empty_s"], "s", "<=", 2.0, rss, "median of 3")]


def _query_rows(large: int, quick: bool, work: Path) -> list[dict[str, Any]]:
    q, rss = _stage("queries", {"store": str(work / f"store-{large}"), "repeat": 5 if quick else 30}, work)
    rows: list[dict[str, Any]] = []
    if not q["queries"]:
        rows.append(_row("key lookup (no canned queries)", "key lookup p95 s", "key lookup p95 s", q["key_p95"],
                         q["key_p95"], "s", "<=", 20.0, rss, "no canned queries"))
        rows[-1]["status"] = "no canned queries"
    for name, r in q["queries"].items():
        if "error" in r:
            rows.append(_skipped(f"query {name} p95 vs key lookup", f"query failed: {r['error']}"))
            rows[-1]["status"] = "error"
            continue
        rows.append(_row(f"query {name} p95 vs key lookup", "p95 s", "key lookup p95 s", r["p95"], q["key_p95"],
                         "s", "<=", 20.0, rss, f"p50 {r['p50'] * 1000:.1f} ms, {r['rows']} rows"))
    return rows


def _neo4j_rows(corpus: Path, small: int, work: Path) -> list[dict[str, Any]]:
    if not os.environ.get("KG_NEO4J_URI"):
        return [_skipped("neo4j: UNWIND batches vs one statement per row", "skipped: KG_NEO4J_URI not set")]
    nj, rss = _stage("neo4j", {"corpus": str(corpus), "n": min(small, 5)}, work)
    return [_row("neo4j: UNWIND batches vs one statement per row", "batched rows/s", "per-row rows/s",
                 nj["rows"] / nj["batched_s"], nj["rows"] / nj["single_s"], "rows/s", ">=", 1.0, rss)]


def run(sizes: Sequence[int], *, quick: bool = False, work: Path | None = None, seed: int = 0) -> dict[str, Any]:
    """Run every benchmark; the result is what ``--json`` writes. A failed stage gives error rows."""
    from generate import generate

    small, large = min(sizes), max(sizes)
    work = Path(work or tempfile.mkdtemp(prefix="kg-bench-"))
    corpus, extra = work / "corpus", work / "extra"
    generate(large, corpus, seed)
    generate(1, extra, seed, start=large + 1)
    repeat = 1 if quick else 3
    rows: list[dict[str, Any]] = []
    steps: list[tuple[str, Callable[[], list[dict[str, Any]]]]] = [
        ("extract", lambda: _extract_rows(corpus, small, repeat, quick, work)),
        ("embedded load", lambda: _load_rows(corpus, small, work)),
        ("scaling", lambda: _scale_rows(corpus, small, large, work)),
        ("incremental", lambda: _incremental_rows(extra, large, repeat, work)),
        ("queries", lambda: _query_rows(large, quick, work)),
        ("neo4j", lambda: _neo4j_rows(corpus, small, work)),
    ]
    for what, step in steps:
        try:
            rows += step()
        except StageFailed as exc:
            rows.append(_skipped(what, str(exc)))
            rows[-1]["status"] = "error"
    return {"issues": [small, large], "quick": quick, "seed": seed, "machine": machine(), "rows": rows}


def machine() -> dict[str, Any]:
    mem = ""
    with open("/proc/meminfo", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return {"nproc": os.cpu_count(), "ram": mem, "python": platform.python_version(),
            "platform": platform.platform()}


def _fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "-"
    if unit == "s":
        return f"{v * 1000:.1f} ms" if v < 1 else f"{v:.1f} s"
    if unit == "MB":
        return f"{v:.0f} MB"
    return f"{v:,.0f} {unit}"


def table(result: dict[str, Any]) -> str:
    """The result as one Markdown table."""
    lines = ["| benchmark | measured | baseline | ratio | target | result | peak RSS | note |",
             "|---|---|---|---|---|---|---|---|"]
    for r in result["rows"]:
        ratio = "-" if r["ratio"] is None else (f"{r['ratio']:.0f} MB" if r["unit"] == "MB" else f"{r['ratio']:.2f}×")
        rss = "-" if r["peak_rss_mb"] is None else f"{r['peak_rss_mb']:.0f} MB"
        lines.append(f"| {r['name']} | {_fmt(r['value'], r['unit'])} | {_fmt(r['baseline_value'], r['unit'])} | "
                     f"{ratio} | {r['target']} | {r['status']} | {rss} | {r['note']} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="kg benchmarks (ratios against same-run baselines)")
    parser.add_argument("--issues", default="50,500", help="two corpus sizes, e.g. 50,500")
    parser.add_argument("--json", help="write the result as JSON here")
    parser.add_argument("--quick", action="store_true", help="one repetition per figure (smoke runs)")
    parser.add_argument("--work", help="working directory (default: a new temporary directory)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--stage-args", help=argparse.SUPPRESS)
    parser.add_argument("--stage-out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stage:
        from stages import STAGES

        result = STAGES[args.stage](json.loads(args.stage_args))
        Path(args.stage_out).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        return 0
    sizes = [int(x) for x in args.issues.split(",") if x.strip()]
    if len(sizes) != 2 or min(sizes) < 1:
        parser.error("--issues takes two sizes, e.g. 50,500")
    result = run(sizes, quick=args.quick, work=Path(args.work) if args.work else None, seed=args.seed)
    print(table(result))
    m = result["machine"]
    print(f"\nmachine: {m['nproc']} cores, {m['ram']} RAM, Python {m['python']}, {m['platform']}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
