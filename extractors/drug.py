"""Drug extractor: a shipped lexicon plus dosage-form and INN-stem patterns, with a stop-list.

* Lexicon names and aliases (``drugs.tsv``), extended over a directly following dosage
  form (``阿托伐他汀钙`` + ``片``), or after ``注射用``.
* Unknown names: a run of name characters ending in a Chinese INN stem (``…替尼``,
  ``…单抗``) or followed by a dosage form (``…胶囊``, ``…注射液``), bounded on the left by
  a delimiter; rejected when in ``drug_stop.txt``, a class (``他汀类``) or a generic word.
* Norm: for chemical and biological drugs the name without dosage form; for TCM
  products (lexicon kind ``tcm``, or a TCM form such as 丸/丹/散/膏) the whole name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from kg.gazetteer import DrugEntry, Matcher, drug_forms, drug_stop, drugs
from kg.normalize import squeeze
from kg.resources import load_toml
from kg.types import Article, Extraction, Mention

from .base import ArticleContext, register
from .policy import scan_titles
from .scan import Scan
from .segment import tokenizer

__all__ = ["DrugExtractor", "DrugLexicon"]


@dataclass(frozen=True, slots=True)
class DrugLexicon:
    matcher: Matcher  # surface → DrugEntry
    forms: tuple[str, ...]
    form_re: re.Pattern[str]
    stop: frozenset[str]
    unknown_re: re.Pattern[str]
    inn_re: re.Pattern[str]
    salts: tuple[str, ...]
    tcm_forms: tuple[str, ...]
    stem_stop: frozenset[str]
    class_after: tuple[str, ...]
    common_freq: int
    tokenizer: Any
    left_words: tuple[str, ...]
    bare_stems: frozenset[str]
    company_after: tuple[str, ...] = ()
    inn_scan: Scan | None = None  # inn_re, scanned around its stems (None: everywhere)
    unknown_scan: Scan | None = None  # unknown_re, scanned before its dosage forms

    @classmethod
    def from_schema(cls) -> DrugLexicon:
        raw: Mapping[str, Any] = load_toml("patterns/drug.toml")
        entries: list[tuple[str, DrugEntry]] = []
        for d in drugs():
            entries.append((d.name, d))
            entries += [(a, d) for a in d.aliases]
        forms = drug_forms()
        form_alt = "|".join(map(re.escape, forms))
        delims = re.escape(raw["delimiters"].replace("\\n", "\n"))
        name_chars = rf"[^{delims}\sA-Za-z]"
        lo, hi = int(raw["stem_min"]), int(raw["stem_max"])
        stems = "|".join(map(re.escape, sorted(raw["inn_stems"], key=len, reverse=True)))
        salts = "|".join(map(re.escape, sorted(raw["salts"], key=len, reverse=True)))
        left = "|".join(["^", rf"[{delims}\sA-Za-z]", *map(re.escape, raw["left_words"])])
        start = "(?:" + "|".join(f"(?<={w})" for w in left.split("|")) + ")"
        unknown = re.compile(rf"{start}(?P<stem>{name_chars}{{{lo},{hi}}}?)(?P<form>{form_alt})")
        inn = re.compile(rf"{start}(?P<stem>{name_chars}{{1,{hi}}}?(?:{stems})(?:{salts})?)(?P<form>{form_alt})?")
        # An unknown name ends in a form and starts at most `hi` characters before it; an INN
        # name holds a stem, starts at most `hi` characters before it and may go on with a
        # salt and a form: scan only there (the lookbehinds still see the whole text).
        longest = max(map(len, raw["salts"]), default=0) + max(map(len, forms), default=0)
        unknown_scan = Scan.of(unknown, anchors=forms, before=hi)
        inn_scan = Scan.of(inn, anchors=raw["inn_stems"], before=hi, after=longest)
        return cls(Matcher(entries), forms, re.compile(rf"(?:{form_alt})"), drug_stop(), unknown, inn,
                   tuple(raw["salts"]), tuple(raw["tcm_forms"]), frozenset(raw["stem_stop"]), tuple(raw["class_after"]),
                   int(raw["common_word_freq"]), tokenizer(), tuple(raw["left_words"]),
                   frozenset([*raw["inn_stems"], "单抗", "双抗", "抗体"]), tuple(raw["company_after"]),
                   inn_scan, unknown_scan)


class DrugExtractor:
    """Finds Drug mentions (see module docstring)."""

    name = "drug"
    labels: tuple[str, ...] = ("Drug",)

    def __init__(self, lexicon: DrugLexicon) -> None:
        self.lex = lexicon
        self._scans = (("drug:inn-stem", lexicon.inn_scan or Scan(lexicon.inn_re)),
                       ("drug:form-suffix", lexicon.unknown_scan or Scan(lexicon.unknown_re)))
        self._trim = lru_cache(maxsize=8192)(self._trim_stem)  # the same candidates recur across articles

    def __call__(self, article: Article, context: ArticleContext) -> Extraction:
        return Extraction(article.id, tuple(self.mentions(article.text)))

    def mentions(self, text: str) -> list[Mention]:
        titles = scan_titles(text)
        taken: list[tuple[int, int]] = list(titles)
        out: list[Mention] = []

        def free(s: int, e: int) -> bool:
            return all(e <= a or s >= b for a, b in taken)

        for s, e, _surface, entries in self.lex.matcher.find_longest(text):
            entry: DrugEntry = entries[0]
            norm = entry.name
            form_match = self.lex.form_re.match(text, e)
            if form_match and not entry.name.endswith(self.lex.forms):
                e = form_match.end()
                if entry.kind == "tcm":  # 血塞通 + 软胶囊: a TCM product's norm keeps its form
                    norm = squeeze(entry.name + form_match.group(0))
            if text[max(0, s - 3) : s] == "注射用":
                s -= 3
            if not free(s, e) or self._is_class(text, e) or self._is_company(text, e):
                continue
            taken.append((s, e))
            out.append(Mention("Drug", text[s:e], norm, s, e, "rules", "drug:lexicon", kind=entry.kind))
        for rule, scan in self._scans:
            for m in scan.finditer(text):
                s, e = m.span()
                stem = self._trim(m["stem"])
                if stem is None:
                    continue
                s = e - len(m["form"] or "") - len(stem)
                form = m["form"] or ""
                if not free(s, e) or self._rejected(stem, form, text, e):
                    continue
                taken.append((s, e))
                tcm = rule == "drug:form-suffix" and (
                    form in self.lex.tcm_forms and not self.lex.inn_re.fullmatch(stem)
                )
                norm = squeeze(stem + form) if tcm else squeeze(stem)
                out.append(Mention("Drug", text[s:e], norm, s, e, "rules", rule, kind="tcm" if tcm else "chemical"))
        return sorted(out, key=lambda m: m.start)

    def _trim_stem(self, stem: str) -> str | None:
        """Drop leading ordinary words from an unknown name; None when nothing drug-like is left."""
        for word in self.lex.left_words:  # 抑制剂考格列汀 → 考格列汀
            cut = stem.rfind(word, 0, len(stem) - 2)
            if cut >= 0:
                stem = stem[cut + len(word) :]
        freq = self.lex.tokenizer.FREQ
        tokens = self.lex.tokenizer.lcut(stem, HMM=False)
        common = [i for i, t in enumerate(tokens[:-1]) if len(t) >= 2 and (freq.get(t) or 0) >= self.lex.common_freq]
        if common:  # everything up to the last ordinary word is context, not name
            tokens = tokens[common[-1] + 1 :]
        rest = "".join(tokens)
        if len(rest) < 2 or rest in self.lex.bare_stems:
            return None
        if all((freq.get(t) or 0) >= self.lex.common_freq for t in tokens):
            return None
        return rest

    def _is_class(self, text: str, end: int) -> bool:
        return text.startswith(self.lex.class_after, end)

    def _is_company(self, text: str, end: int) -> bool:
        """片仔癀股份有限公司, 云南白药集团: the name is a company's, not a product's."""
        return text.startswith(self.lex.company_after, end)

    def _rejected(self, stem: str, form: str, text: str, end: int) -> bool:
        whole = squeeze(stem + form)
        if whole in self.lex.stop or squeeze(stem) in self.lex.stop or stem in self.lex.stem_stop:
            return True
        if any(whole.endswith(w) and len(w) >= 2 for w in self.lex.stop):
            return True
        if any(stem.startswith(w) for w in self.lex.stem_stop):
            return True
        if self._is_class(text, end) or self._is_company(text, end):
            return True
        return len(stem) < 2


@register("drug", description="drugs from the shipped lexicon plus INN-stem and dosage-form patterns")
def build_drug(lexicon: DrugLexicon | None = None) -> DrugExtractor:
    return DrugExtractor(lexicon or DrugLexicon.from_schema())
