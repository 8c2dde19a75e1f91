"""The offline edition: the built site as one zip that works from ``file://``
(a USB stick, a shared folder), made from the online build without building again.

Material's offline plugin does three things, which this module does on a copy
of the finished site instead of in a second MkDocs build (a second build would
double the build time, and the plugin adds a polyfill loaded from a CDN):

* links name their file: ``../course/`` becomes ``../course/index.html``
  (the plugin sets ``use_directory_urls: false``; a browser shows a folder
  listing for a folder opened from the file system);
* the search index is a script: Material's bundle, on a ``file:`` page, loads
  ``{base}search/search_index.js`` and reads its global ``__index`` instead of
  fetching the JSON (``file://`` forbids fetch). We write one per language,
  from our split indexes, so each language keeps its own index;
* a Web Worker cannot be started from ``file://`` in Chromium: the copy
  carries a small local stand-in (``kb-offline-worker.js``, loaded before
  Material's bundle) that runs the same worker files in a hidden frame.

The online site keeps its files; it gains the zip and, on the about page, a
paragraph linking it with its build date and size (:func:`about_paragraph`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html as htmlmod
import json
import os
import posixpath
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import material

ZIP_PATH = "downloads/kb-offline.zip"  # inside the published site
ZIP_FOLDER = "kb-offline"  # the one folder in the zip
ASSETS = Path(__file__).with_name("offline_assets")
SHIM = "assets/javascripts/kb-offline-worker.js"  # the stand-in for Worker, in the copy only
FRAME_FILES = ("kb-offline-frame.html", "kb-offline-frame.js")  # beside the worker, in the copy only
# files of the online site the offline copy leaves out: the error pages (absolute
# links, for a web server), the sitemaps (nothing reads them), the build marker,
# the JSON indexes (replaced by scripts) and the downloads (the zip itself)
_SKIP = re.compile(
    r"^(?:(?:[a-z]{2}/)?(?:404\.html|sitemap\.xml(?:\.gz)?|search/search_index\.json)|\.kb-build\.json|downloads/.*)$"
)
# The about page's slot for the paragraph on the offline edition (raw HTML in about.md)
SLOT = re.compile(r'<p class="kb-offline-edition" hidden></p>')
_ATTR = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
_REFRESH = re.compile(r'(<meta http-equiv="refresh" content="\d+;\s*url=)([^"]*)(")', re.I)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True)
class Edition:
    path: str  # relative to the site root
    bytes: int
    sha256: str
    built_at: str  # ISO timestamp (UTC)

    def marker(self) -> dict:
        return {"path": self.path, "bytes": self.bytes, "sha256": self.sha256, "built_at": self.built_at}


def file_href(url: str) -> str:
    """A relative link as a page opened from the file system needs it: a link to a
    folder names its ``index.html``. Absolute, external and in-page links are kept."""
    if not url or url.startswith(("#", "/")) or _SCHEME.match(url):
        return url
    path, sep, frag = url.partition("#")
    path, qsep, query = path.partition("?")
    if not path:
        return url
    last = path.rsplit("/", 1)[-1]
    if path.endswith("/"):
        path += "index.html"
    elif last in (".", ".."):
        path += "/index.html"
    else:
        return url
    return path + (qsep + query if qsep else "") + (sep + frag if sep else "")


def offline_html(text: str, rel_root: str) -> str:
    """A page of the copy: links to files, and the worker stand-in loaded in the
    head (before Material's bundle creates its search worker)."""
    text = _ATTR.sub(lambda m: m.group(1) + htmlmod.escape(file_href(htmlmod.unescape(m.group(2)))) + m.group(3), text)
    text = _REFRESH.sub(lambda m: m.group(1) + file_href(m.group(2)) + m.group(3), text)
    head_end = text.find("</head>")
    if head_end >= 0:
        tag = f'<script src="{rel_root}{SHIM}"></script>\n'
        text = text[:head_end] + tag + text[head_end:]
    return text


def location(loc: str) -> str:
    """A search index location (relative to its language root) as a file link."""
    page, sep, frag = loc.partition("#")
    return (file_href(page) if page else "index.html") + sep + frag


def index_script(data: dict) -> str:
    """The ``search_index.js`` of one language: the index with file locations,
    as the global that Material's bundle reads on a ``file:`` page."""
    docs = [{**d, "location": location(d.get("location", ""))} for d in data.get("docs", [])]
    return material.offline_index_script(json.dumps({**data, "docs": docs}, ensure_ascii=False, separators=(",", ":")))


def _rel_root(rel: str) -> str:
    depth = rel.count("/")
    return "../" * depth


def offline_tree(site_dir: Path, out: Path, note: dict[str, str]) -> int:
    """Write the offline copy of ``site_dir`` into ``out``; ``note`` gives, per
    language, the about page's paragraph in the copy. Returns the pages written."""
    pages = 0
    for dirpath, dirnames, filenames in os.walk(site_dir):
        dirnames.sort()
        for name in sorted(filenames):
            src = Path(dirpath) / name
            rel = src.relative_to(site_dir).as_posix()
            if _SKIP.match(rel):
                continue
            dst = out / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            if name.endswith(".html"):
                text = offline_html(src.read_text(encoding="utf-8"), _rel_root(rel))
                lang = rel.split("/", 1)[0] if rel.split("/", 1)[0] in note else "zh"
                text = SLOT.sub(lambda _m, lang=lang: note.get(lang, ""), text)
                dst.write_text(text, encoding="utf-8")
                pages += 1
            else:
                shutil.copyfile(src, dst)
    for index in site_dir.glob("**/search/search_index.json"):
        rel = index.parent.relative_to(site_dir).parent / material.OFFLINE_INDEX
        data = json.loads(index.read_text(encoding="utf-8"))
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(index_script(data), encoding="utf-8")
    (out / SHIM).parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ASSETS / "kb-offline-worker.js", out / SHIM)
    workers = out / "assets" / "javascripts" / "workers"
    workers.mkdir(parents=True, exist_ok=True)
    for name in FRAME_FILES:
        shutil.copyfile(ASSETS / name, workers / name)
    return pages


def write_zip(tree: Path, zip_path: Path, when: dt.datetime) -> None:
    """Zip ``tree`` under one folder, in path order, every entry dated ``when``."""
    stamp = when.timetuple()[:6]
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for path in sorted(p for p in tree.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(f"{ZIP_FOLDER}/{path.relative_to(tree).as_posix()}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())


def size_text(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


_MONTHS = "January February March April May June July August September October November December".split()


def date_text(when: dt.datetime, lang: str) -> str:
    if lang == "zh":
        return f"{when.year}年{when.month}月{when.day}日"
    return f"{when.day} {_MONTHS[when.month - 1]} {when.year}"


def about_paragraph(lang: str, href: str, size: int, when: dt.datetime) -> str:
    """The online about page's paragraph: the zip, its build date and size."""
    link = f'<a href="{htmlmod.escape(href)}" download>{posixpath.basename(ZIP_PATH)}</a>'
    iso = when.strftime("%Y-%m-%d")
    date = f'<time datetime="{iso}">{date_text(when, lang)}</time>'
    size_el = f'<span data-bytes="{size}">{size_text(size)}</span>'
    if lang == "zh":
        body = (
            f"离线版：{link}（构建于{date}，{size_el}），中英文合一。"
            "将其解压到U盘或本机，用浏览器打开其中的 index.html，不联网也能阅读和搜索。"
        )
    else:
        body = (
            f"Offline edition: {link} (built on {date}, {size_el}), both languages in one file. "
            "Unzip it onto a USB stick or a computer and open its index.html in a browser "
            "to read and search without a network."
        )
    return f'<p class="kb-offline-edition">{body}</p>'


def copy_paragraph(lang: str, when: dt.datetime) -> str:
    """The about page's paragraph inside the offline copy (which holds no zip)."""
    iso = when.strftime("%Y-%m-%d")
    date = f'<time datetime="{iso}">{date_text(when, lang)}</time>'
    if lang == "zh":
        return f'<p class="kb-offline-edition">本副本是离线版，构建于{date}。</p>'
    return f'<p class="kb-offline-edition">This copy is the offline edition, built on {date}.</p>'


def _about_pages(site_dir: Path) -> list[tuple[Path, str]]:
    out = []
    for path in sorted(site_dir.glob("**/*.html")):
        rel = path.relative_to(site_dir).as_posix()
        if rel.startswith(("assets/", "downloads/")):
            continue
        text = path.read_text(encoding="utf-8")
        if SLOT.search(text):
            first = rel.split("/", 1)[0]
            out.append((path, first if len(first) == 2 and "/" in rel else "zh"))
    return out


def make_edition(site_dir: Path, when: dt.datetime | None = None) -> Edition:
    """Make the zip of ``site_dir`` (a finished build) at :data:`ZIP_PATH` inside it
    and fill the about page's slot; the edition for the build marker."""
    when = when or dt.datetime.now(dt.UTC)
    site_dir = Path(site_dir)
    langs = {"zh"} | {lang for _p, lang in _about_pages(site_dir)}
    note = {lang: copy_paragraph(lang, when) for lang in langs}
    zip_file = site_dir / ZIP_PATH
    with tempfile.TemporaryDirectory(prefix="kb-offline-") as tmp:
        offline_tree(site_dir, Path(tmp), note)
        write_zip(Path(tmp), zip_file, when)
    data = zip_file.read_bytes()
    for path, lang in _about_pages(site_dir):
        href = posixpath.relpath(ZIP_PATH, posixpath.dirname(path.relative_to(site_dir).as_posix()) or ".")
        para = about_paragraph(lang, href, len(data), when)
        path.write_text(SLOT.sub(lambda _m, para=para: para, path.read_text(encoding="utf-8")), encoding="utf-8")
    return Edition(ZIP_PATH, len(data), hashlib.sha256(data).hexdigest(), when.strftime("%Y-%m-%dT%H:%M:%SZ"))
