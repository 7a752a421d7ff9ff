"""Word segmentation (jieba, dictionary only) shared by the extractors that need word boundaries.

Gazetteer matching finds names anywhere, also inside other words (``金安`` in 基金安全,
``保定`` in 医保定点). The region and drug extractors ask this module whether a match starts
and ends on a word boundary of its clause, and for the part-of-speech tags of the words
that follow it. Segmentation uses jieba's dictionary without its HMM for unknown words,
so it is deterministic; one tokenizer is built per process and clauses are cached.
"""

from __future__ import annotations

import logging
import re
from functools import cache, lru_cache
from typing import Any

__all__ = ["Clause", "clause_at", "segment", "tokenizer"]

_CLAUSE_BREAK = re.compile(r"[\n，。；;：:！!？?、（）()“”\"《》【】\[\]]")
_MAX_SIDE = 40


@cache
def tokenizer() -> Any:
    """jieba's tokenizer, initialised once (its dictionary-loading log is silenced)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # jieba logs its dictionary loading at INFO to stderr
    tok = jieba.Tokenizer()
    tok.initialize()
    return tok


@cache
def _pos_tokenizer() -> Any:
    import jieba.posseg

    return jieba.posseg.POSTokenizer(tokenizer())


@lru_cache(maxsize=4096)
def segment(clause: str) -> tuple[tuple[str, str], ...]:
    """``clause`` as (word, part-of-speech tag) pairs, dictionary segmentation only."""
    return tuple((p.word, p.flag) for p in _pos_tokenizer().cut(clause, HMM=False))


class Clause:
    """The clause of ``text`` around a span, segmented, with its word boundaries as text offsets."""

    __slots__ = ("bounds", "start", "words")

    def __init__(self, start: int, words: tuple[tuple[str, str], ...]) -> None:
        self.start = start
        self.words = words
        pos = start
        bounds = {pos}
        for word, _ in words:
            pos += len(word)
            bounds.add(pos)
        self.bounds = frozenset(bounds)

    def aligned(self, s: int, e: int) -> bool:
        """True when ``text[s:e]`` starts and ends on word boundaries."""
        return s in self.bounds and e in self.bounds

    def words_after(self, offset: int) -> list[tuple[str, str]]:
        """The words that start at or after ``offset`` (which should be a boundary)."""
        out: list[tuple[str, str]] = []
        pos = self.start
        for word, tag in self.words:
            if pos >= offset:
                out.append((word, tag))
            pos += len(word)
        return out


def clause_at(text: str, s: int, e: int) -> Clause:
    """Segment the clause (between punctuation, at most ~40 characters each side) holding ``text[s:e]``."""
    lo = max(0, s - _MAX_SIDE)
    left = [m.end() for m in _CLAUSE_BREAK.finditer(text, lo, s)]
    start = left[-1] if left else lo
    m = _CLAUSE_BREAK.search(text, e, min(len(text), e + _MAX_SIDE))
    end = m.start() if m else min(len(text), e + _MAX_SIDE)
    return Clause(start, segment(text[start:end]))
