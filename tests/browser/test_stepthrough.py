"""The backpropagation step-through (chapter 6) in the built book, without a kernel.

Types wrong and right values into the first figure and checks the verdicts, that a right
value is revealed on the diagram, that Next, Back, Reveal all and Start again move through the
35 steps, and that the values the page shows are the ones the library computed (the page's
script only reveals them). Run after `make book`, like the rest of the browser suite.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from conftest import SITE
from nnbook.examples import S2_EXAMPLE
from nnbook.stepthrough import build_steps

PAGE = "book/06_backprop.html"


@pytest.fixture()
def page_at(browser, site_url):
    """Open a page, recording script errors and requests that leave 127.0.0.1: (page, problems)."""
    contexts = []

    def open_page(path: str):
        if not (SITE / path).is_file():
            pytest.fail(f"{path} is not in the built book: run `make book` first")
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("request", lambda r: None if r.url.startswith(("data:", "blob:")) or urlparse(r.url).hostname == "127.0.0.1"
                else problems.append(f"request leaves the machine: {r.url}"))
        page.goto(site_url + path, wait_until="load")
        return page, problems

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture()
def figure(page_at):
    page, problems = page_at(PAGE)
    root = page.locator(".nnbook-stepthrough").first
    root.scroll_into_view_if_needed()
    yield page, root
    assert not problems, "\n".join(problems)


def slot(root, k: int) -> str:
    return root.locator(f'[data-step="{k}"]').text_content()


def test_every_chapter_figure_starts_at_step_one(page_at):
    page, problems = page_at(PAGE)
    figures = page.locator(".nnbook-stepthrough")
    assert figures.count() == 2, "chapter 6 shows a step-through for each worked example"
    for i in range(figures.count()):
        root = figures.nth(i)
        assert root.get_attribute("data-current") == "0"
        assert "Step 1 of 35" in root.locator(".st-where").inner_text()
        assert slot(root, 0) == "?" and slot(root, 1) == ""
    assert not problems, "\n".join(problems)


def test_wrong_values_are_refused_and_a_right_one_is_revealed(figure):
    page, root = figure
    steps = build_steps(S2_EXAMPLE)
    feedback = root.locator(".st-feedback")
    for typed, words in (("0.5", "too high"), ("0.2", "too low"), ("abc", "not a number"), ("0,3775", "dot")):
        root.locator(".st-input").fill(typed)
        root.locator(".st-check").click()
        assert "wrong" in feedback.get_attribute("class"), typed
        assert words in feedback.inner_text(), (typed, feedback.inner_text())
        assert slot(root, 0) == "?"
    root.locator(".st-input").fill("0.3775")
    root.locator(".st-input").press("Enter")
    assert "right" in feedback.get_attribute("class")
    assert slot(root, 0) == steps[0].shown == "0.3775"
    assert root.locator(".st-numbers").inner_text().endswith("= 0.377500000")
    assert root.locator(".st-check").is_disabled()


def test_next_back_and_the_highlighted_parts(figure):
    page, root = figure
    steps = build_steps(S2_EXAMPLE)
    root.locator(".st-next").click()
    assert root.get_attribute("data-current") == "1"
    assert slot(root, 0) == steps[0].shown and slot(root, 1) == "?"
    highlighted = root.locator(".st-hl").evaluate_all("els => els.map(e => e.getAttribute('data-id'))")
    assert sorted(highlighted) == sorted(steps[1].focus)
    root.locator(".st-input").fill(f"{steps[1].value:.4f}")   # 0.5933: within 0.5 %
    root.locator(".st-check").click()
    assert "right" in root.locator(".st-feedback").get_attribute("class")
    root.locator(".st-back").click()
    assert root.get_attribute("data-current") == "0" and slot(root, 0) == "?" and slot(root, 1) == ""
    assert root.locator(".st-back").is_disabled()


def test_an_updated_weight_needs_its_change(figure):
    page, root = figure
    steps = build_steps(S2_EXAMPLE)
    k = next(i for i, s in enumerate(steps) if s.key == "w1+")
    for _ in range(k):
        root.locator(".st-next").click()
    assert "Update" in root.locator(".st-where").inner_text()
    root.locator(".st-input").fill("0.15")                    # the old weight
    root.locator(".st-check").click()
    assert "wrong" in root.locator(".st-feedback").get_attribute("class")
    root.locator(".st-input").fill("0.149781")
    root.locator(".st-check").click()
    assert "right" in root.locator(".st-feedback").get_attribute("class")


def test_reveal_all_shows_the_library_values_and_start_again_hides_them(figure):
    page, root = figure
    steps = build_steps(S2_EXAMPLE)
    root.locator(".st-all").click()
    assert root.get_attribute("data-current") == "35"
    assert "Done" in root.locator(".st-where").inner_text()
    shown = [slot(root, k) for k in range(len(steps))]
    assert shown == [s.shown for s in steps]
    assert root.locator(".st-next").is_disabled() and root.locator(".st-input").is_disabled()
    root.locator(".st-restart").click()
    assert slot(root, 0) == "?" and all(slot(root, k) == "" for k in range(1, len(steps)))


# Every label of the diagram, in CSS pixels as drawn: the smallest font size (subscripts
# included) and the pairs of labels whose boxes overlap by more than half a pixel.
LABELS = """root => {
    const svg = root.querySelector('svg');
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const labels = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim());
    let smallest = Infinity, smallestText = '';
    for (const t of labels) {
        for (const part of [t, ...t.querySelectorAll('tspan')].filter(e => e.textContent.trim())) {
            const px = parseFloat(getComputedStyle(part).fontSize) * scale;
            if (px < smallest) { smallest = px; smallestText = t.textContent; }
        }
    }
    const boxes = labels.map(t => [t.textContent, t.getBoundingClientRect()]);
    const clashes = [];
    boxes.forEach(([a, r], i) => boxes.slice(i + 1).forEach(([b, s]) => {
        if (r.left < s.right - 0.5 && s.left < r.right - 0.5 && r.top < s.bottom - 0.5 && s.top < r.bottom - 0.5) {
            clashes.push(a + ' / ' + b);
        }
    }));
    return {smallest, smallestText, clashes};
}"""


def test_every_label_is_legible_and_none_overlaps_when_all_are_shown(page_at):
    page, problems = page_at(PAGE)
    figures = page.locator(".nnbook-stepthrough")
    for i in range(figures.count()):
        root = figures.nth(i)
        root.scroll_into_view_if_needed()
        root.locator(".st-all").click()
        labels = root.evaluate(LABELS)
        assert labels["smallest"] >= 9.0, f"figure {i + 1}: '{labels['smallestText']}' is drawn at {labels['smallest']:.1f} px"
        assert not labels["clashes"], f"figure {i + 1}: overlapping labels: {labels['clashes']}"
    assert not problems, "\n".join(problems)
