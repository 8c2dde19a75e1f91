"""MkDocs glue: one small typed function per build event.

Everything with domain logic lives in ``scripts/kb`` (plain Python, tested
without MkDocs); this file only hands MkDocs' objects to it, and every use of a
plugin's internals goes through :mod:`kb.build.material`. The i18n plugin
builds the Chinese site, then the English one into ``site/en`` with the same
hooks, so each function works on the language being built.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import ConfigurationError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from kb.build import features, handout, incremental, material, progress, render_cache, search, search_words
from kb.build.registry import BuildState, PageRecord
from kb.model import config as docs_config
from kb.model import sources, terms
from kb.model.tree import base_path

log = logging.getLogger("mkdocs.hooks.kb")


class _Build:
    """The state of one build (also of each rebuild of ``mkdocs serve``)."""

    registry = features.registry()
    state = BuildState()
    terms: terms.TermBase | None = None
    error_pages: dict[str, str] = {}
    dirty = False  # mkdocs build/serve --dirty: only the pages changed are read


_build = _Build()


def on_startup(command: str, dirty: bool) -> None:
    _build.dirty = dirty


@event_priority(100)  # before the search plugin loads its jieba dictionaries
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    config_dir = Path(config.config_file_path).resolve().parent
    try:
        _build.terms = terms.load()
    except terms.TermBaseError as exc:
        raise ConfigurationError(str(exc)) from exc
    dict_path = terms.write_jieba_dict(_build.terms, config_dir / ".cache" / "kb" / "jieba_user.dict")
    if not material.building_other_language(config):
        search_words.fresh_jieba()  # the search plugin loads the dictionary again: as a new process would
    material.set_jieba_user_dict(config, str(dict_path))
    # the render cache across builds (kb.build.render_cache); KB_NO_CACHE=1 renders every page
    cfg_file = Path(config.config_file_path)
    if render_cache.disabled():
        material.use_render_cache(None)
    else:
        key = render_cache.global_key(cfg_file, config.theme.custom_dir, config.markdown_extensions, config.mdx_configs)
        material.use_render_cache(render_cache.store_for(cfg_file), key)
        if not material.building_other_language(config):
            render_cache.begin_build()
    incremental.install()  # templated pages reused; kb serve's partial builds
    material.defer_search_index(True)  # each language's index is written once, in on_post_build
    return config


def on_pre_build(config: MkDocsConfig) -> None:
    if material.building_other_language(config):
        return
    progress.start()  # the progress line of a long build counts this build's pages
    # a new build (also each rebuild of `mkdocs serve`): forget removed pages
    nav = docs_config.nav_pages(config.nav)
    _build.state = BuildState(nav=nav, sources=sources.load(Path(config.docs_dir)))
    last = incremental.partial_base()  # kb serve's partial build: the pages not read again are kept
    if last is not None:
        _build.state.pages = {lang: dict(recs) for lang, recs in last.pages.items()}
    _build.state.memo["site_url"] = config.site_url or None  # the share box's addresses (kb.build.share)


def _record(page: Page, config: MkDocsConfig) -> PageRecord:
    return _build.state.pages[material.current_language(config)][base_path(page.file.src_uri)]


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    lang = material.current_language(config)
    rec = PageRecord(
        src_uri=page.file.src_uri,
        base=base_path(page.file.src_uri),
        lang=lang,
        url=page.url,
        title=str(page.meta.get("title") or page.title or ""),
        meta=dict(page.meta),
        markdown=markdown,
    )
    _build.state.record(rec)
    for finding in _build.registry.validate(rec):
        log.warning(finding.text())  # strict: any warning fails the build
    markdown = _build.registry.expand_markdown(markdown, page.file.src_uri, lang, _build.terms)
    return _build.registry.transform_markdown(markdown, rec, _build.state)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    rec = _record(page, config)
    rec.rendered_title = str(page.title or "")  # what the navigation shows (kb.build.dependents.shown)
    # a function of the rendered page, its front matter and the term base (in the global key): kept
    meta = json.dumps(rec.meta, default=str, ensure_ascii=False, sort_keys=True)
    rec.html = render_cache.remember(
        "html",
        (rec.lang, rec.src_uri, rec.url, meta, html),
        lambda: _build.registry.transform_html(html, rec, _build.terms),
    )
    return rec.html


def on_env(env: Any, config: MkDocsConfig, files: Files) -> Any:
    # every page of this language has been read: checks that need the whole site
    for finding in _build.registry.validate_site(_build.state, material.current_language(config)):
        log.warning(finding.text())
    return env


@event_priority(-50)  # after mkdocs-static-i18n has set its alternates
def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    # The language switcher goes to the same page in the other language; the
    # i18n plugin leaves absolute "/" and "/en/" on the home pages.
    alternates = material.page_alternates(page)
    for alt in material.language_switcher(config):
        target = alternates.get(alt.get("lang"))
        if target is not None:
            alt["link"] = target.url or "./"
    page.content = _build.registry.apply_late(page.content or "", _record(page, config), _build.state)
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return material.adjust_config(output, material.current_language(config))


def on_pre_template(template: Any, template_name: str, config: MkDocsConfig) -> Any:
    if template_name == "404.html":
        # error pages: switch to the other language's home (absolute, like the page)
        for alt in material.language_switcher(config):
            alt["link"] = "/" if alt.get("lang") == "zh" else f"/{alt.get('lang')}/"
    return template


def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    lang = material.current_language(config)
    if template_name != "404.html":
        return output
    if lang == "zh":
        return material.adjust_config(output, lang)
    # The nested build of another language would overwrite /404.html: keep its
    # page for <lang>/404.html (written in on_post_build) and write nothing here.
    _build.error_pages[lang] = material.adjust_config(output, lang)
    return ""


@event_priority(-200)  # after mkdocs-static-i18n has built every language
def on_post_build(config: MkDocsConfig) -> None:
    site_dir = Path(config.site_dir)
    lang = material.current_language(config)
    if lang in _build.error_pages:
        (site_dir / lang / "404.html").write_text(_build.error_pages.pop(lang), encoding="utf-8")
    if material.building_other_language(config):
        return  # a nested build of one more language: the outer call splits

    data = material.search_index_data(config)  # Material wrote a placeholder (defer_search_index)
    parts = [] if data is None else search.split_search_index(data, material.other_languages(config), _build.terms)
    for code, path, part in parts:
        out = site_dir / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(search.index_bytes(part, code))
        log.info(f"search index for '{code}': {len(part['docs'])} entries, {out.stat().st_size:,} bytes")
    _build.registry.finish(_build.state, site_dir)
    handout.keep_stamp(_build.state, incremental.partial_base())  # the stamp the handout shows
    incremental.remember(_build.state)
    for code, (reused, rendered) in material.render_cache_stats().items():
        log.info(f"render cache ({code}): {reused} reused, {rendered} rendered")
    # the entries no recent full build used; a build that read only some pages lists only theirs
    removed = None if incremental.building_partially() or _build.dirty else render_cache.finish_build()
    if removed and removed[0]:
        log.info(f"render cache: removed {removed[0]} entries of older builds ({removed[1]:,} bytes)")
