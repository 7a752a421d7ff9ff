"""Relation extractor: 发布 ISSUED, 试点 PILOTS_IN, 执行 IMPLEMENTS, 中选 SELECTED_IN, 依据 BASED_ON,
修订 AMENDS, 废止 REPEALS — lexical patterns over the entities of one article.

Each relation comes with its evidence sentence, the sentence's offsets and the rule
that produced it. Triggers, allowed endpoint types and distances are data
(``schema/patterns/relations.toml``); endpoints are checked against the graph model, and
anything it does not allow is counted in :attr:`RelationExtractor.rejected`.

Patterns apply within one sentence. A trigger inside an entity span (``实施`` in
``《…实施方案》``) is not a trigger. The subject of a verb is the group of agencies (or
regions) before it in its clause, joined by ``、和与及会同联合``; when the clause has no
subject (``……，审议通过了《…》``) it is carried from the nearest earlier clause of the
sentence that starts with one, skipping adjunct clauses (``为…``, ``根据…``, ``在…``).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any

from kg.graphmodel import graph_model
from kg.resources import load_toml
from kg.types import Article, Extraction, Mention, Relation

from .base import ArticleContext, register

__all__ = ["RelationExtractor", "RelationPatterns", "sentences"]

_SENT = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_CLAUSE_SEP = "，,：:"
_DOC_NO = re.compile(r"^\s*[(（][^()（）]{0,24}[)）]")
_LIST_GAP = re.compile(r"^[\s、和及与,，]*(?:以及)?[\s、]*$")
_BY = re.compile(r"由\s*")
_BLANK = re.compile(r"\s*")
_AT = re.compile(r"\s*在\s*")
_IN_AFTER = re.compile(r"\s*(?:中|里)")
_SPACE = re.compile(r"\s")
_COMMA = re.compile(r"[，,]")
_BREAK = re.compile(r"[。；;，,]")
_JOIN_NOISE = re.compile(r"[\d\s年月日]+")
_JOINER = re.compile(r"以及|会同|联合|[、和与及,，]")
_NEVER = re.compile(r"(?!)")
_QUALIFIERS = re.compile(r"(?:\([^()]{1,20}\))+$")  # (试行), (2025-2027年) after a title's norm
_DOC_NO_ONLY = re.compile(r"[\s、，,]|[(（]?[\u4e00-\u9fa5]{1,10}[〔［\[(（](?:19|20)\d{2}[〕］\])）]\d{1,4}号[)）]?")

Found = Iterator[tuple[Mention, Mention, str, Mapping[str, str]]]


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (split at 。！？；and newlines)."""
    return [(m.start(), m.end()) for m in _SENT.finditer(text) if m.group(0).strip()]


@cache
def _alternation(words: tuple[str, ...]) -> re.Pattern[str]:
    """The words as one pattern, longest first (compiled once per word list)."""
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))) or r"(?!)")


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    """A pattern from ``relations.toml``, compiled once."""
    return re.compile(pattern)


@cache
def _price_cut(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("(?:" + "|".join(map(re.escape, words)) + r")[^，。；;]{0,6}?(?P<v>\d+(?:\.\d+)?\s*%)")


@dataclass(frozen=True, slots=True)
class Spec:
    triggers: tuple[str, ...]
    trigger_re: re.Pattern[str]
    head: tuple[str, ...]
    tail: tuple[str, ...]
    max_distance: int
    extra: Mapping[str, Any]

    def words(self, key: str) -> tuple[str, ...]:
        return tuple(self.extra.get(key, ()))


@dataclass(frozen=True, slots=True)
class Clauses:
    """How clauses start: fillers before a subject, adjunct openers, meeting subjects, causatives."""

    filler_re: re.Pattern[str]
    adjunct_starts: tuple[str, ...]
    meeting_re: re.Pattern[str]
    causative: tuple[str, ...]
    self_re: re.Pattern[str] = _NEVER

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any]) -> Clauses:
        fillers = "|".join(map(re.escape, sorted(raw.get("fillers", ()), key=len, reverse=True))) or r"(?!)"
        return cls(
            re.compile(rf"(?:\s|[，,]|{fillers})*"),
            tuple(raw.get("adjunct_starts", ())),
            re.compile(r"^\s*" + raw.get("meeting", r"(?!)") + r"\s*$"),
            tuple(raw.get("causative", ())),
            re.compile(raw.get("self_reference", r"(?!)")),
        )


@dataclass(frozen=True, slots=True)
class RelationPatterns:
    specs: Mapping[str, Spec]
    clauses: Clauses = Clauses(re.compile(r"\s*"), (), re.compile(r"(?!)"), ())

    @classmethod
    def from_schema(cls) -> RelationPatterns:
        raw: Mapping[str, Any] = load_toml("patterns/relations.toml")
        specs = {}
        for rtype, spec in raw.items():
            if "triggers" not in spec:
                continue
            triggers = tuple(sorted(spec["triggers"], key=len, reverse=True))
            specs[rtype] = Spec(
                triggers,
                _alternation(triggers),
                tuple(spec["head"]),
                tuple(spec["tail"]),
                int(spec["max_distance"]),
                spec,
            )
        return cls(specs, Clauses.from_raw(raw.get("clauses", {})))


class RelationExtractor:
    """Finds relations between the entities of one article (see module docstring)."""

    name = "relations"
    labels: tuple[str, ...] = ()

    def __init__(self, patterns: RelationPatterns) -> None:
        self.p = patterns
        self.c = patterns.clauses
        self.rejected: Counter[str] = Counter()
        self.model = graph_model()

    def __call__(self, article: Article, context: ArticleContext) -> Extraction:
        return Extraction(article.id, (), tuple(self.relations(article, (), context)))

    def relations(self, article: Article, mentions: Sequence[Mention], context: ArticleContext) -> list[Relation]:
        text = article.text
        ents = sorted(mentions, key=lambda m: m.start)
        out: list[Relation] = []
        finders = (
            ("ISSUED", self._issued),
            ("PILOTS_IN", self._pilots),
            ("IMPLEMENTS", self._implements),
            ("SELECTED_IN", self._selected),
            ("BASED_ON", self._based_on),
            ("AMENDS", self._amends),
            ("REPEALS", self._repeals),
        )
        docs = _heading_documents(text, ents)
        spans = sentences(text)
        for i, (s, e) in enumerate(spans):
            inside = [m for m in ents if s <= m.start and m.end <= e]
            if not inside:
                continue
            sent = _Sentence(text, s, e, inside, ents, docs, spans[i - 1][0] if i else s)
            for rtype, finder in finders:
                if rtype not in self.p.specs:
                    continue
                for head, tail, rule, props in finder(sent, self.p.specs[rtype]):
                    rel = self._make(rtype, head, tail, sent, rule, props)
                    if rel is not None:
                        out.append(rel)
        return _dedupe(out)

    # --- subjects ------------------------------------------------------------------------------

    def _subject(
        self,
        sent: _Sentence,
        pos: int,
        types: tuple[str, ...],
        distance: int,
        joiners: Sequence[str],
    ) -> tuple[list[Mention], str]:
        """The subject group of the verb at ``pos``: in its clause, else carried from an earlier clause."""
        cs = sent.clause_start(pos)
        cands = [m for m in sent.inside if m.type in types and max(cs, pos - distance) <= m.start and m.end <= pos]
        if cands:
            group = _group_back(sent, cands, joiners)
            if any(w in sent.full[group[-1].end : pos] for w in self.c.causative):
                return [], "causative"
            return group, "subject"
        if self._lead(sent, cs) < pos:  # the clause has words of its own before the verb
            return [], ""
        return self._carried(sent, cs, types, joiners), "carried-subject"

    def _lead(self, sent: _Sentence, p: int) -> int:
        """The first position at or after ``p`` that is not a filler word, space or date."""
        while True:
            date = next((m for m in sent.inside if m.start == p and m.type in ("Date", "Figure")), None)
            if date is not None:
                p = date.end
                continue
            m = self.c.filler_re.match(sent.full, p, sent.end)
            if m is None or m.end() == p:
                return p
            p = m.end()

    def _carried(
        self, sent: _Sentence, clause_start: int, types: tuple[str, ...], joiners: Sequence[str]
    ) -> list[Mention]:
        end = clause_start - 1
        for _ in range(5):
            if end <= sent.start:
                return []
            cs = sent.clause_start(end)
            actors = [m for m in sent.inside if m.type in ("Agency", "Region") and cs <= m.start and m.end <= end]
            lead = self._lead(sent, cs)
            first = next((m for m in actors if m.start == lead), None)
            if first is not None and first.type in types:
                return _group_forward(sent, [m for m in actors if m.type in types and m.start >= first.start], joiners)
            if actors and actors[-1].type in types and self.c.meeting_re.match(sent.full[actors[-1].end : end]):
                return _group_back(sent, [m for m in actors if m.type in types], joiners)
            if actors and not sent.full.startswith(self.c.adjunct_starts, lead):
                return []
            end = cs - 1
        return []

    def _self_document(self, sent: _Sentence, lo: int, hi: int) -> tuple[bool, Mention | None]:
        """Whether [lo, hi) refers to the text itself (本通知, 现就…通知如下), and the document
        it is: the heading title whose core ends in the word (None when there is none)."""
        found = False
        for m in self.c.self_re.finditer(sent.full, lo, hi):
            if sent.masked(m.start(), m.end()):
                continue
            found = True
            word = m["w"] or m["v"]
            doc = next((d for d in sent.docs if _QUALIFIERS.sub("", d.norm).endswith(word)), None)
            if doc is not None:
                return True, doc
        return found, None

    # --- one finder per relation type; each yields (head, tail, rule, props) -------------------

    def _issued(self, sent: _Sentence, spec: Spec) -> Found:
        full = sent.full
        joiners = spec.words("joiners")
        for policy in sent.of("Policy"):
            if any(w in full[policy.end : policy.end + 12] for w in spec.words("negative_after")):
                continue
            trigs = sent.triggers(spec.trigger_re, max(sent.start, policy.start - spec.max_distance), policy.start)
            if trigs:
                t0, t1 = trigs[-1]
                if not any(
                    n in full[max(sent.start, t0 - 12) : policy.start] for n in spec.words("negative")
                ) and _object_of(sent, t1, policy):
                    subjects, how = self._subject(
                        sent, t0, ("Agency",), int(spec.extra.get("subject_distance", 60)), joiners
                    )
                    for agency in subjects:
                        yield agency, policy, f"issued:{how}", {}
            if spec.extra.get("possessive"):
                yield from ((a, policy, "issued:possessive", {}) for a in self._possessive(sent, policy, joiners))
        # passive: 《…》由 AG 印发
        for m in _BY.finditer(sent.body):
            pos = sent.start + m.end()
            agencies = [a for a in sent.of("Agency") if pos <= a.start <= pos + 2]
            if not agencies or not spec.trigger_re.search(full[agencies[0].end : agencies[0].end + 20]):
                continue
            before = [p for p in sent.of("Policy") if p.end <= sent.start + m.start()]
            if before and _BLANK.fullmatch(full[before[-1].end : sent.start + m.start()]):
                yield agencies[0], before[-1], "issued:passive", {}

    def _possessive(self, sent: _Sentence, policy: Mention, joiners: Sequence[str]) -> list[Mention]:
        """国务院《政府工作报告》 / 中共中央、国务院在《…》中提出: the agency right before the title."""
        agencies = [a for a in sent.of("Agency") if a.end <= policy.start]
        if not agencies:
            return []
        gap = sent.full[agencies[-1].end : policy.start]
        if _BLANK.fullmatch(gap) or (
            _AT.fullmatch(gap) and _IN_AFTER.match(sent.full, policy.end)
        ):
            return _group_back(sent, agencies, joiners)
        return []

    def _pilots(self, sent: _Sentence, spec: Spec) -> Found:
        trigs = [
            t
            for t in sent.triggers(spec.trigger_re, sent.start, sent.end)
            if not sent.negated(t[0], spec.words("negative"))
        ]
        regions = [r for r in sent.of("Region") if not _inside(r, sent.of("Agency"))]
        heads = sent.of("Policy") or sent.of("Agency")
        if not trigs or not regions or not heads:
            return
        t = trigs[0][0]
        head = min(heads, key=lambda h: abs(h.start - t))
        # the regions of a clause with a trigger (支持A市打造…，在B县开展…试点: B), else the sentence's
        clauses = {(sent.clause_start(t0), sent.clause_end(t0)) for t0, _ in trigs}
        local = [r for r in regions if any(cs <= r.start and r.end <= ce for cs, ce in clauses)]
        # a chain names one place (成都市郫都区: the pilot is in 郫都区)
        sites = [r for r in (local or regions) if not any(o.start == r.end for o in regions)]
        for region in sites:
            if abs(region.start - t) <= spec.max_distance:
                yield head, region, "pilots:clause" if local else "pilots:sentence", {}

    def _implements(self, sent: _Sentence, spec: Spec) -> Found:
        full = sent.full
        joiners = ["、", "和", "与", "及", "以及", "会同", "联合"]
        distance = int(spec.extra.get("subject_distance", 40))
        programme_re = _alternation((*spec.triggers, *spec.words("programme_triggers")))
        purpose_re = _regex(spec.extra.get("purpose", r"(?!)"))
        meeting_after = _regex(spec.extra.get("meeting_after", r"(?!)"))
        for policy in sent.of("Policy"):
            pattern = programme_re if policy.kind in spec.words("programme_kinds") else spec.trigger_re
            trigs = sent.triggers(pattern, max(sent.start, policy.start - spec.max_distance), policy.start)
            if trigs:
                t0, t1 = trigs[-1]
                purpose = purpose_re.search(full[max(sent.start, t0 - 10) : t1])
                if (
                    not sent.negated(t0, spec.words("negative"))
                    and not (purpose and purpose.end() == t1 - max(sent.start, t0 - 10))
                    and _object_of(sent, t1, policy)
                ):
                    actors, how = self._subject(sent, t0, ("Region", "Agency"), distance, joiners)
                    yield from ((a, policy, f"implements:{how}", {}) for a in actors)
                    continue
            # X 召开 …《P》部署会议
            if meeting_after.match(full[policy.end : sent.end]):
                calls = sent.triggers(
                    _regex(re.escape(spec.extra.get("meeting_trigger", "召开"))),
                    max(sent.start, policy.start - spec.max_distance),
                    policy.start,
                )
                if calls and _object_of(sent, calls[-1][1], policy):
                    actors, how = self._subject(sent, calls[-1][0], ("Region", "Agency"), distance, joiners)
                    yield from ((a, policy, "implements:deploy-meeting", {}) for a in actors)
                    continue
            # 《P》在 RG 落地
            after = sent.triggers(spec.trigger_re, policy.end, min(sent.end, policy.end + spec.max_distance))
            if after and not sent.negated(after[0][0], spec.words("negative")):
                t = after[0][0]
                if not _COMMA.search(full, policy.end, t):
                    for region in [r for r in sent.of("Region") if policy.end <= r.start < t]:
                        yield region, policy, "implements:policy-region-trigger", {}
        # 为深入贯彻《P》…，X …: the main clause's subject (unless it issues a document: BASED_ON)
        made_re = (
            _alternation(self.p.specs["BASED_ON"].words("made_by"))
            if "BASED_ON" in self.p.specs
            else _NEVER
        )
        for m in purpose_re.finditer(full, sent.start, sent.end):
            if sent.masked(m.start(), m.end()):
                continue
            ce = sent.clause_end(m.end())
            bases = [p for p in sent.of("Policy") if m.end() <= p.start and p.end <= ce]
            if not bases or sent.triggers(made_re, ce, sent.end):
                continue
            for actor in self._main_subject(sent, ce, ("Region", "Agency"), joiners):
                for base in bases:
                    yield actor, base, "implements:purpose", {}

    def _main_subject(
        self, sent: _Sentence, after: int, types: tuple[str, ...], joiners: Sequence[str]
    ) -> list[Mention]:
        """The subject of the first later clause that starts with one (after a 为… purpose clause)."""
        cs = after + 1
        while cs < sent.end:
            ce = sent.clause_end(cs)
            lead = self._lead(sent, cs)
            actors = [m for m in sent.inside if m.type in types and cs <= m.start and m.end <= ce]
            if actors and actors[0].start == lead:
                return _group_forward(sent, actors, joiners)
            cs = ce + 1
        return []

    def _selected(self, sent: _Sentence, spec: Spec) -> Found:
        trigs = sent.triggers(spec.trigger_re, sent.start, sent.end)
        drugs = sent.of("Drug")
        if not trigs or not drugs:
            return
        procurements = [p for p in sent.of("Policy") if p.kind == "procurement"]
        if not procurements:
            earlier = [
                p
                for p in sent.all
                if p.type == "Policy"
                and p.kind == "procurement"
                and p.end <= sent.start
                and sent.start - p.end <= spec.max_distance
            ]
            procurements = earlier[-1:]
        if not procurements:
            return
        negated = [t for t in trigs if sent.negated(t[0], spec.words("negative"))]
        positive = [t for t in trigs if t not in negated]
        if not positive:
            return
        props = self._price_props(sent, spec)
        for drug in drugs:
            cs, ce = sent.clause_start(drug.start), sent.clause_end(drug.end)
            if any(cs <= t[0] < ce for t in negated):
                continue
            if any(cs <= t[0] < ce for t in positive) or not negated:
                yield drug, procurements[-1], "selected:sentence", props

    @staticmethod
    def _price_props(sent: _Sentence, spec: Spec) -> dict[str, str]:
        props: dict[str, str] = {}
        cut = _price_cut(spec.words("price_cut")).search(sent.body)
        if cut:
            props["price_cut"] = _SPACE.sub("", cut["v"])
        price = _regex(spec.extra.get("price", r"(?!)")).search(sent.body)
        money = [f for f in sent.of("Figure") if f.kind == "money"]
        if price:
            props["price"] = _SPACE.sub("", price["v"])
        elif len(money) == 1:
            props["price"] = money[0].norm
        return props

    def _based_on(self, sent: _Sentence, spec: Spec) -> Found:
        policies = sent.of("Policy")
        if not policies or (len(policies) < 2 and not sent.docs):  # one title: the made one is the text itself
            return
        made_re = _alternation(spec.words("made_by"))
        programme_re = _alternation((*spec.words("made_by"), *spec.words("made_by_programme")))
        for t0, t1 in sent.triggers(spec.trigger_re, sent.start, sent.end):
            first = next((p for p in policies if t1 <= p.start and len(_plain(sent, t1, p.start)) <= 6), None)
            if first is None:
                continue
            bases = _list_from(sent, first)
            keys = {b.norm for b in bases}
            made: Mention | None = None
            cs = sent.clause_start(t0)
            before = [p for p in policies if cs <= p.start and p.end <= t0 and p.norm not in keys]
            if before and len(_plain(sent, before[-1].end, t0)) <= 12:
                made = before[-1]
            else:
                for p in policies:
                    if p.start <= bases[-1].end or p.norm in keys:
                        continue
                    verb_re = programme_re if p.kind in spec.words("programme_kinds") else made_re
                    verbs = sent.triggers(verb_re, max(bases[-1].end, p.start - 20), p.start)
                    if verbs and _object_of(sent, verbs[-1][1], p):
                        made = p
                        break
            rule = "based-on:trigger-base-made"
            if made is None:  # 根据《Y》…，现就有关事项通知如下: the text itself is made
                made, rule = self._self_document(sent, bases[-1].end, sent.end)[1], "based-on:self"
                if made is not None and made.norm in keys:
                    made = None
            if made is not None:
                for base in bases:
                    yield made, base, rule, {}

    def _amends(self, sent: _Sentence, spec: Spec) -> Found:
        policies = sent.of("Policy")
        if len(policies) < 2 or not sent.triggers(spec.trigger_re, sent.start, sent.end):
            return
        forms = [(_regex(f["gap"]), _regex(f.get("after") or "")) for f in spec.extra.get("forms", ())]
        for a, b in pairwise(policies):
            gap = sent.full[a.end : b.start]
            for gap_re, after_re in forms:
                if gap_re.match(gap) and after_re.match(sent.full[b.end : sent.end]):
                    yield a, b, "amends:form", {}
                    break
            else:
                # 《A》是…，对 2021 年出台的《B》…进行了修订: a later clause whose subject is A
                cs = sent.clause_start(b.start)
                lead = policies[0]
                if (
                    forms
                    and lead.end <= cs
                    and lead.start == self._lead(sent, sent.start)
                    and _regex(spec.extra.get("clause_gap", r"(?!)")).match(sent.full[cs : b.start])
                    and forms[0][1].match(sent.full[b.end : sent.end])
                    and lead.norm != b.norm
                ):
                    yield lead, b, "amends:clause-subject", {}

    def _repeals(self, sent: _Sentence, spec: Spec) -> Found:
        policies = sent.of("Policy")
        for t0, t1 in sent.triggers(spec.trigger_re, sent.start, sent.end):
            if sent.negated(t0, spec.words("negative")):
                continue
            tails = _list_before(sent, t0, 10)
            if not tails:
                nxt = next((p for p in policies if t1 <= p.start), None)
                if nxt is None or len(_plain(sent, t1, nxt.start)) > 2:
                    continue
                tails = _list_from(sent, nxt)
            keys = {p.norm for p in tails}
            heads = [p for p in policies if p.end <= tails[0].start and p.norm not in keys]
            rule = "repeals:sentence"
            if not heads:  # 本通知自印发之日起施行。《X》同时废止: the text itself repeals
                refers, doc = self._self_document(sent, sent.previous, sent.end)
                if refers:
                    if doc is not None and doc.norm not in keys:
                        yield from ((doc, tail, "repeals:self", {}) for tail in tails)
                    continue
                heads = [
                    p
                    for p in sent.all
                    if p.type == "Policy"
                    and p.end <= sent.start
                    and sent.start - p.end <= spec.max_distance
                    and p.norm not in keys
                ][-1:]
            if heads:
                for tail in tails:
                    yield heads[-1], tail, rule, {}

    # --- assembling ----------------------------------------------------------------------------

    def _make(
        self, rtype: str, head: Mention, tail: Mention, sent: _Sentence, rule: str, props: Mapping[str, str]
    ) -> Relation | None:
        spec = self.p.specs[rtype]
        if head.type not in spec.head or tail.type not in spec.tail:
            self.rejected[f"{rtype}: {head.type} → {tail.type} not in the pattern's types"] += 1
            return None
        if not self.model.rel(rtype).allows(head.type, tail.type):
            self.rejected[f"{rtype}: schema does not allow {head.type} → {tail.type}"] += 1
            return None
        if head.norm == tail.norm and head.type == tail.type:
            self.rejected[f"{rtype}: head and tail are the same entity"] += 1
            return None
        return Relation(
            rtype,
            head.norm,
            head.type,
            tail.norm,
            tail.type,
            sent.full[sent.start : sent.end].strip(),
            sent.start,
            sent.end,
            "rules",
            f"relation:{rule}",
            tuple(sorted(props.items())),
        )


class _Sentence:
    __slots__ = ("_by_type", "_names", "all", "docs", "end", "full", "inside", "previous", "start")

    def __init__(self, text: str, start: int, end: int, inside: list[Mention], all_mentions: list[Mention],
                 docs: Sequence[Mention] = (), previous: int | None = None) -> None:
        self.full, self.start, self.end, self.inside, self.all = text, start, end, inside, all_mentions
        self.docs = docs  # the article's heading titles (the documents it is)
        self.previous = start if previous is None else previous  # where the sentence before starts
        by_type: dict[str, list[Mention]] = {}
        for m in inside:
            by_type.setdefault(m.type, []).append(m)
        self._by_type = {etype: tuple(ms) for etype, ms in by_type.items()}
        self._names = [(m.start, m.end) for m in inside if m.type not in ("Date", "Figure")]

    @property
    def body(self) -> str:
        return self.full[self.start : self.end]

    def of(self, etype: str) -> tuple[Mention, ...]:
        return self._by_type.get(etype, ())

    def masked(self, start: int, end: int) -> bool:
        """Whether [start, end) overlaps an entity span (a trigger there is part of a name)."""
        return any(s < end and start < e for s, e in self._names)

    def triggers(self, pattern: re.Pattern[str], lo: int, hi: int) -> list[tuple[int, int]]:
        return [
            (m.start(), m.end()) for m in pattern.finditer(self.full, lo, hi) if not self.masked(m.start(), m.end())
        ]

    def negated(self, pos: int, words: Sequence[str]) -> bool:
        before = self.full[max(self.start, pos - 4) : pos].rstrip()
        return any(before.endswith(w) for w in words)

    def clause_start(self, pos: int) -> int:
        return max([self.start] + [i + 1 for i in (self._rfind(c, pos) for c in _CLAUSE_SEP) if i >= 0])

    def clause_end(self, pos: int) -> int:
        ends = [i for i in (self._find(c, pos) for c in _CLAUSE_SEP) if i >= 0]
        return min(ends) if ends else self.end

    def _rfind(self, c: str, pos: int) -> int:
        i = self.full.rfind(c, self.start, pos)
        while i >= 0 and self.masked(i, i + 1):
            i = self.full.rfind(c, self.start, i)
        return i

    def _find(self, c: str, pos: int) -> int:
        i = self.full.find(c, pos, self.end)
        while i >= 0 and self.masked(i, i + 1):
            i = self.full.find(c, i + 1, self.end)
        return i


def _plain(sent: _Sentence, start: int, end: int) -> str:
    """The text in [start, end) without entity spans and whitespace."""
    spans = [(m.start, m.end) for m in sent.inside if start <= m.start and m.end <= end]
    out, pos = [], start
    for s, e in spans:
        out.append(sent.full[pos:s])
        pos = e
    out.append(sent.full[pos:end])
    return _SPACE.sub("", "".join(out))


def _list_from(sent: _Sentence, first: Mention) -> list[Mention]:
    """``first`` and the titles coordinated with it (《A》、《B》和《C》, 文号 allowed after each)."""
    out = [first]
    for p in sent.of("Policy"):
        if p.start < out[-1].end:
            continue
        gap = sent.full[out[-1].end : p.start]
        doc = _DOC_NO.match(gap)
        if _LIST_GAP.match(gap[doc.end() :] if doc else gap):
            out.append(p)
        else:
            break
    return out


def _list_before(sent: _Sentence, pos: int, distance: int) -> list[Mention]:
    """The titles (a coordinated list) ending at most ``distance`` plain characters before ``pos``."""
    before = [p for p in sent.of("Policy") if p.end <= pos]
    if not before:
        return []
    gap = sent.full[before[-1].end : pos]
    doc = _DOC_NO.match(gap)
    if len(_SPACE.sub("", gap[doc.end() :] if doc else gap)) > distance or _COMMA.search(gap):
        return []
    out = [before[-1]]
    for p in reversed(before[:-1]):
        g = sent.full[p.end : out[0].start]
        d = _DOC_NO.match(g)
        if _LIST_GAP.match(g[d.end() :] if d else g):
            out.insert(0, p)
        else:
            break
    return out


def _object_of(sent: _Sentence, verb_end: int, policy: Mention) -> bool:
    """Whether ``policy`` is the verb's object: no clause break in between, other titles only as a list."""
    between = [p for p in sent.of("Policy") if verb_end <= p.start and p.end <= policy.start]
    head_gap = sent.full[verb_end : between[0].start if between else policy.start]
    if _BREAK.search(head_gap):
        return False
    return not between or policy in _list_from(sent, between[0])


def _group_back(sent: _Sentence, cands: Sequence[Mention], joiners: Sequence[str]) -> list[Mention]:
    """The last candidate and those joined to it by 、/和/与/会同 … (one subject group)."""
    group = [cands[-1]]
    for a in reversed(cands[:-1]):
        if _joined(sent.full[a.end : group[0].start], joiners):
            group.insert(0, a)
        else:
            break
    return group


def _group_forward(sent: _Sentence, cands: Sequence[Mention], joiners: Sequence[str]) -> list[Mention]:
    group = [cands[0]]
    for a in cands[1:]:
        if _joined(sent.full[group[-1].end : a.start], joiners):
            group.append(a)
        else:
            break
    return group


def _joined(gap: str, joiners: Sequence[str]) -> bool:
    gap = _JOIN_NOISE.sub("", gap)
    return (
        gap == ""
        or gap in joiners
        or (
            len(gap) <= 4
            and all(part in joiners for part in _JOINER.findall(gap))
            and _JOINER.sub("", gap) == ""
        )
    )


def _heading_documents(text: str, mentions: Sequence[Mention]) -> list[Mention]:
    """Policy titles that fill their line together with their issuers and 文号
    (国务院办公厅关于…的通知 / 国办发〔2025〕18号): the documents the article is."""
    names = sorted((m for m in mentions if m.type in ("Policy", "Agency")), key=lambda m: m.start)
    starts = [m.start for m in names]
    out = []
    for m in names:
        if m.type != "Policy":
            continue
        lo = text.rfind("\n", 0, m.start) + 1
        hi = text.find("\n", m.end)
        hi = len(text) if hi < 0 else hi
        if hi - lo > 200:
            continue  # a paragraph, not a heading
        rest, pos = [], lo
        for o in names[bisect_left(starts, lo) : bisect_left(starts, hi)]:
            if o.start >= pos and o.end <= hi:
                rest.append(text[pos : o.start])
                pos = o.end
        rest.append(text[pos:hi])
        if not _DOC_NO_ONLY.sub("", "".join(rest)):
            out.append(m)
    return out


def _inside(m: Mention, others: Sequence[Mention]) -> bool:
    return any(o.start <= m.start and m.end <= o.end for o in others)


def _dedupe(relations: list[Relation]) -> list[Relation]:
    seen: set[tuple[str, str, str, int]] = set()
    out = []
    for r in relations:
        key = (r.type, r.head, r.tail, r.start)
        if key not in seen:
            seen.add(key)
            out.append(r)
    return out


@register("relations", description="发布/试点/执行/中选/依据/修订/废止 patterns between the entities of an article")
def build_relations(patterns: RelationPatterns | None = None) -> RelationExtractor:
    return RelationExtractor(patterns or RelationPatterns.from_schema())
