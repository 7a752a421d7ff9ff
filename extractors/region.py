"""Region extractor: provinces, prefecture- and county-level units, groupings (京津冀).

Gazetteer matching (Aho-Corasick over full names and short forms from ``regions.tsv``,
``region_groups.tsv``), then filters: not inside ``《…》``, not part of an organisation's
name (``北京协和医院``), not an ambiguous short that is also a common word. The norm
is the unit's official full name; ``level`` and ``parent`` come from the gazetteer. A
name shared by several units (朝阳区) prefers the one whose province the article names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kg.gazetteer import Matcher, Region, region_groups, regions
from kg.resources import load_toml
from kg.types import Article, Extraction, Mention

from .base import ArticleContext, register
from .policy import scan_titles

__all__ = ["RegionExtractor", "RegionGazetteer"]

_NAME_RUN = re.compile(r"[^\W\d_的在和与及等将对为了是从向至并已由被把也都还就各全等、，。；：]*")


@dataclass(frozen=True, slots=True)
class RegionGazetteer:
    matcher: Matcher
    by_code: Mapping[str, Region]
    org_suffixes: tuple[str, ...]
    org_window: int
    not_regions: Matcher

    @classmethod
    def from_schema(cls) -> RegionGazetteer:
        raw: Mapping[str, Any] = load_toml("patterns/region.toml")
        ambiguous = set(raw["ambiguous_shorts"])
        units = regions()
        by_code = {r.adcode: r for r in units}
        entries: list[tuple[str, Region]] = []
        for r in (*units, *region_groups()):
            entries.append((r.name, r))
            for short in r.short:
                if short not in ambiguous and len(short) >= 2:
                    entries.append((short, r))
        return cls(Matcher(entries), by_code, tuple(raw["org_suffixes"]), int(raw["org_window"]),
                   Matcher((w, w) for w in raw["not_regions"]))

    def province_of(self, region: Region) -> Region | None:
        seen = 0
        while region.parent and seen < 4:
            parent = self.by_code.get(region.parent)
            if parent is None:
                return None
            region = parent
            seen += 1
        return region if region.level == "province" else None

    def parent_name(self, region: Region) -> str | None:
        parent = self.by_code.get(region.parent)
        return parent.name if parent else None


class RegionExtractor:
    """Finds Region mentions (see module docstring)."""

    name = "region"
    labels: tuple[str, ...] = ("Region",)

    def __init__(self, gazetteer: RegionGazetteer) -> None:
        self.gaz = gazetteer

    def __call__(self, article: Article, context: ArticleContext) -> Extraction:
        return Extraction(article.id, tuple(self.mentions(article.text)))

    def mentions(self, text: str) -> list[Mention]:
        titles = scan_titles(text)
        blocked = [(s, e) for s, e, _, _ in self.gaz.not_regions.find_all(text)]
        hits = self.gaz.matcher.find_longest(text)
        provinces = {r.adcode for _, _, _, rs in hits for r in rs if r.level == "province"}
        out: list[Mention] = []
        for s, e, surface, candidates in hits:
            if any(a <= s < b for a, b in titles):
                continue
            if any(a < e <= b and not (a == s and b == e) for a, b in blocked):
                continue
            if self._in_org_name(text, e):
                continue
            region = self._choose(candidates, provinces)
            out.append(
                Mention("Region", surface, region.name, s, e, "rules",
                        "region:full" if surface == region.name else "region:short",
                        level=region.level, parent=self.gaz.parent_name(region))
            )
        return out

    def _in_org_name(self, text: str, end: int) -> bool:
        run = _NAME_RUN.match(text, end)
        tail = run.group(0)[: self.gaz.org_window] if run else ""
        return any(suffix in tail for suffix in self.gaz.org_suffixes)

    def _choose(self, candidates: Sequence[Region], provinces: set[str]) -> Region:
        if len(candidates) == 1:
            return candidates[0]
        level_rank = {"province": 0, "grouping": 1, "prefecture": 2, "county": 3}
        def score(r: Region) -> tuple[int, int]:
            prov = self.gaz.province_of(r)
            in_context = 0 if (prov and prov.adcode in provinces) or r.adcode in provinces else 1
            return in_context, level_rank.get(r.level, 9)
        return min(candidates, key=score)


@register("region", description="provinces, cities, counties and groupings from the shipped gazetteer")
def build_region(gazetteer: RegionGazetteer | None = None) -> RegionExtractor:
    return RegionExtractor(gazetteer or RegionGazetteer.from_schema())
