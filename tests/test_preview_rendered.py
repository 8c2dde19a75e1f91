"""The preview's partial builds on the real site: saves whose effect on other
pages only the rendered page shows, and the handout's version stamp.

``kb serve`` chooses the pages a save changes from the model's parse of the
page (:mod:`kb.build.dependents`). Other pages show what the *build* made of
it: a set card names a section by the heading text in the rendered HTML, the
navigation and "referenced by" lists the title MkDocs took from the page. The
parse and the render can read the same Markdown differently (a raw HTML
heading, a footnote's number, underscores inside a word), and the handout
shows the build's date, commit and whether the checkout has uncommitted
changes. After each save the preview must still equal a clean build of the
same tree, file by file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from test_render_cache import _build, _differences

ROOT = Path(__file__).resolve().parents[1]

FPB, TWT = "playbooks/functional-party-branch.md", "playbooks/three-way-triage.md"
MCA, SET = "cases/lists/mca-2018-100.md", "sets/subdistrict-cadres.md"
EDITS = [  # (label, [(file, old, new), ...], (page, text it must show once the save is built))
    # the first save of a clean checkout: the handout now says "with uncommitted changes"
    (
        "body",
        [("cases/lz-yufeng-hongqi-grid.md", "\n## 做法 {#method}", "\n预览测试新增的段落。\n\n## 做法 {#method}")],
        ("course/handout/index.html", "（含未提交的修改）"),
    ),
    (
        "set",  # a set change (a full build): cards naming a raw HTML heading and a footnoted one
        [
            (FPB, "## 是什么 {#what}", '<h3 id="raw-head">原始标题</h3>\n\n## 是什么 {#what}'),
            (TWT, "## 步骤 {#steps}", "## 步骤[^s] {#steps}"),
            (TWT, "\n## 资料来源", "\n[^s]: 步骤的注释。\n\n## 资料来源"),
            (SET, "items:\n", "items:\n  - ref: playbooks/functional-party-branch.md#raw-head\n    note: 测试条目。\n"),
        ],
        ("sets/subdistrict-cadres/index.html", "原始标题"),
    ),
    (
        "raw heading",
        [(FPB, ">原始标题</h3>", ">原始标题（改）</h3>")],
        ("sets/subdistrict-cadres/index.html", "原始标题（改）"),
    ),
    (
        "footnote",  # an earlier footnote: the heading's footnote is number 2 now
        [
            (TWT, "## 是什么 {#what}\n", "## 是什么 {#what}\n\n前置注释[^a]。\n"),
            (TWT, "\n[^s]:", "\n[^a]: 前置的注释。\n\n[^s]:"),
        ],
        ("sets/subdistrict-cadres/index.html", "步骤2"),
    ),
    (
        "underscores",
        [(FPB, "## 步骤 {#steps}", "## 步_骤_ {#steps}")],
        ("sets/new-community-secretaries/index.html", "步_骤_"),
    ),
    ("title removed", [(MCA, "title: 全国优秀社区工作法（2018年名单）\n", "")], None),
    (
        "title underscores",  # the title is the first heading's, as MkDocs reads it
        [(MCA, "# 全国优秀社区工作法（2018年名单）", "# 全国优秀社区工作法（2018年_名单_）")],
        ("cases/cd-shijicheng/index.html", "（2018年_名单_）"),
    ),
]

SCRIPT = """
import json, sys
from pathlib import Path
from kb.preview import Preview

cfg, site, edits = Path(sys.argv[1]), Path(sys.argv[2]), json.loads(sys.argv[3])
docs = cfg.parent / "docs"
p = Preview(cfg, site)
assert p.rebuild(), p.last_error
for label, changes, expect in edits:
    before = p.seen
    for name, old, new in changes:
        text = (docs / name).read_text(encoding="utf-8")
        assert old in text, (name, old)
        (docs / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    now = p.signature()
    assert p.rebuild(p.docs_changes(before, now), seen=now), (label, p.last_error)
    shown = expect is None or expect[1] in (site / expect[0]).read_text(encoding="utf-8")
    said = "shown" if shown else f"NOT SHOWN: {expect}"
    print(label, said, "partial" if p.partial else "full", sep=" | ", flush=True)
    p.settle()
"""


def _copy(tmp: Path) -> Path:
    """A clean git checkout of the project (docs, code, theme, config) with ``shared/`` beside it."""
    work = tmp / "main"
    ignore = shutil.ignore_patterns("__pycache__", ".cache", "*.egg-info")
    for name in ("docs", "scripts", "overrides"):
        shutil.copytree(ROOT / name, work / name, ignore=ignore)
    for name in ("mkdocs.yml", ".gitignore"):
        shutil.copy2(ROOT / name, work / name)
    (tmp / "shared").symlink_to(ROOT.parent / "shared")
    git = ["git", "-C", str(work), "-c", "user.name=test", "-c", "user.email=test@example.invalid"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "copy"]):
        subprocess.run([*git, *args], check=True, capture_output=True)
    return work / "mkdocs.yml"


def test_the_preview_follows_what_the_build_rendered_not_only_the_parse(tmp_path: Path) -> None:
    import json

    cfg = _copy(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(cfg.parent / "scripts"), "NO_MKDOCS_2_WARNING": "1"}
    env.pop("KB_NO_CACHE", None)
    env.pop("SOURCE_DATE_EPOCH", None)
    preview = tmp_path / "preview" / "site"
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(cfg), str(preview), json.dumps(EDITS, ensure_ascii=False)],
        cwd=cfg.parent,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # each save shows on the pages that show what the build made of it, at once
    said = [line.split(" | ") for line in proc.stdout.splitlines() if line.endswith(("partial", "full"))]
    assert [label for label, *_ in said] == [label for label, *_ in EDITS], proc.stdout
    assert [shown for _, shown, _ in said if shown != "shown"] == [], proc.stdout
    # and only the pages that show it are built again: a set change builds everything
    assert [kind for label, _, kind in said if kind != "partial"] == ["full"] and said[1][0] == "set", proc.stdout
    clean = tmp_path / "site-clean"
    _build(cfg, clean, cache=False)
    assert _differences(preview, clean) == [], proc.stdout
