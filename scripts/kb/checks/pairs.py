"""The translation-pair checks of :mod:`kb.checks.xrefs`: every page has its
counterpart in the other language (or is listed in ``single-language.yml``),
the two have the same headings, explicit anchors and link targets, and the
English page records the fingerprint of its Chinese original.

:class:`PairChecks` is a mixin of :class:`kb.checks.xrefs.Checker`: its
methods use the checker's ``site``, ``single``, ``single_lines``,
``single_display``, ``findings``, ``add`` and ``disp``.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import unquote

from ..model import translations
from ..model.config import missing_counterpart
from ..model.findings import Finding
from ..model.mdparse import Doc
from ..model.tree import DEFAULT_LANG, LANGS, base_path, lang_path


class PairChecks:
    """Rules XRF020, XRF022, XRF030, XRF031, XRF040–XRF042 (see :mod:`kb.model.rules`)."""

    def link_targets(self, doc: Doc) -> Counter:
        out: Counter = Counter()
        for link in doc.links:
            target = self.site.resolve(doc, link)
            if target is None:
                continue
            t = base_path(target)
            if link.fragment:
                t += "#" + unquote(link.fragment)
            out[t] += 1
        return out

    def check_pairs(self) -> None:
        site = self.site
        for base in sorted(site.bases()):
            docs = {lang: site.doc(base, lang) for lang in LANGS}
            present = [l for l, d in docs.items() if d is not None]
            if len(present) < len(LANGS):
                only = present[0]
                rel = lang_path(base, only)
                if rel not in self.single:
                    missing = next(l for l in LANGS if l not in present)
                    f = missing_counterpart(rel, missing, self.single_display)
                    self.add(docs[only], rel, 1, 1, f.code, f.message)
                continue
            zh, en = docs["zh"], docs["en"]
            self.compare_structure(zh, en)
            self.check_fingerprint(zh, en)
        for rel in sorted(self.single):
            base = base_path(rel)
            if rel not in site.docs:
                self.findings.append(
                    Finding(
                        self.single_display,
                        self.single_lines.get(rel, 1),
                        1,
                        "XRF022",
                        f"'{rel}' is not a page of docs/",
                    )
                )
            elif all(site.doc(base, l) is not None for l in LANGS):
                self.findings.append(
                    Finding(
                        self.single_display,
                        self.single_lines.get(rel, 1),
                        1,
                        "XRF022",
                        f"'{rel}' is listed as single-language but has both languages",
                    )
                )

    def compare_structure(self, zh: Doc, en: Doc) -> None:
        zl = Counter(h.level for h in zh.headings)
        el = Counter(h.level for h in en.headings)
        if zl != el:
            # the first heading where the sequences of levels part
            zs, es = [h.level for h in zh.headings], [h.level for h in en.headings]
            i = next((k for k in range(min(len(zs), len(es))) if zs[k] != es[k]), min(len(zs), len(es)))
            line = en.headings[i].line if i < len(en.headings) else (en.headings[-1].line if en.headings else 1)
            counts = lambda c: " ".join(f"h{l}={c[l]}" for l in sorted(set(zl) | set(el)))  # noqa: E731
            self.add(
                en,
                en.rel_path,
                line,
                1,
                "XRF030",
                f"headings differ from the Chinese page ({self.disp(zh.rel_path)}): zh {counts(zl)}, en {counts(el)}",
            )
        zx = {h.anchor: h for h in zh.headings if h.explicit}
        ex = {h.anchor for h in en.headings if h.explicit}
        for anchor, h in sorted(zx.items()):
            if anchor not in ex:
                self.add(
                    en,
                    en.rel_path,
                    en.body_line,
                    1,
                    "XRF030",
                    f"explicit anchor '#{anchor}' of the Chinese page ({self.disp(zh.rel_path)}:{h.line}) is missing",
                )
        zt, et = self.link_targets(zh), self.link_targets(en)
        if zt != et:
            extra, missing = et - zt, zt - et
            done: Counter = Counter()
            for link in en.links:
                target = self.site.resolve(en, link)
                if target is None:
                    continue
                t = base_path(target) + ("#" + unquote(link.fragment) if link.fragment else "")
                if done[t] < extra[t]:
                    done[t] += 1
                    self.add(
                        en,
                        en.rel_path,
                        link.line,
                        link.col,
                        "XRF031",
                        f"link to '{t}' has no counterpart in the Chinese page",
                    )
            for link in zh.links:
                target = self.site.resolve(zh, link)
                if target is None:
                    continue
                t = base_path(target) + ("#" + unquote(link.fragment) if link.fragment else "")
                if done["-" + t] < missing[t]:
                    done["-" + t] += 1
                    self.add(
                        en,
                        en.rel_path,
                        en.body_line,
                        1,
                        "XRF031",
                        f"the Chinese page links to '{t}' ({self.disp(zh.rel_path)}:{link.line}), this page does not",
                    )

    def check_fingerprint(self, zh: Doc, en: Doc) -> None:
        rec = translations.recorded(en.meta)
        if en.meta.get("untranslated") is True:
            self.add(
                en,
                en.rel_path,
                en.meta_line("untranslated"),
                1,
                "XRF042",
                "translation pending ('untranslated: true'): translate the page, remove the field, then run "
                f"'scripts/check_xrefs.py --mark-translated {self.disp(en.rel_path)}'",
                severity="warning",
            )
            return
        if rec is None:
            self.add(
                en,
                en.rel_path,
                1,
                1,
                "XRF041",
                "no 'translated_from' fingerprint: after review run "
                f"'scripts/check_xrefs.py --mark-translated {self.disp(en.rel_path)}'",
            )
            return
        fp = self.site.result("fingerprint", zh.rel_path) or page_fingerprint(zh, None)
        if rec != fp:
            self.add(
                en,
                en.rel_path,
                en.meta_line(translations.FIELD),
                1,
                "XRF040",
                f"stale translation: {self.disp(zh.rel_path)} changed (translated_from {rec}, "
                f"now {fp}); update the translation, then run "
                f"'scripts/check_xrefs.py --mark-translated {self.disp(en.rel_path)}'",
            )


def page_fingerprint(doc: Doc, _zh: Doc | None) -> str | None:
    """The fingerprint of a Chinese page (what its translation records): the "fingerprint" page task."""
    return translations.fingerprint(translations.body_of(doc.text)) if doc.lang == DEFAULT_LANG else None
