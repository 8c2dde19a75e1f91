"""Cross-references and translation tracking of the docs tree.

Everything here works on a :class:`kb.site.Site` (every page read and parsed
once by :mod:`kb.mdparse`); :func:`check` returns :class:`kb.findings.Finding`
objects, and ``scripts/check_xrefs.py`` is the thin command line around it.

Rule codes: :mod:`kb.model.rules` (owners ``core``, ``xrefs``, ``schema``).
The translation-pair rules are in :mod:`kb.checks.pairs`.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from ..model import generated, schema, sources, translations, tree
from ..model.config import MkdocsConfig, load_config, load_single_language_lines
from ..model.findings import Finding
from ..model.mdparse import Doc, parse
from ..model.paths import DATA, SCHEMAS, TERMS_FILE
from ..model.site import PageTask, Site, source_digest
from ..model.sources import SOURCE_PAGE
from ..model.terms import load as load_terms
from ..model.tree import COLLECTIONS, DEFAULT_LANG, LANGS, SINGLE_LANGUAGE_FILE, base_path, lang_path, related_problems
from . import pairs, provenance
from . import sets as set_refs
from .pairs import PairChecks, page_fingerprint

_ATTR_ANY_ID = re.compile(r"\{:?[^}\n]*?(?<![\w-])#([A-Za-z0-9_\-:.\u00a0-\uffff]+)[^}\n]*\}")
_FENCE = re.compile(r"^\s*(```|~~~)")


# --------------------------------------------------------------------------
# The checker
# --------------------------------------------------------------------------
@dataclass
class Checker(PairChecks):
    """The cross-page rules; the translation-pair ones are :class:`kb.checks.pairs.PairChecks`."""

    site: Site
    prefix: str = ""  # how paths of docs/ are displayed ("docs/")
    config: MkdocsConfig | None = None
    single: dict[str, str] = field(default_factory=dict)
    single_lines: dict[str, int] = field(default_factory=dict)
    single_display: str = SINGLE_LANGUAGE_FILE
    findings: list[Finding] = field(default_factory=list)
    _anchor_cache: dict[str, set[str]] = field(default_factory=dict)
    terms_file: Path = TERMS_FILE
    _terms: object | None = None

    # ---------------------------------------------------------------- utils
    def disp(self, rel: str) -> str:
        return self.prefix + rel

    def add(self, doc: Doc | None, rel: str, line: int, col: int, code: str, msg: str, severity: str = "error") -> None:
        if doc is not None and doc.ignores(code, line):
            return
        self.findings.append(Finding(self.disp(rel), line, col, code, msg, severity))

    def anchors(self, rel: str) -> set[str]:
        """Every id the built page ``rel`` has: headings (the build's slugs),
        explicit ``{#id}`` attribute lists, HTML ids, generated content."""
        if rel in self._anchor_cache:
            return self._anchor_cache[rel]
        doc = self.site.docs[rel]
        ids = set(doc.anchors)
        in_fence = False
        for line in doc.lines[doc.body_line - 1 :]:
            if _FENCE.match(line):
                in_fence = not in_fence
                continue
            if not in_fence:
                ids.update(m.group(1) for m in _ATTR_ANY_ID.finditer(line))
        if "<!-- kb:" in doc.text:
            ids |= self.generated_anchors(doc)
        self._anchor_cache[rel] = ids
        return ids

    def generated_anchors(self, doc: Doc) -> set[str]:
        """Anchors of the Markdown that the build generates into ``doc`` from
        the project's data (:mod:`kb.model.generated`: the glossary's terms)."""
        if not any(n in generated.MARKDOWN for n in generated.names(doc.text)):
            return set()
        if self._terms is None:
            self._terms = load_terms(self.terms_file)
        md = generated.expand(doc.text, doc.rel_path, doc.lang, self._terms)
        return parse(doc.rel_path, md).anchors | {m.group(1) for m in _ATTR_ANY_ID.finditer(md)}

    # ---------------------------------------------------------------- rules
    def run(self) -> list[Finding]:
        site = self.site
        for rel, doc in sorted(site.docs.items()):
            if doc.meta_error is not None:
                e = doc.meta_error
                self.add(doc, rel, e.line, e.col, e.code, e.message)
        self.check_links()
        self.check_ids()
        self.check_pairs()
        self.check_nav()
        self.check_schema()
        self.check_provenance()
        set_refs.check(self)
        return sorted(set(self.findings))

    def check_provenance(self) -> None:
        """Facts against the source paragraphs they cite (kb.checks.provenance)."""
        site = self.site
        texts = {lang: doc.text for lang in LANGS if (doc := site.doc(SOURCE_PAGE, lang)) is not None}
        cited = sources.from_texts(texts)
        cached = "provenance" in site.results and texts
        for rel, doc in sorted(site.docs.items()):
            found = site.result("provenance", rel, []) if cached else provenance.check_page(doc, cited)
            for f in found:
                # without the source reading, only what cites it can be judged (a tree of
                # other pages, such as the checkers' fixtures, states no facts of the source)
                if texts or f.code == "PRV001":
                    self.add(doc, rel, f.line, f.col, f.code, f.message)

    def check_links(self) -> None:
        site = self.site
        for rel, doc in sorted(site.docs.items()):
            for link in doc.links:
                if link.target.startswith("/") and not link.target.startswith("//"):
                    self.add(
                        doc,
                        rel,
                        link.line,
                        link.col,
                        "XRF003",
                        f"absolute link '{link.target}': link the .md file relatively",
                    )
                    continue
                target = site.resolve(doc, link)
                if target is None:
                    continue
                if target.startswith("../") or target == "..":
                    self.add(doc, rel, link.line, link.col, "XRF001", f"link '{link.target}' leaves the docs directory")
                    continue
                # explicitly another language's file
                tlang = next((l for l in LANGS if l != DEFAULT_LANG and link.path.endswith(f".{l}.md")), None)
                if tlang is not None and tlang != doc.lang:
                    self.add(
                        doc,
                        rel,
                        link.line,
                        link.col,
                        "XRF021",
                        f"link '{link.target}' goes to the {tlang} page from a {doc.lang} page: "
                        f"link '{posixpath.basename(base_path(target))}' instead",
                    )
                if target not in site.files:
                    coll = tree.collection_of(target)
                    what = f"no {COLLECTIONS[coll]} with ID '{tree.stem_of(target)}'" if coll else "not found"
                    self.add(doc, rel, link.line, link.col, "XRF001", f"link '{link.target}': target '{target}' {what}")
                    continue
                frag = link.fragment
                if frag and target in site.docs:
                    anchor = unquote(frag)
                    if anchor not in self.anchors(target):
                        self.add(
                            doc,
                            rel,
                            link.line,
                            link.col,
                            "XRF002",
                            f"link '{link.target}': '{target}' has no anchor '#{anchor}'",
                        )

    def check_ids(self) -> None:
        site = self.site
        bases = site.bases()
        # related: {cases, policies, playbooks, modules}
        for rel, doc in sorted(site.docs.items()):
            related = doc.meta.get("related")
            line = doc.meta_line("related")
            if related is None:
                continue
            for message in related_problems(related, bases):
                self.add(doc, rel, line, 1, "XRF010", message)
        # id: unique per language, equal to the stem in collections
        seen: dict[tuple[str, str], str] = {}
        for rel, doc in sorted(site.docs.items()):
            ident = doc.meta.get("id")
            if ident is None:
                continue
            ident = str(ident)
            line = doc.meta_line("id")
            key = (doc.lang, ident)
            if key in seen:
                self.add(doc, rel, line, 1, "XRF011", f"id '{ident}' is already claimed by {self.disp(seen[key])}")
            else:
                seen[key] = rel
            if tree.collection_of(rel) is not None:
                stem = tree.stem_of(rel)
                if ident != stem:
                    self.add(doc, rel, line, 1, "XRF012", f"id '{ident}' differs from the file name '{stem}'")
        self.check_collections()

    def check_collections(self) -> None:
        """IDs and aliases that may be IDs, an index page with its list in each
        collection, aliases that clash (KB105; the build refuses them too)."""
        site = self.site
        by_lang: dict[str, dict[str, dict]] = {}
        for rel, doc in sorted(site.docs.items()):
            coll = tree.collection_of(rel)
            if coll is None:
                continue
            by_lang.setdefault(doc.lang, {})[rel] = doc.meta
            what = COLLECTIONS[coll]
            problem = tree.id_problem(tree.stem_of(rel))
            if problem:
                self.add(doc, rel, 1, 1, "XRF013", f"the file name is not a valid {what} ID: {problem}")
            aliases = doc.meta.get("aliases")
            for alias in aliases if isinstance(aliases, list) else []:
                problem = tree.id_problem(alias)
                if problem:
                    self.add(
                        doc, rel, doc.meta_line("aliases"), 1, "XRF013", f"alias '{alias}' cannot be an ID: {problem}"
                    )
        for lang, metas in sorted(by_lang.items()):
            for coll in sorted({tree.collection_of(rel) for rel in metas}):
                index = lang_path(f"{coll}/index.md", lang)
                doc = site.docs.get(index) or site.docs.get(f"{coll}/index.md")
                problem = tree.index_problem(coll, doc.text if doc is not None else None)
                if problem:
                    self.add(doc, index, 1, 1, "XRF014", problem)
            for f in schema.alias_findings(metas):
                doc = site.docs[f.path]
                self.add(doc, f.path, doc.meta_line("aliases"), 1, f.code, f.message)

    def check_nav(self) -> None:
        cfg = self.config
        if cfg is None:
            return
        site = self.site
        bases = site.bases()
        reached: set[str] = {"index.md"}
        if cfg.nav is None:  # MkDocs puts every page into the navigation
            reached |= bases
        else:
            for entry in cfg.nav:
                p = posixpath.normpath(entry.path)
                if p.endswith(".md") and p not in bases:
                    self.findings.append(
                        Finding(
                            cfg.path,
                            entry.line,
                            entry.col,
                            "XRF051",
                            f"navigation entry '{entry.path}' is not a page of docs/",
                        )
                    )
                reached.add(p)
        for rel, doc in site.docs.items():
            for link in doc.links:
                target = site.resolve(doc, link)
                if target is not None and target.endswith(".md") and target != rel:
                    reached.add(base_path(target))
        for base in bases:  # collection pages are listed on their generated index page
            coll = tree.collection_of(base)
            if coll is not None and f"{coll}/index.md" in bases:
                reached.add(base)
        for base in sorted(bases - reached):
            rel = base if base in site.docs else lang_path(base, "en")
            self.add(site.docs[rel], rel, 1, 1, "XRF050", "page is in no navigation and no page links to it")

    def check_schema(self) -> None:
        """Front matter against the collection schemas (the "schema" page task)."""
        cached = "schema" in self.site.results
        for rel, doc in sorted(self.site.docs.items()):
            if doc.meta_error is not None:
                continue
            found = self.site.result("schema", rel, []) if cached else _schema_findings(doc, None)
            for f in found:
                if doc.ignores(f.code, f.line):
                    continue
                path = self.disp(rel) if f.path in (rel, "") else f.path
                self.findings.append(Finding(path, f.line, f.col, f.code, f.message, f.severity))


# --------------------------------------------------------------------------
# Per-page work, cached with the parsed page (kb.site.PageTask)
# --------------------------------------------------------------------------
def _schema_findings(doc: Doc, _zh: Doc | None) -> list[Finding]:
    """Schema findings of one page (none outside the collections)."""
    return schema.validate_front_matter(doc) if doc.meta_error is None else []


def page_tasks(docs_dir: Path | None = None) -> list[PageTask]:
    """The per-page work of this checker: what a Site loads with. With
    ``docs_dir``, the provenance of each page too (keyed by the source reading
    and the reference it is checked against)."""
    model = Path(schema.__file__).parent
    schema_inputs = [model / "schema.py", model / "tree.py", DATA / "vocabulary.yml", *sorted(SCHEMAS.glob("*.json"))]
    # each key: what the task reads, and the module its function is written in
    tasks = [
        PageTask("fingerprint", source_digest(Path(translations.__file__), Path(pairs.__file__)), page_fingerprint),
        PageTask("schema", source_digest(*schema_inputs, Path(__file__)), _schema_findings),
    ]
    if docs_dir is not None and (Path(docs_dir) / SOURCE_PAGE).is_file():
        cited = sources.load(Path(docs_dir))
        inputs = [Path(docs_dir) / lang_path(SOURCE_PAGE, lang) for lang in LANGS] + [sources.REFERENCE_FILE]
        code = [Path(m.__file__) for m in (provenance, sources, schema, tree)] + [
            model / "facts.py",
            model / "blocks.py",
        ]
        tasks.append(
            PageTask("provenance", source_digest(*inputs, *code), lambda doc, _zh: provenance.check_page(doc, cited))
        )
    return tasks


def check(
    docs_dir: Path,
    *,
    prefix: str = "",
    config: Path | None = None,
    config_display: str | None = None,
    single_language: Path | None = None,
    single_display: str | None = None,
    site: Site | None = None,
    terms_file: Path = TERMS_FILE,
) -> list[Finding]:
    """Every cross-reference finding of ``docs_dir``."""
    site = site or Site.load(docs_dir, tasks=page_tasks(docs_dir))
    checker = Checker(site, prefix, terms_file=terms_file)
    pre: list[Finding] = []
    if config is not None:
        checker.config = load_config(config, config_display or str(config))
    if single_language is not None:
        checker.single_display = single_display or str(single_language)
        checker.single, checker.single_lines, pre = load_single_language_lines(single_language, checker.single_display)
    return sorted(set(pre + checker.run()))


def mark_translated(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """Stamp each English page with the fingerprint of its Chinese original."""
    return [(Path(p), translations.stamp(Path(p))) for p in paths]
