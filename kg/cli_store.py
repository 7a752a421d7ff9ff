"""``kg load``, ``kg retract``, ``kg stats``, ``kg schema`` and ``kg demo``: writing and
describing the store. Argument handling and presentation only; the work is library calls
(:mod:`kg.pipeline`, :mod:`kg.store`, :mod:`kg.graphmodel`)."""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import click

from .cli import cli, extractor_option, input_options
from .cli_common import open_cli_store, store_options
from .errors import InputError
from .graphmodel import graph_model
from .inputs import expand_paths
from .pipeline import LoadRun, load_paths
from .store.base import Store

__all__ = ["render_load_run", "render_schema", "render_stats"]


def _parse_extractors(extractors: str) -> Any:
    from .extract import default_extractors

    return default_extractors([n.strip() for n in extractors.split(",") if n.strip()])


def _run_load(store: Store, files: list[Path], *, extractors: str, manifest: str | None, issue_date: str | None,
              issue_id: str | None, fail_fast: bool, quiet: bool) -> LoadRun:
    chosen = _parse_extractors(extractors)
    options: dict[str, Any] = {"extractors": chosen, "manifest": manifest, "issue_date": issue_date,
                               "issue_id": issue_id, "fail_fast": fail_fast}
    if quiet or not sys.stderr.isatty():
        return load_paths(store, files, **options)
    with click.progressbar(length=len(files), label="loading", file=sys.stderr, show_pos=True,
                           item_show_func=lambda s: s) as bar:
        return load_paths(store, files, progress=lambda issue: bar.update(1, issue), **options)


def _nonzero(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items() if v) or "none"


def render_load_run(run: LoadRun, store: Store) -> str:
    """One line per loaded issue, its warnings and rejections, then the totals and failures."""
    lines: list[str] = []
    nodes: Counter[str] = Counter()
    created: Counter[str] = Counter()
    edges: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    for report in run.reports:
        nodes.update(report.nodes)
        created.update(report.created_nodes)
        edges.update(report.edges)
        rejected.update(report.rejected)
        new = sum(report.created_nodes.values())
        lines.append(
            f"{report.issue_id}: {sum(report.nodes.values())} nodes ({new} new), "
            f"{sum(report.edges.values())} relationships"
            + (f"; replaced {report.replaced_edges} earlier relationships" if report.replaced_edges else "")
            + (f", removed {report.removed_nodes} orphaned nodes" if report.removed_nodes else "")
            + (f"; rejected {sum(report.rejected.values())}" if report.rejected else "")
        )
        for warning in run.warnings.get(report.issue_id, ()):
            lines.append(f"  warning: {warning}")
    lines.append(f"into {store.describe()}: {len(run.reports)} issue(s) loaded, {len(run.failures)} failed")
    lines.append(f"  nodes in the batches: {_nonzero(dict(nodes))}")
    lines.append(f"  of which new to the store: {_nonzero(dict(created))}; the others were updated or unchanged")
    lines.append(f"  relationships in the batches: {_nonzero(dict(edges))}")
    if rejected:
        lines.append("  rejected (kept out of the graph):")
        lines += [f"    {count:5d}  {reason}" for reason, count in rejected.most_common()]
    for failure in run.failures:
        lines.append(f"  failed: {failure.message}")
    return "\n".join(lines)


def _run_json(run: LoadRun, store: Store) -> dict[str, Any]:
    return {
        "store": store.describe(),
        "loaded": [
            {"issue_id": r.issue_id, "nodes": r.nodes, "created_nodes": r.created_nodes, "relationships": r.edges,
             "replaced_relationships": r.replaced_edges, "removed_nodes": r.removed_nodes,
             "rejected": r.rejected, "warnings": list(run.warnings.get(r.issue_id, ()))}
            for r in run.reports
        ],
        "failed": [{"file": f.path, "error": f.message} for f in run.failures],
    }


@cli.command()
@input_options
@store_options
@extractor_option
@click.option("--dry-run", is_flag=True, help="Parse, extract and validate into an in-memory store; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the load report as JSON.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def load(paths: tuple[str, ...], issue_date: str | None, issue_id: str | None, manifest: str | None,
         fail_fast: bool, store: str | None, neo4j: bool, extractors: str, dry_run: bool, as_json: bool,
         quiet: bool) -> None:
    """Parse, extract and load issues into the graph store (one transaction per issue).

    Loading an issue again replaces its assertions; a file that fails is reported and the
    others still load (exit code 2 at the end), unless --fail-fast.
    """
    files = list(expand_paths(paths))
    if not files:
        raise InputError(f"no .txt, .md or .pdf files in {', '.join(paths)}")
    if dry_run:
        from .store.memory import MemoryStore

        target: Store = MemoryStore(keep=False)
    else:
        target = open_cli_store(store, neo4j, read_only=False)
    with target:
        run = _run_load(target, files, extractors=extractors, manifest=manifest, issue_date=issue_date,
                        issue_id=issue_id, fail_fast=fail_fast, quiet=quiet or as_json)
        click.echo(json.dumps(_run_json(run, target), ensure_ascii=False, indent=1) if as_json
                   else render_load_run(run, target))
    if run.failures:
        sys.exit(2)


@cli.command()
@click.argument("issue_ids", nargs=-1, required=True)
@store_options
@click.option("--json", "as_json", is_flag=True, help="Print what was removed as JSON.")
def retract(issue_ids: tuple[str, ...], store: str | None, neo4j: bool, as_json: bool) -> None:
    """Remove issues' assertions, and every node no other issue supports."""
    out: list[dict[str, Any]] = []
    with open_cli_store(store, neo4j, read_only=False) as target:
        known = set(target.issues())
        for issue_id in issue_ids:
            if issue_id not in known:
                click.echo(f"warning: {target.describe()} holds no issue {issue_id!r}; nothing to retract", err=True)
                continue
            report = target.retract(issue_id)
            out.append({"issue_id": issue_id, "removed_nodes": report.nodes, "removed_relationships": report.edges})
            if not as_json:
                click.echo(f"{issue_id}: removed {report.replaced_edges} relationships "
                           f"({_nonzero(report.edges)}) and {report.removed_nodes} nodes ({_nonzero(report.nodes)})")
    if as_json:
        click.echo(json.dumps(out, ensure_ascii=False, indent=1))


def render_stats(stats: dict[str, dict[str, int]], issues: list[str], where: str) -> str:
    model = graph_model()
    width = max(len(x) for x in (*model.labels, *model.rel_types))
    lines = [f"{where}: {len(issues)} issue(s)"]
    lines.append("nodes")
    for node in model.nodes:
        lines.append(f"  {node.label:<{width}}  {node.name_zh:<6} {stats['nodes'].get(node.label, 0):>8}")
    lines.append("relationships")
    for rel in model.relationships:
        lines.append(f"  {rel.type:<{width}}  {rel.name_zh:<6} {stats['relationships'].get(rel.type, 0):>8}")
    return "\n".join(lines)


@cli.command()
@store_options
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def stats(store: str | None, neo4j: bool, as_json: bool) -> None:
    """Node counts per label and relationship counts per type."""
    with open_cli_store(store, neo4j, read_only=True) as target:
        counts = target.stats()
        issues = target.issues()
        if as_json:
            data = {"store": target.describe(), "issues": issues, **counts}
            click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        else:
            click.echo(render_stats(counts, issues, target.describe()))


def render_schema() -> str:
    """The graph model as text: labels with key and properties, relationship types with endpoints."""
    model = graph_model()
    lines = [f"graph model v{model.version} (schema/graph.toml)", "", "nodes"]
    for n in model.nodes:
        props = ", ".join(f"{p}:{t}" for p, t in n.properties if p != n.key)
        lines.append(f"  ({n.label} {n.name_zh})  key {n.key}:STRING  {props}")
    lines += ["", "relationships"]
    for r in model.relationships:
        ends = ", ".join(f"{a}→{b}" for a, b in r.endpoints)
        own = [p for p, _ in r.properties]
        lines.append(f"  [{r.type} {r.name_zh}]  {ends}")
        lines.append(f"      properties: {', '.join(own)}")
    return "\n".join(lines)


def _schema_json() -> dict[str, Any]:
    model = graph_model()
    return {
        "version": model.version,
        "nodes": [{"label": n.label, "name_zh": n.name_zh, "key": n.key, "caption": n.caption,
                   "properties": dict(n.properties)} for n in model.nodes],
        "relationships": [{"type": r.type, "name_zh": r.name_zh, "endpoints": [list(e) for e in r.endpoints],
                           "properties": dict(r.properties)} for r in model.relationships],
    }


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="The graph model as JSON.")
@click.option("--cypher", "as_cypher", is_flag=True, help="Only the Neo4j constraints and indexes it implies.")
def schema(as_json: bool, as_cypher: bool) -> None:
    """Print the graph model and the Neo4j constraints it implies."""
    from .export_admin import schema_script

    if as_json:
        click.echo(json.dumps(_schema_json(), ensure_ascii=False, indent=1))
    elif as_cypher:
        click.echo(schema_script(), nl=False)
    else:
        click.echo(render_schema())
        click.echo()
        click.echo(schema_script(), nl=False)


@cli.command()
@click.option("--store", "store_dir", type=click.Path(file_okay=False),
              help="Keep the demo store in this directory (default: a temporary one, removed at the end).")
@click.option("--out", type=click.Path(file_okay=False), default="kg-demo", show_default=True,
              help="Where the demo writes its report.")
def demo(store_dir: str | None, out: str) -> None:
    """Run kg on the bundled sample issues: parse → extract → load into an embedded store →
    print the load report, the store's counts and a policy-timeline report."""
    from .parser import read_manifest
    from .resources import samples_dir
    from .store import open_store

    root = Path(str(samples_dir()))
    manifest = root / "manifest.csv"
    files = [root / name for name in sorted(read_manifest(manifest))]
    with tempfile.TemporaryDirectory(prefix="kg-demo-") as tmp:
        path = Path(store_dir) if store_dir else Path(tmp) / "kg-data"
        with open_store("embedded", path=path) as target:
            run = _run_load(target, files, extractors="rules", manifest=str(manifest), issue_date=None,
                            issue_id=None, fail_fast=True, quiet=False)
            click.echo(render_load_run(run, target))
            click.echo()
            click.echo(render_stats(target.stats(), target.issues(), target.describe()))
            _demo_report(target, Path(out))


def _demo_report(store: Store, out: Path) -> None:
    """The timeline report of the policy the samples report in the most issues."""
    from .query import result_dicts, run_query
    from .report import build_report, write_report

    rows = result_dicts(run_query(store, "queries/policies", {"policy": ""}))
    if not rows:
        return
    top = max(rows, key=lambda r: (r["issues"], r["articles"], r["policy"]))
    report = build_report(store, "timeline", top["policy"])
    click.echo()
    click.echo(f"lineage of {top['policy']} ({top['issues']} issues): {report.summary}")
    for item in report.items:
        quote = item.evidence if len(item.evidence) <= 24 else item.evidence[:23] + "…"
        click.echo(f"  {item.date:<10} {item.article_id:<18} {item.headline}" + (f"  「{quote}」" if quote else ""))
    for path in write_report(report, out):
        click.echo(f"wrote {path}")
