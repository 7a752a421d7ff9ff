"""Reports (kg.report) from the bundled samples on the embedded store: items, Markdown, the
self-contained HTML page (opened in headless Chromium when one is installed) and escaping."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_queries import load_samples

from kg.errors import QueryError
from kg.report import Report, ReportItem, build_report, render_html, render_markdown, write_report
from kg.store import open_store
from kg.store.base import Store
from kg.types import QueryResult

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless_shell")
IN_CI = bool(os.environ.get("CI"))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("kg-samples")
    load_samples(path)
    with open_store("embedded", path=path, read_only=True) as opened:
        yield opened


def chromium() -> str | None:
    return next((p for n in CHROMIUM_NAMES if (p := shutil.which(n))), None)


def dump_dom(page: Path) -> str:
    """The DOM after the page's script ran, from headless Chromium (skips without one)."""
    binary = chromium()
    if binary is None:
        reason = "no Chromium binary on PATH (Debian: apt-get install -y chromium)"
        if IN_CI:
            pytest.fail(f"CI is set, so the HTML report must really be rendered, but: {reason}", pytrace=False)
        pytest.skip(reason)
    done = subprocess.run(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--user-data-dir=" + str(page.parent / "chromium-profile"), "--dump-dom", page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


# -- building -----------------------------------------------------------------------------------


def test_timeline_report_items(store: Store) -> None:
    report = build_report(store, "timeline", "第十一批")
    dates = [i.date for i in report.items]
    assert dates == sorted(dates) and dates[0] == "2025-03-20" and dates[-1] == "2025-07-18"
    assert {i.issue_id for i in report.items} == {"sample-2025-03", "sample-2025-05", "sample-2025-07"}
    assert all(i.article_id.startswith(i.issue_id + "/") for i in report.items)
    assert any("发布" in i.headline and i.evidence for i in report.items)
    # mention-only items get the sentence around the mention from the article text
    mentions = [i for i in report.items if i.relation == "MENTIONS"]
    assert mentions and all("第十一批国采" in i.evidence for i in mentions)
    assert "3 issue(s)" in report.summary


def test_agency_region_and_issue_reports(store: Store) -> None:
    agency = build_report(store, "agency", "国家医保局")
    assert agency.items and all(i.relation == "ISSUED" for i in agency.items)
    region = build_report(store, "region", "浙江省")
    assert {"浙江省", "杭州市"} <= {i.lane for i in region.items}
    issue = build_report(store, "issue", "sample-2025-05")
    assert issue.items and {i.issue_id for i in issue.items} == {"sample-2025-05"}
    captions = [c for c, _ in issue.tables]
    assert any("新出现的事实" in c for c in captions) and any(t.rows for _, t in issue.tables)


def test_unknown_subjects_are_one_sentence_errors(store: Store) -> None:
    with pytest.raises(QueryError, match="nothing on the policy '没有这个政策'"):
        build_report(store, "timeline", "没有这个政策")
    with pytest.raises(QueryError, match="no issue 'nope'"):
        build_report(store, "issue", "nope")
    with pytest.raises(QueryError, match="unknown report"):
        build_report(store, "weather", "x")


# -- output -------------------------------------------------------------------------------------


def test_markdown_and_html_files(store: Store, tmp_path: Path) -> None:
    report = build_report(store, "timeline", "第十一批")
    md, page = write_report(report, tmp_path)
    text = md.read_text(encoding="utf-8")
    assert text.startswith("# 政策时间线：第十一批")
    assert text.count("\n| 2025-") == len(report.items)
    html = page.read_text(encoding="utf-8")
    assert html.count('<circle class="mark') == len(report.items)
    for n in range(1, len(report.items) + 1):
        assert f'id="item-{n}"' in html and f'href="#item-{n}"' in html
    for item in report.items:
        assert f'<code>{item.article_id}</code>' in html
    # self-contained: nothing fetched at view time
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)
    assert "<link" not in html and "@import" not in html


def test_html_renders_in_headless_chromium(store: Store, tmp_path: Path) -> None:
    report = build_report(store, "timeline", "第十一批")
    _, page = write_report(report, tmp_path)
    dom = dump_dom(page)
    status = re.search(r'id="chart-status"[^>]*data-marks="(\d+)"', dom)
    assert status, "the page's script did not run (no data-marks on #chart-status)"
    assert int(status.group(1)) == len(report.items), "the browser did not parse every chart mark"
    assert f"{len(report.items)} marks rendered" in dom
    assert len(re.findall(r'<li id="item-\d+" class="item"', dom)) == len(report.items)
    assert "国家组织药品联合采购办公室" in dom


HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)> "quoted" \'single\''


def hostile_report() -> Report:
    item = ReportItem(
        date="2025-04-01",
        lane=HOSTILE,
        headline=HOSTILE,
        issue_id="i<1>",
        article_id='a"/01',
        article_title=HOSTILE,
        evidence=HOSTILE,
        relation='ISSUED" onmouseover="alert(1)',
    )
    table = QueryResult("t", ("col<script>",), ((HOSTILE,), ([HOSTILE],)))
    return Report("timeline", HOSTILE, HOSTILE, HOSTILE, (item,), ((HOSTILE, table),))


def test_html_escapes_every_text() -> None:
    html = render_html(hostile_report())
    assert "<script>alert" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert 'onmouseover="' not in html
    assert html.count("<script>") == 1  # the page's own chart script only


def test_markdown_escapes_html_and_pipes() -> None:
    md = render_markdown(hostile_report())
    assert "<script>" not in md and "&lt;script&gt;" in md
    table = QueryResult("t", ("a",), (("x | y",),))
    md = render_markdown(Report("issue", "s", "t", "s", (), (("c", table),)))
    assert "x \\| y" in md


def test_hostile_html_in_chromium(tmp_path: Path) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(render_html(hostile_report()), encoding="utf-8")
    dom = dump_dom(page)
    assert "<img" not in dom.replace("&lt;img", "")
    assert 'data-marks="1"' in dom
