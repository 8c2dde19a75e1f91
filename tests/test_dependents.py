"""Which pages a save changes (kb.build.dependents, used by kb serve's partial
builds), on a hand-made last build: each way a page shows another is covered,
and anything it cannot follow builds everything (None)."""

from __future__ import annotations

from pathlib import Path

from kb.build.dependents import pages_to_build
from kb.build.registry import BuildState, PageRecord

PAGES = {
    "index.md": ("首页", "# 首页\n\n见[案例甲](cases/a.md)。\n"),
    "cases/index.md": ("案例", "# 案例\n\n<!-- kb:collection-index -->\n"),
    "cases/a.md": ("案例甲", "# 案例甲\n\n见[案例乙](b.md)。\n"),
    "cases/b.md": ("案例乙", "# 案例乙\n\n正文。\n"),
    "cases/c.md": ("案例丙", "# 案例丙\n\n正文。\n"),
    "sets/s.md": ("案例集", "# 案例集\n\n<!-- kb:set-items -->\n"),
    "course/source-reading.md": ("原文精读", "# 原文精读\n\n原文。\n"),
    "course/handout.md": ("讲义", "# 讲义\n\n<!-- kb:handout -->\n"),
    "policies/index.md": ("政策", "# 政策\n\n<!-- kb:collection-index -->\n"),
    "glossary.md": ("术语表", "# 术语表\n\n<!-- kb:glossary -->\n"),
}


def _state(tmp: Path) -> BuildState:
    state = BuildState(nav=["index.md", "cases/index.md", "course/source-reading.md"])
    for base, (title, body) in PAGES.items():
        for lang, suffix in (("zh", ".md"), ("en", ".en.md")):
            src = base[: -len(".md")] + suffix
            state.record(PageRecord(src, base, lang, "", title, {"title": title}, body))
            path = tmp / src
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"---\ntitle: {title}\n---\n\n{body}", encoding="utf-8")
    return state


def _save(tmp: Path, src: str, old: str, new: str) -> None:
    path = tmp / src
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


LISTS = {"cases/index.md", "sets/s.md"}  # the lists that show a case (not the handout, policies, glossary)


def _bases(only: dict[str, set[str]]) -> set[str]:
    return {src.replace(".en.md", ".md") for srcs in only.values() for src in srcs}


def test_a_body_edit_builds_the_page_in_both_languages(tmp_path: Path) -> None:
    state = _state(tmp_path)
    _save(tmp_path, "cases/c.md", "正文。", "新正文。")
    assert pages_to_build(["cases/c.md"], tmp_path, state) == {"zh": {"cases/c.md"}, "en": {"cases/c.en.md"}}


def test_a_new_section_or_a_course_module_builds_the_lists_too(tmp_path: Path) -> None:
    """Set cards name sections by their headings; the handout holds the modules whole."""
    state = _state(tmp_path)
    _save(tmp_path, "cases/c.md", "正文。", "正文。\n\n## 新节 {#new}\n")
    only = pages_to_build(["cases/c.md"], tmp_path, state)
    assert only == {"zh": {"cases/c.md", *LISTS}, "en": {"cases/c.en.md", "cases/index.en.md", "sets/s.en.md"}}
    state = _state(tmp_path)
    (tmp_path / "course/m.md").write_text("---\ntitle: 模块\n---\n\n# 模块\n\n正文。\n", encoding="utf-8")
    state.record(PageRecord("course/m.md", "course/m.md", "zh", "", "模块", {"title": "模块"}, "# 模块\n\n正文。\n"))
    _save(tmp_path, "course/m.md", "正文。", "新正文。")
    # a module is in the handout and may be on a set card; no collection index lists it
    assert _bases(pages_to_build(["course/m.md"], tmp_path, state)) == {"course/m.md", "course/handout.md", "sets/s.md"}


def test_a_title_or_link_change_builds_the_pages_it_links_to_before_and_after(tmp_path: Path) -> None:
    state = _state(tmp_path)
    _save(tmp_path, "cases/a.md", "title: 案例甲", "title: 案例甲（新）")
    assert _bases(pages_to_build(["cases/a.md"], tmp_path, state)) == {"cases/a.md", "cases/b.md", *LISTS}
    state = _state(tmp_path)
    _save(tmp_path, "cases/a.md", "[案例乙](b.md)", "[案例丙](c.md)")
    # the lists show no links: only the "referenced by" lists of the pages linked to change
    assert _bases(pages_to_build(["cases/a.md"], tmp_path, state)) == {"cases/a.md", "cases/b.md", "cases/c.md"}


def test_what_it_cannot_follow_builds_everything(tmp_path: Path) -> None:
    state = _state(tmp_path)
    _save(tmp_path, "index.md", "title: 首页", "title: 主页")  # a title in the navigation
    assert pages_to_build(["index.md"], tmp_path, state) is None
    state = _state(tmp_path)
    _save(tmp_path, "sets/s.md", "# 案例集\n", "# 案例集\n\n新说明。\n")
    assert pages_to_build(["sets/s.md"], tmp_path, state) is None  # a set: "used in sets" lists
    _save(tmp_path, "course/source-reading.md", "原文。", "原文，改。")
    assert pages_to_build(["course/source-reading.md"], tmp_path, state) is None  # quoted by citations
    _save(tmp_path, "cases/c.md", "title: 案例丙\n", "title: 案例丙\naliases: [old-c]\n")
    assert pages_to_build(["cases/c.md"], tmp_path, state) is None  # redirect pages come and go
    (tmp_path / "cases/d.md").write_text("# 新\n", encoding="utf-8")
    assert pages_to_build(["cases/d.md"], tmp_path, _state(tmp_path)) is None  # a new page
    (tmp_path / "cases/b.md").unlink()
    assert pages_to_build(["cases/b.md"], tmp_path, state) is None  # a deleted page
    assert pages_to_build(["assets/kb.css"], tmp_path, state) is None  # not a page
    # a body edit of a page in the navigation: its pages only
    state = _state(tmp_path)
    _save(tmp_path, "index.md", "# 首页\n", "# 首页\n\n新段落。\n")
    assert _bases(pages_to_build(["index.md"], tmp_path, state)) == {"index.md"}


def test_an_untranslated_page_is_built_from_the_chinese_file_in_english_too(tmp_path: Path) -> None:
    state = _state(tmp_path)
    rec = state.pages["en"]["cases/c.md"]
    rec.src_uri = "cases/c.md"  # no cases/c.en.md: the English site is built from the Chinese file
    _save(tmp_path, "cases/c.md", "正文。", "新正文。")
    only = pages_to_build(["cases/c.md"], tmp_path, state)
    assert "cases/c.md" in only["zh"] and "cases/c.md" in only["en"]
