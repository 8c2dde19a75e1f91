"""Turn an editor's spreadsheet of cases into case pages in both languages.

    python scripts/import_cases.py FILE.xlsx|FILE.csv [--docs DIR] [--update] [--format text|json]

See ``--help`` for the columns. All or nothing: when any row is refused,
nothing is written and the findings are printed as ``FILE:ROW:COL: CODE message``.

The modules, in the order the import runs: :mod:`.sheet` reads the sheet
(xlsx or csv) into rows of raw cells, :mod:`.rows` maps the header and turns a
row into front matter, :mod:`.pages` renders the two pages of a case,
:mod:`.plan` checks every row against docs/ and writes all or nothing, and
:mod:`.cli` is the command (``main``).
"""
