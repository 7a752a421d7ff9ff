"""Date extractor: absolute, partial, ranges, quarters and relative expressions.

Norms are ISO-like (``2025-03-05``, ``2025-04``, ``2025``, ``2025-Q1``, ``2025-H1``; a range is
``start/end``). A date without a year takes the year last stated before it in its
paragraph, else the issue's year (``inferred``). Relative expressions (今年, 去年, 近日,
上月 …) resolve against the issue date — never the clock — and are flagged ``relative``.
Dates inside ``《…》`` titles are not extracted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.types import Article, Extraction, Mention

from .base import ArticleContext, register
from .numerals import cn_to_int
from .policy import scan_titles
from .scan import Scan

__all__ = ["DateExtractor", "resolve_relative"]

_S = r"\s*"
_Y = r"(?P<y>(?:19|20)\d{2})"
_M = r"(?P<m>1[0-2]|0?[1-9])"
_D = r"(?P<d>3[01]|[12]\d|0?[1-9])"
_SEP = r"\s*(?:至|到|—|–|-|~|～)\s*"
# 年中/月中 only when 中 does not start the next word (2020 年中共中央…, 3 月中国…)
_MID = r"中(?![\u4e00-\u9fff])|中(?=以来|以前|以后|之前|前|后|起|至|到|旬)"
_PART = r"(?P<part>底|末|初|中旬|上旬|下旬|" + _MID + r")?"
# 前三季度 = the first three quarters (a range from Q1); 前一季度 would be "the previous quarter"
_QUARTER = r"(?:第\s*|(?P<first>前)(?=\s*[二两三四2-4]))?(?P<q>[一二两三四1-4])\s*季度"
_HALF = r"(?P<h>上|下)半年"

_REL_YEAR = r"(?P<rel>今年|去年|前年|明年)"

_PATTERNS: list[tuple[str, str]] = [
    ("rel-ymd", _REL_YEAR + _S + _M + _S + "月" + _S + _D + _S + "[日号]"),
    ("rel-ym", _REL_YEAR + _S + _M + _S + "月" + r"份?" + _PART + r"(?![\d日号])"),
    ("ymd-range", _Y + _S + "年" + _S + _M + _S + "月" + _S + _D + _S + "[日号]" + _SEP
     + r"(?:(?P<y2>(?:19|20)\d{2})\s*年\s*)?(?:(?P<m2>1[0-2]|0?[1-9])\s*月\s*)?(?P<d2>3[01]|[12]\d|0?[1-9])\s*[日号]"),
    ("ymd", _Y + _S + "年" + _S + _M + _S + "月" + _S + _D + _S + "[日号]"),
    ("ym-range", _Y + _S + "年" + _S + _M + _S + "月" + _SEP
     + r"(?:(?P<y2>(?:19|20)\d{2})\s*年\s*)?(?P<m2>1[0-2]|0?[1-9])\s*月(?!\s*\d{1,2}\s*[日号])"),
    ("y-quarter", _Y + _S + "年" + _S + _QUARTER),
    ("y-half", _Y + _S + "年" + _S + _HALF),
    ("ym", _Y + _S + "年" + _S + _M + _S + "月" + r"份?" + _PART + r"(?!\s*\d{1,2}\s*[日号])"),
    ("y-range", _Y + r"(?:\s*年)?" + _SEP + r"(?P<y2>(?:19|20)\d{2})" + _S + "年" + r"(?!\s*\d{1,2}\s*月)"),
    ("y", _Y + _S + "年" + r"(?P<part>底|末|初|年底|年初|" + _MID + r")?(?![\d度代])"),
    ("md-range", r"(?<![\d年个])" + _M + _S + "月" + _S + _D + _S
     + r"(?:[日号]" + _SEP + r"(?:(?P<m2>1[0-2]|0?[1-9])\s*月\s*)?|" + _SEP + r")"
     + r"(?P<d2>3[01]|[12]\d|0?[1-9])\s*[日号]"),
    ("md", r"(?<![\d年个第])" + _M + _S + "月" + _S + _D + _S + "[日号]"),
    ("m-range", r"(?<![\d年个第.])" + _M + _SEP + r"(?P<m2>1[0-2]|0?[1-9])\s*月" + _PART + r"(?!\s*\d{1,2}\s*[日号])"),
    ("m", r"(?<![\d年个第.\-—~])" + _M + _S + "月" + r"份?" + _PART + r"(?![\d日号])"),
]

_RELATIVE = [
    "今年以来", "今年上半年", "今年下半年", "今年年初", "今年年底", "今年初", "今年底", "今年",
    "去年同期", "去年底", "去年", "前年",
    "明年", "上半年", "下半年", "上个月", "上月", "下个月", "下月", "本月", "近日", "日前", "近期",
    "年初", "年底", "年中",
]
# Not here: 当年/当月/同年 ("that year") refer to a time named earlier in the text, not to the issue date.
_RELATIVE_QUARTER = Scan.of(r"(?<![\d年])(?:(?P<rel>今年|去年|前年|明年)\s*)?" + _QUARTER)
_COMPILED = [(name, Scan.of(p)) for name, p in _PATTERNS]
# These start with an ASCII digit that no digit precedes (their lookbehinds exclude \d): they are
# tried only at the first digit of each number (scan.finditer_at).
_FROM_NUMBER = frozenset({"md-range", "md", "m-range", "m"})
_NUMBER = re.compile(r"\d+")
_COUNT_CHARS = "一二两三四五六七八九十百几多每全当半同该"  # 一年中, 全年中: "in a year", not mid-year
_REL_RE = re.compile("|".join(sorted(map(re.escape, _RELATIVE), key=len, reverse=True)))
_YEAR_STATED = re.compile(r"((?:19|20)\d{2})\s*年")


@dataclass(frozen=True, slots=True)
class _Issue:
    year: int | None
    month: int | None


def _q(text: str) -> int:
    return int(text) if text.isdigit() else (cn_to_int(text) or 1)


_REL_YEARS = {"今年": 0, "去年": -1, "前年": -2, "明年": 1}


def _quarter(year: int, m: re.Match[str]) -> str:
    """``2025-Q3``; 前三季度 (the first three quarters) → ``2025-Q1/2025-Q3``."""
    q = 2 if m["q"] == "两" else _q(m["q"])
    return f"{year:04d}-Q1/{year:04d}-Q{q}" if m["first"] else f"{year:04d}-Q{q}"


def resolve_relative(word: str, issue_date: str | None) -> tuple[str | None, str]:
    """ISO norm and precision of a relative expression, given the issue date."""
    if not issue_date:
        return None, "relative"
    y, m = int(issue_date[:4]), int(issue_date[5:7])
    prev_y, prev_m = (y, m - 1) if m > 1 else (y - 1, 12)
    next_y, next_m = (y, m + 1) if m < 12 else (y + 1, 1)
    table = {
        "今年以来": (f"{y}", "year"), "今年": (f"{y}", "year"),
        "今年上半年": (f"{y}-H1", "half"), "今年下半年": (f"{y}-H2", "half"),
        "上半年": (f"{y}-H1", "half"), "下半年": (f"{y}-H2", "half"),
        "今年年初": (f"{y}-01", "month"), "今年初": (f"{y}-01", "month"), "年初": (f"{y}-01", "month"),
        "今年年底": (f"{y}-12", "month"), "今年底": (f"{y}-12", "month"), "年底": (f"{y}-12", "month"),
        "年中": (f"{y}-06", "month"),
        "去年同期": (f"{y - 1}", "year"), "去年底": (f"{y - 1}-12", "month"), "去年": (f"{y - 1}", "year"),
        "前年": (f"{y - 2}", "year"), "明年": (f"{y + 1}", "year"),
        "上个月": (f"{prev_y}-{prev_m:02d}", "month"), "上月": (f"{prev_y}-{prev_m:02d}", "month"),
        "下个月": (f"{next_y}-{next_m:02d}", "month"), "下月": (f"{next_y}-{next_m:02d}", "month"),
        "本月": (f"{y}-{m:02d}", "month"),
        "近日": (f"{y}-{m:02d}", "month"), "日前": (f"{y}-{m:02d}", "month"), "近期": (f"{y}-{m:02d}", "month"),
    }
    return table.get(word, (None, "relative"))


class DateExtractor:
    """Finds Date mentions (see module docstring)."""

    name = "dates"
    labels: tuple[str, ...] = ("Date",)

    def __call__(self, article: Article, context: ArticleContext) -> Extraction:
        return Extraction(article.id, tuple(self.mentions(article.text, context.issue_date)))

    def mentions(self, text: str, issue_date: str | None) -> list[Mention]:
        blocked = scan_titles(text)
        taken: list[tuple[int, int]] = list(blocked)
        out: list[Mention] = []
        issue_year = int(issue_date[:4]) if issue_date else None

        def free(s: int, e: int) -> bool:
            return all(e <= a or s >= b for a, b in taken)

        numbers = [m.start() for m in _NUMBER.finditer(text) if text[m.start()] in "0123456789"]
        for name, scan in _COMPILED:
            for m in scan.finditer(text, numbers if name in _FROM_NUMBER else None):
                s, e = m.span()
                if not free(s, e):
                    continue
                norm, precision, inferred = self._norm(name, m, text, issue_year)
                if norm is None:
                    continue
                taken.append((s, e))
                out.append(Mention("Date", m.group(0), norm, s, e, "rules", f"date:{name}", iso=norm,
                                   precision=precision, inferred=inferred, relative=name.startswith("rel-")))
        for m in _RELATIVE_QUARTER.finditer(text):
            s, e = m.span()
            if free(s, e) and issue_year:
                norm = _quarter(issue_year + _REL_YEARS[m["rel"] or "今年"], m)
                taken.append((s, e))
                out.append(Mention("Date", m.group(0), norm, s, e, "rules", "date:relative-quarter", iso=norm,
                                   precision="range" if m["first"] else "quarter", relative=True))
        for m in _REL_RE.finditer(text):
            s, e = m.span()
            if not free(s, e) or (m.group(0) == "年中" and not self._mid_year(text, s)):
                continue
            iso, precision = resolve_relative(m.group(0), issue_date)
            taken.append((s, e))
            out.append(Mention("Date", m.group(0), iso or m.group(0), s, e, "rules", "date:relative", iso=iso,
                               precision=precision, relative=True))
        return sorted(out, key=lambda x: x.start)

    @staticmethod
    def _mid_year(text: str, s: int) -> bool:
        """年中 is the middle of the year only on its own: not 一年中 / 全年中, not 年中国…."""
        before = text[s - 1 : s]
        after = text[s + 2 : s + 3]
        counted = before.isdigit() or before.isspace() or (before and before in _COUNT_CHARS)
        return not (counted or (after and after in "国共央华医药心"))

    @staticmethod
    def _norm(name: str, m: re.Match[str], text: str, issue_year: int | None) -> tuple[str | None, str, bool]:
        g = m.groupdict()
        inferred = False
        y = int(g["y"]) if g.get("y") else None
        if g.get("rel"):
            if issue_year is None:
                return None, "", False
            y = issue_year + _REL_YEARS[g["rel"]]
            inferred = True
            name = name.removeprefix("rel-")
        if y is None and name.startswith(("md", "m")):
            para = text.rfind("\n", 0, m.start()) + 1
            stated = _YEAR_STATED.findall(text, para, m.start())
            if stated:
                y = int(stated[-1])
            elif issue_year:
                y = issue_year
            else:
                return None, "", False
            inferred = True
        assert y is not None
        mo = int(g["m"]) if g.get("m") else None
        d = int(g["d"]) if g.get("d") else None
        part = g.get("part") or ""
        if name in ("ymd", "md"):
            return f"{y:04d}-{mo:02d}-{d:02d}", "day", inferred
        if name in ("ymd-range", "md-range"):
            y2 = int(g["y2"]) if g.get("y2") else y
            m2 = int(g["m2"]) if g.get("m2") else mo
            return f"{y:04d}-{mo:02d}-{d:02d}/{y2:04d}-{m2:02d}-{int(g['d2']):02d}", "range", inferred
        if name in ("ym-range", "m-range"):
            y2 = int(g["y2"]) if g.get("y2") else y
            return f"{y:04d}-{mo:02d}/{y2:04d}-{int(g['m2']):02d}", "range", inferred
        if name == "y-quarter":
            return _quarter(y, m), "range" if m["first"] else "quarter", inferred
        if name == "y-half":
            return f"{y:04d}-H{1 if g['h'] == '上' else 2}", "half", inferred
        if name in ("ym", "m"):
            return f"{y:04d}-{mo:02d}", "month", inferred
        if name == "y-range":
            return f"{y:04d}/{int(g['y2']):04d}", "range", inferred
        if part in ("底", "末", "年底"):
            return f"{y:04d}-12", "month", inferred
        if part in ("初", "年初"):
            return f"{y:04d}-01", "month", inferred
        return f"{y:04d}", "year", inferred


@register("dates", description="absolute, partial, range and relative dates, resolved against the issue date")
def build_dates() -> DateExtractor:
    return DateExtractor()
