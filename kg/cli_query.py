"""``kg query``, ``kg report``, ``kg export`` and ``kg browser``: reading the graph back out.

Argument handling and presentation only; the work is library calls (:mod:`kg.query`,
:mod:`kg.report`, :mod:`kg.export`, :mod:`kg.export_admin`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from .cli import cli
from .cli_common import open_cli_store, store_options
from .errors import QueryError

__all__: list[str] = []

F = TypeVar("F", bound=Callable[..., Any])


def _query_list(as_json: bool) -> str:
    import json

    from .query import list_queries

    queries = list_queries()
    if as_json:
        return json.dumps(
            [
                {
                    "name": q.name,
                    "description": q.description,
                    "params": [
                        {"name": p.name, "type": p.type, "default": p.default, "description": p.description}
                        for p in q.params
                    ],
                    "example": q.example,
                    "columns": list(q.columns),
                }
                for q in queries
            ],
            ensure_ascii=False,
            indent=2,
        ) + "\n"
    lines: list[str] = []
    for q in queries:
        lines.append(q.name)
        lines.append(f"    {q.description}")
        for p in q.params:
            lines.append(f"    --param {p.describe()}")
        if q.example:
            lines.append(f"    e.g. {q.example}")
    return "\n".join(lines) + "\n"


@cli.command("query")
@click.argument("name", required=False)
@click.option("--list", "list_", is_flag=True, help="List the canned queries with their parameters.")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="A query parameter (repeatable).")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True,
    help="Output format (--list: json gives the headers as JSON).",
)
@click.option("--max-width", type=int, default=48, show_default=True, help="Table cells are clipped to this width.")
@store_options
def query_command(
    name: str | None, list_: bool, params: tuple[str, ...], fmt: str, max_width: int,
    store: str | None, neo4j: bool,
) -> None:
    """Run the canned query NAME (see --list) on the store and print its rows."""
    from .query import format_result, get_query, parse_params, run_query

    if list_ or not name:
        if not list_:
            raise click.UsageError("give a query NAME, or --list to see them")
        click.echo(_query_list(fmt == "json"), nl=False)
        return
    query = get_query(name)
    values = parse_params(query, params)
    with open_cli_store(store, neo4j, read_only=True) as opened:
        result = run_query(opened, query.name, values)
    click.echo(format_result(result, fmt, max_width=max_width), nl=False)


# -- kg report ---------------------------------------------------------------------------------


@cli.group("report")
def report_group() -> None:
    """Write a Markdown and an HTML report (with a timeline chart) from the store."""


def _report_options(func: F) -> F:
    func = click.option(
        "--out", "out", type=click.Path(file_okay=False), default="reports", show_default=True,
        help="Directory for the .md and .html files.",
    )(func)
    func = click.option("--title", help="Report title (default: one made from the subject).")(func)
    return store_options(func)


def _write_report(kind: str, subject: str, out: str, title: str | None, store: str | None, neo4j: bool) -> None:
    from .report import build_report, write_report

    with open_cli_store(store, neo4j, read_only=True) as opened:
        report = build_report(opened, kind, subject, title=title)
    md, html = write_report(report, Path(out))
    click.echo(f"{report.title}: {len(report.items)} item(s)")
    click.echo(f"  {md}")
    click.echo(f"  {html}")


@report_group.command("timeline")
@click.option("--policy", required=True, help="A policy key, 文号, alias or part of its title.")
@_report_options
def report_timeline(policy: str, out: str, title: str | None, store: str | None, neo4j: bool) -> None:
    """Every report of one policy across issues, oldest first (the lineage query)."""
    _write_report("timeline", policy, out, title, store, neo4j)


@report_group.command("agency")
@click.option("--agency", required=True, help="The agency's full name, short name or display name.")
@_report_options
def report_agency(agency: str, out: str, title: str | None, store: str | None, neo4j: bool) -> None:
    """The policies an agency issued, and with whom, oldest first."""
    _write_report("agency", agency, out, title, store, neo4j)


@report_group.command("region")
@click.option("--region", required=True, help="The region's full name (浙江省) or display name (浙江).")
@_report_options
def report_region(region: str, out: str, title: str | None, store: str | None, neo4j: bool) -> None:
    """Pilots and implementations in a region and the places within it."""
    _write_report("region", region, out, title, store, neo4j)


@report_group.command("issue")
@click.argument("issue_id")
@_report_options
def report_issue(issue_id: str, out: str, title: str | None, store: str | None, neo4j: bool) -> None:
    """What one issue reports: its new facts and entities, and the dates it mentions."""
    _write_report("issue", issue_id, out, title, store, neo4j)


# -- kg export ---------------------------------------------------------------------------------

WHOLE_STORE = ("neo4j-admin",)
SUBGRAPH = ("graphml", "json", "csv", "cypher")


@cli.command("export")
@click.argument("out", type=click.Path())
@click.option(
    "--format", "fmt", type=click.Choice([*WHOLE_STORE, *SUBGRAPH]), required=True,
    help="neo4j-admin: CSV files for neo4j-admin import (OUT is a directory); cypher: a cypher-shell "
    "script (OUT is a file); graphml / json (networkx node-link) / csv (OUT is a directory).",
)
@click.option("--policy", help="Export the subgraph around this policy (key, 文号, alias or part of its title).")
@click.option("--depth", type=click.IntRange(0, 4), default=1, show_default=True, help="Steps around the policy.")
@click.option("--issue", "issue_id", help="Export everything one issue asserts (its nodes and relationships).")
@click.option("--query", "query_name", help="Export the nodes a canned query's rows name, and the edges among them.")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="A --query parameter.")
@store_options
def export_command(
    out: str, fmt: str, policy: str | None, depth: int, issue_id: str | None, query_name: str | None,
    params: tuple[str, ...], store: str | None, neo4j: bool,
) -> None:
    """Export the whole store (neo4j-admin, cypher) or a subgraph (--policy/--issue/--query)."""
    from .export import export_subgraph, select_subgraph

    chosen = [x for x in (policy, issue_id, query_name) if x]
    if len(chosen) > 1:
        raise click.UsageError("give at most one of --policy, --issue and --query")
    if fmt in WHOLE_STORE and chosen:
        raise click.UsageError("--format neo4j-admin exports the whole store; drop --policy/--issue/--query")
    if params and not query_name:
        raise click.UsageError("--param goes with --query")
    with open_cli_store(store, neo4j, read_only=True) as opened:
        if not chosen:
            if fmt == "neo4j-admin":
                from .export_admin import export_neo4j_admin

                counts = export_neo4j_admin(opened, out)
                rows = sum(counts.values())
                click.echo(f"wrote {rows} rows in {len(counts)} CSV file(s) to {out} (see {out}/README.md)")
                return
            if fmt == "cypher":
                from .export_admin import export_cypher

                n = export_cypher(opened, out)
                click.echo(f"wrote {n} statement(s) to {out}")
                return
            raise QueryError(f"--format {fmt} exports a subgraph; give --policy, --issue or --query")
        if query_name:
            from .query import get_query, parse_params

            values = parse_params(get_query(query_name), params)
        else:
            values = {}
        graph = select_subgraph(
            opened, policy=policy, depth=depth, issue=issue_id, query=query_name, params=values
        )
    written = export_subgraph(graph, fmt, out)
    click.echo(f"wrote {len(graph.nodes)} node(s) and {len(graph.edges)} relationship(s) as {fmt}: "
               + ", ".join(str(p) for p in written))


# -- kg browser --------------------------------------------------------------------------------


@cli.command("browser")
def browser_command() -> None:
    """Print the Neo4j Browser steps: the style sheet, the guide and :param lines for the queries."""
    from .query import browser_instructions

    click.echo(browser_instructions(), nl=False)
