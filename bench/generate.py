"""Generate a synthetic corpus of digest issues for the benchmarks: ``python bench/generate.py N OUT``.

Issues are built by recombining and perturbing the bundled sample issues' content
(``kg/samples/src/*.json``) with the gazetteers in ``schema/``:

- every issue draws 4–5 sections of 1–3 articles from the 30 sample articles, so the
  samples' policies (第十一批国采, the 智能监管规则库 draft → final, …) are reported again
  and again: cross-issue lineage at scale;
- each article is perturbed: provinces and cities are swapped for others from
  ``regions.tsv`` (full and short names alike), national agencies for others from
  ``agencies.toml``, drugs in lists for others from ``drugs.tsv``, dates are moved next to
  the issue date and figures (counts, 亿元, %) are scaled, outside ``《…》`` titles;
- a pool of synthetic policies (new titles, issuers, 文号, pilot regions) grows by one every
  three issues; each is announced as a draft, then issued, then reported on in later
  issues, as paragraphs appended to the articles;
- each issue is rendered by :mod:`kg.synth` with its own seed and layout options.

Issue ``i`` depends only on ``(seed, i)``, so a corpus of 50 is the first 50 issues of a
corpus of 500. Files are written one at a time (``gen-00001.txt`` …) with ``manifest.csv``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kg import gazetteer
from kg.synth import LayoutError, RenderOptions, render_issue

__all__ = ["generate", "issue_content", "main"]

SAMPLES_SRC = Path(__file__).resolve().parents[1] / "kg" / "samples" / "src"
START = dt.date(2025, 1, 9)
DAYS_BETWEEN = 7
POLICY_EVERY = 3  # one new synthetic policy every this many issues

TOPICS = (
    "推进医保支付方式改革", "加强医疗机构药品使用监测", "完善按病组和病种分值付费", "规范医用耗材集中带量采购",
    "深化公立医院薪酬制度改革", "加快推进医保信息化标准化建设", "做好基本医疗保险关系转移接续",
    "加强基层医疗卫生服务能力建设", "推进紧密型县域医共体建设", "完善长期护理保险制度",
    "开展医疗服务价格专项治理", "强化定点医药机构协议管理", "推进中医药传承创新发展",
    "做好门诊慢特病跨省直接结算", "加强医保基金使用常态化监管", "推进创新药械临床应用",
    "完善罕见病用药保障机制", "推进互联网医疗服务医保支付", "健全药品价格形成机制", "加强短缺药品供应保障",
    "推进检查检验结果互认", "完善职工医保个人账户改革", "深化药品审评审批制度改革", "规范医疗机构收费行为",
)
KINDS = ("通知", "意见", "指导意见", "实施方案", "管理办法", "工作方案")
DOC_PREFIX = ("医保发", "医保办发", "国卫医发", "国药监药注", "财社", "国办发")
BODIES = ("医疗保障局", "卫生健康委员会", "药品监督管理局", "财政厅")
SECTION_NAMES = ("集中采购", "医保改革", "医疗服务", "药品监管", "中医药", "地方动态", "基金监管", "简讯")
_UNIT = r"(?=(?:个|家|亿|万|%|种|项|人|名|省|所|条|批次|倍))"
_FIGURE = re.compile(r"(?<![\d.第〔（(A-Za-z-])(\d+(?:\.\d+)?)" + _UNIT)
_DATE = re.compile(r"(?<!\d)(?:(20\d\d)年)?(\d{1,2})月(?:(\d{1,2})日)?")
_TITLE = re.compile(r"(《[^》]*》|〔[^〕]*〕|（[^）]*号）)")


@dataclass(frozen=True, slots=True)
class _Policy:
    index: int
    title: str
    issuer: str
    doc_no: str
    regions: tuple[str, ...]
    born: int  # the issue index that first reports it (as a draft)


@cache
def _samples() -> tuple[dict[str, Any], ...]:
    out = []
    for path in sorted(SAMPLES_SRC.glob("*.json")):
        with path.open(encoding="utf-8") as fh:
            out.append(json.load(fh))
    return tuple(out)


@cache
def _articles() -> tuple[tuple[dict[str, Any], dt.date], ...]:
    """Every sample article with its issue date."""
    return tuple(
        (art, dt.date.fromisoformat(issue["issue_date"]))
        for issue in _samples()
        for sec in issue["sections"]
        for art in sec["articles"]
    )


@cache
def _provinces() -> tuple[gazetteer.Region, ...]:
    return tuple(r for r in gazetteer.regions() if r.level == "province" and r.short)


@cache
def _cities() -> tuple[gazetteer.Region, ...]:
    return tuple(r for r in gazetteer.regions() if r.level == "prefecture" and r.name.endswith("市"))


@cache
def _national_agencies() -> tuple[str, ...]:
    return tuple(a.name for a in gazetteer.agencies() if a.level == "national" and a.kind not in ("party",))


@cache
def _drug_names() -> tuple[str, ...]:
    return tuple(d.name for d in gazetteer.drugs() if d.kind == "chemical" and 3 <= len(d.name) <= 8)


@cache
def _alternation(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))


def _rng(seed: int, *parts: object) -> random.Random:
    return random.Random("/".join(map(str, (seed, *parts))))


def _outside_titles(text: str, fn: Callable[[str], str]) -> str:
    """Apply ``fn`` to the text outside 《…》 titles and 文号 (so policy names stay stable)."""
    parts = _TITLE.split(text)
    return "".join(p if i % 2 else fn(p) for i, p in enumerate(parts))


class _Perturb:
    """One article's consistent substitutions (the same province is swapped everywhere)."""

    def __init__(self, rng: random.Random, issue_date: dt.date, sample_date: dt.date, article: str) -> None:
        self.rng = rng
        self.shift = (issue_date.year - sample_date.year) * 12 + issue_date.month - sample_date.month
        provinces = _provinces()
        by_name = {n: p for p in provinces for n in (p.name, *p.short)}
        mentioned = sorted({by_name[m].name for m in _alternation(tuple(by_name)).findall(article)})
        self.swap: dict[str, str] = {}
        for name in mentioned:
            if rng.random() < 0.6:
                prov, other = by_name[name], rng.choice(provinces)
                self.swap[prov.name] = other.name
                for short in prov.short:
                    self.swap[short] = other.short[0]
        self._done: dict[str, str] = {}
        cities = _cities()
        for city in ("杭州市", "杭州", "北海市", "漳州市", "上海"):
            if rng.random() < 0.5:
                self.swap[city] = rng.choice(cities).name
        if rng.random() < 0.4:
            national = _national_agencies()
            for name in ("国家卫生健康委", "财政部", "国家药监局", "人力资源社会保障部"):
                if rng.random() < 0.5:
                    self.swap[name] = rng.choice(national)
        drugs = _drug_names()
        for name in ("氨氯地平", "奥美拉唑", "二甲双胍", "阿托伐他汀钙"):
            if rng.random() < 0.5:
                self.swap[name] = rng.choice(drugs)
        self._names = _alternation(tuple(self.swap))

    def _figure(self, m: re.Match[str]) -> str:
        raw = m.group(1)
        value = float(raw) * self.rng.uniform(0.6, 1.6)
        if "." in raw:
            return f"{value:.{len(raw.split('.')[1])}f}"
        return str(max(1, round(value)))

    def _date(self, m: re.Match[str]) -> str:
        year, month, day = m.group(1), int(m.group(2)), m.group(3)
        if not 1 <= month <= 12:
            return m.group(0)
        total = (int(year) if year else 2025) * 12 + month - 1 + self.shift
        new_year, new_month = divmod(total, 12)
        out = f"{new_year}年" if year else ""
        out += f"{new_month + 1}月"
        if day:
            out += f"{min(28, max(1, int(day) + self.rng.randint(-3, 3)))}日"
        return out

    def text(self, text: str) -> str:
        """The perturbed text (the same input always gives the same output within an article)."""
        if text not in self._done:
            self._done[text] = self._text(text)
        return self._done[text]

    def _text(self, text: str) -> str:
        def outside(part: str) -> str:
            part = self._names.sub(lambda m: self.swap[m.group(0)], part) if self.swap else part
            part = _DATE.sub(self._date, part)
            return _FIGURE.sub(self._figure, part)

        return _outside_titles(text, outside)


def _policy(seed: int, k: int) -> _Policy:
    rng = _rng(seed, "policy", k)
    prov = rng.choice(_provinces())
    local = rng.random() < 0.4
    issuer = f"{prov.name}{rng.choice(BODIES)}" if local else rng.choice(_national_agencies())
    title = f"{prov.name if local else ''}关于{rng.choice(TOPICS)}的{rng.choice(KINDS)}"
    born = k * POLICY_EVERY
    year = (START + dt.timedelta(days=DAYS_BETWEEN * born)).year
    doc_no = f"{rng.choice(DOC_PREFIX)}〔{year}〕{rng.randint(1, 60)}号"
    regions = tuple(p.short[0] for p in rng.sample(_provinces(), rng.randint(2, 5)))
    return _Policy(k, title, issuer, doc_no, regions, born)


def _policy_paragraphs(seed: int, i: int, date: dt.date) -> list[str]:
    """Paragraphs about 1–3 synthetic policies already born (drafts, issuance, follow-ups)."""
    rng = _rng(seed, "policies", i)
    alive = i // POLICY_EVERY + 1
    out: list[str] = []
    for _ in range(rng.randint(1, 3)):
        # favour recent policies, but keep old ones coming back
        k = max(0, alive - 1 - int(rng.expovariate(1 / 6)))
        p = _policy(seed, k)
        age = i - p.born
        m, d = date.month, rng.randint(1, 28)
        if age < 2:
            out.append(
                f"{m}月{d}日，{p.issuer}就《{p.title}（征求意见稿）》公开征求意见，"
                f"意见反馈截止时间为{m % 12 + 1}月{rng.randint(1, 28)}日。"
            )
        elif age < 5:
            regions = "、".join(p.regions[:2])
            out.append(
                f"{m}月{d}日，{p.issuer}印发《{p.title}》（{p.doc_no}），明确在{regions}等{len(p.regions)}个省份"
                f"开展试点，《{p.title}（征求意见稿）》同时废止。"
            )
        else:
            region = rng.choice(p.regions)
            out.append(
                f"据了解，《{p.title}》（{p.doc_no}）实施以来，{region}已有{rng.randint(20, 900)}家医疗机构落地执行，"
                f"累计节约医保基金{rng.randint(2, 90)}.{rng.randint(1, 9)}亿元。"
            )
    return out


def _sources() -> tuple[str, ...]:
    return tuple(sorted({a["source"] for a, _ in _articles()}))


def issue_content(i: int, seed: int = 0) -> dict[str, Any]:
    """The content (kg.synth mapping) of generated issue ``i`` (1-based)."""
    rng = _rng(seed, "issue", i)
    date = START + dt.timedelta(days=DAYS_BETWEEN * (i - 1))
    pool = _articles()
    extra = _policy_paragraphs(seed, i, date)
    sections = []
    names = rng.sample(SECTION_NAMES, rng.randint(4, 5))
    for s_idx, name in enumerate(names):
        articles = []
        for a_idx in range(rng.randint(1, 3)):
            src, sample_date = pool[rng.randrange(len(pool))]
            whole = "".join((src["title"], *src["paragraphs"]))
            pert = _Perturb(_rng(seed, "article", i, s_idx, a_idx), date, sample_date, whole)
            paragraphs = [pert.text(p) for p in src["paragraphs"]]
            if extra and rng.random() < 0.5:
                paragraphs.append(extra.pop())
            title = pert.text(src["title"])
            if rng.random() < 0.3 and "：" not in title:
                title = f"{rng.choice(_provinces()).short[0]}：{title}"
            articles.append(
                {
                    "title": title,
                    "source": rng.choice((*_sources(), f"{rng.choice(_provinces()).name}医疗保障局")),
                    "summary": pert.text(src.get("summary") or ""),
                    "paragraphs": paragraphs,
                }
            )
        sections.append({"name": name, "articles": articles})
    if extra:  # what did not fit goes to the last article
        sections[-1]["articles"][-1]["paragraphs"].extend(extra)
    return {"id": f"gen-{i:05d}", "issue_date": date.isoformat(), "sections": sections}


def _options(rng: random.Random, n_articles: int) -> RenderOptions:
    drop = rng.randrange(1, n_articles) if n_articles > 1 and rng.random() < 0.2 else None
    return RenderOptions(
        page_marker_every=rng.choice((None, 10, 12)),
        cover_markers=rng.random() < 0.3,
        bookmarks=rng.random() < 0.2,
        drop_last_return=rng.random() < 0.3,
        drop_return_between=drop,
        short_page_prob=rng.choice((0.0, 0.0, 0.05)),
    )


def render_generated(i: int, seed: int = 0) -> tuple[str, str]:
    """(issue date, rendered digest text) of generated issue ``i``."""
    content = issue_content(i, seed)
    n = sum(len(s["articles"]) for s in content["sections"])
    rng = _rng(seed, "render", i)
    try:
        text = render_issue(content, seed=rng.randrange(1 << 30), options=_options(rng, n))
    except LayoutError:
        text = render_issue(content, seed=i)
    return content["issue_date"], text


def generate(n: int, out_dir: str | Path, seed: int = 0, *, start: int = 1) -> list[Path]:
    """Write issues ``start`` … ``start + n - 1`` and ``manifest.csv`` to ``out_dir``; return the files."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    rows: list[tuple[str, str]] = []
    for i in range(start, start + n):
        date, text = render_generated(i, seed)
        path = out / f"gen-{i:05d}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(path)
        rows.append((path.name, date))
    with (out / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(("file", "issue_date"))
        writer.writerows(rows)
    return files


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("n", type=int, help="how many issues")
    parser.add_argument("out", help="output directory")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    files = generate(args.n, args.out, args.seed)
    print(f"wrote {len(files)} issues and manifest.csv to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
