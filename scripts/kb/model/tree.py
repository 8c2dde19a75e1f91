"""The conventions of the docs tree, each defined once.

Languages and file names (``x.md`` Chinese, ``x.en.md`` English), the
collections and their IDs (the file name), the reserved names of a
collection, placeholders (``<!-- kb:NAME -->``), site URLs and relative
hrefs, and how a relative link resolves in the i18n build. The checks and the
build both read these; nothing here imports either of them.
"""

from __future__ import annotations

import posixpath
import re

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

# collection folder -> what one of its pages is called (in this order on the site)
COLLECTIONS = {"policies": "policy", "cases": "case", "playbooks": "playbook", "sets": "set"}

# Placeholders an editor writes in a page on a line of its own, replaced at
# build time: ``<!-- kb:NAME -->``.
PLACEHOLDER = re.compile(r"^<!--\s*kb:([a-z-]+)\s*-->\s*$", re.M)
# The same placeholder anywhere in rendered HTML (Markdown leaves it as is).
HTML_PLACEHOLDER = re.compile(r"<!--\s*kb:([a-z-]+)\s*-->")

SINGLE_LANGUAGE_FILE = "scripts/data/single-language.yml"

# A citation of the source: [[p12]], [[p12, p13]], [[ref:网格化管理]] (kb.model.sources)
_CITED = r"(?:p\d+|ref:[^\[\],]+?)"
CITATION = re.compile(rf"\[\[\s*({_CITED}(?:\s*,\s*{_CITED})*)\s*\]\]")


def doc_lang(rel_path: str) -> str:
    """The language of a page from its file name: ``x.en.md`` is English."""
    return "en" if rel_path.endswith(".en.md") else DEFAULT_LANG


def base_path(rel_path: str) -> str:
    """The language-neutral path of a page: ``a/b.en.md`` -> ``a/b.md``."""
    return rel_path[: -len(".en.md")] + ".md" if rel_path.endswith(".en.md") else rel_path


def lang_path(base: str, lang: str) -> str:
    """The file of ``base`` in ``lang``."""
    return base if lang == DEFAULT_LANG else base[: -len(".md")] + f".{lang}.md"


def page_url(base: str) -> str:
    """The directory URL (relative to the language root) of a page."""
    stem = base[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative_url(from_url: str, to_url: str) -> str:
    """A relative href from the page at ``from_url`` to the page at ``to_url``
    (both site-relative, as MkDocs' ``page.url``: ``en/cases/x/``, ``cases/x/``, ``""``)."""
    start = from_url if (from_url == "" or from_url.endswith("/")) else posixpath.dirname(from_url)
    rel = posixpath.relpath(to_url or ".", start.rstrip("/") or ".")
    if to_url == "" or to_url.endswith("/"):
        rel = rel.rstrip("/") + "/" if rel != "." else "./"
    return rel


def collection_of(path: str) -> str | None:
    """``policies``, ``cases`` or ``playbooks`` for a page of a collection
    (``cases/x.md`` or ``cases/x.en.md``); None for other pages and for the
    collections' index pages."""
    parts = base_path(path).split("/")
    if len(parts) == 2 and parts[0] in COLLECTIONS and parts[1] != "index.md" and parts[1].endswith(".md"):
        return parts[0]
    return None


def stem_of(path: str) -> str:
    """The ID of a collection page: its file name without language and ``.md``."""
    return posixpath.basename(base_path(path))[: -len(".md")]


def is_external(target: str) -> bool:
    """A link with a scheme (``https:``, ``mailto:``) or protocol-relative (``//host``)."""
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target)) or target.startswith("//")


def join_link(from_rel: str, link_path: str) -> str:
    """The docs-relative path a relative link's path points to (normalised;
    ``../`` at the start when it leaves the docs directory)."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(from_rel), link_path))


def localized_target(joined: str, lang: str, exists) -> str:
    """The file the i18n build serves for ``joined`` to a reader of ``lang``:
    ``x.md`` from an English page means ``x.en.md`` when that exists
    (``exists(path) -> bool``)."""
    if joined.endswith(".md") and lang != DEFAULT_LANG and not joined.endswith(f".{lang}.md"):
        localized = lang_path(joined, lang)
        if exists(localized):
            return localized
    return joined


def related_problems(related: object, bases: set[str]) -> list[str]:
    """What is wrong with a page's ``related:`` front matter (XRF010), given the
    language-neutral paths of every page; shared by the checker and the build."""
    if not isinstance(related, dict):
        return ["'related' must be a mapping of lists"]
    out = []
    for key, ids in related.items():
        if ids is None:
            continue
        for ident in ids if isinstance(ids, list) else [ids]:
            if key in COLLECTIONS:
                base = f"{key}/{ident}.md"
                if base not in bases:
                    out.append(f"related.{key}: no {COLLECTIONS[key]} with ID '{ident}' (docs/{base})")
            elif key == "modules":
                if posixpath.normpath(str(ident)) not in bases:
                    out.append(f"related.modules: no page '{ident}' in docs/")
    return out


# IDs no page of a collection may have: the collection's index page (``cases/index.md``
# is the case list the build fills in), and the names Windows reserves for devices
# (``con.md`` cannot be checked out there).
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_ID_LENGTH = 100
RESERVED_IDS = frozenset(
    {"index", "con", "prn", "aux", "nul"} | {f"com{i}" for i in range(1, 10)} | {f"lpt{i}" for i in range(1, 10)}
)


def id_problem(ident: object) -> str | None:
    """Why ``ident`` cannot be the ID (the file name) of a collection page, or
    None when it can: reserved, too long, or not lower-case ASCII words joined by '-'."""
    s = str(ident)
    if len(s) > MAX_ID_LENGTH:
        return f"an ID is at most {MAX_ID_LENGTH} characters (this one has {len(s)})"
    if not ID_PATTERN.fullmatch(s):
        return f"'{s}' is not lower-case ASCII words joined by '-' (e.g. lz-longpanyuan-136)"
    if s in RESERVED_IDS:
        why = "the collection's index page" if s == "index" else "a device name Windows reserves"
        return f"'{s}' is reserved ({why})"
    return None


INDEX_PLACEHOLDER = "collection-index"


def index_problem(coll: str, index_text: str | None) -> str | None:
    """What is wrong with a collection's index page (its text; None when there
    is none, which XRF050 reports as unreachable pages): it must hold the
    placeholder the build fills with the list of the collection's pages."""
    if index_text is None:
        return None
    if INDEX_PLACEHOLDER not in PLACEHOLDER.findall(index_text):
        return (
            f"{coll}/index.md lacks '<!-- kb:{INDEX_PLACEHOLDER} -->' on a line of its own: "
            "the site would have no list of its pages"
        )
    return None
