"""Region extractor: provinces, prefecture- and county-level units, groupings (京津冀).

Gazetteer matching (Aho-Corasick over full names and short forms from ``regions.tsv``,
``region_groups.tsv``), then filters that keep a match only when it names a place:

* not inside ``《…》``, not ending inside a look-alike word (``上市``, ``示范区``);
* on a word boundary of its clause (jieba): ``金安`` in 基金安全, ``保定`` in 医保定点,
  ``和县`` in 医联体和县域 are not places; when the longest match is cut (``北京市民``)
  a shorter name starting at the same place is tried (``北京``);
* not the first part of an organisation's or event's name: the words after the region
  (past any further regions of a chain such as 北京市东城区) up to the first verb,
  adverb, preposition or punctuation end in an organisation suffix (``北京协和医院``,
  ``无锡检查分局``, ``青海某某有限公司``, ``北京地坛文化节``);
* not a campaign name (``健康宁波``) or a named feature (``广阳岛``, ``南京路``);
* not a county name that is a common noun (``城区``, ``矿区``).

The norm is the unit's official full name; ``level`` and ``parent`` come from the
gazetteer. A name shared by several units (朝阳区) prefers the one whose province the
article names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kg.gazetteer import Matcher, Region, leftmost_longest, region_groups, regions
from kg.resources import load_toml
from kg.types import Article, Extraction, Mention

from .base import ArticleContext, register
from .policy import scan_titles
from .segment import Clause, clause_at

__all__ = ["RegionExtractor", "RegionGazetteer"]

# Part-of-speech tags (jieba) that end the run of words which could complete an organisation
# name after a region: punctuation, function words, numerals, time and locality words.
_STOP_TAGS = frozenset({"x", "p", "c", "u", "d", "r", "m", "q", "t", "f", "y", "e", "o", "uj", "ul", "ud", "ug", "uz",
                        "uv", "mq", "eng", "ad", "s", "zg", "rr", "rz"})
_TAIL_CHARS = 16
_FUNCTION_CHARS = frozenset("的在和与及等对将为从向由被把也都还就是于以或而但并且已曾")


@dataclass(frozen=True, slots=True)
class RegionGazetteer:
    matcher: Matcher
    by_code: Mapping[str, Region]
    org_suffixes: tuple[str, ...]
    not_regions: Matcher
    generic_heads: tuple[str, ...]
    generic_names: frozenset[str]
    campaign_prefixes: tuple[str, ...]
    feature_suffixes: tuple[str, ...]

    @classmethod
    def from_schema(cls) -> RegionGazetteer:
        raw: Mapping[str, Any] = load_toml("patterns/region.toml")
        ambiguous = set(raw["ambiguous_shorts"])
        generic = frozenset(raw["generic_names"])
        units = regions()
        by_code = {r.adcode: r for r in units}
        entries: list[tuple[str, Region]] = []
        for r in (*units, *region_groups()):
            if r.name not in generic:
                entries.append((r.name, r))
            for short in r.short:
                if short not in ambiguous and len(short) >= 2:
                    entries.append((short, r))
        return cls(Matcher(entries), by_code, tuple(sorted(raw["org_suffixes"], key=len, reverse=True)),
                   Matcher((w, w) for w in raw["not_regions"]), tuple(raw["generic_heads"]), generic,
                   tuple(raw["campaign_prefixes"]), tuple(raw["feature_suffixes"]))

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
        hits = self.gaz.matcher.hits(text)  # one pass of the automaton over the text
        by_start: dict[int, list[tuple[int, str, list[Region]]]] = {}
        for s, e, surface, payloads in hits:
            by_start.setdefault(s, []).append((e, surface, payloads))
        longest = leftmost_longest(hits)
        provinces = {r.adcode for _, _, _, rs in longest for r in rs if r.level == "province"}
        out: list[Mention] = []
        last_end = -1
        for s in sorted(by_start):
            if s < last_end or any(a <= s < b for a, b in titles):
                continue
            for e, surface, candidates in sorted(by_start[s], key=lambda h: -h[0]):
                if any(a < e <= b and not (a == s and b == e) for a, b in blocked):
                    continue
                if not self._is_place(text, s, e, surface, candidates):
                    continue
                region = self._choose(candidates, provinces)
                out.append(
                    Mention("Region", surface, region.name, s, e, "rules",
                            "region:full" if surface == region.name else "region:short",
                            level=region.level, parent=self.gaz.parent_name(region))
                )
                last_end = e
                break
        return out

    def _is_place(self, text: str, s: int, e: int, surface: str, candidates: Sequence[Region]) -> bool:
        is_short = all(surface != r.name for r in candidates)
        if is_short and text.endswith(self.gaz.campaign_prefixes, 0, s):
            return False  # 健康宁波, 平安浙江: a campaign's name
        if is_short and text.startswith(self.gaz.feature_suffixes, e):
            return False  # 广阳岛, 南京路: a named feature, not the unit
        if surface.endswith("市") and text.startswith("民", e):
            return False  # 北京市民: the place is 北京 (tried next), 市民 is a word
        clause = clause_at(text, s, e)
        if not clause.aligned(s, e) and not (s in clause.bounds and text.startswith("市民", e)):
            return False
        return not self._org_follows(clause, e)

    def _org_follows(self, clause: Clause, end: int) -> bool:
        """True when the words after ``end`` complete an organisation's or event's name."""
        words = clause.words_after(end)
        while words and (words[0][0] in self.gaz.matcher or words[0][1] == "ns"):
            words = words[1:]  # the rest of a chain: 北京市|东城区
        if not words or words[0][0].startswith(self.gaz.generic_heads):
            return False
        tail = ""
        for i, (word, tag) in enumerate(words):
            if (tail + word).endswith(self.gaz.org_suffixes):
                return True  # checked before the stop tags: 长春|堂 (堂 is also a measure word)
            if i == 0 and tag == "v" and len(word) >= 2:
                break  # the region is the subject of a verb: 西城区依托…, 江苏省推进…
            if tag in _STOP_TAGS and not self._inside_name(word, tag):
                break
            tail += word
            if len(tail) >= _TAIL_CHARS:
                break
        return False

    @staticmethod
    def _inside_name(word: str, tag: str) -> bool:
        """Words that can sit inside an organisation's name although their tag usually ends one."""
        if word.startswith("第") and len(word) > 1:
            return True  # 郑州市第六人民医院
        # a single character of an unknown name that jieba could not segment (雪|上|云|川生物科技)
        return len(word) == 1 and tag != "x" and word not in _FUNCTION_CHARS

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
