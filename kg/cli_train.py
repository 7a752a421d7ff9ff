"""``kg train``: rebuild the spaCy pipeline from the annotations."""

from __future__ import annotations

from .cli import cli  # noqa: F401
