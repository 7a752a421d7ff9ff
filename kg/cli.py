"""The ``kg`` command line: argument handling only; the work is done by library calls.

Errors are one sentence and a non-zero exit code (see :mod:`kg.errors`); ``--debug``
shows the traceback instead.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .errors import InputError, KGError
from .inputs import FileFailure, expand_paths
from .parser import parse_path, read_manifest
from .types import Issue

F = TypeVar("F", bound=Callable[..., Any])


class KGException(click.ClickException):
    """A :class:`KGError` as the CLI shows it: ``Error: <sentence>`` and the error's exit code."""

    def __init__(self, error: KGError) -> None:
        super().__init__(str(error))
        setattr(self, "exit_code", error.exit_code)  # noqa: B010 - per-instance code; click declares a class default


class KGGroup(click.Group):
    """Maps library errors to one-line CLI errors, unless ``--debug`` is on."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KGError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            raise KGException(exc) from exc


@click.group(cls=KGGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
@click.option("--debug", is_flag=True, help="Show full tracebacks instead of one-line errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Build a knowledge graph from Chinese health-policy digest issues."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def input_options(func: F) -> F:
    """PATH... plus the options that say how to date and name the issues."""
    func = click.option("--fail-fast", is_flag=True, help="Stop at the first file that fails.")(func)
    func = click.option(
        "--manifest",
        type=click.Path(dir_okay=False),
        help="CSV with columns file,issue_date giving each file's issue date.",
    )(func)
    func = click.option("--issue-id", help="Issue id (default: the file name without suffix); one file only.")(func)
    func = click.option("--issue-date", help="Issue date YYYY-MM-DD (default: inferred from the text).")(func)
    func = click.argument("paths", nargs=-1, required=True, type=click.Path())(func)
    return func


def _issues(
    paths: tuple[str, ...],
    issue_date: str | None,
    issue_id: str | None,
    manifest: str | None,
    fail_fast: bool,
    failures: list[FileFailure],
) -> Iterator[Issue]:
    files = list(expand_paths(paths))
    if issue_id and len(files) > 1:
        raise InputError("--issue-id names one issue, but several files were given")
    dates = read_manifest(manifest) if manifest else {}
    for path in files:
        try:
            yield parse_path(path, issue_id=issue_id, issue_date=issue_date or dates.get(path.name))
        except KGError as exc:
            if fail_fast:
                raise
            failures.append(FileFailure(str(path), str(exc)))
            click.echo(f"Error: {exc}", err=True)


def _finish(failures: list[FileFailure], total_ok: int) -> None:
    if failures:
        click.echo(f"{len(failures)} file(s) failed, {total_ok} succeeded.", err=True)
        sys.exit(2)


def _jsonable(issue: Issue) -> dict[str, Any]:
    return dataclasses.asdict(issue)


@cli.command()
@input_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object per issue (JSON Lines), every field.")
def parse(
    paths: tuple[str, ...],
    issue_date: str | None,
    issue_id: str | None,
    manifest: str | None,
    fail_fast: bool,
    as_json: bool,
) -> None:
    """Parse digest issues (or standalone articles) and summarise them."""
    failures: list[FileFailure] = []
    ok = 0
    for issue in _issues(paths, issue_date, issue_id, manifest, fail_fast, failures):
        ok += 1
        if as_json:
            click.echo(json.dumps(_jsonable(issue), ensure_ascii=False))
        else:
            click.echo(render_issue_summary(issue))
    _finish(failures, ok)


def render_issue_summary(issue: Issue) -> str:
    """A readable summary: date, sections, articles with pages and sources, warnings."""
    lines = [
        f"{issue.id}  date {issue.date or 'unknown'} ({issue.date_source})  "
        f"{len(issue.sections)} sections, {len(issue.articles)} articles"
    ]
    by_id = {a.id: a for a in issue.articles}
    for section in issue.sections:
        lines.append(f"  ·{section.name}·" if section.name else "  (no section)")
        for aid in section.article_ids:
            a = by_id[aid]
            pages = f"p{a.page_start}-{a.page_end}" if a.page_start is not None else "p?"
            source = f"  来源：{a.source}" if a.source else ""
            lines.append(f"    {a.index:02d}  {pages:<8} {a.title}{source}  [{len(a.text)} chars]")
    for warning in issue.warnings:
        lines.append(f"  warning: {warning}")
    return "\n".join(lines)


def extractor_option(func: F) -> F:
    return click.option(
        "--extractors",
        default="rules",
        show_default=True,
        help="Comma-separated extractors: rules (all rule-based), spacy, auto (rules,spacy if spaCy is "
        "installed, else rules), or single names (policy, dates, …).",
    )(func)


@cli.command()
@input_options
@extractor_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "json", "table"]), default="jsonl", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
def extract(
    paths: tuple[str, ...],
    issue_date: str | None,
    issue_id: str | None,
    manifest: str | None,
    fail_fast: bool,
    extractors: str,
    fmt: str,
    output: str | None,
) -> None:
    """Extract entities and relations; write the JSONL contract (one object per article)."""
    from .extract import contract_lines, default_extractors, extract_issue, to_contract

    chosen = default_extractors([n.strip() for n in extractors.split(",") if n.strip()])
    failures: list[FileFailure] = []
    ok = 0
    out = open(output, "w", encoding="utf-8") if output else None  # noqa: SIM115 - closed below
    try:
        records: list[dict[str, Any]] = []
        for issue in _issues(paths, issue_date, issue_id, manifest, fail_fast, failures):
            ok += 1
            results = list(extract_issue(issue, chosen))
            if fmt == "jsonl":
                for line in contract_lines(issue, results):
                    click.echo(line, file=out)
            elif fmt == "json":
                records += [to_contract(issue, a, x) for a, x in results]
            else:
                click.echo(render_extraction_table(issue, results), file=out)
        if fmt == "json":
            click.echo(json.dumps(records, ensure_ascii=False, indent=1), file=out)
    finally:
        if out:
            out.close()
    _finish(failures, ok)


def render_extraction_table(issue: Issue, results: list[Any]) -> str:
    lines = [f"{issue.id} ({issue.date or 'undated'})"]
    for article, extraction in results:
        lines.append(f"  {article.id}  {article.title}")
        for m in extraction.mentions:
            lines.append(f"    {m.type:<7} {m.text:<30} → {m.norm}")
        for r in extraction.relations:
            lines.append(f"    {r.type:<11} {r.head} → {r.tail}")
    return "\n".join(lines)


@cli.command("eval")
@click.argument("gold", type=click.Path(dir_okay=False))
@click.argument("pred", required=False, type=click.Path(dir_okay=False))
@click.option("--run", is_flag=True, help="Run the extractors on the corpus instead of reading PRED.")
@click.option("--corpus", type=click.Path(file_okay=False),
              help="Corpus folder for --run (default: ../shared/corpus or $KG_CORPUS).")
@click.option("--manifest", type=click.Path(dir_okay=False),
              help="Issue dates for --run (default: <corpus>/issues.csv).")
@click.option("--split", default="all", show_default=True,
              help="Score only this split of GOLD (dev, test, ood-dev … as its records name them).")
@extractor_option
@click.option("--errors", is_flag=True, help="List misses, false positives and wrong norms.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def eval_cmd(gold: str, pred: str | None, run: bool, corpus: str | None, manifest: str | None, split: str,
             extractors: str, errors: bool, as_json: bool) -> None:
    """Score extraction against a gold set: P/R/F1 per entity type and relation type."""
    import os

    from .evaluate import evaluate, load_gold, predict_corpus, read_predictions, render_report

    records = load_gold(gold, split)
    if not records:
        raise InputError(f"{gold}: no gold articles in split {split!r}")
    texts = None
    if run or pred is None:
        root = Path(corpus or os.environ.get("KG_CORPUS") or "../shared/corpus")
        if not root.is_dir():
            raise InputError(f"{root}: corpus folder not found; pass --corpus DIR")
        man = manifest or (str(root / "issues.csv") if (root / "issues.csv").exists() else None)
        preds, texts = predict_corpus(records, root, man, [n.strip() for n in extractors.split(",")])
    else:
        preds = read_predictions(pred)
    report = evaluate(records, preds, texts)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(render_report(report, errors=errors))


# Commands that live in their own modules register themselves on ``cli`` when imported.
from . import cli_query as _cli_query  # noqa: E402, F401
from . import cli_store as _cli_store  # noqa: E402, F401
from . import cli_train as _cli_train  # noqa: E402, F401


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="kg")


if __name__ == "__main__":  # pragma: no cover
    main()
