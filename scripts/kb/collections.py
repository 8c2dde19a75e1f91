"""The three collections (policies, cases, playbooks): front matter schemas,
generated index pages, "referenced by" sections and redirects for renamed IDs.

Plain Python (no MkDocs imports); the build features register themselves with
:mod:`kb.build_support` when this module is imported (see :mod:`kb.features`).

* ``scripts/data/vocabulary.yml`` is the ONE place for the fixed vocabularies
  (themes, lists, kinds, statuses) and their zh/en labels. The JSON schemas in
  ``scripts/data/schemas/`` carry the same values as ``$defs/<vocabulary>/enum``
  for editors' YAML tooling; they are generated from the vocabulary with
  ``PYTHONPATH=scripts python -m kb.collections --sync-schemas`` and
  :func:`sync_schemas` (``check=True`` in the tests) reports stale files.
* Front matter rule codes:

  ======  ==========================================================
  KB101   a field has a wrong value (type, enum, pattern, range)
  KB102   a required field is missing
  KB103   an unknown field (a typo?)
  KB104   ``id`` differs from the file name
  KB105   an alias is the ID or alias of another page (redirect clash)
  ======  ==========================================================
"""

from __future__ import annotations

import datetime as _dt
import difflib
import html
import json
import logging
import posixpath
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import yaml

from .build_support import BuildState, PageRecord, late_generator, late_transform, post_build, validator
from .findings import Finding
from .mdparse import Doc, base_path, lang_path, parse
from .paths import DATA, SCHEMAS

COLLECTIONS = {"policies": "policy", "cases": "case", "playbooks": "playbook"}
VOCABULARY_FILE = DATA / "vocabulary.yml"
INDEX_MARKER = "<!-- kb:collection-index -->"

# --------------------------------------------------------------------------
# Vocabulary and schemas


@lru_cache(maxsize=None)
def vocabulary(path: Path = VOCABULARY_FILE) -> dict[str, dict[str, dict[str, str]]]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return {name: {str(k): dict(v or {}) for k, v in (entries or {}).items()} for name, entries in data.items()}


def label(vocab: str, value: Any, lang: str, short: bool = False) -> str:
    """The label of a vocabulary value in ``lang`` (the value itself if unknown)."""
    entry = vocabulary().get(vocab, {}).get(str(value))
    if not entry:
        return str(value)
    if short and entry.get(f"short_{lang}"):
        return entry[f"short_{lang}"]
    return entry.get(lang) or entry.get("zh") or str(value)


def slug(vocab: str, value: Any) -> str:
    entry = vocabulary().get(vocab, {}).get(str(value)) or {}
    return entry.get("slug") or str(value)


def schema_path(collection: str) -> Path:
    return SCHEMAS / f"{COLLECTIONS[collection]}.schema.json"


@lru_cache(maxsize=None)
def load_schema(collection: str) -> dict:
    return json.loads(schema_path(collection).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def _validator(collection: str) -> Any:  # a jsonschema Draft202012Validator
    # imported here: jsonschema takes 50 ms to import and is needed only to
    # explain a page that fastjsonschema has rejected
    from jsonschema import Draft202012Validator

    schema = load_schema(collection)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _is_date(value: str) -> bool:
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


@lru_cache(maxsize=None)
def _fast_validator(collection: str) -> Callable[[Any], Any]:
    """The same schema compiled to Python code by fastjsonschema: a quick yes
    for a valid page (almost every page); jsonschema then explains a no in
    full. The schemas use only keywords both implement, and "date" is checked
    as a real calendar date on both sides (tests/test_collections.py holds
    them to the same verdicts)."""
    import fastjsonschema

    return fastjsonschema.compile(load_schema(collection), formats={"date": _is_date})


def schema_errors(collection: str, meta: Any) -> list:
    """jsonschema errors of ``meta`` (already normalised), sorted by field."""
    import fastjsonschema

    try:
        _fast_validator(collection)(meta)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    return sorted(_validator(collection).iter_errors(meta), key=lambda e: list(map(str, e.absolute_path)))


def sync_schemas(check: bool = False, schemas_dir: Path = SCHEMAS) -> list[Path]:
    """Write each vocabulary's values into ``$defs/<vocabulary>/enum`` of every
    schema that has such a ``$defs`` entry. Returns the files that were (or,
    with ``check``, would be) changed."""
    vocab = vocabulary()
    changed = []
    for path in sorted(Path(schemas_dir).glob("*.schema.json")):
        text = path.read_text(encoding="utf-8")
        schema = json.loads(text)
        for name, defn in schema.get("$defs", {}).items():
            if name in vocab:
                defn["enum"] = list(vocab[name])
        new = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
        if new != text:
            changed.append(path)
            if not check:
                path.write_text(new, encoding="utf-8")
    return changed


# --------------------------------------------------------------------------
# Which pages belong to a collection


def collection_of(base: str) -> str | None:
    """``policies``, ``cases`` or ``playbooks`` for a page of a collection
    (``cases/x.md`` or ``cases/x.en.md``); None for other pages and for the
    collections' index pages."""
    base = base_path(base)
    parts = base.split("/")
    if len(parts) == 2 and parts[0] in COLLECTIONS and parts[1] != "index.md" and parts[1].endswith(".md"):
        return parts[0]
    return None


def stem_of(base: str) -> str:
    return posixpath.basename(base_path(base))[: -len(".md")]


# --------------------------------------------------------------------------
# Front matter validation

_PATTERN_HINTS = {
    "id": "lower-case ASCII words joined by '-' (e.g. lz-longpanyuan-136)",
    "title": "a title without 《》",
    "date": "a date YYYY-MM-DD or null",
    "modules": "a docs-relative path of a Chinese page, e.g. course/flagship-brands.md",
    "translated_from": "12 hexadecimal digits",
}
_TYPE_NAMES = {"string": "a string", "integer": "an integer", "null": "null", "array": "a list",
               "object": "a mapping", "boolean": "true or false", "number": "a number"}


def _field(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return type(value).__name__


def _got(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return f"a {_json_type(value)}"
    if isinstance(value, str):
        return repr(value)
    if value is None:
        return "null"
    return f"{_json_type(value)} {value!r}"


def _normalise(value: Any) -> Any:
    """YAML dates (``date: 2018-12-01`` unquoted) count as ISO strings, as
    editors' YAML tooling (YAML 1.2) reads them."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


def _message(err) -> tuple[str, str, list]:
    """(code, message, field path) of one jsonschema error."""
    path = list(err.absolute_path)
    name = _field(path)
    v = err.validator
    if v == "required":
        missing = err.message.split("'")[1] if "'" in err.message else err.message
        return "KB102", f"field '{_field(path + [missing])}': missing (required)", path
    if v == "additionalProperties":
        allowed = list(err.schema.get("properties", {}))
        extra = [k for k in err.instance if k not in allowed]
        msgs = []
        for k in extra:
            close = difflib.get_close_matches(str(k), allowed, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f"; allowed: {', '.join(allowed)}"
            msgs.append((_field(path + [k]), f"unknown field{hint}"))
        return "KB103", msgs, path  # type: ignore[return-value]
    if v == "enum":
        expected = ", ".join(str(x) for x in err.validator_value)
        return "KB101", f"field '{name}': expected one of {expected}; got {_got(err.instance)}", path
    if v == "type":
        types = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        expected = " or ".join(_TYPE_NAMES.get(t, t) for t in types)
        return "KB101", f"field '{name}': expected {expected}; got {_got(err.instance)}", path
    if v == "pattern":
        key = next((p for p in reversed(path) if isinstance(p, str)), "")
        hint = _PATTERN_HINTS.get(key, f"a value matching {err.validator_value}")
        if key in ("cases", "policies", "playbooks", "aliases"):
            hint = _PATTERN_HINTS["id"]
        return "KB101", f"field '{name}': expected {hint}; got {_got(err.instance)}", path
    if v == "format":
        return "KB101", f"field '{name}': expected a real {err.validator_value} (YYYY-MM-DD); got {_got(err.instance)}", path
    if v == "minLength":
        return "KB101", f"field '{name}': expected a non-empty text; got {_got(err.instance)}", path
    if v == "minItems":
        return "KB101", f"field '{name}': expected at least {err.validator_value} entry; got an empty list", path
    if v == "uniqueItems":
        return "KB101", f"field '{name}': expected no duplicate entries; got {err.instance!r}", path
    if v in ("minimum", "maximum"):
        return "KB101", f"field '{name}': expected a {v} of {err.validator_value}; got {_got(err.instance)}", path
    return "KB101", f"field '{name}': {err.message}", path


def _front_matter_positions(doc: Doc) -> dict[tuple, tuple[int, int]]:
    """(line, col) of every key and list item of the front matter, by path."""
    if doc.body_line <= 2:
        return {}
    raw = "\n".join(doc.lines[1: doc.body_line - 2]) + "\n"
    try:
        root = yaml.compose(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return {}
    out: dict[tuple, tuple[int, int]] = {}

    def walk(node, path: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                p = path + (k.value,)
                out[p] = (k.start_mark.line + 2, k.start_mark.column + 1)
                walk(v, p)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                p = path + (i,)
                out[p] = (item.start_mark.line + 2, item.start_mark.column + 1)
                walk(item, p)

    walk(root, ())
    return out


def validate_meta(rel_path: str, meta: Mapping[str, Any],
                  position: Callable[[tuple], tuple[int, int]] | None = None) -> list[Finding]:
    """Validate one collection page's front matter against its schema.

    ``position(path)`` gives (line, col) of a field path such as
    ``("related", "cases", 1)``; without it every finding is at line 1.
    """
    coll = collection_of(rel_path)
    if coll is None:
        return []
    pos = position or (lambda p: (1, 1))
    meta = _normalise(dict(meta))
    findings: list[Finding] = []
    for err in schema_errors(coll, meta):
        code, msg, path = _message(err)
        if code == "KB103":
            for fname, text in msg:  # type: ignore[misc]
                keys = tuple(fname.replace("]", "").replace("[", ".").split("."))
                keys = tuple(int(k) if k.isdigit() else k for k in keys)
                line, col = pos(keys)
                findings.append(Finding(rel_path, line, col, code, f"field '{fname}': {text}"))
            continue
        line, col = pos(tuple(path)) if path else (1, 1)
        findings.append(Finding(rel_path, line, col, code, msg))
    stem = stem_of(rel_path)
    if isinstance(meta.get("id"), str) and meta["id"] != stem:
        line, col = pos(("id",))
        findings.append(Finding(rel_path, line, col, "KB104",
                                f"field 'id': expected '{stem}' (the file name); got {meta['id']!r}"))
    aliases = meta.get("aliases")
    if isinstance(aliases, list) and stem in aliases:
        line, col = pos(("aliases", aliases.index(stem)))
        findings.append(Finding(rel_path, line, col, "KB105", f"field 'aliases': '{stem}' is this page's own id"))
    return sorted(set(findings))


def validate_front_matter(doc: Doc) -> list[Finding]:
    """Schema findings of one parsed page (none for pages outside the
    collections), each at the line and column of the offending field."""
    if collection_of(doc.rel_path) is None or doc.meta_error is not None:
        return []
    cache: list[dict] = []  # composed only when a finding needs a position

    def position(path: tuple) -> tuple[int, int]:
        if not cache:
            cache.append(_front_matter_positions(doc))
        positions = cache[0]
        while path:
            if path in positions:
                return positions[path]
            path = path[:-1]
        return (1, 1)

    out = validate_meta(doc.rel_path, doc.meta, position)
    ignores = getattr(doc, "ignores", None)
    if ignores is not None:
        out = [f for f in out if not ignores(f.code, f.line)]
    return out


def alias_findings(metas: Mapping[str, Mapping[str, Any]]) -> list[Finding]:
    """KB105 for aliases that clash with another page's id or alias, within a
    collection. ``metas``: rel path -> front matter (one language)."""
    owner: dict[tuple[str, str], str] = {}
    for rel, meta in metas.items():
        coll = collection_of(rel)
        if coll:
            owner[(coll, stem_of(rel))] = rel
    out = []
    for rel, meta in sorted(metas.items()):
        coll = collection_of(rel)
        for alias in (meta.get("aliases") or []) if coll else []:
            key = (coll, str(alias))
            if key in owner and owner[key] != rel:
                out.append(Finding(rel, 1, 1, "KB105",
                                   f"field 'aliases': '{alias}' is already used by {owner[key]}"))
            else:
                owner[key] = rel
    return out


@validator
def _validate_record(rec: PageRecord) -> list[Finding]:
    # The build's records carry no front matter lines: the findings point to
    # line 1 and name the field (the checker gives the exact line).
    return validate_meta(rec.src_uri, rec.meta)


# --------------------------------------------------------------------------
# Generated index pages

_T = {
    "zh": {"tbs": "原文未载明", "title": "名称", "issuer": "发文机关", "status": "状态",
           "date": "日期 / 文号", "summary": "概要", "id": "编号", "community": "社区", "district": "城区",
           "list": "名单", "year": "年份", "themes": "主题", "owner": "负责方", "all": "全部",
           "filter": "筛选", "count": "共 {n} 项", "none": "暂无",
           "refby": "被以下内容引用", "refby_none": "暂无其他页面链接到本页。",
           "modules": "课程模块", "cases": "案例", "policies": "政策文件", "playbooks": "复制手册", "pages": "页面",
           "redirect": "本页已迁移到"},
    "en": {"tbs": "Not given in the source", "title": "Title", "issuer": "Issuer", "status": "Status",
           "date": "Date / document number", "summary": "Summary", "id": "ID", "community": "Community",
           "district": "District", "list": "List", "year": "Year", "themes": "Themes", "owner": "Owner",
           "all": "All", "filter": "Filter", "count": "{n} entries", "none": "None yet",
           "refby": "Referenced by", "refby_none": "No other page links to this page yet.",
           "modules": "Course modules", "cases": "Cases", "policies": "Policies", "playbooks": "Playbooks",
           "pages": "Pages", "redirect": "This page has moved to"},
}


def _t(lang: str, key: str) -> str:
    return _T.get(lang, _T["en"])[key]


def _tbs(lang: str) -> str:
    return f'<span class="kb-tbs">{_t(lang, "tbs")}</span>'


def _text(value: Any, lang: str) -> str:
    """A plain-text field as HTML (escaped), or the to-be-supplied marker."""
    if value is None or value == "":
        return _tbs(lang)
    return html.escape(str(_normalise(value)))


def rel_href(from_url: str, to_url: str) -> str:
    """The relative href from the page at ``from_url`` to ``to_url`` (both
    site-relative directory URLs as MkDocs gives them, e.g. ``en/cases/``)."""
    start = from_url if from_url.endswith("/") or from_url == "" else posixpath.dirname(from_url)
    rel = posixpath.relpath("/" + to_url, "/" + start)
    if rel == ".":
        return "./"
    return rel + "/" if to_url.endswith("/") else rel


def _members(state: BuildState, lang: str, coll: str) -> list[PageRecord]:
    recs = [r for b, r in state.pages.get(lang, {}).items() if collection_of(b) == coll]
    return sorted(recs, key=lambda r: (str(r.meta.get("id") or stem_of(r.base)), r.base))


def _link(rec: PageRecord, target: PageRecord) -> str:
    # Page titles are HTML in MkDocs (the theme prints them as they are).
    return f'<a href="{html.escape(rel_href(rec.url, target.url))}">{target.title or stem_of(target.base)}</a>'


def _by_kind(rec: PageRecord, recs: list[PageRecord], vocab: str, columns: list[str],
             row: Callable[[PageRecord], list[str]], cls: str) -> str:
    """One section per value of the ``vocab`` vocabulary (in its order), each a table of its pages."""
    out = []
    for kind in vocabulary()[vocab]:
        group = [r for r in recs if r.meta.get("kind") == kind]
        if group:
            out.append(f'<h2 id="kind-{slug(vocab, kind)}">{html.escape(label(vocab, kind, rec.lang))}</h2>')
            out.append(_table([_t(rec.lang, k) for k in columns], [row(r) for r in group], cls=cls))
    return "\n".join(out)


def _policies_index(rec: PageRecord, recs: list[PageRecord]) -> str:
    lang = rec.lang
    return _by_kind(rec, recs, "policy_kind", ["title", "issuer", "status", "date", "summary"],
                    lambda r: [_link(rec, r), _text(r.meta.get("issuer"), lang),
                               html.escape(label("policy_status", r.meta.get("status"), lang)),
                               f'{_text(r.meta.get("date"), lang)} / {_text(r.meta.get("doc_number"), lang)}',
                               _text(r.meta.get("summary"), lang)],
                    "kb-collection kb-policies")


def _table(head: list[str], rows: list[list[str]], cls: str, row_attrs: list[str] | None = None) -> str:
    th = "".join(f"<th>{h}</th>" for h in head)
    body = []
    for i, row in enumerate(rows):
        attrs = row_attrs[i] if row_attrs else ""
        body.append(f"<tr{attrs}>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    # Material styles only tables without a class: the class goes on a wrapper.
    return (f'<div class="{cls}">\n<table>\n<thead><tr>{th}</tr></thead>\n<tbody>\n'
            + "\n".join(body) + "\n</tbody>\n</table>\n</div>")


def _select(name: str, caption: str, options: list[tuple[str, str]], lang: str) -> str:
    opts = f'<option value="">{_t(lang, "all")}</option>' + "".join(
        f'<option value="{html.escape(v)}">{html.escape(t)}</option>' for v, t in options)
    return f'<label>{caption} <select name="{name}" data-kb-filter="{name}">{opts}</select></label>'


def _cases_index(rec: PageRecord, recs: list[PageRecord]) -> str:
    lang = rec.lang
    rows, attrs = [], []
    districts, lists, themes = set(), set(), set()
    for r in recs:
        m = r.meta
        th = [str(t) for t in (m.get("themes") or [])]
        district = str(m.get("district") or "")
        lst = str(m.get("list") or "")
        districts.add(district) if district else None
        lists.add(lst) if lst else None
        themes.update(th)
        rows.append([
            html.escape(str(m.get("id") or stem_of(r.base))), _link(rec, r), _text(m.get("community"), lang),
            _text(m.get("district"), lang), html.escape(label("list", lst, lang, short=True)) if lst else _tbs(lang),
            _text(m.get("year"), lang),
            ("、" if lang == "zh" else ", ").join(html.escape(label("theme", t, lang)) for t in th)
            if th else _tbs(lang),
        ])
        attrs.append(f' data-district="{html.escape(district)}" data-list="{html.escape(lst)}"'
                     f' data-themes="{html.escape(" ".join(th))}"')
    vocab_themes = [t for t in vocabulary()["theme"] if t in themes]
    form = ('<form class="kb-filter" data-kb-filter-form hidden>'
            + _select("district", _t(lang, "district"), [(d, d) for d in sorted(districts)], lang)
            + _select("themes", _t(lang, "themes"), [(t, label("theme", t, lang)) for t in vocab_themes], lang)
            + _select("list", _t(lang, "list"), [(v, label("list", v, lang, short=True))
                                                  for v in vocabulary()["list"] if v in lists], lang)
            + f' <output data-kb-filter-count>{html.escape(_t(lang, "count").format(n=len(recs)))}</output>'
            + "</form>")
    table = _table([_t(lang, k) for k in ("id", "title", "community", "district", "list", "year", "themes")],
                   rows, cls="kb-collection kb-cases", row_attrs=attrs)
    return form + "\n" + table.replace("<table>", '<table data-kb-filter-table data-kb-count-text="'
                                       + html.escape(_t(lang, "count")) + '">', 1)


def _playbooks_index(rec: PageRecord, recs: list[PageRecord]) -> str:
    return _by_kind(rec, recs, "playbook_kind", ["title", "owner"],
                    lambda r: [_link(rec, r), _text(r.meta.get("owner"), rec.lang)], "kb-collection kb-playbooks")


@late_generator("collection-index")
def collection_index(rec: PageRecord, state: BuildState) -> str:
    """The table(s) of a collection's index page, in the page's language."""
    coll = rec.base.split("/")[0]
    if coll not in COLLECTIONS:
        return ""
    recs = _members(state, rec.lang, coll)
    if not recs:
        return f"<p>{_t(rec.lang, 'none')}</p>"
    return {"policies": _policies_index, "cases": _cases_index, "playbooks": _playbooks_index}[coll](rec, recs)


# --------------------------------------------------------------------------
# Referenced by


def link_targets(base: str, lang: str, markdown: str) -> set[str]:
    """The language-neutral pages a page's Markdown links to (itself excluded)."""
    doc = parse(lang_path(base, lang), markdown)
    out = set()
    for link in doc.links:
        if link.is_external or link.target.startswith("/") or not link.path or link.image:
            continue
        if not link.path.endswith(".md"):
            continue
        target = base_path(posixpath.normpath(posixpath.join(posixpath.dirname(base), link.path)))
        if target != base:
            out.add(target)
    return out


def referenced_by(pages: Mapping[str, tuple[str, str]]) -> dict[str, list[str]]:
    """Which pages link to each collection page.

    ``pages``: base -> (lang, markdown) for the pages of one language. Returns
    base -> sorted bases of the pages linking to it, for every collection page
    in ``pages`` (an empty list when none does). Linear in the pages' size.
    """
    out: dict[str, list[str]] = {b: [] for b in pages if collection_of(b)}
    for base, (lang, markdown) in pages.items():
        for target in link_targets(base, lang, markdown):
            if target in out:
                out[target].append(base)
    return {b: sorted(v, key=_ref_order) for b, v in out.items()}


def _ref_kind(base: str) -> str:
    if base.startswith("course/"):
        return "modules"
    return collection_of(base) or "pages"


_KIND_ORDER = ("modules", "playbooks", "policies", "cases", "pages")


def _ref_order(base: str) -> tuple[int, str]:
    return (_KIND_ORDER.index(_ref_kind(base)), base)


_GRAPH_CACHE: dict[str, tuple[dict[str, PageRecord], dict[str, list[str]]]] = {}


def _graph(rec: PageRecord, state: BuildState) -> dict[str, list[str]]:
    """The graph of ``rec``'s language, computed once per build of it: the
    cache keeps a shallow copy of the records it was computed from, and a
    rebuild (``mkdocs serve``) makes new records, so ``rec`` is not in it."""
    cached = _GRAPH_CACHE.get(rec.lang)
    if cached is not None and cached[0].get(rec.base) is rec:
        return cached[1]
    pages = dict(state.pages.get(rec.lang, {}))
    graph = referenced_by({b: (r.lang, r.markdown) for b, r in pages.items()})
    _GRAPH_CACHE[rec.lang] = (pages, graph)
    return graph


@late_transform
def referenced_by_section(html_in: str, rec: PageRecord, state: BuildState) -> str:
    """Append the "Referenced by" section to every collection page."""
    if collection_of(rec.base) is None:
        return html_in
    pages = state.pages.get(rec.lang, {})
    refs = _graph(rec, state).get(rec.base, [])
    lang = rec.lang
    items = []
    for b in refs:
        src = pages.get(b)
        if src is None:
            continue
        items.append(f"<li>{_t(lang, _ref_kind(b))}{'：' if lang == 'zh' else ': '}{_link(rec, src)}</li>")
    body = f'<ul class="kb-referenced-by">\n' + "\n".join(items) + "\n</ul>" if items else \
        f'<p class="kb-referenced-by">{_t(lang, "refby_none")}</p>'
    return html_in + f'\n<h2 id="referenced-by">{_t(lang, "refby")}</h2>\n' + body + "\n"


# --------------------------------------------------------------------------
# Redirects for renamed IDs


def redirect_html(target_href: str, title: str, lang: str) -> str:
    href = html.escape(target_href)
    return (
        "<!doctype html>\n"
        f'<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        f'<meta http-equiv="refresh" content="0; url={href}">\n'
        f'<link rel="canonical" href="{href}">\n<meta name="robots" content="noindex">\n'
        "</head>\n<body>\n"
        f'<p>{_t(lang, "redirect")} <a href="{href}">{title}</a></p>\n'
        "</body>\n</html>\n"
    )


def redirect_pages(state: BuildState) -> dict[str, str]:
    """``{output path relative to site_dir: html}`` of a redirect page for
    every alias of every collection page, in every language built, e.g.
    ``cases/old-id/index.html`` and ``en/cases/old-id/index.html`` pointing to
    ``../new-id/``. An alias that is a current page's URL is skipped (see
    :func:`alias_findings`)."""
    out: dict[str, str] = {}
    for lang, pages in state.pages.items():
        taken = {r.url for r in pages.values()}
        for base, rec in sorted(pages.items()):
            if collection_of(base) is None:
                continue
            parent = posixpath.dirname(rec.url.rstrip("/"))  # "cases" or "en/cases"
            for alias in rec.meta.get("aliases") or []:
                alias = str(alias)
                if not alias or "/" in alias or alias in (".", ".."):
                    continue
                url = f"{parent}/{alias}/" if parent else f"{alias}/"
                if url in taken:
                    continue
                out[f"{url}index.html"] = redirect_html(rel_href(url, rec.url), rec.title, lang)
    return out


@post_build
def write_redirects(state: BuildState, site_dir: Path) -> None:
    """Write the redirect pages of renamed IDs; an alias that clashes with
    another page is a warning (which fails the strict build)."""
    log = logging.getLogger("mkdocs.hooks.kb.collections")
    for lang, pages in state.pages.items():
        for finding in alias_findings({r.src_uri: r.meta for r in pages.values()}):
            log.warning(finding.text())
    site_dir = Path(site_dir)
    for rel, text in redirect_pages(state).items():
        out = site_dir / rel
        if out.exists():  # never overwrite a page the build wrote
            log.warning(f"redirect {rel}: a page exists at this URL")
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(prog="python -m kb.collections",
                                 description="Regenerate the enums of the collection schemas from vocabulary.yml.")
    ap.add_argument("--sync-schemas", action="store_true", help="write the vocabularies into the schemas")
    ap.add_argument("--check", action="store_true", help="only report stale schemas (exit 1 if any)")
    args = ap.parse_args(argv)
    if not (args.sync_schemas or args.check):
        ap.error("nothing to do: give --sync-schemas or --check")
    changed = sync_schemas(check=args.check)
    for p in changed:
        print(f"{p}: {'stale' if args.check else 'updated'}")
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    raise SystemExit(main())
