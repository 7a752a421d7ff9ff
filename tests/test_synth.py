"""Tests of the synthetic-issue renderer (kg.synth) and the bundled samples it produces."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kg.samples.build import SAMPLES, SampleSpec, load_content, stale
from kg.synth import (
    CLOSING_PUNCT,
    OPENING_PUNCT,
    READING_NOTE,
    RenderOptions,
    issue_from_mapping,
    issue_to_mapping,
    layout_truth,
    line_fits,
    render,
    render_issue,
    wrap_text,
)

MARKER = re.compile(r"^\d+ / \d+$")
SEPARATOR = re.compile(r"(\n\n\n\n\d+ / \d+\n\n|\n\n|\n(?= ))")
TOC_REF = re.compile(r"）—{1,2}\s*(?:第\s*)?(\d+)\s*页$")

VARIANTS: list[tuple[int, RenderOptions]] = [
    (0, RenderOptions()),
    (1, RenderOptions(cover_markers=True, page_marker_every=3, line_width=24, lines_per_page=12)),
    (2, RenderOptions(bookmarks=True, drop_return_between=4, space_digits=1.0, hanging_punct=False)),
    (
        3,
        RenderOptions(drop_last_return=True, short_page_prob=0.3, irregular_page_refs=(1, 10), line_width=40),
    ),
]


def _cases() -> list[tuple[str, int, RenderOptions]]:
    specs = [(s.id, s.seed, s.options) for s in SAMPLES]
    return specs + [(SAMPLES[i % len(SAMPLES)].id, seed, opts) for i, (seed, opts) in enumerate(VARIANTS)]


CASES = _cases()
IDS = [f"{sid}-seed{seed}" for sid, seed, _ in CASES]


def _strip_ends(text: str, opts: RenderOptions) -> str:
    """The text between the cover markers and the final page."""
    if opts.cover_markers:
        assert re.match(r"\n1 / (\d+)\n\n\n\n2 / \1\n\n\S", text), text[:40]
        text = text[text.index("\n\n", 1) + 2 :]
        text = text[text.index("\n\n") + 2 :]
    else:
        assert text.startswith(" ——本期视点——")
    if opts.bookmarks:
        head, _, tail = text.rpartition("\n\n\n\n")
        assert re.fullmatch(r"(\d+) / \1\n\n\n(\t[^\t\n]+\n){10}\n", tail), tail[:60]
        return head
    assert text.endswith("\n ") and not text.endswith("\n\n ")
    return text[:-2]


def _page_of_lines(lines: list[str]) -> list[int]:
    """NOTES.md §1.2: last marker value + leading-space lines since it (or 1 + leading-space lines)."""
    pages: list[int] = []
    base, spaces = 1, 0
    for line in lines:
        if MARKER.match(line):
            base, spaces = int(line.split(" / ")[0]), 0
        elif line.startswith(" "):
            spaces += 1
        pages.append(base + spaces)
    return pages


def _toc_pages(text: str) -> list[int]:
    """TOC page refs, read the way a parser would: join the lines of each ▶ entry up to 【提要】."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip() and not MARKER.match(ln)]
    toc = lines[: lines.index("----本期内容----")]
    pages: list[int] = []
    entry: list[str] | None = None
    for line in toc:
        if line.startswith("▶"):
            entry = [line]
        elif line.startswith("【提要】") and entry is not None:
            m = TOC_REF.search("".join(entry))
            assert m, entry
            pages.append(int(m.group(1)))
            entry = None
        elif entry is not None:
            entry.append(line)
    return pages


@pytest.mark.parametrize(("sample_id", "seed", "opts"), CASES, ids=IDS)
def test_blank_line_interleaving(sample_id: str, seed: int, opts: RenderOptions) -> None:
    text = render_issue(load_content(sample_id), seed=seed, options=opts)
    assert "\r" not in text and "\u3000" not in text and "\f" not in text
    chunks = SEPARATOR.split(_strip_ends(text, opts))
    contents, seps = chunks[0::2], chunks[1::2]
    for n, line in enumerate(contents):
        assert line and "\n" not in line, (n, line)
        page_start = seps[n - 1] == "\n" if n else not opts.cover_markers
        if page_start:
            assert re.match(r"^ \S", line), repr(line)
        else:
            assert not line.startswith(" "), repr(line)
    assert not any(s.startswith("\n\n\n\n") for s in seps) or opts.page_marker_every
    assert sum(s == "\n" for s in seps) >= 2  # at least the TOC and body page starts


@pytest.mark.parametrize(("sample_id", "seed", "opts"), CASES, ids=IDS)
def test_toc_pages_match_layout_truth(sample_id: str, seed: int, opts: RenderOptions) -> None:
    rendering = render(load_content(sample_id), seed=seed, options=opts)
    truth = rendering.articles
    assert _toc_pages(rendering.text) == [a.page_start for a in truth]
    lines = rendering.text.split("\n")
    pages = _page_of_lines(lines)
    for art in truth:
        assert pages[art.line_start - 1] == art.page_start, art
        assert pages[art.line_end - 1] == art.page_end, art
        assert art.page_start <= art.page_end
        assert lines[art.line_start - 1].strip()
    assert [a.page_start for a in truth] == sorted(a.page_start for a in truth)
    assert max(pages) == rendering.pages


@pytest.mark.parametrize(("sample_id", "seed", "opts"), CASES, ids=IDS)
def test_no_line_wider_than_line_width(sample_id: str, seed: int, opts: RenderOptions) -> None:
    text = render_issue(load_content(sample_id), seed=seed, options=opts)
    limit = 2 * opts.line_width
    for line in text.split("\n"):
        body = line[1:] if line.startswith(" ") else line
        if not body or body.startswith("\t") or body in READING_NOTE or MARKER.match(body):
            continue
        assert line_fits(line, opts.line_width), line
        if not opts.hanging_punct:
            assert sum(1 if ord(c) < 128 else 2 for c in body) <= limit, line
        assert body[0] not in CLOSING_PUNCT, line
        assert body[-1] not in OPENING_PUNCT, line


def test_wrap_text_rules() -> None:
    assert wrap_text("一二三四五六七八，九十", 4) == ["一二三四", "五六七八，", "九十"]
    assert wrap_text("一二三四五六七八，九十", 4, hanging_punct=False) == ["一二三四", "五六七", "八，九十"]
    assert wrap_text("一二三《四五", 4) == ["一二三", "《四五"]
    assert wrap_text("共 2025 年", 4) == ["共 2025", "年"]
    assert wrap_text("共计 2025 年", 4) == ["共计", "2025 年"]  # ASCII runs stay whole; no edge spaces


def test_rendering_is_deterministic() -> None:
    content = load_content(SAMPLES[0].id)
    opts = RenderOptions(page_marker_every=4, short_page_prob=0.2, bookmarks=True)
    first = render_issue(content, seed=11, options=opts)
    assert render_issue(content, seed=11, options=opts) == first
    assert layout_truth(content, seed=11, options=opts) == layout_truth(content, seed=11, options=opts)
    assert render_issue(content, seed=12, options=opts) != first  # kerning spaces differ


def test_returns_and_artefacts_follow_options() -> None:
    content = load_content(SAMPLES[1].id)
    plain = render_issue(content, options=RenderOptions(space_digits=0.0))
    assert plain.count("\n返回目录") == 10
    dropped = render(content, options=RenderOptions(drop_return_between=3, drop_last_return=True))
    assert dropped.text.count("返回目录") == 8
    assert [a.has_return for a in dropped.articles] == [True, True, False, *[True] * 6, False]
    toc, body = plain.split("----本期内容----")
    assert "（来源：" in toc and "（以下简称《办法》）" in toc
    assert "(以下简称《办法》)" in body and "（以下简称" not in body
    full = render_issue(content, options=RenderOptions(halfwidth_body=False, space_digits=0.0))
    assert "（以下简称《办法》）" in full.split("----本期内容----")[1]
    with pytest.raises(ValueError):
        render_issue(content, options=RenderOptions(drop_return_between=10))


def test_content_round_trip_and_validation() -> None:
    for spec in SAMPLES:
        content = load_content(spec.id)
        assert issue_to_mapping(issue_from_mapping(content)) == content
    bad: dict[str, Any] = {"id": "x", "issue_date": "2025-01-01", "sections": [{"name": "a", "articles": []}]}
    with pytest.raises(ValueError, match="articles"):
        render_issue(bad)


def _spec(sample_id: str) -> SampleSpec:
    return next(s for s in SAMPLES if s.id == sample_id)


def test_samples_exercise_every_artefact() -> None:
    texts = {s.id: render_issue(load_content(s.id), seed=s.seed, options=s.options) for s in SAMPLES}
    assert texts["sample-2025-03"].startswith("\n1 / ")
    assert re.search(r"\n\n\n\n\d+ / \d+\n\n\S", texts["sample-2025-03"])
    assert "\n\t" in texts["sample-2025-05"]
    assert texts["sample-2025-05"].count("返回目录") == 9
    assert not texts["sample-2025-07"].rstrip().endswith("返回目录")
    assert re.search(r"）—\d+页", texts["sample-2025-07"].replace("\n", ""))
    assert all(re.search(r"\d [年月个]", t) and re.search(r"\d[年月个]", t) for t in texts.values())
    assert all(_spec(s).options.halfwidth_body for s in texts)


def test_samples_are_up_to_date() -> None:
    assert stale() == [], "run: python -m kg.samples.build"


def test_project_parser_agrees_with_layout_truth() -> None:
    parser = pytest.importorskip("kg.parser")
    for spec in SAMPLES:
        rendering = render(load_content(spec.id), seed=spec.seed, options=spec.options)
        issue = parser.parse_text(rendering.text, issue_id=spec.id, issue_date="2025-01-01")
        got = [(a.page_start, a.page_end) for a in issue.articles]
        assert got == [(a.page_start, a.page_end) for a in rendering.articles]
