"""kg's Chinese spaCy pipeline: jieba segmenter with the gazetteers as user dictionary,
a statistical ``ner`` trained on the gold set, and an ``entity_ruler`` fed from ``schema/``.

The pipeline is described by ``schema/spacy/config.cfg`` (blank ``zh``, components
``tok2vec`` → ``ner`` → ``entity_ruler`` with ``overwrite_ents = false``, so gazetteer
matches only fill gaps the model left). Two registered functions tie it to ``schema/``:

* ``kg.jieba_user_dict.v1`` (``[nlp.after_creation]``): gives the tokenizer a private
  ``jieba.Tokenizer`` holding every gazetteer surface as a word. It runs whenever the
  pipeline is created, at training and at load time (a jieba user dictionary is not
  saved with a spaCy pipeline), and never touches the global ``jieba`` dictionary.
* ``kg.ruler_patterns.v1`` (``[initialize.components.entity_ruler.patterns]``): the
  ruler's patterns from the gazetteers; they are saved with the trained pipeline.

spaCy is optional (the ``spacy`` extra): nothing here imports it at module import time,
and :func:`require_spacy` turns a missing spaCy into one :class:`DependencyError`.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Callable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .errors import DependencyError, SchemaError
from .gazetteer import agencies, bodies, drug_stop, drugs, region_groups, regions
from .resources import load_toml, schema_file

__all__ = [
    "INSTALL_HINT",
    "LABELS",
    "config_file",
    "gazetteer_words",
    "load_pipeline",
    "paragraphs",
    "predict_spans",
    "require_spacy",
    "ruler_patterns",
    "shipped_model_dir",
    "spacy_available",
]

log = logging.getLogger(__name__)

LABELS = ("Policy", "Agency", "Region", "Drug", "Date", "Figure")
INSTALL_HINT = "pip install 'kg[spacy]'"
_MIN_WORD = 2


def spacy_available() -> bool:
    """True when spaCy can be imported (checked without importing it)."""
    return importlib.util.find_spec("spacy") is not None


def require_spacy() -> Any:
    """Import spaCy and register kg's functions with it; a missing spaCy is a DependencyError."""
    try:
        import spacy
    except ImportError as exc:
        raise DependencyError(f"the spacy extractor needs spaCy, which is not installed; run: {INSTALL_HINT}") from exc
    import jieba

    jieba.setLogLevel(logging.WARNING)  # jieba logs its dictionary loading at INFO/DEBUG to stderr
    _register(spacy)
    return spacy


def config_file() -> Path:
    """The checked-in training config, ``schema/spacy/config.cfg``."""
    return Path(str(schema_file("spacy/config.cfg")))


def shipped_model_dir() -> Path:
    """Where the trained pipeline ships: ``kg/models/spacy_zh`` (package data)."""
    return Path(str(resources.files("kg").joinpath("models", "spacy_zh")))


# --- gazetteers → user dictionary and ruler patterns ---------------------------------------


@cache
def gazetteer_words() -> tuple[str, ...]:
    """Every gazetteer surface of two or more characters, sorted (the jieba user dictionary)."""
    words: set[str] = set()
    for r in (*regions(), *region_groups()):
        words.update((r.name, *r.short))
    for a in agencies():
        words.update((a.name, *a.short, *a.predecessors))
    for b in bodies():
        words.update((b.name, *b.short, *b.predecessors))
    stop = drug_stop()
    for d in drugs():
        words.update(w for w in (d.name, *d.aliases) if w not in stop)
    return tuple(sorted(w for w in words if len(w) >= _MIN_WORD and not any(c.isspace() for c in w)))


def ruler_patterns() -> list[dict[str, Any]]:
    """Entity-ruler patterns: gazetteer phrases (regions, national agencies, drugs) and 《…》 titles."""
    ambiguous = set(load_toml("patterns/region.toml").get("ambiguous_shorts", []))
    phrases: dict[str, str] = {}

    def add(label: str, surface: str) -> None:
        if len(surface) >= _MIN_WORD and surface not in phrases:
            phrases[surface] = label

    for a in agencies():
        for s in (a.name, *a.short, *a.predecessors):
            add("Agency", s)
    for r in (*regions(), *region_groups()):
        for s in (r.name, *r.short):
            if s not in ambiguous:
                add("Region", s)
    stop = drug_stop()
    for d in drugs():
        for s in (d.name, *d.aliases):
            if s not in stop:
                add("Drug", s)
    patterns: list[dict[str, Any]] = [
        {"label": label, "pattern": surface, "id": f"gaz:{label}"} for surface, label in sorted(phrases.items())
    ]
    title = [{"ORTH": "《"}, {"ORTH": {"NOT_IN": ["《", "》", "。", "\n"]}, "OP": "+"}, {"ORTH": "》"}]
    patterns.append({"label": "Policy", "pattern": title, "id": "title"})
    return patterns


@cache
def _jieba_tokenizer(words: tuple[str, ...]) -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)  # jieba logs its dictionary loading at INFO to stderr
    tokenizer = jieba.Tokenizer()
    for w in words:
        tokenizer.add_word(w)
    return tokenizer


def _register(spacy: Any) -> None:
    """Register kg's callbacks and readers with spaCy's registry (idempotent)."""
    if "kg.jieba_user_dict.v1" in spacy.registry.callbacks:
        return

    def jieba_user_dict() -> Callable[[Any], Any]:
        def apply(nlp: Any) -> Any:
            if getattr(nlp.tokenizer, "segmenter", None) != "jieba":
                raise SchemaError("schema/spacy/config.cfg: kg.jieba_user_dict.v1 needs segmenter = \"jieba\"")
            nlp.tokenizer.jieba_seg = _jieba_tokenizer(gazetteer_words())
            return nlp

        return apply

    def read_ruler_patterns() -> list[dict[str, Any]]:
        return ruler_patterns()

    spacy.registry.callbacks.register("kg.jieba_user_dict.v1", func=jieba_user_dict)
    spacy.registry.readers.register("kg.ruler_patterns.v1", func=read_ruler_patterns)


# --- loading and prediction ----------------------------------------------------------------


@cache
def _load(path: str) -> Any:
    spacy = require_spacy()
    if not (Path(path) / "config.cfg").exists():
        raise DependencyError(f"{path}: no trained spaCy pipeline there; build it with `kg train` (or `make train`)")
    log.info("loading spaCy pipeline from %s", path)
    return spacy.load(path)


def load_pipeline(path: str | Path | None = None) -> Any:
    """The trained pipeline at ``path`` (default: the shipped one), loaded once per process."""
    return _load(str(Path(path) if path else shipped_model_dir()))


def paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """(offset, paragraph) for each non-blank line: the unit the model is trained and run on."""
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            yield offset, line
        offset += len(line) + 1


def predict_spans(nlp: Any, text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, label, source) of the pipeline's entities, offsets into ``text``.

    ``source`` is ``"ner"`` for the statistical model and ``"ruler"`` for gazetteer
    patterns. Paragraphs are processed one by one, so results never depend on batching.
    """
    out: list[tuple[int, int, str, str]] = []
    for offset, para in paragraphs(text):
        doc = nlp(para)
        for ent in doc.ents:
            if ent.label_ in LABELS:
                source = "ruler" if ent.ent_id_ else "ner"
                out.append((offset + ent.start_char, offset + ent.end_char, ent.label_, source))
    return out
