"""Where the project's files are, found from this file (never from the CWD)."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCRIPTS = ROOT / "scripts"
DATA = SCRIPTS / "data"
DOCS = ROOT / "docs"
TERMS_FILE = DATA / "terms.yml"
SCHEMAS = DATA / "schemas"


def display(path: Path) -> str:
    """How a command shows a path it was not given: relative to the working directory."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
