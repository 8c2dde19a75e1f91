"""The one choice of YAML loaders for the project's data and pages.

``LOADER`` is libyaml's safe loader when PyYAML has it (about 10x faster
than the pure-Python one); ``TolerantLoader`` reads ``mkdocs.yml``, whose
``!!python/name:`` tags (the slug function) it reads as None instead of
refusing them, and never runs code.
"""

from __future__ import annotations

from typing import Any

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class TolerantLoader(LOADER):  # type: ignore[misc, valid-type]
    """A safe loader that reads ``!!python/...`` and other local tags as None."""


TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
TolerantLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def compose_and_load(raw: str, loader: type = LOADER) -> tuple[Any, Any]:
    """The node tree (for the lines of keys) and the data of one YAML document, parsed once."""
    ldr = loader(raw)
    try:
        node = ldr.get_single_node()
        return node, (ldr.construct_document(node) if node is not None else None)
    finally:
        ldr.dispose()
