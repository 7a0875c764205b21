"""The scene encoder: a figure's content as items a page can repaint, in matplotlib's pixels."""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from nnbook.scene import SceneEncoder, background_signature, draw_order, encode_frames


def figure():
    fig = Figure(figsize=(3, 2), dpi=80)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.set(xlim=(0, 1), ylim=(0, 1))
    return fig, ax


def items_of(fig):
    encoder = SceneEncoder(fig)
    frame = encoder.frame()
    data = encoder.data()
    return data, [data["items"][k] for k in data["frames"][frame]]


def test_scatter_points_become_marker_items_grouped_by_colour():
    fig, ax = figure()
    ax.scatter([0.2, 0.4, 0.6], [0.5, 0.5, 0.5], c=["red", "blue", "red"], s=30)
    data, items = items_of(fig)
    markers = [item for item in items if item[0] == 1]
    assert len(markers) == 2
    fills = sorted(data["styles"][m[1]][1] for m in markers)
    assert fills == ["#0000ffff", "#ff0000ff"]
    red = next(m for m in markers if data["styles"][m[1]][1] == "#ff0000ff")
    x_display = ax.transData.transform([[0.2, 0.5], [0.6, 0.5]])[:, 0]
    assert np.allclose(np.cumsum(red[3][0::2]) / 4, np.round(x_display))


def test_a_boxed_label_is_its_box_then_its_text_line():
    fig, ax = figure()
    ax.annotate("0.82", (0.5, 0.5), xytext=(6, 6), textcoords="offset points", backgroundcolor="white")
    data, items = items_of(fig)
    kinds = [item[0] for item in items]
    text = next(item for item in items if item[0] == 2)
    assert text[6] == "0.82" and kinds.index(0) < kinds.index(2)
    anchor = ax.transData.transform([0.5, 0.5]) + 6 * 80 / 72
    assert abs(text[3] - anchor[0]) < 1 and abs(text[4] - (data["height"] - anchor[1])) < 1


def test_changing_mathtext_and_images_are_rasterised():
    fig, ax = figure()
    ax.text(0.5, 0.5, "$w_1 = 2$")
    _, items = items_of(fig)
    assert any(item[0] == 3 and item[1] > 0 for item in items)  # a crop, not the full-size axes layer


def test_content_is_painted_between_the_axes_layers_in_zorder():
    fig, ax = figure()
    ax.bar([0.5], [0.5], width=0.2)  # zorder 1: under the grid and the spines
    ax.plot([0, 1], [0, 1])  # zorder 2
    order = [(type(a).__name__, content) for a, content in draw_order(fig)]
    contents = [i for i, (_, content) in enumerate(order) if content]
    axes_parts = [i for i, (name, _) in enumerate(order) if name in ("XAxis", "Spine")]
    assert min(contents) < max(axes_parts)
    assert order[contents[0]][0] == "Rectangle" and order[contents[1]][0] == "Line2D"


def test_the_axes_signature_and_equal_settings_sharing_a_frame():
    fig, ax = figure()
    before = background_signature(fig)
    ax.set_xlim(0, 2)
    assert background_signature(fig) != before

    def draw(top):
        ax.lines[0].remove() if ax.lines else None
        ax.plot([0, 1], [0, top], color="black")

    data, frame_of = encode_frames(fig, [0.2, 0.8, 0.2], draw)
    assert frame_of[0] == frame_of[2] != frame_of[1]
    assert len(data["frames"]) == 2
