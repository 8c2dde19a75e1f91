"""A synthetic corpus of page pairs for timing ``scripts/check_terms.py``.

    python tests/terms_bench.py [N_PAIRS]     # default 500; prints the time

Each pair is a Chinese page of about 1,500 characters and its English page,
built from the term base's definitions (so every term rule has work to do),
with headings, lists, inline code, a code block and links; a few pages carry
damage (a wrong variant, half-width punctuation) so the run is not trivially
clean. Written to a temporary directory, never into ``docs/``.
"""

from __future__ import annotations

import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kb.model import terms

ROOT = Path(__file__).resolve().parents[1]


def make_corpus(out: Path, n_pairs: int = 500, seed: int = 1, damaged_every: int = 50) -> Path:
    tb = terms.load()
    rnd = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    for i in range(n_pairs):
        sample = rnd.sample(tb.terms, 8)
        zh = [
            "---",
            f"title: 合成页面{i}",
            "description: 基准测试用的合成页面。",
            "---",
            "",
            f"# 合成页面{i} {{#page}}",
            "",
        ]
        en = [
            "---",
            f"title: Synthetic page {i}",
            "description: A synthetic page for the benchmark.",
            "---",
            "",
            f"# Synthetic page {i} {{#page}}",
            "",
        ]
        for k, t in enumerate(sample):
            zh += [
                f"## {t.zh} {{#s{k}}}",
                "",
                f"本节介绍“{t.zh}”。{t.def_zh}见 `kb-{k}` 和[术语表](../glossary.md#{t.id})。",
                "",
                f"- {t.zh}的要点：{t.def_zh[:30]}",
                "",
            ]
            en += [
                f"## {t.en_plain[:1].upper()}{t.en_plain[1:]} {{#s{k}}}",
                "",
                f"This section is about {t.en}. {t.def_en} See `kb-{k}` and the [glossary](../glossary.md#{t.id}).",
                "",
                f"- Key point of {t.en}: {t.def_en[:40]}",
                "",
            ]
        zh += ["```text", "代码块,不检查", "```", ""]
        en += ["```text", "code, not checked", "```", ""]
        if damaged_every and i % damaged_every == 0:
            zh += ["推进四联双报道,成立工专小组。", ""]
        (out / f"p{i:04d}.md").write_text("\n".join(zh), encoding="utf-8")
        (out / f"p{i:04d}.en.md").write_text("\n".join(en), encoding="utf-8")
    return out


def time_checker(docs: Path) -> tuple[float, subprocess.CompletedProcess]:
    """Wall-clock seconds of one run (and the process; ``cpu_seconds`` on it)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_terms.py"), str(docs)], capture_output=True, text=True
    )
    took = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc.cpu_seconds = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return took, proc


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with tempfile.TemporaryDirectory() as tmp:
        docs = make_corpus(Path(tmp) / "docs", n)
        took, proc = time_checker(docs)
        print(
            f"{n} pairs ({2 * n} pages): {took:.2f} s wall, {proc.cpu_seconds:.2f} s CPU, exit {proc.returncode}, "
            f"{len(proc.stdout.splitlines())} findings"
        )
