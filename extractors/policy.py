"""Policy extractor: ``《…》`` titles, 文号, short forms, unbracketed titles and programmes.

* A bracket-balanced scanner finds ``《…》`` spans (nested ``《》``/``〈〉`` and quotes kept
  inside); a title is a policy when its suffix (after qualifiers such as ``(试行)``) is a
  document suffix and it is not a publication, headline or classic (``schema/patterns/policy.toml``).
* A 文号 right after a title (``(国办发〔2024〕53 号)``) becomes the mention's ``doc_no``.
* Short forms (``《意见》``) resolve to the full title they were introduced for
  (``(以下简称《意见》)``), else to the nearest full title with the same suffix.
* Titles in quotes or bare (``关于…的通知``), bare law names, the government work report,
  and named programmes (numbered procurement batches, alliance procurements, DRG/DIP 2.0)
  are policies too, with ``kind``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kg.normalize import policy_norm, squeeze
from kg.resources import load_toml
from kg.types import Article, Extraction, Mention

from .base import ArticleContext, register
from .numerals import cn_to_int, int_to_cn
from .scan import Scan, uses

__all__ = ["PolicyExtractor", "PolicyPatterns", "classify_title", "scan_titles"]

_MAX_TITLE = 160
_QUALIFIER_TAIL = re.compile(r"[(（][^()（）]{1,20}[)）]\s*$")
_YEARISH = re.compile(
    r"^(?:(?:19|20)\d{2}\s*[—–\-~至]\s*(?:19|20)?\d{2,4}\s*年?"
    r"|(?:19|20)\d{2}\s*年?\s*(?:版|修订|修正)?)$"
)
_NOT_LAWS = ("方法", "做法", "算法", "写法", "用法", "疗法", "手法", "想法", "看法", "说法")
"""Words ending in 法 that are not laws."""


@dataclass(frozen=True, slots=True)
class PolicyPatterns:
    """Compiled patterns from ``schema/patterns/policy.toml``."""

    qualifiers: frozenset[str]
    suffix_kind: tuple[tuple[str, str], ...]
    non_policy_suffixes: tuple[str, ...]
    non_policy_titles: frozenset[str]
    markers: tuple[str, ...]
    short_words: frozenset[str]
    intro: re.Pattern[str]
    doc_no: re.Pattern[str]
    quoted: Scan
    bare: Scan
    laws: Scan
    named_rules: Scan | None
    reports: tuple[Scan, ...]
    programmes: tuple[tuple[str, str, Scan, str, str, str, tuple[str, ...]], ...]
    heading: Scan | None = None  # issuer + bare title alone on its line
    attachment: Scan | None = None  # 附件：<title> at a line end

    @classmethod
    def from_schema(cls, name: str = "patterns/policy.toml") -> PolicyPatterns:
        raw: Mapping[str, Any] = load_toml(name)
        laws = sorted(raw["unbracketed"]["laws"], key=len, reverse=True)
        # a match is a law name, maybe after 中华人民共和国, and its lookahead reads one character more
        law_names = "|".join(map(re.escape, laws))
        law_re = Scan.of(rf"(?<![《])(?P<t>(?:中华人民共和国)?(?:{law_names}))(?![规律人院定官典学务治》])",
                         anchors=laws, before=len("中华人民共和国"), after=1)
        rules = sorted(raw["unbracketed"].get("named_rules", []), key=len, reverse=True)
        return cls(
            qualifiers=frozenset(squeeze(q) for q in raw["qualifiers"]),
            suffix_kind=tuple(sorted(raw["suffix_kind"].items(), key=lambda kv: -len(kv[0]))),
            non_policy_suffixes=tuple(sorted(raw["non_policy"]["suffixes"], key=len, reverse=True)),
            non_policy_titles=frozenset(squeeze(t) for t in raw["non_policy"]["titles"]),
            markers=tuple(raw["non_policy"]["markers"]),
            short_words=frozenset(raw["short_forms"]["words"]),
            intro=re.compile(raw["short_forms"]["intro"]),
            doc_no=re.compile(raw["doc_no"]["pattern"]),
            quoted=Scan.of(raw["unbracketed"]["quoted"]),
            bare=Scan.of(raw["unbracketed"]["bare"]),
            laws=law_re,
            named_rules=(Scan.of(rf"(?<![《])(?P<t>{'|'.join(map(re.escape, rules))})(?![》])", anchors=rules, after=1)
                         if rules else None),
            reports=tuple(Scan.of(p) for p in raw["unbracketed"]["reports"]),
            programmes=tuple(
                (r["name"], r["kind"],
                 Scan.of(r["pattern"], anchors=r.get("anchors", ()), before=r.get("before", 0),
                         after=r.get("after", 0)),
                 r["norm"], r.get("default_what", ""), r.get("span", ""),
                 tuple(sorted(r.get("trim", []), key=len, reverse=True)))
                for r in raw["programmes"]["rule"]
            ),
            heading=Scan.of(raw["unbracketed"]["heading"]) if "heading" in raw["unbracketed"] else None,
            attachment=Scan.of(raw["unbracketed"]["attachment"]) if "attachment" in raw["unbracketed"] else None,
        )


def scan_titles(text: str) -> list[tuple[int, int]]:
    """Spans of balanced ``《…》`` titles (outermost only), never across a newline."""
    return list(_titles(text))


@lru_cache(maxsize=64)
def _titles(text: str) -> tuple[tuple[int, int], ...]:
    """:func:`scan_titles`, remembered: every extractor asks it of the same article."""
    spans: list[tuple[int, int]] = []
    i = text.find("《")
    while i >= 0:
        depth = 0
        j = i
        end = -1
        limit = min(len(text), i + _MAX_TITLE)
        while j < limit:
            ch = text[j]
            if ch == "\n":
                break
            if ch == "《":
                depth += 1
            elif ch == "》":
                depth -= 1
                if depth == 0:
                    end = j + 1
                    break
            j += 1
        if end > 0 and end - i > 2:
            spans.append((i, end))
            i = text.find("《", end)
        else:
            i = text.find("《", i + 1)
    return tuple(spans)


def _core(title: str, patterns: PolicyPatterns) -> tuple[str, tuple[str, ...]]:
    """The title without trailing qualifiers, and the qualifiers."""
    core = squeeze(title)
    quals: list[str] = []
    while True:
        m = _QUALIFIER_TAIL.search(core)
        if not m:
            break
        inner = m.group(0)[1:-1]
        if inner in patterns.qualifiers or _YEARISH.match(inner) or inner.endswith(("版", "稿")):
            quals.insert(0, inner)
            core = core[: m.start()]
        else:
            break
    return core, tuple(quals)


def classify_title(inner: str, patterns: PolicyPatterns) -> str | None:
    """The policy kind of a title's inner text, or None when it is not a policy."""
    core, _ = _core(inner, patterns)
    if not core or core in patterns.non_policy_titles:
        return None
    if any(m in core for m in patterns.markers):
        return None
    if core.endswith(patterns.non_policy_suffixes):
        return None
    for suffix, kind in patterns.suffix_kind:
        if core.endswith(suffix):
            if suffix == "法" and core.endswith(_NOT_LAWS):
                return None
            return kind
    return None


def _draft(quals: tuple[str, ...]) -> bool:
    return any(q in ("征求意见稿", "草案", "送审稿", "讨论稿") for q in quals)


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    text: str
    norm: str
    kind: str
    rule: str
    doc_no: str | None = None
    short: str | None = None  # the short word when this is an unresolved short form
    programme: str | None = None  # the programme a document title names (its batch or alliance)


class PolicyExtractor:
    """Finds Policy mentions in an article (see module docstring)."""

    name = "policy"
    labels: tuple[str, ...] = ("Policy",)

    def __init__(self, patterns: PolicyPatterns) -> None:
        self.patterns = patterns

    def __call__(self, article: Article, context: ArticleContext) -> Extraction:
        return Extraction(article.id, tuple(self.mentions(article.text)))

    def mentions(self, text: str) -> list[Mention]:
        p = self.patterns
        found: list[_Found] = []
        taken: list[tuple[int, int]] = []
        aliases: dict[str, str] = {}
        for start, end in scan_titles(text):
            taken.append((start, end))
            surface = text[start:end]
            inner = surface[1:-1]
            core, quals = _core(inner, p)
            kind = classify_title(inner, p)
            if kind is None:
                continue
            after = text[end : end + 40]
            doc = p.doc_no.match(after)
            doc_no = squeeze(doc["no"]) if doc else None
            if core in p.short_words and not quals:
                found.append(_Found(start, end, surface, policy_norm(surface), kind, "title-short", doc_no, core))
            else:
                norm = policy_norm(surface)
                programme = self._programme_in(inner)
                found.append(_Found(start, end, surface, norm, kind, "title", doc_no, programme=programme))
                intro = p.intro.match(text, end + (doc.end() if doc else 0))
                if intro:
                    alias = squeeze(intro["b"] or intro["q"] or "")
                    if alias:
                        aliases[alias] = norm
                        if intro["q"]:
                            qs, qe = intro.start("q"), intro.end("q")
                            found.append(_Found(qs, qe, text[qs:qe], norm, kind, "alias-quoted"))
                            taken.append((qs, qe))
        found += self._unbracketed(text, taken)
        found += self._programmes(text, taken, aliases)
        resolved: dict[str, str] = {}  # a short word keeps the referent its first use got
        return [self._resolve(f, found, aliases, resolved) for f in sorted(found, key=lambda f: (f.start, -f.end))]

    def _programme_in(self, title: str) -> str | None:
        """The programme a document title belongs to (《关于开展…66个化学药品省际联盟带量联动采购公告》)."""
        for name, _, pattern, template, default_what, _, _ in self.patterns.programmes:
            m = pattern.search(title)
            if m:
                return _programme_norm(name, template, default_what, m)
        return None

    def _resolve(self, f: _Found, found: list[_Found], aliases: dict[str, str], resolved: dict[str, str]) -> Mention:
        norm, rule = f.norm, f.rule
        if f.short is not None:
            if f.short in aliases:
                norm, rule = aliases[f.short], "short-form-introduced"
            elif f.short in resolved:  # 《办法》…《旧办法》…《办法》: still the first referent
                norm, rule = resolved[f.short], "short-form-nearest"
            else:
                # the title without its qualifiers: …办法(征求意见稿) for 《办法》
                full = [g for g in found if g.short is None and g.rule != "alias-quoted" and g.kind == f.kind
                        and _core(g.norm, self.patterns)[0].endswith(f.short)]
                before = [g for g in full if g.start < f.start]
                pick = before[-1] if before else (full[0] if full else None)
                if pick is not None:
                    norm, rule = pick.norm, "short-form-nearest"
                    resolved[f.short] = norm
        return Mention(
            type="Policy",
            text=f.text,
            norm=norm,
            start=f.start,
            end=f.end,
            extractor="rules",
            rule=f"policy:{rule}",
            kind=f.kind,
            doc_no=f.doc_no,
            parent=f.programme,
        )

    def _unbracketed(self, text: str, taken: list[tuple[int, int]]) -> list[_Found]:
        p = self.patterns
        out: list[_Found] = []

        def free(s: int, e: int) -> bool:
            return all(e <= a or s >= b for a, b in taken)

        scans = [("quoted-title", p.quoted), ("heading-title", p.heading), ("bare-title", p.bare),
                 ("attachment", p.attachment)]
        for rule, pattern in [(r, sc) for r, sc in scans if sc is not None]:
            for m in pattern.finditer(text):
                s, e = m.span("t")
                if free(s, e):
                    title = m["t"]
                    kind = classify_title(title, p)
                    if kind is None and rule == "attachment":
                        continue  # 附件：…申报表 is a form, not a document
                    kind = kind or "notice"
                    doc = p.doc_no.match(text, e + (1 if rule == "quoted-title" else 0))
                    out.append(_Found(s, e, title, policy_norm(title), kind, rule, squeeze(doc["no"]) if doc else None))
                    taken.append((s, e))
        for m in p.laws.finditer(text):
            s, e = m.span("t")
            if free(s, e):
                out.append(_Found(s, e, m["t"], policy_norm(m["t"]), "law", "bare-law"))
                taken.append((s, e))
        if p.named_rules is not None:
            for m in p.named_rules.finditer(text):
                s, e = m.span("t")
                if free(s, e):
                    out.append(_Found(s, e, m["t"], policy_norm(m["t"]), "regulation", "bare-rule"))
                    taken.append((s, e))
        for pattern in p.reports:
            for m in pattern.finditer(text):
                s, e = m.span("t")
                if free(s, e):
                    out.append(_Found(s, e, m["t"], policy_norm(m["t"]), "report", "bare-report"))
                    taken.append((s, e))
        return out

    def _programmes(self, text: str, taken: list[tuple[int, int]], aliases: dict[str, str]) -> list[_Found]:
        out: list[_Found] = []
        for name, kind, pattern, template, default_what, span_from, trim in self.patterns.programmes:
            for m in pattern.finditer(text):
                s, e = (m.start(span_from), m.end()) if span_from else m.span()
                s = _trim_lead(text, s, e, trim)
                if not all(e <= a or s >= b for a, b in taken):
                    continue
                norm = squeeze(text[s:e]) if trim else _programme_norm(name, template, default_what, m)
                out.append(_Found(s, e, text[s:e], norm, kind, f"programme-{name}"))
                taken.append((s, e))
                intro = self.patterns.intro.match(text, e)
                if intro and (intro["q"] or intro["b"]):
                    alias = squeeze(intro["q"] or intro["b"])
                    aliases[alias] = norm
                    qs, qe = intro.span("q") if intro["q"] else intro.span("b")
                    out.append(_Found(qs, qe, text[qs:qe], norm, kind, "alias-quoted"))
                    taken.append((qs, qe))
        for alias, norm in list(aliases.items()):
            if len(alias) < 3:
                continue
            for s, e in uses(text, alias):
                if all(e <= a or s >= b for a, b in taken):
                    out.append(_Found(s, e, alias, norm, "programme", "alias-use"))
                    taken.append((s, e))
        return out


def _trim_lead(text: str, s: int, e: int, words: tuple[str, ...]) -> int:
    """Move ``s`` past leading function words and verbs (以进一步深化…行动 → …行动)."""
    moved = True
    while moved and words:
        moved = False
        for w in words:
            if text.startswith(w, s) and e - s - len(w) >= 4:
                s += len(w)
                moved = True
                break
    return s


def _programme_norm(name: str, template: str, default_what: str, m: re.Match[str]) -> str:
    """A programme's norm from its rule's template: ``{n}``, ``{what}``, ``{core}``, ``{surface}``."""
    groups = m.groupdict()
    return template.format(
        n=_canon_number(name, groups.get("n")),
        what=_canon_what(groups.get("what") or default_what),
        core=squeeze(groups.get("core") or ""),
        surface=squeeze(m.group(0)),
    )


_WHAT = {"省份": "省", "省(区、市)": "省", "省区市": "省", "化药": "化学药品"}


def _canon_what(what: str) -> str:
    w = squeeze(what)
    return _WHAT.get(w, w)


def _canon_number(rule: str, n: str | None) -> str:
    if n is None:
        return ""
    value = cn_to_int(n)
    if value is None:
        return n
    return int_to_cn(value) if rule == "national-batch" else str(value)


@register("policy", description="《…》 titles, 文号, short forms, unbracketed titles and named programmes")
def build_policy(patterns: PolicyPatterns | None = None) -> PolicyExtractor:
    return PolicyExtractor(patterns or PolicyPatterns.from_schema())
