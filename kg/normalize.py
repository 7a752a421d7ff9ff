"""Normalisation in one place, shared by extraction, resolution, the gold set and loading.

* :func:`fold` — NFKC (full-width letters, digits and punctuation → half-width), dash
  forms folded to ``-``, whitespace removed except one space between two Latin/digit
  tokens (``CardioMind beta``). PDF kerning spaces (``2025 年 3 月``) disappear.
* :func:`squeeze` — :func:`fold` with every whitespace removed: the key form.
* :func:`policy_norm` — a ``《…》`` title's key: outer brackets stripped, squeezed.
* :func:`default_norm` — the key a mention gets when nothing more specific applies.

The original surface text is always kept separately; these are keys for matching.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["default_norm", "fold", "policy_norm", "squeeze", "strip_title_brackets"]

_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−－﹣⁃", "-"))
_SPACE_RUN = re.compile(r"\s+")
_ALNUM = re.compile(r"[A-Za-z0-9]")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """NFKC + dash folding + whitespace kept only between two Latin/digit tokens."""
    t = unicodedata.normalize("NFKC", text).translate(_DASHES)

    def space(m: re.Match[str]) -> str:
        before = t[m.start() - 1] if m.start() > 0 else ""
        after = t[m.end()] if m.end() < len(t) else ""
        latin = before and after and _ALNUM.match(before) and _ALNUM.match(after)
        return " " if latin and before.isalpha() and after.isalpha() else ""

    return _SPACE_RUN.sub(space, t).strip()


@lru_cache(maxsize=65536)
def squeeze(text: str) -> str:
    """:func:`fold` with all whitespace removed; a fixed point (``squeeze(squeeze(x)) == squeeze(x)``).

    NFKC can expand a character into a space and a combining mark (``´`` → `` ́``); once the
    space is gone the mark composes with the letter before it, so normalise until stable.
    """
    t = _SPACE_RUN.sub("", fold(text))
    for _ in range(3):
        if unicodedata.is_normalized("NFKC", t):
            break
        t = _SPACE_RUN.sub("", unicodedata.normalize("NFKC", t))
    return t


def strip_title_brackets(text: str) -> str:
    """``《…》`` → ``…`` (only the outermost pair)."""
    t = text.strip()
    if t.startswith("《") and t.endswith("》"):
        return t[1:-1]
    return t


def policy_norm(text: str) -> str:
    """The key of a policy title: brackets stripped, folded, all whitespace removed."""
    return squeeze(strip_title_brackets(text))


def default_norm(entity_type: str, surface: str) -> str:
    """The norm a mention of this type gets from its surface alone."""
    if entity_type == "Policy":
        return policy_norm(surface)
    return squeeze(surface)
