"""scripts/check_terms.py: the rules on good/bad fixture pages, the output
contract (text, JSON, exit codes), ignore comments, --fix (also on a copy of
the raw source article), the term base's validation, and timing."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kb.model import terms

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "check_terms.py"
FIX = Path("tests/fixtures/terms")  # relative: the output keeps paths as given
SOURCE = ROOT.parent / "shared" / "source" / "liuzhou-article.zh.txt"


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True)


def locations(out: str) -> list[str]:
    """``path:line:col: CODE`` of every finding line."""
    return [m.group(0) for m in re.finditer(r"^\S+:\d+:\d+: [A-Z]{3}\d{3}", out, re.M)]


BAD = {
    "trm001/bad.md": [
        "trm001/bad.md:2:8: TRM001",  # front matter title
        "trm001/bad.md:8:8: TRM001",
        "trm001/bad.md:10:3: TRM001",
        "trm001/bad.md:10:11: TRM001",
        "trm001/bad.md:10:18: TRM001",
        "trm001/bad.md:12:9: TRM001",
    ],
    "typ001/bad.md": [
        "typ001/bad.md:2:12: TYP001",
        "typ001/bad.md:7:18: TYP001",
        "typ001/bad.md:7:36: TYP001",
        "typ001/bad.md:7:47: TYP001",
        "typ001/bad.md:9:3: TYP001",
        "typ001/bad.md:9:6: TYP001",
        "typ001/bad.md:9:9: TYP001",
        "typ001/bad.md:9:12: TYP001",
        "typ001/bad.md:9:15: TYP001",
        "typ001/bad.md:9:19: TYP001",
        "typ001/bad.md:11:7: TYP001",
    ],
    "typ001en/bad.en.md": ["typ001en/bad.en.md:7:24: TYP001"],
    "typ002/bad.md": ["typ002/bad.md:7:5: TYP002", "typ002/bad.md:7:16: TYP002", "typ002/bad.md:9:5: TYP002"],
    "typ003/bad.md": ["typ003/bad.md:7:10: TYP003"],
    "typ004/bad.md": ["typ004/bad.md:7:26: TYP004"],
    "dup001/bad.md": ["dup001/bad.md:11:1: DUP001"],
    "dup002/bad.md": ["dup002/bad.md:9:1: DUP002"],
    "cap001/bad.md": ["cap001/bad.md:9:1: CAP001"],
    "sty001/bad.md": ["sty001/bad.md:11:1: STY001"],
    "sty001/bad.en.md": ["sty001/bad.en.md:11:1: STY001"],
    "trm003/bad.en.md": ["trm003/bad.en.md:2:8: TRM003", "trm003/bad.en.md:7:85: TRM003"],
}

GOOD = [
    "trm001/good.md",
    "typ001/good.md",
    "typ001en/good.en.md",
    "typ002/good.md",
    "typ003/good.md",
    "typ004/good.md",
    "dup001/good.md",
    "dup002/good.md",
    "cap001/good.md",
    "sty001/good.md",
    "sty001/good.en.md",
    "sty001/index.md",
    "untouched/code.md",
]


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_fixture_exact_findings(name):
    proc = run(str(FIX / name))
    assert proc.returncode == 1, proc.stderr
    assert locations(proc.stdout) == [f"{FIX}/{loc}" for loc in BAD[name]], proc.stdout


@pytest.mark.parametrize("name", GOOD)
def test_good_fixture_is_silent(name):
    proc = run(str(FIX / name))
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_messages_name_the_right_form():
    out = run(str(FIX / "trm001/bad.md")).stdout
    assert "“三事分离” should be “三事分流”" in out
    assert "“四联双报道” should be “四联双报到”" in out
    assert "“工专” should be “工作”" in out
    out = run(str(FIX / "typ001/bad.md")).stdout
    assert "half-width “(” in Chinese text: use “（”" in out


def test_trm002_pairs_english_page_with_its_chinese_page():
    proc = run(str(FIX / "trm002"))
    assert proc.returncode == 1
    # reported on the English page, at the heading of the section that
    # corresponds to the Chinese line, and naming that line
    assert locations(proc.stdout) == [f"{FIX}/trm002/bad.en.md:5:1: TRM002"]
    assert "“three-way issue triage” missing" in proc.stdout and "(bad.md:5)" in proc.stdout
    # a single English file finds its Chinese page next to it
    assert locations(run(str(FIX / "trm002/bad.en.md")).stdout) == [f"{FIX}/trm002/bad.en.md:5:1: TRM002"]
    assert run(str(FIX / "trm002/good.en.md")).returncode == 0


def test_trm003_good_pair_is_silent():
    proc = run(str(FIX / "trm003/good.md"), str(FIX / "trm003/good.en.md"))
    assert (proc.returncode, proc.stdout) == (0, "")


def test_json_output():
    proc = run("--format", "json", str(FIX / "typ003/bad.md"), str(FIX / "dup001/bad.md"))
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert [(d["path"], d["line"], d["col"], d["code"]) for d in data] == [
        (f"{FIX}/dup001/bad.md", 11, 1, "DUP001"),
        (f"{FIX}/typ003/bad.md", 7, 10, "TYP003"),
    ]
    for d in data:
        assert set(d) == {"path", "line", "col", "code", "severity", "message"}
        assert d["severity"] == "error" and d["message"]
    assert "line 7" in data[0]["message"]
    clean = run("--format", "json", str(FIX / "typ003/good.md"))
    assert (clean.returncode, json.loads(clean.stdout)) == (0, [])


def test_ignore_comments():
    proc = run(str(FIX / "ignore/ignored.md"))
    # line 9 is ignored for TRM001, the whole file for TYP002; line 11 is not
    assert locations(proc.stdout) == [f"{FIX}/ignore/ignored.md:11:9: TRM001"]


def test_exit_2_on_bad_usage_and_unreadable_inputs(tmp_path):
    assert run("--format", "xml").returncode == 2
    assert run("--nope").returncode == 2
    missing = run(str(tmp_path / "missing.md"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    binary = tmp_path / "bad.md"
    binary.write_bytes(b"\xff\xfe\x00bad")
    assert run(str(binary)).returncode == 2
    broken = tmp_path / "terms.yml"
    broken.write_text("terms: [zh: : :\n", encoding="utf-8")
    proc = run("--terms", str(broken), str(FIX / "typ003/good.md"))
    assert proc.returncode == 2 and "cannot read the term base" in proc.stderr
    malformed = tmp_path / "terms2.yml"
    malformed.write_text("terms:\n  - id: a\n    zh: 甲\n    en: a\n", encoding="utf-8")
    proc = run("--terms", str(malformed), str(FIX / "typ003/good.md"))
    assert proc.returncode == 2 and "missing or empty 'def_zh'" in proc.stderr


def test_help_documents_every_rule_code():
    out = run("--help").stdout
    for code in (
        "TRM001",
        "TRM002",
        "TRM003",
        "TYP001",
        "TYP002",
        "TYP003",
        "TYP004",
        "DUP001",
        "DUP002",
        "CAP001",
        "STY001",
    ):
        assert code in out
    assert "kb-ignore-file" in out


def test_code_urls_keys_and_attributes_are_untouched(tmp_path):
    page = tmp_path / "code.md"
    shutil.copy(ROOT / FIX / "untouched/code.md", page)
    before = page.read_text(encoding="utf-8")
    proc = run("--fix", str(page))
    assert proc.returncode == 0 and "fixed" not in proc.stdout
    assert page.read_text(encoding="utf-8") == before


def test_fix_rewrites_fixable_rules_and_exits_0(tmp_path):
    for name in ("trm001/bad.md", "typ001/bad.md", "typ002/bad.md", "typ003/bad.md"):
        shutil.copy(ROOT / FIX / name, tmp_path / name.replace("/", "-"))
    proc = run("--fix", str(tmp_path))
    # only the unpaired quote of typ002 is left (not fixable)
    assert locations(proc.stdout.replace("fixed ", "FIXED ")) == [f"{tmp_path}/typ002-bad.md:9:5: TYP002"]
    assert proc.returncode == 1
    assert re.search(rf"^fixed {re.escape(str(tmp_path))}/trm001-bad.md:8:8: TRM001 ", proc.stdout, re.M)
    text = (tmp_path / "trm001-bad.md").read_text(encoding="utf-8")
    assert "title: 三事分流的做法" in text
    assert "推进四联双报到，实施头雁计划，设置五办两中心。" in text and "工作小组" in text
    text = (tmp_path / "typ001-bad.md").read_text(encoding="utf-8")
    assert "柳州市全面深化街道管理体制机制改革，调整街道机构综合设置“五办两中心”，探索执法力量下沉街道。" in text
    assert "党组（党委）书记；问题？是！内容：如下。" in text
    assert "**重点**，继续推进。" in text
    text = (tmp_path / "typ002-bad.md").read_text(encoding="utf-8")
    assert "创新运用“三事分流”机制，所谓‘私事自治’由居民自己处理。" in text
    text = (tmp_path / "typ003-bad.md").read_text(encoding="utf-8")
    assert "把党的政治优势和组织优势转化为基层社会治理优势。\n" in text
    # a second run finds nothing more to fix
    again = run("--fix", str(tmp_path / "typ001-bad.md"), str(tmp_path / "trm001-bad.md"))
    assert (again.returncode, again.stdout) == (0, "")


def _words(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


def test_fix_on_the_raw_source_article(tmp_path):
    copy = tmp_path / "liuzhou-article.zh.txt"
    shutil.copy(SOURCE, copy)
    original = SOURCE.read_text(encoding="utf-8")
    proc = run("--fix", str(copy))
    fixed = copy.read_text(encoding="utf-8")
    # the wording is unchanged except the misspelling 工专 -> 工作
    assert original.count("工专") == 3
    assert _words(fixed) == _words(original).replace("工专", "工作")
    assert "工专" not in fixed
    assert not re.search(r"[\u4e00-\u9fff”][,;:?!()]|[,;:?!()][\u4e00-\u9fff“]", fixed)
    assert "党组（党委）书记" in fixed and "“五办两中心”，探索" in fixed
    # what cannot be fixed is reported: the duplicated paragraph and the
    # sentences split by page breaks (e.g. 组 / 织优势)
    left = locations(proc.stdout.replace("fixed ", "FIXED "))
    p = str(copy)
    assert left == [
        f"{p}:1:1: STY001",
        f"{p}:9:1: CAP001",
        f"{p}:11:1: CAP001",
        f"{p}:17:107: TYP004",
        f"{p}:23:17: TYP004",
        f"{p}:33:250: TYP004",
        f"{p}:41:260: TYP004",
        f"{p}:51:142: TYP004",
        f"{p}:60:51: TYP004",
        f"{p}:62:1: CAP001",
        f"{p}:68:1: DUP002",
        f"{p}:70:1: DUP001",
        f"{p}:72:89: TYP004",
    ]
    assert "split by a page break and a caption?" in proc.stdout  # 示 / ▶caption / 范
    assert "paragraph repeats the one at line 56" in proc.stdout
    assert proc.returncode == 1


def test_docs_tree_is_clean_and_fast():
    from terms_bench import time_checker

    took, proc = time_checker(ROOT / "docs")
    assert proc.returncode == 0, proc.stdout
    print(f"check_terms.py on docs/: {took:.2f} s wall, {proc.cpu_seconds:.2f} s CPU")
    assert proc.cpu_seconds < 1.0, f"check_terms.py on docs/ took {proc.cpu_seconds:.2f} s CPU"


def test_default_docs_found_from_the_script_not_the_cwd(tmp_path):
    proc = run(cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_500_page_pairs_timing(tmp_path):
    from terms_bench import make_corpus, time_checker

    docs = make_corpus(tmp_path / "docs", 500)
    took, proc = time_checker(docs)
    print(f"check_terms.py on 500 synthetic page pairs: {took:.2f} s wall, {proc.cpu_seconds:.2f} s CPU")
    assert proc.returncode == 1  # the corpus carries some damage
    assert f"{docs}/p0000.md" in proc.stdout and "TRM001" in proc.stdout
    assert proc.cpu_seconds < 8.0  # measured about 2 s (of which 60 % is parsing)


# ---------------------------------------------------------------- the term base
def _write(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "terms.yml"
    p.write_text(body, encoding="utf-8")
    return p


ENTRY = """  - id: {id}
    zh: {zh}
    en: '{en}'
    def_zh: 定义。
    def_en: 'Definition.'
    source: 原文
"""


def test_term_base_validation(tmp_path):
    dup = _write(tmp_path, "terms:\n" + ENTRY.format(id="a", zh="甲", en="a") + ENTRY.format(id="a", zh="乙", en="b"))
    with pytest.raises(terms.TermBaseError, match=r"id 'a' is used by both"):
        terms.load(dup)
    dupzh = _write(tmp_path, "terms:\n" + ENTRY.format(id="a", zh="甲", en="a") + ENTRY.format(id="b", zh="甲", en="b"))
    with pytest.raises(terms.TermBaseError, match=r"zh '甲' is used by both"):
        terms.load(dupzh)
    slug = _write(tmp_path, "terms:\n" + ENTRY.format(id="Bad Id", zh="甲", en="a"))
    with pytest.raises(
        terms.TermBaseError, match=r"terms.yml:2: term #1 \(Bad Id\): id 'Bad Id' must be an ASCII slug"
    ):
        terms.load(slug)
    real = _write(
        tmp_path,
        "terms:\n"
        + ENTRY.format(id="a", zh="红色物业", en="a")
        + ENTRY.format(id="b", zh="红星物业", en="b")
        + "    wrong_zh: [红色物业]\n",
    )
    with pytest.raises(terms.TermBaseError, match=r"wrong_zh '红色物业' of 'b' is \(part of\) the real term"):
        terms.load(real)


def test_real_term_base():
    tb = terms.load()
    ids = [t.id for t in tb.terms]
    assert len(ids) == len(set(ids)) and len(ids) >= 60
    for t in tb.terms:
        assert t.def_zh and t.def_en and t.source
    by_zh = {t.zh: t for t in tb.terms}
    for zh in (
        "三事分流",
        "四联双报到",
        "头雁计划",
        "三岗十八级",
        "五办两中心",
        "六化小区",
        "七彩地图",
        "红星物业",
        "红色物业",
        "大工委",
        "大党委",
        "党建名师工作室",
        "红色管家",
        "红旗网格",
        "奋斗支部",
        "136志愿专列",
        "柳州城市党建学院",
        "五查五规范",
        "三会一课",
        "一减六增",
        "三无小区",
    ):
        assert zh in by_zh, zh
    # renderings the content writers use, exactly
    assert by_zh["三事分流"].en == "three-way issue triage" and by_zh["三事分流"].id == "three-way-triage"
    assert by_zh["头雁计划"].en == "Lead Goose Program"
    assert "three matters diversion" in by_zh["三事分流"].wrong_en
    assert tb.misspellings["工专"] == "工作"
