"""Parse a digest issue (or a standalone article) into :class:`Issue` / :class:`Article`.

The digest template (``corpus/NOTES.md`` §1): front matter, ``——本期视点——``, a TOC of
``▶title（来源：X）——第 N页`` entries with ``【提要】`` summaries grouped under ``·section·``
headers, `` ----本期内容----``, then the body: section headers, article titles, a
``来源：X`` line anchoring each article, its text, and (usually) ``返回目录``.
A TOC/body mismatch is a warning on the issue, never a crash.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, KGError, ParseError
from .issuedate import infer_issue_date, parse_iso_date
from .layout import Line, is_interleaved, is_wrapped, join_wrapped, paragraphs, physical_lines, squash, typical_width
from .reader import read_path
from .types import Article, Issue, Section

__all__ = ["TocEntry", "is_digest", "parse_path", "parse_paths", "parse_text", "parse_toc", "read_manifest"]

BODY_MARKER = "----本期内容----"
FRONT_MARKER = "——本期视点——"
RETURN = "返回目录"
_SECTION = re.compile(r"^·\s*([^·]{1,24}?)\s*·$")
_TOC_ENTRY = re.compile(
    r"^(?P<title>.*?)[（(]\s*来\s*源\s*[：:]\s*(?P<source>.*)[）)]\s*[—–-]{1,2}\s*(?:第\s*)?(?P<page>\d{1,4})\s*页\s*$"
)
_ANCHOR = re.compile(r"^来源\s*[：:]\s*(?P<source>.*)$")
_SUMMARY = "【提要】"


@dataclass(frozen=True, slots=True)
class TocEntry:
    """One table-of-contents entry."""

    section: str
    title: str
    source: str
    page: int | None
    summary: str


def is_digest(text: str) -> bool:
    """True when the text has the digest's body marker or front-matter header."""
    return any(squash(line) in (BODY_MARKER, FRONT_MARKER) for line in text.split("\n"))


def parse_path(
    path: str | Path,
    *,
    issue_id: str | None = None,
    issue_date: str | None = None,
) -> Issue:
    """Read and parse one file; errors name the file."""
    source = read_path(path)
    p = Path(path)
    try:
        return parse_text(
            source.text,
            issue_id=issue_id or p.stem,
            issue_date=issue_date,
            source_file=p.name,
            sha256=source.sha256,
            markdown=p.suffix.lower() in (".md", ".markdown"),
        )
    except KGError as exc:
        if str(p) in str(exc):
            raise
        raise type(exc)(f"{p}: {exc}") from exc


def parse_paths(
    paths: Iterable[str | Path],
    *,
    manifest: dict[str, str] | None = None,
    issue_date: str | None = None,
    issue_id: str | None = None,
) -> Iterable[Issue]:
    """Parse several files lazily, taking dates from a manifest (file name → ISO date)."""
    for path in paths:
        p = Path(path)
        date = issue_date or (manifest or {}).get(p.name) or (manifest or {}).get(str(p))
        yield parse_path(p, issue_id=issue_id, issue_date=date)


def read_manifest(path: str | Path) -> dict[str, str]:
    """A CSV with columns ``file,issue_date`` (more columns are ignored) → {file name: date}."""
    p = Path(path)
    try:
        with p.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames or not {"file", "issue_date"} <= set(reader.fieldnames):
                raise InputError(f"{p}: manifest needs a header with columns file,issue_date")
            out: dict[str, str] = {}
            for row_no, row in enumerate(reader, start=2):
                name, date = (row.get("file") or "").strip(), (row.get("issue_date") or "").strip()
                if not name:
                    continue
                if parse_iso_date(date) is None:
                    raise InputError(f"{p}:{row_no}: issue_date {date!r} is not a date like 2025-04-20")
                out[Path(name).name] = date
            return out
    except FileNotFoundError as exc:
        raise InputError(f"{p}: manifest not found") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{p}: manifest is not UTF-8 text") from exc


def parse_text(
    text: str,
    *,
    issue_id: str,
    issue_date: str | None = None,
    source_file: str = "",
    sha256: str = "",
    markdown: bool = False,
) -> Issue:
    """Parse decoded text into an :class:`Issue` (a one-article issue when not a digest)."""
    if issue_date is not None and parse_iso_date(issue_date) is None:
        raise ParseError(f"issue date {issue_date!r} is not a date like 2025-04-20")
    if not text.strip():
        raise ParseError("text is empty")
    issue = _parse_digest(text, issue_id) if is_digest(text) else _parse_standalone(text, issue_id, markdown=markdown)
    return _dated(issue, issue_date, source_file=source_file, sha256=sha256)


# --- digest -----------------------------------------------------------------------------


def parse_toc(text: str) -> list[TocEntry]:
    """The table of contents of a digest's text (empty when it has none)."""
    lines = physical_lines(text)
    split = next((i for i, ln in enumerate(lines) if squash(ln.text) == BODY_MARKER), len(lines))
    front = next((i for i, ln in enumerate(lines[:split]) if squash(ln.text) == FRONT_MARKER), -1)
    return _parse_toc(lines[front + 1 : split])[0]


def _parse_digest(text: str, issue_id: str) -> Issue:
    lines = physical_lines(text)
    split = next((i for i, ln in enumerate(lines) if squash(ln.text) == BODY_MARKER), None)
    warnings: list[str] = []
    if split is None:
        raise ParseError(f"has the digest front matter but no '{BODY_MARKER}' body; nothing to parse")
    front = next((i for i, ln in enumerate(lines[:split]) if squash(ln.text) == FRONT_MARKER), -1)
    toc, toc_warnings = _parse_toc(lines[front + 1 : split])
    warnings += toc_warnings
    body = lines[split + 1 :]
    articles, sections, body_warnings = _parse_body(body, toc, issue_id)
    warnings += body_warnings
    if not articles:
        raise ParseError("has a digest body but no article in it (no line starting with '来源：')")
    title = squash(lines[front].text) if front >= 0 else ""
    return Issue(
        id=issue_id,
        date=None,
        date_source="unknown",
        sections=sections,
        articles=articles,
        warnings=tuple(warnings),
        title=title.strip("—") or "",
    )


def _parse_toc(lines: list[Line]) -> tuple[list[TocEntry], list[str]]:
    entries: list[TocEntry] = []
    warnings: list[str] = []
    section = ""
    parts: list[str] = []
    summary: list[str] = []
    complete = False
    in_summary = False

    def flush() -> None:
        nonlocal parts, summary, complete, in_summary
        if parts:
            joined = join_wrapped(parts)
            m = _TOC_ENTRY.match(joined)
            if m:
                entries.append(
                    TocEntry(section, m["title"].strip(), m["source"].strip(), int(m["page"]), join_wrapped(summary))
                )
            else:
                head = re.split(r"[（(]\s*来\s*源", joined, maxsplit=1)[0].strip()
                warnings.append(f"TOC entry {head[:40]!r} has no '（来源：…）——第 N页' reference")
                entries.append(TocEntry(section, head, "", None, join_wrapped(summary)))
        parts, summary, complete, in_summary = [], [], False, False

    for line in lines:
        head = _SECTION.match(line.text)
        if head and not (parts and not complete):
            flush()
            section = head.group(1)
            continue
        if line.text.startswith("▶"):
            flush()
            parts = [line.text[1:].strip()]
            complete = bool(_TOC_ENTRY.match(parts[0]))
            continue
        if not parts:
            continue  # front matter before the first entry (the reading note)
        if line.text.startswith(_SUMMARY):
            in_summary = True
            summary.append(line.text[len(_SUMMARY) :].strip())
            complete = True
            continue
        if in_summary or complete:
            summary.append(line.text)
        else:
            parts.append(line.text)
            complete = bool(_TOC_ENTRY.match(join_wrapped(parts)))
    flush()
    return entries, warnings


@dataclass(slots=True)
class _Item:
    kind: str  # section | return | anchor | text
    line: Line


def _classify(line: Line) -> _Item:
    if _SECTION.match(line.text):
        return _Item("section", line)
    if squash(line.text) == RETURN:
        return _Item("return", line)
    if _ANCHOR.match(line.text):
        return _Item("anchor", line)
    return _Item("text", line)


def _parse_body(
    body: list[Line], toc: list[TocEntry], issue_id: str
) -> tuple[tuple[Article, ...], tuple[Section, ...], list[str]]:
    items = [_classify(ln) for ln in body]
    anchors = [i for i, it in enumerate(items) if it.kind == "anchor"]
    warnings: list[str] = []
    unused = list(range(len(toc)))
    starts: list[int] = []
    matched: list[int | None] = []
    for k, a in enumerate(anchors):
        floor = anchors[k - 1] + 1 if k else 0
        back = 0
        while back < 3 and a - back - 1 >= floor and items[a - back - 1].kind == "text":
            back += 1
        n, entry_index = _title_lines(items, a, back, toc, unused, position=k)
        if entry_index is not None:
            unused.remove(entry_index)
        starts.append(a - n)
        matched.append(entry_index)
    full = typical_width([it.line for it in items if it.kind == "text"])
    width_note = full
    articles: list[Article] = []
    section_names: list[str] = []
    section_articles: dict[str, list[str]] = {}
    for k, a in enumerate(anchors):
        start = starts[k]
        stop = starts[k + 1] if k + 1 < len(anchors) else len(items)
        section = next((items[i].line.text for i in range(start - 1, -1, -1) if items[i].kind == "section"), "")
        section = _SECTION.sub(r"\1", section)
        title_lines = [items[i].line for i in range(start, a)]
        text_lines = [it.line for it in items[a + 1 : stop] if it.kind == "text"]
        title = join_wrapped([ln.text for ln in title_lines])
        anchor = _ANCHOR.match(items[a].line.text)
        source = anchor.group("source").strip() if anchor else ""
        paras = [join_wrapped([ln.text for ln in group]) for group in paragraphs(text_lines, width_note)]
        page_lines = [*title_lines, items[a].line, *text_lines]
        index = matched[k]
        entry = toc[index] if index is not None else None
        article_id = f"{issue_id}/{k + 1:02d}"
        if not title:
            warnings.append(f"article {article_id}: no title line above '来源：{source}'")
        if entry is None and toc:
            warnings.append(f"article {article_id} {title[:30]!r} matches no TOC entry")
        if entry is not None:
            if entry.page is not None and page_lines and page_lines[0].page != entry.page:
                warnings.append(
                    f"article {article_id} {title[:30]!r} starts on page {page_lines[0].page}, TOC says {entry.page}"
                )
            if squash(entry.source) != squash(source):
                warnings.append(f"article {article_id}: source {source!r} differs from TOC source {entry.source!r}")
            if entry.section and section and squash(entry.section) != squash(section):
                warnings.append(f"article {article_id}: section {section!r} differs from TOC section {entry.section!r}")
        section = section or (entry.section if entry else "")
        if not text_lines:
            warnings.append(f"article {article_id} {title[:30]!r} has no text (truncated file?)")
        articles.append(
            Article(
                id=article_id,
                index=k + 1,
                title=title,
                section=section,
                source=source,
                summary=entry.summary if entry else "",
                page_start=page_lines[0].page if page_lines else None,
                page_end=page_lines[-1].page if page_lines else None,
                text="\n".join(p for p in paras if p),
                issue_id=issue_id,
            )
        )
        if section not in section_articles:
            section_names.append(section)
            section_articles[section] = []
        section_articles[section].append(article_id)
    for i in unused:
        missing = f"TOC entry {toc[i].title[:40]!r} (page {toc[i].page})"
        warnings.append(f"{missing} has no article in the body (truncated file?)")
    titles = [squash(a.title) for a in articles]
    for t in sorted({t for t in titles if titles.count(t) > 1}):
        warnings.append(f"{titles.count(t)} articles share the title {t[:30]!r}")
    sections = tuple(Section(name, i, tuple(section_articles[name])) for i, name in enumerate(section_names, start=1))
    return tuple(articles), sections, warnings


def _title_lines(
    items: list[_Item], anchor: int, back: int, toc: list[TocEntry], unused: list[int], *, position: int
) -> tuple[int, int | None]:
    """How many text lines above ``anchor`` form the title, and which TOC entry it matches."""
    order = ([position] if position in unused else []) + [i for i in unused if i != position]
    for entry in order:
        want = squash(toc[entry].title)
        for n in range(1, back + 1):
            got = squash(join_wrapped([items[i].line.text for i in range(anchor - n, anchor)]))
            if got == want:
                return n, entry
    if back <= 1:
        return back, None
    # No TOC match: titles are 1-2 lines; a line ending a sentence belongs to the text before.
    n = 1
    if not items[anchor - 2].line.text.endswith(("。", "！", "!", "”", ")", "）")):
        n = 2
    return n, None


# --- standalone article ---------------------------------------------------------------


def _parse_standalone(text: str, issue_id: str, *, markdown: bool) -> Issue:
    raw = text.split("\n")
    lines = physical_lines(text) if is_interleaved(raw) and sum(1 for line in raw if line.strip()) >= 8 else []
    if lines and is_wrapped(lines[1:]):  # converted from PDF line by line: re-join wrapped lines
        title = _clean_title(lines[0].text, markdown)
        rest = lines[1:]
        groups = paragraphs(rest, typical_width(rest))
        paras = [join_wrapped([ln.text for ln in g]) for g in groups]
        pages = (lines[0].page, lines[-1].page)
    else:
        blocks: list[list[str]] = [[]]
        for line in raw:
            if line.strip():
                blocks[-1].append(line.strip())
            elif blocks[-1]:
                blocks.append([])
        blocks = [b for b in blocks if b]
        if not blocks:
            raise ParseError("text has no content")
        title = _clean_title(blocks[0][0], markdown)
        rest_blocks = ([blocks[0][1:]] if len(blocks[0]) > 1 else []) + blocks[1:]
        paras = [join_wrapped([_clean_md(s, markdown) for s in b]) for b in rest_blocks]
        pages = (1, 1)
    article = Article(
        id=f"{issue_id}/01",
        index=1,
        title=title,
        section="",
        source="",
        summary="",
        page_start=pages[0],
        page_end=pages[1],
        text="\n".join(p for p in paras if p),
        issue_id=issue_id,
    )
    return Issue(
        id=issue_id,
        date=None,
        date_source="unknown",
        sections=(Section("", 1, (article.id,)),),
        articles=(article,),
        title=title,
        kind="article",
    )


def _clean_title(line: str, markdown: bool) -> str:
    return line.lstrip("#").strip() if markdown else line.strip()


def _clean_md(line: str, markdown: bool) -> str:
    return re.sub(r"^#{1,6}\s+", "", line) if markdown else line


# --- dating -------------------------------------------------------------------------------


def _dated(issue: Issue, issue_date: str | None, *, source_file: str, sha256: str) -> Issue:
    from dataclasses import replace

    warnings = list(issue.warnings)
    if issue_date is not None:
        date, date_source, evidence = issue_date, "given", ""
    else:
        inferred = infer_issue_date(issue.articles)
        if inferred is None:
            date, date_source, evidence = None, "unknown", ""
            warnings.append(
                "issue date unknown: no explicit date found; give it with --issue-date YYYY-MM-DD "
                "or a --manifest CSV (file,issue_date)"
            )
        else:
            date, evidence = inferred
            date_source = "inferred"
            warnings.append(
                f"issue date {date} inferred from {evidence!r}; give it with --issue-date or --manifest if wrong"
            )
    return replace(
        issue,
        date=date,
        date_source=date_source,  # type: ignore[arg-type]
        date_evidence=evidence,
        warnings=tuple(warnings),
        source_file=source_file,
        sha256=sha256,
    )
