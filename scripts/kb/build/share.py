"""The share box of set, case, playbook and policy pages (a late transform):
the page's ID, its short stable address with a copy button
(``docs/assets/sets.js`` copies it without zero-width spaces) and a QR code
of the address, an SVG made here at build time with segno (nothing fetched).

The address is ``/<lang>/<folder>/<id>/``; with ``site_url`` in mkdocs.yml
(the intranet address) it is absolute, and so is the QR code. Without it the
QR code holds the path, and the browser shows and copies the full address of
the host the page was opened from.
"""

from __future__ import annotations

import html
from functools import lru_cache

from ..model.tree import collection_of, stem_of
from . import render_cache
from .registry import BuildState, PageRecord

SHARED = ("sets", "cases", "playbooks", "policies")
T = {
    "zh": {"id": "编号", "address": "本页地址", "copy": "复制链接", "copied": "已复制", "qr": "本页地址的二维码"},
    "en": {
        "id": "ID",
        "address": "Address",
        "copy": "Copy link",
        "copied": "Copied",
        "qr": "QR code of this page's address",
    },
}


def address(rec: PageRecord, site_url: str | None) -> str:
    """The page's short stable address: absolute under ``site_url`` when given."""
    if site_url:
        return site_url.rstrip("/") + "/" + rec.url
    return "/" + rec.url


@lru_cache(maxsize=4096)
def qr_svg(text: str, title: str) -> str:
    """An inline SVG QR code of ``text`` (black on white, with a quiet zone),
    kept in the render cache across builds (choosing the mask is most of the cost)."""

    def make() -> str:
        import segno  # imported here: only builds that share pages need it

        code = segno.make(text, error="m", micro=False)
        return code.svg_inline(
            scale=3, border=4, dark="#000", light="#fff", title=title, svgclass="kb-qr", lineclass=None
        )

    return render_cache.remember("qr", (text, title), make)


def share_box(html_in: str, rec: PageRecord, state: BuildState) -> str:
    """Insert the share box after the page's title."""
    if collection_of(rec.base) not in SHARED:
        return html_in
    lang = rec.lang
    words = T.get(lang, T["en"])
    url = address(rec, state.memo.get("site_url"))
    svg = qr_svg(url, words["qr"])
    box = (
        f'<aside class="kb-share" aria-label="{words["address"]}">'
        f'<p class="kb-share__id">{words["id"]}{"：" if lang == "zh" else ": "}<code>{stem_of(rec.base)}</code></p>'
        f'<p class="kb-share__address">{words["address"]}{"：" if lang == "zh" else ": "}'
        f'<a class="kb-share__url" href="./" data-kb-share-url>{html.escape(url)}</a> '
        f'<button type="button" class="kb-share__copy md-button" data-kb-copy data-kb-copied="{words["copied"]}">'
        f"{words['copy']}</button>"
        f'<span class="kb-share__status" role="status" aria-live="polite"></span></p>'
        f'<figure class="kb-share__qr" data-kb-qr="{html.escape(url)}">{svg}</figure>'
        "</aside>"
    )
    end = html_in.find("</h1>")
    if end == -1:
        return box + "\n" + html_in
    end += len("</h1>")
    return html_in[:end] + "\n" + box + html_in[end:]
