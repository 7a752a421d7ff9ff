"""Digest parser: structure, TOC reconciliation, PDF artefacts, standalone articles, dating."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import corpus_files, requires_corpus

from kg.errors import ParseError
from kg.layout import squash
from kg.parser import parse_path, parse_text, parse_toc, read_manifest

ARTEFACTS = {
    "返回目录": re.compile(r"返回目录"),
    "N / M page marker": re.compile(r"(?m)^\s*\d{1,3}\s*/\s*\d{1,3}\s*$"),
    "page-start space": re.compile(r"(?m)^ "),
    "TOC marker": re.compile(r"▶|【提要】|本期内容"),
}


def assert_clean(text: str, where: str) -> None:
    for what, pattern in ARTEFACTS.items():
        assert not pattern.search(text), f"{where}: text contains {what}"
    for para in text.split("\n"):
        assert para.count("《") == para.count("》"), f"{where}: a 《…》 title is broken: {para[:60]!r}"


# --- the real corpus -------------------------------------------------------------------


@requires_corpus
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.stem[:3])
def test_corpus_issue_structure(path: Path) -> None:
    issue = parse_path(path, issue_date="2025-01-01")
    assert len(issue.sections) == 5
    assert [len(s.article_ids) for s in issue.sections] == [2, 2, 2, 2, 2]
    assert len(issue.articles) == 10
    assert issue.warnings == ()
    toc = parse_toc(path.read_text(encoding="utf-8"))
    assert len(toc) == 10
    for article, entry in zip(issue.articles, toc, strict=True):
        assert squash(article.title) == squash(entry.title)
        assert article.page_start == entry.page
        assert squash(article.source) == squash(entry.source)
        assert article.section == entry.section
        assert article.summary and article.summary == entry.summary
        assert article.page_end is not None and article.page_end >= article.page_start
        assert_clean(article.text, article.id)
        assert len(article.text) > 500


@requires_corpus
def test_corpus_has_fifty_articles_in_page_order(corpus_issues: list) -> None:
    assert sum(len(i.articles) for i in corpus_issues) == 50
    for issue in corpus_issues:
        starts = [a.page_start for a in issue.articles]
        assert starts == sorted(starts)
        assert all(a.id == f"{issue.id}/{a.index:02d}" for a in issue.articles)


@requires_corpus
def test_corpus_wrapped_titles_and_bookmarks() -> None:
    by_stem = {p.stem[:3]: p for p in corpus_files()}
    issue = parse_path(by_stem["002"], issue_date="2025-04-05")
    last = issue.articles[-1]
    assert "观点 | 李利" not in last.text  # the tab-indented bookmark list is not body text
    issue = parse_path(by_stem["004"], issue_date="2024-11-15")
    # 返回目录 is missing between articles 3 and 4: the title still starts article 4
    assert issue.articles[3].title == "智慧医保，到底智慧在哪儿？"
    assert "智慧医保，到底智慧在哪儿？" not in issue.articles[2].text
    issue = parse_path(by_stem["001"], issue_date="2025-04-20")
    assert squash(issue.articles[6].title) == squash("医保改革如何“投资于人”破堵点？——政府工作报告的民生突围密码")


@requires_corpus
def test_corpus_dates_are_inferred_near_the_manifest() -> None:
    from datetime import date

    from conftest import corpus_dates

    dates = corpus_dates()
    for path in corpus_files():
        issue = parse_path(path)
        assert issue.date_source == "inferred"
        assert issue.date_evidence
        assert any("inferred" in w for w in issue.warnings)
        expected = date.fromisoformat(dates[path.name])
        got = date.fromisoformat(issue.date)
        assert abs((got - expected).days) <= 45, (path.name, issue.date, dates[path.name])


@requires_corpus
def test_corpus_manifest_reads_every_file() -> None:
    from conftest import CORPUS

    manifest = read_manifest(CORPUS / "issues.csv")
    assert sorted(manifest) == sorted(p.name for p in corpus_files())
    issue = parse_path(corpus_files()[0], issue_date=manifest[corpus_files()[0].name])
    assert issue.date_source == "given" and issue.date == manifest[corpus_files()[0].name]


# --- small hand-written digests ----------------------------------------------------------

def digest(*body_articles: tuple[str, str, str, str], toc: bool = True, returns: bool = True) -> str:
    """A tiny digest in the converted-PDF layout: each line followed by a blank line."""
    lines = [" ——本期视点——"]
    sections: dict[str, list[tuple[str, str, str]]] = {}
    for section, title, source, text in body_articles:
        sections.setdefault(section, []).append((title, source, text))
    if toc:
        page = 3  # the leading space of ——本期视点—— starts page 2; the body starts page 3
        for section, items in sections.items():
            lines.append(f"·{section}·")
            for title, source, text in items:
                lines += [f"▶{title}（来源：{source}）——第 {page}页", f"【提要】{text[:20]}"]
                page += 1
    out = "\n\n".join(lines) + "\n" + " ----本期内容----\n\n"
    body: list[str] = []
    first = True
    for section, items in sections.items():
        body.append(f"·{section}·")
        for title, source, text in items:
            head = f"{title}" if first else f" {title}"
            first = False
            chunk = [head, f"来源：{source}"] + [text[i : i + 30] for i in range(0, len(text), 30)]
            if returns:
                chunk.append("返回目录")
            body.append("\n\n".join(chunk))
    return out + "\n\n".join(body).replace("\n\n ", "\n ") + "\n"


LONG = "国家医保局近日印发《关于做好二〇二五年医药集中采购和价格管理工作的通知》，要求各地加快推进。" * 3


def test_small_digest_parses_with_pages_and_summaries() -> None:
    text = digest(("集中采购", "甲文章", "医药经济报", LONG), ("集中采购", "乙文章", "健康报", LONG))
    issue = parse_text(text, issue_id="t", issue_date="2025-05-01")
    assert [a.title for a in issue.articles] == ["甲文章", "乙文章"]
    assert [a.page_start for a in issue.articles] == [3, 4]
    assert issue.articles[0].summary == LONG[:20]
    assert issue.warnings == ()
    assert "《关于做好二〇二五年医药集中采购和价格管理工作的通知》" in issue.articles[0].text
    assert_clean(issue.articles[0].text, "t/01")


def test_missing_return_marker_still_splits_articles() -> None:
    text = digest(("地方精彩", "甲文章", "来源甲", LONG), ("地方精彩", "乙文章", "来源乙", LONG), returns=False)
    issue = parse_text(text, issue_id="t", issue_date="2025-05-01")
    assert [a.title for a in issue.articles] == ["甲文章", "乙文章"]
    assert "乙文章" not in issue.articles[0].text


def test_truncated_digest_warns_about_missing_articles() -> None:
    text = digest(("集中采购", "甲文章", "甲", LONG), ("集中采购", "乙文章", "乙", LONG))
    cut = text[: text.index("乙文章", text.index("本期内容"))]
    issue = parse_text(cut, issue_id="t", issue_date="2025-05-01")
    assert [a.title for a in issue.articles] == ["甲文章"]
    assert any("乙文章" in w and "no article in the body" in w for w in issue.warnings)


def test_toc_without_body_is_an_error() -> None:
    text = digest(("集中采购", "甲文章", "甲", LONG))
    with pytest.raises(ParseError, match="no '----本期内容----' body"):
        parse_text(text[: text.index(" ----本期内容")], issue_id="t")


def test_duplicate_titles_are_kept_and_warned() -> None:
    text = digest(("集中采购", "同名", "甲", LONG), ("医保改革", "同名", "乙", LONG))
    issue = parse_text(text, issue_id="t", issue_date="2025-05-01")
    assert [a.id for a in issue.articles] == ["t/01", "t/02"]
    assert any("share the title" in w for w in issue.warnings)


def test_bad_issue_date_is_refused() -> None:
    with pytest.raises(ParseError, match="not a date"):
        parse_text("标题\n\n正文", issue_id="t", issue_date="2025-13-45")


# --- standalone articles -----------------------------------------------------------------


def test_plain_text_article_title_is_first_line() -> None:
    text = "\n\n  国家医保局发布新规  \n\n第一段第一行，\n接着第一行。\n\n第二段。\n"
    issue = parse_text(text, issue_id="a", issue_date="2025-01-02")
    assert issue.kind == "article" and len(issue.articles) == 1
    article = issue.articles[0]
    assert article.title == "国家医保局发布新规"
    assert article.text == "第一段第一行，接着第一行。\n第二段。"


PARAGRAPHS = [
    "国家医保局近日印发《关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知》，要求各地扩大联网定点医疗机构覆盖范围。",
    "通知如下：",
    "一、试点范围",
    "在河北、山西、内蒙古等省份开展门诊慢特病费用跨省直接结算试点。",
    "二、工作要求",
    "各地要加强组织领导，明确责任分工，确保政策落地见效，并于2025年6月底前报送进展情况。",
    "三、保障措施",
    "省级医保部门要加强信息系统建设。",
    "本通知自印发之日起施行。",
]


def test_one_paragraph_per_line_keeps_its_paragraphs() -> None:
    text = "跨省直接结算新规\n\n" + "\n\n".join(PARAGRAPHS) + "\n"
    article = parse_text(text, issue_id="a", issue_date="2025-01-02").articles[0]
    assert article.title == "跨省直接结算新规"
    assert article.text.split("\n") == PARAGRAPHS


def test_pdf_wrapped_standalone_article_is_rejoined() -> None:
    body = "".join(PARAGRAPHS[:1] + PARAGRAPHS[3:4] + PARAGRAPHS[5:6]) * 2
    wrapped = [body[i : i + 30] for i in range(0, len(body), 30)]
    text = "跨省直接结算新规\n\n" + "\n\n".join(wrapped) + "\n"
    article = parse_text(text, issue_id="a", issue_date="2025-01-02").articles[0]
    assert len(wrapped) >= 8 and article.text == body


def test_markdown_article(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("# 标题一\n\n## 小标题\n\n正文内容。\n", encoding="utf-8")
    issue = parse_path(path, issue_date="2025-01-02")
    assert issue.id == "note"
    assert issue.articles[0].title == "标题一"
    assert issue.articles[0].text == "小标题\n正文内容。"


def test_issue_id_and_sha256(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("题目\n\n内容", encoding="utf-8")
    issue = parse_path(path, issue_id="custom", issue_date="2025-01-02")
    assert issue.id == "custom" and issue.articles[0].id == "custom/01"
    assert len(issue.sha256) == 64 and issue.source_file == "x.txt"


def test_undated_text_warns_how_to_give_the_date() -> None:
    issue = parse_text("题目\n\n没有日期的内容。", issue_id="a")
    assert issue.date is None and issue.date_source == "unknown"
    assert any("--issue-date" in w for w in issue.warnings)


def test_date_is_inferred_from_latest_past_date_not_deadlines() -> None:
    body = "2025 年 3 月 5 日，会议召开。2025 年 4 月 2 日，某局发布通知，自 2025 年 12 月 31 日起施行。2025 年要做到。2025年计划。"
    issue = parse_text("题目\n\n" + body, issue_id="a")
    assert issue.date == "2025-04-02" and issue.date_source == "inferred"
