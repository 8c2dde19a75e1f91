"""``kb handout-pdf``: the printed course handout of a built site, one PDF per language.

The site is served on 127.0.0.1 and printed by Debian's Chromium (Playwright)
with the site's print CSS. Chromium prints the page numbers in the margins but
has no ``target-counter()``, so the contents get their page numbers from a
first print: the PDF's named destinations (one per heading a contents entry
links to) give each heading's page; the numbers are written into the contents
and the page is printed again, until the numbers no longer move.

Exit status: 0 the PDFs are written; 1 a print failed (the handout is missing
from the site or a number would not settle); 2 bad usage (no such site, a PDF
exists and ``--force`` is not given, no Chromium).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from kb.model.paths import ROOT
from kb.model.tree import DEFAULT_LANG, LANGS

HANDOUT = "course/handout/"
PASSES = 4  # prints at most: the first, then until the numbers settle


class PrintError(Exception):
    pass


def handout_url(lang: str) -> str:
    """The handout's path on the site, e.g. ``/en/course/handout/``."""
    return "/" + ("" if lang == DEFAULT_LANG else f"{lang}/") + HANDOUT


def destination_pages(pdf: bytes) -> dict[str, int]:
    """Each named destination of ``pdf`` (an element id) -> its page, from 1."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    numbers = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages, 1)}
    out: dict[str, int] = {}
    for name, dest in reader.named_destinations.items():
        ref = dest.get("/Page") if isinstance(dest, dict) else None
        idnum = getattr(ref, "idnum", None)
        if idnum in numbers:
            out[str(name).lstrip("/")] = numbers[idnum]
    return out


def _guard(origin: str):
    def route(r) -> None:
        parts = urlsplit(r.request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and f"{parts.scheme}://{parts.netloc}" != origin:
            r.abort("blockedbyclient")
        else:
            r.continue_()

    return route


def print_handout(browser, origin: str, lang: str) -> tuple[bytes, dict[str, int]]:
    """The handout of ``lang`` served at ``origin`` as a PDF, and the page of
    each contents entry."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        ctx.route("**/*", _guard(origin))
        page = ctx.new_page()
        response = page.goto(origin + handout_url(lang), wait_until="load")
        if response is None or response.status != 200:
            raise PrintError(f"{handout_url(lang)}: HTTP {response.status if response else '?'} (build the site first)")
        page.evaluate("document.fonts.ready")
        targets = page.evaluate(
            "() => Array.from(document.querySelectorAll('[data-kb-page-of]'), e => e.dataset.kbPageOf)"
        )
        if not targets:
            raise PrintError(f"{handout_url(lang)}: no contents with page numbers (a handout of an older build?)")
        seen: dict[str, int] = {}
        for _ in range(PASSES):
            pdf = page.pdf(prefer_css_page_size=True, print_background=True, outline=True, tagged=True)
            pages = destination_pages(pdf)
            missing = [t for t in targets if t not in pages]
            if missing:
                raise PrintError(f"{handout_url(lang)}: no page found for {', '.join(missing)}")
            found = {t: pages[t] for t in targets}
            if found == seen:
                return pdf, found
            page.evaluate(
                """(pages) => document.querySelectorAll('[data-kb-page-of]').forEach(
                     e => { e.textContent = String(pages[e.dataset.kbPageOf]); })""",
                found,
            )
            seen = found
        raise PrintError(f"{handout_url(lang)}: the contents' page numbers did not settle in {PASSES} prints")
    finally:
        ctx.close()


def write_handouts(browser, origin: str, out: Path, langs=LANGS) -> dict[str, Path]:
    """Print the handout of each language into ``out/handout-<lang>.pdf``."""
    # every language is printed before any file is written: a failed print leaves none behind
    printed = {lang: print_handout(browser, origin, lang)[0] for lang in langs}
    written: dict[str, Path] = {}
    for lang, pdf in printed.items():
        path = out / f"handout-{lang}.pdf"
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(pdf)
        os.replace(partial, path)  # a reader never sees half a PDF
        written[lang] = path
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="kb handout-pdf", description="Print the course handout of a built site to PDF.")
    ap.add_argument("--site", type=Path, default=ROOT / "site", help="the built site (default: site/)")
    ap.add_argument("--out", type=Path, default=Path("."), help="where to write handout-<lang>.pdf (default: .)")
    ap.add_argument("--lang", choices=LANGS, action="append", help="only this language (repeatable)")
    ap.add_argument("--force", action="store_true", help="replace PDFs that exist")
    args = ap.parse_args(argv)
    langs = args.lang or list(LANGS)
    site: Path = args.site
    if not (site / HANDOUT / "index.html").is_file():
        print(f"{site}: no built site with a handout ({HANDOUT}index.html); run `kb build` first", file=sys.stderr)
        return 2
    if args.out.exists() and not args.out.is_dir():
        print(f"{args.out}: not a folder; --out names the folder the PDFs go to", file=sys.stderr)
        return 2
    targets = [args.out / f"handout-{lang}.pdf" for lang in langs]
    existing = [str(t) for t in targets if t.exists()]
    if existing and not args.force:
        print(f"{', '.join(existing)}: exists; pass --force to replace", file=sys.stderr)
        return 2
    from kb.bench.browser import CHROMIUM, CHROMIUM_ARGS

    if not os.access(CHROMIUM, os.X_OK):
        print(f"{CHROMIUM}: not found; install Debian's chromium (scripts/dev setup_system)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    from kb.sites import SiteServer

    args.out.mkdir(parents=True, exist_ok=True)
    with SiteServer(site) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for lang, path in write_handouts(browser, server.origin, args.out, langs).items():
                print(f"{path}: {_page_count(path.read_bytes())} pages ({lang})")
        except PrintError as exc:
            print(f"kb handout-pdf: {exc}", file=sys.stderr)
            return 1
        finally:
            browser.close()
    return 0


def _page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


if __name__ == "__main__":
    raise SystemExit(main())
