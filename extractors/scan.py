"""Regular-expression scans that find exactly the matches of ``pattern.finditer(text)``, with less work.

Python's ``re`` tries a pattern at every position of the text unless the pattern starts with a
literal or a character set. Most of the extractors' patterns start with a lookbehind, so a
scan costs a full match attempt per character. :class:`Scan` tries fewer positions, in one
of four ways, and always yields the same matches as the plain scan:

* **needed literals** — strings every match contains, read from the pattern's parse tree
  (conservatively: only literals outside optional parts, or common to every alternative);
  a text without one of them is not scanned at all;
* **a leading literal** — when every match starts with a literal after zero-width
  lookbehinds (``(?<=印发)关于…``), the pattern is tried only where the literal occurs;
* **start positions** given by the caller, who knows every match starts at one of them
  (an ASCII digit starting a run of digits, say): see :func:`finditer_at`;
* **anchor windows** — every match contains one of a list of words (an INN stem, a dosage
  form) and lies within ``before`` characters before and ``after`` characters after it:
  only merged windows around the words' Aho-Corasick hits are scanned (:func:`windows`).
  ``pattern.finditer(text, lo, hi)`` keeps ``^`` and lookbehinds exact (they see the whole
  text), but ``hi`` is the end of the string for ``$`` and lookaheads: the window must also
  cover every character that an attempt which can succeed reads (the longest optional
  suffix, the character a lookahead tests).

``tests/test_extract_scan.py`` checks every shortcut the extractors use against the plain
scan on random texts and on the sample digests.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from kg.gazetteer import Matcher

__all__ = ["Scan", "finditer_at", "finditer_in", "needed_literals", "occurrences", "uses", "windows"]


@dataclass(frozen=True, slots=True)
class Scan:
    """A compiled pattern and what is known about its matches (see the module docstring)."""

    pattern: re.Pattern[str]
    needs: tuple[str, ...] = ()
    lead: str = ""
    anchors: Matcher | None = None
    before: int = 0
    after: int = 0

    @classmethod
    def of(cls, pattern: str | re.Pattern[str], *, anchors: Iterable[str] = (), before: int = 0,
           after: int = 0) -> Scan:
        """``pattern`` with its needed and leading literals; ``anchors``: words every match
        contains, the match lying within ``before``/``after`` characters of the word."""
        compiled = re.compile(pattern)
        needs, lead = needed_literals(compiled)
        words = [w for w in anchors if w]
        return cls(compiled, needs, lead, Matcher((w, w) for w in words) if words else None, before, after)

    def finditer(self, text: str, starts: Sequence[int] | None = None) -> Iterator[re.Match[str]]:
        """The matches of ``pattern.finditer(text)``. ``starts``: ascending positions where
        every match starts (the caller's knowledge; the pattern's matches must be non-empty)."""
        if not all(word in text for word in self.needs):
            return iter(())
        if self.anchors is not None:
            return finditer_in(self.pattern, text,
                               windows(self.anchors.spans(text), self.before, self.after, len(text)))
        if starts is not None:
            return finditer_at(self.pattern, text, starts)
        if self.lead:
            return finditer_at(self.pattern, text, occurrences(text, self.lead))
        return self.pattern.finditer(text)

    def search(self, text: str) -> re.Match[str] | None:
        """``pattern.search(text)``."""
        if not all(word in text for word in self.needs):
            return None
        return self.pattern.search(text)


def finditer_at(pattern: re.Pattern[str], text: str, starts: Iterable[int]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern whose matches are non-empty and start at one of
    ``starts`` (ascending): the pattern is tried only there, past the end of the last match."""
    pos = 0
    for start in starts:
        if start < pos:
            continue
        m = pattern.match(text, start)
        if m is not None:
            yield m
            pos = m.end()


def finditer_in(pattern: re.Pattern[str], text: str, spans: Iterable[tuple[int, int]]) -> Iterator[re.Match[str]]:
    """The matches of ``pattern`` inside each of the disjoint, ascending ``spans``."""
    for lo, hi in spans:
        yield from pattern.finditer(text, lo, hi)


def windows(spans: Iterable[tuple[int, int]], before: int, after: int, length: int) -> list[tuple[int, int]]:
    """``[start - before, end + after)`` around each span, clipped to ``[0, length]``; windows
    that overlap or touch are merged, so a match that reaches another anchor's window is whole."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        lo, hi = max(0, s - before), min(length, e + after)
        if out and lo <= out[-1][1]:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def uses(text: str, word: str) -> Iterator[tuple[int, int]]:
    """The non-overlapping ``(start, end)`` spans of ``word``, as ``re.finditer(re.escape(word))``
    finds them, without a regular expression."""
    i = text.find(word)
    while i >= 0:
        yield i, i + len(word)
        i = text.find(word, i + (len(word) or 1))


def occurrences(text: str, word: str) -> Iterator[int]:
    """Every start position of ``word`` in ``text``, overlapping ones included, ascending."""
    i = text.find(word)
    while i >= 0:
        yield i
        i = text.find(word, i + 1)


# -- reading literals from a pattern's parse tree ----------------------------------------------


def needed_literals(pattern: re.Pattern[str]) -> tuple[tuple[str, ...], str]:
    """(literals every match contains, the literal every match starts with after leading
    lookbehinds or ``""``). Conservative: a construct it does not know contributes nothing.

    Reads the parse tree of ``re``'s own parser (``re._parser``, Python ≥ 3.11); if that is
    unavailable, nothing is known and scans are plain.
    """
    if pattern.flags & re.IGNORECASE:
        return (), ""
    try:
        parser = importlib.import_module("re._parser")
        ops = importlib.import_module("re._constants")
        tree = parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # another Python's internals: no shortcut, never a wrong one
        return (), ""
    reader = _Reader(ops)
    needs = reader.needed(tree)
    return tuple(sorted(needs, key=lambda w: (-len(w), w))), reader.lead(tree)


class _Reader:
    """Walks a ``re._parser`` tree (a sequence of ``(opcode, argument)`` items)."""

    def __init__(self, ops: Any) -> None:
        self.ops = ops
        self.repeats = (ops.MAX_REPEAT, ops.MIN_REPEAT, ops.POSSESSIVE_REPEAT)

    def needed(self, items: Iterable[tuple[Any, Any]]) -> set[str]:
        """Literals every match of the sequence contains (runs of consecutive literal characters)."""
        ops = self.ops
        found: set[str] = set()
        run: list[str] = []
        for op, av in items:
            if op is ops.LITERAL:
                run.append(chr(av))
                continue
            if run:
                found.add("".join(run))
                run = []
            if op is ops.SUBPATTERN and not av[1] & re.IGNORECASE:
                found |= self.needed(av[3])
            elif op in self.repeats and av[0] >= 1:
                found |= self.needed(av[2])
            elif op is ops.ATOMIC_GROUP:
                found |= self.needed(av)
            elif op is ops.BRANCH:
                common = _common([self.needed(alt) for alt in av[1]])
                if common:
                    found.add(common)
        if run:
            found.add("".join(run))
        return found

    def lead(self, items: Sequence[tuple[Any, Any]]) -> str:
        """The literal every match starts with, when zero-width lookbehinds come before it
        (without them ``re`` finds a leading literal itself)."""
        ops = self.ops
        i = 0
        while i < len(items) and self._zero_width(items[i]):
            i += 1
        if i == 0:
            return ""
        run: list[str] = []
        for op, av in items[i:]:
            if op is ops.LITERAL:
                run.append(chr(av))
            elif op is ops.SUBPATTERN and not av[1] & re.IGNORECASE and not run:
                inner = av[3]
                prefix = self._literal_prefix(inner)
                run.extend(prefix)
                if len(prefix) < len(inner):
                    break
            else:
                break
        return "".join(run)

    def _literal_prefix(self, items: Sequence[tuple[Any, Any]]) -> list[str]:
        out: list[str] = []
        for op, av in items:
            if op is not self.ops.LITERAL:
                break
            out.append(chr(av))
        return out

    def _zero_width(self, item: tuple[Any, Any]) -> bool:
        """A lookbehind, or a group of alternative lookbehinds: ``(?:(?<=印发)|(?<=^))``."""
        ops = self.ops
        op, av = item
        if op in (ops.ASSERT, ops.ASSERT_NOT):
            return True
        if op is ops.BRANCH:
            return all(len(alt) == 1 and self._zero_width(alt[0]) for alt in av[1])
        return False


def _common(alternatives: list[set[str]]) -> str:
    """The longest string contained in a literal of every alternative, or ``""``."""
    if not alternatives or not all(alternatives):
        return ""
    first = alternatives[0]
    candidates = {w[i:j] for w in first for i in range(len(w)) for j in range(i + 1, len(w) + 1)}
    for cand in sorted(candidates, key=lambda w: (-len(w), w)):
        if all(any(cand in lit for lit in alt) for alt in alternatives[1:]):
            return cand
    return ""
