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
from .synth_text import (
    EN_SENTENCES,
    FIRST_ANCHOR,
    KINDS,
    MODULES,
    SECTIONS,
    SOURCE_EN,
    SOURCE_ZH,
    SYLLABLES,
    ZH_SENTENCES,
    front_matter,
)


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
    counts = {k: int(n * share) for k, share in KINDS}
    counts["cases"] += n - sum(counts.values())
    return counts


def _names(rng: random.Random, count: int) -> list[tuple[str, str]]:
    pairs = [(a + b, (sa + sb).capitalize()) for a, sa in SYLLABLES for b, sb in SYLLABLES if a != b]
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
            paras.append(("" if templates is ZH_SENTENCES else " ").join(current))
            current = []
    if current or links:
        current.extend(links)
        paras.append(("" if templates is ZH_SENTENCES else " ").join(current))
    return paras


def _zh_len(s: str) -> int:
    return sum(1 for ch in s if "\u4e00" <= ch <= "\u9fff")


def _en_len(s: str) -> int:
    return len(s.split())


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
    modules = rng.sample(MODULES, 2)
    link_targets = [(p, f"{_rel(page.base, p.base)}#{FIRST_ANCHOR[p.kind]}") for p in others]
    zh_links = [f"参见[{p.name_zh}]({href})。" for p, href in link_targets]
    en_links = [f"See [{p.name_en}]({href})." for p, href in link_targets]
    zh_links += [f"相关课程见[课程模块]({_rel(page.base, m)})。" for m in modules]
    en_links += [f"See the [course module]({_rel(page.base, m)})." for m in modules]
    zh_links.append(f"术语见[术语表]({_rel(page.base, 'glossary.md')})。")
    en_links.append(f"See the [glossary]({_rel(page.base, 'glossary.md')}) for the terms.")

    picked = rng.sample(term_pairs, 12)
    zh_terms = [z for z, _ in picked]
    en_terms = [e for _, e in picked]
    sections = SECTIONS[kind]
    n_sec = len(sections)
    state = rng.getstate()
    zh_paras = [
        _paragraphs(rng, ZH_SENTENCES, _zh_name(page), zh_terms, 1400 // n_sec, _zh_len, zh_links[i::n_sec])
        for i in range(n_sec)
    ]
    rng.setstate(state)  # the English page follows the same choices (a translation)
    en_paras = [
        _paragraphs(rng, EN_SENTENCES, _en_name(page), en_terms, 740 // n_sec, _en_len, en_links[i::n_sec])
        for i in range(n_sec)
    ]

    related_cases = [p.id for p in rng.sample(by_kind["cases"], min(2, len(by_kind["cases"]))) if p is not page]
    related_pol = [p.id for p in rng.sample(by_kind["policies"], min(2, len(by_kind["policies"]))) if p is not page]
    related_pb = [p.id for p in rng.sample(by_kind["playbooks"], min(2, len(by_kind["playbooks"]))) if p is not page]
    related_mod = sorted(modules)

    zh_fm, en_fm, zh_title, en_title, zh_table, en_table = front_matter(
        page, rng, related_cases, related_pol, related_pb, related_mod
    )
    zh_body = f"# {zh_title}\n\n" + zh_table
    en_body = f"# {en_title}\n\n" + en_table
    for (hz, he, anchor), pz, pe in zip(sections, zh_paras, en_paras):
        zh_body += f"## {hz} {{#{anchor}}}\n\n" + "\n\n".join(pz) + "\n\n"
        en_body += f"## {he} {{#{anchor}}}\n\n" + "\n\n".join(pe) + "\n\n"
    zh_body += f"## 资料来源 {{#sources}}\n\n- {SOURCE_ZH}。\n"
    en_body += f"## Sources {{#sources}}\n\n- {SOURCE_EN}.\n"

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
