"""The one module that knows the order of the stages: read → parse → extract → resolve →
validate → store. Issues are streamed one at a time, so memory stays bounded however
many files are loaded; one issue's failure is reported and the others still load.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputError, KGError
from .extract import Extractors, default_extractors, extract_issue
from .graph import build_batch
from .inputs import FileFailure, expand_paths
from .parser import parse_path, read_manifest
from .types import GraphBatch, Issue, LoadReport

if TYPE_CHECKING:
    from .store.base import Store

__all__ = ["LoadRun", "batches", "issue_batch", "load_paths"]

log = logging.getLogger(__name__)


@dataclass(slots=True)
class LoadRun:
    """The outcome of loading several files."""

    reports: list[LoadReport] = field(default_factory=list)
    failures: list[FileFailure] = field(default_factory=list)
    warnings: dict[str, tuple[str, ...]] = field(default_factory=dict)


def issue_batch(issue: Issue, extractors: Extractors) -> GraphBatch:
    """Extract and resolve one parsed issue into its validated graph batch."""
    return build_batch(issue, extract_issue(issue, extractors))


def batches(
    paths: Iterable[str | Path],
    *,
    extractors: Extractors | None = None,
    manifest: str | Path | None = None,
    issue_date: str | None = None,
    issue_id: str | None = None,
    on_error: Callable[[FileFailure], None] | None = None,
) -> Iterator[tuple[Issue, GraphBatch]]:
    """Parse and extract each file in turn; failures go to ``on_error`` (or raise)."""
    chosen = extractors or default_extractors()
    dates = read_manifest(manifest) if manifest else {}
    files = list(expand_paths(paths))
    if issue_id and len(files) > 1:
        raise InputError("--issue-id names one issue, but several files were given")
    for path in files:
        try:
            issue = parse_path(path, issue_id=issue_id, issue_date=issue_date or dates.get(path.name))
            yield issue, issue_batch(issue, chosen)
        except KGError as exc:
            if on_error is None:
                raise
            on_error(FileFailure(str(path), str(exc)))


def load_paths(
    store: Store,
    paths: Iterable[str | Path],
    *,
    extractors: Extractors | None = None,
    manifest: str | Path | None = None,
    issue_date: str | None = None,
    issue_id: str | None = None,
    fail_fast: bool = False,
    progress: Callable[[str], None] | None = None,
) -> LoadRun:
    """Load files into a store, one issue per transaction; a bad file never stops the others
    (unless ``fail_fast``) and never leaves a half-written issue."""
    run = LoadRun()

    def failed(failure: FileFailure) -> None:
        run.failures.append(failure)
        log.warning("%s", failure.message)

    for issue, batch in batches(paths, extractors=extractors, manifest=manifest, issue_date=issue_date,
                                issue_id=issue_id, on_error=None if fail_fast else failed):
        try:
            store.ensure_schema()
            run.reports.append(store.load(batch))
            run.warnings[issue.id] = issue.warnings
        except KGError as exc:
            if fail_fast:
                raise
            failed(FileFailure(issue.source_file or issue.id, f"{issue.source_file or issue.id}: {exc}"))
        if progress:
            progress(issue.id)
    return run
