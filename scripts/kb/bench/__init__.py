"""Benchmark: our configuration against stock Material + mkdocs-static-i18n.

The package behind ``scripts/bench.py`` (whose docstring says what is measured
and how to run it):

* :mod:`kb.bench.configs` – the MkDocs configurations: ours, proposed, stock;
* :mod:`kb.bench.runs` – timed commands: builds, checkers, link check, Pagefind;
* :mod:`kb.bench.browser` – search in Chromium: time, bytes, recall;
* :mod:`kb.bench.measure` – everything for one size N;
* :mod:`kb.bench.report` – the table, the machine line, the JSON;
* :mod:`kb.bench.cli` – the command line, :func:`kb.bench.cli.main`.
"""
