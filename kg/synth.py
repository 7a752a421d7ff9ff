"""Render structured issue content as digest text with the PDF-conversion artefacts of the corpus.

The layout follows ``corpus/NOTES.md`` §1.2–1.6: visual lines wrapped at about 30 CJK
characters, one blank line after every line except the first line of a PDF page (which
follows directly and starts with one ASCII space), sporadic explicit ``N / M`` page
markers, full-width TOC vs half-width body punctuation, random kerning spaces between CJK
and digits/Latin, and TOC page numbers that agree with the page-reconstruction rule.

Content (what an issue says) is kept apart from rendering (how the PDF text looks), so a
corpus generator can perturb :class:`Issue` objects and render them with any
:class:`RenderOptions` and seed. Rendering is deterministic for a given seed.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "BODY_HEADER",
    "CLOSING_PUNCT",
    "OPENING_PUNCT",
    "READING_NOTE",
    "RETURN_MARK",
    "VIEW_HEADER",
    "Article",
    "ArticleLayout",
    "Issue",
    "LayoutError",
    "RenderOptions",
    "Rendering",
    "Section",
    "display_width",
    "issue_from_mapping",
    "issue_to_mapping",
    "kern",
    "layout_truth",
    "line_fits",
    "render",
    "render_issue",
    "wrap_text",
]

VIEW_HEADER = "——本期视点——"
BODY_HEADER = "----本期内容----"
READING_NOTE = (
    "（阅读提醒：使用手机阅读的朋友，请按页码提示，进行阅读；使用电脑阅读的朋友，可点",
    "击您要阅读的文章标题，直接跳转具体文章内容。）",
)
RETURN_MARK = "返回目录"
SUMMARY_TAG = "【提要】"
TOC_BULLET = "▶"

CLOSING_PUNCT = frozenset("，。、；：？！）》”’」』〕】…,.;:?!)%")
OPENING_PUNCT = frozenset("（《“‘「『〔【(")
_HALFWIDTH = str.maketrans({"（": "(", "）": ")", "；": ";", "？": "?", "！": "!"})
_ASCII_RUN = re.compile(r"[0-9A-Za-z](?:[0-9A-Za-z.%/+\-~_]*[0-9A-Za-z%])?")
_KERN_SITE = re.compile(r"(?<=[\u4e00-\u9fff])(?=[0-9A-Za-z])|(?<=[0-9A-Za-z])(?=[\u4e00-\u9fff])")
_MAX_PASSES = 8


class LayoutError(ValueError):
    """The TOC page numbers did not reach a fixed point (try another seed or options)."""


# ---------------------------------------------------------------------------------------------
# Content model


@dataclass(frozen=True, kw_only=True)
class Article:
    """One article: clean text, no kerning spaces, standard full-width punctuation."""

    title: str
    source: str
    paragraphs: tuple[str, ...]
    summary: str = ""

    @property
    def toc_summary(self) -> str:
        """The 【提要】 text: the explicit summary, else the lead paragraph."""
        return self.summary or self.paragraphs[0]


@dataclass(frozen=True, kw_only=True)
class Section:
    """A named section (``·name·``) and its articles."""

    name: str
    articles: tuple[Article, ...]


@dataclass(frozen=True, kw_only=True)
class Issue:
    """Structured issue content."""

    id: str
    issue_date: str
    sections: tuple[Section, ...]

    def articles(self) -> Iterator[tuple[int, Section, Article]]:
        """(section index, section, article) in reading order."""
        for s_idx, sec in enumerate(self.sections):
            for art in sec.articles:
                yield s_idx, sec, art


def _text(value: Any, where: str, *, allow_empty: bool = False) -> str:
    if (
        not isinstance(value, str)
        or (not allow_empty and not value.strip())
        or "\n" in value
        or "\t" in value
    ):
        raise ValueError(f"{where}: expected a one-line non-empty string, got {value!r}")
    return value


def _article_from_mapping(raw: Mapping[str, Any], where: str) -> Article:
    paras = raw.get("paragraphs")
    if not isinstance(paras, list | tuple) or not paras:
        raise ValueError(f"{where}.paragraphs: expected a non-empty list")
    return Article(
        title=_text(raw.get("title"), f"{where}.title"),
        source=_text(raw.get("source"), f"{where}.source"),
        summary=_text(raw.get("summary") or "", f"{where}.summary", allow_empty=True),
        paragraphs=tuple(_text(p, f"{where}.paragraphs[{i}]") for i, p in enumerate(paras)),
    )


def issue_from_mapping(content: Mapping[str, Any]) -> Issue:
    """Validate JSON-like content and build an :class:`Issue`."""
    sections = content.get("sections")
    if not isinstance(sections, list | tuple) or not sections:
        raise ValueError("sections: expected a non-empty list")
    built: list[Section] = []
    for s_idx, sec in enumerate(sections):
        arts = sec.get("articles")
        if not isinstance(arts, list | tuple) or not arts:
            raise ValueError(f"sections[{s_idx}].articles: expected a non-empty list")
        built.append(
            Section(
                name=_text(sec.get("name"), f"sections[{s_idx}].name"),
                articles=tuple(
                    _article_from_mapping(a, f"sections[{s_idx}].articles[{a_idx}]")
                    for a_idx, a in enumerate(arts)
                ),
            )
        )
    return Issue(
        id=_text(content.get("id"), "id"),
        issue_date=_text(content.get("issue_date"), "issue_date"),
        sections=tuple(built),
    )


def issue_to_mapping(issue: Issue) -> dict[str, Any]:
    """The JSON-compatible form of an :class:`Issue` (inverse of :func:`issue_from_mapping`)."""
    return {
        "id": issue.id,
        "issue_date": issue.issue_date,
        "sections": [
            {
                "name": sec.name,
                "articles": [
                    {
                        "title": a.title,
                        "source": a.source,
                        "summary": a.summary,
                        "paragraphs": list(a.paragraphs),
                    }
                    for a in sec.articles
                ],
            }
            for sec in issue.sections
        ],
    }


# ---------------------------------------------------------------------------------------------
# Options and results


@dataclass(frozen=True, kw_only=True)
class RenderOptions:
    """Rendering knobs; the defaults mimic the corpus.

    ``lines_per_page`` counts non-blank text lines: the corpus has 20 a page (about 40 physical
    lines with the interleaved blanks). ``page_marker_every=k`` turns one page start in every
    block of k pages into an explicit ``N / M`` marker. ``irregular_page_refs`` lists 1-based
    article indexes whose TOC ref is printed ``—N页`` (like 004). ``short_page_prob`` ends a page
    early after a paragraph (a figure lost in conversion).
    """

    line_width: int = 30
    lines_per_page: int = 20
    page_marker_every: int | None = None
    cover_markers: bool = False
    drop_last_return: bool = False
    drop_return_between: int | None = None
    bookmarks: bool = False
    space_digits: float = 0.8
    halfwidth_body: bool = True
    hanging_punct: bool = True
    short_page_prob: float = 0.0
    irregular_page_refs: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.line_width < 8:
            raise ValueError("line_width must be at least 8")
        if self.lines_per_page < 4:
            raise ValueError("lines_per_page must be at least 4")
        if self.page_marker_every is not None and self.page_marker_every < 1:
            raise ValueError("page_marker_every must be at least 1")
        if self.drop_return_between is not None and self.drop_return_between < 1:
            raise ValueError("drop_return_between is a 1-based article index")
        for name in ("space_digits", "short_page_prob"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be a probability")


@dataclass(frozen=True, kw_only=True)
class ArticleLayout:
    """Where one article landed (1-based pages and line numbers of the rendered text)."""

    section: str
    section_index: int
    index: int
    title: str
    source: str
    summary: str
    page_start: int
    page_end: int
    toc_page: int
    line_start: int
    line_end: int
    has_return: bool

    def as_dict(self) -> dict[str, Any]:
        """Plain-dict form."""
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True, kw_only=True)
class Rendering:
    """The rendered text with its ground truth."""

    text: str
    pages: int
    articles: tuple[ArticleLayout, ...]


# ---------------------------------------------------------------------------------------------
# Character-level helpers


def display_width(text: str) -> int:
    """Width in half-width units: ASCII counts 1, everything else 2."""
    return sum(1 if ord(c) < 128 else 2 for c in text)


def line_fits(line: str, line_width: int) -> bool:
    """True when a rendered line fits ``line_width`` CJK chars (one hanging closing mark allowed)."""
    text = line[1:] if line.startswith(" ") else line
    limit = 2 * line_width
    if display_width(text) <= limit:
        return True
    return text[-1:] in CLOSING_PUNCT and display_width(text[:-1]) <= limit


def kern(text: str, prob: float, rng: random.Random) -> str:
    """Insert PDF-kerning spaces at CJK↔digit/Latin boundaries, each with probability ``prob``."""
    if prob <= 0.0:
        return text
    out: list[str] = []
    last = 0
    for m in _KERN_SITE.finditer(text):
        out.append(text[last : m.start()])
        if rng.random() < prob:
            out.append(" ")
        last = m.start()
    out.append(text[last:])
    return "".join(out)


def _tokens(text: str) -> list[str]:
    """Unbreakable units: ASCII alnum runs, ``——``, single spaces and single characters."""
    toks: list[str] = []
    i = 0
    while i < len(text):
        m = _ASCII_RUN.match(text, i)
        if m:
            toks.append(m.group())
            i = m.end()
        elif text.startswith("——", i):
            toks.append("——")
            i += 2
        else:
            toks.append(text[i])
            i += 1
    return toks


def _first_word(toks: Sequence[str]) -> str | None:
    return next((t for t in toks if t != " "), None)


def _legal_break(line: Sequence[str], rest: Sequence[str]) -> bool:
    tail = _first_word(list(reversed(line)))
    head = _first_word(rest)
    return tail is not None and tail not in OPENING_PUNCT and (head is None or head not in CLOSING_PUNCT)


def wrap_text(text: str, line_width: int, *, hanging_punct: bool = True) -> list[str]:
    """Greedy line breaking with CJK line-breaking rules (no closing mark starts a line)."""
    limit = 2 * line_width
    toks = _tokens(text)
    lines: list[str] = []
    cur: list[str] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok == " " and not cur:
            i += 1
            continue
        if display_width("".join(cur)) + display_width(tok) <= limit:
            cur.append(tok)
            i += 1
            continue
        if not cur:  # a single token wider than the line
            cut = max(1, limit)
            toks[i : i + 1] = [tok[:cut], tok[cut:]]
            continue
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if hanging_punct and tok in CLOSING_PUNCT and (nxt is None or nxt not in CLOSING_PUNCT):
            cur.append(tok)
            i += 1
            lines.append("".join(cur).rstrip(" "))
            cur = []
            continue
        cut = len(cur)
        while cut > 1 and not _legal_break(cur[:cut], cur[cut:] + toks[i : i + 2]):
            cut -= 1
        lines.append("".join(cur[:cut]).rstrip(" "))
        cur = cur[cut:]
        while cur and cur[0] == " ":
            cur.pop(0)
    if cur:
        lines.append("".join(cur).rstrip(" "))
    return [ln for ln in lines if ln]


# ---------------------------------------------------------------------------------------------
# Layout


@dataclass(frozen=True)
class _Line:
    text: str
    role: str  # front | toc | header | section | title | source | para | return
    article: int | None = None
    force_break: bool = False


@dataclass(frozen=True)
class _Prepared:
    """Kerned and width-converted strings, fixed before the page-number passes."""

    issue: Issue
    toc_titles: tuple[str, ...]
    toc_sources: tuple[str, ...]
    toc_summaries: tuple[str, ...]
    body_titles: tuple[str, ...]
    body_sources: tuple[str, ...]
    body_paragraphs: tuple[tuple[str, ...], ...]
    figure_breaks: tuple[frozenset[int], ...]
    bookmark_titles: tuple[str, ...]
    returns: tuple[bool, ...]


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random("/".join(map(str, (seed, *parts))))


def _prepare(issue: Issue, seed: int, opts: RenderOptions) -> _Prepared:
    arts = [a for _, _, a in issue.articles()]
    n = len(arts)
    if opts.drop_return_between is not None and opts.drop_return_between >= n:
        raise ValueError(
            f"drop_return_between={opts.drop_return_between} must name an article before the last ({n})"
        )
    p = opts.space_digits

    def k(text: str, *key: object) -> str:
        return kern(text, p, _rng(seed, "kern", *key))

    def body(text: str, *key: object) -> str:
        return k(text.translate(_HALFWIDTH) if opts.halfwidth_body else text, *key)

    def breaks(i: int, a: Article) -> frozenset[int]:
        r = _rng(seed, "figure", i)
        return frozenset(j for j in range(len(a.paragraphs) - 1) if r.random() < opts.short_page_prob)

    returns = tuple(
        not ((i == n - 1 and opts.drop_last_return) or (opts.drop_return_between == i + 1)) for i in range(n)
    )
    return _Prepared(
        issue=issue,
        toc_titles=tuple(k(a.title, "toc-title", i) for i, a in enumerate(arts)),
        toc_sources=tuple(k(a.source, "toc-source", i) for i, a in enumerate(arts)),
        toc_summaries=tuple(k(a.toc_summary, "summary", i) for i, a in enumerate(arts)),
        body_titles=tuple(k(a.title, "title", i) for i, a in enumerate(arts)),
        body_sources=tuple(k(a.source, "source", i) for i, a in enumerate(arts)),
        body_paragraphs=tuple(
            tuple(body(par, "para", i, j) for j, par in enumerate(a.paragraphs)) for i, a in enumerate(arts)
        ),
        figure_breaks=tuple(breaks(i, a) for i, a in enumerate(arts)),
        bookmark_titles=tuple(k(a.title, "bookmark", i) for i, a in enumerate(arts)),
        returns=returns,
    )


def _toc_entry(prep: _Prepared, i: int, page: int, opts: RenderOptions) -> str:
    ref = f"—{page}页" if (i + 1) in opts.irregular_page_refs else f"——第 {page}页"
    return f"{TOC_BULLET}{prep.toc_titles[i]}（来源：{prep.toc_sources[i]}）{ref}"


def _logical_lines(prep: _Prepared, toc_pages: Sequence[int], opts: RenderOptions) -> list[_Line]:
    w, hang = opts.line_width, opts.hanging_punct

    def wrapped(text: str, role: str, art: int | None = None, brk: bool = False) -> list[_Line]:
        return [
            _Line(t, role, art, brk and j == 0) for j, t in enumerate(wrap_text(text, w, hanging_punct=hang))
        ]

    out = [_Line(VIEW_HEADER, "front"), *(_Line(t, "front") for t in READING_NOTE)]
    i = 0
    for sec in prep.issue.sections:
        out.append(_Line(f"·{sec.name}·", "section"))
        for _ in sec.articles:
            out += wrapped(_toc_entry(prep, i, toc_pages[i], opts), "toc")
            out += wrapped(SUMMARY_TAG + prep.toc_summaries[i], "toc")
            i += 1
    out.append(_Line(BODY_HEADER, "header", force_break=True))
    i = 0
    for sec in prep.issue.sections:
        out.append(_Line(f"·{sec.name}·", "section"))
        for _ in sec.articles:
            out += wrapped(prep.body_titles[i], "title", i)
            out += wrapped(f"来源：{prep.body_sources[i]}", "source", i)
            for j, par in enumerate(prep.body_paragraphs[i]):
                out += wrapped(par, "para", i, brk=(j - 1) in prep.figure_breaks[i])
            if prep.returns[i]:
                out.append(_Line(RETURN_MARK, "return", i))
            i += 1
    return out


def _paginate(lines: Sequence[_Line], per_page: int) -> tuple[list[int], list[bool]]:
    """Page number of each line (the first line is on page 2) and whether it starts a page."""
    pages: list[int] = []
    starts: list[bool] = []
    page, count = 2, 0
    for n, line in enumerate(lines):
        start = n == 0 or count >= per_page or line.force_break
        if start and n > 0:
            page, count = page + 1, 0
        pages.append(page)
        starts.append(start)
        count += 1
    return pages, starts


def _title_pages(lines: Sequence[_Line], pages: Sequence[int], n: int) -> list[int]:
    found: dict[int, int] = {}
    for line, page in zip(lines, pages, strict=True):
        if line.role == "title" and line.article is not None:
            found.setdefault(line.article, page)
    return [found[i] for i in range(n)]


def _fixed_point(prep: _Prepared, opts: RenderOptions) -> tuple[list[_Line], list[int], list[bool]]:
    n = len(prep.body_titles)
    guess = [10] * n
    for _ in range(_MAX_PASSES):
        lines = _logical_lines(prep, guess, opts)
        pages, starts = _paginate(lines, opts.lines_per_page)
        actual = _title_pages(lines, pages, n)
        if actual == guess:
            return lines, pages, starts
        guess = actual
    raise LayoutError("TOC page numbers did not converge")


def _marker_pages(
    lines: Sequence[_Line],
    pages: Sequence[int],
    starts: Sequence[bool],
    total: int,
    seed: int,
    opts: RenderOptions,
) -> set[int]:
    """Pages whose start is an explicit ``N / M`` marker instead of a leading space."""
    if opts.page_marker_every is None:
        return set()
    every = opts.page_marker_every
    candidates = [
        p
        for n, (ln, p, s) in enumerate(zip(lines, pages, starts, strict=True))
        if s and n > 0 and ln.role != "header"
    ]
    rng = _rng(seed, "markers")
    chosen: set[int] = set()
    for lo in range(3, total, every):
        block = [p for p in candidates if lo <= p < lo + every]
        if block:
            chosen.add(rng.choice(block))
    return chosen


def _serialize(
    lines: Sequence[_Line],
    pages: Sequence[int],
    starts: Sequence[bool],
    markers: set[int],
    total: int,
    prep: _Prepared,
    opts: RenderOptions,
) -> tuple[str, list[int]]:
    """The text and the 1-based output line number of each logical line."""
    out: list[str] = []
    numbers: list[int] = []
    if opts.cover_markers:
        out += ["", f"1 / {total}", "", "", "", f"2 / {total}", ""]
    for n, (line, page, start) in enumerate(zip(lines, pages, starts, strict=True)):
        if n == 0:
            out.append(line.text if opts.cover_markers else " " + line.text)
        elif start and page in markers:
            out += ["", "", "", f"{page} / {total}", "", line.text]
        elif start:
            out.append(" " + line.text)
        else:
            out += ["", line.text]
        numbers.append(len(out))
    if opts.bookmarks:
        out += ["", "", "", f"{total} / {total}", "", "", *(f"\t{t}" for t in prep.bookmark_titles), "", ""]
    else:
        out.append(" ")
    return "\n".join(out), numbers


def _truth(
    prep: _Prepared, lines: Sequence[_Line], pages: Sequence[int], numbers: Sequence[int]
) -> tuple[ArticleLayout, ...]:
    spans: dict[int, list[int]] = {}
    for n, line in enumerate(lines):
        if line.article is not None and line.role != "return":
            spans.setdefault(line.article, []).append(n)
    result: list[ArticleLayout] = []
    for i, (s_idx, sec, art) in enumerate(prep.issue.articles()):
        first, last = spans[i][0], spans[i][-1]
        result.append(
            ArticleLayout(
                section=sec.name,
                section_index=s_idx + 1,
                index=i + 1,
                title=art.title,
                source=art.source,
                summary=art.toc_summary,
                page_start=pages[first],
                page_end=pages[last],
                toc_page=pages[first],
                line_start=numbers[first],
                line_end=numbers[last],
                has_return=prep.returns[i],
            )
        )
    return tuple(result)


# ---------------------------------------------------------------------------------------------
# Public entry points


def _as_issue(content: Mapping[str, Any] | Issue) -> Issue:
    return content if isinstance(content, Issue) else issue_from_mapping(content)


def render(
    content: Mapping[str, Any] | Issue, *, seed: int = 0, options: RenderOptions | None = None
) -> Rendering:
    """Render an issue and return the text with its layout ground truth."""
    opts = options or RenderOptions()
    prep = _prepare(_as_issue(content), seed, opts)
    lines, pages, starts = _fixed_point(prep, opts)
    total = pages[-1] + 1  # the final, empty page (" " or the bookmark page)
    markers = _marker_pages(lines, pages, starts, total, seed, opts)
    text, numbers = _serialize(lines, pages, starts, markers, total, prep, opts)
    return Rendering(text=text, pages=total, articles=_truth(prep, lines, pages, numbers))


def render_issue(
    content: Mapping[str, Any] | Issue, *, seed: int = 0, options: RenderOptions | None = None
) -> str:
    """Digest text for ``content`` (deterministic for a given seed and options)."""
    return render(content, seed=seed, options=options).text


def layout_truth(
    content: Mapping[str, Any] | Issue, *, seed: int = 0, options: RenderOptions | None = None
) -> list[dict[str, Any]]:
    """Per article: section, index, title, source, summary, page_start, page_end, … as rendered."""
    return [a.as_dict() for a in render(content, seed=seed, options=options).articles]
