"""CLI: thin commands, one-line errors with exit codes, --json output, help everywhere."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import corpus_files, requires_corpus

import kg
from kg.cli import cli


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, command in group.commands.items():
        out.append((*prefix, name))
        if isinstance(command, click.Group):
            out += all_commands(command, (*prefix, name))
    return out


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and kg.__version__ in result.output


@pytest.mark.parametrize("command", all_commands(cli), ids=" ".join)
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output
    assert len(result.output.splitlines()) > 3


def test_public_api_is_explicit() -> None:
    assert sorted(kg.__all__) == sorted(set(kg.__all__))
    for name in kg.__all__:
        assert hasattr(kg, name), name
    public = {n for n in vars(kg) if not n.startswith("_") and not isinstance(getattr(kg, n), type(kg))}
    public.discard("annotations")
    assert public <= set(kg.__all__), public - set(kg.__all__)


def write_article(tmp_path: Path) -> Path:
    path = tmp_path / "note.txt"
    path.write_text("国家医保局发布新规\n\n2025 年 3 月 1 日，国家医保局印发《关于X的通知》。\n", encoding="utf-8")
    return path


def test_parse_summary_and_json(tmp_path: Path) -> None:
    path = write_article(tmp_path)
    result = run("parse", str(path), "--issue-date", "2025-03-02")
    assert result.exit_code == 0
    assert "note  date 2025-03-02 (given)" in result.output
    result = run("parse", str(path), "--json")
    data = json.loads(result.output)
    assert data["id"] == "note" and data["date_source"] == "inferred" and data["date"] == "2025-03-01"
    assert data["articles"][0]["title"] == "国家医保局发布新规"
    assert set(data["articles"][0]) >= {"id", "index", "title", "section", "source", "summary", "page_start", "page_end", "text"}


def test_bad_file_is_one_line_error_and_others_still_run(tmp_path: Path) -> None:
    good = write_article(tmp_path)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    result = CliRunner().invoke(cli, ["parse", str(bad), str(good)])
    assert result.exit_code == 2
    assert f"Error: {bad}: file is empty" in result.output
    assert "note  date" in result.output
    assert "1 file(s) failed, 1 succeeded." in result.output
    assert "Traceback" not in result.output


def test_fail_fast_stops_at_first_error(tmp_path: Path) -> None:
    good = write_article(tmp_path)
    result = CliRunner().invoke(cli, ["parse", "--fail-fast", str(tmp_path / "missing.txt"), str(good)])
    assert result.exit_code == 2
    assert "no such file" in result.output and "note  date" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_debug_shows_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--debug", "parse", "--fail-fast", str(tmp_path / "missing.txt")])
    assert result.exit_code != 0
    assert isinstance(result.exception, kg.InputError)


def test_manifest_gives_dates(tmp_path: Path) -> None:
    path = write_article(tmp_path)
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,issue_date\nnote.txt,2025-06-30\n", encoding="utf-8")
    data = json.loads(run("parse", str(path), "--manifest", str(manifest), "--json").output)
    assert data["date"] == "2025-06-30" and data["date_source"] == "given"
    manifest.write_text("file,when\nnote.txt,2025-06-30\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["parse", str(path), "--manifest", str(manifest)])
    assert result.exit_code == 2 and "file,issue_date" in result.output


def test_directory_argument_expands_to_its_files(tmp_path: Path) -> None:
    write_article(tmp_path)
    (tmp_path / "skip.bin").write_bytes(b"\x00")
    result = run("parse", str(tmp_path), "--json")
    assert len(result.output.strip().splitlines()) == 1


@requires_corpus
def test_parse_corpus_json_has_fifty_articles() -> None:
    from conftest import CORPUS

    result = run("parse", *map(str, corpus_files()), "--manifest", str(CORPUS / "issues.csv"), "--json")
    issues = [json.loads(line) for line in result.output.splitlines()]
    assert len(issues) == 5
    assert sum(len(i["articles"]) for i in issues) == 50
    assert all(i["date_source"] == "given" for i in issues)
