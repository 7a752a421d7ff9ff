"""``kg query``, ``kg report`` and ``kg export``: reading the graph back out."""

from __future__ import annotations

from .cli import cli  # noqa: F401
