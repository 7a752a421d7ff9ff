"""Re-render the bundled sample issues from ``src/<id>.json``: ``python -m kg.samples.build``.

Each sample uses its own seed and :class:`~kg.synth.RenderOptions`, so that together the three
exercise every artefact of the real corpus (cover markers, explicit page markers, bookmarks,
missing ``返回目录``, an irregular TOC page reference, lost-figure short pages).
``--check`` exits 1 when a rendered file or the manifest is out of date.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.synth import RenderOptions, render_issue

__all__ = ["HERE", "SAMPLES", "SampleSpec", "build", "expected_files", "load_content", "main", "stale"]

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True, kw_only=True)
class SampleSpec:
    """How one sample issue is rendered."""

    id: str
    seed: int
    options: RenderOptions


SAMPLES: tuple[SampleSpec, ...] = (
    # Like 001/003: cover-page markers, sporadic explicit page markers.
    SampleSpec(id="sample-2025-03", seed=3, options=RenderOptions(cover_markers=True, page_marker_every=12)),
    # Like 002: trailing tab-indented bookmark list; like 004: no 返回目录 after article 3.
    SampleSpec(id="sample-2025-05", seed=5, options=RenderOptions(bookmarks=True, drop_return_between=3)),
    # Like 000/001: no 返回目录 at EOF; explicit markers; one `—N页` TOC ref (004); lost-figure short pages.
    SampleSpec(
        id="sample-2025-07",
        seed=7,
        options=RenderOptions(
            drop_last_return=True, page_marker_every=10, irregular_page_refs=(7,), short_page_prob=0.08
        ),
    ),
)


def load_content(sample_id: str, root: Path = HERE) -> dict[str, Any]:
    """The content JSON of one sample."""
    with (root / "src" / f"{sample_id}.json").open(encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


def _manifest(root: Path) -> str:
    rows = [f"{s.id}.txt,{load_content(s.id, root)['issue_date']}" for s in SAMPLES]
    return "\n".join(["file,issue_date", *rows]) + "\n"


def expected_files(root: Path = HERE) -> dict[str, str]:
    """File name → the text it should hold (rendered issues and ``manifest.csv``)."""
    out = {
        f"{s.id}.txt": render_issue(load_content(s.id, root), seed=s.seed, options=s.options) for s in SAMPLES
    }
    out["manifest.csv"] = _manifest(root)
    return out


def stale(root: Path = HERE) -> list[str]:
    """Names of files that are missing or differ from a fresh render."""
    bad: list[str] = []
    for name, text in expected_files(root).items():
        path = root / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            bad.append(name)
    return bad


def build(root: Path = HERE) -> list[Path]:
    """Write the rendered issues and the manifest; returns the paths written."""
    written: list[Path] = []
    for name, text in expected_files(root).items():
        path = root / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m kg.samples.build", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="only report files that are out of date")
    args = parser.parse_args(argv)
    if args.check:
        bad = stale()
        for name in bad:
            sys.stderr.write(f"out of date: {name}\n")
        return 1 if bad else 0
    for path in build():
        sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
