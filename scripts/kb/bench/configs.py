"""The MkDocs configurations the benchmark builds: ours (mkdocs.yml inherited,
pointed at the synthetic corpus), ours with the PROPOSED changes, and a stock
Material + mkdocs-static-i18n one; and the tolerant YAML loader that reads
mkdocs.yml for them."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from kb.model.paths import ROOT, SCRIPTS
from kb.model.yamlio import TolerantLoader


def _real_config() -> dict:
    # mkdocs.yml carries ``!!python/...`` tags (the toc slugify): read as None, nothing imported
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=TolerantLoader)


def ours_config(tmp: Path, docs: Path, nav_modules: list[str]) -> Path:
    """Our mkdocs.yml, inherited; the synthetic course modules join the course section."""
    nav = _real_config()["nav"]
    for item in nav:
        if isinstance(item, dict) and "课程" in item:
            item["课程"] = list(item["课程"]) + list(nav_modules)
    cfg = tmp / "mkdocs-ours.yml"
    lines = [
        f"INHERIT: {ROOT / 'mkdocs.yml'}",
        f"docs_dir: {docs.resolve()}",
        "hooks:",
        f"  - {SCRIPTS / 'mkdocs_hooks.py'}",
        "theme:",
        "  name: material",
        f"  custom_dir: {ROOT / 'overrides'}",
        "nav: " + json.dumps(nav, ensure_ascii=False),
    ]
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return cfg


# Proposed changes to mkdocs.yml, measured with --proposed before they are
# applied. None pending: the last one (i18n reconfigure_search: false — the
# plugin's quadratic cross-language de-duplication, made unnecessary by our
# per-language index) was measured here and is now in mkdocs.yml.
PROPOSED: dict[str, dict] = {}


def proposed_config(tmp: Path, docs: Path, nav_modules: list[str]) -> Path:
    """Our config with PROPOSED applied to its plugins."""
    base = ours_config(tmp, docs, nav_modules).read_text(encoding="utf-8")
    plugins = _real_config()["plugins"]
    for p in plugins:
        if isinstance(p, dict):
            for name, opts in PROPOSED.items():
                if name in p:
                    p[name] = {**p[name], **opts}
    path = tmp / "mkdocs-proposed.yml"
    path.write_text(base + "plugins: " + json.dumps(plugins, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def stock_config(tmp: Path, docs: Path, prune: bool = False) -> Path:
    """Stock Material + i18n; ``prune``: with Material's navigation.prune (a careful stock user's)."""
    real = _real_config()
    features = [f for f in real["theme"]["features"] if f != "navigation.prune"] + (
        ["navigation.prune"] if prune else []
    )
    exts = []
    for e in real["markdown_extensions"]:
        if isinstance(e, dict) and "toc" in e:
            exts.append({"toc": {"permalink": True}})  # stock slugs
        else:
            exts.append(e)
    cfg = {
        "site_name": real["site_name"],
        "docs_dir": str(docs.resolve()),
        "use_directory_urls": True,
        "theme": {"name": "material", "language": "zh", "font": False, "features": features},
        "plugins": [
            "search",
            {
                "i18n": {
                    "docs_structure": "suffix",
                    "languages": [
                        {"locale": "zh", "name": "中文", "default": True, "build": True},
                        {"locale": "en", "name": "English", "build": True},
                    ],
                }
            },
        ],
        "markdown_extensions": exts,
    }
    path = tmp / ("mkdocs-stock-prune.yml" if prune else "mkdocs-stock.yml")
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
