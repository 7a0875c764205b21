"""The static slider form against the live one, on small pages made here (no book build needed).

For each kind of figure the book draws (a line plot, a contour surface with markers and boxed
labels, bars with an update function, a network diagram with scatter circles, an image), the
page is set to random combinations of all its controls in Chromium, and the canvas the
painter draws is compared with the PNG the live Jupyter widget shows for the same setting.
Then keyboard use, screen-reader labels and a phone-width screen.
"""

from __future__ import annotations

import base64
import io
import random

import numpy as np
import pytest
from PIL import Image, ImageFilter

from nnbook import plotting
from nnbook.activations import ACTIVATIONS, softmax, sigmoid
from nnbook.interactive import SliderPlot, slider_plot

Z = np.linspace(-6, 6, 241)
CORNERS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
P1, P2 = np.meshgrid(np.linspace(-1, 2, 61), np.linspace(-1, 2, 61))


def line_plot() -> SliderPlot:
    def draw(ax, w, b, activation):
        f, _ = ACTIVATIONS[activation]
        ax.plot(Z, f(w * Z + b))
        ax.axhline(0, color="0.5", linewidth=0.8)
        ax.set(xlim=(-6, 6), ylim=(-1.2, 2.2), xlabel="input z", title=f"y = {activation}({w:g}·z + {b:g})")

    return slider_plot(draw, {"w": (-3, 3, 0.5, 1.0), "b": (-2, 2, 1.0, 0.0), "activation": ["sigmoid", "tanh", "relu"]})


def surface() -> SliderPlot:
    def draw(ax, w1, w2, b):
        z = w1 * P1 + w2 * P2 + b
        ax.contourf(P1, P2, sigmoid(z), levels=np.linspace(0, 1, 11), cmap="viridis")
        if z.min() < 0 < z.max():
            ax.contour(P1, P2, z, levels=[0], colors="black", linewidths=2)
        for corner, out in zip(CORNERS, sigmoid(CORNERS @ np.array([w1, w2]) + b)):
            ax.plot(*corner, "o", ms=9, mfc="white", mec="black")
            ax.annotate(f"{out:.2f}", corner, xytext=(6, 6), textcoords="offset points", fontsize=9, backgroundcolor="white")
        ax.set(xlim=(-1, 2), ylim=(-1, 2), xlabel="$x_1$", aspect="equal", title=f"w = ({w1:g}, {w2:g}), b = {b:g}")
        ax.grid(False)

    return slider_plot(draw, {"w1": (-2, 2, 1, 1), "w2": (-2, 2, 1, 1), "b": (-3, 3, 1.5, 0)}, figsize=(5, 4.6))


def bars() -> SliderPlot:
    def draw(axes, a1, a2, T):
        logit_bars = axes[0].bar(["a", "b"], [a1, a2], color="#888888")
        axes[0].set_ylim(-3.5, 3.5)
        prob_bars = axes[1].bar(["a", "b"], softmax(np.array([a1, a2]) / T))
        axes[1].set_ylim(0, 1.1)
        labels = [axes[1].text(k, 0, "", ha="center") for k in range(2)]

        def update(a1, a2, T):
            for bar, v in zip(logit_bars, (a1, a2)):
                bar.set_height(v)
            for bar, text, v in zip(prob_bars, labels, softmax(np.array([a1, a2], float) / T)):
                bar.set_height(v)
                text.set_position((text.get_position()[0], v + 0.03))
                text.set_text(f"{v:.3f}")
            axes[1].set_title(f"T = {T:g}")

        update(a1, a2, T)
        return update

    return slider_plot(draw, {"a1": (-3, 3, 1, 2), "a2": (-3, 3, 1, 0), "T": (0.5, 2.0, 0.5, 1.0)}, ncols=2, figsize=(7, 3))


def diagram() -> SliderPlot:
    def draw(ax, hidden, classes):
        plotting.draw_network(ax, [3, hidden, classes], labels=["in", "hidden", "out"], max_neurons=6)
        ax.set_title(f"{3 * hidden + hidden * classes} weights")

    return slider_plot(draw, {"hidden": (1, 8, 1, 4), "classes": [2, 3]}, figsize=(5, 3))


def image() -> SliderPlot:
    grid = np.linspace(-1, 1, 24)

    def draw(ax, s):
        ax.imshow(np.sin(s * grid[:, None]) * np.cos(s * grid[None, :]), vmin=-1, vmax=1, interpolation="nearest")
        ax.set_title(f"s = {s:g}")

    return slider_plot(draw, {"s": (1.0, 4.0, 1.0, 2.0)}, figsize=(4, 4))


KINDS = {"line": line_plot, "surface": surface, "bars": bars, "diagram": diagram, "image": image}

# After a 3x3 blur (so one-pixel antialiasing differences between Agg and the canvas fade),
# the share of pixels whose colour differs by more than 48 of 255. Measured: at most 0.008
# for the same setting (thin lines and glyph edges), at least 0.027 for a different one.
SAME_PICTURE = 0.012


def difference(a: np.ndarray, b: np.ndarray) -> float:
    blur = ImageFilter.BoxBlur(1)
    a = np.asarray(Image.fromarray(a).filter(blur)).astype(int)
    b = np.asarray(Image.fromarray(b).filter(blur)).astype(int)
    return float(np.mean(np.abs(a - b).max(axis=2) > 48))


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


@pytest.fixture()
def open_figure(browser, tmp_path):
    """Write a figure's static HTML into a page, open it; yields (page, problems)."""
    contexts = []

    def open_page(plot: SliderPlot, width: int = 1000, theme: str = "light", scale: float = 1):
        path = tmp_path / "figure.html"
        path.write_text(f'<!doctype html><html data-theme="{theme}"><meta charset="utf-8"><body>{plot.static_html()}</body></html>')
        context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=scale)
        contexts.append(context)
        page = context.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type in ("error", "warning") else None)
        page.goto(path.as_uri())
        return page, problems

    yield open_page
    for context in contexts:
        context.close()


def set_controls(page, plot: SliderPlot, positions: list[int]) -> int:
    """Move every control to ``positions`` (indices into its offered positions); return the combination."""
    combo = 0
    for control, spec, k in zip(page.locator("[data-control]").all(), plot.controls, positions):
        if spec.is_slider:
            control.fill(str(k))
        else:
            control.select_option(str(k))
    sizes = page.evaluate("() => JSON.parse(document.querySelector('.nnbook-slider-meta').textContent).sizes")
    for size, k in zip(sizes, positions):
        combo = combo * size + k
    page.wait_for_function(
        "c => { const r = document.querySelector('.nnbook-slider'); "
        "return r.dataset.combo == c && !r.querySelector('canvas').hidden && r.dataset.painted == c; }",
        arg=combo,
    )
    return combo


def canvas_pixels(page) -> np.ndarray:
    url = page.evaluate("() => document.querySelector('.nnbook-slider canvas').toDataURL('image/png')")
    return pixels(base64.b64decode(url.split(",", 1)[1]))


@pytest.mark.parametrize("kind", list(KINDS))
def test_static_and_live_show_the_same_picture(open_figure, kind):
    plot = KINDS[kind]()
    page, problems = open_figure(plot)
    rng = random.Random(kind)
    pictures = []
    for _trial in range(3):
        positions = [rng.randrange(len(c.values)) for c in plot.controls]
        set_controls(page, plot, positions)
        static = canvas_pixels(page)
        values = {c.name: c.values[k] for c, k in zip(plot.controls, positions)}
        live = pixels(plot.live_png(**values))
        assert static.shape == live.shape
        assert difference(static, live) < SAME_PICTURE, f"{kind} at {values}: the page's picture differs from the live one"
        pictures.append((values, static, live))
    # The measure can tell settings apart: a picture against another setting's live picture.
    (values_a, static_a, _), (values_b, _, live_b) = pictures[0], pictures[1]
    if values_a != values_b:
        assert difference(static_a, live_b) > SAME_PICTURE
    assert not problems, "\n".join(problems)


def test_first_paint_needs_no_script(open_figure):
    page, _ = open_figure(line_plot())
    assert page.evaluate("() => { const i = document.querySelector('.nnbook-slider img'); return i.complete && i.naturalWidth > 0 && !i.hidden; }")
    assert page.evaluate("() => document.querySelector('.nnbook-slider canvas').hidden")


def test_arrow_keys_move_a_slider_and_its_label_is_read_out(open_figure):
    plot = line_plot()
    page, problems = open_figure(plot)
    w = page.locator('[data-control="w"]')
    w.focus()
    assert w.get_attribute("aria-valuetext") == "1"
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => !document.querySelector('.nnbook-slider canvas').hidden")
    assert w.input_value() == "9" and w.get_attribute("aria-valuetext") == "1.5"
    assert page.locator('label:has([data-control="w"]) output').inner_text() == "1.5"
    assert page.evaluate("() => document.querySelector('.nnbook-slider label:has([data-control=\"w\"])').textContent.trim().startsWith('w')")
    select = page.locator('[data-control="activation"]')
    select.focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_function("() => document.querySelector('.nnbook-slider').dataset.painted == document.querySelector('.nnbook-slider').dataset.combo")
    assert select.input_value() == "1"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_controls_fit_a_phone_and_read_on_both_themes(open_figure, theme):
    page, problems = open_figure(surface(), width=360, theme=theme)
    sizes = page.evaluate(
        "() => { const r = document.querySelector('.nnbook-slider'); const img = r.querySelector('img');"
        "return [document.documentElement.scrollWidth, window.innerWidth, img.getBoundingClientRect().width,"
        "Math.max(...Array.from(r.querySelectorAll('label')).map(l => l.getBoundingClientRect().right))]; }"
    )
    page_width, viewport, picture, rightmost = sizes
    assert page_width <= viewport and picture <= viewport and rightmost <= viewport, sizes
    assert not problems, "\n".join(problems)


def test_a_high_density_screen_gets_a_sharp_canvas_of_the_same_size(open_figure):
    page, problems = open_figure(line_plot(), scale=2)
    before = page.evaluate("() => document.querySelector('.nnbook-slider img').getBoundingClientRect().width")
    page.locator('[data-control="b"]').fill("0")
    page.wait_for_function("() => document.querySelector('.nnbook-slider').dataset.painted !== undefined")
    size = page.evaluate("() => { const c = document.querySelector('.nnbook-slider canvas'); return [c.width, c.getBoundingClientRect().width]; }")
    assert size == [2 * before, before]
    assert not problems, "\n".join(problems)
