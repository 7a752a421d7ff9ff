"""Agency extractor: national bodies from the gazetteer, local bodies composed from a region
and a body type, sub-units, and collective issuers.

* National and central bodies (``agencies.toml``): canonical name, short names and
  predecessors (a predecessor keeps its own historical name as norm).
* Local bodies: a region chain right before a body type (``河北省医保局``,
  ``北京市海淀区医保局``, ``广西药监局``) → norm = region full names + body full name
  (``河北省医疗保障局``). A bare ``省医保局``/``市医保局`` takes the region named last in the
  same sentence.
  When no region is named in the sentence, the nearest region of that level earlier in the
  article is used. A district (…区) is named with its city (``海淀区医保局`` →
  ``北京市海淀区医疗保障局``); other units by their own name.
* Party committees: ``宁波市委`` / ``市委`` / ``XX市党委`` → ``中共宁波市委员会``.
* ``原`` before a national name joins the span (``原国家卫计委``); other names of former bodies
  map to their historical full name. Foreign government bodies (``美国 FDA``) come from a
  small table; a meeting (``国务院常务会议``) is not an agency.
* A sub-unit suffix extends the span (``国家医保局办公室``, ``商务部市场运行和消费促进司``);
  ``国家医保局等八部门`` keeps 国家医保局 with ``count`` 8. Names inside ``《…》`` are not
  extracted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kg.gazetteer import AgencyEntry, BodyType, Hit, Matcher, Region, agencies, bodies, leftmost_longest
from kg.resources import load_toml
from kg.types import Article, Extraction, Mention

from .base import ArticleContext, register
from .numerals import cn_to_int
from .policy import scan_titles
from .region import RegionGazetteer
from .scan import uses

__all__ = ["AgencyExtractor", "AgencyGazetteer"]

_SENTENCE_END = "。！？!?；;\n"
_PUNCT = set("，。；：、！？!?;:,()（）《》“”\"\n 　")
_FUNCTION = set("的和与及等在将对为了是从向并已由被把也都还就各全")
_UNIT_WORDS = set("省市区县州盟旗")
_LEVEL = {"province": "provincial", "prefecture": "municipal", "county": "county"}
_STATIONED = re.compile(r"驻\s*(?P<host>[^，。；、\s]{2,20}?)\s*纪检监察组")


@dataclass(frozen=True, slots=True)
class AgencyGazetteer:
    national: Matcher  # surface → (canonical name, level)
    bodies: Matcher  # surface → BodyType
    regions: RegionGazetteer
    subunit_suffixes: tuple[str, ...]
    subunit_window: int
    subunit_not: tuple[str, ...]
    bare_prefix: Mapping[str, Sequence[str]]
    collective: re.Pattern[str]
    not_followed_by: tuple[str, ...] = ()
    former_marker: str = "原"
    foreign: Matcher | None = None
    foreign_countries: tuple[str, ...] = ()
    subunit_conjoined: tuple[str, ...] = ()
    bare_not_after: frozenset[str] = frozenset()
    party_suffixes: tuple[str, ...] = ()
    party_not_followed_by: tuple[str, ...] = ()
    party_norm: str = "中共{region}委员会"

    @classmethod
    def from_schema(cls, regions: RegionGazetteer | None = None) -> AgencyGazetteer:
        raw: Mapping[str, Any] = load_toml("patterns/agency.toml")
        national: list[tuple[str, tuple[str, str, str]]] = []
        ambiguous = set(raw.get("ambiguous_shorts", []))
        former: Mapping[str, str] = raw.get("former_names", {})
        for a in agencies():
            national.append((a.name, (a.name, a.level, a.kind)))
            for s in a.short:
                if s not in ambiguous:
                    national.append((s, (a.name, a.level, a.kind)))
            for p in a.predecessors:
                historical = former.get(p, p)
                national.append((p, (historical, a.level, a.kind)))
                if p.startswith("原"):
                    continue
                national.append(("原" + p, (historical, a.level, a.kind)))
            for variant, historical in former.items():
                if historical in a.predecessors and variant not in a.predecessors:
                    national.append((variant, (historical, a.level, a.kind)))
                    national.append(("原" + variant, (historical, a.level, a.kind)))
        body_entries: list[tuple[str, BodyType]] = []
        for b in bodies():
            for surface in (b.name, *b.short):
                body_entries.append((surface, b))
        by_name = {b.name: b for b in bodies()}
        for variant, target in raw.get("body_variants", {}).items():
            body = by_name.get(target) or next((b for b in bodies() if target in b.short), None)
            if body is not None:
                body_entries.append((variant, body))
        party: Mapping[str, Any] = raw.get("party_committee", {})
        return cls(
            Matcher(national), Matcher(body_entries), regions or RegionGazetteer.from_schema(),
            tuple(sorted(raw["subunit_suffixes"], key=len, reverse=True)), int(raw["subunit_window"]),
            tuple(raw["subunit_not"]), dict(raw["bare_prefix"]), re.compile(raw["collective"]["pattern"]),
            tuple(raw.get("not_followed_by", [])),
            former_marker=str(raw.get("former_marker", "原")),
            foreign=Matcher((surface, norm) for surface, norm in raw.get("foreign", {}).items()),
            foreign_countries=tuple(sorted(raw.get("foreign_countries", []), key=len, reverse=True)),
            subunit_conjoined=tuple(raw.get("subunit_conjoined", [])),
            bare_not_after=frozenset(raw.get("bare_not_after", [])),
            party_suffixes=tuple(sorted(party.get("suffixes", []), key=len, reverse=True)),
            party_not_followed_by=tuple(party.get("not_followed_by", [])),
            party_norm=str(party.get("norm", "中共{region}委员会")),
        )


@dataclass(frozen=True, slots=True)
class _Hit:
    start: int
    end: int
    norm: str
    level: str
    kind: str
    rule: str
    region: str | None = None


class AgencyExtractor:
    """Finds Agency mentions (see module docstring)."""

    name = "agency"
    labels: tuple[str, ...] = ("Agency",)

    def __init__(self, gazetteer: AgencyGazetteer) -> None:
        self.gaz = gazetteer

    def __call__(self, article: Article, context: ArticleContext) -> Extraction:
        return Extraction(article.id, tuple(self.mentions(article.text)))

    def mentions(self, text: str) -> list[Mention]:
        titles = scan_titles(text)
        regions = _RegionHits(self.gaz.regions.matcher, text)
        hits: list[_Hit] = []
        for s, e, _, payloads in self.gaz.national.find_all(text):
            if text.startswith(self.gaz.not_followed_by, e):
                continue
            name, level, kind = payloads[0]
            hits.append(_Hit(s, e, name, level, kind, "agency:national"))
        for s, e, _surface, payloads in self.gaz.bodies.find_all(text):
            local = self._local(text, s, e, payloads[0], regions)
            if local is not None:
                hits.append(local)
        hits += self._party_committees(text, regions)
        hits += self._foreign(text)
        hits = _stationed(text, _longest(hits))
        hits = [self._former(text, h) for h in hits]
        out: list[Mention] = []
        for h in hits:
            if any(a <= h.start < b for a, b in titles):
                continue
            h = self._subunit(text, h)
            count = self._collective(text, h.end)
            out.append(Mention("Agency", text[h.start : h.end], h.norm, h.start, h.end, "rules", h.rule,
                               level=h.level, kind=h.kind, count=count, parent=h.region))
        return out

    def _local(self, text: str, s: int, e: int, body: BodyType, regions: _RegionHits) -> _Hit | None:
        """A body type preceded by a region chain, or by a bare 省/市/区/县 resolved from context."""
        found = self._region_before(text, s)
        if found is not None:
            start, region, level = found
            return _Hit(start, e, region + body.name, level, body.kind, "agency:local", region)
        bare = self._bare_region(text, s, regions)
        if bare is not None:
            start, region, level = bare
            return _Hit(start, e, region + body.name, level, body.kind, "agency:bare-resolved", region)
        return None

    def _region_before(self, text: str, s: int) -> tuple[int, str, str] | None:
        """The region chain ending at ``s``: (start, canonical region name, level)."""
        chain: list[tuple[int, Region]] = []
        pos = s
        while True:
            found = self._region_ending_at(text, pos)
            if found is None:
                break
            chain.insert(0, found)
            pos = found[0]
        if not chain:
            return None
        last = chain[-1][1]
        if len(chain) > 1 or last.level == "county":
            last = self._disambiguate(text, chain[-1][0], last, chain[-2][1] if len(chain) > 1 else None)
        return chain[0][0], self._canonical_region(last), _LEVEL.get(last.level, "county")

    def _disambiguate(self, text: str, start: int, region: Region, parent: Region | None) -> Region:
        """Among units sharing a name (南山区), the one under the written parent, else under a
        prefecture or province named earlier in the article."""
        end = start + len(region.name)
        surface = text[start:end] if text.startswith(region.name, start) else None
        candidates = [r for r in self.gaz.regions.matcher.get(surface or region.name) if isinstance(r, Region)]
        if len(candidates) < 2:
            return region
        if parent is not None:
            for r in candidates:
                if r.parent == parent.adcode:
                    return r
        earlier = text[:start]
        for r in candidates:
            up = self.gaz.regions.by_code.get(r.parent)
            names = (up.name, *up.short) if up else ()
            if any(n and n in earlier for n in names):
                return r
        return region

    def _bare_region(self, text: str, s: int, regions: _RegionHits) -> tuple[int, str, str] | None:
        """A bare 省/市/区/县/自治区 right before ``s``, resolved in the sentence, else the article."""
        prefix = text[s - 1 : s] if s > 0 else ""
        if s >= 3 and text[s - 3 : s] == "自治区":
            prefix = "自治区"
        if prefix not in self.gaz.bare_prefix:
            return None
        start = s - len(prefix)
        before = text[start - 1] if start > 0 else ""
        latin = before.isascii() and before.isalpha()
        if before and (before in self.gaz.bare_not_after or before.isdigit() or latin):
            return None
        levels = self.gaz.bare_prefix[prefix]
        sentence = max((text.rfind(ch, 0, start) for ch in _SENTENCE_END), default=-1) + 1
        region = regions.last(sentence, start, levels) or regions.last(0, start, levels)
        if region is None:
            return None
        level = "provincial" if prefix in ("省", "自治区") else "municipal" if prefix == "市" else "county"
        return start, self._canonical_region(region), level

    def _canonical_region(self, region: Region) -> str:
        """A unit's name as written before a body: a district with its city (北京市海淀区)."""
        if region.level == "county" and region.name.endswith("区"):
            parent = self.gaz.regions.parent_name(region)
            if parent:
                return parent + region.name
        return region.name

    def _party_committees(self, text: str, regions: _RegionHits) -> list[_Hit]:
        """``宁波市委``, ``浙江省委``, bare ``市委`` (resolved like 市医保局), ``XX市党委``."""
        hits: list[_Hit] = []
        for suffix in self.gaz.party_suffixes:
            for s, e in uses(text, suffix):
                if text.startswith(self.gaz.party_not_followed_by, e):
                    continue
                found = self._region_before(text, s)
                if found is not None and text[s - 1 : s] in _UNIT_WORDS:
                    start, region, level = found
                    norm = self.gaz.party_norm.format(region=region)
                    hits.append(_Hit(start, e, norm, level, "party", "agency:party", region))
                    continue
                if suffix != "委":
                    continue
                bare = self._bare_region(text, s, regions)
                if bare is not None:
                    start, region, level = bare
                    norm = self.gaz.party_norm.format(region=region)
                    hits.append(_Hit(start, e, norm, level, "party", "agency:party-bare", region))
        return hits

    def _foreign(self, text: str) -> list[_Hit]:
        """Foreign government bodies; a country name right before (``美国 FDA``) joins the span."""
        hits: list[_Hit] = []
        if self.gaz.foreign is None:
            return hits
        for s, e, surface, payloads in self.gaz.foreign.find_all(text):
            if surface.isascii() and ((s > 0 and text[s - 1].isascii() and text[s - 1].isalnum())
                                      or (e < len(text) and text[e].isascii() and text[e].isalnum())):
                continue
            start = s
            before = text[max(0, s - 8) : s]
            head = before.rstrip(" ")
            for country in self.gaz.foreign_countries:
                if head.endswith(country) and not surface.startswith(country):
                    start = s - (len(before) - len(head)) - len(country)
                    break
            hits.append(_Hit(start, e, payloads[0], "foreign", "foreign", "agency:foreign"))
        return hits

    def _former(self, text: str, h: _Hit) -> _Hit:
        """``原`` right before a national body (原国务院医改领导小组秘书处) joins its span."""
        marker = self.gaz.former_marker
        if marker and h.level == "national" and text[max(0, h.start - len(marker)) : h.start] == marker:
            return _Hit(h.start - len(marker), h.end, h.norm, h.level, h.kind, h.rule + "+former", h.region)
        return h

    def _region_ending_at(self, text: str, end: int) -> tuple[int, Region] | None:
        for length in range(min(12, end), 1, -1):
            surface = text[end - length : end]
            candidates = [r for r in self.gaz.regions.matcher.get(surface) if isinstance(r, Region)]
            if candidates:
                return end - length, candidates[0]
        return None

    def _subunit(self, text: str, h: _Hit) -> _Hit:
        """Extend to the shortest following sub-unit name (办公室, …司, …处, 纪检监察组)."""
        limit = self.gaz.subunit_window + max(len(x) for x in self.gaz.subunit_suffixes)
        full = text[h.end : h.end + limit]
        cut = next((i for i, ch in enumerate(full) if ch in _PUNCT or ch in _FUNCTION), len(full))
        window = full[:cut]
        stop = self._not_subunit_at(window)
        for i in range(1, len(window) + 1):
            piece = window[:i]
            if i >= stop:
                return h
            if piece.endswith(self.gaz.subunit_suffixes):
                if self._names_an_agency(piece):  # 卫健委会同市财政局: a second agency, not a department
                    return h
                rule = h.rule + "+subunit"
                return _Hit(h.start, h.end + i, self._subunit_norm(h.norm + piece), h.level, h.kind, rule, h.region)
        # 和/与 inside a department name: 价格与招标采购司, 市场运行和消费促进司
        ends = (i for i, ch in enumerate(full) if ch in _PUNCT or (ch in _FUNCTION and ch not in "和与"))
        cut = next(ends, len(full))
        window = full[:cut]
        stop = self._not_subunit_at(window)
        for i in range(2, len(window) + 1):
            piece = window[:i]
            if i >= stop:
                return h
            if piece.endswith(self.gaz.subunit_conjoined) and not piece.startswith(("和", "与")):
                if self._names_an_agency(piece):
                    return h
                norm = self._subunit_norm(h.norm + piece)
                return _Hit(h.start, h.end + i, norm, h.level, h.kind, h.rule + "+subunit", h.region)
        return h

    def _names_an_agency(self, piece: str) -> bool:
        """Whether a would-be sub-unit name holds a national agency or a body type of its own."""
        return any(True for _ in self.gaz.national.find_all(piece)) or any(
            True for _ in self.gaz.bodies.find_all(piece)
        )

    def _not_subunit_at(self, window: str) -> int:
        """The first ``i`` with a ``subunit_not`` word inside ``window[: i + 1]`` (past the end if none)."""
        ends = (k + len(bad) - 1 for bad in self.gaz.subunit_not if (k := window.find(bad)) >= 0)
        return min(ends, default=len(window) + 1)

    def _subunit_norm(self, name: str) -> str:
        """A sub-unit's canonical name when the gazetteer knows it under this name."""
        known = self.gaz.national.get(name)
        return str(known[0][0]) if known else name

    def _collective(self, text: str, end: int) -> int | None:
        m = self.gaz.collective.match(text, end)
        return cn_to_int(m["n"]) if m else None


class _RegionHits:
    """The region gazetteer's hits in one article, found on first use and then shared by every
    bare 省/市 that is resolved from the sentence or the article before it."""

    __slots__ = ("_hits", "_matcher", "_text")

    def __init__(self, matcher: Matcher, text: str) -> None:
        self._matcher, self._text = matcher, text
        self._hits: list[Hit] | None = None

    def last(self, lo: int, hi: int, levels: Sequence[str]) -> Region | None:
        """The last region of one of ``levels`` among the leftmost-longest names in ``text[lo:hi]``."""
        if self._hits is None:
            self._hits = self._matcher.hits(self._text)
        best: Region | None = None
        for _, _, _, candidates in leftmost_longest(h for h in self._hits if lo <= h[0] and h[1] <= hi):
            for region in candidates:
                if isinstance(region, Region) and region.level in levels:
                    best = region
                    break
        return best


def _stationed(text: str, hits: list[_Hit]) -> list[_Hit]:
    """``中央纪委国家监委驻国家卫生健康委员会纪检监察组`` is one body, not two agencies."""
    out: list[_Hit] = []
    skip_until = -1
    for i, h in enumerate(hits):
        if h.start < skip_until:
            continue
        m = _STATIONED.match(text, h.end)
        if m:
            end = m.end()
            host = next((k for k in hits[i + 1 :] if k.start >= h.end and k.end <= end), None)
            norm = h.norm + "驻" + (host.norm if host else m["host"]) + "纪检监察组"
            out.append(_Hit(h.start, end, norm, h.level, "discipline", "agency:stationed"))
            skip_until = end
        else:
            out.append(h)
    return out


def _longest(hits: list[_Hit]) -> list[_Hit]:
    ranked = sorted(hits, key=lambda h: (-(h.end - h.start), h.start))
    kept: list[_Hit] = []
    for h in ranked:
        if all(h.end <= k.start or h.start >= k.end for k in kept):
            kept.append(h)
    return sorted(kept, key=lambda h: h.start)


@register("agency", description="national agencies from the gazetteer, local agencies composed from region + body")
def build_agency(gazetteer: AgencyGazetteer | None = None) -> AgencyExtractor:
    return AgencyExtractor(gazetteer or AgencyGazetteer.from_schema())


__all__ += ["AgencyEntry"]
