"""spaCy extractor: the trained Chinese pipeline of :mod:`kg.spacy_pipeline` behind the protocol.

Spans come from the statistical ``ner`` (``rule = "spacy:ner"``) and from the gazetteer
``entity_ruler`` that fills the gaps it leaves (``rule = "spacy:ruler"``); every mention
has ``extractor = "spacy"``. A span's ``norm`` (and date/figure attributes) comes from
an injected normalizer; the default re-reads the span with the rule extractor of its
type (``国家医保局`` → ``国家医疗保障局``, ``6 月 13 日`` → ``2025-06-13``) and falls back to
:func:`kg.normalize.default_norm` when the rules do not read the whole span.

spaCy is optional: building this extractor without it raises a
:class:`kg.errors.DependencyError` that names the install command, and the model is
loaded on first use (once per process and path).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.normalize import default_norm
from kg.spacy_pipeline import LABELS, load_pipeline, predict_spans, require_spacy
from kg.types import Article, Extraction, Mention

from .base import ArticleContext, Extractor, create, register

__all__ = ["Normalizer", "RuleNormalizer", "SpacyNerExtractor", "default_normalizer"]

Normalizer = Callable[[str, str, ArticleContext], Mention | None]
"""(type, surface, context) → a template mention (norm and attributes at offset 0), or None."""

_MEMO = 8192  # spans remembered by RuleNormalizer

RULE_EXTRACTOR = {"Policy": "policy", "Agency": "agency", "Region": "region", "Drug": "drug",
                  "Date": "dates", "Figure": "figures"}


@dataclass(slots=True)
class RuleNormalizer:
    """Norms from the rule extractors, read on the span's surface alone."""

    names: Mapping[str, str] = field(default_factory=lambda: dict(RULE_EXTRACTOR))
    _built: dict[str, Extractor | None] = field(default_factory=dict)
    _read: dict[tuple[str, str, ArticleContext], Mention | None] = field(default_factory=dict)

    def _extractor(self, etype: str) -> Extractor | None:
        if etype not in self._built:
            name = self.names.get(etype)
            try:
                self._built[etype] = create(name) if name else None
            except Exception:
                self._built[etype] = None
        return self._built[etype]

    def __call__(self, etype: str, surface: str, context: ArticleContext) -> Mention | None:
        """The rule extractor's reading of ``surface`` (remembered: the same names recur in an issue)."""
        key = (etype, surface, context)
        if key not in self._read:
            if len(self._read) >= _MEMO:
                self._read.clear()
            self._read[key] = self._reread(etype, surface, context)
        return self._read[key]

    def _reread(self, etype: str, surface: str, context: ArticleContext) -> Mention | None:
        extractor = self._extractor(etype)
        if extractor is None:
            return None
        probe = Article(id="spacy-norm", index=0, title="", section="", source="", summary="",
                        page_start=None, page_end=None, text=surface, issue_id=context.issue_id)
        for m in extractor(probe, context).mentions:
            if m.type == etype and m.start == 0 and m.end == len(surface):
                return m
        return None


def default_normalizer() -> Normalizer:
    return RuleNormalizer()


class SpacyNerExtractor:
    """Entity mentions predicted by the trained spaCy pipeline."""

    name = "spacy"

    def __init__(self, model: str | Path | None = None, *, labels: tuple[str, ...] = LABELS,
                 normalizer: Normalizer | None = None, nlp: Any = None) -> None:
        if nlp is None:
            require_spacy()  # fail now, with the install command, rather than at the first article
        self._model = model
        self._nlp = nlp
        self._labels = tuple(labels)
        self._normalize = normalizer if normalizer is not None else default_normalizer()

    @property
    def labels(self) -> tuple[str, ...]:
        return self._labels

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            self._nlp = load_pipeline(self._model)
        return self._nlp

    def __call__(self, article: Article, context: ArticleContext) -> Extraction:
        mentions = []
        for start, end, label, source in predict_spans(self.nlp, article.text):
            if label not in self._labels:
                continue
            surface = article.text[start:end]
            mentions.append(self._mention(label, surface, start, end, f"spacy:{source}", context))
        mentions.sort(key=lambda m: (m.start, m.end, m.type))
        return Extraction(article.id, tuple(mentions))

    def _mention(self, etype: str, surface: str, start: int, end: int, rule: str, context: ArticleContext) -> Mention:
        template = self._normalize(etype, surface, context)
        if template is None:
            return Mention(etype, surface, default_norm(etype, surface), start, end, extractor="spacy", rule=rule)
        return dataclasses.replace(template, text=surface, start=start, end=end, extractor="spacy", rule=rule)


@register("spacy", default_config={"model": None}, description="statistical NER + gazetteer ruler (spaCy zh, jieba)")
def build_spacy(model: str | Path | None = None, **kwargs: Any) -> SpacyNerExtractor:
    return SpacyNerExtractor(model, **kwargs)
