"""``kg load``, ``kg retract``, ``kg stats`` and ``kg schema``: writing and describing the store."""

from __future__ import annotations

from .cli import cli  # noqa: F401
