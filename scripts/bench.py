#!/usr/bin/env python3
"""Benchmark: our configuration against stock Material + mkdocs-static-i18n.

    .venv/bin/python scripts/bench.py                       # N = 100, 500 (about 10 minutes)
    .venv/bin/python scripts/bench.py --sizes 100,500,2000  # about 25 minutes more for 2,000
    .venv/bin/python scripts/bench.py --quick               # N = 20, for the test

For each N, a synthetic bilingual corpus (:mod:`kb.synth`: a copy of the real
docs/ plus N synthetic page pairs) is written into a temporary directory
OUTSIDE docs/ and deleted afterwards (``--keep`` keeps it). On that one corpus
it measures, side by side:

* the full build (``mkdocs build --no-strict``) with OUR mkdocs.yml and hooks
  (a config that INHERITs mkdocs.yml, ``docs_dir`` pointed at the corpus, the
  synthetic course modules added to the course section of ``nav``) and with a
  STOCK configuration: Material (same theme features except
  ``navigation.prune``, no custom templates, no extra CSS/JS), the same
  Markdown extensions (the content needs them), mkdocs-static-i18n (suffix
  structure, zh default + en) and the search plugin (jieba is installed, so
  Material segments Chinese with it), no hooks and no ``nav``: MkDocs then
  lists every page in the navigation, as stock users get it (the issue's
  figures correspond to that). Wall time; peak memory and CPU time from the kernel (os.wait4);
* the bytes a reader downloads for a first search in each language, raw and
  gzip-compressed (level 6), as Chromium loads them: the search index, the
  search worker and the lunr language files (ours: one index per language;
  stock: the combined index);
* our source checkers (scripts/check.py: both checkers in one process), from a
  cold start (no cache, as CI on a fresh clone) and again with their per-page
  cache warm, on the corpus, against LinkChecker on our built site served on
  127.0.0.1 (scripts/linkcheck.py: every page and anchor, no throttle);
* in Chromium (Playwright, /usr/bin/chromium, loopback only): the time from
  opening a page to the first search results, and the recall of held-out
  queries (a synthetic case's unique community name must find that case in
  the first 10 results), ours and stock;
* a candidate: Pagefind (``pagefind[extended]``, Chinese segmentation) run
  over our built site, searched from the same page through its JS API (bytes
  and time to the first result's data), when the pagefind module is installed.

It prints ONE Markdown table: every metric at every N, ours, stock (or the
competitor), the ratio ours/stock and the target.

The code is the package scripts/kb/bench/ (:mod:`kb.bench`); this script only
runs :func:`kb.bench.cli.main`.
"""

from kb.bench.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
