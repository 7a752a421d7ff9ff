"""Expanding command-line paths into input files, and per-file outcomes of a batch run."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["SUFFIXES", "FileFailure", "expand_paths"]

SUFFIXES = (".txt", ".md", ".markdown", ".pdf")


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files as given, and the readable files inside directories (sorted, non-recursive).

    A path that does not exist is passed through, so the reader reports it by name.
    """
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            yield from sorted(c for c in p.iterdir() if c.is_file() and c.suffix.lower() in SUFFIXES)
        else:
            yield p


@dataclass(frozen=True, slots=True)
class FileFailure:
    """One input that could not be processed, and the one-sentence reason."""

    path: str
    message: str
