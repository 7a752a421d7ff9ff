"""The extractor ablation: rules only, spaCy only, both — P/R/F1 per entity type and micro.

Two protocols, both printed as a markdown table:

* ``held-out`` (default): the spaCy model trained on the gold ``dev`` split (the shipped
  model, or a fresh one with ``--train``) scored on the ``test`` split.
* ``cv``: k-fold cross-validation over all gold articles (folds by article, assigned
  round-robin in article-id order); each fold trains a model on the other folds and the
  pooled counts over all folds are scored. Slow: one training per fold.

Scores are strict (same type, start and end), as ``kg eval`` computes them; the rule
extractors' predictions are the same in every row, only the spaCy model changes.

    python -m kg.ablation                       # held-out test split, shipped model
    python -m kg.ablation --train               # retrain on dev first (into a temp dir)
    python -m kg.ablation --cv 4                # 4-fold CV over all annotated articles
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .evaluate import EvalReport, Prediction, Score, evaluate
from .extract import Extractors, OverlapPolicy, default_extractors, prefer_longest, rules_first
from .gold import ENTITY_TYPES, GoldArticle, read_gold
from .types import Article, Mention

__all__ = ["CONFIGS", "AblationResult", "cross_validate", "held_out", "render_markdown", "run_ablation"]

CONFIGS: Mapping[str, tuple[bool, bool, OverlapPolicy]] = {
    # name: (rules, spacy, overlap policy)
    "rules": (True, False, prefer_longest),
    "spacy": (False, True, prefer_longest),
    "both": (True, True, rules_first),
}


@dataclass(frozen=True, slots=True)
class AblationResult:
    protocol: str
    articles: int
    reports: Mapping[str, EvalReport]


def _articles(records: Iterable[GoldArticle], corpus: Path,
              manifest: Path | None) -> dict[str, tuple[Article, str | None]]:
    from .parser import parse_path, read_manifest

    dates = read_manifest(manifest) if manifest else {}
    wanted: dict[str, set[str]] = {}
    for g in records:
        wanted.setdefault(g.issue_file, set()).add(g.article_id)
    out: dict[str, tuple[Article, str | None]] = {}
    for name in sorted(wanted):
        issue = parse_path(corpus / name, issue_date=dates.get(name))
        for a in issue.articles:
            if a.id in wanted[name]:
                out[a.id] = (a, issue.date)
    return out


def run_ablation(records: Sequence[GoldArticle], articles: Mapping[str, tuple[Article, str | None]],
                 spacy_model: str | Path, configs: Mapping[str, tuple[bool, bool, OverlapPolicy]] = CONFIGS,
                 ) -> dict[str, dict[str, Prediction]]:
    """Predictions per configuration for ``records``; each extractor runs once per article."""
    from .extractors.base import ArticleContext
    from .extractors.spacy_ner import SpacyNerExtractor

    rules = default_extractors(["rules"])
    spacy = SpacyNerExtractor(spacy_model)
    out: dict[str, dict[str, Prediction]] = {name: {} for name in configs}
    for g in records:
        article, date = articles[g.article_id]
        context = ArticleContext(issue_id=article.issue_id, issue_date=date)
        by_rules = [m for x in rules.entity for m in x(article, context).mentions]
        by_spacy = list(spacy(article, context).mentions)
        for name, (use_rules, use_spacy, policy) in configs.items():
            kept = policy((by_rules if use_rules else []) + (by_spacy if use_spacy else []))
            out[name][g.article_id] = _prediction(article, kept, rules, context)
    return out


def _prediction(article: Article, kept: Sequence[Mention], rules: Extractors, context: object) -> Prediction:
    relations = [r for x in rules.relation for r in x.relations(article, tuple(kept), context)]
    return Prediction(article.id, tuple((m.type, m.start, m.end, m.text, m.norm) for m in kept),
                      tuple((r.type, r.head, r.tail) for r in relations))


def held_out(gold: Path, corpus: Path, manifest: Path | None, model: Path | None = None,
             train: bool = False, log: Callable[[str], None] = print) -> AblationResult:
    """Train on ``dev`` (or use the shipped/given model), score on ``test``."""
    from .spacy_pipeline import shipped_model_dir
    from .train import train_from_gold

    records = [g for g in read_gold(gold) if g.split == "test"]
    articles = _articles(records, corpus, manifest)
    with tempfile.TemporaryDirectory(prefix="kg-ablation-") as tmp:
        if train:
            model = Path(tmp) / "model"
            report = train_from_gold(gold, corpus, model, manifest=manifest, split="dev", quiet=True)
            log(f"trained on dev: {report.articles} articles, {report.spans} spans, {report.seconds} s")
        preds = run_ablation(records, articles, model or shipped_model_dir())
    texts = {aid: a.text for aid, (a, _) in articles.items()}
    return AblationResult("held-out test split (model trained on dev)", len(records),
                          {name: evaluate(records, p, texts) for name, p in preds.items()})


def cross_validate(gold: Path, corpus: Path, manifest: Path | None, folds: int = 4,
                   log: Callable[[str], None] = print) -> AblationResult:
    """k-fold CV over every gold article; pooled counts over the folds."""
    from .train import gold_examples, train_pipeline

    records = sorted(read_gold(gold), key=lambda g: g.article_id)
    articles = _articles(records, corpus, manifest)
    preds: dict[str, dict[str, Prediction]] = {name: {} for name in CONFIGS}
    for k in range(folds):
        held = [g for i, g in enumerate(records) if i % folds == k]
        train = [g for i, g in enumerate(records) if i % folds != k]
        with tempfile.TemporaryDirectory(prefix=f"kg-cv{k}-") as tmp:
            report = train_pipeline(gold_examples(train, corpus, manifest), Path(tmp) / "model", quiet=True)
            log(f"fold {k + 1}/{folds}: trained on {report.articles} articles in {report.seconds} s, "
                f"scoring {len(held)}")
            for name, p in run_ablation(held, articles, Path(tmp) / "model").items():
                preds[name].update(p)
    texts = {aid: a.text for aid, (a, _) in articles.items()}
    return AblationResult(f"{folds}-fold cross-validation over all gold articles", len(records),
                          {name: evaluate(records, p, texts) for name, p in preds.items()})


def render_markdown(result: AblationResult) -> str:
    """One row per entity type plus micro; P / R / F1 for each configuration."""
    names = list(result.reports)
    head = "| type | gold | " + " | ".join(f"{n} P | {n} R | {n} F1" for n in names) + " |"
    rule = "|---|---:|" + "---:|" * (3 * len(names))
    lines = [f"{result.protocol}, {result.articles} articles, strict spans", "", head, rule]
    for t in (*ENTITY_TYPES, "micro"):
        scores: list[Score] = []
        for n in names:
            r = result.reports[n]
            scores.append(r.micro(r.strict) if t == "micro" else r.strict[t])
        gold_n = scores[0].tp + scores[0].fn
        cells = " | ".join(f"{s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f}" for s in scores)
        label = "**micro**" if t == "micro" else t
        lines.append(f"| {label} | {gold_n} | {cells} |")
    rel = " | ".join(f"{n}: {result.reports[n].micro(result.reports[n].relations).f1:.3f}" for n in names)
    lines += ["", f"Relations (micro F1, rule relation patterns over each configuration's entities): {rel}"]
    return "\n".join(lines)


def _main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m kg.ablation", description=__doc__.split("\n\n")[0])
    ap.add_argument("--gold", default="tests/gold/gold.jsonl")
    ap.add_argument("--corpus", default=os.environ.get("KG_CORPUS") or "../shared/corpus")
    ap.add_argument("--manifest", help="issue dates (default: <corpus>/issues.csv)")
    ap.add_argument("--model", help="spaCy pipeline directory to score (default: the shipped one)")
    ap.add_argument("--train", action="store_true", help="train a fresh model on dev first")
    ap.add_argument("--cv", type=int, metavar="K", help="k-fold cross-validation over all gold articles instead")
    args = ap.parse_args(argv)
    corpus = Path(args.corpus)
    default_manifest = corpus / "issues.csv"
    manifest = Path(args.manifest) if args.manifest else (default_manifest if default_manifest.exists() else None)

    def log(msg: str) -> None:
        print(msg, file=sys.stderr)

    if args.cv:
        result = cross_validate(Path(args.gold), corpus, manifest, args.cv, log=log)
    else:
        result = held_out(Path(args.gold), corpus, manifest, Path(args.model) if args.model else None, args.train, log)
    print(render_markdown(result))
    return 0


if __name__ == "__main__":
    from .errors import KGError

    try:
        raise SystemExit(_main())
    except KGError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
