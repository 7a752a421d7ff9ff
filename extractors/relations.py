"""Relation extractor: 发布 ISSUED, 试点 PILOTS_IN, 执行 IMPLEMENTS, 中选 SELECTED_IN, 依据 BASED_ON,
修订 AMENDS, 废止 REPEALS — lexical patterns over the entities of one article.

Each relation comes with its evidence sentence, the sentence's offsets and the rule
that produced it. Triggers, allowed endpoint types and distances are data
(``schema/patterns/relations.toml``); endpoints are checked against the graph model, and
anything it does not allow is counted in :attr:`RelationExtractor.rejected`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kg.graphmodel import graph_model
from kg.resources import load_toml
from kg.types import Article, Extraction, Mention, Relation

from .base import ArticleContext, register

__all__ = ["RelationExtractor", "RelationPatterns", "sentences"]

_SENT = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (split at 。！？；and newlines)."""
    return [(m.start(), m.end()) for m in _SENT.finditer(text) if m.group(0).strip()]


@dataclass(frozen=True, slots=True)
class Spec:
    triggers: tuple[str, ...]
    trigger_re: re.Pattern[str]
    head: tuple[str, ...]
    tail: tuple[str, ...]
    max_distance: int
    extra: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class RelationPatterns:
    specs: Mapping[str, Spec]

    @classmethod
    def from_schema(cls) -> RelationPatterns:
        raw: Mapping[str, Any] = load_toml("patterns/relations.toml")
        specs = {}
        for rtype, spec in raw.items():
            triggers = tuple(sorted(spec["triggers"], key=len, reverse=True))
            specs[rtype] = Spec(triggers, re.compile("|".join(map(re.escape, triggers))), tuple(spec["head"]),
                                tuple(spec["tail"]), int(spec["max_distance"]), spec)
        return cls(specs)


class RelationExtractor:
    """Finds relations between the entities of one article (see module docstring)."""

    name = "relations"
    labels: tuple[str, ...] = ()

    def __init__(self, patterns: RelationPatterns) -> None:
        self.p = patterns
        self.rejected: Counter[str] = Counter()
        self.model = graph_model()

    def __call__(self, article: Article, context: ArticleContext) -> Extraction:
        return Extraction(article.id, (), tuple(self.relations(article, (), context)))

    def relations(self, article: Article, mentions: Sequence[Mention], context: ArticleContext) -> list[Relation]:
        text = article.text
        ents = sorted(mentions, key=lambda m: m.start)
        out: list[Relation] = []
        for s, e in sentences(text):
            inside = [m for m in ents if s <= m.start and m.end <= e]
            if not inside:
                continue
            sent = _Sentence(text, s, e, inside, ents)
            for rtype, finder in (("ISSUED", self._issued), ("PILOTS_IN", self._pilots), ("IMPLEMENTS", self._implements),
                                  ("SELECTED_IN", self._selected), ("BASED_ON", self._based_on), ("AMENDS", self._amends),
                                  ("REPEALS", self._repeals)):
                if rtype not in self.p.specs:
                    continue
                for head, tail, rule, props in finder(sent, self.p.specs[rtype]):
                    rel = self._make(rtype, head, tail, sent, rule, props)
                    if rel is not None:
                        out.append(rel)
        return _dedupe(out)

    # --- one finder per relation type; each yields (head, tail, rule, props) -------------------

    def _issued(self, sent: _Sentence, spec: Spec) -> Any:
        text = sent.text
        for policy in sent.of("Policy"):
            window = text[max(sent.start, policy.start - spec.max_distance) : policy.start]
            trig = _last(spec.trigger_re, window)
            if trig is None:
                continue
            trig_start = policy.start - len(window) + trig.start()
            between = text[trig_start : policy.start]
            if any(n in text[max(sent.start, trig_start - 12) : policy.start] for n in spec.extra["negative"]):
                continue
            if re.search(r"[。；]", between) or _other_policy_between(sent, trig_start, policy):
                continue
            subjects = _subject_group(sent, trig_start, spec)
            rule = "issued:subject"
            if not subjects:
                subjects = _elided_subject(sent, trig_start)
                rule = "issued:elided-subject"
            for agency in subjects:
                yield agency, policy, rule, {}
        # passive: 《…》由 AG 印发
        for m in re.finditer(r"由\s*", text[sent.start : sent.end]):
            pos = sent.start + m.end()
            agencies = [a for a in sent.of("Agency") if pos <= a.start <= pos + 2]
            if not agencies:
                continue
            rest = text[agencies[0].end : agencies[0].end + 20]
            if not spec.trigger_re.search(rest):
                continue
            before = [p for p in sent.of("Policy") if p.end <= sent.start + m.start()]
            if before:
                yield agencies[0], before[-1], "issued:passive", {}

    def _pilots(self, sent: _Sentence, spec: Spec) -> Any:
        if not spec.trigger_re.search(sent.body):
            return
        regions = [r for r in sent.of("Region")]
        if not regions:
            return
        heads = sent.of("Policy") or sent.of("Agency")
        if not heads:
            return
        trig = spec.trigger_re.search(sent.body)
        assert trig is not None
        t = sent.start + trig.start()
        head = min(heads, key=lambda h: abs(h.start - t))
        for region in regions:
            if abs(region.start - t) <= spec.max_distance and not _inside(region, sent.of("Agency")):
                yield head, region, "pilots:sentence", {}

    def _implements(self, sent: _Sentence, spec: Spec) -> Any:
        for policy in sent.of("Policy"):
            window_start = max(sent.start, policy.start - spec.max_distance)
            trig = _last(spec.trigger_re, sent.full[window_start : policy.start])
            if trig is not None:
                t = window_start + trig.start()
                if _other_policy_between(sent, t, policy) or re.search(r"[，,]", sent.full[t : policy.start]):
                    continue
                actor = _nearest_before(sent, ("Region", "Agency"), t, 30)
                if actor is not None:
                    yield actor, policy, "implements:actor-trigger-policy", {}
                continue
            after = sent.full[policy.end : min(sent.end, policy.end + spec.max_distance)]
            trig = spec.trigger_re.search(after)
            if trig is None:
                continue
            t = policy.end + trig.start()
            regions = [r for r in sent.of("Region") if policy.end <= r.start < t]
            for region in regions:
                yield region, policy, "implements:policy-region-trigger", {}

    def _selected(self, sent: _Sentence, spec: Spec) -> Any:
        if not spec.trigger_re.search(sent.body):
            return
        drugs = sent.of("Drug")
        if not drugs:
            return
        procurements = [p for p in sent.of("Policy") if p.kind == "procurement"]
        if not procurements:
            earlier = [p for p in sent.all if p.type == "Policy" and p.kind == "procurement" and p.end <= sent.start
                       and sent.start - p.end <= spec.max_distance]
            procurements = earlier[-1:]
        if not procurements:
            return
        props: dict[str, str] = {}
        cut = re.search("(?:" + "|".join(spec.extra["price_cut"]) + r")[^，。；]{0,6}?(?P<v>\d+(?:\.\d+)?\s*%)", sent.body)
        if cut:
            props["price_cut"] = re.sub(r"\s", "", cut["v"])
        price = next((f for f in sent.of("Figure") if f.kind == "money"), None)
        if price is not None:
            props["price"] = price.norm
        for drug in drugs:
            yield drug, procurements[-1], "selected:sentence", props

    def _based_on(self, sent: _Sentence, spec: Spec) -> Any:
        policies = sent.of("Policy")
        if len(policies) < 2:
            return
        for trig in spec.trigger_re.finditer(sent.body):
            t = sent.start + trig.end()
            bases = [p for p in policies if t <= p.start <= t + 6]
            if not bases:
                continue
            base = bases[0]
            made = [p for p in policies if p.start > base.end and p.norm != base.norm]
            if made:
                yield made[0], base, "based-on:trigger-base-made", {}

    def _amends(self, sent: _Sentence, spec: Spec) -> Any:
        # 《新》对《旧》进行了修订 / 《新》修订了《旧》: the first policy amends the second
        policies = sent.of("Policy")
        if len(policies) < 2 or not spec.trigger_re.search(sent.body):
            return
        head, tail = policies[0], policies[1]
        if head.norm != tail.norm:
            yield head, tail, "amends:sentence", {}

    def _repeals(self, sent: _Sentence, spec: Spec) -> Any:
        trig = spec.trigger_re.search(sent.body)
        if trig is None:
            return
        t = sent.start + trig.start()
        repealed = [p for p in sent.of("Policy") if p.end <= t and t - p.end <= 10]
        if not repealed:
            return
        tail = repealed[-1]
        heads = [p for p in sent.of("Policy") if p.end <= tail.start and p.norm != tail.norm]
        if not heads:
            heads = [p for p in sent.all if p.type == "Policy" and p.end <= sent.start
                     and sent.start - p.end <= spec.max_distance and p.norm != tail.norm][-1:]
        if heads:
            yield heads[-1], tail, "repeals:sentence", {}

    # --- assembling ----------------------------------------------------------------------------

    def _make(self, rtype: str, head: Mention, tail: Mention, sent: _Sentence, rule: str, props: Mapping[str, str]) -> Relation | None:
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
        return Relation(rtype, head.norm, head.type, tail.norm, tail.type, sent.full[sent.start : sent.end].strip(),
                        sent.start, sent.end, "rules", f"relation:{rule}", tuple(sorted(props.items())))


class _Sentence:
    __slots__ = ("full", "start", "end", "inside", "all")

    def __init__(self, text: str, start: int, end: int, inside: list[Mention], all_mentions: list[Mention]) -> None:
        self.full, self.start, self.end, self.inside, self.all = text, start, end, inside, all_mentions

    @property
    def text(self) -> str:
        return self.full

    @property
    def body(self) -> str:
        return self.full[self.start : self.end]

    def of(self, etype: str) -> list[Mention]:
        return [m for m in self.inside if m.type == etype]


def _last(pattern: re.Pattern[str], text: str) -> re.Match[str] | None:
    last = None
    for m in pattern.finditer(text):
        last = m
    return last


def _other_policy_between(sent: _Sentence, start: int, policy: Mention) -> bool:
    return any(p is not policy and start <= p.start and p.end <= policy.start for p in sent.of("Policy"))


def _subject_group(sent: _Sentence, trig_start: int, spec: Spec) -> list[Mention]:
    """The agencies right before the trigger in its clause, joined by 、/和/与/会同 …"""
    clause_start = max(sent.start, sent.full.rfind("，", sent.start, trig_start) + 1, sent.full.rfind(",", sent.start, trig_start) + 1)
    limit = max(clause_start, trig_start - int(spec.extra.get("subject_distance", 60)))
    agencies = [a for a in sent.of("Agency") if limit <= a.start and a.end <= trig_start]
    if not agencies:
        return []
    group = [agencies[-1]]
    joiners = tuple(spec.extra["joiners"])
    for a in reversed(agencies[:-1]):
        gap = sent.full[a.end : group[0].start].strip()
        gap = re.sub(r"[\d\s年月日]+", "", gap)
        if gap == "" or gap in joiners or all(part in joiners for part in re.findall(r"以及|会同|联合|[、和与及,，]", gap)) and len(gap) <= 4:
            group.insert(0, a)
        else:
            break
    return group


def _elided_subject(sent: _Sentence, trig_start: int) -> list[Mention]:
    """``……，并印发《…》``: the subject is the last agency before the trigger in the sentence."""
    prefix = sent.full[max(sent.start, trig_start - 3) : trig_start]
    if "并" not in prefix and "后" not in prefix and "还" not in prefix and "先后" not in prefix:
        return []
    agencies = [a for a in sent.of("Agency") if a.end <= trig_start]
    return agencies[-1:]


def _nearest_before(sent: _Sentence, types: tuple[str, ...], pos: int, distance: int) -> Mention | None:
    cands = [m for m in sent.inside if m.type in types and m.end <= pos and pos - m.end <= distance]
    return cands[-1] if cands else None


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
