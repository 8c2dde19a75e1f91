"""What a page may cite: the source article's paragraphs and the reference entries.

* **Source paragraphs.** The source reading (``course/source-reading.md`` and its
  English page) gives every paragraph of the article a stable anchor, ``#p1``,
  ``#p2``, … (an attribute list ``{: #p12 }`` on the line after the paragraph, or
  indented under a list item), the same in both languages.
* **Reference entries.** ``scripts/data/reference.md`` is the project's copy of
  ``../shared/reference/terms-en.md`` (a test keeps it equal): a table row is
  cited by its Chinese term (``ref:网格化管理``), a bullet of its "Related facts"
  by its number (``ref:fact-2``).
* ``ref:article`` is the article itself (title, author, newspaper, date), as the
  source reading states it.
* **Citations** an editor types: ``[[p12]]``, ``[[p12, p13]]``, ``[[ref:fact-1]]``
  after a sentence, paragraph, list item or table cell; in collection front matter
  a ``cite:`` mapping names the paragraphs behind each fact field
  (``cite: {district: [p3], status: [p5]}``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .mdparse import decode_page
from .paths import DATA
from .tbs import MARKER as TBS_MARKER
from .tree import CITATION, lang_path

SOURCE_PAGE = "course/source-reading.md"
REFERENCE_FILE = DATA / "reference.md"

_ANCHOR_LINE = re.compile(r"^\s*\{:\s*#(p\d+)\s*\}\s*$")
_MARKUP = re.compile(r"\*\*|__|`|<[^>]+>")


def citations(text: str) -> list[tuple[int, int, list[str]]]:
    """``(start, end, targets)`` of every citation in ``text``."""
    return [(m.start(), m.end(), [t.strip() for t in m.group(1).split(",")]) for m in CITATION.finditer(text)]


def strip_citations(text: str) -> str:
    return CITATION.sub("", text)


@dataclass(frozen=True)
class Paragraph:
    id: str
    text: str  # plain text (bold and inline markup removed)
    line: int


def paragraphs(text: str) -> dict[str, Paragraph]:
    """The anchored paragraphs of a source reading page: the lines of the
    block (paragraph or list item) that an anchor line closes."""
    lines = text.split("\n")
    out: dict[str, Paragraph] = {}
    for i, line in enumerate(lines):
        m = _ANCHOR_LINE.match(line)
        if not m:
            continue
        start = i
        while start > 0 and lines[start - 1].strip() and not _ANCHOR_LINE.match(lines[start - 1]):
            start -= 1
            if lines[start].lstrip().startswith(("- ", "* ")):
                break
        block = " ".join(l.strip() for l in lines[start:i])
        block = re.sub(r"^[-*]\s+", "", block)
        block = TBS_MARKER.sub("", block)  # the academy's notes of what is missing are not the article
        heading = _heading_before(lines, start)
        if heading:  # a part's heading is cited with the paragraph that opens the part
            block = f"{heading}：{block}"
        out[m.group(1)] = Paragraph(m.group(1), _MARKUP.sub("", block).strip(), start + 1)
    return out


def _heading_before(lines: list[str], start: int) -> str | None:
    k = start - 1
    while k >= 0 and not lines[k].strip():
        k -= 1
    if k >= 0 and lines[k].startswith("## "):
        return re.sub(r"\s*\{[^}]*\}\s*$", "", lines[k][3:]).strip()
    return None


@dataclass
class Sources:
    """The citable texts: source paragraphs per language, reference entries."""

    paragraphs: dict[str, dict[str, Paragraph]] = field(default_factory=dict)  # lang -> id -> paragraph
    references: dict[str, str] = field(default_factory=dict)  # "ref:…" -> text
    _backing: dict[tuple[str, ...], tuple[str, set]] = field(default_factory=dict, repr=False)

    def backing(self, targets: tuple[str, ...]) -> tuple[str, set]:
        """The source text of ``targets`` and the facts it can back (kb.model.facts.values), once each."""
        hit = self._backing.get(targets)
        if hit is None:
            from .facts import values

            text = "\n".join(t for t in (self.source_text(x) for x in targets) if t)
            hit = self._backing[targets] = (text, values(text))
        return hit

    def text(self, target: str, lang: str) -> str | None:
        """The cited text in ``lang`` (the Chinese source where there is no translation)."""
        if target.startswith("ref:"):
            return self.references.get(target)
        para = self.paragraphs.get(lang, {}).get(target) or self.paragraphs.get("zh", {}).get(target)
        return para.text if para else None

    def source_text(self, target: str) -> str | None:
        """What the claim is compared with: the Chinese source paragraph or the reference entry."""
        return self.text(target, "zh")

    def exists(self, target: str) -> bool:
        return self.source_text(target) is not None


def references(text: str) -> dict[str, str]:
    """``{"ref:<Chinese term>": row, "ref:fact-N": bullet}`` of the reference file."""
    out: dict[str, str] = {}
    facts = 0
    for line in text.split("\n"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if len(cells) >= 3 and cells[0] not in ("中文", "---") and not set(cells[0]) <= {"-", " "}:
            for term in re.split(r"\s*/\s*", cells[0]):
                out[f"ref:{term}"] = " | ".join(cells)
        elif line.startswith("- "):
            facts += 1
            out[f"ref:fact-{facts}"] = line[2:].strip()
    return out


_ARTICLE = re.compile(r"^!!! \w+.*\n((?:    .*\n?)+)", re.M)


def article(text: str) -> str | None:
    """The source reading's own statement of the article (title, author,
    newspaper and date: its first admonition), cited as ``ref:article``."""
    m = _ARTICLE.search(text)
    if not m:
        return None
    items = [l.strip().removeprefix("- ") for l in m.group(1).split("\n") if l.strip()]
    return _MARKUP.sub("", "; ".join(items[:3]))


def from_texts(pages: dict[str, str], reference_file: Path = REFERENCE_FILE) -> Sources:
    """The sources from the source reading's text in each language (``{lang: text}``)."""
    out = Sources()
    for lang, text in pages.items():
        out.paragraphs[lang] = paragraphs(text)
        statement = article(text) if lang == "zh" else None
        if statement:
            out.references["ref:article"] = statement
    if Path(reference_file).is_file():
        out.references.update(references(Path(reference_file).read_text(encoding="utf-8")))
    return out


def load(docs_dir: Path, reference_file: Path = REFERENCE_FILE) -> Sources:
    pages = {}
    for lang in ("zh", "en"):
        page = Path(docs_dir) / lang_path(SOURCE_PAGE, lang)
        if page.is_file():
            pages[lang] = decode_page(page.read_bytes())
    return from_texts(pages, reference_file)
