"""MkDocs glue: one small typed function per build event.

Everything with domain logic lives in ``scripts/kb`` (plain Python, tested
without MkDocs); this file only hands MkDocs' objects to it. The i18n plugin
builds the Chinese site, then the English one into ``site/en`` with the same
hooks, so each function works on the language being built.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kb import build_support, terms  # noqa: E402
from kb import features  # noqa: E402,F401  (registers generators, validators, transforms)
from kb.build_support import BuildState, PageRecord  # noqa: E402

log = logging.getLogger("mkdocs.hooks.kb")

_state: dict[str, Any] = {"build": BuildState()}


def _lang(config: MkDocsConfig) -> str:
    """The language being built (a page without a translation is built from
    the Chinese file into the other language's site: it counts as that language)."""
    i18n = config.plugins.get("i18n")
    return str(getattr(i18n, "current_language", None) or config.theme.get("language") or "zh")


@event_priority(100)  # before the search plugin loads its jieba dictionaries
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    config_dir = Path(config.config_file_path).resolve().parent
    try:
        tb = terms.load()
    except terms.TermBaseError as exc:
        from mkdocs.exceptions import ConfigurationError

        raise ConfigurationError(str(exc)) from exc
    _state["terms"] = tb
    dict_path = terms.write_jieba_dict(tb, config_dir / ".cache" / "kb" / "jieba_user.dict")
    search = config.plugins.get("material/search")
    if search is not None:
        search.config.jieba_dict_user = str(dict_path)
    return config


def on_pre_build(config: MkDocsConfig) -> None:
    i18n = config.plugins.get("i18n")
    if not (i18n is not None and getattr(i18n, "building", False)):
        # a new build (also each rebuild of `mkdocs serve`): forget removed pages
        _state["build"] = BuildState()


def _record(page: Page, config: MkDocsConfig) -> PageRecord:
    return _state["build"].pages[_lang(config)][build_support.base_of(page.file.src_uri)]


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    lang = _lang(config)
    rec = PageRecord(
        src_uri=page.file.src_uri,
        base=build_support.base_of(page.file.src_uri),
        lang=lang,
        url=page.url,
        title=str(page.meta.get("title") or page.title or ""),
        meta=dict(page.meta),
        markdown=markdown,
    )
    _state["build"].record(rec)
    for finding in build_support.validate(rec):
        log.warning(finding.text())  # strict: any warning fails the build
    return build_support.expand_markdown(markdown, page.file.src_uri, lang, _state["terms"])


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    rec = _record(page, config)
    rec.html = build_support.apply_html_transforms(html, rec, _state["terms"])
    return rec.html


def on_env(env: Any, config: MkDocsConfig, files: Files) -> Any:
    # every page of this language has been read: checks that need the whole site
    for finding in build_support.validate_site(_state["build"], _lang(config)):
        log.warning(finding.text())
    return env


@event_priority(-50)  # after mkdocs-static-i18n has set its alternates
def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
    # The language switcher goes to the same page in the other language; the
    # i18n plugin leaves absolute "/" and "/en/" on the home pages.
    alternates = getattr(page.file, "alternates", {}) or {}
    for alt in _alternates(config):
        target = alternates.get(alt.get("lang"))
        if target is not None:
            alt["link"] = target.url or "./"
    page.content = build_support.apply_late(page.content or "", _record(page, config), _state["build"])
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return build_support.adjust_config(output, _lang(config))


def _alternates(config: MkDocsConfig) -> list[dict]:
    # (the i18n plugin sets extra.alternate as an attribute, which Jinja reads first)
    return getattr(config.extra, "alternate", None) or config.extra.get("alternate") or []


def on_pre_template(template: Any, template_name: str, config: MkDocsConfig) -> Any:
    if template_name == "404.html":
        # error pages: switch to the other language's home (absolute, like the page)
        for alt in _alternates(config):
            alt["link"] = "/" if alt.get("lang") == "zh" else f"/{alt.get('lang')}/"
    return template


def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    lang = _lang(config)
    if template_name != "404.html":
        return output
    if lang == "zh":
        return build_support.adjust_config(output, lang)
    # The nested build of another language would overwrite /404.html: keep its
    # page for <lang>/404.html (written in on_post_build) and write nothing here.
    _state[f"404.{lang}"] = build_support.adjust_config(output, lang)
    return ""


@event_priority(-200)  # after mkdocs-static-i18n has built every language
def on_post_build(config: MkDocsConfig) -> None:
    site_dir = Path(config.site_dir)
    lang = _lang(config)
    if f"404.{lang}" in _state:
        (site_dir / lang / "404.html").write_text(_state.pop(f"404.{lang}"), encoding="utf-8")
    i18n = config.plugins.get("i18n")
    if i18n is not None and getattr(i18n, "building", False):
        return  # a nested build of one more language: the outer call splits

    index = site_dir / "search" / "search_index.json"
    data = json.loads(index.read_text(encoding="utf-8"))
    others = [lang.locale for lang in i18n.config.languages if not lang.default] if i18n is not None else []
    for code, path, part in build_support.split_search_index(data, others):
        out = site_dir / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(part, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        log.info(f"search index for '{code}': {len(part['docs'])} entries, {out.stat().st_size:,} bytes")
    for fn in build_support.POST_BUILD:
        fn(_state["build"], site_dir)
