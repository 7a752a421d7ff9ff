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


# --- a PDF with a text layer: the same digest as its text conversion ------------------------


def _cid_pdf(pages: list[list[str]]) -> bytes:
    """A minimal PDF whose pages show the given lines in a non-embedded CID font
    (STSong-Light, UniGB-UCS2-H), the way Chinese PDFs without embedded fonts are built."""
    objs: list[str] = []

    def add(obj: str) -> int:
        objs.append(obj)
        return len(objs)

    font = add(
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        "/DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000 >>] >>"
    )
    pages_id = len(objs) + 1 + 2 * len(pages)
    kids = []
    for lines in pages:
        ops = ["BT", "/F1 10 Tf", "12 TL", "30 800 Td"]
        ops += [f"<{line.encode('utf-16-be').hex().upper()}> Tj T*" for line in lines]
        stream = "\n".join([*ops, "ET"])
        content = add(f"<< /Length {len(stream.encode())} >>\nstream\n{stream}\nendstream")
        kids.append(
            add(
                f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 595 842] /Contents {content} 0 R "
                f"/Resources << /Font << /F1 {font} 0 R >> >> >>"
            )
        )
    add("<< /Type /Pages /Kids [" + " ".join(f"{k} 0 R" for k in kids) + f"] /Count {len(kids)} >>")
    catalog = add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>")
    out = b"%PDF-1.7\n"
    offsets = []
    for number, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{obj}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root {catalog} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def _pages_of(text: str) -> list[list[str]]:
    """Split a converted digest back into PDF pages: a cover page, then a new page at every
    page-start space and after every ``N / M`` marker. The tab-indented bookmark list is the
    PDF's outline, not page text, and is left out."""
    import re

    pages: list[list[str]] = [["医药卫生政策要参"]]
    for line in text.split("\n"):
        if re.fullmatch(r"\d+ / \d+", line.strip()):
            pages.append([])
            continue
        if not line.strip() or line.startswith("\t"):
            continue
        if line.startswith(" ") and pages[-1]:
            pages.append([])
        pages[-1].append(line.strip())
    return [p for p in pages if p]


def test_pdf_text_layer_parses_like_its_text_conversion(tmp_path: Path) -> None:
    from conftest import SAMPLES

    from kg.parser import parse_path

    source = SAMPLES / "sample-2025-05.txt"
    pdf = tmp_path / "sample-2025-05.pdf"
    pdf.write_bytes(_cid_pdf(_pages_of(source.read_text(encoding="utf-8"))))
    assert read_path(pdf).kind == "pdf"
    from_pdf = parse_path(pdf, issue_date="2025-05-30")
    from_text = parse_path(source, issue_date="2025-05-30")
    assert from_pdf.warnings == from_text.warnings == ()
    assert len(from_pdf.articles) == 10
    for a, b in zip(from_pdf.articles, from_text.articles, strict=True):
        assert (a.title, a.section, a.source, a.summary) == (b.title, b.section, b.source, b.summary)
        assert (a.page_start, a.page_end) == (b.page_start, b.page_end)
        assert a.text == b.text
