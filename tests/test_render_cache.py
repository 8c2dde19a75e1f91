"""The render cache across builds and the fast preview (issue 19).

A small project copied to tmp (``scripts/``, ``overrides/``, a few page pairs,
a config inheriting mkdocs.yml) is built cold with the cache, edited, built
warm, and compared file by file with a clean build without the cache, for
each kind of edit; the preview's in-process rebuilds after edits are compared
the same way. Correctness first: a stale page would be worse than a slow one.
"""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PAGES = {
    "index.md": "---\ntitle: 首页\n---\n\n# 首页\n\n见[笔记甲](notes/a.md)和[术语表](glossary.md)。\n",
    "index.en.md": "---\ntitle: Home\n---\n\n# Home\n\nSee [Note A](notes/a.md) and the [Glossary](glossary.md).\n",
    "notes/a.md": "---\ntitle: 笔记甲\n---\n\n# 笔记甲\n\n第一段。\n\n## 第二节 {#second}\n\n第二段。\n",
    "notes/a.en.md": "---\ntitle: Note A\n---\n\n# Note A\n\nFirst paragraph.\n\n## Second {#second}\n\nMore.\n",
    "notes/b.md": "---\ntitle: 笔记乙\n---\n\n# 笔记乙\n\n参见[笔记甲](a.md#second)和[案例](../cases/lz-yufeng-hongqi-grid.md)，讲工业思维。\n",
    "notes/b.en.md": "---\ntitle: Note B\n---\n\n# Note B\n\nSee [Note A](a.md#second) and [the case](../cases/lz-yufeng-hongqi-grid.md).\n",
}
NAV = """nav:
  - 首页: index.md
  - 笔记:
      - notes/a.md
      - notes/b.md
  - 案例库: cases/index.md
  - 术语表: glossary.md
"""


def _project(tmp: Path) -> Path:
    """A copy of the project with a small docs folder; its config file."""
    for name in ("scripts", "overrides"):
        shutil.copytree(ROOT / name, tmp / name, ignore=shutil.ignore_patterns("__pycache__", ".cache"))
    docs = tmp / "docs"
    shutil.copytree(ROOT / "docs" / "assets", docs / "assets")
    for name in ("glossary.md", "glossary.en.md", "cases/index.md", "cases/index.en.md"):
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        text = (ROOT / "docs" / name).read_text(encoding="utf-8")
        # the small docs folder has no pages under cases/lists/: their links become plain text
        (docs / name).write_text(re.sub(r"\[([^\]]*)\]\(lists/[^)]*\)", r"\1", text), encoding="utf-8")
    for suffix in (".md", ".en.md"):  # a case with no relations: it lists who links to it
        text = (ROOT / "docs/cases/lz-yufeng-hongqi-grid").with_suffix(suffix).read_text(encoding="utf-8")
        text = re.sub(r"(?m)^  (modules|playbooks): \[.*\]$", r"  \1: []", text)
        text = re.sub(r"\[([^\]]*)\]\(\.\./(?:course|playbooks)/[^)]*\)", r"\1", text)
        (docs / "cases" / f"lz-yufeng-hongqi-grid{suffix}").write_text(text, encoding="utf-8")
    for name, text in PAGES.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    cfg = tmp / "mkdocs-fx.yml"
    cfg.write_text(
        f"INHERIT: {ROOT / 'mkdocs.yml'}\ndocs_dir: {docs}\nhooks:\n  - {tmp / 'scripts' / 'mkdocs_hooks.py'}\n"
        f"theme:\n  name: material\n  custom_dir: {tmp / 'overrides'}\n{NAV}",
        encoding="utf-8",
    )
    return cfg


def _start(cfg: Path, site: Path, cache: bool = True) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(cfg.parent / "scripts"), "NO_MKDOCS_2_WARNING": "1"}
    env.pop("KB_NO_CACHE", None)
    if not cache:
        env["KB_NO_CACHE"] = "1"
    args = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(cfg), "-d", str(site)]
    return subprocess.Popen(args, cwd=cfg.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _finish(proc: subprocess.Popen) -> str:
    out, _ = proc.communicate()
    assert proc.returncode == 0, out
    return out


def _build(cfg: Path, site: Path, cache: bool = True) -> str:
    return _finish(_start(cfg, site, cache))


_LASTMOD = re.compile(rb"<lastmod>[^<]*</lastmod>")


def _differences(a: Path, b: Path) -> list[str]:
    """Files that are not byte-identical (sitemap dates aside), or only in one site."""
    fa = {p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()}
    fb = {p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file()}
    out = [f"only in the cached build: {x}" for x in sorted(fa - fb)]
    out += [f"only in the clean build: {x}" for x in sorted(fb - fa)]
    for rel in sorted(fa & fb):
        if filecmp.cmp(a / rel, b / rel, shallow=False):
            continue
        if rel.endswith("sitemap.xml") and _LASTMOD.sub(b"", (a / rel).read_bytes()) == _LASTMOD.sub(
            b"", (b / rel).read_bytes()
        ):
            continue
        out.append(f"differs: {rel}")
    return out


def _stats(output: str) -> tuple[int, int]:
    """Pages reused and rendered, both languages, as the build reports them."""
    m = re.findall(r"render cache \(\w+\): (\d+) reused, (\d+) rendered", output)
    assert len(m) == 2, output[-2000:]
    return sum(int(a) for a, _ in m), sum(int(b) for _, b in m)


def _text(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("render-cache")
    cfg = _project(tmp)
    out = _build(cfg, tmp / "site-cold")
    assert _stats(out)[0] == 0  # cold: nothing to reuse
    return cfg


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def _warm_equals_clean(cfg: Path, name: str) -> tuple[Path, str]:
    warm, clean = cfg.parent / f"site-{name}-warm", cfg.parent / f"site-{name}-clean"
    # the clean build reads the same tree while the cached one runs (two cores: half the wall time)
    procs = (_start(cfg, warm), _start(cfg, clean, cache=False))
    out, _ = (_finish(p) for p in procs)
    assert _differences(warm, clean) == []
    return warm, out


# The steps run in order on the one project (each builds on the previous tree).


def test_body_and_title_edits_are_rendered_and_the_rest_reused(project: Path) -> None:
    docs = project.parent / "docs"
    _edit(docs / "notes/a.md", "第一段。", "第一段已修改。")
    _edit(docs / "notes/b.md", "title: 笔记乙", "title: 笔记乙（新）")
    site, out = _warm_equals_clean(project, "edit")
    reused, rendered = _stats(out)
    # the body edit only: a title in the front matter is not part of the rendered Markdown
    assert (reused, rendered) == (11, 1)
    assert "第一段已修改。" in _text(site, "notes/a/index.html")
    assert "笔记乙（新）" in _text(site, "notes/a/index.html")  # the navigation of another page


def test_front_matter_that_does_not_change_the_render_still_shows(project: Path) -> None:
    """Front matter outside the rendered Markdown reaches the page through the
    HTML transforms (``tooltips: false``) and the navigation (a page's ``subtitle``)."""
    docs, cold = project.parent / "docs", project.parent / "site-cold"
    assert 'class="kb-term"' in _text(cold, "notes/b/index.html")
    _edit(docs / "notes/b.md", "title: 笔记乙（新）\n", "title: 笔记乙（新）\ntooltips: false\n")
    _edit(docs / "notes/a.md", "title: 笔记甲\n", "title: 笔记甲\nsubtitle: 副标题甲\n")
    site, _ = _warm_equals_clean(project, "meta")
    assert 'class="kb-term"' not in _text(site, "notes/b/index.html")
    assert "副标题甲" in _text(site, "notes/b/index.html")


def test_a_term_base_change_rebuilds_what_uses_it(project: Path) -> None:
    terms = project.parent / "scripts" / "data" / "terms.yml"
    old = "focusing on process control, process efficiency, factors of production and flagship brands."
    _edit(terms, old, old[:-1] + ", revised in the test.")
    site, out = _warm_equals_clean(project, "terms")
    assert _stats(out)[0] == 0  # the term base is in the global key: nothing reused
    assert "flagship brands, revised in the test." in _text(site, "en/glossary/index.html")


def test_a_template_change_shows_on_every_page(project: Path) -> None:
    main = project.parent / "overrides" / "main.html"
    assert not main.exists()
    main.write_text(
        '{% extends "base.html" %}\n{% block extrahead %}<meta name="kb-test" content="changed">{% endblock %}\n',
        encoding="utf-8",
    )
    site, _ = _warm_equals_clean(project, "template")
    for rel in ("index.html", "notes/a/index.html", "en/glossary/index.html"):
        assert '<meta name="kb-test" content="changed">' in _text(site, rel), rel


def test_a_deleted_and_a_renamed_page_disappear_everywhere(project: Path) -> None:
    docs = project.parent / "docs"
    (docs / "notes/a.md").rename(docs / "notes/c.md")
    (docs / "notes/a.en.md").rename(docs / "notes/c.en.md")
    for name in ("index.md", "index.en.md", "notes/b.md", "notes/b.en.md"):
        _edit(docs / name, "a.md", "c.md")
    for name in ("notes/b.md", "notes/b.en.md"):  # b is deleted: nothing may link to it
        (docs / name).unlink()
    project.write_text(
        project.read_text(encoding="utf-8").replace("      - notes/a.md\n      - notes/b.md\n", "      - notes/c.md\n"),
        encoding="utf-8",
    )
    site, _ = _warm_equals_clean(project, "rename")
    assert not (site / "notes/a").exists() and not (site / "notes/b").exists()
    for rel in ("index.html", "notes/c/index.html", "cases/lz-yufeng-hongqi-grid/index.html"):
        html = _text(site, rel)
        assert "notes/a/" not in html and "笔记乙" not in html, rel
    index = _text(site, "search/search_index.json")
    assert "notes/a/" not in index and "notes/b/" not in index and "notes/c/" in index


PREVIEW_SCRIPT = """
import gc, re, sys
from pathlib import Path
from kb.preview import Preview

cfg, site, docs = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
p = Preview(cfg, site)
assert p.rebuild(), p.last_error
case = docs / "cases/lz-yufeng-hongqi-grid.md"
edits = [  # (file, old, new): each saved, then one rebuild of the preview; the full one first, so
    # that a page a partial build missed stays stale until the comparison
    (docs / "notes/c.en.md", "title: Note A", "title: Note C"),  # a title in the navigation: every page
    (case, "\\n## ", "\\n预览中的新段落。\\n\\n## "),  # a body edit
    (case, "\\ntitle: ", "\\ntitle: 预览新标题"),  # a title edit: the index and the English notice
    (docs / "notes/c.md", "第一段已修改。", "第一段，见[案例](../cases/lz-yufeng-hongqi-grid.md)。"),  # a new link
    (docs / "index.md", "# 首页\\n", "# 首页\\n\\n首页的新段落。\\n"),  # a page in the navigation
]
for path, old, new in edits:
    before = p.seen
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert p.rebuild(p.docs_changes(before, p.signature())), p.last_error
    print(path.name, "partial" if p.partial else "full")
    p.settle()  # what kb serve does once idle: the last build's garbage collected, the rest set aside
    print("frozen", gc.get_freeze_count(), "jieba", __import__("jieba").dt.total)
"""


def test_the_preview_equals_a_full_build(project: Path) -> None:
    """The preview's rebuilds after saves (in one process; only the pages a save
    changes are built) equal a clean strict build of the same tree, file by file."""
    tmp = project.parent
    env = {**os.environ, "PYTHONPATH": str(tmp / "scripts"), "NO_MKDOCS_2_WARNING": "1"}
    env.pop("KB_NO_CACHE", None)
    preview = tmp / "preview" / "site"
    proc = subprocess.run(
        [sys.executable, "-c", PREVIEW_SCRIPT, str(project), str(preview), str(tmp / "docs")],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    builds = [line.split() for line in proc.stdout.splitlines() if line.endswith(("partial", "full"))]
    assert [kind for _, kind in builds] == ["full"] + ["partial"] * 4, proc.stdout
    # between saves the preview sets its objects aside from the collector (a build after a save
    # does not walk them) after collecting the last build's garbage: what is set aside does not
    # grow with the saves (without the collection: +2 % a save, +5.7 % over three)
    idle = [line.split() for line in proc.stdout.splitlines() if line.startswith("frozen")]
    frozen = [int(f[1]) for f in idle]
    assert len(frozen) == 5 and min(frozen) > 0 and frozen[-1] < 1.02 * frozen[1], frozen  # ±1 %: noise
    # every build segments with the dictionary of a new process (jieba adds the user dictionary's
    # frequencies to its total at each load: the preview's segmentation drifted with the saves)
    assert len({f[3] for f in idle}) == 1, idle
    clean = tmp / "site-preview-clean"
    _build(project, clean, cache=False)
    assert "预览中的新段落。" in _text(preview, "cases/lz-yufeng-hongqi-grid/index.html")
    assert "预览新标题" in _text(preview, "cases/index.html")
    assert "notes/c/" in _text(preview, "cases/lz-yufeng-hongqi-grid/index.html").split('id="referenced-by"')[1]
    assert "首页的新段落。" in _text(preview, "index.html")
    assert "Note C" in _text(preview, "en/index.html")
    assert _differences(preview, clean) == []


def test_the_preview_restarts_when_the_build_code_changes() -> None:
    """The preview process has imported the build's code: a change to it must
    restart the process (a rebuild in place would serve the old code's output)."""
    from kb.model.paths import SCRIPTS
    from kb.preview import code_changed

    py, data, page = str(SCRIPTS / "kb/build/stale.py"), str(SCRIPTS / "data/vocabulary.yml"), "/x/docs/a.md"
    before = ((py, 10, 1), (data, 5, 1), (page, 3, 1))
    assert code_changed(before, before) == []
    assert code_changed(before, ((py, 10, 1), (data, 5, 1), (page, 4, 2))) == []  # a page: rebuilt in place
    assert code_changed(before, ((py, 11, 2), (data, 5, 1), (page, 3, 1))) == [py]
    # the data under scripts/ (vocabularies, schemas, the single-language list, the term base) is
    # read once per process by cached loaders: a change to it restarts the preview too
    assert code_changed(before, ((py, 10, 1), (data, 6, 2), (page, 3, 1))) == [data]
    assert code_changed(before, before[1:]) == [py]  # removed


def test_a_damaged_or_foreign_cache_entry_is_a_miss(tmp_path: Path) -> None:
    """An entry is used only when its file names its key and its payload matches
    the checksum: a truncated, edited or misplaced file renders the page again."""
    from kb.build.render_cache import Store

    store = Store(tmp_path)
    store.put("ab" + "0" * 62, {"content": "<p>甲</p>"})
    path = next(tmp_path.rglob("ab*.json"))
    assert store.get("ab" + "0" * 62) == {"content": "<p>甲</p>"}
    raw = path.read_bytes()
    path.write_bytes(raw.replace("甲".encode(), "乙".encode()))  # edited payload
    assert store.get("ab" + "0" * 62) is None
    path.write_bytes(raw[:-5])  # truncated
    assert store.get("ab" + "0" * 62) is None
    other = path.with_name("ab" + "1" * 62 + ".json")
    other.write_bytes(raw)  # another key's file
    assert store.get("ab" + "1" * 62) is None
    path.write_bytes(b"not json\n{}")
    assert store.get("ab" + "0" * 62) is None


def _serve(project: Path) -> tuple[subprocess.Popen, int, list[str]]:
    """``kb serve`` on the project (looks at every file a minute apart), once it watches for saves."""
    from kb.bench.runs import free_port

    tmp = project.parent
    env = {**os.environ, "PYTHONPATH": str(tmp / "scripts"), "NO_MKDOCS_2_WARNING": "1", "KB_PROGRESS_EVERY": "0"}
    env.pop("KB_NO_CACHE", None)
    port = free_port()
    args = [sys.executable, "-u", "-m", "kb.preview", "-f", str(project), "--port", str(port), "--interval", "60"]
    proc = subprocess.Popen(args, cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    for line in proc.stdout:  # type: ignore[union-attr]
        lines.append(line)
        if "watching for saves" in line:
            break
    return proc, port, lines


def test_kb_serve_sees_a_save_when_it_happens_not_at_its_next_look(project: Path) -> None:
    """``kb serve`` learns of a save from the file system's events (inotify),
    not by looking at every file at an interval (at 2,000 page pairs each look
    cost 23 ms, 8 % of a core while idle): with looks a minute apart, a
    save shows within seconds, and the pages its own build reads start no build."""
    import time
    import urllib.request

    tmp = project.parent
    proc, port, lines = _serve(project)
    try:
        assert "watching for saves (file system events)" in "".join(lines), "".join(lines)
        # the first build says how far it is (a progress line per page: KB_PROGRESS_EVERY=0)
        built = next(i for i, line in enumerate(lines) if "preview built in" in line)
        assert any(line.startswith("==> building: en, ") for line in lines[:built]), "".join(lines)
        time.sleep(1.5)  # past its first look at every file: from here on only events tell it
        page = tmp / "docs" / "glossary.md"
        page.write_text(page.read_text(encoding="utf-8") + "\n监听测量段落。\n", encoding="utf-8")
        t0 = time.monotonic()
        seen = None
        while time.monotonic() - t0 < 30:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/glossary/", timeout=5) as resp:  # loopback
                if "监听测量段落。" in resp.read().decode("utf-8"):
                    seen = time.monotonic() - t0
                    break
            time.sleep(0.1)
        assert seen is not None and seen < 20, (seen, "".join(lines))
        time.sleep(2.0)  # the build read every page: none of that is a save
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    lines.append(out)
    rebuilds = [line for line in "".join(lines).splitlines() if "rebuilt" in line]
    assert len(rebuilds) == 1 and "the pages it changes" in rebuilds[0], "".join(lines)


def test_a_failed_build_shows_on_the_open_page_until_a_save_fixes_it(project: Path, chromium) -> None:
    """A save the strict build refuses keeps the last preview; the open pages say
    so, in their language, with the build's messages and what to do next, and
    the message goes with the save that fixes the page."""
    from types import SimpleNamespace

    from browser_support import new_context

    saved = project.parent / "docs" / "index.md"  # the one page no earlier test renames
    original = saved.read_text(encoding="utf-8")
    proc, port, lines = _serve(project)
    origin = f"http://127.0.0.1:{port}"
    ctx = new_context(chromium, SimpleNamespace(origin=origin), {"width": 1000, "height": 700})
    try:
        zh, en = ctx.new_page(), ctx.new_page()
        zh.goto(origin + "/")
        en.goto(origin + "/en/")
        assert zh.locator("#kb-preview-failed").count() == 0
        saved.write_text(original + "\n见[坏链接](no-such-page.md)。\n", encoding="utf-8")
        for page, says in ((zh, "请修改后再次保存"), (en, "Fix the page and save again")):
            banner = page.locator("#kb-preview-failed")
            banner.wait_for(state="visible", timeout=30_000)
            text = banner.inner_text()
            assert says in text and "index.md" in text and "no-such-page.md" in text, text
            box = banner.bounding_box()
            assert box is not None and box["y"] <= 1 and box["width"] > 500, box  # across the top
        assert "术语表" in zh.inner_text("article") and "坏链接" not in zh.inner_text("article")  # the last that passed
        saved.write_text(original + "\n见[另一个坏链接](other-missing.md)。\n", encoding="utf-8")  # still broken
        zh.wait_for_function(
            "(document.getElementById('kb-preview-failed')?.textContent || '').includes('other-missing.md')",
            timeout=30_000,
        )
        assert "no-such-page.md" not in zh.inner_text("#kb-preview-failed")  # this build's messages, not the last's
        saved.write_text(original + "\n已改好的段落。\n", encoding="utf-8")
        # the page reloads: while the new one loads it has no article yet
        zh.wait_for_function(
            "(document.querySelector('article')?.textContent || '').includes('已改好')", timeout=30_000
        )
        assert zh.locator("#kb-preview-failed").count() == 0
        en.wait_for_function("!document.getElementById('kb-preview-failed')", timeout=30_000)
        assert not ctx.kb_requests.foreign()
    finally:
        ctx.close()
        saved.write_text(original, encoding="utf-8")
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    said = "".join(lines) + out
    assert "build FAILED" in said and said.count("rebuilt") == 1, said


def test_an_entrys_longest_text_is_kept_as_its_utf8_bytes(tmp_path: Path) -> None:
    """A page's HTML (the templated page: about 100 kB at 2,000 page pairs) is
    kept as its own UTF-8 bytes, not as a JSON string: reading such an entry took
    0.43 ms, now 0.17 ms, and encoding the JSON string 0.73 ms (a warm build at
    2,000 pairs reads 24,000 entries); the other fields stay JSON, and the
    checksum covers everything, the text's name too."""
    from kb.build.render_cache import Store

    store = Store(tmp_path)
    html = '<p class="x">甲\n"乙"\\丙</p>\u2028' * 50
    page = {"content": html, "toc": [{"level": 2, "id": "a", "name": "甲\n乙", "children": []}], "title": None}
    store.put("cd" + "0" * 62, page)
    store.put("cd" + "1" * 62, {"html": html})
    for key, payload in (("cd" + "0" * 62, page), ("cd" + "1" * 62, {"html": html})):
        raw = next(tmp_path.rglob(f"{key}.json")).read_bytes()
        assert html.encode("utf-8") in raw  # as the page has it, not escaped
        assert store.get(key) == payload
        path = next(tmp_path.rglob(f"{key}.json"))
        path.write_bytes(raw.replace("乙".encode(), "丁".encode()))  # damaged text: a miss
        assert store.get(key) is None
        name = next(k for k, v in payload.items() if v == html)
        for other in ('"title"', '"contant"', "null", '"toc"'):  # the text's name damaged: a miss too
            path.write_bytes(raw.replace(f'"raw": "{name}"'.encode(), f'"raw": {other}'.encode(), 1))
            assert store.get(key) is None, other
        path.write_bytes(raw)
    store.put("cd" + "2" * 62, {"value": "", "n": 1})  # an empty text, the rest JSON
    assert store.get("cd" + "2" * 62) == {"value": "", "n": 1}


def _entries(cfg: Path) -> set[str]:
    return {p.name for p in (cfg.parent / ".cache" / "kb" / "render").glob("??/*.json")}


def test_a_full_build_removes_the_entries_no_recent_build_used(tmp_path: Path) -> None:
    """The cache holds what the last two full builds used, not every build's
    entries since it was made (CI keeps it between pipelines; each change of
    code, template or config keys every entry anew)."""
    cfg = _project(tmp_path)
    main = tmp_path / "overrides" / "main.html"

    def build_with(state: str) -> tuple[int, int]:
        main.write_text(
            '{% extends "base.html" %}\n{% block extrahead %}<meta name="kb-test" content="' + state + '">'
            "{% endblock %}\n",
            encoding="utf-8",
        )
        return _stats(_build(cfg, tmp_path / f"site-{state}"))

    assert build_with("a")[0] == 0
    one_build = _entries(cfg)
    assert build_with("b")[0] == 0 and build_with("c")[0] == 0
    held = _entries(cfg)
    assert not held & one_build  # build "a" is two builds back: its entries are gone
    assert len(held) <= 2 * len(one_build) + 4, (len(held), len(one_build))
    assert build_with("b")[1] == 0  # the entries of the build before the last stay: nothing rendered again
    reused, rendered = build_with("a")
    assert reused == 0 and rendered > 0  # removed: rendered again
    assert build_with("a")[1] == 0
    kept = _entries(cfg)  # the last two full builds are of "a": its entries

    # Builds that do not ask the store for everything they use remove nothing: full builds after
    # the first in one process (kb serve keeps QR codes and links in memory) and --dirty builds.
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "scripts"), "NO_MKDOCS_2_WARNING": "1"}
    env.pop("KB_NO_CACHE", None)
    three = "from kb.preview import Preview\np = Preview(*__import__('sys').argv[1:3])\nfor _ in range(3): assert p.rebuild()\n"
    proc = subprocess.run([sys.executable, "-c", three, str(cfg), str(tmp_path / "site-serve")], env=env, cwd=tmp_path)
    assert proc.returncode == 0 and _entries(cfg) == kept
    dirty = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--dirty",
        "--no-strict",
        "-f",
        str(cfg),
        "-d",
        str(tmp_path / "site-a"),
    ]
    for _ in range(2):
        assert subprocess.run(dirty, env=env, cwd=tmp_path, capture_output=True).returncode == 0
    assert _entries(cfg) == kept
    # a damaged list of keys names nothing; it is no reason to fail
    (tmp_path / ".cache/kb/render/builds/99999999999999999999-1.keys").write_bytes(b"\xff\xfe not a key\n")
    assert build_with("a")[1] == 0 and _entries(cfg) == kept


def test_a_save_made_while_the_preview_was_building_builds_every_page_next(tmp_path: Path) -> None:
    """A build reads a page saved while it runs either before or after the save,
    and keeps what it read as the page's last state: the next build cannot tell
    what the save changed from that state, so it builds every page."""
    from kb.preview import Preview

    p = Preview.__new__(Preview)  # no build: only the rule (a real race cannot be timed in a test)
    p.docs_dir = tmp_path
    (tmp_path / "a.md").write_text("# 甲\n", encoding="utf-8")
    saved = (tmp_path / "a.md").stat().st_mtime_ns
    p._ran = (saved + 10**6, saved + 10**9)  # the last build started after the save
    assert not p._saved_while_building(["a.md"])
    p._ran = (saved - 10**9, saved - 10**6)  # it ended before the save: the usual case
    assert not p._saved_while_building(["a.md"])
    p._ran = (saved - 10**6, saved + 10**6)  # the save came while it ran
    assert p._saved_while_building(["a.md"]) and not p._saved_while_building(["gone.md"])


RACE = """
import sys, time
from pathlib import Path
from kb import preview_watch
from kb.build import dependents
from kb.preview import Preview

cfg, site, case = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
docs = cfg.parent / "docs"
zh, en = docs / "cases" / (case + ".md"), docs / "cases" / (case + ".en.md")
def edit(path, old, new):
    text = path.read_text(encoding="utf-8"); assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
def built(changed, now):
    assert p.rebuild(changed, seen=now), p.last_error
    print("built", changed, "partial" if p.partial else "full", flush=True)
p = Preview(cfg, site)
assert p.rebuild(), p.last_error
choose = dependents.pages_to_build
late = []
def chosen_then_saved(*a, **k):  # a save that lands once the pages are chosen, before the build reads them
    out = choose(*a, **k)
    while late:
        edit(*late.pop())
    return out
dependents.pages_to_build = chosen_then_saved
# 1. the English partner saved after the look that chose what to build
edit(zh, "\\n## 做法 {#method}", "\\n第一次保存的段落。\\n\\n## 做法 {#method}")
late.append((en, "district: Yufeng District (鱼峰区)", "district: District Saved In The Window"))
now = p.signature(); built(p.docs_changes(p.seen, now), now)
now = p.signature(); built(p.docs_changes(p.seen, now), now)
# 2. the partner saved just before the look, its event not yet delivered: the look sees the Chinese page only
edit(zh, "第一次保存的段落。", "第二次保存的段落。")
edit(en, "district: District Saved In The Window", "district: District Of The Late Event")
now = preview_watch.updated(p.seen, [str(zh.resolve())]); built(p.docs_changes(p.seen, now), now)
now = p.signature(); built(p.docs_changes(p.seen, now), now)
"""


def test_a_save_between_the_look_and_the_build_builds_every_page_next(tmp_path: Path) -> None:
    """A save that lands after the look that chose the pages (or whose event had
    not arrived by then) is read by the build but was not among what chose
    them: the next build cannot tell what it changed from what that build read,
    and builds every page. Before, a case's district saved 0.05 s after its
    Chinese page left the English case list stale for good (found by a
    differential run of random saves against clean builds)."""
    cfg = _project(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "scripts"), "NO_MKDOCS_2_WARNING": "1"}
    env.pop("KB_NO_CACHE", None)
    args = [sys.executable, "-c", RACE, str(cfg), str(tmp_path / "served"), "lz-yufeng-hongqi-grid"]
    proc = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    builds = [line for line in proc.stdout.splitlines() if line.startswith("built")]
    assert len(builds) == 4 and builds[0].endswith("partial") and builds[2].endswith("partial"), builds
    _build(cfg, tmp_path / "clean", cache=False)
    assert _differences(tmp_path / "served", tmp_path / "clean") == [], builds
    assert "District Of The Late Event" in _text(tmp_path / "served", "en/cases/index.html")
    assert builds[1].endswith("full") and builds[3].endswith("full"), builds  # what the race asks
