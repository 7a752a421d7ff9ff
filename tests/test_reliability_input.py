"""Reliability, bad input: every broken file gets one clear error naming it, a non-zero exit,
the store is left as it was, and the other files of the same run still load.

Reader-level checks that already exist are not repeated here (tests/test_reader.py covers each
encoding, empty/binary/ZIP/PNG refusal, the size refusal, encrypted and text-less PDFs;
tests/test_parser.py covers truncated digests, a TOC without a body and duplicate titles at
the parser level; tests/test_cli_store.py covers a mixed good/bad directory and --fail-fast).
This file drives the same cases through ``kg load`` into a real embedded store.
"""

from __future__ import annotations

import codecs
import io
import shutil
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import click.testing
import pytest
from click.testing import CliRunner
from test_parser import LONG, digest

from kg.cli import cli
from kg.errors import InputError
from kg.inputs import expand_paths
from kg.parser import parse_path
from kg.pipeline import load_paths
from kg.reader import MAX_BYTES, read_path
from kg.resources import samples_dir
from kg.store import open_store
from kg.store.base import Store

SAMPLES = Path(str(samples_dir()))
FIRST, SECOND, _THIRD = sorted(SAMPLES.glob("sample-*.txt"))
GOOD_TEXT = "一篇没有实体的测试短文\n\n这里只有几句普通的话，没有机构，也没有地名。\n"


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env={"KG_NEO4J_URI": ""})


@pytest.fixture(scope="module")
def template_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded store holding the first sample issue, copied by each test that writes."""
    path = tmp_path_factory.mktemp("template") / "kg-data"
    with open_store("embedded", path=path) as store:
        run_ = load_paths(store, [FIRST], issue_date="2025-03-20")
        assert not run_.failures
    return path


@pytest.fixture
def store_dir(template_store: Path, tmp_path: Path) -> Path:
    path = tmp_path / "kg-data"
    shutil.copytree(template_store, path)
    return path


def snapshot(path: Path) -> tuple[object, ...]:
    with open_store("embedded", path=path, read_only=True) as store:
        return store.dump(), store.stats(), tuple(store.issues())


def retract(path: Path, issue_id: str) -> None:
    with open_store("embedded", path=path) as store:
        store.retract(issue_id)


# -- the bad files ---------------------------------------------------------------------------


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("issue.txt", "国家医保局印发通知。" * 50)
    return buf.getvalue()


def _pdf(path: Path, *, encrypt: bool) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if encrypt:
        writer.encrypt("owner-and-user-secret")
    with path.open("wb") as fh:
        writer.write(fh)


def _huge(path: Path) -> None:
    with path.open("wb") as fh:  # a sparse 50 MB file: written in no time, refused by its size
        fh.truncate(50 * 1024 * 1024)


def _toc_only(path: Path) -> None:
    text = digest(("集中采购", "甲文章", "甲", LONG))
    path.write_text(text[: text.index(" ----本期内容")], encoding="utf-8")


Maker = Callable[[Path], None]
BAD: dict[str, tuple[str, Maker, str]] = {
    "empty": ("empty.txt", lambda p: p.write_bytes(b""), "file is empty"),
    "whitespace": ("blank.txt", lambda p: p.write_bytes(b" \r\n\t\n  "), "file is empty"),
    "binary": ("binary.txt", lambda p: p.write_bytes(bytes(range(256)) * 64), "binary"),
    "zip-renamed": ("archive.txt", lambda p: p.write_bytes(_zip_bytes()), "ZIP archive"),
    "nul-in-text": ("nul.txt", lambda p: p.write_bytes("国家医保局\x00印发通知".encode() * 30), "binary"),
    "toc-without-body": ("toc.txt", _toc_only, "no '----本期内容----' body"),
    "huge-50mb": ("huge.txt", _huge, "larger than the 20 MB kg reads from one file"),
    "missing": ("does-not-exist.txt", lambda p: None, "no such file"),
    "encrypted-pdf": ("locked.pdf", lambda p: _pdf(p, encrypt=True), "PDF is encrypted"),
    "scanned-pdf": ("scan.pdf", lambda p: _pdf(p, encrypt=False), "PDF has no text layer"),
    "broken-pdf": ("broken.pdf", lambda p: p.write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\n"), "PDF cannot be read"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_file_one_error_store_unchanged_others_loaded(case: str, store_dir: Path, tmp_path: Path) -> None:
    name, make, message = BAD[case]
    bad = tmp_path / "in" / name
    bad.parent.mkdir()
    make(bad)
    good = tmp_path / "in" / "zz-good.txt"
    good.write_text(GOOD_TEXT, encoding="utf-8")
    before = snapshot(store_dir)

    result = run("load", str(bad), str(good), "--store", str(store_dir), "--issue-date", "2025-04-01", "-q")

    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    failed = [ln for ln in result.output.splitlines() if ln.strip().startswith("failed:")]
    assert len(failed) == 1, result.output
    assert str(bad) in failed[0] and message in failed[0], failed[0]
    assert "1 issue(s) loaded, 1 failed" in result.output
    _, _, issues = snapshot(store_dir)
    assert issues == (FIRST.stem, "zz-good")
    retract(store_dir, "zz-good")
    assert snapshot(store_dir) == before


def test_fail_fast_stops_before_the_good_file(store_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "a-empty.txt"
    bad.write_bytes(b"")
    good = tmp_path / "b-good.txt"
    good.write_text(GOOD_TEXT, encoding="utf-8")
    before = snapshot(store_dir)
    result = run("load", str(bad), str(good), "--store", str(store_dir), "--fail-fast", "-q")
    assert result.exit_code == 2
    assert str(bad) in result.output and "file is empty" in result.output
    assert snapshot(store_dir) == before


def test_huge_file_is_refused_from_its_size_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    _huge(path)
    tracemalloc.start()
    try:
        with pytest.raises(InputError) as info:
            read_path(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(path) in str(info.value) and "52.4 MB" in str(info.value)
    assert peak < 1_000_000  # nothing of the 50 MB was read


def test_long_text_under_the_byte_limit_is_refused_by_its_length(tmp_path: Path) -> None:
    path = tmp_path / "book.txt"
    path.write_text("题目\n\n" + "国家医保局印发通知。" * 2000, encoding="utf-8")
    with pytest.raises(InputError, match=r"holds 20,004 characters of text, more than the 10,000"):
        read_path(path, max_chars=10_000)
    assert path.stat().st_size < MAX_BYTES


# -- text that must be read, not refused --------------------------------------------------------

ENCODINGS: dict[str, Callable[[str], bytes]] = {
    "gb18030": lambda t: t.encode("gb18030"),
    "utf-8-bom": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "utf-16-bom": lambda t: t.encode("utf-16"),
    "utf-16-le-no-bom": lambda t: t.encode("utf-16-le"),
    "utf-16-be-no-bom": lambda t: t.encode("utf-16-be"),
    "crlf": lambda t: t.replace("\n", "\r\n").encode("utf-8"),
    "mixed-line-endings": lambda t: _mixed_endings(t).encode("utf-8"),
}


def _mixed_endings(text: str) -> str:
    """CRLF, CR and LF in turn (a lone CR only where the next line is not empty: CR + LF is CRLF)."""
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines[:-1]):
        ending = ("\r\n", "\r", "\n")[i % 3]
        out.append(line + ("\n" if ending == "\r" and not lines[i + 1] else ending))
    return "".join(out) + lines[-1]


@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_digest_in_any_supported_encoding_parses_identically(encoding: str, tmp_path: Path) -> None:
    text = SECOND.read_text(encoding="utf-8")
    path = tmp_path / SECOND.name
    path.write_bytes(ENCODINGS[encoding](text))
    got = parse_path(path, issue_date="2025-05-20")
    want = parse_path(SECOND, issue_date="2025-05-20")
    assert got.articles == want.articles
    assert got.sections == want.sections
    assert got.warnings == want.warnings


def test_gbk_article_and_utf16_digest_load_like_utf8(tmp_path: Path) -> None:
    """GBK cannot encode the digest's ▶, so the GBK case is a standalone article."""
    article = "国家医保局发布新规\n\n2025 年 3 月 1 日，国家医保局印发《关于推进即时结算的通知》，河北省试点。\n"
    for folder, data in (("utf8", article.encode("utf-8")), ("gbk", article.encode("gbk"))):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "art.txt").write_bytes(data)
    (tmp_path / "utf8" / SECOND.name).write_bytes(SECOND.read_bytes())
    (tmp_path / "gbk" / SECOND.name).write_bytes(SECOND.read_text(encoding="utf-8").encode("utf-16"))
    dumps = []
    for folder in ("utf8", "gbk"):
        store = tmp_path / f"store-{folder}"
        result = run("load", str(tmp_path / folder), "--store", str(store), "--issue-date", "2025-05-20", "-q")
        assert result.exit_code == 0, result.output
        nodes, edges = snapshot(store)[0]  # type: ignore[misc]
        # the files differ in bytes, so only the Issue nodes' sha256 may differ
        dumps.append(([(n.label, n.key, {k: v for k, v in n.props.items() if k != "sha256"}) for n in nodes], edges))
    assert dumps[0] == dumps[1]


def test_truncated_digest_loads_what_it_has_and_warns(store_dir: Path, tmp_path: Path) -> None:
    text = FIRST.read_text(encoding="utf-8")
    body = text.index("本期内容")
    cut = tmp_path / "cut.txt"
    cut.write_text(text[: body + (len(text) - body) // 2], encoding="utf-8")  # stops mid-article
    result = run("load", str(cut), "--store", str(store_dir), "--issue-date", "2025-03-20", "-q", "--json")
    assert result.exit_code == 0, result.output
    import json

    (loaded,) = json.loads(result.output)["loaded"]
    articles = loaded["nodes"]["Article"]
    assert 1 <= articles < 10
    missing = [w for w in loaded["warnings"] if "has no article in the body (truncated file?)" in w]
    assert len(missing) == 10 - articles


def test_duplicate_article_titles_both_load_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "dup.txt"
    path.write_text(digest(("集中采购", "同名", "甲", LONG), ("医保改革", "同名", "乙", LONG)), encoding="utf-8")
    result = run("load", str(path), "--store", str(tmp_path / "s"), "--issue-date", "2025-05-01", "-q")
    assert result.exit_code == 0, result.output
    assert "2 articles share the title '同名'" in result.output
    with open_store("embedded", path=tmp_path / "s", read_only=True) as store:
        assert store.stats()["nodes"]["Article"] == 2


# -- many files ---------------------------------------------------------------------------------


@pytest.fixture
def thousands(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(3000):  # mostly broken files (each is read and refused), a few good ones
        data = GOOD_TEXT.replace("测试短文", f"测试短文{i}").encode() if i % 600 == 0 else b""
        (folder / f"f{i:04d}.txt").write_bytes(data)
    (folder / "notes.docx").write_bytes(b"ignored: not a .txt/.md/.pdf")
    yield folder


def test_directory_with_thousands_of_files(thousands: Path, tmp_path: Path) -> None:
    assert sum(1 for _ in expand_paths([thousands])) == 3000
    start = time.perf_counter()
    store: Store
    with open_store("embedded", path=tmp_path / "s") as store:
        outcome = load_paths(store, [thousands], issue_date="2025-04-01")
        assert [r.issue_id for r in outcome.reports] == [f"f{i:04d}" for i in range(0, 3000, 600)]
        assert len(outcome.failures) == 2995
        assert all(f.message.endswith("file is empty") and f.path in f.message for f in outcome.failures)
        assert store.issues() == [r.issue_id for r in outcome.reports]
    assert time.perf_counter() - start < 30
