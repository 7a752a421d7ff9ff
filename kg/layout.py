"""Physical layout of PDF-converted text: visual lines, page numbers, line joining.

The digest's text was converted one visual line at a time: every line is followed by
one blank line, except the first line of a new PDF page, which follows directly and
starts with a single space; sporadic ``N / M`` lines mark pages explicitly. This module
turns raw text into :class:`Line` records (text without the page-break space, page
number, source line number) and rebuilds paragraphs from wrapped lines.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = ["Line", "display_width", "join_wrapped", "paragraphs", "physical_lines", "squash"]

_PAGE_MARKER = re.compile(r"^\s*(\d{1,4})\s*/\s*(\d{1,4})\s*$")
_WS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Line:
    """One non-blank visual line."""

    text: str
    page: int
    lineno: int
    page_start: bool = False


def squash(text: str) -> str:
    """Whitespace removed and width folded (NFKC): the key for comparing titles and sources."""
    return _WS.sub("", unicodedata.normalize("NFKC", text))


def display_width(text: str) -> int:
    """Columns the text takes in the PDF: wide (CJK, full-width) characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def physical_lines(text: str) -> list[Line]:
    """Non-blank lines with page numbers (NOTES §1.2), markers and bookmark lines dropped.

    A page-start line is one that begins with exactly one space and is not preceded
    by a blank line. Page of a line = value of the last ``N / M`` marker before it +
    page starts since then; with no marker, 1 + page starts so far.
    """
    raw = text.split("\n")
    interleaved = is_interleaved(raw)
    out: list[Line] = []
    page = 1
    prev_blank = True
    for lineno, line in enumerate(raw, start=1):
        if not line.strip():
            if line and line[0] == " " and not prev_blank and interleaved:
                page += 1  # a lone " " is an empty page (the file's last page)
            prev_blank = True
            continue
        marker = _PAGE_MARKER.match(line)
        if marker and int(marker.group(1)) <= int(marker.group(2)):
            page = int(marker.group(1))
            prev_blank = True
            continue
        if line.startswith("\t"):
            prev_blank = False
            continue  # the PDF outline (bookmark list) some conversions append
        page_start = line.startswith(" ") and not line.startswith("  ") and (not prev_blank or lineno == 1)
        if page_start and interleaved:
            page += 1
        out.append(Line(line.strip(), page, lineno, page_start and interleaved))
        prev_blank = False
    return out


def is_interleaved(raw: list[str]) -> bool:
    """True when most non-blank lines are followed by a blank line (PDF line-by-line conversion)."""
    followed = total = 0
    for i, line in enumerate(raw[:-1]):
        if line.strip():
            total += 1
            if not raw[i + 1].strip():
                followed += 1
    return total > 0 and followed / total >= 0.7


def _joiner(left: str, right: str) -> str:
    if left and right and left[-1].isascii() and left[-1].isalpha() and right[0].isascii() and right[0].isalpha():
        return " "
    return ""


def join_wrapped(parts: list[str]) -> str:
    """Join wrapped visual lines: no space between CJK, one between two Latin words."""
    out = ""
    for part in parts:
        out = out + _joiner(out, part) + part if out else part
    return out


def paragraphs(lines: list[Line], full_width: int) -> list[list[Line]]:
    """Group wrapped lines into paragraphs.

    A line shorter than the issue's full line width ends its paragraph, unless a
    ``《…》`` title, a ``“…”`` quote or a bracket is still open (titles are never split).
    """
    groups: list[list[Line]] = []
    current: list[Line] = []
    depth = 0
    threshold = max(8, int(full_width * 0.87))
    for line in lines:
        current.append(line)
        depth = max(0, depth + _opening(line.text))
        short = display_width(line.text) < threshold
        if short and (depth == 0 or line.text.endswith(("。", "！", "？", "!", "?"))):
            groups.append(current)
            current = []
            depth = 0
    if current:
        groups.append(current)
    return groups


def _opening(text: str) -> int:
    return (text.count("《") - text.count("》")) + (text.count("“") - text.count("”"))


def typical_width(lines: list[Line]) -> int:
    """The full line width of a text: the most common width among its longer lines."""
    widths = sorted(display_width(ln.text) for ln in lines)
    if not widths:
        return 60
    top = widths[int(len(widths) * 0.9)] if len(widths) > 10 else widths[-1]
    counts: dict[int, int] = {}
    for w in widths:
        if w >= top * 0.8:
            counts[w] = counts.get(w, 0) + 1
    return max(counts, key=lambda w: (counts[w], w)) if counts else top


def is_wrapped(lines: list[Line]) -> bool:
    """True when the lines were wrapped at one width (a PDF conversion): at least a third of
    them are within a few columns of the typical width. Text written one paragraph per line
    has lines of every length."""
    body = lines[:-1] or lines
    if not body:
        return False
    full = typical_width(body)
    near = sum(1 for ln in body if abs(display_width(ln.text) - full) <= 4)
    return near * 3 >= len(body)


__all__ += ["is_interleaved", "is_wrapped", "typical_width"]
