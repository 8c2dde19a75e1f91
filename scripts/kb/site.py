"""The page index: every page of ``docs/`` read once and parsed once."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from .mdparse import Doc, Link, base_path, doc_lang, lang_path, read_doc


@dataclass
class Site:
    docs_dir: Path
    docs: dict[str, Doc] = field(default_factory=dict)  # rel path -> Doc
    files: set[str] = field(default_factory=set)  # every file (posix, relative)

    @classmethod
    def load(cls, docs_dir: Path) -> "Site":
        docs_dir = Path(docs_dir)
        site = cls(docs_dir)
        for path in sorted(docs_dir.rglob("*")):
            if not path.is_file():
                continue
            rel = path.relative_to(docs_dir).as_posix()
            site.files.add(rel)
            if rel.endswith(".md"):
                site.docs[rel] = read_doc(docs_dir, path)
        return site

    def bases(self) -> set[str]:
        return {d.base for d in self.docs.values()}

    def doc(self, base: str, lang: str) -> Doc | None:
        return self.docs.get(lang_path(base, lang))

    def resolve(self, doc: Doc, link: Link) -> str | None:
        """The file a relative link points to, as the i18n build resolves it.

        ``x.md`` from an English page means ``x.en.md`` when that exists.
        Returns None for external links; the raw joined path when missing.
        """
        if link.is_external or link.target.startswith("/"):
            return None
        if not link.path:
            return doc.rel_path
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(doc.rel_path), link.path))
        if joined.endswith(".md") and doc.lang != "zh" and not joined.endswith(f".{doc.lang}.md"):
            localized = lang_path(joined, doc.lang)
            if localized in self.docs:
                return localized
        return joined
