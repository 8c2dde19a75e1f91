"""The one registry of rule codes: every code any tool reports, with its owner.

The checkers' ``--help``, the rule list of the content guide
(``python -m kb.model.rules --write-guide``) and the tests read this table;
a code is never reused for another meaning. ``owner`` says which tool
reports it: ``terms`` (terminology and typography, ``kb check-terms``),
``xrefs`` (links, IDs, translations, navigation, ``kb check-xrefs``),
``schema`` (front matter, reported by ``check-xrefs`` and by the build),
``core`` (the parsing core, every tool), ``import`` (``kb import-cases``).
It lives in the model because the build enforces some of the same rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Rule:
    code: str
    owner: str
    summary: str
    fixable: bool = False


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule("KB001", "core", "malformed front matter"),
        Rule("KB002", "core", "file is not valid UTF-8"),
        Rule("TRM001", "terms", "wrong Chinese variant of a term or a misspelling", fixable=True),
        Rule("TRM002", "terms", "English page lacks the preferred rendering of a term its Chinese page uses"),
        Rule("TRM003", "terms", "English page uses a rendering the term base decides against"),
        Rule("TYP001", "terms", "half-width , . ; : ? ! ( ) next to Chinese characters", fixable=True),
        Rule("TYP002", "terms", "straight quotes in Chinese prose", fixable=True),
        Rule("TYP003", "terms", "line break between two Chinese characters inside a paragraph", fixable=True),
        Rule("TYP004", "terms", "sentence split by a blank line (paragraph ends mid-sentence)"),
        Rule("DUP001", "terms", "paragraph repeated within a page"),
        Rule(
            "STY001",
            "terms",
            "content page does not end with its sources section (## 资料来源 {#sources} / ## Sources {#sources})",
        ),
        Rule("CAP001", "terms", "photo caption (▲ ▶ …) mixed into the body text"),
        Rule(
            "DUP002",
            "terms",
            "sentences of another paragraph repeated inside a paragraph (text pasted into the wrong place)",
        ),
        Rule("XRF001", "xrefs", "relative link to a page or file that does not exist"),
        Rule("XRF002", "xrefs", "link to an anchor that the target page does not have (in the reader's language)"),
        Rule("XRF003", "xrefs", "site-absolute link ('/...'): use a relative link to the .md file"),
        Rule("XRF010", "xrefs", "front matter 'related:' names a case, policy, playbook or module that does not exist"),
        Rule("XRF011", "xrefs", "two pages claim the same front matter 'id'"),
        Rule("XRF012", "xrefs", "collection page 'id' differs from its file name"),
        Rule("XRF013", "xrefs", "a collection page's file name (its ID) or alias is reserved, too long or malformed"),
        Rule("XRF014", "xrefs", "a collection's index page is missing or lacks its generated list"),
        Rule("XRF020", "xrefs", "page has no counterpart in the other language (and is not in single-language.yml)"),
        Rule("XRF021", "xrefs", "link into the other language's pages (link the base file name x.md)"),
        Rule("XRF022", "xrefs", "bad single-language.yml entry (no reason, unknown page, or page has both languages)"),
        Rule("XRF030", "xrefs", "translation pair headings differ (count per level, or explicit anchors)"),
        Rule("XRF031", "xrefs", "translation pair links to different targets"),
        Rule("XRF040", "xrefs", "stale translation: the Chinese page changed since 'translated_from' was recorded"),
        Rule("XRF041", "xrefs", "untracked translation: English page without 'translated_from'"),
        Rule(
            "XRF042",
            "xrefs",
            "translation pending: English page marked 'untranslated: true' (a warning; the page shows a notice)",
        ),
        Rule("XRF050", "xrefs", "page is in no navigation and linked from nowhere"),
        Rule("XRF051", "xrefs", "navigation entry to a missing page"),
        Rule(
            "XRF060",
            "xrefs",
            "a case set's English page lists other references (or another order) than its Chinese page",
        ),
        Rule("XRF061", "xrefs", "a case set item refers to a page that does not exist"),
        Rule("XRF062", "xrefs", "a case set item refers to a section the page does not have (in the set's language)"),
        Rule("XRF063", "xrefs", "a case set item uses an ID that was renamed without leaving an alias"),
        Rule("XRF064", "xrefs", "a case set item refers to the other language's file (x.en.md): refer to x.md"),
        Rule("XRF065", "xrefs", "a case set refers to itself"),
        Rule("XRF066", "xrefs", "a case set item's reference is malformed (path characters, not FOLDER/ID.md#SECTION)"),
        Rule("PRV001", "xrefs", "a citation names a source paragraph or reference entry that does not exist"),
        Rule(
            "PRV002",
            "xrefs",
            "a fact (number, year, date, 《title》, quoted name) that the block's citations do not give",
        ),
        Rule("PRV003", "xrefs", "a block (paragraph, list item, table row) with facts and no citation"),
        Rule(
            "PRV004",
            "xrefs",
            "a fact field of collection front matter with a value and no citation (or not in the cited text)",
        ),
        Rule("KB101", "schema", "a front matter field has a wrong value (type, enum, pattern, range)"),
        Rule("KB102", "schema", "a required front matter field is missing"),
        Rule("KB103", "schema", "an unknown front matter field (a typo?)"),
        Rule("KB104", "schema", "a collection page's 'id' differs from its file name"),
        Rule("KB105", "schema", "an alias is the ID or alias of another page (redirect clash)"),
        Rule("KB121", "import", "unknown or repeated column in the sheet's header"),
        Rule("KB122", "import", "a required column is missing from the header (or the sheet is empty)"),
        Rule("KB123", "import", "a required cell is empty"),
        Rule("KB124", "import", "the same id twice in the sheet (both rows named)"),
        Rule("KB125", "import", "the id already exists in docs/ (a page, or another case's alias)"),
        Rule("KB126", "import", "a cell has a wrong value (the generated front matter fails the case schema)"),
        Rule("KB127", "import", "a related module, policy or playbook does not exist in docs/"),
        Rule(
            "KB128",
            "import",
            "--update would replace a page an editor changed since the import, or one the importer did not write "
            "(give --force-overwrite), or the page's front matter is broken (a key twice)",
        ),
    )
}


def of(*owners: str) -> dict[str, Rule]:
    """The rules reported by ``owners``, in registry order."""
    return {c: r for c, r in RULES.items() if r.owner in owners}


def fixable() -> set[str]:
    return {c for c, r in RULES.items() if r.fixable}


def help_text(*owners: str) -> str:
    """The ``rule codes:`` block of a command's ``--help``."""
    return "rule codes:\n" + "\n".join(
        f"  {r.code}  {'(fixable) ' if r.fixable else ''}{r.summary}" for r in of(*owners).values()
    )


def guide_table() -> str:
    """The rule list of the content guide, as a Markdown table."""
    rows = ["| code | reported by | fixable | what it means |", "| --- | --- | --- | --- |"]
    for r in RULES.values():
        summary = r.summary.replace("|", "\\|")
        rows.append(f"| `{r.code}` | {r.owner} | {'yes' if r.fixable else ''} | {summary} |")
    return "\n".join(rows)


def terms_table() -> str:
    """The content guide's table of English renderings, from the term base."""
    from .terms import load

    rows = ["| 中文 | English rendering (use exactly, every time) | own? | not |", "| --- | --- | --- | --- |"]
    for t in load().terms:
        avoid = "; ".join(t.wrong_en).replace("|", "\\|")
        own = "academy's own" if t.own_rendering else "reference"
        rows.append(f"| {t.zh} | {t.en} | {own} | {avoid} |")
    return "\n".join(rows)


GENERATED = {"rules": guide_table, "terms": terms_table}


def _block(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- {name}:begin -->\n)(?:.*?\n)?(<!-- {name}:end -->)", re.S)


def sync_guide(path: Path, check: bool = False) -> bool:
    """Write each generated table (``<!-- rules:begin -->`` … ``<!-- rules:end -->``,
    the same for ``terms``) of ``path``; True when one was (or, with ``check``, is) stale."""
    text = path.read_text(encoding="utf-8")
    new = text
    for name, table in GENERATED.items():
        rx = _block(name)
        if not rx.search(new):
            raise ValueError(f"{path}: no '<!-- {name}:begin -->' ... '<!-- {name}:end -->' block")
        body = table()
        new = rx.sub(lambda m, body=body: m.group(1) + body + "\n" + m.group(2), new)
    if new != text and not check:
        path.write_text(new, encoding="utf-8")
    return new != text


def main(argv: list[str] | None = None) -> int:
    import argparse
    import sys

    from .paths import DATA

    ap = argparse.ArgumentParser(
        prog="kb rules", description="Write the rule table of the content guide from the registry."
    )
    ap.add_argument("--check", action="store_true", help="only report whether the guide's table is stale (exit 1)")
    args = ap.parse_args(argv)
    guide = DATA / "CONTENT-GUIDE.md"
    try:
        stale = sync_guide(guide, check=args.check)
    except (OSError, ValueError) as exc:
        print(f"kb rules: {exc}", file=sys.stderr)
        return 2
    if stale:
        print(f"{guide}: {'stale (run kb rules)' if args.check else 'updated'}")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    raise SystemExit(main())
