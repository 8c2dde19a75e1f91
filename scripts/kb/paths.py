"""Where the project's files are, found from this file (never from the CWD)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "scripts"
DATA = SCRIPTS / "data"
DOCS = ROOT / "docs"
TERMS_FILE = DATA / "terms.yml"
SCHEMAS = DATA / "schemas"
