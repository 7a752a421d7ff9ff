"""The spaCy extractor: training, loading the shipped model, the protocol, determinism, the
ensemble policy and the message when spaCy is missing."""

from __future__ import annotations

import builtins
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import SAMPLES
from kg.extractors.base import ArticleContext, Extractor, create

from kg.cli import cli
from kg.errors import DependencyError
from kg.extract import default_extractors, prefer_extractors, prefer_longest, rules_first
from kg.types import Article, Mention


def article(text: str, aid: str = "t/01") -> Article:
    return Article(aid, 1, "t", "", "", "", None, None, text, "t")


def m(start: int, end: int, etype: str, extractor: str = "rules", rule: str = "") -> Mention:
    return Mention(etype, "x" * (end - start), "x", start, end, extractor=extractor, rule=rule)


# --- the ensemble policy (no spaCy needed) --------------------------------------------------


def test_rules_first_keeps_rules_and_fills_gaps_with_spacy() -> None:
    rules = [m(0, 5, "Agency"), m(10, 14, "Region"), m(12, 20, "Agency")]
    spacy = [m(0, 8, "Agency", "spacy", "spacy:ner"),  # longer, but overlaps a rule mention: dropped
             m(20, 24, "Date", "spacy", "spacy:ner"),  # in a gap: kept
             m(30, 33, "Region", "spacy", "spacy:ruler"),  # gazetteer-ruler mention: dropped by the ensemble
             m(40, 45, "Figure", "spacy", "spacy:ner")]
    kept = rules_first([*spacy, *rules])
    assert [(k.start, k.end, k.type, k.extractor) for k in kept] == [
        (0, 5, "Agency", "rules"), (12, 20, "Agency", "rules"), (20, 24, "Date", "spacy"), (40, 45, "Figure", "spacy")]
    # order of the input does not matter
    assert rules_first(list(reversed([*spacy, *rules]))) == kept


def test_prefer_extractors_order_and_union() -> None:
    both = [m(0, 5, "Agency"), m(0, 8, "Agency", "spacy")]
    assert [k.extractor for k in prefer_extractors(["spacy", "rules"])(both)] == ["spacy"]
    assert [k.extractor for k in prefer_extractors(["rules", "spacy"])(both)] == ["rules"]
    assert [k.extractor for k in prefer_longest(both)] == ["spacy"]


def test_default_extractors_pick_the_ensemble_policy() -> None:
    pytest.importorskip("spacy")
    chosen = default_extractors(["rules", "spacy"])
    assert chosen.overlap is rules_first
    assert "spacy" in chosen.names and "policy" in chosen.names
    assert default_extractors(["rules"]).overlap is prefer_longest


# --- missing spaCy ---------------------------------------------------------------------------


@pytest.fixture
def no_spacy(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    real_import = builtins.__import__

    def fake_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "spacy" or name.startswith("spacy."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    for mod in [k for k in sys.modules if k == "spacy" or k.startswith("spacy.")]:
        monkeypatch.delitem(sys.modules, mod)
    monkeypatch.setattr(builtins, "__import__", fake_import)
    monkeypatch.setattr("kg.spacy_pipeline.spacy_available", lambda: False)


def test_missing_spacy_is_one_clear_error(no_spacy: None) -> None:
    with pytest.raises(DependencyError) as info:
        create("spacy")
    message = str(info.value)
    assert "pip install 'kg[spacy]'" in message and "\n" not in message


def test_missing_spacy_cli_message(no_spacy: None) -> None:
    result = CliRunner().invoke(cli, ["extract", str(SAMPLES / "sample-2025-03.txt"), "--extractors", "rules,spacy"])
    assert result.exit_code == DependencyError.exit_code
    assert "pip install 'kg[spacy]'" in result.output


def test_auto_falls_back_to_rules_without_spacy(no_spacy: None, caplog: pytest.LogCaptureFixture) -> None:
    chosen = default_extractors(["auto"])
    assert "spacy" not in chosen.names and "policy" in chosen.names
    assert "spaCy is not installed" in caplog.text


# --- training, loading, extraction (spaCy needed) --------------------------------------------


TINY = [
    ("2025 年 3 月 1 日，国家医保局印发《关于做好医保基金预付工作的通知》。",
     [("2025 年 3 月 1 日", "Date"), ("国家医保局", "Agency"), ("《关于做好医保基金预付工作的通知》", "Policy")]),
    ("河北省医保局公布第十批集采结果，节约资金 25 亿元。", [("河北省医保局", "Agency"), ("25 亿元", "Figure")]),
    ("浙江省卫生健康委员会于 6 月 13 日发布通知。", [("浙江省卫生健康委员会", "Agency"), ("6 月 13 日", "Date")]),
    ("四川省和重庆市共同推进医保协同，覆盖 3000 万人。",
     [("四川省", "Region"), ("重庆市", "Region"), ("3000 万人", "Figure")]),
]


TINY_STEPS = {"training.max_steps": 20, "training.eval_frequency": 10}


def tiny_examples() -> list[Any]:
    from kg.train import Example

    examples = []
    for i, (text, marked) in enumerate(TINY):
        spans = tuple((text.index(surface), text.index(surface) + len(surface), label) for surface, label in marked)
        examples.append(Example(f"tiny/{i}", text, spans))
    return examples


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("spacy")
    from kg.train import train_pipeline

    out = tmp_path_factory.mktemp("spacy") / "tiny"
    report = train_pipeline(tiny_examples(), out, overrides=TINY_STEPS, quiet=True)
    assert report.articles == 4 and report.spans == 10 and report.misaligned == 0
    assert (out / "config.cfg").exists() and (out / "ner").is_dir() and (out / "entity_ruler").is_dir()
    return out


def test_training_is_reproducible(tiny_model: Path, tmp_path: Path) -> None:
    from kg.train import train_pipeline

    again = tmp_path / "again"
    train_pipeline(tiny_examples(), again, overrides=TINY_STEPS, quiet=True)
    files = sorted(p.relative_to(tiny_model) for p in tiny_model.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for f in files:
        assert (tiny_model / f).read_bytes() == (again / f).read_bytes(), f  # fixed seed: byte-identical model


def check_offsets(text: str, mentions: tuple[Mention, ...]) -> None:
    for x in mentions:
        assert text[x.start : x.end] == x.text, x
        assert x.extractor == "spacy" and x.rule in ("spacy:ner", "spacy:ruler")
        assert x.type in ("Policy", "Agency", "Region", "Drug", "Date", "Figure")


def test_tiny_training_run_loads_and_extracts(tiny_model: Path) -> None:
    extractor = create("spacy", model=str(tiny_model))
    assert isinstance(extractor, Extractor)
    text = "国家医保局与浙江省医保局联合发文。\n\n2025 年 5 月，四川省发布《关于推进医保改革的通知》。"
    result = extractor(article(text), ArticleContext("t", "2025-06-01"))
    check_offsets(text, result.mentions)
    # the gazetteer ruler is part of the pipeline: 四川省 is found even by a barely trained model
    assert any(x.text == "四川省" and x.type == "Region" for x in result.mentions)


def test_shipped_model_extracts_through_the_protocol(sample_issues: list) -> None:
    pytest.importorskip("spacy")
    from kg.spacy_pipeline import shipped_model_dir

    if not (shipped_model_dir() / "config.cfg").exists():
        pytest.fail(f"the shipped spaCy model is missing from {shipped_model_dir()}; run `make train`")
    extractor = create("spacy")
    issue = sample_issues[0]
    found = 0
    for a in issue.articles[:4]:
        result = extractor(a, ArticleContext(issue.id, issue.date))
        check_offsets(a.text, result.mentions)
        found += len(result.mentions)
    assert found > 0
    context = ArticleContext(issue.id, issue.date)
    norms = {x.text: x.norm for a in issue.articles for x in extractor(a, context).mentions}
    if "国家医保局" in norms:
        assert norms["国家医保局"] == "国家医疗保障局"  # norms come from the rule extractors


def test_extraction_with_both_is_deterministic() -> None:
    pytest.importorskip("spacy")
    args = ["extract", str(SAMPLES / "sample-2025-03.txt"), "--manifest", str(SAMPLES / "manifest.csv"),
            "--extractors", "rules,spacy"]
    first = CliRunner().invoke(cli, args, catch_exceptions=False)
    second = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert first.output == second.output
    records = [json.loads(line) for line in first.output.splitlines()]
    assert {e["extractor"] for r in records for e in r["entities"]} >= {"rules"}


def test_docbin_marks_misaligned_spans_missing() -> None:
    spacy = pytest.importorskip("spacy")
    from kg.spacy_pipeline import config_file
    from kg.train import Example, to_docbin

    nlp = spacy.util.load_model_from_config(spacy.util.load_config(config_file()), auto_fill=True)
    text = "国家医保局发文。"
    doc = nlp.make_doc(text)
    assert [t.text for t in doc][:1] == ["国家医保局"]  # the gazetteer user dictionary is in the tokenizer
    db, misaligned = to_docbin(nlp, [Example("a", text, ((0, 5, "Agency"), (0, 2, "Region")))])
    assert misaligned == 1
    [out] = list(db.get_docs(nlp.vocab))
    assert [(e.text, e.label_) for e in out.ents] == [("国家医保局", "Agency")]
