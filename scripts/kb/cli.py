"""``kb``: the project's one command (installed into .venv from pyproject.toml).

    kb check [--docs DIR] [--format json] [--select/--ignore CODES]   both checkers, one process
    kb check-terms [PATH ...] [--fix]      terminology and typography (``kb fix`` = ``--fix``)
    kb check-xrefs [--mark-translated P]   links, anchors, IDs, translations, navigation, schemas
    kb build [--site-dir DIR]              checks + strict build + marker, then swap into place
    kb serve [--port N]                    checks, then a preview rebuilt on every save (127.0.0.1:8000)
    kb publish|rollback|status ...         atomic, verified publishing to intranet hosts
    kb import-cases FILE.xlsx|FILE.csv     case pages from a spreadsheet
    kb make-set ID FILE.xlsx|--ids ...     a case set (both languages) from a spreadsheet or a list of IDs
    kb report                              places marked "to be supplied"
    kb linkcheck SITE                      linkchecker over a built site on 127.0.0.1
    kb handout-pdf [--site DIR] [--out DIR] the course handout as PDF, one per language
    kb bench [--quick]                     our build and checks against stock
    kb rehearse-ci                         the GitLab pipeline, job by job, in a clean clone
    kb schemas [--check]                   vocabularies into the JSON schemas
    kb rules [--check]                     the rule table of the content guide from the registry
    kb cite [--write] [PATH ...]           propose or insert the source citations of facts

Each subcommand takes ``--help``. Exit status: that of the subcommand (the
checkers: 0 clean, 1 findings, 2 bad usage); 2 for an unknown subcommand.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable

# subcommand -> (module, function, arguments put before the user's)
COMMANDS: dict[str, tuple[str, str, list[str]]] = {
    "check": ("kb.checks.cli", "main", []),
    "check-terms": ("kb.checks.terms_cli", "main", []),
    "fix": ("kb.checks.terms_cli", "main", ["--fix"]),
    "check-xrefs": ("kb.checks.xrefs_cli", "main", []),
    "build": ("kb.runner", "main", []),
    "publish": ("kb.publish.cli", "main", ["publish"]),
    "rollback": ("kb.publish.cli", "main", ["rollback"]),
    "status": ("kb.publish.cli", "main", ["status"]),
    "import-cases": ("kb.importer.cli", "main", []),
    "make-set": ("kb.importer.sets", "main", []),
    "report": ("kb.reports", "main", []),
    "linkcheck": ("kb.linkcheck", "main", []),
    "handout-pdf": ("kb.handout_pdf", "main", []),
    "bench": ("kb.bench.cli", "main", []),
    "rehearse-ci": ("kb.pipeline.cli", "main", []),
    "schemas": ("kb.model.schema", "main", []),
    "rules": ("kb.model.rules", "main", []),
    "cite": ("kb.citer", "main", []),
}


def serve(argv: list[str]) -> int:
    """Run the checks once (their findings printed), then the fast preview
    (:mod:`kb.preview`: rebuilt on every save, only changed pages rendered)."""
    if any(a in ("-h", "--help") for a in argv):
        from kb.preview import main as preview

        return preview(argv)
    import argparse
    from pathlib import Path

    from kb.model.paths import ROOT
    from kb.preview import main as preview
    from kb.runner import load_docs_dir, run_checks

    # the checks look at the tree the preview builds: the docs folder of `-f CONFIG`
    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument("-f", "--config-file", type=Path, default=ROOT / "mkdocs.yml")
    config = ap.parse_known_args(argv)[0].config_file
    if config.is_file():
        try:
            run_checks(load_docs_dir(config), config)
        except Exception as exc:  # noqa: BLE001 - the preview reports a config it cannot read
            print(f"kb serve: {config}: the checks were skipped: {exc}", file=sys.stderr)
    return preview(argv)


def _usage() -> str:
    return (__doc__ or "").split("\n\n")[1]


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print("usage: kb COMMAND [ARGS]\n\n" + _usage())
        return 0 if args else 2
    name, rest = args[0], args[1:]
    if name == "serve":
        return serve(rest)
    if name not in COMMANDS:
        print(f"kb: unknown command '{name}'\n\nusage: kb COMMAND [ARGS]\n\n{_usage()}", file=sys.stderr)
        return 2
    module, func, pre = COMMANDS[name]
    fn: Callable[[list[str]], int | None] = getattr(importlib.import_module(module), func)
    return int(fn(pre + rest) or 0)


def entry() -> int:
    """The console script: ``kb … | head`` ends quietly when the reader stops reading."""
    try:
        code = main()
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # Python's advice: point stdout at devnull so the flush at exit cannot fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, as a shell reports a command that met a closed pipe


if __name__ == "__main__":
    raise SystemExit(entry())
