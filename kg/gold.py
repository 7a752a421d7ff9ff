"""The hand-annotated gold set: JSONL records, and an inline markup for annotating.

Gold records (``tests/gold/*.jsonl``, one article per line) hold offsets, surfaces and
norms but not the article text, which stays in the corpus; ``text_sha256`` says which
parse of the article the offsets refer to, and ``occ`` (the n-th occurrence of the
surface in the text) lets offsets be re-found if the parser's text ever changes.

Markup (for annotators): the article text with each mention written in place as
``⟦Type surface⟧`` or ``⟦Type surface ⇒ norm⟧`` (the norm only where it differs from
the surface's default norm), then optionally a line ``#### relations`` followed by one
relation per line: ``TYPE<TAB>head norm<TAB>tail norm``.

    python -m kg.gold render CORPUS_FILE ARTICLE_NO [--gold FILE]   # text (or gold) → markup
    python -m kg.gold build MARKUP... --corpus DIR --manifest CSV -o OUT.jsonl
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .normalize import default_norm

__all__ = [
    "GoldArticle",
    "GoldEntity",
    "GoldRelation",
    "parse_markup",
    "read_gold",
    "read_jsonl",
    "realign",
    "render_markup",
    "write_gold",
]

ENTITY_TYPES = ("Policy", "Agency", "Region", "Drug", "Date", "Figure")
OPEN, CLOSE, ARROW = "⟦", "⟧", " ⇒ "
REL_HEADER = "#### relations"
_MENTION = re.compile(r"⟦(?P<type>[A-Za-z]+) (?P<body>[^⟦⟧]+?)⟧")


@dataclass(frozen=True, slots=True)
class GoldEntity:
    type: str
    start: int
    end: int
    text: str
    norm: str
    occ: int = 0


@dataclass(frozen=True, slots=True)
class GoldRelation:
    type: str
    head: str
    tail: str


@dataclass(frozen=True, slots=True)
class GoldArticle:
    article_id: str
    issue_file: str
    title: str
    text_sha256: str
    split: str
    entities: tuple[GoldEntity, ...]
    relations: tuple[GoldRelation, ...] = ()
    annotator: str = ""
    notes: tuple[str, ...] = field(default=())


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_jsonl(path: str | Path, what: str) -> Iterator[tuple[int, Any]]:
    """(line number, parsed object) for each non-blank line of a JSONL file; a missing file or
    a line that is not JSON is an :class:`InputError` naming the file (and the line)."""
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError as exc:
        raise InputError(f"{p}: {what} file not found") from exc
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield n, json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{p}:{n}: not a {what} record ({exc})") from exc


def read_gold(path: str | Path) -> list[GoldArticle]:
    """Read a gold JSONL file; a malformed line is an :class:`InputError` naming the line."""
    out: list[GoldArticle] = []
    for n, raw in read_jsonl(path, "gold"):
        try:
            out.append(
                GoldArticle(
                    article_id=raw["article_id"],
                    issue_file=raw["issue_file"],
                    title=raw.get("title", ""),
                    text_sha256=raw.get("text_sha256", ""),
                    split=raw.get("split", "dev"),
                    entities=tuple(GoldEntity(**e) for e in raw["entities"]),
                    relations=tuple(GoldRelation(**r) for r in raw.get("relations", [])),
                    annotator=raw.get("annotator", ""),
                    notes=tuple(raw.get("notes", [])),
                )
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"{path}:{n}: not a gold record ({exc})") from exc
    return out


def write_gold(records: Iterable[GoldArticle], path: str | Path) -> None:
    lines = []
    for r in sorted(records, key=lambda r: r.article_id):
        lines.append(
            json.dumps(
                {
                    "article_id": r.article_id,
                    "issue_file": r.issue_file,
                    "title": r.title,
                    "text_sha256": r.text_sha256,
                    "split": r.split,
                    "annotator": r.annotator,
                    "notes": list(r.notes),
                    "entities": [
                        {"type": e.type, "start": e.start, "end": e.end, "text": e.text, "norm": e.norm, "occ": e.occ}
                        for e in sorted(r.entities, key=lambda e: (e.start, e.end, e.type))
                    ],
                    "relations": [{"type": x.type, "head": x.head, "tail": x.tail} for x in r.relations],
                },
                ensure_ascii=False,
            )
        )
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def render_markup(text: str, entities: Iterable[GoldEntity], relations: Iterable[GoldRelation] = ()) -> str:
    """Article text with mentions marked in place (inverse of :func:`parse_markup`)."""
    out: list[str] = []
    pos = 0
    for e in sorted(entities, key=lambda e: (e.start, -e.end)):
        if e.start < pos:
            continue  # nested or overlapping: markup holds flat mentions only
        out.append(text[pos : e.start])
        surface = text[e.start : e.end]
        norm = "" if e.norm == default_norm(e.type, surface) else f"{ARROW}{e.norm}"
        out.append(f"{OPEN}{e.type} {surface}{norm}{CLOSE}")
        pos = e.end
    out.append(text[pos:])
    body = "".join(out)
    rels = list(relations)
    if rels:
        body += "\n" + REL_HEADER + "\n" + "\n".join(f"{r.type}\t{r.head}\t{r.tail}" for r in rels)
    return body


def parse_markup(markup: str) -> tuple[str, list[GoldEntity], list[GoldRelation]]:
    """(plain text, entities with offsets into it, relations) from annotated markup."""
    body, _, rel_block = markup.partition("\n" + REL_HEADER + "\n")
    if body.endswith("\n" + REL_HEADER):
        body = body[: -len(REL_HEADER) - 1]
    text_parts: list[str] = []
    entities: list[GoldEntity] = []
    pos = 0
    length = 0
    for m in _MENTION.finditer(body):
        chunk = body[pos : m.start()]
        if OPEN in chunk or CLOSE in chunk:
            raise InputError(f"unbalanced {OPEN}…{CLOSE} near {chunk[-30:]!r}")
        text_parts.append(chunk)
        length += len(chunk)
        etype = m["type"]
        if etype not in ENTITY_TYPES:
            raise InputError(f"unknown entity type {etype!r} in {m.group(0)!r}; use one of {', '.join(ENTITY_TYPES)}")
        surface, _, norm = m["body"].partition(ARROW)
        if surface != surface.strip() or not surface:
            raise InputError(f"mention {m.group(0)!r}: the surface must not start or end with a space")
        norm = norm.strip() or default_norm(etype, surface)
        entities.append(GoldEntity(etype, length, length + len(surface), surface, norm))
        text_parts.append(surface)
        length += len(surface)
        pos = m.end()
    tail = body[pos:]
    if OPEN in tail or CLOSE in tail:
        raise InputError(f"unbalanced {OPEN}…{CLOSE} near {tail[:30]!r}")
    text_parts.append(tail)
    text = "".join(text_parts)
    relations: list[GoldRelation] = []
    for n, line in enumerate(rel_block.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) != 3:
            raise InputError(f"relation line {n} {line!r}: want TYPE<TAB>head<TAB>tail")
        relations.append(GoldRelation(*parts))
    return text, [_with_occ(text, e) for e in entities], relations


def _with_occ(text: str, e: GoldEntity) -> GoldEntity:
    occ = sum(1 for _ in _occurrences(text, e.text, e.start))
    return GoldEntity(e.type, e.start, e.end, e.text, e.norm, occ)


def _occurrences(text: str, surface: str, before: int) -> Iterator[int]:
    i = text.find(surface)
    while 0 <= i < before:
        yield i
        i = text.find(surface, i + 1)


def realign(text: str, entities: Iterable[GoldEntity]) -> list[GoldEntity]:
    """Re-find each entity in a (possibly re-parsed) text by its surface and occurrence."""
    out = []
    for e in entities:
        if text[e.start : e.end] == e.text:
            out.append(e)
            continue
        hits = [m.start() for m in re.finditer(re.escape(e.text), text)]
        if len(hits) > e.occ:
            s = hits[e.occ]
            out.append(GoldEntity(e.type, s, s + len(e.text), e.text, e.norm, e.occ))
    return out


def _main(argv: list[str] | None = None) -> int:
    from .parser import parse_path, read_manifest

    ap = argparse.ArgumentParser(prog="python -m kg.gold", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("render", help="print an article as markup (plain, or with gold mentions)")
    r.add_argument("corpus_file")
    r.add_argument("article_no", type=int)
    r.add_argument("--gold", help="gold JSONL whose mentions to render")
    b = sub.add_parser("build", help="markup files → gold JSONL (checked against the corpus text)")
    b.add_argument("markup", nargs="+")
    b.add_argument("--corpus", required=True)
    b.add_argument("--manifest", required=True)
    b.add_argument("--split", default="dev")
    b.add_argument("--annotator", default="")
    b.add_argument("-o", "--out", required=True)
    b.add_argument("--merge", action="store_true", help="keep records of other articles already in OUT")
    args = ap.parse_args(argv)
    if args.cmd == "render":
        issue = parse_path(args.corpus_file, issue_date="2000-01-01")
        article = issue.articles[args.article_no - 1]
        ents: list[GoldEntity] = []
        rels: list[GoldRelation] = []
        if args.gold:
            for rec in read_gold(args.gold):
                if rec.article_id == article.id:
                    ents, rels = realign(article.text, rec.entities), list(rec.relations)
        sys.stdout.write(render_markup(article.text, ents, rels) + "\n")
        return 0
    manifest = read_manifest(args.manifest)
    records: dict[str, GoldArticle] = {}
    if args.merge and Path(args.out).exists():
        records = {r.article_id: r for r in read_gold(args.out)}
    for path in args.markup:
        p = Path(path)
        # markup file name: <issue stem>__<nn>.ann.txt
        stem, _, nn = p.name.split(".")[0].rpartition("__")
        corpus_file = Path(args.corpus) / f"{stem}.txt"
        issue = parse_path(corpus_file, issue_date=manifest.get(corpus_file.name))
        article = issue.articles[int(nn) - 1]
        text, ents, rels = parse_markup(p.read_text(encoding="utf-8").rstrip("\n"))
        if text != article.text:
            same = min(len(text), len(article.text))
            i = next((k for k, (a, b) in enumerate(zip(text, article.text, strict=False)) if a != b), same)
            raise InputError(
                f"{p}: text differs from {article.id} at offset {i}: markup {text[i - 10 : i + 20]!r} "
                f"vs corpus {article.text[i - 10 : i + 20]!r}"
            )
        records[article.id] = GoldArticle(
            article.id,
            corpus_file.name,
            article.title,
            sha(article.text),
            args.split,
            tuple(ents),
            tuple(rels),
            args.annotator,
        )
    write_gold(records.values(), args.out)
    print(f"wrote {len(records)} article(s) to {args.out}")
    return 0


if __name__ == "__main__":
    from .errors import KGError

    try:
        raise SystemExit(_main())
    except KGError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
