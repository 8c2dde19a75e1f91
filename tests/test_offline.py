"""The offline edition (issue 18, item 1): ``kb build`` leaves a zip of the site
inside it, the about page links it with its date and size, publish ships it,
and, unzipped and opened from ``file://`` in Chromium, every link opens a page,
the language switch works, and search gives the same first results as online.

The real site is built once (``built_site``); ``kb build``'s own steps after
MkDocs (the edition, the marker) run on a copy of it."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from browser_support import DESKTOP, new_context, search

from kb import runner
from kb.build import material, offline
from kb.publish import cli as publish_cli

HREF = re.compile(r'\s(?:href|src)="([^"]*)"')


@pytest.fixture(scope="session")
def built_with_edition(built_site: Path, tmp_path_factory) -> Path:
    """What ``kb build`` leaves: the real build, then its offline edition and marker
    (the checks and MkDocs are not run again: the build is the session's one)."""
    site = tmp_path_factory.mktemp("kb-build") / "site"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(runner, "run_checks", lambda docs, config: {name: "passed" for name in runner.CHECKS})

        def build(site_dir: Path, config: Path) -> Path:
            staging = site_dir.parent / "staging"
            shutil.copytree(built_site, staging)
            return staging

        mp.setattr(runner, "build", build)
        assert runner.main(["--site-dir", str(site)]) == 0
    return site


@pytest.fixture(scope="session")
def usb_copy(built_with_edition: Path, tmp_path_factory) -> Path:
    """The zip as a trainee unpacks it on a USB stick: the folder to open."""
    out = tmp_path_factory.mktemp("usb")
    with zipfile.ZipFile(built_with_edition / offline.ZIP_PATH) as zf:
        zf.extractall(out)
    return out / offline.ZIP_FOLDER


def test_links_to_folders_name_their_index_file() -> None:
    assert offline.file_href("../course/") == "../course/index.html"
    assert offline.file_href("../..") == "../../index.html"
    assert offline.file_href("./") == "./index.html"
    assert offline.file_href("../source-reading/#p11") == "../source-reading/index.html#p11"
    for kept in ("#p11", "../assets/kb.css", "/en/", "mailto:a@b.c", "data:x", ""):
        assert offline.file_href(kept) == kept
    assert offline.location("") == "index.html"
    assert offline.location("#start") == "index.html#start"
    assert offline.location("course/overview/#p3") == "course/overview/index.html#p3"


def test_every_link_of_the_copy_opens_a_file(usb_copy: Path) -> None:
    pages = sorted(usb_copy.rglob("*.html"))
    assert len(pages) > 60
    broken = []
    for page in pages:
        for url in HREF.findall(page.read_text(encoding="utf-8")):
            url = html.unescape(url)
            if not url or url.startswith("#") or re.match(r"^[a-z][a-z0-9+.-]*:", url):
                continue
            assert not url.startswith("/"), f"{page}: absolute link {url}"
            target = (page.parent / unquote(urlsplit(url).path)).resolve()
            if not target.is_file():
                broken.append(f"{page.relative_to(usb_copy)} -> {url}")
    assert not broken, f"{len(broken)} links open no file, e.g. {broken[:5]}"
    # the search index of each language is a script (file:// forbids fetching JSON)
    for index in ("search/search_index.js", "en/search/search_index.js"):
        text = (usb_copy / index).read_text(encoding="utf-8")
        assert text.startswith("var __index = ")
    assert not list(usb_copy.rglob("*.json")) and not list(usb_copy.rglob("sitemap.xml*"))


def test_the_about_page_links_the_zip_with_its_date_and_size(built_with_edition: Path, usb_copy: Path) -> None:
    marker = json.loads((built_with_edition / runner.MARKER).read_text(encoding="utf-8"))
    edition = marker["offline_edition"]
    size = (built_with_edition / offline.ZIP_PATH).stat().st_size
    assert edition["bytes"] == size and edition["path"] == offline.ZIP_PATH
    day = edition["built_at"][:10]
    when = dt.datetime.fromisoformat(day)
    for rel, lang, shown in (
        ("about/index.html", "zh", f"离线版：{Path(offline.ZIP_PATH).name}（构建于"),
        ("en/about/index.html", "en", "Offline edition: "),
    ):
        date = offline.date_text(when, lang)
        text = (built_with_edition / rel).read_text(encoding="utf-8")
        para = re.search(r'<p class="kb-offline-edition">(.*?)</p>', text).group(1)
        assert "hidden" not in re.search(r'<p class="kb-offline-edition"[^>]*>', text).group(0)
        plain = re.sub(r"<[^>]+>", "", para)
        assert shown in plain and date in plain and offline.size_text(size) in plain, plain
        href = re.search(r'href="([^"]+)"', para).group(1)
        assert (built_with_edition / rel).parent.joinpath(href).resolve() == (built_with_edition / offline.ZIP_PATH)
        assert f'datetime="{day}"' in para
    # inside the copy, which holds no zip, the page says what it is
    copy = (usb_copy / "about" / "index.html").read_text(encoding="utf-8")
    assert "本副本是离线版" in copy and offline.ZIP_PATH not in copy


def test_publish_ships_the_zip_and_refuses_one_that_changed(built_with_edition: Path, tmp_path: Path) -> None:
    marker = json.loads((built_with_edition / runner.MARKER).read_text(encoding="utf-8"))
    dirty = ["--allow-dirty"] if marker.get("dirty") else []
    target = tmp_path / "www"
    assert publish_cli.main(["publish", str(built_with_edition), str(target), *dirty]) == 0
    shipped = target / "current" / offline.ZIP_PATH
    assert shipped.read_bytes() == (built_with_edition / offline.ZIP_PATH).read_bytes()

    changed = tmp_path / "changed"
    shutil.copytree(built_with_edition, changed)
    with (changed / offline.ZIP_PATH).open("ab") as fh:
        fh.write(b"\0")
    assert publish_cli.main(["publish", str(changed), str(tmp_path / "www2"), *dirty]) != 0
    assert not (tmp_path / "www2" / "current").exists()


def test_a_failed_edition_leaves_the_site_as_it_was(built_site: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(runner, "run_checks", lambda docs, config: {name: "passed" for name in runner.CHECKS})
    monkeypatch.setattr(runner, "build", lambda site_dir, config: Path(shutil.copytree(built_site, tmp_path / "stage")))

    def full(site_dir: Path, when) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(runner.offline, "make_edition", full)
    assert runner.main(["--site-dir", str(tmp_path / "site")]) == 1
    err = capsys.readouterr().err
    assert "offline edition FAILED: [Errno 28] No space left on device" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_materials_offline_mode_is_what_the_edition_relies_on() -> None:
    """Adapter pins (kb.build.material): the bundle's file: branch loads the index
    script and reads ``__index``; Material's worker asks its parent for IFrameWorker."""
    import material as material_theme

    js = Path(material_theme.__file__).parent / "templates" / "assets" / "javascripts"
    bundle = next(js.glob("bundle.*.min.js")).read_text("utf-8")
    file_branch = r'location\.protocol==="file:"\?\w+\(`\$\{new URL\("' + re.escape(material.OFFLINE_INDEX)
    assert re.search(file_branch + r'",\w+\.base\)\}`\)\.pipe\(\w+\(\(\)=>__index\)', bundle)
    assert material.offline_index_script("{}").startswith("var __index = ")
    worker = next((js / "workers").glob("search.*.min.js")).read_text("utf-8")
    assert '"IFrameWorker"in parent' in worker


# --- in Chromium, from file:// ----------------------------------------------------


@pytest.fixture(scope="module")
def file_page(chromium, usb_copy: Path):
    """A page of a context that lets nothing but file:// through, and records
    every failed request, every other request and every script error."""
    ctx = chromium.new_context(viewport=DESKTOP)
    problems: list[str] = []
    requests: list[str] = []

    def guard(route) -> None:
        if urlsplit(route.request.url).scheme != "file":
            problems.append(f"not a file: {route.request.url}")
            route.abort("blockedbyclient")
        else:
            route.continue_()

    ctx.route("**/*", guard)
    ctx.on("request", lambda r: requests.append(r.url))
    ctx.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
    page = ctx.new_page()
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.kb_problems = problems  # type: ignore[attr-defined]
    page.kb_requests = requests  # type: ignore[attr-defined]
    page.kb_root = usb_copy.as_uri() + "/"  # type: ignore[attr-defined]
    yield page
    ctx.close()


def _here(page) -> str:
    return page.url.split("#")[0].split("?")[0].removeprefix(page.kb_root)


def _follow(page, locator) -> str:
    locator.first.click()
    page.wait_for_load_state("load")
    assert page.locator("article h1").count() == 1, f"{page.url} shows no page"
    return _here(page)


def test_from_file_every_kind_of_link_opens_a_page(file_page) -> None:
    page = file_page
    page.goto(page.kb_root + "index.html")
    assert _follow(page, page.locator('.md-nav--primary a.md-nav__link[href$="course/index.html"]')) == (
        "course/index.html"
    )
    assert _follow(page, page.locator("article a[href*='overview']")) == "course/overview/index.html"
    nxt = page.locator("a.md-footer__link--next")
    after = _follow(page, nxt)
    assert after != "course/overview/index.html" and after.endswith("/index.html")
    assert _follow(page, page.locator("a.md-footer__link--prev")) == "course/overview/index.html"
    # the language switch, there and back, keeps the page
    page.locator(".md-header__option .md-select").first.hover()
    assert _follow(page, page.locator('a.md-select__link[hreflang="en"]')) == "en/course/overview/index.html"
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator(".md-header__option .md-select").first.hover()
    assert _follow(page, page.locator('a.md-select__link[hreflang="zh"]')) == "course/overview/index.html"
    # the case index leads to its cases (the collection cards of the other indexes are
    # plain links, checked with every other link by test_every_link_of_the_copy_opens_a_file)
    page.goto(page.kb_root + "cases/index.html")
    case = _follow(page, page.locator("article table a[href$='index.html']"))
    assert re.fullmatch(r"cases/[a-z0-9-]+/index\.html", case)
    assert page.kb_problems == []


QUERIES = {"zh": ["网格", "三事分流"], "en": ["triage", "volunteer"]}


def _results(found: list[dict], root: str) -> list[tuple[str, str]]:
    out = []
    for r in found[:5]:
        path = r["href"].split("?")[0].split("#")[0].removeprefix(root).removesuffix("index.html")
        out.append((path.lstrip("/"), r["titles"][0]))
    return out


def test_from_file_search_answers_as_online(file_page, chromium, site_server) -> None:
    online = new_context(chromium, site_server, DESKTOP).new_page()
    page = file_page
    try:
        for lang, queries in QUERIES.items():
            prefix = "" if lang == "zh" else "en/"
            page.goto(page.kb_root + prefix + "glossary/index.html")
            online.goto(site_server.url("/" + prefix + "glossary/"))
            for query in queries:
                here = _results(search(page, query), page.kb_root)
                there = _results(search(online, query), site_server.url("/"))
                assert here, f"{lang} {query!r}: no result offline"
                assert here == there, f"{lang} {query!r}: offline {here} != online {there}"
        # a result opens its page, from file://
        page.locator(".md-search-result__item a.md-search-result__link").first.click()
        page.wait_for_load_state("load")
        assert page.url.startswith(page.kb_root + "en/") and ".html" in page.url
    finally:
        online.context.close()
    assert page.kb_problems == []
    assert not [u for u in page.kb_requests if u.endswith((".json", "sitemap.xml"))]
