"""The text of the synthetic corpus (:mod:`kb.bench.synth`): syllables of
unique place names, the sentence templates in both languages, the kinds of
pages and their sections, and the front matter and fact table of each kind.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .synth import SynthPage

# (Chinese character, pinyin syllable) pairs for unique place names.
SYLLABLES = [
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

ZH_SENTENCES = [
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

EN_SENTENCES = [
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

SOURCE_ZH = "合成语料：仅用于性能测试，不是事实资料"
SOURCE_EN = "Synthetic corpus: for performance tests only, not a factual source"

KINDS = [("cases", 0.5), ("policies", 0.2), ("playbooks", 0.2), ("course", 0.1)]
MODULES = [
    "course/overview.md",
    "course/process-control.md",
    "course/process-efficiency.md",
    "course/production-factors.md",
    "course/flagship-brands.md",
]
THEMES = [
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
POLICY_KINDS = ["方案", "制度", "措施", "清单", "办法"]
POLICY_KIND_ZH = {"方案": "实施方案", "制度": "工作制度", "措施": "若干措施", "清单": "任务清单", "办法": "管理办法"}
POLICY_KIND_EN = {
    "方案": "Implementation Plan",
    "制度": "Work System",
    "措施": "Measures",
    "清单": "Task List",
    "办法": "Management Rules",
}

# Headings (explicit anchors, the same in both languages) per kind.
SECTIONS = {
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
FIRST_ANCHOR = {k: v[0][2] for k, v in SECTIONS.items()}


def yaml_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def front_matter(
    page: SynthPage, rng: random.Random, cases: list[str], policies: list[str], playbooks: list[str], modules: list[str]
):
    """Front matter fields, titles and fact tables of one page: (zh fields, en fields, zh title,
    en title, zh table, en table); ``cases`` … ``modules`` are its related pages."""
    sources = [("sources", f"[{SOURCE_ZH}]")], [("sources", f"[{yaml_str(SOURCE_EN)}]")]
    k = page.kind
    if k == "cases":
        year = rng.choice([2018, 2019, 2020, 2021, 2022])
        lst = rng.choice(["mca-2018-100", "local"])
        themes = rng.sample(THEMES, 2)
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
                ("description", yaml_str(f"The work method of {page.name_en} Community (synthetic test page).")),
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
        pk = rng.choice(POLICY_KINDS)
        zt = f"{page.name_zh}街道城市基层党建{POLICY_KIND_ZH[pk]}"
        et = f"{POLICY_KIND_EN[pk]} of {page.name_en} Subdistrict on Urban Primary-Level Party Building"
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
        zsum = f"{page.name_zh}街道的{POLICY_KIND_ZH[pk]}（合成测试页）。"
        esum = yaml_str(f"The {POLICY_KIND_EN[pk].lower()} of {page.name_en} Subdistrict (synthetic test page).")
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
            ("title", yaml_str(et)),
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
            ("description", yaml_str(f"A playbook for copying the {page.name_en} brand (synthetic test page).")),
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
            ("title", yaml_str(et)),
            ("description", yaml_str(f"The {page.name_en} course module (synthetic test page).")),
        ]
        zrows = [("课时", "2")]
        erows = [("Hours", "2")]
    ztable = "| 项目 | 内容 |\n| --- | --- |\n" + "".join(f"| {a} | {b} |\n" for a, b in zrows) + "\n"
    etable = "| Field | Value |\n| --- | --- |\n" + "".join(f"| {a} | {b} |\n" for a, b in erows) + "\n"
    return zh, en, zt, et, ztable, etable
