"""Property tests: random and mangled input never crashes the parser with a foreign error."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_parser import LONG, digest

from kg.errors import KGError
from kg.parser import parse_text

TOKENS = [
    "▶", "【提要】", "·集中采购·", "· ·", "来源：", "来源：国家医保局", "返回目录", "3 / 12", "0 / 0",
    "----本期内容----", " ----本期内容----", "——本期视点——", "（来源：", "）——第 5页", "——第", "页",
    "《", "》", "“", "”", "\t", " ", "\n", "\n\n", "\r\n", "国家医保局", "2025 年 3 月 5 日", "4 月 1 日",
    "\x00", "\ufeff", "\u3000", "A", "1",
]

texts = st.lists(
    st.one_of(st.sampled_from(TOKENS), st.text(alphabet=st.characters(codec="utf-8"), max_size=8)), max_size=60
).map("".join)

BASE = digest(("集中采购", "甲文章", "医药经济报", LONG), ("医保改革", "乙文章", "健康报", LONG))


@st.composite
def mangled(draw: st.DrawFn) -> str:
    lines = BASE.split("\n")
    for _ in range(draw(st.integers(0, 8))):
        op = draw(st.sampled_from(["drop", "dup", "swap", "insert", "cut"]))
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "insert":
            lines.insert(i, draw(st.sampled_from(TOKENS)))
        else:
            lines = lines[:i]
    return "\n".join(lines)


def check(text: str) -> None:
    try:
        issue = parse_text(text, issue_id="fuzz")
    except KGError:
        return
    for article in issue.articles:
        assert article.id.startswith("fuzz/")
        assert isinstance(article.text, str)
    assert sum(len(s.article_ids) for s in issue.sections) == len(issue.articles)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_random_text_never_crashes(text: str) -> None:
    check(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mangled())
def test_mangled_digest_never_crashes(text: str) -> None:
    check(text)
