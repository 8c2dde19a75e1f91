"""The one Markdown parsing core shared by the build hooks and both checkers.

A :class:`Doc` is a page read once from disk: its front matter (with the line of
every top-level key), its headings (with the anchors the build gives them), its
links, its paragraphs, and a *prose mask* of its lines in which everything that
is not prose (front matter, fenced code, inline code, URLs, HTML tags, link
destinations) is blanked out with spaces, so that checkers can report columns
in the original text and never touch code.

Markdown is tokenised with markdown-it-py; the anchors use exactly the slug
function that ``mkdocs.yml`` configures for the ``toc`` extension.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml
from pymdownx.slugs import slugify as _pymdownx_slugify

from .findings import Finding
from .tree import CITATION, DEFAULT_LANG, LANGS, base_path, doc_lang, is_external, lang_path, page_url  # noqa: F401
from .yamlio import compose_and_load as _compose_and_load

# The slug function of the build (mkdocs.yml: toc.slugify). Kept in one place.
slugify = _pymdownx_slugify(case="lower")

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_ATTR_LIST = re.compile(r"\s*\{:?\s*([^}]*)\}\s*$")
_ATTR_ID = re.compile(r"(?:^|\s)#([^\s}]+)")
_HTML_TAG = re.compile(r"<[^>\n]+>")
_URL = re.compile(r"(?:https?|ftp|mailto):[^\s<>)\]）】]+|www\.[^\s<>)\]）】]+")
_INLINE_CODE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_LINK_DEST = re.compile(r"\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
_HTML_ID = re.compile(r"""<[a-zA-Z][^>]*?\sid=["']([^"']+)["']""")
_HTML_HREF = re.compile(r"""<a\s[^>]*?href=["']([^"']+)["']""")
_IGNORE_LINE = re.compile(r"<!--\s*kb-ignore\s+([A-Za-z0-9_, ]+?)\s*-->")
_IGNORE_FILE = re.compile(r"<!--\s*kb-ignore-file\s+([A-Za-z0-9_, ]+?)\s*-->")


@dataclass
class Heading:
    level: int
    text: str
    anchor: str
    explicit: bool
    line: int
    col: int = 1


@dataclass
class Link:
    target: str  # the destination as written
    line: int
    col: int
    image: bool = False

    @property
    def path(self) -> str:
        return self.target.split("#", 1)[0].split("?", 1)[0]

    @property
    def fragment(self) -> str | None:
        return self.target.split("#", 1)[1] if "#" in self.target else None

    @property
    def is_external(self) -> bool:
        return is_external(self.target)


@dataclass
class Paragraph:
    line: int  # first line, 1-based
    end_line: int  # last line, inclusive
    text: str  # the raw source of the paragraph


@dataclass
class Doc:
    rel_path: str  # posix path relative to docs/
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    meta_lines: dict[str, int] = field(default_factory=dict)
    meta_error: Finding | None = None
    body_line: int = 1  # first line of the body
    headings: list[Heading] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    extra_ids: set[str] = field(default_factory=set)
    prose: list[str] = field(default_factory=list)  # masked lines, same length as lines
    _ignores: tuple[set[str], dict[int, set[str]]] | None = field(default=None, repr=False, compare=False)
    _lines: list[str] | None = field(default=None, repr=False, compare=False)

    @property
    def lang(self) -> str:
        return doc_lang(self.rel_path)

    @property
    def base(self) -> str:
        return base_path(self.rel_path)

    @property
    def lines(self) -> list[str]:
        """The page's lines, split once (rules ask for them per paragraph: splitting
        each time made the checkers quadratic in a page's size)."""
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    @property
    def anchors(self) -> set[str]:
        return {h.anchor for h in self.headings} | self.extra_ids

    def meta_line(self, key: str) -> int:
        return self.meta_lines.get(key, 1)

    def ignore_map(self) -> tuple[set[str], dict[int, set[str]]]:
        """Rule codes switched off for the whole page (``<!-- kb-ignore-file CODE -->``
        anywhere) and per line (``<!-- kb-ignore CODE -->`` on that line, 1-based)."""
        if self._ignores is None:
            whole: set[str] = set()
            per_line: dict[int, set[str]] = {}
            if "kb-ignore" in self.text:
                for m in _IGNORE_FILE.finditer(self.text):
                    whole.update(m.group(1).replace(",", " ").split())
                for i, line in enumerate(self.lines, 1):
                    for m in _IGNORE_LINE.finditer(line):
                        per_line.setdefault(i, set()).update(m.group(1).replace(",", " ").split())
            self._ignores = (whole, per_line)
        return self._ignores

    def ignores(self, code: str, line: int) -> bool:
        """Whether rule ``code`` is switched off at ``line`` (1-based)."""
        whole, per_line = self.ignore_map()
        return code in whole or code in per_line.get(line, ())


def _inline_where_needed(state: Any) -> None:
    """markdown-it's core "inline" rule, for the inline blocks that can hold
    what a Doc keeps (links, images, inline HTML: all start with '[' or '<'
    after any '!'). The others keep no children: most Chinese paragraphs have
    no markup at all, and inline parsing is half of markdown-it's time."""
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            if "[" in token.content or "<" in token.content:
                state.md.inline.parse(token.content, state.md, state.env, token.children)


@lru_cache(maxsize=1)
def _md() -> Any:
    # imported here: a run whose pages all come from the parse cache never needs it
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    # Python-Markdown's admonitions and details indent their bodies by four
    # spaces; for our purposes those are prose, not indented code.
    md.disable("code")
    md.core.ruler.at("inline", _inline_where_needed)
    return md


def _blank(s: str) -> str:
    return re.sub(r"[^\n]", " ", s)


def parse_front_matter(rel_path: str, text: str) -> tuple[dict, dict[str, int], Finding | None, int]:
    """Return (meta, line of each key, error, first body line)."""
    m = _FRONT_MATTER.match(text)
    if not m:
        if text.startswith("---\n"):
            return {}, {}, Finding(rel_path, 1, 1, "KB001", "front matter starts with '---' but is never closed"), 1
        return {}, {}, None, 1
    raw = m.group(1) or ""
    body_line = text[: m.end()].count("\n") + 1
    try:
        node, meta = _compose_and_load(raw) if raw.strip() else (None, {})
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 2) if mark else 1
        col = (mark.column + 1) if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        return {}, {}, Finding(rel_path, line, col, "KB001", f"malformed front matter: {problem}"), body_line
    except (ValueError, TypeError, yaml.YAMLError) as exc:
        # e.g. an impossible date such as 2020-13-01 (a ValueError from the date constructor)
        line = 2
        m = re.search(r"\b(\d{4}-\d{2}-\d{2})\b", raw)
        if m:
            line = raw[: m.start()].count("\n") + 2
        return {}, {}, Finding(rel_path, line, 1, "KB001", f"malformed front matter: {exc}"), body_line
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return (
            {},
            {},
            Finding(rel_path, 2, 1, "KB001", "malformed front matter: expected a mapping of fields"),
            body_line,
        )
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            key, line = str(key_node.value), key_node.start_mark.line + 2
            if key in lines:  # YAML keeps the last silently: an editor's value would vanish
                message = f"front matter key '{key}' twice (lines {lines[key]} and {line}): MkDocs keeps only the last"
                return meta, lines, Finding(rel_path, line, 1, "KB001", message), body_line
            lines[key] = line
    return meta, lines, None, body_line


def _plain(inline_src: str) -> str:
    """Heading text as Python-Markdown's toc sees it (markup stripped)."""
    s = _HTML_TAG.sub("", inline_src)
    s = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", s)
    s = re.sub(r"`([^`]*)`", r"\1", s)
    s = re.sub(r"(\*\*|__|\*|_|~~|==)(.+?)\1", r"\2", s)
    return s.strip()


def _unique(anchor: str, seen: set[str]) -> str:
    # Python-Markdown's toc.unique()
    while anchor in seen or not anchor:
        m = re.match(r"^(.*)_([0-9]+)$", anchor)
        anchor = f"{m.group(1)}_{int(m.group(2)) + 1}" if m else f"{anchor}_1"
    seen.add(anchor)
    return anchor


def mask_prose(lines: list[str]) -> list[str]:
    """Blank inline code, URLs, HTML tags, link destinations and citations in each line."""
    out = []
    for line in lines:  # each regex only where its first character occurs (most lines: none)
        if "[[" in line:
            line = CITATION.sub(lambda m: _blank(m.group(0)), line)
        if "`" in line:
            line = _INLINE_CODE.sub(lambda m: _blank(m.group(0)), line)
        if "](" in line:
            line = _LINK_DEST.sub(lambda m: "](" + _blank(m.group(1)) + m.group(0)[2 + len(m.group(1)) :], line)
        if "<" in line:
            line = _HTML_TAG.sub(lambda m: _blank(m.group(0)), line)
        if ":" in line or "www." in line:
            line = _URL.sub(lambda m: _blank(m.group(0)), line)
        out.append(line)
    return out


def parse(rel_path: str, text: str) -> Doc:
    """Parse one page. Never raises on bad input: problems become findings."""
    text = text.replace("\r\n", "\n")
    doc = Doc(rel_path=rel_path, text=text)
    meta, meta_lines, err, body_line = parse_front_matter(rel_path, text)
    doc.meta, doc.meta_lines, doc.meta_error, doc.body_line = meta, meta_lines, err, body_line
    lines = text.split("\n")
    offset = body_line - 1  # lines before the body
    body = "\n".join(lines[offset:])
    tokens = _md().parse(body)

    masked = [(" " * len(l)) for l in lines[:offset]]
    body_lines = lines[offset:]
    code_lines: set[int] = set()
    seen: set[str] = set()
    for i, tok in enumerate(tokens):
        if tok.type in ("fence", "html_block") and tok.map:
            if tok.type == "fence":
                code_lines.update(range(tok.map[0], tok.map[1]))
            else:
                for m in _HTML_ID.finditer(tok.content):
                    doc.extra_ids.add(m.group(1))
                for m in _HTML_HREF.finditer(tok.content):
                    ln = tok.map[0] + tok.content[: m.start()].count("\n")
                    doc.links.append(Link(m.group(1), ln + 1 + offset, 1))
        elif tok.type == "heading_open" and tok.map:
            inline = tokens[i + 1]
            src = inline.content
            explicit = None
            am = _ATTR_LIST.search(src)
            if am:
                idm = _ATTR_ID.search(am.group(1))
                if idm:
                    explicit = idm.group(1)
                src = src[: am.start()]
            plain = _plain(src)
            anchor = explicit if explicit else slugify(plain, "-")
            anchor = _unique(anchor, seen)
            ln = tok.map[0] + 1 + offset
            doc.headings.append(Heading(int(tok.tag[1]), plain, anchor, bool(explicit), ln))
        elif tok.type == "paragraph_open" and tok.map:
            start, end = tok.map
            doc.paragraphs.append(Paragraph(start + 1 + offset, end + offset, "\n".join(body_lines[start:end])))
        if tok.type == "inline" and tok.map and tok.children:
            start = tok.map[0]
            block = body_lines[tok.map[0] : tok.map[1]]
            search_from = 0
            joined = "\n".join(block)
            for child in tok.children:
                href = None
                if child.type == "link_open":
                    href = child.attrGet("href")
                elif child.type == "image":
                    href = child.attrGet("src")
                elif child.type == "html_inline":
                    hm = _HTML_HREF.search(child.content)
                    href = hm.group(1) if hm else None
                    for m in _HTML_ID.finditer(child.content):
                        doc.extra_ids.add(m.group(1))
                if not href:
                    continue
                pos = joined.find(href, search_from)
                if pos < 0:
                    # markdown-it percent-encodes non-ASCII; find the raw form
                    raw = unquote(href)
                    pos = joined.find(raw, search_from)
                    href = raw if pos >= 0 else unquote(href)
                if pos >= 0:
                    search_from = pos + 1
                    ln = start + joined[:pos].count("\n")
                    col = pos - (joined.rfind("\n", 0, pos) + 1) + 1
                else:
                    ln, col = start, 1
                doc.links.append(Link(href, ln + 1 + offset, col, child.type == "image"))

    for j, line in enumerate(body_lines):
        masked.append(" " * len(line) if j in code_lines else line)
    doc.prose = masked[:offset] + mask_prose(masked[offset:])
    return doc


BOM = "\ufeff"


def decode_page(data: bytes) -> str:
    """A page's text as MkDocs reads it: UTF-8 with or without a byte-order
    mark, and universal newlines (``\\r\\n`` and a lone ``\\r`` end a line)."""
    text = data.decode("utf-8")
    if text.startswith(BOM):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def encode_like(text: str, original: bytes) -> bytes:
    """``text`` (as :func:`decode_page` gives it) written back in the form of
    ``original``: its byte-order mark and, when it used them, CRLF line ends."""
    if b"\r\n" in original:
        text = text.replace("\n", "\r\n")
    return (BOM.encode() if original.startswith(BOM.encode()) else b"") + text.encode("utf-8")


class NotWritten(OSError):
    """A page a tool refuses to rewrite (a symbolic link)."""


def rewrite_page(path: Path, text: str) -> None:
    """Replace a page with ``text`` in the form of its current bytes (byte-order
    mark, line ends), atomically (a temporary file renamed over it, the mode
    kept); a symbolic link is refused: the file it points to is not the page's."""
    path = Path(path)
    if path.is_symlink():
        raise NotWritten(1, f"{path}: not rewritten: a symbolic link (edit the file it points to)")
    original = path.read_bytes()
    tmp = path.with_name(f".{path.name}.kb-{os.getpid()}")
    tmp.write_bytes(encode_like(text, original))
    os.chmod(tmp, path.stat().st_mode & 0o7777)
    os.replace(tmp, path)


def read_doc(docs_dir: Path, path: Path) -> Doc:
    rel = path.relative_to(docs_dir).as_posix()
    try:
        text = decode_page(path.read_bytes())
    except UnicodeDecodeError as exc:
        d = Doc(rel_path=rel, text="")
        d.meta_error = Finding(rel, 1, exc.start + 1, "KB002", "file is not valid UTF-8")
        return d
    return parse(rel, text)
