"""kg eval: scoring on hand-made gold and predictions, and bad gold/prediction files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.errors import InputError
from kg.evaluate import Prediction, evaluate, read_predictions
from kg.gold import GoldArticle, GoldEntity, GoldRelation, read_gold

GOLD = GoldArticle(
    article_id="x/01",
    issue_file="x.txt",
    title="t",
    text_sha256="",
    split="dev",
    entities=(
        GoldEntity("Agency", 0, 5, "国家医保局", "国家医疗保障局"),
        GoldEntity("Region", 10, 12, "河北", "河北省"),
        GoldEntity("Date", 20, 27, "2025年3月", "2025-03"),
    ),
    relations=(GoldRelation("ISSUED", "国家医疗保障局", "p"), GoldRelation("PILOTS_IN", "p", "河北省")),
)

PRED = Prediction(
    "x/01",
    (
        ("Agency", 0, 5, "国家医保局", "国家医疗保障局"),  # right span, right norm
        ("Region", 10, 12, "河北", "河北"),  # right span, wrong norm
        ("Date", 20, 25, "2025年", "2025"),  # overlaps gold: a lenient hit only
        ("Figure", 30, 33, "98%", "98%"),  # nothing in gold
    ),
    (("ISSUED", "国家医疗保障局", "p"), ("ISSUED", "国务院", "p")),
)


def test_strict_lenient_and_norm_scores() -> None:
    report = evaluate([GOLD], {"x/01": PRED})
    agency, region, date, figure = (report.strict[t] for t in ("Agency", "Region", "Date", "Figure"))
    assert (agency.tp, agency.fp, agency.fn) == (1, 0, 0)
    assert (region.tp, region.fp, region.fn) == (1, 0, 0)
    assert (date.tp, date.fp, date.fn) == (0, 1, 1)
    assert (figure.tp, figure.fp, figure.fn) == (0, 1, 0)
    assert report.lenient["Date"].tp == 1
    assert report.norm_ok["Region"] == [0, 1] and report.norm_ok["Agency"] == [1, 1]
    assert ("x/01", "Region", "河北", "河北省", "河北") in report.wrong_norms
    micro = report.micro(report.strict)
    assert (micro.tp, micro.fp, micro.fn) == (2, 2, 1)
    issued, pilots = report.relations["ISSUED"], report.relations["PILOTS_IN"]
    assert (issued.tp, issued.fp, issued.fn) == (1, 1, 0) and issued.f1 == pytest.approx(2 / 3)
    assert (pilots.tp, pilots.fp, pilots.fn) == (0, 0, 1) and pilots.f1 == 0.0


def test_an_article_without_predictions_is_all_misses() -> None:
    report = evaluate([GOLD], {})
    assert report.micro(report.strict).fn == 3 and report.micro(report.strict).tp == 0


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_bad_gold_and_prediction_files_name_the_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="gold file not found"):
        read_gold(tmp_path / "missing.jsonl")
    bad = _write(tmp_path / "gold.jsonl", ['{"article_id": "a", "issue_file": "f", "entities": []}', "{not json"])
    with pytest.raises(InputError, match=r"gold\.jsonl:2: not a gold record"):
        read_gold(bad)
    wrong = _write(tmp_path / "gold2.jsonl", ['{"article_id": "a"}'])
    with pytest.raises(InputError, match=r"gold2\.jsonl:1: not a gold record"):
        read_gold(wrong)
    with pytest.raises(InputError, match="extraction file not found"):
        read_predictions(tmp_path / "none.jsonl")
    pred = _write(tmp_path / "pred.jsonl", ["", '{"article_id": "a", "entities": [{"type": "Region"}]}'])
    with pytest.raises(InputError, match=r"pred\.jsonl:2: not an extraction record"):
        read_predictions(pred)


def test_cli_scores_a_predictions_file(tmp_path: Path) -> None:
    gold = _write(tmp_path / "gold.jsonl", [json.dumps({
        "article_id": "x/01", "issue_file": "x.txt", "split": "dev",
        "entities": [{"type": "Agency", "start": 0, "end": 5, "text": "国家医保局", "norm": "国家医疗保障局"}],
    }, ensure_ascii=False)])
    pred = _write(tmp_path / "pred.jsonl", [json.dumps({
        "article_id": "x/01",
        "entities": [{"type": "Agency", "start": 0, "end": 5, "text": "国家医保局", "norm": "国家医疗保障局"},
                     {"type": "Region", "start": 6, "end": 8, "text": "河北", "norm": "河北省"}],
        "relations": [],
    }, ensure_ascii=False)])
    result = CliRunner().invoke(cli, ["eval", str(gold), str(pred), "--errors"])
    assert result.exit_code == 0, result.output
    agency = next(line for line in result.output.splitlines() if line.startswith("Agency"))
    assert agency.split()[1:4] == ["1.000", "1.000", "1.000"]
    assert "false positives (1):" in result.output and "河北" in result.output
    bad = CliRunner().invoke(cli, ["eval", str(gold), str(tmp_path / "nope.jsonl")])
    assert bad.exit_code != 0 and "nope.jsonl" in bad.output and "Traceback" not in bad.output


def test_cli_runs_on_standalone_texts_with_any_split_name(tmp_path: Path) -> None:
    corpus = tmp_path / "texts"
    corpus.mkdir()
    (corpus / "a.txt").write_text("标题\n\n近日，国家医保局发布通知。\n", encoding="utf-8")
    (corpus / "issues.csv").write_text("file,issue_date\na.txt,2025-04-20\n", encoding="utf-8")
    record = {"article_id": "a/01", "issue_file": "a.txt", "split": "ood-test",
              "entities": [{"type": "Agency", "start": 3, "end": 8, "text": "国家医保局", "norm": "国家医疗保障局"}]}
    gold = _write(tmp_path / "gold.jsonl", [json.dumps(record, ensure_ascii=False)])
    args = ["eval", str(gold), "--run", "--corpus", str(corpus)]
    result = CliRunner().invoke(cli, [*args, "--split", "ood-test"])
    assert result.exit_code == 0, result.output
    agency = next(line for line in result.output.splitlines() if line.startswith("Agency"))
    assert agency.split()[1:4] == ["1.000", "1.000", "1.000"]
    wrong = CliRunner().invoke(cli, [*args, "--split", "test"])
    assert wrong.exit_code != 0 and "its splits are: ood-test" in wrong.output
    missing = _write(tmp_path / "missing.jsonl", [json.dumps(record | {"article_id": "a/02"}, ensure_ascii=False)])
    gone = CliRunner().invoke(cli, ["eval", str(missing), "--run", "--corpus", str(corpus)])
    assert gone.exit_code != 0 and "a/02 not found" in gone.output and "Traceback" not in gone.output
