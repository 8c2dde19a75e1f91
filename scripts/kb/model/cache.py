"""The checkers' cache file: JSON lines, one checked entry per page.

Nothing in it can run code: it is read with ``json`` and turned back into the
project's own plain data classes only (the model's page classes, and the
classes a page task names as its result's). Each line carries a SHA-256 of
the code version, the page's path and its payload; a line whose sum does not
match, that does not parse or does not decode is a miss (the page is parsed
and checked again), so a damaged cache can slow a run, never change an answer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .findings import Finding
from .mdparse import Doc, Heading, Link, Paragraph

MODEL_TYPES: tuple[type, ...] = (Doc, Heading, Link, Paragraph, Finding)


class CacheError(ValueError):
    """An entry that does not decode: treated as a miss."""


def encode(value: Any) -> Any:
    """Plain JSON for ``value``: dataclass instances, tuples, sets, dates and
    dicts with any keys are tagged; private fields (``_name``) are left out."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list):
        return [encode(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {
            f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value) if not f.name.startswith("_")
        }
        return {"$c": type(value).__name__, "f": fields}
    if isinstance(value, tuple):
        return {"$t": [encode(v) for v in value]}
    if isinstance(value, set | frozenset):
        return {"$s": [encode(v) for v in value]}
    if isinstance(value, dict):
        return {"$m": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    raise CacheError(f"cannot cache a {type(value).__name__}")


def decode(data: Any, types: dict[str, type]) -> Any:
    """The inverse of :func:`encode`; only the classes in ``types`` are made."""
    if isinstance(data, list):
        return [decode(v, types) for v in data]
    if not isinstance(data, dict):
        return data
    if "$c" in data:
        cls = types.get(data["$c"])
        if cls is None or not isinstance(data.get("f"), dict):
            raise CacheError(f"unknown class {data.get('$c')!r}")
        names = {f.name for f in dataclasses.fields(cls) if f.init and not f.name.startswith("_")}
        if set(data["f"]) != names:
            raise CacheError(f"fields of {cls.__name__} changed")
        return cls(**{k: decode(v, types) for k, v in data["f"].items()})
    if "$t" in data:
        return tuple(decode(v, types) for v in data["$t"])
    if "$s" in data:
        return {decode(v, types) for v in data["$s"]}
    if "$m" in data:
        return {_hashable(decode(k, types)): decode(v, types) for k, v in data["$m"]}
    if "$dt" in data:
        return dt.datetime.fromisoformat(data["$dt"])
    if "$d" in data:
        return dt.date.fromisoformat(data["$d"])
    raise CacheError("an untagged object")


def _hashable(key: Any) -> Any:
    if isinstance(key, list | dict | set):
        raise CacheError("an unhashable key")
    return key


def _sum(version: str, line: str) -> str:
    return hashlib.sha256(f"{version}\0{line}".encode()).hexdigest()


def read(path: Path, version: str) -> dict[str, dict]:
    """``{rel: payload}`` of every sound entry of the cache file (empty when
    there is none, or it is of another code version). A line is
    ``<sha256 of version and entry> <entry as JSON>``."""
    out: dict[str, dict] = {}
    try:
        with path.open("r", encoding="utf-8", errors="strict") as fh:
            if json.loads(fh.readline() or "null") != {"kb-cache": version}:
                return {}
            for line in fh:
                digest, _, text = line.rstrip("\n").partition(" ")
                if _sum(version, text) != digest:
                    continue  # a damaged line is a miss
                try:
                    entry = json.loads(text)
                    out[entry["rel"]] = entry["payload"]
                except (ValueError, KeyError, TypeError):
                    continue
    except (OSError, ValueError):
        return {}
    return out


def write(path: Path, version: str, entries: Iterable[tuple[str, dict]]) -> None:
    """Replace the cache file atomically; a read-only checkout just stays uncached."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".parsed-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps({"kb-cache": version}) + "\n")
            for rel, payload in entries:
                text = json.dumps({"rel": rel, "payload": payload}, ensure_ascii=False, separators=(",", ":"))
                fh.write(f"{_sum(version, text)} {text}\n")
        os.replace(tmp, path)
    except (OSError, CacheError):
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
