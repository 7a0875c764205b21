"""The page's script reads typed numbers by the same rule as Python, in every numeric quiz.

The rule's table of examples (src/nnbook/typed_number_cases.json, see nnbook.typed_number) is
run through the page's copy of the rule, then typed into every numeric self-check of every
built page (found from the built HTML, so new chapters are covered without editing this file),
together with the quiz's own answer written in several ways. Each time the feedback on the
page must be word for word what ``nnbook.quiz.grade_numeric`` says for that quiz, right or
wrong alike, and the page must raise no JavaScript error.
"""

from __future__ import annotations

import html
import json
import math
import random
import re

import pytest

from conftest import SITE, book_pages
from nnbook import quiz, typed_number

CASES = typed_number.input_cases()
DATA_QUIZ = re.compile(r'data-quiz="([^"]*)"')
FULL_WIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "0123456789.,-+e"})


def numeric_specs(path: str) -> list[dict]:
    """The specs of the numeric quizzes on a built page, in page order."""
    specs = [json.loads(html.unescape(m)) for m in DATA_QUIZ.findall((SITE / path).read_text(encoding="utf-8"))]
    return [s for s in specs if s["kind"] == "numeric"]


NUMERIC_PAGES = [p for p in book_pages() if numeric_specs(p)]


def answer_forms(answer: float) -> list[str]:
    """The quiz's own answer typed in the ways a learner might, right and wrong."""
    plain = typed_number.format_number(answer)
    forms = [plain, plain.translate(FULL_WIDTH), plain.replace("-", "\u2212"), f"{plain} {plain}", f" {plain}\u3000"]
    if "." in plain:
        forms.append(plain.replace(".", ","))
    if answer.is_integer() and abs(answer) >= 1000:
        grouped = f"{int(answer):,}"
        forms += [grouped, grouped.replace(",", " "), grouped.replace(",", "_"), grouped.translate(FULL_WIDTH)]
        forms += [f"{int(answer) + 1:,}", f"{int(answer) // 1000:,},{int(answer) % 1000 // 10:02d}"]
    forms += [typed_number.format_number(answer * 1.5 + 1), typed_number.format_number(answer * 0.5 - 1)]
    return forms


@pytest.fixture()
def open_page(browser, request):
    """Open a built page (or, with no path, a blank one) recording JavaScript errors; yields (page, problems)."""
    contexts = []

    def open_(path: str | None = None):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        # A resource that fails to load is test_pages.py's finding (a build without npm loads MathJax from a CDN).
        page.on(
            "console",
            lambda msg: problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None,
        )
        if path is not None:
            page.goto(request.getfixturevalue("site_url") + path, wait_until="load")
        return page, problems

    yield open_
    for context in contexts:
        context.close()


def test_there_are_numeric_quizzes():
    assert NUMERIC_PAGES, f"no built page in {SITE} has a numeric quiz: run `make book` first (or set NNBOOK_SITE)"


def test_the_page_script_reads_the_table(open_page):
    """The page's copy of the rule gives every case of the table the value or refusal Python gives."""
    page, problems = open_page()
    page.set_content(f"<script>{typed_number.grader_script()}</script>")
    got = page.evaluate("cases => cases.map(c => nnbookNumbers.read(c.typed))", CASES)
    mismatches = []
    for case, js in zip(CASES, got):
        python = typed_number.read_number(case["typed"])
        expected = {"typed": python.typed, "value": python.value, "reason": python.reason, "fix": python.fix,
                    "separator": python.separator, "message": python.message}
        if js != expected:
            mismatches.append(f"{case['typed']!r}: page {js}, Python {expected}")
    assert not mismatches, "\n".join(mismatches)
    assert not problems, "\n".join(problems)


def test_the_page_writes_numbers_as_python_does(open_page):
    """format_number is JavaScript's String(x): checked on awkward and on random doubles."""
    page, _ = open_page()
    page.set_content(f"<script>{typed_number.grader_script()}</script>")
    rng = random.Random(0)
    values = [0.1 + 0.2, 1e-6, 1e-7, 1e21, 1e21 - 65536, 5e-324, 2.0**53 + 2, -1.5e-300, 123456.789, 1 / 3]
    values += [rng.uniform(-1, 1) * 10.0 ** rng.randint(-12, 25) for _ in range(2000)]
    values += [rng.randint(-10**7, 10**7) / 10**rng.randint(0, 8) for _ in range(2000)]
    js = page.evaluate("xs => xs.map(x => nnbookNumbers.format(x))", values)
    wrong = [(x, j, typed_number.format_number(x)) for x, j in zip(values, js) if j != typed_number.format_number(x)]
    assert not wrong, f"{len(wrong)} numbers written differently, e.g. (x, page, Python) {wrong[:5]}"
    assert all(math.isfinite(x) for x in values)


@pytest.mark.parametrize("path", NUMERIC_PAGES)
def test_every_numeric_quiz_gives_the_python_verdict(open_page, path):
    page, problems = open_page(path)
    quizzes = page.locator(".nnbook-quiz:has(input)")
    specs = numeric_specs(path)
    assert quizzes.count() == len(specs), f"{path}: {len(specs)} numeric quizzes in the HTML, {quizzes.count()} on the page"
    disagreements = []
    for i, spec in enumerate(specs):
        box, feedback = quizzes.nth(i).locator("input"), quizzes.nth(i).locator(".nnbook-quiz-feedback")
        box.scroll_into_view_if_needed()
        for n, typed in enumerate([c["typed"] for c in CASES] + answer_forms(spec["answer"])):
            box.fill(typed)
            if n % 2:
                box.press("Enter")
            else:
                quizzes.nth(i).locator("button").click()
            shown, verdict = feedback.evaluate("p => [p.textContent, p.className]")
            expected = quiz.grade_numeric(spec["answer"], typed, spec["rtol"], spec["atol"], spec["explanation"])
            if shown != expected.message or ("right" in verdict.split()) != expected.correct:
                disagreements.append(f"quiz {i}, typed {typed!r}: page [{verdict}] {shown!r}, Python {expected}")
        box.fill(typed_number.format_number(spec["answer"]))
        box.press("Enter")
        assert "right" in feedback.get_attribute("class").split(), f"{path}, quiz {i}: its own answer is not accepted"
    assert not disagreements, f"{len(disagreements)} disagreements on {path}:\n" + "\n".join(disagreements[:20])
    assert not problems, "\n".join(problems)
