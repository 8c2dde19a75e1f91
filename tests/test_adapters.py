"""Every coupling to a plugin's internals (kb.build.material, kb.build.search)
pinned by a test that names it when an upgrade breaks it.

A small two-language site is built with Material, mkdocs-static-i18n and a
probe hook that records what the adapter reads at each event; the assertions
name the coupling that changed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kb import sites
from kb.build import material, search

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import json
from pathlib import Path
from kb.build import material

LOG = []


def on_config(config):
    LOG.append({"event": "config", "jieba": material.set_jieba_user_dict(config, "probe.dict"),
                "value": config.plugins["material/search"].config.jieba_dict_user})
    return config


def on_pre_build(config):
    LOG.append({"event": "pre_build", "lang": material.current_language(config),
                "nested": material.building_other_language(config), "others": material.other_languages(config)})


def on_page_context(context, page, config, nav):
    LOG.append({"event": "page", "lang": material.current_language(config), "src": page.file.src_uri,
                "alternates": sorted(material.page_alternates(page)),
                "switcher": [a.get("lang") for a in material.language_switcher(config)]})
    return context


def on_post_build(config):
    LOG.append({"event": "post_build", "lang": material.current_language(config),
                "nested": material.building_other_language(config)})
    Path(config.config_file_path).with_name("probe.json").write_text(json.dumps(LOG))
"""

CONFIG = """
site_name: Probe
docs_dir: docs
theme:
  name: material
  language: zh
hooks:
  - probe.py
plugins:
  - search
  - i18n:
      docs_structure: suffix
      reconfigure_search: false
      languages:
        - locale: zh
          name: 中文
          default: true
          build: true
        - locale: en
          name: English
          build: true
"""


@pytest.fixture(scope="module")
def probe_site(tmp_path_factory) -> tuple[Path, list[dict]]:
    root = tmp_path_factory.mktemp("probe")
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# 首页\n\n社区治理。\n", encoding="utf-8")
    (root / "docs" / "index.en.md").write_text("# Home\n\nCommunity governance.\n", encoding="utf-8")
    (root / "probe.py").write_text(PROBE, encoding="utf-8")
    (root / "probe.dict").write_text("社区治理 10 n\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    proc = sites.build(root / "mkdocs.yml", root / "site", strict=False, cwd=root)
    assert proc.returncode == 0, proc.stderr
    return root / "site", json.loads((root / "probe.json").read_text())


def test_search_plugin_option_jieba_dict_user(probe_site) -> None:
    _, log = probe_site
    cfg = log[0]
    assert cfg["event"] == "config" and cfg["jieba"], "Material's search plugin is not 'material/search' any more"
    assert cfg["value"] == "probe.dict", "Material's search plugin has no 'jieba_dict_user' option any more"


def test_i18n_current_language_and_nested_build(probe_site) -> None:
    _, log = probe_site
    builds = [(e["event"], e["lang"], e["nested"]) for e in log if e["event"] in ("pre_build", "post_build")]
    # the Chinese build first; the English one is nested in the i18n plugin's post_build
    assert builds[0] == ("pre_build", "zh", False), (
        f"mkdocs-static-i18n: 'current_language'/'building' changed: {builds}"
    )
    assert ("pre_build", "en", True) in builds, (
        f"mkdocs-static-i18n: the nested build is not flagged 'building': {builds}"
    )
    assert ("post_build", "en", True) in builds, f"mkdocs-static-i18n: the nested build's language changed: {builds}"
    others = [e["others"] for e in log if e["event"] == "pre_build"]
    assert others[0] == ["en"], "mkdocs-static-i18n: 'config.languages' / 'default' changed"


def test_i18n_page_alternates_and_switcher(probe_site) -> None:
    _, log = probe_site
    pages = [e for e in log if e["event"] == "page"]
    assert {e["lang"] for e in pages} == {"zh", "en"}
    for e in pages:
        assert e["alternates"] == ["en", "zh"], f"mkdocs-static-i18n: 'page.file.alternates' changed: {e}"
        assert e["switcher"] == ["zh", "en"], f"mkdocs-static-i18n: 'extra.alternate' (switcher) changed: {e}"


def test_material_config_script(probe_site) -> None:
    site, _ = probe_site
    html = (site / "en" / "index.html").read_text(encoding="utf-8")
    m = material._CONFIG_SCRIPT.search(html)
    assert m, 'Material\'s <script id="__config" type="application/json"> is not in the page any more'
    cfg = json.loads(m.group(2))
    assert {"base", "search"} <= set(cfg), f"Material's __config lost 'base' or 'search': {sorted(cfg)}"
    out = json.loads(material._CONFIG_SCRIPT.search(material.adjust_config(html, "en")).group(2))
    assert out["base"].endswith("en/") and out["search"].split("?")[0].endswith(search.SEARCH_WORKER)


def test_material_search_index_format(probe_site) -> None:
    site, _ = probe_site
    data = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert {"config", "docs"} <= set(data), "Material's search index format changed (config, docs)"
    assert {"separator", "lang", "pipeline"} <= set(data["config"]), f"search config keys: {sorted(data['config'])}"
    assert all({"location", "title", "text"} <= set(d) for d in data["docs"]), "search entries lost location/title/text"
    parts = {code: part for code, _, part in search.split_search_index(data, ["en"])}
    assert parts["en"]["docs"] and parts["zh"]["docs"], "no entries per language: index locations changed"


def test_search_partial_override_differs_from_materials_in_one_attribute() -> None:
    import material as material_theme

    theirs = (Path(material_theme.__file__).parent / "templates" / "partials" / "search.html").read_text("utf-8")
    ours = (ROOT / "overrides" / "partials" / "search.html").read_text("utf-8")

    def body(text: str) -> str:
        return re.sub(r"\{#-.*?-#\}\s*", "", text, flags=re.S)

    expected = body(theirs).replace('role="dialog">', 'role="dialog" aria-label="{{ lang.t(\'search\') }}">', 1)
    assert body(ours) == expected, (
        "Material's partials/search.html changed: update overrides/partials/search.html from it "
        "(keeping only the aria-label)"
    )


# Material's partials that overrides/partials/ copies whole and changes (each file's first
# comment says how): the upstream text they were copied from, by its SHA-256 (Material 9.8.1)
COPIED_PARTIALS = {
    "header.html": "8cf3fb15bcf969ff596649616fd99366b3c31c08d57a86d05308efc16d8fa75f",
    "nav.html": "af33f6e032f632eb055c365eb5f1a975bf8456152fa768e69a1aad6d470b843f",
    "nav-item.html": "89895208f22d68ce405a4bcb6649b9150eba5bbb04663a6cb3f93f02daf1d2f7",
    "palette.html": "fb935107ae7d3d7475965019eec36c1ad72bf1d154254dab2474921fcd2710e3",
}


@pytest.mark.parametrize("name", sorted(COPIED_PARTIALS))
def test_copied_partials_are_copies_of_the_installed_materials(name: str) -> None:
    import hashlib

    import material as material_theme

    theirs = (Path(material_theme.__file__).parent / "templates" / "partials" / name).read_bytes()
    assert (ROOT / "overrides" / "partials" / name).is_file()
    assert hashlib.sha256(theirs).hexdigest() == COPIED_PARTIALS[name], (
        f"Material's partials/{name} changed: carry the change into overrides/partials/{name} "
        "(keeping the changes its first comment lists), then record the new SHA-256 here"
    )


def _material_scripts(partial: str) -> list[str]:
    import material as material_theme

    path = Path(material_theme.__file__).parent / "templates" / "partials" / "javascripts" / partial
    return re.findall(r"<script>(.*?)</script>", path.read_text("utf-8"), re.S)


def _code(js: str) -> str:
    return "\n".join(line for line in js.splitlines() if not line.startswith("//")).strip()


@pytest.mark.parametrize(
    "partial, files",
    [
        ("base.html", ["kb-md-base.js"]),
        ("palette.html", ["kb-md-palette.js"]),
        ("content.html", ["kb-md-content-tabs.js", "kb-md-content.js"]),
    ],
)
def test_materials_inline_scripts_are_served_as_these_files(partial: str, files: list[str]) -> None:
    """The site's CSP has no 'unsafe-inline': Material's inline bootstraps run from
    docs/assets/javascripts/, copied from its partials (the scope from the file's URL)."""
    theirs = _material_scripts(partial)
    ours = [_code((ROOT / "docs" / "assets" / "javascripts" / f).read_text("utf-8")) for f in files]
    scope = 'new URL("{{ config.extra.scope | d(base_url) }}",location)'
    expected = [s.replace(scope, 'new URL("../../",document.currentScript.src)') for s in theirs]
    assert ours == expected, (
        f"Material's partials/javascripts/{partial} changed: update {', '.join(files)} from it "
        "(and overrides/partials/javascripts/)"
    )
    override = (ROOT / "overrides" / "partials" / "javascripts" / partial).read_text("utf-8")
    assert "<script>" not in override and all(f in override for f in files)


def test_materials_head_alternates_are_the_links_its_script_follows(probe_site) -> None:
    """Material's script fetches sitemap.xml beside each head alternate: the build drops them."""
    site, _ = probe_site
    html = (site / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'<link rel="alternate" href="[^"]*" hreflang="[^"]*">', html)
    assert links, "Material no longer writes <link rel=alternate hreflang> in the head: drop_head_alternates is moot"
    assert not re.findall(r'<link rel="alternate" href="[^"]*" hreflang', material.drop_head_alternates(html))
    import material as material_theme

    bundle = next(
        (Path(material_theme.__file__).parent / "templates" / "assets" / "javascripts").glob("bundle.*.min.js")
    )
    assert 'new URL("sitemap.xml",e)' in bundle.read_text("utf-8") and "link[rel=alternate]" in bundle.read_text(
        "utf-8"
    ), "Material's script no longer fetches sitemap.xml beside the head alternates"


def test_mkdocs_render_sets_what_the_render_cache_restores() -> None:
    """kb.build.material caches ``Page.render`` and Material's ``add_entry_from_context``:
    if MkDocs' render sets another attribute, or the search index another list,
    a cached page would lack it (update ``_cached_render`` and the entry format)."""
    import inspect

    from material.plugins.search.plugin import SearchIndex
    from mkdocs.structure.pages import Page

    material.use_render_cache(None)  # installs the wrappers; renders every page
    render = getattr(Page.render, "_kb_original", Page.render)
    assigned = _assigned(render, "self")
    assert assigned == {"content", "toc", "_title_from_render", "present_anchor_ids", "links_to_anchors"}, assigned
    add = inspect.getsource(
        getattr(SearchIndex.create_entry_for_section, "_kb_original", None) or SearchIndex.create_entry_for_section
    )
    assert "self.entries.append(entry)" in add, "Material's search index no longer appends to .entries"
    assert getattr(SearchIndex.add_entry_from_context, "_kb_original", None) is not None


def test_materials_search_index_is_what_kb_hooks_write_from() -> None:
    """Our builds take Material's search index as data (its config keys and its
    entries after the i18n plugin stacked every language's) and write each
    language's file themselves; Material's own write gets a placeholder
    (``material.defer_search_index``). If Material builds the file from other
    fields, or writes it elsewhere, the split index would miss them."""
    import inspect

    from material.plugins.search.plugin import SearchIndex, SearchPlugin

    material.defer_search_index(True)
    try:
        generate = inspect.getsource(
            getattr(SearchIndex.generate_search_index, "_kb_original", SearchIndex.generate_search_index)
        )
        assert 'for key in ["lang", "separator", "pipeline", "fields"]' in generate, generate
        assert 'data = { "config": config, "docs": self.entries }' in generate, generate
        post = inspect.getsource(SearchPlugin.on_post_build)
        assert "self.search_index.generate_search_index(" in post and '"search_index.json"' in post, post
        index = SearchIndex(lang=["zh"], separator="[\\s]+", pipeline=[], fields={"title": {"boost": 1}})
        index.entries.append({"location": "a/", "title": "T", "text": "x"})
        assert index.generate_search_index(None) == material.DEFERRED_INDEX
        # under a dirty reload (mkdocs serve --dirty) Material merges the last index's entries
        # into .entries while generating: that still runs, so the hooks read the merged ones
        prev = SearchIndex(lang=["zh"], separator="[\\s]+", pipeline=[], fields={})
        prev.entries.append({"location": "b/", "title": "B", "text": "y"})
        merged = json.loads(index.generate_search_index(prev))["docs"]
        assert [d["location"] for d in merged] == ["b/", "a/"] and index.entries == merged
        index.entries[:] = [{"location": "a/", "title": "T", "text": "x"}]
        assert material.search_index_data(_Plugins(index)) == {
            "config": {"lang": ["zh"], "separator": "[\\s]+", "pipeline": [], "fields": {"title": {"boost": 1}}},
            "docs": [{"location": "a/", "title": "T", "text": "x"}],
        }
    finally:
        material.defer_search_index(False)
    assert json.loads(index.generate_search_index(None))["docs"][0]["location"] == "a/"


class _Plugins:
    def __init__(self, index: object) -> None:
        self.plugins = {"material/search": type("P", (), {"search_index": index})()}


def test_mkdocs_build_loop_is_what_kb_build_incremental_wraps() -> None:
    """kb.build.incremental wraps MkDocs' ``_populate_page``, ``_build_page`` and
    ``_build_theme_template`` (looked up as module globals by ``build()``) and
    ``Files.copy_static_files``; ``_build_page`` asks ``env.get_template`` for the
    page's template and renders it with the context; ``_populate_page`` sets what
    a skipped page gets back (update ``_snapshot``/``_restore`` if this fails)."""
    import inspect

    from mkdocs.commands import build as mk
    from mkdocs.structure.files import Files

    from kb.build import incremental

    incremental.install()
    for name, params in (
        ("_populate_page", ["page", "config", "files", "dirty"]),
        ("_build_page", ["page", "config", "doc_files", "nav", "env", "dirty", "excluded"]),
        ("_build_theme_template", ["template_name", "env", "files", "config", "nav"]),
    ):
        fn = getattr(mk, name)
        original = getattr(fn, "_kb_original", None)
        assert original is not None, f"{name} is not wrapped"
        assert list(inspect.signature(original).parameters) == params, name
        src = inspect.getsource(mk.build)
        assert f"{name}(" in src, f"build() no longer calls {name}"
    page_src = inspect.getsource(mk._build_page._kb_original)
    assert "env.get_template(" in page_src and "template.render(context)" in page_src
    assigned = _assigned(mk._populate_page._kb_original, "page")
    assert assigned == {"markdown", "content"}, assigned  # plus what read_source and render set
    build_src = inspect.getsource(mk.build)
    for call in ("files.copy_static_files(", "files.add_files_from_theme(env, config)", "files = get_files(config)"):
        assert call in build_src, f"build() no longer calls {call}"
    assert mk.get_files._kb_original is not None and Files.copy_static_files._kb_original is not None
    # a partial build hands MkDocs the i18n plugin's file tree of the last build (kb.build.material)
    from mkdocs_static_i18n.plugin import I18n
    from mkdocs_static_i18n.suffix import I18nFiles

    on_files = inspect.getsource(I18n.on_files._kb_original)
    assert "self.i18n_files_per_language[self.current_language] = i18n_files.documentation_pages()" in on_files
    assert I18n.on_files.mkdocs_priority == I18n.on_files._kb_original.mkdocs_priority
    assert "self.plugin = plugin" in inspect.getsource(I18nFiles.__init__)
    # a file's page is made again when it is None (the reused tree's pages are dropped first)
    assert "if file.page is None" in build_src


def _assigned(fn, name: str) -> set[str]:
    """The attributes of ``name`` that ``fn``'s source assigns."""
    import ast
    import inspect

    tree = ast.parse(inspect.cleandoc("\n" + inspect.getsource(fn)))
    return {
        t.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == name
    }
