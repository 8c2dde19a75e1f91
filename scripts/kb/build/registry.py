"""What the build knows of its pages, and the explicit registry of its features.

A *feature* adds to the build at one of its events: a Markdown generator
(``<!-- kb:NAME -->`` replaced by Markdown before rendering), a validator
(findings fail the strict build), an HTML transform, a late generator (a
placeholder replaced once every page of the language is rendered), a late
transform, or a post-build step. :func:`kb.build.features.registry` lists
them all in the order they run; nothing registers itself on import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model import generated
from ..model.findings import Finding
from ..model.mdparse import Doc, parse
from ..model.sources import Sources
from ..model.terms import TermBase
from ..model.tree import HTML_PLACEHOLDER


@dataclass
class PageRecord:
    """What the build knows of one page, for features that need every page."""

    src_uri: str  # e.g. "cases/lz-longpanyuan-136.en.md"
    base: str  # language-neutral, e.g. "cases/lz-longpanyuan-136.md"
    lang: str
    url: str  # site-relative URL, e.g. "en/cases/lz-longpanyuan-136/"
    title: str
    meta: dict
    markdown: str  # the page body as read (front matter removed)
    html: str = ""  # the page content once rendered (set after on_page_content)
    rendered_title: str = ""  # the title MkDocs has once the page is rendered (the navigation's)


@dataclass
class BuildState:
    """Pages seen so far, per language (the Chinese build runs first), the
    navigation's pages in order, and what features compute once per build."""

    pages: dict[str, dict[str, PageRecord]] = field(default_factory=dict)
    nav: list[str] = field(default_factory=list)
    memo: dict[Any, Any] = field(default_factory=dict)
    sources: Sources | None = None  # what citations may name (kb.model.sources)

    def record(self, rec: PageRecord) -> None:
        self.pages.setdefault(rec.lang, {})[rec.base] = rec

    def parsed(self, rec: PageRecord) -> Doc:
        """The parsed body of ``rec`` (the model's parse, :mod:`kb.model.mdparse`)."""
        return parse(rec.src_uri, rec.markdown)


MarkdownGenerator = Callable[[str, str, TermBase], str]  # (src_uri, lang, termbase) -> Markdown
Validator = Callable[[PageRecord], list[Finding]]
SiteValidator = Callable[[BuildState, str], list[Finding]]  # (state, lang) -> findings
HtmlTransform = Callable[[str, PageRecord, TermBase], str]
MarkdownTransform = Callable[[str, PageRecord, BuildState], str]
LateGenerator = Callable[[PageRecord, BuildState], str]
LateTransform = Callable[[str, PageRecord, BuildState], str]
PostBuild = Callable[[BuildState, Path], None]  # (state, site_dir)


@dataclass
class Registry:
    """The build's features, each list in the order it runs."""

    markdown_generators: dict[str, MarkdownGenerator] = field(default_factory=lambda: dict(generated.MARKDOWN))
    markdown_transforms: list[MarkdownTransform] = field(default_factory=list)
    validators: list[Validator] = field(default_factory=list)
    site_validators: list[SiteValidator] = field(default_factory=list)
    html_transforms: list[HtmlTransform] = field(default_factory=list)
    late_generators: dict[str, LateGenerator] = field(default_factory=dict)
    late_transforms: list[LateTransform] = field(default_factory=list)
    post_build: list[PostBuild] = field(default_factory=list)

    def expand_markdown(self, markdown: str, src_uri: str, lang: str, tb: TermBase) -> str:
        """Replace Markdown placeholders; leave the ones rendered later alone."""
        return generated.expand(markdown, src_uri, lang, tb, self.markdown_generators)

    def transform_markdown(self, markdown: str, rec: PageRecord, state: BuildState) -> str:
        for fn in self.markdown_transforms:
            markdown = fn(markdown, rec, state)
        return markdown

    def validate(self, rec: PageRecord) -> list[Finding]:
        out: list[Finding] = []
        for fn in self.validators:
            out.extend(fn(rec))
        return out

    def validate_site(self, state: BuildState, lang: str) -> list[Finding]:
        out: list[Finding] = []
        for fn in self.site_validators:
            out.extend(fn(state, lang))
        return out

    def transform_html(self, html: str, rec: PageRecord, tb: TermBase) -> str:
        for fn in self.html_transforms:
            html = fn(html, rec, tb)
        return html

    def apply_late(self, html: str, rec: PageRecord, state: BuildState) -> str:
        def repl(m):
            gen = self.late_generators.get(m.group(1))
            return gen(rec, state) if gen else m.group(0)

        html = HTML_PLACEHOLDER.sub(repl, html)
        for fn in self.late_transforms:
            html = fn(html, rec, state)
        return html

    def finish(self, state: BuildState, site_dir: Path) -> None:
        for fn in self.post_build:
            fn(state, site_dir)
