"""Reader: encodings are detected and decoded; what is not text is refused by name."""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.reader import decode_bytes, read_path

TEXT = "国家医保局印发《关于推进基本医保基金即时结算改革的通知》。\n第二行\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("gbk"), "gb18030"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
    ],
)
def test_encodings_are_detected(data: bytes, encoding: str) -> None:
    text, found = decode_bytes(data, name="x.txt")
    assert text == TEXT
    assert found == encoding


def test_mixed_line_endings_become_newlines() -> None:
    text, _ = decode_bytes("一\r\n二\r三\n四".encode(), name="x.txt")
    assert text == "一\n二\n三\n四"


def _zip_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", "hello")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"\x00\x01\x02\x03binary\x00\xff", "binary"),
        (_zip_bytes(), "ZIP archive"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG image"),
        (bytes(range(256)) * 20, "binary"),
    ],
)
def test_non_text_is_refused_with_the_file_name(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "issue.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        read_path(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_path(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_path(tmp_path)


def test_oversized_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 2048)
    with pytest.raises(InputError, match="larger than"):
        read_path(path, max_bytes=1024)


def test_sha256_is_of_the_bytes(tmp_path: Path) -> None:
    import hashlib

    path = tmp_path / "a.txt"
    path.write_bytes(TEXT.encode("gbk"))
    assert read_path(path).sha256 == hashlib.sha256(TEXT.encode("gbk")).hexdigest()


pypdf = pytest.importorskip("pypdf", reason="pdf extra not installed: pip install 'kg[pdf]'")


def _blank_pdf(path: Path, *, encrypt: bool = False) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if encrypt:
        writer.encrypt("secret")
    with path.open("wb") as fh:
        writer.write(fh)


def test_pdf_without_text_layer_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    _blank_pdf(path)
    with pytest.raises(InputError, match="no text layer"):
        read_path(path)


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    _blank_pdf(path, encrypt=True)
    with pytest.raises(InputError, match="encrypted"):
        read_path(path)


def test_truncated_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\n")
    with pytest.raises(InputError) as info:
        read_path(path)
    assert str(path) in str(info.value)
