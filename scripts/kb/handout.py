"""The trainee's handout: every course module on one print-friendly page."""

from __future__ import annotations

import re

from .build_support import BuildState, PageRecord, late_generator

# The modules in course order (the navigation's order).
MODULES = [
    "course/overview.md",
    "course/process-control.md",
    "course/process-efficiency.md",
    "course/production-factors.md",
    "course/flagship-brands.md",
]

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


@late_generator("handout")
def handout(rec: PageRecord, state: BuildState) -> str:
    pages = state.pages.get(rec.lang, {})
    missing = [m for m in MODULES if m not in pages]
    if missing:
        raise ValueError(f"{rec.src_uri}: the handout needs the course modules {', '.join(missing)}")
    return "\n".join(module_section(pages[m]) for m in MODULES)
