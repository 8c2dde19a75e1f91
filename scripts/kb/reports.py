"""Count the places where the source is silent ("to be supplied" markers).

    python scripts/report_tbs.py [--docs DIR] [--format text|json] [--summary]

Text: one ``path:line:col: TBS text`` line per marker, then totals per
language. Always exits 0 (a report, not a check); 2 on bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from .model.paths import DOCS
from .model.site import Site
from .model.tbs import gaps
from .model.tree import doc_lang


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=Path, default=DOCS)
    ap.add_argument("--format", choices=["text", "json"], default="text")
    ap.add_argument("--summary", action="store_true", help="totals only")
    args = ap.parse_args(argv)
    if not args.docs.is_dir():
        ap.error(f"{args.docs}: not a directory")
    found = gaps(Site.load(args.docs))
    per_lang = Counter(doc_lang(g.path) for g in found)
    pages = len({g.path for g in found})
    if args.format == "json":
        print(
            json.dumps(
                {
                    "total": len(found),
                    "pages": pages,
                    "by_language": dict(per_lang),
                    "places": [g.__dict__ for g in found],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    if not args.summary:
        for g in found:
            print(f"{args.docs.name}/{g.path}:{g.line}:{g.col}: TBS {g.text}")
    print(
        f"to be supplied: {len(found)} places on {pages} pages (zh {per_lang.get('zh', 0)}, en {per_lang.get('en', 0)})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
