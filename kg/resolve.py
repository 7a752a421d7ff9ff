"""Entity resolution: deterministic node keys, and one Policy node per document.

Policy identity (the key of a ``Policy`` node) is computed from the title alone, so that
the same document gets the same key in every issue without looking at other issues:

* whitespace, width and dash forms folded (:func:`kg.normalize.policy_norm`);
* ``、`` and spaces between phrases ignored (``全面深化改革、推进`` = ``全面深化改革 推进``);
* ``AI`` and ``人工智能`` treated alike (authors paraphrase titles this way);
* an issuer prefix before ``关于`` dropped (``国务院办公厅关于…的意见`` = ``关于…的意见``);
* draft qualifiers (征求意见稿, 草案) split off: the draft gets its own key and a
  ``DRAFT_OF`` link to the final document's key.

Every rule that changed a surface is recorded, so a merge can be explained.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from .normalize import policy_norm, squeeze

__all__ = ["PolicyKey", "issuer_names", "policy_key"]

_DRAFT = re.compile(r"[(（](?P<q>征求意见稿|草案|送审稿|讨论稿|草案征求意见稿)[)）]$")
_AI = re.compile(r"人工智能")


@cache
def issuer_names() -> tuple[str, ...]:
    """Names that can prefix a title as its issuer (national agencies and their short names)."""
    from .gazetteer import agencies

    names: set[str] = {"中共中央国务院", "中共中央办公厅国务院办公厅", "中共中央", "国务院", "国务院办公厅", "中央"}
    try:
        for a in agencies():
            names.add(squeeze(a.name))
            names.update(squeeze(s) for s in a.short)
    except Exception:
        pass
    return tuple(sorted(names, key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class PolicyKey:
    key: str
    rules: tuple[str, ...]
    draft: bool = False
    final_key: str | None = None  # for a draft: the key of the final document


@lru_cache(maxsize=65536)
def policy_key(norm: str) -> PolicyKey:
    """The identity key of a policy from its mention norm (see module docstring)."""
    rules: list[str] = []
    key = policy_norm(norm)
    draft = False
    m = _DRAFT.search(key)
    base = key
    if m:
        draft = True
        base = key[: m.start()]
    folded = base.replace("、", "").replace("·", "")
    if folded != base:
        rules.append("punctuation")
    ai = _AI.sub("AI", folded)
    if ai != folded:
        rules.append("ai-alias")
    stripped = ai
    if "关于" in ai and not ai.startswith("关于"):
        head, _, rest = ai.partition("关于")
        if head in issuer_names() or head.replace("和", "").replace("与", "") in issuer_names():
            stripped = "关于" + rest
            rules.append("issuer-prefix")
    if draft:
        rules.append("draft")
        return PolicyKey(stripped + "(" + m.group("q") + ")" if m else stripped, tuple(rules), True, stripped)
    return PolicyKey(stripped, tuple(rules))
