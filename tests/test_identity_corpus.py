"""Cross-issue policy identity on the real corpus (NOTES §5): one node per document or programme,
whose mentions span the issues that report it."""

from __future__ import annotations

from collections import defaultdict

import pytest
from conftest import requires_corpus

from kg.extract import default_extractors, extract_issue
from kg.graph import build_batch

pytestmark = requires_corpus


@pytest.fixture(scope="module")
def policy_issues(corpus_issues: list) -> dict[str, set[str]]:
    extractors = default_extractors(["policy"])
    found: dict[str, set[str]] = defaultdict(set)
    for issue in corpus_issues:
        batch = build_batch(issue, extract_issue(issue, extractors))
        for edge in batch.edges:
            if edge.type == "MENTIONS" and edge.dst_label == "Policy":
                found[edge.dst_key].add(issue.id[:3])
    return found


@pytest.mark.parametrize(
    ("key", "issues"),
    [
        ("第十批国家组织药品集中带量采购", {"000", "001"}),
        ("66化学药品联盟采购", {"002", "003"}),
        ("关于深化医疗保障制度改革的意见", {"000", "001", "003"}),
        ("关于进一步全面深化改革推进中国式现代化的决定", {"000", "003", "004"}),
        ("DRG/DIP2.0版分组方案", {"001", "003"}),
        ("关于规范公立医疗机构预交金管理工作的通知", {"002", "003"}),
    ],
)
def test_lineage_items_resolve_to_one_node(policy_issues: dict[str, set[str]], key: str, issues: set[str]) -> None:
    assert issues <= policy_issues.get(key, set()), sorted(k for k in policy_issues if key[:6] in k)


def test_prefix_sharing_plans_stay_distinct(policy_issues: dict[str, set[str]]) -> None:
    plans = [k for k in policy_issues if k.startswith("“十四五”")]
    assert len(plans) >= 4
