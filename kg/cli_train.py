"""``kg train``: rebuild the spaCy pipeline from the annotations."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .cli import cli
from .errors import InputError


@cli.command("train")
@click.option("--gold", default="tests/gold/gold.jsonl", show_default=True, type=click.Path(dir_okay=False),
              help="Gold annotations (JSONL); read now, so new annotations are picked up.")
@click.option("--corpus", type=click.Path(file_okay=False),
              help="Corpus folder holding the gold articles' issues (default: ../shared/corpus or $KG_CORPUS).")
@click.option("--manifest", type=click.Path(dir_okay=False), help="Issue dates (default: <corpus>/issues.csv).")
@click.option("--split", type=click.Choice(["dev", "test", "all"]), default="dev", show_default=True,
              help="Which gold articles to train on; `test` stays held out for `kg eval` by default.")
@click.option("-o", "--output", type=click.Path(file_okay=False),
              help="Where to write the pipeline (default: the shipped model directory, kg/models/spacy_zh).")
@click.option("--config", type=click.Path(dir_okay=False), help="spaCy config (default: schema/spacy/config.cfg).")
@click.option("--max-steps", type=int, help="Override training.max_steps (for quick trials).")
@click.option("--quiet", is_flag=True, help="Do not print spaCy's training log.")
def train_cmd(gold: str, corpus: str | None, manifest: str | None, split: str, output: str | None,
              config: str | None, max_steps: int | None, quiet: bool) -> None:
    """Train the spaCy NER on the gold annotations and write the pipeline (fixed seed: reproducible)."""
    from .spacy_pipeline import shipped_model_dir
    from .train import train_from_gold

    root = Path(corpus or os.environ.get("KG_CORPUS") or "../shared/corpus")
    if not root.is_dir():
        raise InputError(f"{root}: corpus folder not found; pass --corpus DIR")
    man = manifest or (str(root / "issues.csv") if (root / "issues.csv").exists() else None)
    overrides = {"training.max_steps": max_steps} if max_steps else None
    out = Path(output) if output else shipped_model_dir()
    report = train_from_gold(gold, root, out, manifest=man, split=split, config=config, overrides=overrides,
                             quiet=quiet)
    click.echo(f"trained on {report.articles} articles ({report.paragraphs} paragraphs, {report.spans} spans; "
               f"{report.misaligned} off jieba token boundaries, left unlabelled) in {report.seconds} s")
    if report.realigned:
        click.echo(f"re-aligned (text changed since annotation): {', '.join(report.realigned)}")
    click.echo(f"wrote {report.output} ({report.size_bytes / 1e6:.1f} MB)")
