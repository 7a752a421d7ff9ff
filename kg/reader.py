"""Bytes → text: encoding detection for UTF-8 (BOM or not), UTF-16/32 and GB18030/GBK,
PDF through its text layer, and one clear :class:`InputError` for everything else.

PDF pages are laid out in the same convention as the digest's text conversion (each
visual line followed by a blank line, the first line of every page after the first
starting with one space), so the digest parser reads both identically.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .errors import DependencyError, InputError

__all__ = ["MAX_BYTES", "MAX_CHARS", "SourceText", "decode_bytes", "pdf_to_text", "read_path"]

MAX_BYTES = 20_000_000
"""Largest file kg opens (a digest issue is ~100 KB of text, its PDF a few MB); larger files
are refused from their size alone, before a byte is read."""

MAX_CHARS = 1_000_000
"""Most characters of text kg takes from one file (a digest issue has ~40,000). Extraction
needs a few hundred bytes of memory per character of dense text (measured: a 1 MB article
took 0.5 GB and 40 s), so a larger text is refused rather than risk a memory blow-up."""

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (e.g. .docx/.xlsx or a renamed .zip)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "a Windows executable"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"SQLite format 3", "an SQLite database"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class SourceText:
    """The decoded text of one input file, with how it was decoded."""

    path: str
    text: str
    encoding: str
    sha256: str
    kind: Literal["text", "pdf"]


def read_path(path: str | Path, *, max_bytes: int = MAX_BYTES, max_chars: int = MAX_CHARS) -> SourceText:
    """Read one file as text; raise :class:`InputError` naming the file when it is not text,
    or when it is larger than ``max_bytes`` or holds more than ``max_chars`` characters."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a directory, not a file")
    size = p.stat().st_size
    if size > max_bytes:
        raise InputError(
            f"{p}: file is {size / 1e6:.1f} MB, larger than the {max_bytes / 1e6:.0f} MB kg reads from one "
            "file (a digest issue is about 0.1 MB); split it into issues or articles"
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot be read ({exc.strerror or exc})") from exc
    digest = hashlib.sha256(data).hexdigest()
    kind: Literal["text", "pdf"]
    if data.startswith(b"%PDF"):
        text, encoding, kind = pdf_to_text(data, name=str(p)), "pdf", "pdf"
    else:
        text, encoding = decode_bytes(data, name=str(p))
        kind = "text"
    del data  # keep at most one copy of a large file alive
    if len(text) > max_chars:
        raise InputError(
            f"{p}: holds {len(text):,} characters of text, more than the {max_chars:,} kg reads from one "
            "file (a digest issue has about 40,000); split it into issues or articles"
        )
    return SourceText(str(p), text, encoding, digest, kind)


def decode_bytes(data: bytes, *, name: str = "<bytes>") -> tuple[str, str]:
    """Decode text bytes, detecting the encoding; newlines come back as ``\\n``."""
    if not data.strip():
        raise InputError(f"{name}: file is empty")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"{name}: is {what}, not text")
    text: str | None = None
    encoding = ""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            text, encoding = _try(data, codec), codec
            break
    if text is None:
        text, encoding = _best_decoding(data)
    if text is None:
        raise InputError(f"{name}: is binary or in an unknown encoding (tried UTF-8, UTF-16, GB18030)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{name}: file is empty")
    if not _looks_like_text(text):
        raise InputError(f"{name}: is binary, not text (too many control characters)")
    return text, encoding


def _best_decoding(data: bytes) -> tuple[str | None, str]:
    """Strict UTF-8 first; otherwise the most plausible of UTF-16 (no BOM) and GB18030."""
    if b"\x00" not in data:
        text = _try(data, "utf-8")
        if text is not None:
            return text, "utf-8"
    codecs_to_try = ["utf-16-le", "utf-16-be"] if len(data) % 2 == 0 else []
    if b"\x00" not in data:
        codecs_to_try.append("gb18030")
    best: tuple[float, str | None, str] = (0.0, None, "")
    for codec in codecs_to_try:
        text = _try(data, codec)
        if text is not None:
            score = _plausibility(text)
            if score > best[0]:
                best = (score, text, codec)
    return (best[1], best[2]) if best[0] >= 0.9 else (None, "")


def _plausibility(text: str) -> float:
    """Share of characters a Chinese or English document is made of."""
    sample = text[:20000]
    if not sample:
        return 0.0
    return sum(1 for ch in sample if _common(ord(ch))) / len(sample)


def _common(cp: int) -> bool:
    return (
        0x20 <= cp < 0x7F
        or cp in (0x09, 0x0A, 0x0D)
        or 0x4E00 <= cp <= 0x9FFF
        or 0x3000 <= cp <= 0x303F
        or 0xFF00 <= cp <= 0xFFEF
        or 0x2000 <= cp <= 0x206F
        or 0x00A0 <= cp <= 0x00FF
        or 0x2100 <= cp <= 0x25FF
    )


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _looks_like_text(text: str) -> bool:
    sample = text[:20000]
    if "\x00" in sample:
        return False
    bad = sum(
        1
        for ch in sample
        if (unicodedata.category(ch) in ("Cc", "Co", "Cs", "Cn") and ch not in "\n\r\t\f\v")
    )
    return bad <= max(2, len(sample) // 200)


def pdf_to_text(data: bytes, *, name: str = "<pdf>") -> str:
    """Extract a PDF's text layer in stream (reading) order, one page after another."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise DependencyError(f"{name}: reading PDF needs the pdf extra: pip install 'kg[pdf]'") from exc
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = bool(reader.decrypt(""))
            except Exception:
                opened = False
            if not opened:
                raise InputError(f"{name}: PDF is encrypted; decrypt it first (e.g. qpdf --decrypt)")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"{name}: PDF cannot be read ({exc})") from exc
    if not any(p.strip() for p in pages):
        raise InputError(f"{name}: PDF has no text layer (a scan?); run OCR first, kg reads text only")
    parts: list[str] = []
    for number, page in enumerate(pages):
        lines = [ln.strip() for ln in page.replace("\r", "\n").split("\n") if ln.strip()]
        for i, line in enumerate(lines):
            page_start = number > 0 and i == 0
            if parts:
                parts.append("\n" if page_start else "\n\n")
            parts.append(" " + line if page_start else line)
    return "".join(parts) + "\n"
