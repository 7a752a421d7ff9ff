"""Consistency checks for the shipped gazetteers in ``schema/`` (data only: stdlib + tomllib).

regions.tsv, region_groups.tsv, agencies.toml, drugs.tsv, drug_forms.txt, drug_stop.txt.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import pytest

SCHEMA = Path(__file__).resolve().parent.parent / "schema"

REGION_HEADER = ["adcode", "name", "level", "parent", "short"]
GROUP_HEADER = ["name", "members", "kind"]
DRUG_HEADER = ["name", "aliases", "kind", "atc"]
AGENCY_KINDS = {"party", "state_council", "ministry", "administration", "commission", "legislature",
                "discipline", "court", "other"}
BODY_KINDS = {"government", "office", "department", "commission", "administration", "discipline",
              "legislature", "procurement_center", "service_center", "institution"}
LEVELS = ("province", "prefecture", "county")
ATC_RE = re.compile(r"^[A-Z](\d\d([A-Z]([A-Z](\d\d)?)?)?)?$")


def _text(name: str) -> str:
    raw = (SCHEMA / name).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf"), f"{name} must be UTF-8 without BOM"
    return raw.decode("utf-8")


def _tsv(name: str, header: list[str]) -> list[dict[str, str]]:
    lines = [ln for ln in _text(name).splitlines() if ln.strip() and not ln.startswith("#")]
    assert lines, f"{name} is empty"
    assert lines[0].split("\t") == header, f"{name}: header must be {header!r}, got {lines[0]!r}"
    for i, ln in enumerate(lines[1:], start=2):
        cells = ln.split("\t")
        assert len(cells) == len(header), f"{name} line {i}: {len(cells)} columns, want {len(header)}: {ln!r}"
        assert all(c == c.strip() for c in cells), f"{name} data line {i}: stray whitespace: {ln!r}"
    return list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter="\t", quoting=csv.QUOTE_NONE))


def _w(words: str) -> list[str]:
    """Whitespace-separated word list (keeps the long CJK lists readable)."""
    return words.split()


def _split(value: str) -> list[str]:
    return [v for v in value.split("|") if v]


def _words(name: str) -> list[str]:
    out = []
    for line in _text(name).splitlines():
        word = line.split("#", 1)[0].strip()
        if word:
            out.append(word)
    return out


@cache
def regions() -> tuple[dict[str, str], ...]:
    return tuple(_tsv("regions.tsv", REGION_HEADER))


@cache
def agencies_toml() -> dict:
    return tomllib.loads(_text("agencies.toml"))


@cache
def drugs() -> tuple[dict[str, str], ...]:
    return tuple(_tsv("drugs.tsv", DRUG_HEADER))


def _surfaces(entry: dict) -> list[str]:
    return [entry["name"], *entry.get("short", []), *entry.get("predecessors", [])]


def _dupes(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """surface → owners, for surfaces with more than one distinct owner."""
    owners: dict[str, set[str]] = defaultdict(set)
    for surface, owner in pairs:
        owners[surface].add(owner)
    return {s: sorted(o) for s, o in owners.items() if len(o) > 1}


# ------------------------------------------------------------------------------------------ regions

def test_regions_provenance_comment() -> None:
    head = [ln for ln in _text("regions.tsv").splitlines() if ln.startswith("#")]
    assert any("Source" in ln or "source" in ln for ln in head), "regions.tsv needs a provenance comment"


def test_regions_adcodes_unique_and_well_formed() -> None:
    codes = [r["adcode"] for r in regions()]
    dup = [c for c, n in Counter(codes).items() if n > 1]
    assert not dup, f"duplicate adcodes: {dup}"
    bad = [c for c in codes if not re.fullmatch(r"[1-9]\d{5}", c)]
    assert not bad, f"adcodes must be 6 digits: {bad[:10]}"
    assert all(r["level"] in LEVELS for r in regions()), {r["level"] for r in regions()} - set(LEVELS)


def test_regions_counts() -> None:
    count = Counter(r["level"] for r in regions())
    assert count["province"] == 34
    assert 320 <= count["prefecture"] <= 345, count
    assert 2750 <= count["county"] <= 2950, count


def test_regions_special_units_present() -> None:
    names = {r["name"]: r for r in regions()}
    for name in _w("香港特别行政区 澳门特别行政区 台湾省 北京市 新疆维吾尔自治区 广西壮族自治区"):
        assert names[name]["level"] == "province", name
    assert names["海淀区"]["parent"] == "110000"
    assert names["浦东新区"]["parent"] == "310000"
    assert names["仙桃市"]["parent"] == "420000"  # 省直辖县级市
    assert names["延边朝鲜族自治州"]["level"] == "prefecture"
    assert names["兴安盟"]["level"] == "prefecture"
    assert not any(r["name"] in ("市辖区", "县") for r in regions()), "placeholder rows must be skipped"


def test_regions_parents_and_levels() -> None:
    by_code = {r["adcode"]: r for r in regions()}
    problems = []
    for r in regions():
        parent = by_code.get(r["parent"]) if r["parent"] else None
        if r["level"] == "province":
            if r["parent"]:
                problems.append(f"province with parent: {r}")
            elif not r["adcode"].endswith("0000"):
                problems.append(f"province adcode not xx0000: {r}")
        elif parent is None:
            problems.append(f"missing parent: {r}")
        elif r["level"] == "prefecture":
            if parent["level"] != "province":
                problems.append(f"prefecture under {parent['level']}: {r}")
        elif parent["level"] not in ("prefecture", "province"):
            problems.append(f"county under {parent['level']}: {r}")
        if parent is not None and r["adcode"][:2] != parent["adcode"][:2]:
            problems.append(f"adcode prefix differs from parent's: {r}")
        under_prefecture = r["level"] == "county" and parent is not None and parent["level"] == "prefecture"
        if under_prefecture and parent is not None and r["adcode"][:4] != parent["adcode"][:4]:
            problems.append(f"county adcode not under its prefecture's: {r}")
    assert not problems, "\n".join(problems[:20])


def test_region_shorts_sane() -> None:
    full_names = {r["name"] for r in regions()}
    problems = []
    for r in regions():
        shorts = _split(r["short"])
        if len(shorts) != len(set(shorts)):
            problems.append(f"repeated short: {r}")
        for s in shorts:
            if len(s) < 2:
                problems.append(f"one-character short {s!r}: {r['name']}")
            if s == r["name"] or s in full_names:
                problems.append(f"short {s!r} equals a full name: {r['name']}")
            if re.search(r"[\s|A-Za-z0-9]", s):
                problems.append(f"odd characters in short {s!r}: {r['name']}")
    assert not problems, "\n".join(problems[:20])


def test_province_shorts() -> None:
    shorts = {r["name"]: _split(r["short"]) for r in regions() if r["level"] == "province"}
    expect = dict(pair.split("=") for pair in _w(
        "河北省=河北 广西壮族自治区=广西 内蒙古自治区=内蒙古 新疆维吾尔自治区=新疆 宁夏回族自治区=宁夏 "
        "西藏自治区=西藏 香港特别行政区=香港 北京市=北京"))
    for name, short in expect.items():
        assert short in shorts[name], (name, shorts[name])
    assert all(shorts.values()), [n for n, s in shorts.items() if not s]


def test_upper_level_shorts_unique() -> None:
    """A short form of a province or prefecture names exactly one unit among provinces and prefectures."""
    pairs = [(s, f"{r['adcode']} {r['name']}")
             for r in regions() if r["level"] != "county" for s in _split(r["short"])]
    dup = _dupes(pairs)
    assert not dup, "short forms shared by several provinces/prefectures:\n" + "\n".join(
        f"  {s}: {', '.join(o)}" for s, o in sorted(dup.items()))


def test_county_shorts_unambiguous() -> None:
    """A county short is shared with no other unit (conservative by design)."""
    pairs = [(s, f"{r['adcode']} {r['name']}") for r in regions() for s in _split(r["short"])]
    dup = _dupes(pairs)
    assert not dup, "short forms shared by several units:\n" + "\n".join(
        f"  {s}: {', '.join(o)}" for s, o in sorted(dup.items())[:40])


def test_region_groups() -> None:
    rows = _tsv("region_groups.tsv", GROUP_HEADER)
    provinces = {r["name"] for r in regions() if r["level"] == "province"}
    region_surfaces = {r["name"] for r in regions()} | {s for r in regions() for s in _split(r["short"])}
    names = [g["name"] for g in rows]
    assert len(names) == len(set(names)), [n for n, c in Counter(names).items() if c > 1]
    for g in rows:
        assert g["kind"] == "grouping", g
        members = _split(g["members"])
        assert members, g
        assert not set(members) - provinces, (g["name"], set(members) - provinces)
        assert g["name"] not in region_surfaces, f"grouping {g['name']} collides with a region name/short"
    by_name = {g["name"]: set(_split(g["members"])) for g in rows}
    assert by_name["京津冀"] == {"北京市", "天津市", "河北省"}
    assert by_name["粤港澳大湾区"] == {"广东省", "香港特别行政区", "澳门特别行政区"}
    assert by_name["东北三省"] == {"辽宁省", "吉林省", "黑龙江省"}


# ----------------------------------------------------------------------------------------- agencies

def test_agencies_parse_and_fields() -> None:
    data = agencies_toml()
    assert set(data) <= {"agency", "body"}, set(data)
    assert len(data["agency"]) >= 40
    for a in data["agency"]:
        assert set(a) <= {"name", "short", "predecessors", "level", "kind", "parent"}, a
        assert isinstance(a["name"], str) and a["name"], a
        assert isinstance(a.get("short", []), list) and isinstance(a.get("predecessors", []), list), a
        assert a["level"] == "national", a
        assert a["kind"] in AGENCY_KINDS, a
    for b in data["body"]:
        assert set(b) <= {"name", "short", "predecessors", "kind", "levels"}, b
        assert b["kind"] in BODY_KINDS, b
        assert set(b.get("levels", [])) <= set(LEVELS), b


def test_agency_names_and_aliases_unique() -> None:
    data = agencies_toml()
    names = [a["name"] for a in data["agency"]]
    assert len(names) == len(set(names)), [n for n, c in Counter(names).items() if c > 1]
    pairs = [(s, a["name"]) for a in data["agency"] for s in _surfaces(a)]
    dup = _dupes(pairs)
    assert not dup, f"alias shared by two agencies: {dup}"
    for a in data["agency"]:
        own = [a["name"], *a.get("short", []), *a.get("predecessors", [])]
        assert len(own) == len(set(own)), f"repeated alias in {a['name']}"
        assert all(s and s == s.strip() for s in own), a


def test_agency_parents() -> None:
    agencies = {a["name"]: a for a in agencies_toml()["agency"]}
    for a in agencies.values():
        parent = a.get("parent")
        if parent is None:
            continue
        assert parent in agencies, f"{a['name']}: unknown parent {parent}"
        seen = {a["name"]}
        while parent:
            assert parent not in seen, f"parent cycle at {a['name']}"
            seen.add(parent)
            parent = agencies[parent].get("parent")


def test_required_agencies() -> None:
    agencies = {a["name"]: a for a in agencies_toml()["agency"]}
    surfaces = {s: a["name"] for a in agencies.values() for s in _surfaces(a)}
    expect = dict(pair.split("=") for pair in _w("""
        党中央=中共中央 中国共产党中央委员会=中共中央 国办=国务院办公厅
        全国人大常委会=全国人民代表大会常务委员会 中央深改委=中央全面深化改革委员会
        中纪委=中央纪委国家监委 国家医保局=国家医疗保障局 国家卫健委=国家卫生健康委员会
        卫生部=国家卫生健康委员会 国家卫计委=国家卫生健康委员会 国家药监局=国家药品监督管理局
        国家食品药品监督管理总局=国家药品监督管理局 国家中医药局=国家中医药管理局
        国家疾控局=国家疾病预防控制局 国家发改委=国家发展和改革委员会 人社部=人力资源和社会保障部
        市场监管总局=国家市场监督管理总局 国资委=国务院国有资产监督管理委员会
        国家网信办=国家互联网信息办公室 银保监会=国家金融监督管理总局
        价格招采司=国家医疗保障局医药价格和招标采购司 药审中心=国家药品监督管理局药品审评中心
        器审中心=国家药品监督管理局医疗器械技术审评中心 中国疾控中心=中国疾病预防控制中心
    """))
    for surface, name in expect.items():
        assert surfaces.get(surface) == name, (surface, surfaces.get(surface))
    for name in _w("""
        财政部 民政部 商务部 科学技术部 工业和信息化部 教育部 公安部 司法部 审计署 国家税务总局
        国家数据局 国家统计局 国家知识产权局 海关总署 中国人民银行 国家乡村振兴局 退役军人事务部
        应急管理部 生态环境部 农业农村部 国家林业和草原局 国家体育总局 国家国际发展合作署
    """):
        assert name in agencies, name
    assert agencies["国家中医药管理局"]["parent"] == "国家卫生健康委员会"
    assert agencies["国家疾病预防控制局"]["parent"] == "国家卫生健康委员会"


def test_bodies_unique_and_distinct_from_agencies() -> None:
    data = agencies_toml()
    names = [b["name"] for b in data["body"]]
    assert len(names) == len(set(names)), [n for n, c in Counter(names).items() if c > 1]
    pairs = [(s, b["name"]) for b in data["body"] for s in _surfaces(b)]
    dup = _dupes(pairs)
    assert not dup, f"surface shared by two body types: {dup}"
    national = {s for a in data["agency"] for s in _surfaces(a)}
    clash = {s for s, _ in pairs} & national
    assert not clash, f"body surfaces that are national agency names: {clash}"
    body_names = set(names)
    for must in _w("""
        医疗保障局 卫生健康委员会 卫生健康局 药品监督管理局 市场监督管理局 中医药管理局 疾病预防控制局
        人民政府 人民政府办公厅 人民政府办公室 财政厅 财政局 人力资源和社会保障厅 人力资源和社会保障局
        发展和改革委员会 纪委监委 医疗保障事业管理中心
    """):
        assert must in body_names, must
    assert any(b["kind"] == "procurement_center" for b in data["body"])
    shorts = {s: b["name"] for b in data["body"] for s in b.get("short", [])}
    expect = dict(pair.split("=") for pair in _w("""
        医保局=医疗保障局 卫健委=卫生健康委员会 卫健局=卫生健康局 药监局=药品监督管理局
        市场监管局=市场监督管理局 人社厅=人力资源和社会保障厅 人社局=人力资源和社会保障局
        发改委=发展和改革委员会 医保中心=医疗保障事业管理中心
    """))
    for short, name in expect.items():
        assert shorts.get(short) == name, (short, shorts.get(short))


# -------------------------------------------------------------------------------------------- drugs

def test_drugs_fields() -> None:
    rows = drugs()
    assert len(rows) >= 600, len(rows)
    for d in rows:
        assert d["kind"] in {"chemical", "biologic", "tcm"}, d
        assert d["atc"] == "" or ATC_RE.fullmatch(d["atc"]), d
        assert d["name"] and not re.search(r"[\s|,，、]", d["name"]), d


def test_drug_names_and_aliases_unique() -> None:
    rows = drugs()
    names = [d["name"] for d in rows]
    assert len(names) == len(set(names)), [n for n, c in Counter(names).items() if c > 1]
    pairs = [(s, d["name"]) for d in rows for s in (d["name"], *_split(d["aliases"]))]
    dup = _dupes(pairs)
    assert not dup, f"surface shared by two drugs: {dup}"
    for d in rows:
        own = [d["name"], *_split(d["aliases"])]
        assert len(own) == len(set(own)), f"alias repeats the name or another alias: {d}"


def test_drugs_not_in_stop_list() -> None:
    stop = set(_words("drug_stop.txt"))
    surfaces = {s for d in drugs() for s in (d["name"], *_split(d["aliases"]))}
    clash = sorted(surfaces & stop)
    assert not clash, f"drug names in drug_stop.txt: {clash}"


def test_chemical_names_have_no_dosage_form() -> None:
    forms = set(_words("drug_forms.txt"))
    bad = [d["name"] for d in drugs() if d["kind"] != "tcm"
           for f in forms if d["name"].endswith(f) and len(d["name"]) > len(f)]
    assert not bad, f"chemical/biologic names carrying a dosage form: {bad}"


def test_expected_drugs_present() -> None:
    surfaces = {s: d for d in drugs() for s in (d["name"], *_split(d["aliases"]))}
    expect = {
        "chemical": """阿托伐他汀钙 瑞舒伐他汀钙 氨氯地平 厄贝沙坦 恩替卡韦 替诺福韦 头孢呋辛 阿莫西林
                       奥美拉唑 二甲双胍 阿卡波糖 格列美脲 利伐沙班 氯吡格雷 替格瑞洛 吉非替尼 伊马替尼""",
        "biologic": """帕博利珠单抗 纳武利尤单抗 信迪利单抗 卡瑞利珠单抗 替雷利珠单抗 特瑞普利单抗
                       甘精胰岛素 门冬胰岛素""",
        "tcm": "连花清瘟胶囊 六味地黄丸 安宫牛黄丸 复方丹参滴丸 血塞通 丹红注射液 银杏叶提取物 片仔癀",
    }
    for kind, names in expect.items():
        for name in _w(names):
            assert name in surfaces and surfaces[name]["kind"] == kind, name


def test_drug_forms_and_stop_files() -> None:
    forms = _words("drug_forms.txt")
    assert len(forms) == len(set(forms)), [f for f, c in Counter(forms).items() if c > 1]
    assert "注射用" not in forms, "注射用 is a prefix form, not a suffix"
    for must in _w("""
        片 缓释片 控释片 肠溶片 分散片 胶囊 软胶囊 颗粒 注射液 注射剂 滴丸 丸 口服液 口服溶液
        乳膏 软膏 凝胶 贴剂 栓 滴眼液 气雾剂 吸入剂 喷雾剂 散
    """):
        assert must in forms, must
    assert all(not re.search(r"\s", f) for f in forms)
    stop = _words("drug_stop.txt")
    assert len(stop) == len(set(stop)), [w for w, c in Counter(stop).items() if c > 1]
    for must in _w("卡片 芯片 图片 中成药 中药饮片 仿制药 疫苗 血液制品"):
        assert must in stop, must


SCHEMA_FILES = _w("regions.tsv region_groups.tsv agencies.toml drugs.tsv drug_forms.txt drug_stop.txt "
                  "README.md")


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_schema_files_exist(name: str) -> None:
    assert (SCHEMA / name).is_file(), name
