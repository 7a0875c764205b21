"""Drive every page of the built book in headless Chromium.

For every page: no JavaScript error, no request leaving 127.0.0.1, all maths typeset, every
image loaded, a screenshot in light and dark themes under _build/screenshots/. Then the
interactive parts: every quiz answers a click, every interview answer stays folded until
clicked. The static sliders have their own file, test_slider_site.py (random combinations of
every control).
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from conftest import SCREENSHOTS, book_pages

PAGES = book_pages()

# Console messages that are not our bugs and cannot be removed by configuration, each as
# (regular expression, reason it cannot be fixed). Empty: the known noise of a stock Jupyter
# Book v1 build is removed in _config.yml (sphinx-thebe dropped, html_context.default_mode set,
# a favicon) and by book/_ext/widget_pages.py (no widget manager where no widget is shown).
ALLOWED_CONSOLE: list[tuple[str, str]] = []

PAGE_BUDGET = 3_000_000  # a page's own bytes; the theme and MathJax in _static/ are shared and cached
RAW_LATEX = re.compile(r"(\$[^$\s][^$]*\$|\\\(|\\\)|\\\[|\\\]|\\frac|\\sum|\\begin\{)")


def allowed(text: str) -> bool:
    return any(re.search(pattern, text) for pattern, _reason in ALLOWED_CONSOLE)


@pytest.fixture()
def page_at(browser, site_url):
    """Open a page with error and network recording; yields (page, problems)."""
    contexts = []

    def open_page(path: str, theme: str = "light"):
        scheme = "light" if theme == "first-visit" else theme
        context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
        if theme != "first-visit":
            context.add_init_script(f"localStorage.setItem('mode', '{theme}'); localStorage.setItem('theme', '{theme}');")
        contexts.append(context)
        page = context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on(
            "console",
            lambda msg: problems.append(f"console {msg.type}: {msg.text}")
            if msg.type in ("error", "warning") and not allowed(msg.text)
            else None,
        )

        def check_request(request) -> None:
            host = urlparse(request.url).hostname
            if request.url.startswith(("data:", "blob:", "about:")) or host == "127.0.0.1":
                return
            problems.append(f"request leaves the machine: {request.url}")

        page.on("request", check_request)
        page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
        page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} {r.failure}"))
        page.goto(site_url + path, wait_until="load")
        page.wait_for_function("() => !window.MathJax || !MathJax.startup || MathJax.startup.promise", timeout=20_000)
        page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
        return page, problems

    yield open_page
    for context in contexts:
        context.close()


def screenshot_name(path: str, theme: str) -> str:
    return path.replace("/", "_").removesuffix(".html") + f"-{theme}.png"


def test_there_are_pages():
    assert PAGES, "no built pages found: run `make book` first"


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("theme", ["light", "dark", "first-visit"])
def test_page_loads_cleanly(page_at, path, theme):
    """A first visit has no stored theme: the page must pick one (light here) without errors."""
    page, problems = page_at(path, theme)
    assert page.evaluate("document.documentElement.dataset.theme") == ("light" if theme == "first-visit" else theme)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / screenshot_name(path, theme)), full_page=True)
    broken = page.evaluate(
        "() => Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src.slice(0, 80))"
    )
    assert not broken, f"images not loaded: {broken}"
    assert not problems, "\n".join(problems)
    weight = page.evaluate(
        "() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))"
        ".filter(e => !e.name.includes('/_static/')).reduce((total, e) => total + e.decodedBodySize, 0)"
    )
    assert weight < PAGE_BUDGET, f"{path} weighs {weight / 1e6:.2f} MB without the shared _static assets (budget 3 MB)"


@pytest.mark.parametrize("path", PAGES)
def test_maths_is_typeset(page_at, path):
    page, _ = page_at(path)
    text = page.evaluate(
        """() => {
        const root = document.querySelector('article') || document.body;
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {acceptNode: n =>
            n.parentElement.closest('pre, code, script, style, mjx-container, .highlight, textarea')
            ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
        const parts = []; while (walker.nextNode()) parts.push(walker.currentNode.textContent);
        return parts.join(' ');
        }"""
    )
    raw = sorted(set(RAW_LATEX.findall(text)))
    assert not raw, f"raw LaTeX left in the text: {raw[:10]}"
    math_nodes = page.locator("span.math, div.math").count()
    if math_nodes:
        assert page.locator("mjx-container").count() >= math_nodes, "some maths has no MathJax container"


@pytest.mark.parametrize("path", PAGES)
def test_every_quiz_answers_clicks(page_at, path):
    page, problems = page_at(path)
    quizzes = page.locator(".nnbook-quiz")
    for i in range(quizzes.count()):
        quiz = quizzes.nth(i)
        quiz.scroll_into_view_if_needed()
        feedback = quiz.locator(".nnbook-quiz-feedback")
        if quiz.locator("input").count():
            quiz.locator("input").fill("not a number")
            quiz.locator("button").click()
            assert "wrong" in feedback.get_attribute("class")
            answer = page.evaluate("q => JSON.parse(q.dataset.quiz).answer", quiz.element_handle())
            quiz.locator("input").fill(repr(answer))
            quiz.locator("button").click()
            assert "right" in feedback.get_attribute("class"), f"quiz {i} on {path}: right answer not accepted"
        else:
            answer = page.evaluate("q => JSON.parse(q.dataset.quiz).answer", quiz.element_handle())
            buttons = quiz.locator("button")
            for b in range(buttons.count()):
                buttons.nth(b).click()
                verdict = "right" if b == answer else "wrong"
                assert verdict in feedback.get_attribute("class"), f"quiz {i} on {path}: option {b} not marked {verdict}"
        assert feedback.inner_text().strip()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", PAGES)
def test_interview_answers_fold_until_clicked(page_at, path):
    page, _ = page_at(path)
    questions = page.locator(".admonition.interview")
    for i in range(questions.count()):
        question = questions.nth(i)
        details = question.locator("details")
        assert details.count() == 1, f"interview question {i} on {path} has no folded answer"
        body = details.locator(".sd-summary-content")
        assert not body.is_visible(), f"interview answer {i} on {path} is not folded"
        details.locator("summary").click()
        assert body.is_visible(), f"interview answer {i} on {path} did not open on click"
