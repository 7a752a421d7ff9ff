"""Reports: a policy's timeline, an agency's policies, a region's activity, one issue's news —
built from the canned queries (:mod:`kg.query`) and written as Markdown and as one
self-contained HTML page with an inline SVG timeline chart (no network at view time).

Every item carries the date it is placed at, its issue, its article id and its evidence
sentence; in the HTML each chart mark links to its item, and each item to its article in the
page's source list. All store text is HTML-escaped (:func:`html.escape`) before it is written.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .errors import QueryError
from .query import result_dicts, run_query
from .store.base import Store
from .types import QueryResult

__all__ = ["KINDS", "Report", "ReportItem", "build_report", "render_html", "render_markdown", "write_report"]

KINDS = ("timeline", "agency", "region", "issue")
RELATION_ZH = {
    "ISSUED": "发布",
    "PILOTS_IN": "试点",
    "IMPLEMENTS": "执行",
    "SELECTED_IN": "中选",
    "BASED_ON": "依据",
    "AMENDS": "修订",
    "REPEALS": "废止",
    "DRAFT_OF": "草案",
}
MAX_LANES = 12


@dataclass(frozen=True, slots=True)
class ReportItem:
    """One dated assertion: where the chart puts it and what the list says about it."""

    date: str  # ISO, possibly partial (2025, 2025-04)
    lane: str  # the chart row (a policy, a place, …)
    headline: str
    issue_id: str
    article_id: str
    article_title: str
    evidence: str
    relation: str = ""


@dataclass(frozen=True, slots=True)
class Report:
    """A report: its items in date order plus any extra tables (new entities, co-issuers)."""

    kind: str
    subject: str
    title: str
    summary: str
    items: tuple[ReportItem, ...]
    tables: tuple[tuple[str, QueryResult], ...] = field(default=())

    @property
    def slug(self) -> str:
        return f"{self.kind}-{_slug(self.subject)}"


def _slug(text: str) -> str:
    out = re.sub(r"[^\w\u4e00-\u9fff-]+", "-", text, flags=re.UNICODE).strip("-")
    return out[:60] or "report"


def _s(value: Any) -> str:
    return "" if value is None else str(value)


def _title(name: str) -> str:
    return f"《{name}》" if name and not name.startswith("《") else name


def _lineage_headline(row: dict[str, Any]) -> str:
    rel, other, out = _s(row["relation"]), _s(row["other"]), row["direction"] == "out"
    policy = _title(_s(row["policy_name"]))
    if not rel:
        surfaces = "、".join(row.get("surfaces") or [])
        return f"提及 {policy}" + (f"（{surfaces}）" if surfaces else "")
    if rel == "ISSUED":
        return f"{other} 发布 {policy}"
    if rel == "PILOTS_IN":
        return f"{policy} 在 {other} 试点"
    if rel == "IMPLEMENTS":
        return f"{other} 执行 {policy}"
    if rel == "SELECTED_IN":
        return f"{other} 在 {policy} 中选"
    verb = RELATION_ZH.get(rel, rel)
    if rel == "DRAFT_OF":
        return f"{policy} 是 {_title(other)} 的草案" if out else f"{_title(other)} 是 {policy} 的草案"
    return f"{policy} {verb} {_title(other)}" if out else f"{_title(other)} {verb} {policy}"


_SENTENCE_END = "。！？；!?;\n"


def mention_sentence(store: Store, article_id: str, spans: Sequence[str] | None, cache: dict[str, str]) -> str:
    """The sentence of ``article_id``'s text around its first mention span (``"start-end"``),
    or "" when the article text or span is not there."""
    m = re.match(r"^(\d+)-(\d+)$", (spans or [""])[0])
    if not m:
        return ""
    if article_id not in cache:
        props = store.node("Article", article_id) or {}
        cache[article_id] = str(props.get("text") or "")
    text = cache[article_id]
    start, end = int(m.group(1)), int(m.group(2))
    if not text or end > len(text) or start >= end:
        return ""
    left = max((text.rfind(ch, 0, start) for ch in _SENTENCE_END), default=-1) + 1
    ends = [i for ch in _SENTENCE_END if (i := text.find(ch, end)) >= 0]
    right = min(ends) + 1 if ends else len(text)
    return " ".join(text[left:right].split())


def _timeline(store: Store, policy: str) -> tuple[list[ReportItem], list[tuple[str, QueryResult]]]:
    rows = result_dicts(run_query(store, "lineage", {"policy": policy}))
    several = len({r["policy"] for r in rows}) > 1
    texts: dict[str, str] = {}
    items = [
        ReportItem(
            date=_s(r["issue_date"]),
            lane=_s(r["policy_name"]) if several else RELATION_ZH.get(_s(r["relation"]), "提及"),
            headline=_lineage_headline(r),
            issue_id=_s(r["issue_id"]),
            article_id=_s(r["article_id"]),
            article_title=_s(r["article_title"]),
            evidence=_s(r["evidence"]) or mention_sentence(store, _s(r["article_id"]), r["spans"], texts),
            relation=_s(r["relation"]) or "MENTIONS",
        )
        for r in rows
    ]
    chain = run_query(store, "policy-chain", {"policy": policy, "depth": 2})
    return items, [("依据、修订、废止与草案关系（两步内）", chain)] if chain.rows else []


def _agency(store: Store, agency: str) -> tuple[list[ReportItem], list[tuple[str, QueryResult]]]:
    rows = result_dicts(run_query(store, "agency-policies", {"agency": agency}))
    items = [
        ReportItem(
            date=_s(r["issue_date"]),
            lane=_s(r["kind"]) or "policy",
            headline=f"{_s(r['agency'])} 发布 {_title(_s(r['title']))}"
            + (f"（{r['doc_no']}）" if r["doc_no"] else ""),
            issue_id=_s(r["issue_id"]),
            article_id=_s(r["article_id"]),
            article_title="",
            evidence=_s(r["evidence"]),
            relation="ISSUED",
        )
        for r in rows
    ]
    co = run_query(store, "co-issuers", {"agency": agency})
    return items, [("联合发文机构", co)] if co.rows else []


def _region(store: Store, region: str) -> tuple[list[ReportItem], list[tuple[str, QueryResult]]]:
    rows = result_dicts(run_query(store, "region-activity", {"region": region}))
    items = []
    for r in rows:
        actor = _title(_s(r["actor"])) if r["actor_label"] == "Policy" else _s(r["actor"])
        verb = "试点" if r["relation"] == "PILOTS_IN" else "执行"
        headline = f"{actor} 在 {_s(r['place'])} {verb}" if verb == "试点" else f"{_s(r['place'])} 执行 {actor}"
        items.append(
            ReportItem(
                date=_s(r["issue_date"]),
                lane=_s(r["place"]),
                headline=headline,
                issue_id=_s(r["issue_id"]),
                article_id=_s(r["article_id"]),
                article_title="",
                evidence=_s(r["evidence"]),
                relation=_s(r["relation"]),
            )
        )
    return items, []


def _issue(store: Store, issue: str) -> tuple[list[ReportItem], list[tuple[str, QueryResult]]]:
    if issue not in store.issues():
        raise QueryError(f"the store has no issue {issue!r}; see `kg stats` for the loaded issues")
    items = [
        ReportItem(
            date=_s(r["date"]),
            lane=_s(r["precision"]) or "date",
            headline=f"提到 {'、'.join(r['surfaces'] or []) or r['date']}",
            issue_id=issue,
            article_id=_s(r["article_id"]),
            article_title=_s(r["article_title"]),
            evidence="",
            relation="MENTIONS",
        )
        for r in result_dicts(run_query(store, "issue-dates", {"issue": issue}))
    ]
    tables = [
        ("本期新出现的事实（此前各期均未报道）", run_query(store, "issue-new", {"issue": issue})),
        ("本期新出现的政策、机构、地区和药品", run_query(store, "issue-new-entities", {"issue": issue})),
    ]
    return items, tables


def build_report(store: Store, kind: str, subject: str, *, title: str | None = None) -> Report:
    """Run the queries a report needs and gather its items (sorted by date, then article)."""
    builders = {"timeline": _timeline, "agency": _agency, "region": _region, "issue": _issue}
    if kind not in builders:
        raise QueryError(f"unknown report {kind!r}; use one of {', '.join(KINDS)}")
    items, tables = builders[kind](store, subject)
    if not items and not any(t.rows for _, t in tables):
        what = {"timeline": "policy", "agency": "agency", "region": "region", "issue": "issue"}[kind]
        raise QueryError(f"the store has nothing on the {what} {subject!r}; check the name with `kg query --list`")
    items.sort(key=lambda i: (i.date, i.issue_id, i.article_id, i.lane, i.headline))
    default_title = {
        "timeline": f"政策时间线：{subject}",
        "agency": f"机构发文：{subject}",
        "region": f"地区动态：{subject}",
        "issue": f"本期要点：{subject}",
    }[kind]
    issues = sorted({i.issue_id for i in items})
    dates = [i.date for i in items if i.date]
    span = f"{min(dates)} – {max(dates)}" if dates else "no dates"
    summary = f"{len(items)} item(s) from {len(issues)} issue(s), {span}."
    return Report(kind, subject, title or default_title, summary, tuple(items), tuple(tables))


# -- Markdown ------------------------------------------------------------------------------------


def _md(text: Any) -> str:
    """A Markdown table cell: pipes escaped, line breaks flattened, HTML escaped."""
    value = "、".join(_s(v) for v in text) if isinstance(text, list) else _s(text)
    return html.escape(" ".join(value.split()), quote=False).replace("|", "\\|")


def _md_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(_md(c) for c in columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_md(v) for v in row) + " |" for row in rows]
    return lines


def render_markdown(report: Report) -> str:
    lines = [f"# {_md(report.title)}", "", _md(report.summary), ""]
    if report.items:
        lines += _md_table(
            ["date", "issue", "article", "what", "evidence"],
            [[i.date, i.issue_id, i.article_id, i.headline, i.evidence] for i in report.items],
        )
        lines.append("")
    for caption, table in report.tables:
        lines += [f"## {_md(caption)}", ""]
        lines += _md_table(table.columns, table.rows) if table.rows else ["(none)"]
        lines.append("")
    return "\n".join(lines)


# -- HTML ----------------------------------------------------------------------------------------


def _e(value: Any) -> str:
    return html.escape(_s(value), quote=True)


def _day(iso: str) -> date | None:
    """The first day of a (possibly partial) ISO date."""
    m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$", iso.strip())
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        return None


def _months(start: date, end: date) -> list[date]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def render_svg(items: Sequence[ReportItem]) -> str:
    """The timeline chart: one row per lane, one circle per dated item linking to it."""
    dated = [(n, i, d) for n, i in enumerate(items) if (d := _day(i.date)) is not None]
    if not dated:
        return '<p class="nochart">No dated items to chart.</p>'
    lanes: list[str] = []
    for _, item, _ in dated:
        if item.lane not in lanes:
            lanes.append(item.lane)
    if len(lanes) > MAX_LANES:
        lanes = [*lanes[: MAX_LANES - 1], "…"]
    first, last = min(d for *_, d in dated), max(d for *_, d in dated)
    months = _months(first, last)
    lo = months[0]
    hi = date(last.year + (last.month == 12), last.month % 12 + 1, 1)
    left, width, row_h, top = 220, 640, 34, 30
    height = top + row_h * len(lanes) + 40
    total = max((hi - lo).days, 1)

    def x(d: date) -> float:
        return left + width * (d - lo).days / total

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
        f'viewBox="0 0 {left + width + 20} {height}" width="{left + width + 20}" height="{height}">',
        "<title>Timeline</title>",
    ]
    for n, lane in enumerate(lanes):
        y = top + row_h * n + row_h / 2
        label = lane if len(lane) <= 16 else lane[:15] + "…"
        parts.append(f'<text class="lane" x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{_e(label)}</text>')
        parts.append(f'<line class="lane-line" x1="{left}" x2="{left + width}" y1="{y:.1f}" y2="{y:.1f}"/>')
    axis_y = top + row_h * len(lanes) + 6
    step = max(1, len(months) // 12)
    for m in months[::step]:
        parts.append(f'<line class="tick" x1="{x(m):.1f}" x2="{x(m):.1f}" y1="{top - 6}" y2="{axis_y}"/>')
        parts.append(f'<text class="tick-label" x="{x(m):.1f}" y="{axis_y + 16}" text-anchor="middle">'
                     f"{m.year}-{m.month:02d}</text>")
    seen: dict[tuple[str, date], int] = {}
    for n, item, d in dated:
        lane = item.lane if item.lane in lanes else "…"
        k = seen.get((lane, d), 0)
        seen[(lane, d)] = k + 1
        y = top + row_h * lanes.index(lane) + row_h / 2 + (k % 5) * 3 - 6
        tip = f"{item.date} {item.headline} ({item.article_id})"
        parts.append(
            f'<a href="#item-{n + 1}"><circle class="mark rel-{_e(item.relation)}" cx="{x(d):.1f}" '
            f'cy="{y:.1f}" r="6"><title>{_e(tip)}</title></circle></a>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


_CSS = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:60em;
color:#222;line-height:1.5;padding:0 1em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}
svg.timeline{max-width:100%;height:auto;border:1px solid #ddd;background:#fcfcfc}
.lane{font-size:12px;fill:#333}.lane-line{stroke:#e3e3e3}.tick{stroke:#eee}.tick-label{font-size:11px;fill:#666}
.mark{fill:#4c78a8;fill-opacity:.8;stroke:#fff}.mark:hover{fill:#e45756}
.rel-ISSUED{fill:#4c78a8}.rel-PILOTS_IN{fill:#54a24b}.rel-IMPLEMENTS{fill:#72b7b2}.rel-SELECTED_IN{fill:#f58518}
.rel-REPEALS{fill:#e45756}.rel-AMENDS{fill:#b279a2}.rel-DRAFT_OF{fill:#9d755d}.rel-BASED_ON{fill:#eeca3b}
.rel-MENTIONS{fill:#888}
ol.items li{margin:.6em 0}.meta{color:#666;font-size:.9em}code{background:#f3f3f3;padding:0 .2em}
blockquote{margin:.3em 0 .3em 1em;padding-left:.8em;border-left:3px solid #ccc;color:#444}
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ddd;padding:.2em .5em;vertical-align:top}
li:target{background:#fff6d5}
"""

_JS = """
(function(){var n=document.querySelectorAll('svg.timeline circle.mark').length;
var s=document.getElementById('chart-status');if(s){s.textContent=n+' marks rendered';s.dataset.marks=n;}})();
"""


def _html_table(table: QueryResult) -> str:
    if not table.rows:
        return "<p>(none)</p>"
    head = "".join(f"<th>{_e(c)}</th>" for c in table.columns)

    def cell(v: Any) -> str:
        return _e("、".join(_s(x) for x in v) if isinstance(v, list) else v)

    body = "".join("<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>" for row in table.rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _anchor(article_id: str) -> str:
    return "article-" + re.sub(r"[^\w-]", "-", article_id)


def render_html(report: Report) -> str:
    """One self-contained page: inline CSS, inline SVG chart, a tiny inline script, no links out."""
    items = []
    for n, i in enumerate(report.items, start=1):
        evidence = f"<blockquote>{_e(i.evidence)}</blockquote>" if i.evidence else ""
        items.append(
            f'<li id="item-{n}" class="item" data-relation="{_e(i.relation)}">'
            f"<strong>{_e(i.headline)}</strong><br>"
            f'<span class="meta">{_e(i.date)} · 期 <code>{_e(i.issue_id)}</code> · 文章 '
            f'<a href="#{_e(_anchor(i.article_id))}"><code>{_e(i.article_id)}</code></a></span>'
            f"{evidence}</li>"
        )
    articles: dict[str, tuple[str, str]] = {}
    for i in report.items:
        if i.article_id and (i.article_id not in articles or not articles[i.article_id][0]):
            articles[i.article_id] = (i.article_title, i.issue_id)
    sources = "".join(
        f'<li id="{_e(_anchor(a))}"><code>{_e(a)}</code> {_e(t)} <span class="meta">(期 {_e(iss)})</span></li>'
        for a, (t, iss) in sorted(articles.items())
    )
    tables = "".join(f"<h2>{_e(c)}</h2>{_html_table(t)}" for c, t in report.tables)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">"
        f"<title>{_e(report.title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{_e(report.title)}</h1><p class=\"summary\">{_e(report.summary)}</p>"
        f'<figure id="chart">{render_svg(report.items)}<figcaption id="chart-status"></figcaption></figure>'
        f'<h2>条目</h2><ol class="items">{"".join(items)}</ol>'
        f"{tables}"
        f'<h2>来源文章</h2><ul class="sources">{sources}</ul>'
        f"<script>{_JS}</script></body></html>\n"
    )


def write_report(report: Report, out_dir: str | Path) -> tuple[Path, Path]:
    """Write ``<kind>-<subject>.md`` and ``.html`` into ``out_dir``; returns both paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    md, page = out / f"{report.slug}.md", out / f"{report.slug}.html"
    md.write_text(render_markdown(report), encoding="utf-8")
    page.write_text(render_html(report), encoding="utf-8")
    return md, page
