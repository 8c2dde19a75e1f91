"""The front matter of the collections (policies, cases, playbooks): the
vocabularies, the JSON schemas and their validation.

* ``scripts/data/vocabulary.yml`` is the ONE place for the fixed vocabularies
  (themes, lists, kinds, statuses) and their zh/en labels. The JSON schemas in
  ``scripts/data/schemas/`` carry the same values as ``$defs/<vocabulary>/enum``
  for editors' YAML tooling; they are generated from the vocabulary with
  ``kb schemas --sync`` and :func:`sync_schemas` (``check=True`` in the
  tests) reports stale files.
* The rule codes (KB101-KB105) are in :mod:`kb.model.rules`. The checker and
  the build both validate with :func:`validate_meta`.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import json
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .findings import Finding
from .mdparse import Doc
from .paths import DATA, SCHEMAS
from .tree import COLLECTIONS, collection_of, stem_of
from .yamlio import LOADER

VOCABULARY_FILE = DATA / "vocabulary.yml"

# fact fields of collection front matter; a value that is a vocabulary code
# (list, status, kind) cannot be found verbatim in the source: it needs a citation only
FACT_FIELDS = {
    "cases": ("community", "subdistrict", "district", "city", "province", "method", "list", "year", "themes"),
    "policies": ("issuer", "status", "date", "doc_number"),
    "playbooks": ("owner",),
}
VERBATIM = {"community", "subdistrict", "district", "city", "province", "issuer", "doc_number", "owner"}


@cache
def vocabulary(path: Path = VOCABULARY_FILE) -> dict[str, dict[str, dict[str, str]]]:
    data = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=LOADER) or {}
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


@cache
def load_schema(collection: str) -> dict:
    return json.loads(schema_path(collection).read_text(encoding="utf-8"))


@cache
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


@cache
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
# Front matter validation

_PATTERN_HINTS = {
    "id": "lower-case ASCII words joined by '-' (e.g. lz-longpanyuan-136)",
    "title": "a title without 《》",
    "date": "a date YYYY-MM-DD or null",
    "modules": "a docs-relative path of a Chinese page, e.g. course/flagship-brands.md",
    "translated_from": "12 hexadecimal digits",
}
_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "null": "null",
    "array": "a list",
    "object": "a mapping",
    "boolean": "true or false",
    "number": "a number",
}


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


def normalise(value: Any) -> Any:
    """YAML dates (``date: 2018-12-01`` unquoted) count as ISO strings, as
    editors' YAML tooling (YAML 1.2) reads them."""
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
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
        return (
            "KB101",
            f"field '{name}': expected a real {err.validator_value} (YYYY-MM-DD); got {_got(err.instance)}",
            path,
        )
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
    raw = "\n".join(doc.lines[1 : doc.body_line - 2]) + "\n"
    try:
        root = yaml.compose(raw, Loader=LOADER)
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


front_matter_positions = _front_matter_positions


def validate_meta(
    rel_path: str, meta: Mapping[str, Any], position: Callable[[tuple], tuple[int, int]] | None = None
) -> list[Finding]:
    """Validate one collection page's front matter against its schema.

    ``position(path)`` gives (line, col) of a field path such as
    ``("related", "cases", 1)``; without it every finding is at line 1.
    """
    coll = collection_of(rel_path)
    if coll is None:
        return []
    pos = position or (lambda p: (1, 1))
    meta = normalise(dict(meta))
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
        findings.append(
            Finding(rel_path, line, col, "KB104", f"field 'id': expected '{stem}' (the file name); got {meta['id']!r}")
        )
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
    for rel in metas:
        coll = collection_of(rel)
        if coll:
            owner[(coll, stem_of(rel))] = rel
    out = []
    for rel, meta in sorted(metas.items()):
        coll = collection_of(rel)
        for alias in (meta.get("aliases") or []) if coll else []:
            key = (coll, str(alias))
            if key in owner and owner[key] != rel:
                out.append(Finding(rel, 1, 1, "KB105", f"field 'aliases': '{alias}' is already used by {owner[key]}"))
            else:
                owner[key] = rel
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(
        prog="kb schemas", description="Regenerate the enums of the collection schemas from vocabulary.yml."
    )
    ap.add_argument("--sync-schemas", "--sync", action="store_true", help="write the vocabularies into the schemas")
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
