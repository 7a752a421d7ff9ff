"""Best-effort inference of an issue's date from the dates printed in its articles.

The digest prints no publication date. The issue date is taken as the latest explicit
past date it reports. The issue's year is the latest year it mentions often (at least
three times and a quarter as often as its most frequent year, outside titles); full
``YYYY年M月D日`` dates up to that year and year-less ``M月D日`` dates read
in the year last stated in their paragraph (else the issue's year), and at
most four months after the latest dated report, are
the candidates, and the latest wins.
Deadlines and effective dates (``…前``, ``…起``) and dates inside ``《…》`` titles are
ignored. The result is always marked ``inferred`` with its evidence.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

from .types import Article

__all__ = ["infer_issue_date", "parse_iso_date"]

_FULL = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_MONTH_DAY = re.compile(r"(?<![\d年])(?<!年\s)(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
_FUTURE_AFTER = re.compile(r"^\s*(?:起|前|之前|以前|开始|后|之后|以后|截止|为止|零时|24\s*时)")
_PAST_YEAR_BEFORE = re.compile(r"(?:去年|前年|上年|明年|次年)\s*$")
_YEAR_MONTH = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月")
_CAP_DAYS = 120  # a year-less date more than this after the latest dated report is suspect
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")


def parse_iso_date(text: str) -> date | None:
    """``YYYY-MM-DD`` → date, anything else → None."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text.strip())
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _in_title(text: str, pos: int) -> bool:
    return text.rfind("《", 0, pos) > text.rfind("》", 0, pos)


def _evidence(text: str, start: int, end: int) -> str:
    return text[max(0, start - 12) : end + 12].replace("\n", " ")


def infer_issue_date(articles: Iterable[Article]) -> tuple[str, str] | None:
    """(ISO date, evidence snippet) of the latest reported past date, or None."""
    full: list[tuple[date, str]] = []
    partial: list[tuple[int, int, int, str]] = []
    years: Counter[int] = Counter()
    months: list[date] = []
    for article in articles:
        text = article.text
        for m in _YEAR.finditer(text):
            if not _in_title(text, m.start()):
                years[int(m[1])] += 1
        for m in _YEAR_MONTH.finditer(text):
            if _in_title(text, m.start()) or _FUTURE_AFTER.match(text[m.end() : m.end() + 6]):
                continue
            if 1 <= int(m[2]) <= 12:
                months.append(date(int(m[1]), int(m[2]), 1))
        for m in _FULL.finditer(text):
            if _in_title(text, m.start()) or _FUTURE_AFTER.match(text[m.end() : m.end() + 6]):
                continue
            try:
                d = date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                continue
            full.append((d, _evidence(text, m.start(), m.end())))
        for m in _MONTH_DAY.finditer(text):
            if _in_title(text, m.start()) or _FUTURE_AFTER.match(text[m.end() : m.end() + 6]):
                continue
            if _PAST_YEAR_BEFORE.search(text[max(0, m.start() - 4) : m.start()]):
                continue
            para_start = text.rfind("\n", 0, m.start()) + 1
            stated = [int(y[1]) for y in _YEAR.finditer(text, para_start, m.start())]
            partial.append((stated[-1] if stated else 0, int(m[1]), int(m[2]), _evidence(text, m.start(), m.end())))
    if not years:
        return None
    # The issue's year: the latest year mentioned often (future targets are rare).
    floor = max(3.0, 0.25 * max(years.values()))
    frequent = [y for y, n in years.items() if n >= floor]
    year = max(frequent) if frequent else max(years.items(), key=lambda kv: (kv[1], kv[0]))[0]
    candidates = [(d, ev) for d, ev in full if d.year <= year]
    # (dates after the issue's year are targets, not reports)
    dated = [d for d, _ in candidates] + [d for d in months if d.year <= year]
    cap = max(dated) + timedelta(days=_CAP_DAYS) if dated else date(year, 12, 31)
    for stated_year, month, day, ev in partial:
        try:
            d = date(stated_year if 0 < stated_year <= year else year, month, day)
        except ValueError:
            continue
        if d <= cap:
            candidates.append((d, ev))
    if not candidates:
        return None
    latest, evidence = max(candidates, key=lambda t: t[0])
    return latest.isoformat(), evidence
