"""``kg eval``: precision, recall and F1 of extraction against the gold set.

Entities are scored per type and micro-averaged over all types, two ways:
*strict* (same type, same start and end) and *lenient* (same type, overlapping spans,
each gold/predicted mention matched at most once). Among strict matches, the share whose
``norm`` equals the gold norm is reported as norm accuracy. Relations are scored as sets
of ``(type, head, tail)`` per article.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .gold import ENTITY_TYPES, GoldArticle, GoldEntity, read_gold, read_jsonl, realign, sha

__all__ = ["EvalReport", "Prediction", "Score", "evaluate", "predict_corpus", "read_predictions", "render_report"]


@dataclass(slots=True)
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass(frozen=True, slots=True)
class Prediction:
    """Predicted mentions and relations of one article (from the JSONL contract)."""

    article_id: str
    entities: tuple[tuple[str, int, int, str, str], ...]  # type, start, end, text, norm
    relations: tuple[tuple[str, str, str], ...] = ()


@dataclass(slots=True)
class EvalReport:
    articles: list[str]
    strict: dict[str, Score] = field(default_factory=dict)
    lenient: dict[str, Score] = field(default_factory=dict)
    norm_ok: dict[str, list[int]] = field(default_factory=dict)
    relations: dict[str, Score] = field(default_factory=dict)
    misses: list[tuple[str, str, str, str]] = field(default_factory=list)  # article, type, text, norm
    false_positives: list[tuple[str, str, str, str]] = field(default_factory=list)
    wrong_norms: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    relation_misses: list[tuple[str, str, str, str]] = field(default_factory=list)
    relation_false_positives: list[tuple[str, str, str, str]] = field(default_factory=list)

    def micro(self, table: Mapping[str, Score]) -> Score:
        total = Score()
        for s in table.values():
            total.tp += s.tp
            total.fp += s.fp
            total.fn += s.fn
        return total

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": len(self.articles),
            "entities": {t: s.as_dict() for t, s in self.strict.items()} | {"micro": self.micro(self.strict).as_dict()},
            "entities_lenient": {t: s.as_dict() for t, s in self.lenient.items()}
            | {"micro": self.micro(self.lenient).as_dict()},
            "norm_accuracy": {t: round(ok / n, 4) if n else None for t, (ok, n) in self.norm_ok.items()},
            "relations": {t: s.as_dict() for t, s in self.relations.items()}
            | {"micro": self.micro(self.relations).as_dict()},
        }


def read_predictions(path: str | Path) -> dict[str, Prediction]:
    """Read ``kg extract --format jsonl`` output."""
    out: dict[str, Prediction] = {}
    for n, rec in read_jsonl(path, "extraction"):
        try:
            out[rec["article_id"]] = Prediction(
                rec["article_id"],
                tuple((e["type"], e["start"], e["end"], e["text"], e["norm"]) for e in rec["entities"]),
                tuple((r["type"], r["head"], r["tail"]) for r in rec.get("relations", [])),
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"{path}:{n}: not an extraction record ({exc})") from exc
    return out


def predict_corpus(
    gold: Iterable[GoldArticle],
    corpus: str | Path,
    manifest: str | Path | None,
    extractor_names: Iterable[str] = ("rules",),
) -> tuple[dict[str, Prediction], dict[str, str]]:
    """Run the extractors on the gold articles' corpus files; also return each article's text."""
    from .extract import default_extractors, extract_article
    from .parser import parse_path, read_manifest

    dates = read_manifest(manifest) if manifest else {}
    extractors = default_extractors(extractor_names)
    preds: dict[str, Prediction] = {}
    texts: dict[str, str] = {}
    wanted: dict[str, set[str]] = defaultdict(set)
    for g in gold:
        wanted[g.issue_file].add(g.article_id)
    for name, ids in sorted(wanted.items()):
        path = Path(corpus) / name
        issue = parse_path(path, issue_date=dates.get(name))
        missing = ids - {a.id for a in issue.articles}
        if missing:
            raise InputError(f"{path}: gold article(s) {', '.join(sorted(missing))} not found in the parsed file")
        for article in issue.articles:
            if article.id in ids:
                ex = extract_article(article, extractors, issue_date=issue.date)
                texts[article.id] = article.text
                preds[article.id] = Prediction(
                    article.id,
                    tuple((m.type, m.start, m.end, m.text, m.norm) for m in ex.mentions),
                    tuple((r.type, r.head, r.tail) for r in ex.relations),
                )
    return preds, texts


def evaluate(gold: Iterable[GoldArticle], preds: Mapping[str, Prediction], texts: Mapping[str, str] | None = None,
             *, types: Iterable[str] = ENTITY_TYPES) -> EvalReport:
    types = tuple(types)
    report = EvalReport(articles=[])
    for t in types:
        report.strict[t], report.lenient[t], report.norm_ok[t] = Score(), Score(), [0, 0]
    for g in gold:
        report.articles.append(g.article_id)
        entities: list[GoldEntity] = list(g.entities)
        if texts and g.article_id in texts and sha(texts[g.article_id]) != g.text_sha256:
            entities = realign(texts[g.article_id], entities)
        pred = preds.get(g.article_id, Prediction(g.article_id, ()))
        for t in types:
            gold_t = [(e.start, e.end, e.text, e.norm) for e in entities if e.type == t]
            pred_t = [(s, e, x, n) for (ty, s, e, x, n) in pred.entities if ty == t]
            _score_entities(report, g.article_id, t, gold_t, pred_t)
        gold_rel = {(r.type, r.head, r.tail) for r in g.relations}
        pred_rel = set(pred.relations)
        for rtype in sorted({r[0] for r in gold_rel | pred_rel}):
            score = report.relations.setdefault(rtype, Score())
            gr = {r for r in gold_rel if r[0] == rtype}
            pr = {r for r in pred_rel if r[0] == rtype}
            score.tp += len(gr & pr)
            score.fp += len(pr - gr)
            score.fn += len(gr - pr)
            report.relation_misses += [(g.article_id, *r) for r in sorted(gr - pr)]
            report.relation_false_positives += [(g.article_id, *r) for r in sorted(pr - gr)]
    return report


def _score_entities(report: EvalReport, article_id: str, etype: str,
                    gold: list[tuple[int, int, str, str]], pred: list[tuple[int, int, str, str]]) -> None:
    strict, lenient, norm_ok = report.strict[etype], report.lenient[etype], report.norm_ok[etype]
    pred_by_span = {(s, e): (x, n) for s, e, x, n in pred}
    gold_spans = {(s, e) for s, e, _, _ in gold}
    for s, e, x, n in gold:
        if (s, e) in pred_by_span:
            strict.tp += 1
            norm_ok[1] += 1
            if pred_by_span[(s, e)][1] == n:
                norm_ok[0] += 1
            else:
                report.wrong_norms.append((article_id, etype, x, n, pred_by_span[(s, e)][1]))
        else:
            strict.fn += 1
            report.misses.append((article_id, etype, x, n))
    for s, e, x, n in pred:
        if (s, e) not in gold_spans:
            strict.fp += 1
            report.false_positives.append((article_id, etype, x, n))
    used: set[int] = set()
    for gs, ge, _, _ in gold:
        hit = next((i for i, (ps, pe, _, _) in enumerate(pred) if i not in used and ps < ge and gs < pe), None)
        if hit is None:
            lenient.fn += 1
        else:
            used.add(hit)
            lenient.tp += 1
    lenient.fp += len(pred) - len(used)


def render_report(report: EvalReport, *, errors: bool = False, limit: int = 50) -> str:
    lines = [f"{len(report.articles)} articles", "",
             f"{'entities':<10} {'P':>6} {'R':>6} {'F1':>6} {'lenF1':>6} {'norm':>6} {'gold':>5} {'pred':>5}"]
    for t, s in [*report.strict.items(), ("micro", report.micro(report.strict))]:
        len_s = report.lenient.get(t) or report.micro(report.lenient)
        total = [sum(v[0] for v in report.norm_ok.values()), sum(v[1] for v in report.norm_ok.values())]
        ok, n = report.norm_ok.get(t, total)
        norm = f"{ok / n:.3f}" if n else "  -  "
        prf = f"{s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f}"
        lines.append(f"{t:<10} {prf} {len_s.f1:6.3f} {norm:>6} {s.tp + s.fn:5d} {s.tp + s.fp:5d}")
    if report.relations:
        lines += ["", f"{'relations':<12} {'P':>6} {'R':>6} {'F1':>6} {'gold':>5} {'pred':>5}"]
        for t, s in [*sorted(report.relations.items()), ("micro", report.micro(report.relations))]:
            lines.append(f"{t:<12} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.tp + s.fn:5d} {s.tp + s.fp:5d}")
    if errors:
        for title, items in (("missed", report.misses), ("false positives", report.false_positives),
                             ("wrong norm (gold → predicted)", report.wrong_norms),
                             ("missed relations", report.relation_misses),
                             ("false relations", report.relation_false_positives)):
            lines += ["", f"{title} ({len(items)}):"]
            lines += ["  " + "  ".join(map(str, item)) for item in items[:limit]]
    return "\n".join(lines)


def load_gold(path: str | Path, split: str = "all") -> list[GoldArticle]:
    """The gold articles of one split (``all``: every article). A split name is whatever the
    file's records say (``dev``, ``test``, ``ood-dev`` …); a name no record has is an
    :class:`InputError` listing the ones it does have."""
    gold = read_gold(path)
    if split == "all":
        return gold
    chosen = [g for g in gold if g.split == split]
    if not chosen and gold:
        have = ", ".join(sorted({g.split for g in gold}))
        raise InputError(f"{path}: no gold articles in split {split!r}; its splits are: {have}, or all")
    return chosen


__all__ += ["load_gold"]
