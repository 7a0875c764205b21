"""The slider helper: control parsing, the frame budget, the static HTML form and the live widget."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from nnbook.interactive import Control, parse_control, plan_frames, slider_plot

Z = np.linspace(-3, 3, 50)


def draw_line(ax, w, b=0.0):
    ax.plot(Z, w * Z + b)
    ax.set_ylim(-10, 10)


def static_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" class="nnbook-slider-data">(.*?)</script>', html)
    return json.loads(match.group(1))


def test_numeric_control_grid_and_default():
    control = parse_control("w", (-1.0, 1.0, 0.5, 0.5))
    assert control.values == (-1.0, -0.5, 0.0, 0.5, 1.0)
    assert control.default == 3 and control.is_slider


def test_integer_control_stays_integer():
    control = parse_control("n", (1, 5, 2))
    assert control.values == (1, 3, 5) and all(isinstance(v, int) for v in control.values)
    assert control.default == 0


def test_dropdown_control():
    control = parse_control("f", ["relu", "tanh"])
    assert control == Control("f", ("relu", "tanh"), 0, False)


@pytest.mark.parametrize("spec", [(1, 0, 0.1), (0, 1, 0), (0, 1, 0.5, 3), "relu", [], (0, 1)])
def test_bad_control_specs_are_rejected(spec):
    with pytest.raises(ValueError, match="control 'x'"):
        parse_control("x", spec)


def test_full_grid_when_it_fits():
    controls = [parse_control("a", (0, 2, 1)), parse_control("f", ["x", "y"])]
    offered, keys, mode = plan_frames(controls, max_frames=6)
    assert mode == "grid" and len(keys) == len(set(keys)) == 6 and offered == [[0, 1, 2], [0, 1]]
    assert keys[0] == (0, 0)


def test_one_at_a_time_around_defaults_when_the_grid_is_too_big():
    controls = [parse_control("a", (0, 4, 1, 2)), parse_control("b", (0, 4, 1, 1))]
    offered, keys, mode = plan_frames(controls, max_frames=20)
    assert mode == "one at a time"
    assert len(keys) == 1 + 4 + 4
    assert all(sum(k != d for k, d in zip(key, (2, 1))) <= 1 for key in keys)


def test_long_sliders_are_thinned_keeping_ends_and_default():
    controls = [parse_control("a", (0, 100, 1, 37))]
    offered, keys, _ = plan_frames(controls, max_frames=30)
    assert len(keys) <= 30
    assert {0, 37, 100} <= set(offered[0])


def test_impossible_budget_says_what_to_do():
    controls = [parse_control("f", list("abcdefgh")), parse_control("g", list("abcdefgh"))]
    with pytest.raises(ValueError, match="raise max_frames"):
        plan_frames(controls, max_frames=5)


def test_static_html_has_one_frame_per_position_and_distinct_pictures():
    plot = slider_plot(draw_line, {"w": (-2, 2, 1, 1)})
    html = plot.static_html()
    data = static_data(html)
    assert len(data["images"]) == 5 and 'data-frames="5"' in html
    assert len(set(data["images"])) == 5, "moving the slider must change the picture"
    assert data["labels"] == [["-2", "-1", "0", "1", "2"]]
    assert data["frames"][str(data["defaults"][0])] == int(re.search(r'data-frame="(\d+)"', html).group(1))
    assert html.count('type="range"') == 1 and "<script>" in html


def test_static_html_with_dropdown_and_slider():
    def draw(ax, w, f):
        ax.plot(Z, {"lin": Z, "sq": Z**2}[f] * w)

    html = slider_plot(draw, {"w": (1, 3, 1, 2), "f": ["lin", "sq"]}).static_html()
    data = static_data(html)
    assert len(data["images"]) == 6 and set(data["frames"]) == {f"{i},{j}" for i in range(3) for j in range(2)}
    assert "<select" in html and '<option value="0" selected>lin</option>' in html


def test_frames_are_compressed():
    html = slider_plot(draw_line, {"w": (-2, 2, 0.5, 1.0)}).static_html()
    assert len(html) / len(static_data(html)["images"]) < 20_000


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
    assert calls == ["draw", "update", "update"]


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
