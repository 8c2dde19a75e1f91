"""Translation tracking: the fingerprint of a Chinese page.

Every English page records in its front matter the fingerprint of the Chinese
page body it was translated from::

    translated_from: "3f2a9c0d1b7e"

The fingerprint is the first 12 hex digits of the SHA-256 of the Chinese page
*body* (the text after the front matter, exactly as MkDocs hands it to
``on_page_markdown``), with trailing whitespace stripped from every line and
from the end. The checker (:mod:`kb.checks.xrefs`) computes it from the file, the
build from ``PageRecord.markdown``; both go through :func:`fingerprint`.

``python scripts/check_xrefs.py --mark-translated docs/x/page.en.md`` rewrites
the ``translated_from:`` line after a translation has been reviewed
(:func:`stamp`), and the build prepends a visible notice to an English page
whose Chinese original has changed since (:mod:`kb.build.stale`).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml

from .tree import base_path, doc_lang

FIELD = "translated_from"

# MkDocs 1.6 (mkdocs/utils/meta.py): YAML front matter, stripped with the
# blank lines after it before the Markdown reaches on_page_markdown.
_MKDOCS_YAML = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.UNICODE | re.DOTALL)


def fingerprint(body: str) -> str:
    """First 12 hex digits of the SHA-256 of a normalised page body."""
    body = body.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in body.split("\n")).strip("\n").rstrip()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def body_of(text: str) -> str:
    """The body of a page file as MkDocs passes it to ``on_page_markdown``."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n")
    try:  # the exact function of the build, when MkDocs is installed
        from mkdocs.utils.meta import get_data

        return get_data(text)[0]
    except ImportError:  # pragma: no cover - the venv always has MkDocs
        m = _MKDOCS_YAML.match(text)
        if m:
            try:
                data = yaml.safe_load(m.group(1))
            except yaml.YAMLError:
                return text
            if isinstance(data, dict):
                return text[m.end() :].lstrip("\n")
        return text


def file_fingerprint(path: Path) -> str:
    return fingerprint(body_of(Path(path).read_text(encoding="utf-8")))


def recorded(meta: dict) -> str | None:
    """The fingerprint an English page records (YAML may have made it a number)."""
    value = meta.get(FIELD)
    if value is None or value == "":
        return None
    return str(value)


def stamp_text(text: str, fp: str) -> str:
    """``text`` with its ``translated_from:`` line set to ``fp``.

    Only that line is inserted or replaced; the rest of the file is kept byte
    for byte (a page without front matter gets a front matter of one line).
    """
    nl = "\r\n" if "\r\n" in text else "\n"
    line = f'{FIELD}: "{fp}"'
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom) :]
    m = re.match(r"---[ \t]*\r?\n", body)
    if m:
        close = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M)
        end = close.search(body, m.end())
        if end:
            front = body[m.end() : end.start()]
            existing = re.compile(rf"^{FIELD}[ \t]*:.*?(?=\r?$)", re.M)
            if existing.search(front):
                front = existing.sub(lambda _: line, front, count=1)
            else:
                if front and not front.endswith("\n"):
                    front += nl
                front += line + nl
            return bom + body[: m.end()] + front + body[end.start() :]
    return bom + f"---{nl}{line}{nl}---{nl}" + body


def chinese_source(en_path: Path) -> Path:
    """The Chinese page of an English page file ``x.en.md``."""
    name = Path(en_path).name
    if doc_lang(name) == "zh":
        raise ValueError(f"{en_path}: not an English page (expected a name ending in .en.md)")
    return Path(en_path).with_name(base_path(name))


def stamp(en_path: Path) -> str:
    """Record the current fingerprint of the Chinese original in an English page."""
    en_path = Path(en_path)
    zh = chinese_source(en_path)
    fp = file_fingerprint(zh)
    text = en_path.read_text(encoding="utf-8")
    new = stamp_text(text, fp)
    if new != text:
        with open(en_path, "w", encoding="utf-8", newline="") as fh:
            fh.write(new)
    return fp
