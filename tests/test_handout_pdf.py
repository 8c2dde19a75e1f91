"""The printed handout (issue 18, item 3), read back from the PDFs that
``kb handout-pdf`` prints (once per session, both languages): a title with the
build date and commit, a contents list whose page numbers are where the
headings are, page numbers and the module title in the margins, no heading
left at the foot of a page, no page less than a third full except the last
one before a new part, every self-check answer in the answer key at the end
and none printed under its question, fewer pages than before."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import io
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from kb.build.handout import collect_questions
from kb.handout_pdf import destination_pages, handout_url, main, write_handouts

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("zh", "en")
# the pages of each handout before this work, as the issue counted them (English had since grown to 41)
BEFORE = {"zh": 33, "en": 39}
# print.css: @page margins 18mm top, 16mm bottom (in points)
TOP, BOTTOM = 18 / 25.4 * 72, 16 / 25.4 * 72
_TAG = re.compile(r"<[^>]+>")


def flat(text: str) -> str:
    """Text without whitespace or markup (pypdf spaces out CJK punctuation)."""
    return re.sub(r"\s+", "", htmllib.unescape(_TAG.sub("", text)))


@dataclass
class Run:
    y: float  # from the top of the page, in points
    text: str


@dataclass
class Printed:
    lang: str
    pages: list[list[Run]]  # the text runs of each page
    height: float
    dests: dict[str, int]  # contents target -> page (from 1)
    html: str  # the handout's built HTML

    def band(self, n: int, lo: float, hi: float) -> str:
        return flat("".join(r.text for r in self.pages[n - 1] if lo <= r.y <= hi))

    def body(self, n: int) -> list[Run]:
        return [r for r in self.pages[n - 1] if TOP - 2 < r.y < self.height - BOTTOM + 2]

    def text(self, n: int) -> str:
        return flat("".join(r.text for r in self.body(n)))

    def lines(self, n: int) -> list[str]:
        """The body's lines, top to bottom (runs on one baseline)."""
        rows: dict[float, str] = {}
        for r in self.body(n):
            key = next((y for y in rows if abs(y - r.y) < 1.5), r.y)
            rows[key] = rows.get(key, "") + r.text
        return [flat(rows[y]) for y in sorted(rows)]

    def has_line(self, n: int, text: str) -> bool:
        """``text`` is printed on page ``n`` as a line of its own (or two, wrapped)."""
        lines = self.lines(n)
        return text in lines or any(a + b == text for a, b in zip(lines, lines[1:], strict=False))


def _read(pdf: bytes) -> tuple[list[list[Run]], float]:
    reader = PdfReader(io.BytesIO(pdf))
    height = float(reader.pages[0].mediabox.height)
    pages = []
    for page in reader.pages:
        runs: list[Run] = []

        def visit(text, cm, tm, _font, _size, runs=runs) -> None:
            if text.strip():
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                runs.append(Run(height - y, text))

        page.extract_text(visitor_text=visit)
        pages.append(runs)
    return pages, height


@pytest.fixture(scope="module")
def printed(chromium, site_server, browser_site) -> dict[str, Printed]:
    """Both handouts as ``kb handout-pdf`` writes them, read back from the files."""
    out_dir = ROOT / "test-artifacts" / "print"
    out_dir.mkdir(parents=True, exist_ok=True)
    out = {}
    for lang, path in write_handouts(chromium, site_server.origin, out_dir).items():
        pdf = path.read_bytes()
        pages, height = _read(pdf)
        html = (browser_site / handout_url(lang).strip("/") / "index.html").read_text(encoding="utf-8")
        out[lang] = Printed(lang, pages, height, destination_pages(pdf), html)
    return out


def _contents(p: Printed) -> list[tuple[str, str]]:
    """(target id, text) of each contents entry, in order, from the HTML."""
    found = re.findall(
        r'<a href="#([^"]+)"><span class="kb-handout-toc__text">(.*?)</span><span class="kb-handout-toc__page"', p.html
    )
    assert found, "no contents in the handout"
    return [(t, flat(text)) for t, text in found]


def _starts(p: Printed) -> list[int]:
    """The first page of each part: modules and the answer key."""
    ids = re.findall(r'<section class="kb-handout-(?:module|answers)" id="([^"]+)"', p.html)
    return sorted(p.dests[i] for i in ids)


@pytest.mark.parametrize("lang", LANGS)
def test_title_page_has_the_build_date_and_commit(printed, lang: str) -> None:
    p = printed[lang]
    first = p.text(1)
    date = re.search(r"(\d{4}-\d{2}-\d{2})", first)
    assert date, f"no build date on page 1: {first[:300]}"
    today = dt.datetime.now(dt.UTC).date()
    assert abs((dt.date.fromisoformat(date.group(1)) - today).days) <= 1, date.group(1)
    head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    assert head.stdout.strip() and head.stdout.strip() in first, f"commit {head.stdout.strip()} not on page 1"
    title = re.search(r"<h1[^>]*>(.*?)<a", p.html, re.S)
    assert title and flat(title.group(1)) in first


@pytest.mark.parametrize("lang", LANGS)
def test_contents_page_numbers_are_where_the_headings_are(printed, lang: str) -> None:
    p = printed[lang]
    entries = _contents(p)
    first_module = _starts(p)[0]
    front = "".join(p.text(n) for n in range(1, first_module))
    cursor = first_module
    for target, text in entries:
        # the contents line: the heading's text, then its page number
        number = re.search(re.escape(text) + r"(\d+)", front)
        assert number, f"contents: no page number after {text!r}"
        front = front[number.end() :]
        page = int(number.group(1))
        assert page == p.dests[target], f"{text}: contents say {page}, the PDF's anchor is on {p.dests[target]}"
        # and the heading is printed on that page, not earlier
        where = next((n for n in range(cursor, len(p.pages) + 1) if p.has_line(n, text)), None)
        assert where == page, f"{text!r}: contents say page {page}, printed on page {where}"
        cursor = where


@pytest.mark.parametrize("lang", LANGS)
def test_margins_hold_the_page_number_and_the_module_title(printed, lang: str) -> None:
    p = printed[lang]
    for n in range(1, len(p.pages) + 1):
        assert p.band(n, p.height - BOTTOM, p.height) == str(n), f"page {n}: no page number in the bottom margin"
    titles = [flat(t) for t in re.findall(r'<section class="kb-handout-module"[^>]*>\s*<h2[^>]*>(.*?)<a', p.html)]
    starts = _starts(p)
    for k, title in enumerate(titles):
        for n in range(starts[k], starts[k + 1]):
            assert p.band(n, 0, TOP) == title, f"page {n}: top margin {p.band(n, 0, TOP)!r}, not {title!r}"


@pytest.mark.parametrize("lang", LANGS)
def test_no_heading_at_the_foot_and_no_near_empty_page(printed, lang: str) -> None:
    p = printed[lang]
    headings = {flat(t) for t in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", p.html, re.S)} - {""}
    before_part = {s - 1 for s in _starts(p)} | {len(p.pages)}
    content = p.height - TOP - BOTTOM
    for n in range(1, len(p.pages) + 1):
        body = p.body(n)
        assert body, f"page {n} is empty"
        lowest = max(r.y for r in body)
        last_line = flat("".join(r.text for r in body if r.y > lowest - 3))
        assert n == len(p.pages) or last_line not in headings, f"page {n} ends with the heading {last_line!r}"
        full = (lowest - TOP) / content
        assert n in before_part or full >= 1 / 3, f"page {n} is {full:.0%} full"


@pytest.mark.parametrize("lang", LANGS)
def test_answer_key_at_the_end_holds_every_answer(printed, browser_site, lang: str) -> None:
    p = printed[lang]
    key = p.dests["answer-key"]
    assert key == max(_starts(p)), "the answer key is not the last part"
    # the citation marks (¶12) are drawn as superscripts, which the PDF's text puts at the end of
    # their page: an answer that runs over a page break is whole again without them
    key_text = re.sub(r"¶\d+", "", "".join(p.text(n) for n in range(key, len(p.pages) + 1)))
    module_text = "".join(p.text(n) for n in range(1, key))
    modules = re.findall(r'<section class="kb-handout-module" id="([^"]+)"', p.html)
    prefix = "" if lang == "zh" else "en/"
    total = 0
    for m in modules:
        page = (browser_site / f"{prefix}course/{m}/index.html").read_text(encoding="utf-8")
        for question, answer in re.findall(r"<details[^>]*>\s*<summary>(.*?)</summary>(.*?)</details>", page, re.S):
            total += 1
            answer = flat(re.sub(r'<sup class="kb-cite".*?</sup>', "", answer, flags=re.S))
            assert flat(question) in key_text and answer in key_text, f"{m}: answer key lacks {answer[:40]}"
            at = module_text.find(flat(question))
            assert at >= 0, f"{m}: question not under its module: {question[:40]}"
            after = module_text[at + len(flat(question)) :]
            assert not after.startswith(answer[:12]), f"{m}: the answer is printed under its question: {answer[:40]}"
    assert total >= 10, total
    module_html = p.html[: p.html.index('id="answer-key"')]
    assert "<details" not in module_html, "a collapsible block (and its chevron) is printed in a module"


@pytest.mark.parametrize("lang", LANGS)
def test_fewer_pages_than_before(printed, lang: str) -> None:
    assert len(printed[lang].pages) < BEFORE[lang], f"{lang}: {len(printed[lang].pages)} pages"


def test_every_collapsible_block_is_a_question_of_the_key() -> None:
    html = (
        '<h3 id="self-check">Self-check</h3>'
        '<details class="question"><summary>Who?</summary><p>The <em>team</em>.</p></details>'
        '<details class="example" open="open"><summary>Apply it</summary><p>Outer</p>'
        "<details><summary>inner</summary><p>x</p></details></details><p>after</p>"
    )
    out, answers = collect_questions(html, 3, "<p>see key</p>")
    assert [(n, q) for n, q, _a in answers] == [("3.1", "Who?"), ("3.2", "Apply it")]
    assert answers[0][2] == "<p>The <em>team</em>.</p>" and "inner" in answers[1][2]
    assert "<details" not in out and out.endswith("<p>see key</p><p>after</p>")


def test_command_refuses_a_missing_site_and_an_existing_pdf(tmp_path: Path, built_site: Path, capsys) -> None:
    assert main(["--site", str(tmp_path / "nothing"), "--out", str(tmp_path)]) == 2
    assert "run `kb build` first" in capsys.readouterr().err
    (tmp_path / "handout-zh.pdf").write_bytes(b"editor's copy")
    assert main(["--site", str(built_site), "--out", str(tmp_path), "--lang", "zh"]) == 2
    assert "pass --force" in capsys.readouterr().err
    assert (tmp_path / "handout-zh.pdf").read_bytes() == b"editor's copy"
    # --out naming a file: refused with a message (was a traceback), the file untouched
    assert main(["--site", str(built_site), "--out", str(tmp_path / "handout-zh.pdf")]) == 2
    assert "not a folder" in capsys.readouterr().err
    assert (tmp_path / "handout-zh.pdf").read_bytes() == b"editor's copy"
