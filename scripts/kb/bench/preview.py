"""Save-to-preview time: ``kb serve``'s preview (:mod:`kb.preview`) runs on a
synthetic corpus; a page is saved and the time until the served HTML shows
the change is measured (from writing the file to the first answer of
127.0.0.1 that contains the new text), for three edits:

* a body edit of a case (the page itself changes);
* a title edit of a case (its page, its partner's notice, the lists naming it);
* an edit of a case used by others: its title as the collection index lists it.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path

from kb.bench.runs import ENV, PY, free_port
from kb.bench.synth import Manifest
from kb.model.paths import SCRIPTS

EDITS = ("body edit", "title edit", "edit of a page used by others")


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:  # 127.0.0.1 only
            return resp.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _wait_for(url: str, text: str, timeout: float) -> float | None:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        if text in _get(url):
            return time.perf_counter() - t0
        time.sleep(0.05)
    return None


def _url(base: str) -> str:
    stem = base[: -len(".md")]
    return "/" + (stem[: -len("index")] if stem.endswith("index") else stem + "/")


def save_to_preview(cfg: Path, manifest: Manifest, timeout: float = 900) -> dict[str, float | None]:
    """Seconds from a save to the served page showing it, per kind of edit (None: not seen)."""
    cases = [p for p in manifest.pages if p.kind == "cases"]
    if len(cases) < 3:
        return {}
    port = free_port()
    env = {**ENV, "PYTHONPATH": str(SCRIPTS)}
    env.pop("KB_NO_CACHE", None)
    proc = subprocess.Popen(
        [PY, "-m", "kb.preview", "-f", str(cfg), "--port", str(port), "--interval", "0.2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    origin = f"http://127.0.0.1:{port}"
    out: dict[str, float | None] = {}
    try:
        if _wait_for(origin + "/", "<html", timeout) is None:
            return {k: None for k in EDITS}
        docs = manifest.docs_dir
        body, title, used = cases[0], cases[1], cases[2]
        # a body edit: one paragraph added at the end
        path = docs / body.base
        path.write_text(path.read_text(encoding="utf-8") + "\n预览测量段落。\n", encoding="utf-8")
        out[EDITS[0]] = _wait_for(origin + _url(body.base), "预览测量段落。", timeout)
        for page, kind, where in ((title, EDITS[1], title.base), (used, EDITS[2], "cases/index.md")):
            path = docs / page.base
            text = path.read_text(encoding="utf-8")
            new = f"{page.name_zh}（预览测量）"
            text = re.sub(r"(?m)^title: .*$", f"title: {new}", text, count=1)
            path.write_text(text, encoding="utf-8")
            out[kind] = _wait_for(origin + _url(where), new, timeout)
        return out
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, 9)
            proc.wait()
