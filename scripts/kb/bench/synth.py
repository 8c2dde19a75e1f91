"""A synthetic bilingual corpus in the structure of this project, for benchmarks.

    from kb.bench.synth import generate_corpus
    manifest = generate_corpus(Path("/tmp/corpus/docs"), n_pairs=500, seed=1)

``out_docs_dir`` must lie OUTSIDE the repository's ``docs/`` (the corpus is
never published). The corpus is:

* a copy of the real ``docs/`` (home, about, glossary, course modules, the
  collections and their index pages with ``<!-- kb:collection-index -->``,
  ``assets/``), so the real navigation resolves and every real link works;
* ``n_pairs`` synthetic page pairs ``x.md`` / ``x.en.md`` on top of it:
  cases (50 %), policies (20 %), playbooks (20 %) and course modules (10 %),
  each Chinese page about 1,500 Chinese characters and each English page
  about 800 words, using the term base (``scripts/data/terms.yml``) in both
  languages, with explicit heading anchors (the same in both languages),
  relative links with anchors to other synthetic pages, to the course
  modules and to the glossary, valid collection front matter (the schemas of
  ``scripts/data/schemas/`` and the values of ``vocabulary.yml``) and
  ``translated_from`` fingerprints that match (no stale translations).

Every synthetic case names a community that no other page names (``青松社区`` /
``Qingsong Community``): :attr:`Manifest.queries` lists such held-out queries
with the page each must find, for search-recall measurements.

The returned :class:`Manifest` also gives the navigation entries of the
synthetic course modules (``nav_modules``): a configuration that lists the
course modules in ``nav`` (as ``mkdocs.yml`` does) must add them.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..model import translations
from ..model.paths import DOCS, TERMS_FILE

# (Chinese character, pinyin syllable) pairs for unique place names.
_SYLLABLES = [
    ("青", "Qing"),
    ("松", "song"),
    ("兰", "lan"),
    ("桂", "gui"),
    ("竹", "zhu"),
    ("梅", "mei"),
    ("枫", "feng"),
    ("柏", "bai"),
    ("杉", "shan"),
    ("桃", "tao"),
    ("杏", "xing"),
    ("荷", "he"),
    ("菊", "ju"),
    ("莲", "lian"),
    ("榕", "rong"),
    ("槐", "huai"),
    ("柳", "liu"),
    ("杨", "yang"),
    ("泉", "quan"),
    ("溪", "xi"),
    ("湖", "hu"),
    ("港", "gang"),
    ("湾", "wan"),
    ("岭", "ling"),
    ("峰", "feng"),
    ("岩", "yan"),
    ("坪", "ping"),
    ("洲", "zhou"),
    ("滨", "bin"),
    ("川", "chuan"),
    ("金", "jin"),
    ("银", "yin"),
    ("玉", "yu"),
    ("翠", "cui"),
    ("丹", "dan"),
    ("紫", "zi"),
    ("明", "ming"),
    ("华", "hua"),
    ("光", "guang"),
    ("辉", "hui"),
    ("晨", "chen"),
    ("曦", "xi"),
    ("和", "he"),
    ("平", "ping"),
    ("安", "an"),
    ("康", "kang"),
    ("宁", "ning"),
    ("泰", "tai"),
    ("新", "xin"),
    ("兴", "xing"),
    ("盛", "sheng"),
    ("丰", "feng"),
    ("裕", "yu"),
    ("富", "fu"),
    ("春", "chun"),
    ("夏", "xia"),
    ("秋", "qiu"),
    ("冬", "dong"),
    ("云", "yun"),
    ("霞", "xia"),
    ("龙", "long"),
    ("凤", "feng"),
    ("鹤", "he"),
    ("鹏", "peng"),
    ("雁", "yan"),
    ("鸿", "hong"),
]

_ZH_SENTENCES = [
    "{name}坚持把{t1}作为一项基础性工作，围绕{t2}细化责任分工，形成了上下联动、左右协同的工作格局。",
    "在推进{t1}的过程中，社区党组织定期召开协调会，听取居民意见，把群众反映集中的问题列入年度任务清单。",
    "工作人员按照{t1}的要求逐户走访，建立台账，做到底数清、情况明，为后续{t2}打下了扎实的基础。",
    "通过{t1}与{t2}相结合，辖区内各类组织的资源得到整合，服务群众的能力和水平不断提升。",
    "{name}注重发挥党员的先锋模范作用，组织党员亮身份、作承诺，在{t1}中当好排头兵。",
    "针对老旧设施多、管理主体少的实际情况，社区探索{t1}，推动问题在一线发现、在一线解决。",
    "每季度开展一次评议，邀请居民代表、驻区单位和物业企业共同参与，评议结果与{t1}挂钩。",
    "为了让制度真正落地，街道把{t1}纳入考核内容，对工作成效明显的社区给予表扬和激励。",
    "社区依托{t1}搭建议事平台，小事不出网格、大事不出社区，邻里关系更加和谐融洽。",
    "在疫情防控、防汛救灾等急难险重任务中，{name}的党员干部冲在前面，体现了{t1}的成效。",
    "学员在课堂讨论中总结出三条经验：一是抓好{t1}，二是做实{t2}，三是持续跟踪评估。",
    "这一做法的关键在于把{t1}的各个环节串联起来，让每个环节都有明确的责任人和完成时限。",
    "社区还编印了工作手册，把{t1}的流程、表格和常见问题整理成册，方便新任社区工作者学习使用。",
    "居民普遍反映，自从开展{t1}以来，办事更方便了，身边的问题解决得更快了。",
    "下一步，{name}将继续深化{t1}，在{t2}上下功夫，推动各项工作再上新台阶。",
    "从全市情况看，{t1}已经在多个街道推广，形成了可复制、可推广的经验做法。",
    "为了检验成效，社区设置了若干衡量指标，包括居民满意度、问题办结率和志愿服务时长等。",
    "驻区单位主动认领服务项目，与社区签订共建协议，在{t1}方面提供场地、资金和人员支持。",
]

_EN_SENTENCES = [
    "{name} treats {t1} as basic work and divides responsibilities for {t2} clearly, so that every level and every partner works together.",
    "While pushing forward {t1}, the community Party organization holds regular coordination meetings, listens to residents and puts the problems they raise most often on the annual task list.",
    "Following the requirements of {t1}, staff visit every household, keep a register and build a solid basis for the later work on {t2}.",
    "By combining {t1} with {t2}, the resources of the organizations in the area are brought together and the ability to serve residents keeps improving.",
    "{name} makes Party members set an example: they show their identity, make public commitments and lead the way in {t1}.",
    "Where old facilities are many and managers are few, the community tries {t1}, so that problems are found and solved on the spot.",
    "Every quarter an evaluation is held with residents' representatives, local units and property companies, and its results are tied to {t1}.",
    "To make the rules work in practice, the subdistrict includes {t1} in its assessment and commends the communities with clear results.",
    "The community builds a consultation platform on {t1}: small matters stay within the grid and large matters stay within the community.",
    "In emergencies such as epidemic control and flood relief, the Party members and cadres of {name} stood in the front line, which showed the effect of {t1}.",
    "In the classroom discussion, trainees drew three lessons: do {t1} well, make {t2} solid, and keep following up and evaluating.",
    "The key of this practice is to link every step of {t1}, so that each step has a clear person in charge and a clear deadline.",
    "The community also printed a work manual that collects the procedures, forms and common questions of {t1} for new community workers.",
    "Residents often say that since {t1} began, getting things done is easier and the problems around them are solved faster.",
    "Next, {name} will deepen {t1} and work harder on {t2}, to bring every task to a new level.",
    "Across the city, {t1} has spread to several subdistricts and has become an experience that others can copy and extend.",
    "To check the results, the community set several indicators, including residents' satisfaction, the rate of settled issues and hours of volunteer service.",
    "Local units take on service projects and sign joint-building agreements with the community, offering space, funds and people for {t1}.",
]

_SOURCE_ZH = "合成语料：仅用于性能测试，不是事实资料"
_SOURCE_EN = "Synthetic corpus: for performance tests only, not a factual source"

_KINDS = [("cases", 0.5), ("policies", 0.2), ("playbooks", 0.2), ("course", 0.1)]
_MODULES = [
    "course/overview.md",
    "course/process-control.md",
    "course/process-efficiency.md",
    "course/production-factors.md",
    "course/flagship-brands.md",
]
_THEMES = [
    "party-organisation",
    "volunteer-service",
    "property-management",
    "grid-governance",
    "old-community-renewal",
    "subdistrict-reform",
    "service-centres",
    "community-workers",
    "residents-self-governance",
]
_POLICY_KINDS = ["方案", "制度", "措施", "清单", "办法"]
_POLICY_KIND_ZH = {"方案": "实施方案", "制度": "工作制度", "措施": "若干措施", "清单": "任务清单", "办法": "管理办法"}
_POLICY_KIND_EN = {
    "方案": "Implementation Plan",
    "制度": "Work System",
    "措施": "Measures",
    "清单": "Task List",
    "办法": "Management Rules",
}

# Headings (explicit anchors, the same in both languages) per kind.
_SECTIONS = {
    "cases": [("做法", "Practice", "method"), ("成效", "Results", "results"), ("经验", "Lessons", "lessons")],
    "policies": [
        ("概述", "Summary", "summary"),
        ("主要内容", "Main content", "content"),
        ("落实情况", "Implementation", "implementation"),
    ],
    "playbooks": [
        ("是什么", "What it is", "what"),
        ("谁来做", "Who does it", "who"),
        ("步骤", "Steps", "steps"),
        ("衡量指标", "Indicators", "indicators"),
    ],
    "course": [
        ("学习目标", "Learning goals", "goals"),
        ("要点", "Key points", "points"),
        ("讨论", "Discussion", "discussion"),
    ],
}
_FIRST_ANCHOR = {k: v[0][2] for k, v in _SECTIONS.items()}


@dataclass
class SynthPage:
    base: str  # docs-relative path of the Chinese page, e.g. "cases/synth-case-0001.md"
    kind: str  # cases | policies | playbooks | course
    id: str
    name_zh: str
    name_en: str


@dataclass
class Manifest:
    docs_dir: Path
    n_pairs: int
    seed: int
    pages: list[SynthPage] = field(default_factory=list)
    real_pairs: int = 0  # pairs copied from docs/
    nav_modules: list[str] = field(default_factory=list)  # synthetic course modules, nav order
    queries: list[dict] = field(default_factory=list)  # {lang, query, expect (site-relative URL)}

    @property
    def total_pairs(self) -> int:
        return self.real_pairs + len(self.pages)


def _split(n: int) -> dict[str, int]:
    counts = {k: int(n * share) for k, share in _KINDS}
    counts["cases"] += n - sum(counts.values())
    return counts


def _names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    pairs = [(a + b, (sa + sb).capitalize()) for a, sa in _SYLLABLES for b, sb in _SYLLABLES if a != b]
    seen_en: set[str] = set()
    unique = []
    for zh, en in pairs:  # one pinyin spelling per name, so that a query finds one page
        if en not in seen_en:
            seen_en.add(en)
            unique.append((zh, en))
    rng.shuffle(unique)
    if count > len(unique):
        raise ValueError(f"at most {len(unique)} synthetic pages of one kind")
    return unique[:count]


def _paragraphs(
    rng: random.Random, templates: list[str], name: str, terms: list[str], target: int, measure, links: list[str]
) -> list[str]:
    """Paragraphs of sentences until ``measure(text) >= target``; links spread in."""
    paras: list[str] = []
    current: list[str] = []
    size = 0
    links = list(links)
    while size < target:
        t1, t2 = rng.sample(terms, 2)
        s = rng.choice(templates).format(name=name, t1=t1, t2=t2)
        size += measure(s)
        current.append(s)
        if len(current) >= 4:
            if links:
                current.append(links.pop())
            paras.append(("" if templates is _ZH_SENTENCES else " ").join(current))
            current = []
    if current or links:
        current.extend(links)
        paras.append(("" if templates is _ZH_SENTENCES else " ").join(current))
    return paras


def _zh_len(s: str) -> int:
    return sum(1 for ch in s if "\u4e00" <= ch <= "\u9fff")


def _en_len(s: str) -> int:
    return len(s.split())


def _yaml_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _front(fields: list[tuple[str, str]]) -> str:
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in fields) + "---\n\n"


def _rel(from_base: str, to_base: str) -> str:
    import posixpath

    return posixpath.relpath(to_base, posixpath.dirname(from_base) or ".")


def generate_corpus(out_docs_dir: Path, n_pairs: int, seed: int = 1) -> Manifest:
    """Write the corpus into ``out_docs_dir`` (created; must not exist or be empty)."""
    out = Path(out_docs_dir).resolve()
    if out == DOCS.resolve() or DOCS.resolve() in out.parents:
        raise ValueError(f"{out}: the synthetic corpus must not be written into docs/")
    if out.exists() and any(out.iterdir()):
        raise ValueError(f"{out}: not empty")
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        out.rmdir()
    shutil.copytree(DOCS, out)
    rng = random.Random(seed)
    # the term base read plainly (zh/en only: the corpus needs no definitions)
    import yaml

    raw = yaml.safe_load(TERMS_FILE.read_text(encoding="utf-8"))["terms"]
    term_pairs = [(str(t["zh"]), str(t["en"])) for t in raw if "/" not in str(t["zh"]) and len(str(t["zh"])) <= 8]

    manifest = Manifest(out, n_pairs, seed)
    manifest.real_pairs = sum(1 for p in out.rglob("*.md") if not p.name.endswith(".en.md"))
    counts = _split(n_pairs)
    prefix = {
        "cases": "synth-case",
        "policies": "synth-policy",
        "playbooks": "synth-playbook",
        "course": "synth-module",
    }
    for kind, count in counts.items():
        for i, (zh, en) in enumerate(_names(rng, count)):
            pid = f"{prefix[kind]}-{i + 1:04d}"
            manifest.pages.append(SynthPage(f"{kind}/{pid}.md", kind, pid, zh, en))
    by_kind: dict[str, list[SynthPage]] = {k: [p for p in manifest.pages if p.kind == k] for k in counts}
    manifest.nav_modules = [p.base for p in by_kind["course"]]

    for page in manifest.pages:
        _write_pair(out, page, rng, by_kind, term_pairs)

    cases = by_kind["cases"]
    for p in rng.sample(cases, min(len(cases), 8)):
        slug = p.base[: -len(".md")] + "/"
        manifest.queries.append({"lang": "zh", "query": p.name_zh + "社区", "expect": slug})
        manifest.queries.append({"lang": "en", "query": p.name_en, "expect": "en/" + slug})
    return manifest


def _write_pair(
    out: Path,
    page: SynthPage,
    rng: random.Random,
    by_kind: dict[str, list[SynthPage]],
    term_pairs: list[tuple[str, str]],
) -> None:
    kind = page.kind
    # links to other synthetic pages (with the anchor of their first section),
    # to course modules, and to the glossary
    others = [
        p
        for k in ("cases", "policies", "playbooks")
        for p in rng.sample(by_kind[k], min(2, len(by_kind[k])))
        if p is not page
    ]
    modules = rng.sample(_MODULES, 2)
    link_targets = [(p, f"{_rel(page.base, p.base)}#{_FIRST_ANCHOR[p.kind]}") for p in others]
    zh_links = [f"参见[{p.name_zh}]({href})。" for p, href in link_targets]
    en_links = [f"See [{p.name_en}]({href})." for p, href in link_targets]
    zh_links += [f"相关课程见[课程模块]({_rel(page.base, m)})。" for m in modules]
    en_links += [f"See the [course module]({_rel(page.base, m)})." for m in modules]
    zh_links.append(f"术语见[术语表]({_rel(page.base, 'glossary.md')})。")
    en_links.append(f"See the [glossary]({_rel(page.base, 'glossary.md')}) for the terms.")

    picked = rng.sample(term_pairs, 12)
    zh_terms = [z for z, _ in picked]
    en_terms = [e for _, e in picked]
    sections = _SECTIONS[kind]
    n_sec = len(sections)
    state = rng.getstate()
    zh_paras = [
        _paragraphs(rng, _ZH_SENTENCES, _zh_name(page), zh_terms, 1400 // n_sec, _zh_len, zh_links[i::n_sec])
        for i in range(n_sec)
    ]
    rng.setstate(state)  # the English page follows the same choices (a translation)
    en_paras = [
        _paragraphs(rng, _EN_SENTENCES, _en_name(page), en_terms, 740 // n_sec, _en_len, en_links[i::n_sec])
        for i in range(n_sec)
    ]

    related_cases = [p.id for p in rng.sample(by_kind["cases"], min(2, len(by_kind["cases"]))) if p is not page]
    related_pol = [p.id for p in rng.sample(by_kind["policies"], min(2, len(by_kind["policies"]))) if p is not page]
    related_pb = [p.id for p in rng.sample(by_kind["playbooks"], min(2, len(by_kind["playbooks"]))) if p is not page]
    related_mod = sorted(modules)

    zh_fm, en_fm, zh_title, en_title, zh_table, en_table = _front_matter(
        page, rng, related_cases, related_pol, related_pb, related_mod
    )
    zh_body = f"# {zh_title}\n\n" + zh_table
    en_body = f"# {en_title}\n\n" + en_table
    for (hz, he, anchor), pz, pe in zip(sections, zh_paras, en_paras):
        zh_body += f"## {hz} {{#{anchor}}}\n\n" + "\n\n".join(pz) + "\n\n"
        en_body += f"## {he} {{#{anchor}}}\n\n" + "\n\n".join(pe) + "\n\n"
    zh_body += f"## 资料来源 {{#sources}}\n\n- {_SOURCE_ZH}。\n"
    en_body += f"## Sources {{#sources}}\n\n- {_SOURCE_EN}.\n"

    zh_text = _front(zh_fm) + zh_body
    zh_path = out / page.base
    zh_path.parent.mkdir(parents=True, exist_ok=True)
    zh_path.write_text(zh_text, encoding="utf-8")
    fp = translations.fingerprint(translations.body_of(zh_text))
    en_fm.append((translations.FIELD, f'"{fp}"'))
    (out / (page.base[: -len(".md")] + ".en.md")).write_text(_front(en_fm) + en_body, encoding="utf-8")


def _zh_name(page: SynthPage) -> str:
    return {
        "cases": f"{page.name_zh}社区",
        "policies": f"{page.name_zh}街道",
        "playbooks": f"“{page.name_zh}”品牌",
        "course": f"{page.name_zh}课程",
    }[page.kind]


def _en_name(page: SynthPage) -> str:
    return {
        "cases": f"{page.name_en} Community",
        "policies": f"{page.name_en} Subdistrict",
        "playbooks": f"the {page.name_en} brand",
        "course": f"the {page.name_en} course",
    }[page.kind]


def _front_matter(
    page: SynthPage, rng: random.Random, cases: list[str], policies: list[str], playbooks: list[str], modules: list[str]
):
    sources = [("sources", f"[{_SOURCE_ZH}]")], [("sources", f"[{_yaml_str(_SOURCE_EN)}]")]
    k = page.kind
    if k == "cases":
        year = rng.choice([2018, 2019, 2020, 2021, 2022])
        lst = rng.choice(["mca-2018-100", "local"])
        themes = rng.sample(_THEMES, 2)
        district = rng.choice(
            [
                ("柳南区", "Liunan District"),
                ("城中区", "Chengzhong District"),
                ("鱼峰区", "Yufeng District"),
                ("柳北区", "Liubei District"),
            ]
        )
        zt, et = f"{page.name_zh}社区工作法", f"Work Method of {page.name_en} Community"
        common = [
            ("id", page.id),
            ("method", None),
            ("list", lst),
            ("year", str(year)),
            ("themes", "[" + ", ".join(themes) + "]"),
            ("aliases", "[]"),
        ]
        rel = (
            "related",
            "\n  modules: ["
            + ", ".join(modules)
            + "]\n  policies: ["
            + ", ".join(policies)
            + "]\n  playbooks: ["
            + ", ".join(playbooks)
            + "]",
        )
        zh = (
            [
                ("id", page.id),
                ("title", zt),
                ("description", f"{page.name_zh}社区的工作法（合成测试页）。"),
                ("community", f"{page.name_zh}社区"),
                ("subdistrict", f"{page.name_zh}街道"),
                ("district", district[0]),
                ("city", "柳州市"),
                ("province", "广西壮族自治区"),
                ("method", f"“{page.name_zh}”工作法"),
            ]
            + [c for c in common[2:]]
            + [rel]
            + sources[0]
        )
        en = (
            [
                ("id", page.id),
                ("title", et),
                ("description", _yaml_str(f"The work method of {page.name_en} Community (synthetic test page).")),
                ("community", f"{page.name_en} Community"),
                ("subdistrict", f"{page.name_en} Subdistrict"),
                ("district", district[1]),
                ("city", "Liuzhou"),
                ("province", "Guangxi Zhuang Autonomous Region"),
                ("method", f"{page.name_en} work method"),
            ]
            + [c for c in common[2:]]
            + [rel]
            + sources[1]
        )
        zrows = [("社区", f"{page.name_zh}社区"), ("城区", district[0]), ("年份", str(year))]
        erows = [("Community", f"{page.name_en} Community"), ("District", district[1]), ("Year", str(year))]
    elif k == "policies":
        pk = rng.choice(_POLICY_KINDS)
        zt = f"{page.name_zh}街道城市基层党建{_POLICY_KIND_ZH[pk]}"
        et = f"{_POLICY_KIND_EN[pk]} of {page.name_en} Subdistrict on Urban Primary-Level Party Building"
        status = rng.choice(["已出台", "推行中"])
        rel = (
            "related",
            "\n  modules: ["
            + ", ".join(modules)
            + "]\n  cases: ["
            + ", ".join(cases)
            + "]\n  playbooks: ["
            + ", ".join(playbooks)
            + "]",
        )
        zsum = f"{page.name_zh}街道的{_POLICY_KIND_ZH[pk]}（合成测试页）。"
        esum = _yaml_str(f"The {_POLICY_KIND_EN[pk].lower()} of {page.name_en} Subdistrict (synthetic test page).")
        zh = [
            ("id", page.id),
            ("title", zt),
            ("description", zsum),
            ("issuer", f"{page.name_zh}街道"),
            ("kind", pk),
            ("status", status),
            ("date", "null"),
            ("doc_number", "null"),
            ("summary", zsum),
            rel,
        ] + sources[0]
        en = [
            ("id", page.id),
            ("title", _yaml_str(et)),
            ("description", esum),
            ("issuer", f"{page.name_en} Subdistrict"),
            ("kind", pk),
            ("status", status),
            ("date", "null"),
            ("doc_number", "null"),
            ("summary", esum),
            rel,
        ] + sources[1]
        zt = f"《{zt}》"
        zrows = [("发文机关", f"{page.name_zh}街道"), ("类别", pk), ("状态", status)]
        erows = [("Issuer", f"{page.name_en} Subdistrict"), ("Kind", pk), ("Status", status)]
    elif k == "playbooks":
        pk = rng.choice(["brand", "mechanism"])
        zt, et = f"“{page.name_zh}”微治理品牌", f"The {page.name_en} Micro-Governance Brand"
        rel = (
            "related",
            "\n  modules: ["
            + ", ".join(modules)
            + "]\n  cases: ["
            + ", ".join(cases)
            + "]\n  policies: ["
            + ", ".join(policies)
            + "]",
        )
        zh = [
            ("id", page.id),
            ("title", zt),
            ("description", f"复制“{page.name_zh}”品牌的手册（合成测试页）。"),
            ("kind", pk),
            ("owner", f"{page.name_zh}社区"),
            rel,
        ] + sources[0]
        en = [
            ("id", page.id),
            ("title", et),
            ("description", _yaml_str(f"A playbook for copying the {page.name_en} brand (synthetic test page).")),
            ("kind", pk),
            ("owner", f"{page.name_en} Community"),
            rel,
        ] + sources[1]
        zrows = [("牵头单位", f"{page.name_zh}社区"), ("类型", pk)]
        erows = [("Lead", f"{page.name_en} Community"), ("Kind", pk)]
    else:
        zt, et = f"专题：{page.name_zh}课程", f"Topic: the {page.name_en} Course"
        zh = [("title", zt), ("description", f"{page.name_zh}课程模块（合成测试页）。")]
        en = [
            ("title", _yaml_str(et)),
            ("description", _yaml_str(f"The {page.name_en} course module (synthetic test page).")),
        ]
        zrows = [("课时", "2")]
        erows = [("Hours", "2")]
    ztable = "| 项目 | 内容 |\n| --- | --- |\n" + "".join(f"| {a} | {b} |\n" for a, b in zrows) + "\n"
    etable = "| Field | Value |\n| --- | --- |\n" + "".join(f"| {a} | {b} |\n" for a, b in erows) + "\n"
    return zh, en, zt, et, ztable, etable


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description="Write a synthetic bilingual corpus (outside docs/).")
    ap.add_argument("out", type=Path, help="the docs directory to create")
    ap.add_argument("-n", "--pairs", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    m = generate_corpus(args.out, args.pairs, args.seed)
    print(f"{m.docs_dir}: {len(m.pages)} synthetic pairs + {m.real_pairs} real pairs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
