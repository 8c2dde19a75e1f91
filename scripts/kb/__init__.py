"""Domain logic of the Urban Party-Building Academy Knowledge Base.

Plain Python, importable and testable without MkDocs: the Markdown parsing core
(:mod:`kb.mdparse`), findings and their output (:mod:`kb.findings`), the page
index (:mod:`kb.site`), and the term base, collections and checks built on them.
"""
