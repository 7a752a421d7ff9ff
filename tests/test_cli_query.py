"""`kg query`, `kg report`, `kg export` and `kg browser` through click's CliRunner."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_queries import load_samples

from kg.cli import cli
from kg.cli_common import open_cli_store, wants_neo4j
from kg.errors import KGError, StoreError
from kg.export import read_cypher_script, read_json


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("kg-samples")
    load_samples(path)
    yield str(path)


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    for var in ("KG_STORE", "KG_NEO4J_URI", "KG_NEO4J_USER", "KG_NEO4J_PASSWORD", "KG_NEO4J_DATABASE"):
        monkeypatch.delenv(var, raising=False)
    return CliRunner()


def test_query_list(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["query", "--list"])
    assert result.exit_code == 0, result.output
    for name in ("lineage", "policy-chain", "agency-policies", "region-activity", "drug-procurement",
                 "issue-new", "co-issuers"):
        assert f"\n{name}\n" in f"\n{result.output}"
    assert "--param policy (title)" in result.output
    listed = json.loads(runner.invoke(cli, ["query", "--list", "--format", "json"]).output)
    assert {q["name"] for q in listed} >= {"lineage", "co-issuers"}


def test_query_runs_in_every_format(runner: CliRunner, store_dir: str) -> None:
    args = ["query", "lineage", "--param", "policy=第十一批", "--store", store_dir]
    table = runner.invoke(cli, args)
    assert table.exit_code == 0, table.output
    assert table.output.splitlines()[0].startswith("issue_date") and "rows)" in table.output
    rows = json.loads(runner.invoke(cli, [*args, "--format", "json"]).output)
    issues = list(dict.fromkeys(r["issue_id"] for r in rows))
    assert issues == ["sample-2025-03", "sample-2025-05", "sample-2025-07"]
    csv_out = runner.invoke(cli, [*args, "--format", "csv"]).output
    assert csv_out.splitlines()[0].startswith("issue_date,issue_id,article_id")


def test_store_from_the_environment(runner: CliRunner, store_dir: str) -> None:
    result = runner.invoke(cli, ["query", "co-issuers", "--format", "json"], env={"KG_STORE": store_dir})
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)


def test_query_errors_are_one_line(runner: CliRunner, store_dir: str, tmp_path: Path) -> None:
    cases = [
        (["query", "nope", "--store", store_dir], "no canned query 'nope'", 5),
        (["query", "lineage", "--store", store_dir], "needs --param policy", 5),
        (["query", "policy-chain", "-p", "policy=x", "-p", "depth=x", "--store", store_dir], "takes a number", 5),
        (["query", "co-issuers", "--store", str(tmp_path / "empty")], "there is no store", 4),
    ]
    for args, message, code in cases:
        result = runner.invoke(cli, args)
        assert result.exit_code == code, (args, result.output)
        assert message in result.output and "Traceback" not in result.output
        assert len(result.output.strip().splitlines()) == 1, result.output


def test_store_and_neo4j_are_exclusive(runner: CliRunner, store_dir: str) -> None:
    result = runner.invoke(cli, ["query", "co-issuers", "--store", store_dir, "--neo4j"])
    assert result.exit_code == 2 and "either --store or --neo4j" in result.output


def test_neo4j_selection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KG_NEO4J_URI", raising=False)
    assert not wants_neo4j(None, False) and wants_neo4j(None, True)
    monkeypatch.setenv("KG_NEO4J_URI", "bolt://127.0.0.1:1")
    assert wants_neo4j(None, False) and not wants_neo4j("dir", False)
    monkeypatch.delenv("KG_NEO4J_URI")
    with pytest.raises(KGError) as caught:  # no server configured, or the driver is not installed
        open_cli_store(None, True, read_only=True)
    assert "\n" not in str(caught.value)


def test_report_commands(runner: CliRunner, store_dir: str, tmp_path: Path) -> None:
    for args in (
        ["timeline", "--policy", "第十一批"],
        ["agency", "--agency", "国家医保局"],
        ["region", "--region", "浙江省"],
        ["issue", "sample-2025-05"],
    ):
        result = runner.invoke(cli, ["report", *args, "--store", store_dir, "--out", str(tmp_path)])
        assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "timeline-第十一批.html" in names and "timeline-第十一批.md" in names
    assert "issue-sample-2025-05.html" in names and len(names) == 8
    missing = runner.invoke(
        cli, ["report", "timeline", "--policy", "没有", "--store", store_dir, "--out", str(tmp_path)]
    )
    assert missing.exit_code == 5 and "nothing on the policy" in missing.output


def test_export_subgraph_and_whole_store(runner: CliRunner, store_dir: str, tmp_path: Path) -> None:
    out = tmp_path / "g.json"
    result = runner.invoke(cli, ["export", str(out), "--format", "json", "--policy", "第十一批", "--depth", "1",
                                 "--store", store_dir])
    assert result.exit_code == 0, result.output
    assert any(n.key == "第十一批国家组织药品集中带量采购" for n in read_json(out).nodes)
    query = runner.invoke(cli, ["export", str(tmp_path / "q.graphml"), "--format", "graphml", "--query", "lineage",
                                "-p", "policy=第十一批", "--store", store_dir])
    assert query.exit_code == 0, query.output
    issue = runner.invoke(cli, ["export", str(tmp_path / "csv"), "--format", "csv", "--issue", "sample-2025-03",
                                "--store", store_dir])
    assert issue.exit_code == 0 and (tmp_path / "csv" / "edges.csv").exists()
    whole = runner.invoke(cli, ["export", str(tmp_path / "all.cypher"), "--format", "cypher", "--store", store_dir])
    assert whole.exit_code == 0, whole.output
    assert {n.props["issues"][0] for n in read_cypher_script(tmp_path / "all.cypher").nodes} >= {"sample-2025-03"}
    admin = runner.invoke(cli, ["export", str(tmp_path / "admin"), "--format", "neo4j-admin", "--store", store_dir])
    assert admin.exit_code == 0 and (tmp_path / "admin" / "README.md").exists()


def test_export_usage_errors(runner: CliRunner, store_dir: str, tmp_path: Path) -> None:
    both = runner.invoke(cli, ["export", str(tmp_path / "x"), "--format", "json", "--policy", "a", "--issue", "b",
                               "--store", store_dir])
    assert both.exit_code == 2 and "at most one" in both.output
    sub = runner.invoke(cli, ["export", str(tmp_path / "x"), "--format", "graphml", "--store", store_dir])
    assert sub.exit_code == 5 and "exports a subgraph" in sub.output


def test_browser_command(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["browser"])
    assert result.exit_code == 0
    assert "kg.grass" in result.output and ":play http://127.0.0.1:8001/kg-guide.html" in result.output
    assert ":param policy => '第十一批'" in result.output


def test_read_only_store_is_refused_for_a_missing_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="there is no store"):
        open_cli_store(str(tmp_path / "none"), False, read_only=True)
