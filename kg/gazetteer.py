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

__all__ = ["Region", "AgencyEntry", "BodyType", "DrugEntry", "regions", "region_groups", "agencies", "bodies",
           "drugs", "drug_forms", "drug_stop", "Matcher"]


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
    return tuple(Region(r["adcode"], r["name"], r["level"], r.get("parent") or "", _split(r.get("short"))) for r in rows)


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
    return tuple(BodyType(b["name"], tuple(b.get("short", [])), b.get("kind", "other"), tuple(b.get("predecessors", [])))
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


class Matcher:
    """Exact multi-pattern matching (Aho-Corasick) of surface strings to payloads."""

    def __init__(self, entries: Iterable[tuple[str, Any]]) -> None:
        import ahocorasick

        self._automaton = ahocorasick.Automaton()
        self._payloads: dict[str, list[Any]] = {}
        for surface, payload in entries:
            if not surface:
                continue
            self._payloads.setdefault(surface, []).append(payload)
        for surface, payloads in self._payloads.items():
            self._automaton.add_word(surface, (surface, payloads))
        if self._payloads:
            self._automaton.make_automaton()

    def __contains__(self, surface: str) -> bool:
        return surface in self._payloads

    def get(self, surface: str) -> list[Any]:
        return self._payloads.get(surface, [])

    def find_all(self, text: str) -> Iterator[tuple[int, int, str, list[Any]]]:
        """Every occurrence (overlaps included), as (start, end, surface, payloads)."""
        if not self._payloads:
            return
        for end_index, (surface, payloads) in self._automaton.iter(text):
            yield end_index - len(surface) + 1, end_index + 1, surface, payloads

    def find_longest(self, text: str) -> list[tuple[int, int, str, list[Any]]]:
        """Leftmost-longest non-overlapping occurrences."""
        if not self._payloads:
            return []
        # one pass over the automaton, no generator frames; same order as sorting find_all()
        hits = [(end - len(surface) + 1, end + 1, surface, payloads)
                for end, (surface, payloads) in self._automaton.iter(text)]
        hits.sort(key=_leftmost_longest)
        out: list[tuple[int, int, str, list[Any]]] = []
        last_end = -1
        for hit in hits:
            if hit[0] >= last_end:
                out.append(hit)
                last_end = hit[1]
        return out


def _leftmost_longest(hit: tuple[int, int, str, list[Any]]) -> tuple[int, int]:
    return hit[0], hit[0] - hit[1]
