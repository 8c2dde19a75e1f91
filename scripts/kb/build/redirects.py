"""Redirect pages for renamed IDs: every alias of a collection page leaves a
page at the old address that sends the reader to the new one."""

from __future__ import annotations

import html
import logging
import posixpath
from pathlib import Path

from ..model.schema import alias_findings
from ..model.tree import collection_of, relative_url
from . import labels
from .registry import BuildState


def redirect_html(target_href: str, title: str, lang: str) -> str:
    href = html.escape(target_href)
    return (
        "<!doctype html>\n"
        f'<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        f'<link rel="canonical" href="{href}">\n<meta name="robots" content="noindex">\n'
        "</head>\n<body>\n"
        f'<p>{labels.t(lang, "redirect")} <a href="{href}">{title}</a></p>\n'
        "</body>\n</html>\n"
    )


def redirect_pages(state: BuildState) -> dict[str, str]:
    """``{output path relative to site_dir: html}`` of a redirect page for
    every alias of every collection page, in every language built, e.g.
    ``cases/old-id/index.html`` and ``en/cases/old-id/index.html`` pointing to
    ``../new-id/``. An alias that is a current page's URL is skipped (see
    :func:`alias_findings`)."""
    out: dict[str, str] = {}
    for lang, pages in state.pages.items():
        taken = {r.url for r in pages.values()}
        for base, rec in sorted(pages.items()):
            if collection_of(base) is None:
                continue
            parent = posixpath.dirname(rec.url.rstrip("/"))  # "cases" or "en/cases"
            for alias in rec.meta.get("aliases") or []:
                alias = str(alias)
                if not alias or "/" in alias or alias in (".", ".."):
                    continue
                url = f"{parent}/{alias}/" if parent else f"{alias}/"
                if url in taken:
                    continue
                out[f"{url}index.html"] = redirect_html(relative_url(url, rec.url), rec.title, lang)
    return out


def write_redirects(state: BuildState, site_dir: Path) -> None:
    """Write the redirect pages of renamed IDs; an alias that clashes with
    another page is a warning (which fails the strict build)."""
    log = logging.getLogger("mkdocs.hooks.kb.collections")
    for pages in state.pages.values():
        for finding in alias_findings({r.src_uri: r.meta for r in pages.values()}):
            log.warning(finding.text())
    site_dir = Path(site_dir)
    for rel, text in redirect_pages(state).items():
        out = site_dir / rel
        if out.exists():  # never overwrite a page the build wrote
            log.warning(f"redirect {rel}: a page exists at this URL")
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
