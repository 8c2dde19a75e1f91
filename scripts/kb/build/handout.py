"""The trainee's handout: every course module on one print-friendly page."""

from __future__ import annotations

import re

from .registry import BuildState, PageRecord

# A course module is a page of the course with learning objectives.
MODULE_FOLDER = "course/"


def modules(state: BuildState, lang: str) -> list[str]:
    """The course modules in navigation order: the course's pages in the
    navigation whose front matter lists ``objectives``."""
    pages = state.pages.get(lang, {})
    return [p for p in state.nav if p.startswith(MODULE_FOLDER) and p in pages and pages[p].meta.get("objectives")]


_ID = re.compile(r'(\sid=")([^"]+)(")')
_HREF_FRAGMENT = re.compile(r'(\shref=")#([^"]+)(")')
_HEADING = re.compile(r"<(/?)h([1-5])\b")


def module_section(rec: PageRecord) -> str:
    """A module's HTML with anchors made unique and headings one level down."""
    prefix = rec.base.rsplit("/", 1)[-1][: -len(".md")]
    html = _ID.sub(lambda m: f"{m.group(1)}{prefix}--{m.group(2)}{m.group(3)}", rec.html)
    html = _HREF_FRAGMENT.sub(lambda m: f"{m.group(1)}#{prefix}--{m.group(2)}{m.group(3)}", html)
    html = _HEADING.sub(lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", html)
    return f'<section class="kb-handout-module" id="{prefix}">\n{html}\n</section>'


def handout(rec: PageRecord, state: BuildState) -> str:
    pages = state.pages.get(rec.lang, {})
    found = modules(state, rec.lang)
    if not found:
        raise ValueError(
            f"{rec.src_uri}: the handout found no course module (a page of {MODULE_FOLDER} in the "
            "navigation with 'objectives' in its front matter)"
        )
    return "\n".join(module_section(pages[m]) for m in found)
