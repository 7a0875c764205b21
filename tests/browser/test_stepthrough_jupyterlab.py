"""Chapter 6's step-through is live in JupyterLab: the kernel grades a typed value and redraws.

tests/browser/test_stepthrough.py drives the static form of the figure in the built book; this
module drives the other form, the ipywidgets view a reader gets in Jupyter. It reuses the
JupyterLab server of test_jupyterlab.py (loopback only, temporary Jupyter directories),
saves a two-cell notebook into it through JupyterLab's own contents service, runs it in
headless Chromium, types a wrong and then a right value for the first step and moves on:
every verdict and every revealed value can only come from the kernel.
"""

from __future__ import annotations

from test_jupyterlab import KERNEL_TIMEOUT_MS, RUN_TIMEOUT_MS, lab_page, lab_url  # noqa: F401 (fixtures)

from nnbook.examples import S2_EXAMPLE
from nnbook.stepthrough import build_steps

NOTEBOOK = "stepthrough.ipynb"
CELLS = [
    "from nnbook.examples import S2_EXAMPLE\nfrom nnbook.stepthrough import step_through",
    "step_through(S2_EXAMPLE)",
]
OUTPUT = ".jp-OutputArea-output"
REPLY_TIMEOUT_MS = 10_000  # one button press until the kernel's redraw arrives

SAVE_NOTEBOOK = """async ([path, sources]) => {
    const cells = sources.map(source => ({cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null}));
    const content = {cells, metadata: {kernelspec: {name: 'python3', display_name: 'Python 3', language: 'python'}},
                     nbformat: 4, nbformat_minor: 5};
    await window.jupyterapp.serviceManager.contents.save(path, {type: 'notebook', format: 'json', content});
}"""
KERNEL_IDLE = """() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const session = panel && panel.sessionContext;
    return session && session.session && session.session.kernel
        && session.session.kernel.status === 'idle' && panel.context.isReady;
}"""


def button(page, label: str):
    return page.locator(f"{OUTPUT} button.widget-button", has_text=label).first


def test_the_kernel_grades_reveals_and_moves_on(lab_page, lab_url):  # noqa: F811 (fixtures)
    page, outside = lab_page
    page.goto(lab_url + "lab", wait_until="domcontentloaded")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.serviceManager", timeout=KERNEL_TIMEOUT_MS)
    page.evaluate(SAVE_NOTEBOOK, [NOTEBOOK, CELLS])
    page.goto(lab_url + "lab/tree/" + NOTEBOOK, wait_until="domcontentloaded")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=KERNEL_TIMEOUT_MS)
    page.wait_for_function(KERNEL_IDLE, timeout=KERNEL_TIMEOUT_MS)
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")

    steps = build_steps(S2_EXAMPLE)
    first_slot = page.locator(f'{OUTPUT} .nnbook-st-svg [data-step="0"]')
    first_slot.wait_for(state="attached", timeout=RUN_TIMEOUT_MS)
    # JupyterLab chose the live widget view, not the static HTML form of the book.
    assert page.locator(f"{OUTPUT} .nnbook-stepthrough").count() == 0
    assert "Step 1 of 35" in page.locator(OUTPUT).inner_text()
    assert first_slot.text_content() == "?"

    box = page.locator(f"{OUTPUT} .widget-text input").first
    box.fill("0.5")
    button(page, "Check").click()
    feedback = page.locator(f"{OUTPUT} .widget-html", has_text="too high")
    feedback.first.wait_for(timeout=REPLY_TIMEOUT_MS)
    assert first_slot.text_content() == "?", "a wrong value must not be revealed"

    box.fill("0.3775")
    button(page, "Check").click()
    page.wait_for_function(
        "sel => { const el = document.querySelector(sel); return el && el.textContent === '0.3775'; }",
        arg=f'{OUTPUT} .nnbook-st-svg [data-step="0"]',
        timeout=REPLY_TIMEOUT_MS,
    )
    assert steps[0].shown == "0.3775"
    assert page.locator(f"{OUTPUT} .widget-html", has_text="= 0.377500000").count() == 1
    assert button(page, "Check").is_disabled()

    button(page, "Next").click()
    page.locator(f"{OUTPUT} .widget-html", has_text="Step 2 of 35").first.wait_for(timeout=REPLY_TIMEOUT_MS)
    assert page.locator(f'{OUTPUT} .nnbook-st-svg [data-step="1"]').text_content() == "?"
    highlighted = page.locator(f"{OUTPUT} .nnbook-st-svg .st-hl").evaluate_all(
        "els => els.map(e => e.getAttribute('data-id'))"
    )
    assert sorted(highlighted) == sorted(steps[1].focus)
    assert not outside, "requests tried to leave the machine:\n" + "\n".join(outside)

