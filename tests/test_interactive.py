"""The slider helper: the static HTML form, its scenes and the live widget (controls: test_slider_controls.py)."""

from __future__ import annotations

import base64
import gzip
import json
import re

import numpy as np
import pytest

from nnbook.interactive import slider_plot

Z = np.linspace(-3, 3, 50)


def draw_line(ax, w, b=0.0):
    ax.plot(Z, w * Z + b)
    ax.set_ylim(-10, 10)


def static_parts(html: str) -> tuple[dict, dict]:
    """The page's clear metadata (sizes, labels) and its decoded scene data."""
    meta = re.search(r'<script type="application/json" class="nnbook-slider-meta">(.*?)</script>', html).group(1)
    payload = re.search(r'<script type="application/octet-stream" class="nnbook-slider-data">(.*?)</script>', html).group(1)
    return json.loads(meta), json.loads(gzip.decompress(base64.b64decode(payload)))


def test_static_html_reaches_every_combination_with_distinct_scenes():
    plot = slider_plot(draw_line, {"w": (-2, 2, 1, 1), "b": (-1.0, 1.0, 1.0, 0.0)})
    html = plot.static_html()
    meta, data = static_parts(html)
    assert meta["sizes"] == [5, 3] and meta["labels"] == [["-2", "-1", "0", "1", "2"], ["-1", "0", "1"]]
    assert len(data["combos"]) == 15 and len(set(data["combos"])) == 15, "every setting must paint its own picture"
    assert 'data-combo="10"' in html  # defaults w=1 (index 3), b=0 (index 1): 3 * 3 + 1
    assert html.count('type="range"') == 2 and 'aria-valuetext="1"' in html
    assert "All 15 settings precomputed (5 w × 3 b); Jupyter recomputes each move live." in html


def test_scene_holds_the_library_numbers_in_pixels():
    """The line's vertices are matplotlib's own transform of the data, in quarter pixels."""
    plot = slider_plot(lambda ax, w: (ax.plot([0, 1], [0, w], solid_capstyle="butt"), ax.set(xlim=(0, 1), ylim=(0, 2))),
                       {"w": (1, 2, 1)})
    _, data = static_parts(plot.static_html())
    ax = plot.figure.axes[0]
    for combo, w in enumerate((1, 2)):
        plot.render(w=w)
        expected = ax.transData.transform([[0, 0], [1, w]])
        paths = [data["items"][k] for k in data["frames"][data["combos"][combo]] if data["items"][k][0] == 0]
        (line,) = [p for p in paths if data["styles"][p[1]][1] is not None and len(p[4]) == 4]
        x0, y0, dx, dy = (v / 4 for v in line[4])
        assert np.allclose([x0, y0, x0 + dx, y0 + dy], [expected[0, 0], data["height"] - expected[0, 1],
                                                        expected[1, 0], data["height"] - expected[1, 1]], atol=0.13)


def test_changing_axes_between_settings_is_an_error():
    def draw(ax, top):
        ax.plot([0, 1], [0, 1])
        ax.set_ylim(0, top)

    with pytest.raises(ValueError, match="changes the axes"):
        slider_plot(draw, {"top": (1, 2, 1)}).static_html()


def test_static_html_with_dropdown_and_slider():
    def draw(ax, w, f):
        ax.plot(Z, {"lin": Z, "sq": Z**2}[f] * w)
        ax.set(xlim=(-3, 3), ylim=(-10, 10))

    html = slider_plot(draw, {"w": (1, 3, 1, 2), "f": ["lin", "sq"]}).static_html()
    meta, data = static_parts(html)
    assert meta["sizes"] == [3, 2] and len(data["combos"]) == 6
    assert "<select" in html and '<option value="0" selected>lin</option>' in html


def test_size_limit_is_enforced():
    with pytest.raises(ValueError, match="max_bytes"):
        slider_plot(draw_line, {"w": (-2, 2, 1, 1)}, max_bytes=1000).static_html()


def test_unsupported_artists_are_rasterised():
    grid = np.random.default_rng(0).random((5, 5))
    _, data = static_parts(slider_plot(lambda ax, s: ax.imshow(grid * s, vmin=0, vmax=3), {"s": (1, 3, 1)}).static_html())
    assert len(set(data["combos"])) == 3
    assert any(item[0] == 3 for item in data["items"])


def test_mime_bundle_carries_widget_view_and_static_html():
    bundle = slider_plot(draw_line, {"w": (-2, 2, 1, 1)})._repr_mimebundle_()
    assert {"application/vnd.jupyter.widget-view+json", "text/html", "text/plain"} <= set(bundle)


def test_live_widget_redraws_on_change():
    plot = slider_plot(draw_line, {"w": (-2, 2, 1, 1), "b": (-1, 1, 1, 0)})
    image, controls = plot.widget.children
    before = image.value
    controls.children[0].value = -2
    assert image.value != before and bytes(image.value).startswith(b"\x89PNG")


def test_update_function_is_used_after_the_first_draw():
    calls = []

    def draw(ax, w):
        (line,) = ax.plot(Z, w * Z)
        calls.append("draw")

        def update(w):
            line.set_ydata(w * Z)
            calls.append("update")

        return update

    plot = slider_plot(draw, {"w": (0, 2, 1)})
    plot.static_html()
    assert calls[:1] == ["draw"] and set(calls[1:]) == {"update"}


def test_colour_bars_are_redrawn_without_drifting():
    grid = np.random.default_rng(0).random((5, 5))

    def draw(ax, s):
        image = ax.imshow(grid * s)
        ax.figure.colorbar(image, ax=ax)

    plot = slider_plot(draw, {"s": (1.0, 3.0, 1.0, 1.0)})
    first = plot.png(s=1.0)
    plot.png(s=3.0)
    assert len(plot.figure.axes) == 2
    assert plot.png(s=1.0) == first
