"""The book's figure helpers: style, PNG export, decision regions, class scatter plots, network diagrams."""

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402
from PIL import Image  # noqa: E402

from nnbook import plotting  # noqa: E402


@pytest.fixture
def ax():
    fig, ax = plt.subplots(figsize=(4, 3))
    yield ax
    plt.close(fig)


def test_book_style_is_opaque_white_with_dark_ink():
    style = plotting.book_style()
    assert style["figure.facecolor"] == "white" and style["savefig.transparent"] is False
    assert style["text.color"] == plotting.INK == style["xtick.color"]
    plotting.use_book_style()
    assert matplotlib.rcParams["axes.facecolor"] == "white"


def test_column_width_fits_the_672_pixel_column_at_100_dpi_with_its_margin():
    assert (plotting.COLUMN_WIDTH + 2 * 0.1) * 100 <= 672


def test_figure_png_is_a_palette_png_with_at_most_max_colors(ax):
    ax.plot([0, 1], [0, 1])
    image = Image.open(io.BytesIO(plotting.figure_png(ax.figure, max_colors=16)))
    assert image.format == "PNG" and image.mode == "P" and len(image.getcolors()) <= 16
    with pytest.raises(ValueError, match="between 2 and 256"):
        plotting.figure_png(ax.figure, max_colors=1)


def test_grid_values_evaluates_every_point_and_accepts_column_outputs():
    g1, g2, v = plotting.grid_values(lambda p: p[:, :1] + 2 * p[:, 1:], (0, 1), (-1, 1), resolution=5)
    assert g1.shape == g2.shape == v.shape == (5, 5)
    np.testing.assert_allclose(v, g1 + 2 * g2)
    assert g1[0, 0] == 0 and g1[0, -1] == 1 and g2[0, 0] == -1 and g2[-1, 0] == 1


def test_grid_values_names_the_fix_when_fn_returns_several_values_per_point():
    with pytest.raises(ValueError, match=r"one value per point.*pick one column"):
        plotting.grid_values(lambda p: np.zeros((len(p), 3)), (0, 1), (0, 1), resolution=4)


def test_decision_boundary_draws_the_line_w_x_plus_b_equals_zero(ax):
    w, b = np.array([1.0, 2.0]), -1.0
    lines = plotting.decision_boundary(ax, lambda p: p @ w + b, (-1, 2), (-1, 2))
    vertices = np.vstack([path.vertices for path in lines.get_paths()])
    np.testing.assert_allclose(vertices @ w + b, 0, atol=1e-9)


def test_decision_boundary_returns_none_when_the_score_never_crosses(ax):
    assert plotting.decision_boundary(ax, lambda p: p[:, 0] + 10, (0, 1), (0, 1)) is None


def test_decision_regions_tints_the_two_sides_and_sets_the_limits(ax):
    filled = plotting.decision_regions(ax, lambda p: p[:, 0] - 0.5, (0, 1), (0, 2), resolution=11)
    assert list(filled.levels) == [-0.5, 0.5, 1.5]
    assert ax.get_xlim() == (0, 1) and ax.get_ylim() == (0, 2)
    assert len(ax.collections) == 2  # the two tints, then the boundary


def test_decision_regions_shades_probabilities_in_ten_bands(ax):
    filled = plotting.decision_regions(ax, lambda p: 1 / (1 + np.exp(-p[:, 0])), (-3, 3), (-3, 3),
                                       threshold=0.5, probability=True)
    np.testing.assert_allclose(filled.levels, np.linspace(0, 1, 11))


def test_decision_regions_refuses_scores_outside_zero_one_as_probabilities(ax):
    with pytest.raises(ValueError, match=r"values in \[0, 1\].*probability=False"):
        plotting.decision_regions(ax, lambda p: p[:, 0], (-3, 3), (-3, 3), probability=True)


def test_scatter_classes_uses_crosses_for_class_0_and_circles_for_class_1(ax):
    points = np.array([[0, 0], [1, 1], [2, 2]], dtype=float)
    zero, one = plotting.scatter_classes(ax, points, np.array([0, 1, 1]), names=("no", "yes"))
    np.testing.assert_array_equal(zero.get_offsets(), [[0, 0]])
    np.testing.assert_array_equal(one.get_offsets(), [[1, 1], [2, 2]])
    assert zero.get_label() == "no" and one.get_label() == "yes"
    assert not np.allclose(zero.get_facecolor(), one.get_facecolor())


@pytest.mark.parametrize(
    ("points", "labels", "message"),
    [
        (np.zeros((3, 3)), np.zeros(3), r"points of shape \(M, 2\)"),
        (np.zeros((3, 2)), np.zeros(2), r"and 2 labels"),
        (np.zeros((3, 2)), np.array([0, 1, 2]), r"labelled 0 and 1"),
    ],
)
def test_scatter_classes_explains_bad_input(ax, points, labels, message):
    with pytest.raises(ValueError, match=message):
        plotting.scatter_classes(ax, points, labels)


def test_draw_network_draws_small_layers_circle_for_circle(ax):
    centres = plotting.draw_network(ax, [3, 4, 2])
    assert [len(c) for c in centres] == [3, 4, 2]
    assert [c[0, 0] for c in centres] == [0, 1, 2]
    assert not any(isinstance(p, FancyBboxPatch) for p in ax.patches)


def test_draw_network_makes_a_784_unit_layer_look_unlike_a_10_unit_one(ax):
    centres = plotting.draw_network(ax, [784, 10, 3], max_neurons=6)
    assert [len(c) for c in centres] == [5, 5, 3]  # max_neurons - 1 circles and a "⋮"
    blocks = sorted((p for p in ax.patches if isinstance(p, FancyBboxPatch)), key=lambda p: p.get_x())
    assert len(blocks) == 2 and blocks[0].get_width() > 1.5 * blocks[1].get_width()
    texts = [t.get_text() for t in ax.texts]
    assert "⋮ 784" in texts and "⋮ 10" in texts and "3" in texts


def test_draw_network_checks_its_arguments(ax):
    with pytest.raises(ValueError, match="one label per layer"):
        plotting.draw_network(ax, [2, 3], labels=["in"])
    with pytest.raises(ValueError, match="max_neurons >= 3"):
        plotting.draw_network(ax, [2, 3], max_neurons=2)
