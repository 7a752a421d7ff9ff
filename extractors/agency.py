"""Agency extractor: national bodies from the gazetteer, local bodies composed from a region
and a body type, sub-units, and collective issuers.

* National and central bodies (``agencies.toml``): canonical name, short names and
  predecessors (a predecessor keeps its own historical name as norm).
* Local bodies: a region chain right before a body type (``河北省医保局``,
  ``北京市海淀区医保局``, ``广西药监局``) → norm = region full names + body full name
  (``河北省医疗保障局``). A bare ``省医保局``/``市医保局`` takes the region named last in the
  same sentence.
* A sub-unit suffix extends the span (``国家医保局办公室``); ``国家医保局等八部门`` keeps
  国家医保局 with ``count`` 8. Names inside ``《…》`` are not extracted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kg.gazetteer import AgencyEntry, BodyType, Matcher, agencies, bodies
from kg.resources import load_toml
from kg.types import Article, Extraction, Mention

from .base import ArticleContext, register
from .numerals import cn_to_int
from .policy import scan_titles
from .region import RegionGazetteer

__all__ = ["AgencyExtractor", "AgencyGazetteer"]

_SENTENCE_END = "。！？!?；;\n"
_PUNCT = set("，。；：、！？!?;:,()（）《》“”\"\n 　")
_FUNCTION = set("的和与及等在将对为了是从向并已由被把也都还就各全")
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

    @classmethod
    def from_schema(cls, regions: RegionGazetteer | None = None) -> AgencyGazetteer:
        raw: Mapping[str, Any] = load_toml("patterns/agency.toml")
        national: list[tuple[str, tuple[str, str, str]]] = []
        ambiguous = set(raw.get("ambiguous_shorts", []))
        for a in agencies():
            national.append((a.name, (a.name, a.level, a.kind)))
            for s in a.short:
                if s not in ambiguous:
                    national.append((s, (a.name, a.level, a.kind)))
            for p in a.predecessors:
                national.append((p, (p, a.level, a.kind)))
                if p.startswith("原"):
                    continue
                national.append(("原" + p, (p, a.level, a.kind)))
        body_entries: list[tuple[str, BodyType]] = []
        for b in bodies():
            for surface in (b.name, *b.short):
                body_entries.append((surface, b))
        by_name = {b.name: b for b in bodies()}
        for variant, target in raw.get("body_variants", {}).items():
            body = by_name.get(target) or next((b for b in bodies() if target in b.short), None)
            if body is not None:
                body_entries.append((variant, body))
        return cls(
            Matcher(national), Matcher(body_entries), regions or RegionGazetteer.from_schema(),
            tuple(sorted(raw["subunit_suffixes"], key=len, reverse=True)), int(raw["subunit_window"]),
            tuple(raw["subunit_not"]), dict(raw["bare_prefix"]), re.compile(raw["collective"]["pattern"]),
            tuple(raw.get("not_followed_by", [])),
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
        hits: list[_Hit] = []
        for s, e, _, payloads in self.gaz.national.find_all(text):
            if text.startswith(self.gaz.not_followed_by, e):
                continue
            name, level, kind = payloads[0]
            hits.append(_Hit(s, e, name, level, kind, "agency:national"))
        for s, e, surface, payloads in self.gaz.bodies.find_all(text):
            local = self._local(text, s, e, payloads[0])
            if local is not None:
                hits.append(local)
        hits = _stationed(text, _longest(hits))
        out: list[Mention] = []
        for h in hits:
            if any(a <= h.start < b for a, b in titles):
                continue
            h = self._subunit(text, h)
            count = self._collective(text, h.end)
            out.append(Mention("Agency", text[h.start : h.end], h.norm, h.start, h.end, "rules", h.rule,
                               level=h.level, kind=h.kind, count=count, parent=h.region))
        return out

    def _local(self, text: str, s: int, e: int, body: BodyType) -> _Hit | None:
        """A body type preceded by a region chain, or by a bare 省/市/区/县 resolved in the sentence."""
        chain: list[tuple[int, str, str]] = []  # (start, full name, level)
        pos = s
        while True:
            found = self._region_ending_at(text, pos)
            if found is None:
                break
            start, region_name, level = found
            chain.insert(0, (start, region_name, level))
            pos = start
        if chain:
            start = chain[0][0]
            names = [name for _, name, _ in chain]
            level = "provincial" if chain[-1][2] == "province" else "municipal" if chain[-1][2] == "prefecture" else "county"
            return _Hit(start, e, "".join(names) + body.name, level, body.kind, "agency:local", names[-1])
        prefix = text[s - 1 : s] if s > 0 else ""
        if s >= 3 and text[s - 3 : s] == "自治区":
            prefix = "自治区"
        if prefix in self.gaz.bare_prefix and (s - len(prefix) == 0 or text[s - len(prefix) - 1] in _PUNCT | set("的和与及、")):
            region = self._region_in_sentence(text, s - len(prefix), self.gaz.bare_prefix[prefix])
            if region is not None:
                level = "provincial" if prefix in ("省", "自治区") else "municipal" if prefix == "市" else "county"
                return _Hit(s - len(prefix), e, region + body.name, level, body.kind, "agency:bare-resolved", region)
        return None

    def _region_ending_at(self, text: str, end: int) -> tuple[int, str, str] | None:
        for length in range(min(12, end), 1, -1):
            surface = text[end - length : end]
            candidates = self.gaz.regions.matcher.get(surface)
            if candidates:
                region = candidates[0]
                return end - length, region.name, region.level
            # short form + 省/市 written out, e.g. 重庆市 is full; 河北省 is full; 广西 is short
        return None

    def _region_in_sentence(self, text: str, before: int, levels: Sequence[str]) -> str | None:
        start = max((text.rfind(ch, 0, before) for ch in _SENTENCE_END), default=-1) + 1
        best: str | None = None
        for _, _, _, candidates in self.gaz.regions.matcher.find_longest(text[start:before]):
            for region in candidates:
                if region.level in levels:
                    best = region.name
                    break
        return best

    def _subunit(self, text: str, h: _Hit) -> _Hit:
        """Extend to the shortest following sub-unit name (办公室, …司, …处, 纪检监察组)."""
        limit = self.gaz.subunit_window + max(len(x) for x in self.gaz.subunit_suffixes)
        window = text[h.end : h.end + limit]
        cut = next((i for i, ch in enumerate(window) if ch in _PUNCT or ch in _FUNCTION), len(window))
        window = window[:cut]
        for i in range(1, len(window) + 1):
            piece = window[:i]
            if any(bad in window[: i + 1] for bad in self.gaz.subunit_not):
                return h
            if piece.endswith(self.gaz.subunit_suffixes):
                rule = h.rule + "+subunit"
                return _Hit(h.start, h.end + i, h.norm + piece, h.level, h.kind, rule, h.region)
        return h

    def _collective(self, text: str, end: int) -> int | None:
        m = self.gaz.collective.match(text, end)
        return cn_to_int(m["n"]) if m else None


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
