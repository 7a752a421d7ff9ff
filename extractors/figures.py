"""Figure extractor: numbers with a unit, percent or measure word, and 三成-style shares.

``5.7 万个`` → value 57000, unit ``个``; ``13 亿元`` → 1.3e9 ``元`` (money); ``超 50%`` → the
span is ``50%`` with qualifier ``超``. Ranges (``20%~30%``, ``50万—200 万``) are one
mention whose value is the lower bound. Years, dates, ordinals (``第十批``), versions
(``2.0 版``), document numbers and numbers inside ``《…》`` are not figures.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kg.normalize import squeeze
from kg.resources import load_toml
from kg.types import Article, Extraction, Mention

from .base import ArticleContext, register
from .numerals import CN_DIGITS
from .policy import scan_titles
from .scan import Scan, finditer_at

__all__ = ["FigureExtractor", "FigurePatterns"]

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\s*\.\s*\d+)?"
_SEP = r"\s*(?:~|～|-|—|–|至|到)\s*"
_ORDINAL_LIST = re.compile(r"第\s*\d+(?:\s*[、,，]\s*\d+)*\s*[、,，]\s*\Z")
# a fraction written with a slash (2/3): small numerator and denominator, not part of a date or code
_FRACTION = Scan.of(r"(?<![\d./A-Za-z])(?P<n>[1-9]\d?)/(?P<d>[1-9]\d?)(?![\d./A-Za-z])")


@dataclass(frozen=True, slots=True)
class FigurePatterns:
    pattern: re.Pattern[str]
    unit_kind: Mapping[str, str]
    multipliers: Mapping[str, float]
    before: tuple[str, ...]
    after: tuple[str, ...]
    starts: re.Pattern[str] | None = None  # every match of ``pattern`` starts where one of this starts

    @classmethod
    def from_schema(cls, name: str = "patterns/figure.toml") -> FigurePatterns:
        raw: Mapping[str, Any] = load_toml(name)
        unit_kind = {u: kind for kind, units in raw["units"].items() for u in units}
        units = sorted(unit_kind, key=len, reverse=True)
        mult = dict(raw["multipliers"])
        mult_re = "|".join(sorted(map(re.escape, mult), key=len, reverse=True))
        unit_re = "|".join(map(re.escape, units))
        compound = r"(?:\s*/\s*(?:\d+(?:\.\d+)?\s*)?(?:mg|g|ml|mL|μg|[\u4e00-\u9fa5]{1,2}))*"
        one = rf"(?:{_NUM})\s*(?:[余多])?\s*(?:{mult_re})?\s*(?:[余多])?"
        pattern = re.compile(
            rf"(?<![\d.第〔\[A-Za-z/])(?P<a>{one})(?:\s*(?P<ua>{unit_re}){compound}(?={_SEP}))?"
            rf"(?:{_SEP}(?P<b>{one}))?\s*(?P<unit>(?:{unit_re}){compound})"
            rf"|(?<![\d.第〔\[A-Za-z])(?P<cn>[二三四五六七八九])成(?![为功本效果立员熟绩交就长型品不])"
        )
        # a figure starts at the first digit of a number (no digit may precede it) or at 三 of 三成
        starts = re.compile(r"\d+|[二三四五六七八九]成")
        return cls(pattern, unit_kind, mult, tuple(raw["qualifiers"]["before"]), tuple(raw["qualifiers"]["after"]),
                   starts)


def _value(text: str, multipliers: Mapping[str, float]) -> float | None:
    t = squeeze(text).replace(",", "").rstrip("余多")
    factor = 1.0
    for word in sorted(multipliers, key=len, reverse=True):
        if word in t:
            factor = multipliers[word]
            t = t.replace(word, "")
            break
    t = t.rstrip("余多")
    try:
        return float(t) * factor
    except ValueError:
        return None


class FigureExtractor:
    """Finds Figure mentions (see module docstring)."""

    name = "figures"
    labels: tuple[str, ...] = ("Figure",)

    def __init__(self, patterns: FigurePatterns) -> None:
        self.patterns = patterns

    def __call__(self, article: Article, context: ArticleContext) -> Extraction:
        return Extraction(article.id, tuple(self.mentions(article.text)))

    def mentions(self, text: str) -> list[Mention]:
        p = self.patterns
        titles = scan_titles(text)
        out: list[Mention] = []
        found = (p.pattern.finditer(text) if p.starts is None
                 else finditer_at(p.pattern, text, [m.start() for m in p.starts.finditer(text)]))
        for m in found:
            s, e = m.span()
            if any(a <= s < b for a, b in titles):
                continue
            if m["cn"]:
                value = CN_DIGITS[m["cn"]] * 10.0
                out.append(Mention("Figure", m.group(0), squeeze(m.group(0)), s, e, "rules", "figure:cn-share",
                                   value=value, unit="%", kind="percent", qualifier=self._qualifier(text, s, e)))
                continue
            unit_full = squeeze(m["unit"])
            base_unit = unit_full.split("/")[0]
            if self._not_a_figure(text, m, base_unit):
                continue
            parsed = _value(m["a"], p.multipliers)
            if parsed is None:
                continue
            value = parsed
            kind = p.unit_kind.get(base_unit, "count")
            if base_unit in p.multipliers:  # a bare 万/亿 quantity
                kind = "count"
            if kind == "count" and re.search(r"[元]", unit_full):
                kind = "money"
            out.append(
                Mention("Figure", m.group(0), squeeze(m.group(0)), s, e, "rules",
                        "figure:range" if m["b"] else "figure:number",
                        value=value, unit=unit_full, kind=kind, qualifier=self._qualifier(text, s, e))
            )
        for m in _FRACTION.finditer(text):
            s, e = m.span()
            n, d = int(m["n"]), int(m["d"])
            if n >= d or any(a <= s < b for a, b in titles) or any(x.start < e and s < x.end for x in out):
                continue
            if text[max(0, s - 3) : s].rstrip().endswith("第"):
                continue  # 第 3/4 季度
            out.append(Mention("Figure", m.group(0), m.group(0), s, e, "rules", "figure:fraction",
                               value=n / d, unit="", kind="ratio", qualifier=self._qualifier(text, s, e)))
        return sorted(out, key=lambda x: x.start)

    def _not_a_figure(self, text: str, m: re.Match[str], unit: str) -> bool:
        number = squeeze(m["a"])
        if unit == "年" and re.fullmatch(r"(?:19|20)\d{2}", number):
            return True  # a year
        if unit == "日" and text.startswith(("内", "以内", "之内"), m.end()) and not m["b"]:
            return False  # 7 日内: a duration, not a day of the month
        if unit in ("日", "号") or text[m.end() : m.end() + 1] in ("号",):
            return True
        after = text[m.end() : m.end() + 2]
        if text[max(0, m.start() - 3) : m.start()].rstrip().endswith("第"):
            return True  # an ordinal
        if _ORDINAL_LIST.search(text, max(0, m.start() - 30), m.start()):
            return True  # 第 4、6、8 位: the later items of an ordinal list
        return after.startswith(("月", "版"))

    def _qualifier(self, text: str, s: int, e: int) -> str | None:
        head = text[max(0, s - 4) : s].rstrip()
        for q in sorted(self.patterns.before, key=len, reverse=True):
            if head.endswith(q):
                return q
        tail = text[e : e + 3].lstrip()
        for q in self.patterns.after:
            if tail.startswith(q):
                return q
        return None


@register("figures", description="numbers with units, percentages, money, counts, with hedges as qualifiers")
def build_figures(patterns: FigurePatterns | None = None) -> FigureExtractor:
    return FigureExtractor(patterns or FigurePatterns.from_schema())
