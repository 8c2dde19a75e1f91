"""The glossary page, generated from the term base in each language.

``<!-- kb:glossary -->`` in ``docs/glossary.md`` / ``glossary.en.md`` becomes one
section per group and one ``###`` heading per term whose explicit anchor is
the term's id (``glossary.md#three-way-triage``) in both languages, followed by
the other language's form, the "academy's own rendering" mark, the definition
in the page's language, the renderings to avoid, and the source.
"""

from __future__ import annotations

import html

from .terms import GROUPS, Term, TermBase

GROUP_LABELS = {
    "framework": ("工业思维框架", "The industrial-thinking framework"),
    "governance": ("通用治理术语", "General governance terms"),
    "mechanism": ("机制与制度", "Mechanisms and systems"),
    "brand": ("品牌与项目", "Brands and programmes"),
    "body": ("机构", "Bodies"),
    "": ("其他", "Other terms"),
}

LABELS = {
    "zh": {
        "en": "英文译法",
        "own": "学院译法",
        "ref": "参考译法",
        "avoid": "不用",
        "editors": "编写提示",
        "zh_avoid": "误写",
        "source": "来源",
        "sep": "、",
        "colon": "：",
    },
    "en": {
        "zh": "Chinese",
        "own": "academy's own rendering",
        "ref": "reference rendering",
        "avoid": "Avoid",
        "editors": "For editors",
        "zh_avoid": "Wrong Chinese forms",
        "source": "Source",
        "sep": ", ",
        "colon": ": ",
    },
}


def _md(text: str) -> str:
    """Plain text made safe for Markdown (no accidental emphasis, links or HTML)."""
    text = html.escape(text, quote=False)
    for ch in "\\`*_[]{}":
        text = text.replace(ch, "\\" + ch)
    return text


_PARTS_EN = {
    "导语": "introduction",
    "标题与导语": "title and introduction",
    "署名": "byline",
    "流程管控": "process control",
    "工序效率": "process efficiency",
    "生产要素": "factors of production",
    "拳头品牌": "flagship brands",
}


def source_label(source: str, lang: str) -> str:
    """``原文·工序效率·小标题`` in the page's language (section titles stay Chinese)."""
    if lang == "zh":
        return source
    out = []
    for part in source.replace(";", "；").split("；"):
        part = part.strip()
        if part.startswith("原文"):
            bits = [b for b in part[len("原文") :].split("·") if b]
            named = []
            for i, b in enumerate(bits):
                parts = [_PARTS_EN.get(x, x) for x in b.split("、")]
                named.append(", ".join(parts) if i == 0 else f"section “{b}”")
            part = "the source article" + (" › " + " › ".join(named) if named else "")
        out.append(part)
    return "; ".join(out)


def _heading(term: Term, lang: str) -> str:
    if lang == "zh":
        return _md(term.zh)
    en = term.en_plain
    return f"{_md(en[:1].upper() + en[1:])} ({_md(term.zh)})"


def term_markdown(term: Term, lang: str) -> str:
    lab = LABELS[lang]
    c = lab["colon"]
    mark = lab["own"] if term.own_rendering else lab["ref"]
    cls = "kb-term-own" if term.own_rendering else "kb-term-ref"
    if lang == "zh":
        first = f'{lab["en"]}{c}**{_md(term.en)}** <span class="{cls}">{mark}</span>'
    else:
        first = f'{lab["zh"]}{c}**{_md(term.zh)}** · English: **{_md(term.en)}** <span class="{cls}">{mark}</span>'
    parts = [f"### {_heading(term, lang)} {{#{term.id}}}", "", first, "", _md(term.definition(lang))]
    parts += ["", f"{lab['source']}{c}{_md(source_label(term.source, lang))}"]
    # the renderings to avoid and the misspellings are for editors: a collapsed block
    editors = []
    if term.wrong_en:
        editors.append(f"{lab['avoid']}{c}" + lab["sep"].join(f"<del>{_md(w)}</del>" for w in term.wrong_en))
    if term.wrong_zh:
        editors.append(f"{lab['zh_avoid']}{c}" + lab["sep"].join(f"<del>{_md(w)}</del>" for w in term.wrong_zh))
    if editors:
        parts += ["", f'??? note "{lab["editors"]}"', *(f"    {line}\n" for line in editors)]
    return "\n".join(parts) + "\n"


def glossary_markdown(src_uri: str, lang: str, tb: TermBase) -> str:
    lang = "zh" if lang == "zh" else "en"
    out = []
    for group in list(GROUPS) + [""]:
        members = [t for t in tb.terms if (t.group or "") == group]
        if not members:
            continue
        label = GROUP_LABELS[group][0 if lang == "zh" else 1]
        out.append(f"## {label} {{#terms-{group or 'other'}}}\n")
        out.extend(term_markdown(t, lang) for t in members)
    return "\n".join(out)
