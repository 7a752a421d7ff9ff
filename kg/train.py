"""``kg train``: rebuild the spaCy pipeline from the gold annotations.

The gold records (``tests/gold/gold.jsonl``, read at train time so new annotations are
picked up) hold offsets but no text; the text comes from the corpus through
:func:`kg.parser.parse_path`, checked against each record's ``text_sha256`` (a changed
parse is re-aligned by surface and occurrence, and the article is named in the report).
Each article is cut into paragraphs; each paragraph becomes one ``Doc`` of a ``DocBin``.
A gold span that does not fall on jieba token boundaries cannot be learned by a
token-level NER: its tokens are marked *missing* (no loss either way) rather than
``O``, and the report counts them.

Training runs ``spacy train`` in-process on ``schema/spacy/config.cfg`` (fixed seed,
fixed number of steps) and keeps ``model-last``; the same inputs give the same model.
"""

from __future__ import annotations

import contextlib
import io
import logging
import shutil
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .gold import GoldArticle, read_gold, realign, sha
from .spacy_pipeline import LABELS, config_file, paragraphs, require_spacy

__all__ = ["Example", "TrainReport", "gold_examples", "to_docbin", "train_from_gold", "train_pipeline"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Example:
    """One paragraph of a gold article with its entity spans (offsets into ``text``)."""

    article_id: str
    text: str
    spans: tuple[tuple[int, int, str], ...]


@dataclass(frozen=True, slots=True)
class TrainReport:
    articles: int
    paragraphs: int
    spans: int
    misaligned: int
    realigned: tuple[str, ...]
    seconds: float
    output: str
    size_bytes: int


def gold_examples(records: Iterable[GoldArticle], corpus: str | Path, manifest: str | Path | None = None,
                  *, realigned: list[str] | None = None) -> list[Example]:
    """Paragraph examples for the gold articles, texts read from ``corpus`` (sorted by article id)."""
    from .parser import parse_path, read_manifest

    dates = read_manifest(manifest) if manifest else {}
    by_file: dict[str, list[GoldArticle]] = defaultdict(list)
    for g in records:
        by_file[g.issue_file].append(g)
    out: list[Example] = []
    for name in sorted(by_file):
        path = Path(corpus) / name
        if not path.exists():
            raise InputError(f"{path}: corpus file of gold articles not found; pass --corpus DIR")
        texts = {a.id: a.text for a in parse_path(path, issue_date=dates.get(name)).articles}
        for g in sorted(by_file[name], key=lambda g: g.article_id):
            if g.article_id not in texts:
                raise InputError(f"{path}: gold article {g.article_id} not found in the parsed issue")
            text = texts[g.article_id]
            entities = list(g.entities)
            if sha(text) != g.text_sha256:
                entities = realign(text, entities)
                if realigned is not None:
                    realigned.append(g.article_id)
                log.warning("%s: text changed since annotation; %d of %d mentions re-aligned",
                            g.article_id, len(entities), len(g.entities))
            for offset, para in paragraphs(text):
                end = offset + len(para)
                spans = tuple(sorted((e.start - offset, e.end - offset, e.type) for e in entities
                                     if offset <= e.start and e.end <= end and e.type in LABELS))
                out.append(Example(g.article_id, para, spans))
    return out


def to_docbin(nlp: Any, examples: Sequence[Example]) -> tuple[Any, int]:
    """A ``DocBin`` of the examples tokenized by ``nlp``, and the number of misaligned spans."""
    from spacy.tokens import DocBin

    db = DocBin(store_user_data=False)
    misaligned = 0
    for ex in examples:
        doc = nlp.make_doc(ex.text)
        ents, missing = [], []
        for s, e, label in ex.spans:
            span = doc.char_span(s, e, label=label)
            if span is None:
                misaligned += 1
                wide = doc.char_span(s, e, alignment_mode="expand")
                if wide is not None:
                    missing.append(wide)
            else:
                ents.append(span)
        ents = _drop_overlaps(ents)
        missing = [m for m in missing if all(m.end <= x.start or m.start >= x.end for x in ents)]
        doc.set_ents(ents, missing=_drop_overlaps(missing), default="outside")
        db.add(doc)
    return db, misaligned


def _drop_overlaps(spans: list[Any]) -> list[Any]:
    from spacy.util import filter_spans

    return sorted(filter_spans(spans), key=lambda s: s.start)


def train_pipeline(examples: Sequence[Example], output: str | Path, *, config: str | Path | None = None,
                   overrides: Mapping[str, Any] | None = None, quiet: bool = False) -> TrainReport:
    """Train the pipeline of ``config`` on ``examples`` and write it to ``output``."""
    spacy = require_spacy()
    from spacy.cli.train import train as spacy_train

    cfg = Path(config) if config else config_file()
    started = time.perf_counter()
    nlp = spacy.util.load_model_from_config(spacy.util.load_config(cfg), auto_fill=True)
    db, misaligned = to_docbin(nlp, examples)
    out = Path(output)
    with tempfile.TemporaryDirectory(prefix="kg-train-") as tmp:
        data = Path(tmp) / "train.spacy"
        db.to_disk(data)
        runs = Path(tmp) / "runs"
        settings = {"paths.train": str(data), "paths.dev": str(data), **(overrides or {})}
        if quiet:
            _silence(spacy)
            settings.setdefault("training.logger", {"@loggers": "kg.silent_logger.v1"})
        with contextlib.redirect_stdout(io.StringIO()) if quiet else contextlib.nullcontext():
            spacy_train(cfg, runs, use_gpu=-1, overrides=dict(settings))
        if out.exists():
            shutil.rmtree(out)
        shutil.copytree(runs / "model-last", out)
    _forget_paths(spacy, out / "config.cfg")
    seconds = time.perf_counter() - started
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return TrainReport(len({e.article_id for e in examples}), len(examples), sum(len(e.spans) for e in examples),
                       misaligned, (), round(seconds, 1), str(out), size)


def _forget_paths(spacy: Any, config: Path) -> None:
    """Drop the temporary DocBin paths from the saved config, so retraining is byte-identical."""
    cfg = spacy.util.load_config(config, interpolate=False)
    cfg["paths"]["train"] = None
    cfg["paths"]["dev"] = None
    cfg.to_disk(config)


def _silence(spacy: Any) -> None:
    if "kg.silent_logger.v1" in spacy.registry.loggers:
        return

    def silent_logger() -> Any:
        def setup(nlp: Any, stdout: Any = None, stderr: Any = None) -> tuple[Any, Any]:
            return (lambda info: None), (lambda: None)

        return setup

    spacy.registry.loggers.register("kg.silent_logger.v1", func=silent_logger)


def train_from_gold(gold: str | Path, corpus: str | Path, output: str | Path, *, manifest: str | Path | None = None,
                    split: str = "dev", config: str | Path | None = None,
                    overrides: Mapping[str, Any] | None = None, quiet: bool = False) -> TrainReport:
    """Read the gold set, keep ``split`` (``dev``, ``test`` or ``all``) and train on it."""
    records = [g for g in read_gold(gold) if split == "all" or g.split == split]
    if not records:
        raise InputError(f"{gold}: no gold articles in split {split!r}")
    realigned: list[str] = []
    examples = gold_examples(records, corpus, manifest, realigned=realigned)
    report = train_pipeline(examples, output, config=config, overrides=overrides, quiet=quiet)
    return TrainReport(report.articles, report.paragraphs, report.spans, report.misaligned, tuple(realigned),
                       report.seconds, report.output, report.size_bytes)
