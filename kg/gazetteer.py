"""Gazetteers from ``schema/`` as typed, cached lookups, and an Aho-Corasick matcher.

Regions (``regions.tsv``: adcode, name, level, parent, short), region groupings
(``region_groups.tsv``), agencies (``agencies.toml``: national bodies and local body
types), drugs (``drugs.tsv``, ``drug_forms.txt``, ``drug_stop.txt``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from .errors import SchemaError
from .normalize import squeeze
from .resources import load_toml, read_schema_text

__all__ = [
    "AgencyEntry",
    "BodyType",
    "DrugEntry",
    "Hit",
    "Matcher",
    "Region",
    "agencies",
    "bodies",
    "drug_forms",
    "drug_stop",
    "drugs",
    "leftmost_longest",
    "region_groups",
    "regions",
]


@dataclass(frozen=True, slots=True)
class Region:
    adcode: str
    name: str
    level: str  # province | prefecture | county | grouping
    parent: str  # parent adcode ("" for provinces and groupings)
    short: tuple[str, ...]
    members: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AgencyEntry:
    name: str
    short: tuple[str, ...]
    predecessors: tuple[str, ...]
    level: str
    kind: str
    parent: str = ""


@dataclass(frozen=True, slots=True)
class BodyType:
    name: str
    short: tuple[str, ...]
    kind: str
    predecessors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DrugEntry:
    name: str
    aliases: tuple[str, ...]
    kind: str
    atc: str = ""


def _tsv(name: str) -> list[dict[str, str]]:
    text = read_schema_text(name)
    body = "\n".join(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return list(csv.DictReader(io.StringIO(body), delimiter="\t"))


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in (value or "").split("|") if v.strip())


@cache
def regions() -> tuple[Region, ...]:
    rows = _tsv("regions.tsv")
    if not rows or "adcode" not in rows[0]:
        raise SchemaError("schema/regions.tsv needs a header: adcode name level parent short")
    return tuple(
        Region(r["adcode"], r["name"], r["level"], r.get("parent") or "", _split(r.get("short"))) for r in rows
    )


@cache
def region_groups() -> tuple[Region, ...]:
    return tuple(Region("", r["name"], "grouping", "", (), _split(r.get("members"))) for r in _tsv("region_groups.tsv"))


@cache
def agencies() -> tuple[AgencyEntry, ...]:
    raw: dict[str, Any] = load_toml("agencies.toml")
    return tuple(
        AgencyEntry(a["name"], tuple(a.get("short", [])), tuple(a.get("predecessors", [])), a.get("level", "national"),
                    a.get("kind", "other"), a.get("parent", ""))
        for a in raw.get("agency", [])
    )


@cache
def bodies() -> tuple[BodyType, ...]:
    raw: dict[str, Any] = load_toml("agencies.toml")
    return tuple(
        BodyType(b["name"], tuple(b.get("short", [])), b.get("kind", "other"), tuple(b.get("predecessors", [])))
                 for b in raw.get("body", []))


@cache
def drugs() -> tuple[DrugEntry, ...]:
    return tuple(DrugEntry(r["name"], _split(r.get("aliases")), r.get("kind") or "chemical", r.get("atc") or "")
                 for r in _tsv("drugs.tsv"))


def _lines(name: str) -> tuple[str, ...]:
    out = []
    for line in read_schema_text(name).splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            out.append(word)
    return tuple(out)


@cache
def drug_forms() -> tuple[str, ...]:
    return tuple(sorted(set(_lines("drug_forms.txt")), key=len, reverse=True))


@cache
def drug_stop() -> frozenset[str]:
    return frozenset(squeeze(w) for w in _lines("drug_stop.txt"))


Hit = tuple[int, int, str, list[Any]]
"""One occurrence found by a :class:`Matcher`: (start, end, surface, payloads)."""

_WIDE = 128
"""First characters above which a :class:`Matcher` runs its automaton over UTF-8 bytes."""


class Matcher:
    """Exact multi-pattern matching (Aho-Corasick) of surface strings to payloads.

    pyahocorasick finds a node's child by a linear search, so an automaton whose words start
    with hundreds of different characters (the regions' 900 first characters) pays hundreds
    of comparisons per character of text. Such a matcher runs its automaton over the UTF-8
    bytes of words and text instead (each byte one ``latin-1`` character, at most 256 children
    per node) and maps the hits back to character offsets: UTF-8 is self-synchronising, so a
    word's bytes match only at the bytes of the same characters, and the hits are the same.
    """

    def __init__(self, entries: Iterable[tuple[str, Any]]) -> None:
        import ahocorasick

        self._automaton = ahocorasick.Automaton()
        self._payloads: dict[str, list[Any]] = {}
        for surface, payload in entries:
            if not surface:
                continue
            self._payloads.setdefault(surface, []).append(payload)
        self._bytes = len({surface[0] for surface in self._payloads}) > _WIDE
        for surface, payloads in self._payloads.items():
            if self._bytes:
                key = _utf8(surface)
                self._automaton.add_word(key.decode("latin-1"), (surface, payloads, len(key)))
            else:
                self._automaton.add_word(surface, (surface, payloads, len(surface)))
        if self._payloads:
            self._automaton.make_automaton()

    def __contains__(self, surface: str) -> bool:
        return surface in self._payloads

    def get(self, surface: str) -> list[Any]:
        return self._payloads.get(surface, [])

    def find_all(self, text: str) -> Iterator[Hit]:
        """Every occurrence (overlaps included), as (start, end, surface, payloads)."""
        return iter(self.hits(text))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """The (start, end) of every occurrence, overlaps included, in the order of :meth:`hits`."""
        return [(start, end) for start, end, _, _ in self.hits(text)]

    def hits(self, text: str) -> list[Hit]:
        """Every occurrence (overlaps included), as (start, end, surface, payloads), by end offset."""
        if not self._payloads:
            return []
        if not self._bytes:
            return [(end - size + 1, end + 1, surface, payloads)
                    for end, (surface, payloads, size) in self._automaton.iter(text)]
        raw = _utf8(text)
        out: list[Hit] = []
        for end, (surface, payloads, size) in self._automaton.iter(raw.decode("latin-1")):
            start = len(raw[: end + 1 - size].decode("utf-8", "surrogatepass"))
            out.append((start, start + len(surface), surface, payloads))
        return out

    def find_longest(self, text: str) -> list[Hit]:
        """Leftmost-longest non-overlapping occurrences."""
        return leftmost_longest(self.hits(text))


def leftmost_longest(hits: Iterable[Hit]) -> list[Hit]:
    """The leftmost-longest non-overlapping hits: ``find_longest`` of a text from its :meth:`Matcher.hits`,
    or of a slice of it from the hits that lie inside the slice."""
    ranked = sorted(hits, key=_leftmost_longest)
    out: list[Hit] = []
    last_end = -1
    for hit in ranked:
        if hit[0] >= last_end:
            out.append(hit)
            last_end = hit[1]
    return out


def _leftmost_longest(hit: Hit) -> tuple[int, int]:
    return hit[0], hit[0] - hit[1]


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")
