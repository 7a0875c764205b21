"""The book's figure style and small plotting helpers shared by the chapters.

Figures are drawn on an opaque white background with dark ink, so they read the same on the
book's light and dark page themes (a transparent figure would put black axes on a black page).
Chinese labels use a CJK font when one is installed (Debian: ``fonts-noto-cjk``).

Call :func:`use_book_style` once at the top of a chapter; the slider helper
(:mod:`nnbook.interactive`) calls it for you.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import matplotlib
import numpy as np
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.contour import QuadContourSet
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch
from PIL import Image

from nnbook.surfaces import Surface

INK = "#1f2328"
PALETTE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"]
"""Okabe-Ito colours: distinguishable with the common colour-vision deficiencies."""

COLUMN_WIDTH = 6.5
"""Widest figure, in inches, that the book's text column shows at full size.

The column is 672 px wide on a 1280 px page; figures are drawn at 100 dpi and saved with a
0.1 in margin, so a 6.5 in figure fills about 670 px. A wider figure is shrunk to fit, and
its 10 pt tick labels (14 px) shrink with it. Give multi-panel figures
``figsize=(COLUMN_WIDTH, height)`` rather than more width.
"""

_CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "WenQuanYi Zen Hei")


def book_style() -> dict[str, object]:
    """Return the book's matplotlib rcParams (white opaque figure, dark ink, Okabe-Ito colours)."""
    installed = {font.name for font in font_manager.fontManager.ttflist}
    cjk = [name for name in _CJK_FONTS if name in installed]
    return {
        "figure.facecolor": "white",
        "figure.edgecolor": "white",
        "savefig.facecolor": "white",
        "savefig.transparent": False,
        "axes.facecolor": "white",
        "axes.edgecolor": INK,
        "axes.labelcolor": INK,
        "axes.titlesize": 11,
        "axes.labelsize": 10,
        "axes.grid": True,
        "grid.color": "#d0d7de",
        "grid.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
        "xtick.color": INK,
        "ytick.color": INK,
        "text.color": INK,
        "legend.frameon": False,
        "font.size": 10,
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", *cjk],
        "axes.unicode_minus": False,
        "figure.dpi": 100,
        "figure.figsize": (5.5, 3.5),
        "figure.constrained_layout.use": True,
        "lines.linewidth": 2.0,
        "image.cmap": "viridis",
    }


def use_book_style() -> None:
    """Apply :func:`book_style` to matplotlib's global rcParams."""
    matplotlib.rcParams.update(book_style())


def figure_png(fig: Figure, max_colors: int = 64, dpi: float | None = None) -> bytes:
    """Render a figure to a small PNG: an adaptive palette of at most ``max_colors`` colours.

    Line plots and diagrams have few colours, so a palette PNG is several times smaller than
    a full-colour one and looks the same. Use ``max_colors=256`` for heat maps and images.

    Args:
        fig: the figure to render.
        max_colors: palette size, 2 to 256.
        dpi: resolution; defaults to the figure's own.

    Returns:
        The PNG file's bytes.
    """
    if not 2 <= max_colors <= 256:
        raise ValueError(f"max_colors must be between 2 and 256, got {max_colors}")
    raw = io.BytesIO()
    fig.savefig(raw, format="png", dpi=dpi or fig.dpi, facecolor="white")
    raw.seek(0)
    image = Image.open(raw).convert("RGB").quantize(colors=max_colors, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def draw_network(
    ax: Axes,
    layer_sizes: Sequence[int],
    labels: Sequence[str] | None = None,
    max_neurons: int = 8,
) -> list[np.ndarray]:
    """Draw a fully connected network as columns of circles (neurons) joined by lines (weights).

    A layer of at most ``max_neurons`` neurons is drawn circle for circle. A wider layer is
    drawn as a shaded block holding ``max_neurons - 1`` circles and a "⋮", with its true width
    written on the block; the block is wider the more neurons the layer has (its width grows
    with ``log10`` of the count), so a 784-unit input does not look like a 10-unit output.
    Column ``i`` is centred at ``x = i``; circles sit at ``y = 0, 1, ...`` (at most
    ``max_neurons`` rows) and the captions below ``y = -1.3``.

    Args:
        ax: the axes to draw on (its frame and ticks are hidden).
        layer_sizes: neurons per layer, input first, e.g. ``[784, 10, 14, 10]``.
        labels: one caption per layer, e.g. ``["input", "hidden", "output"]``.
        max_neurons: the most rows drawn for one layer (at least 3).

    Returns:
        The circle centres of each layer, top to bottom: one ``(k, 2)`` array per layer.
    """
    if labels is not None and len(labels) != len(layer_sizes):
        raise ValueError(f"got {len(labels)} labels for {len(layer_sizes)} layers: give one label per layer")
    if max_neurons < 3 or min(layer_sizes, default=0) < 1:
        raise ValueError(
            f"draw_network needs max_neurons >= 3 and every layer size >= 1, got max_neurons={max_neurons} "
            f"and sizes {list(layer_sizes)}"
        )
    tallest = min(max(layer_sizes), max_neurons)
    centres = []
    for col, size in enumerate(layer_sizes):
        rows = min(size, max_neurons)
        top = tallest - 1 - (tallest - rows) / 2
        ys = top - np.arange(rows, dtype=float)
        if size > max_neurons:
            gap = ys[rows // 2]
            ys = np.delete(ys, rows // 2)
            half = 0.06 + 0.075 * np.log10(size)
            ax.add_patch(FancyBboxPatch((col - half, ys.min() - 0.45), 2 * half, ys.max() - ys.min() + 0.9,
                                        boxstyle="round,pad=0,rounding_size=0.12", zorder=1.5,
                                        facecolor=PALETTE[col % len(PALETTE)] + "26",
                                        edgecolor=PALETTE[col % len(PALETTE)], linewidth=1))
            ax.text(col, gap, f"⋮ {size:,}", ha="center", va="center", fontsize=9, fontweight="bold",
                    zorder=3, bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor="none"))
        centres.append(np.column_stack([np.full(len(ys), float(col)), ys]))
    segments = [[p, q] for left, right in zip(centres, centres[1:]) for p in left for q in right]
    ax.add_collection(LineCollection(segments, colors="#8c959f", linewidths=0.5, zorder=1))
    for col, (column, size) in enumerate(zip(centres, layer_sizes)):
        ax.scatter(*column.T, s=260, color="white", edgecolors=PALETTE[col % len(PALETTE)], linewidths=2, zorder=2)
        caption = f"{size:,}" if labels is None else f"{labels[col]}\n({size:,})"
        ax.text(col, -1.3, caption, ha="center", va="top", fontsize=9)
    ax.set_xlim(-0.6, len(layer_sizes) - 0.4)
    ax.set_ylim(-2.3, tallest - 0.4)
    ax.set_axis_off()
    return centres


REGION_TINTS = ("#f4d6c6", "#cfe3f3")
"""Light fills for the class-0 (orange) and class-1 (blue) regions of a decision map."""


def grid_values(
    fn: Callable[[np.ndarray], np.ndarray],
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    resolution: int = 201,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Evaluate a function of 2-D points on a square grid, ready for ``contour``/``contourf``.

    Args:
        fn: maps points of shape ``(M, 2)``, one per row, to ``M`` values (shape ``(M,)`` or
            ``(M, 1)``), e.g. ``lambda p: p @ w + b`` or a network's ``forward``.
        xlim, ylim: the ranges of the first and the second coordinate.
        resolution: grid points along each axis.

    Returns:
        ``(g1, g2, values)``, three arrays of shape ``(resolution, resolution)``: the first and
        second coordinate of every grid point and ``fn`` there.
    """
    g1, g2 = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    values = np.asarray(fn(np.column_stack([g1.ravel(), g2.ravel()])))
    if values.size != g1.size:
        raise ValueError(
            f"fn must return one value per point: it got {g1.size} points of shape (M, 2) and returned "
            f"shape {values.shape}; for a network with several outputs pick one column, e.g. lambda p: net.forward(p)[:, 1]"
        )
    return g1, g2, values.reshape(g1.shape)


def decision_boundary(
    ax: Axes,
    score: Callable[[np.ndarray], np.ndarray],
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    threshold: float = 0.0,
    color: str = INK,
    resolution: int = 201,
    **line_options: object,
) -> QuadContourSet | None:
    """Draw the line where ``score(x) = threshold``: a classifier's decision boundary.

    For a perceptron or a linear layer, ``score = lambda p: p @ w + b`` and ``threshold=0``
    draw the straight line ``w · x + b = 0``; for a probability, use ``threshold=0.5``.

    Args:
        ax: the axes to draw on.
        score: a function of points ``(M, 2)`` giving ``M`` values (see :func:`grid_values`).
        xlim, ylim: the region evaluated.
        threshold: the level drawn.
        color: the line colour.
        resolution: grid points along each axis.
        **line_options: passed to ``ax.contour`` (e.g. ``linewidths=2``, ``linestyles="--"``).

    Returns:
        The contour set, or None when the score does not cross the threshold in the region.
    """
    g1, g2, values = grid_values(score, xlim, ylim, resolution)
    if not values.min() < threshold < values.max():
        return None
    return ax.contour(g1, g2, values, levels=[threshold], colors=color, **line_options)


def decision_regions(
    ax: Axes,
    score: Callable[[np.ndarray], np.ndarray],
    xlim: tuple[float, float],
    ylim: tuple[float, float],
    threshold: float = 0.0,
    probability: bool = False,
    resolution: int = 201,
) -> QuadContourSet:
    """Shade where a classifier says class 1 and where it says class 0, and draw the boundary.

    By default the two regions ``score > threshold`` (class 1) and ``score <= threshold``
    (class 0) get flat light tints, blue and orange, as in :func:`scatter_classes`. With
    ``probability=True`` the score must lie in [0, 1] and is shaded itself in ten bands from
    orange-red (0) to blue (1), ready for ``fig.colorbar``; the boundary is drawn at
    ``threshold`` (use 0.5).

    Args:
        ax: the axes to draw on; its limits are set to ``xlim``, ``ylim`` and its grid hidden.
        score: a function of points ``(M, 2)`` giving ``M`` values (see :func:`grid_values`).
        xlim, ylim: the region shaded.
        threshold: where class 0 ends and class 1 begins.
        probability: shade the score's value instead of the two classes.
        resolution: grid points along each axis.

    Returns:
        The filled contour set (pass it to ``fig.colorbar`` when ``probability=True``).
    """
    g1, g2, values = grid_values(score, xlim, ylim, resolution)
    if probability:
        if values.min() < 0 or values.max() > 1:
            raise ValueError(
                f"probability=True shades values in [0, 1], but the score ranges over "
                f"[{values.min():.3g}, {values.max():.3g}]: pass probabilities, or use probability=False"
            )
        filled = ax.contourf(g1, g2, values, levels=np.linspace(0, 1, 11), cmap="RdBu", alpha=0.4)
    else:
        filled = ax.contourf(g1, g2, (values > threshold).astype(float), levels=[-0.5, 0.5, 1.5], colors=REGION_TINTS)
    if values.min() < threshold < values.max():
        ax.contour(g1, g2, values, levels=[threshold], colors=INK, linewidths=1.5)
    ax.set(xlim=xlim, ylim=ylim)
    ax.grid(False)
    return filled


def scatter_classes(
    ax: Axes,
    points: np.ndarray,
    labels: np.ndarray,
    names: Sequence[str] | None = None,
    size: float = 140,
) -> list[PathCollection]:
    """Scatter 2-D points of two classes in the book's encoding: class 0 orange crosses, class 1 blue circles.

    Marker shape and colour both carry the class, so the plot reads without colour too.

    Args:
        ax: the axes to draw on.
        points: shape ``(M, 2)``, one point per row.
        labels: shape ``(M,)`` (or ``(M, 1)``), each 0 or 1 (booleans allowed).
        names: legend entries for class 0 and class 1, e.g. ``("output 0", "output 1")``.
        size: marker area in points²; about 30 for clouds of hundreds of points.

    Returns:
        The two scatter collections, class 0 first (a class with no points gives an empty one).
    """
    points = np.asarray(points, dtype=float)
    labels = np.asarray(labels).reshape(-1)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) != len(labels):
        raise ValueError(
            f"scatter_classes needs points of shape (M, 2) and M labels, got points {points.shape} and "
            f"{len(labels)} labels"
        )
    if not np.isin(labels, [0, 1]).all():
        raise ValueError(f"scatter_classes draws two classes, labelled 0 and 1; got labels {np.unique(labels)}")
    styles = [("X", PALETTE[1]), ("o", PALETTE[0])]
    return [
        ax.scatter(*points[labels == k].T, s=size, marker=marker, color=colour, edgecolors=INK,
                   linewidths=0.8 if size >= 60 else 0.4, zorder=3,
                   label=None if names is None else names[k])
        for k, (marker, colour) in enumerate(styles)
    ]


def draw_surface(
    ax: Axes,
    surface: Surface,
    levels: int = 14,
    log: bool | None = None,
    backdrop: bool = False,
    start: bool = False,
) -> Axes:
    """Draw the contour map of a 2-D test surface, its minima (★) and saddle points (✕).

    Args:
        ax: the axes; its limits become the surface's window, with equal scales on x and y.
        surface: a `nnbook.surfaces.Surface`, e.g. ``ELONGATED_BOWL``.
        levels: the number of contour lines.
        log: space the levels geometrically above the minimum (for surfaces whose values span
            decades, like Rosenbrock); None decides from the values.
        backdrop: draw the map on an axes behind ``ax`` instead of on ``ax`` itself, so that a
            slider's static form paints it once, as a background layer, and not in every frame.
        start: mark the surface's usual starting point (``surface.start``) with a ring, as part
            of the map (with ``backdrop``, painted once; draw the paths with ``start=False``).

    Returns:
        The axes the map is drawn on: ``ax``, or the backdrop axes behind it.
    """
    X, Y, Z = surface.grid(161)
    low, span = Z.min(), Z.max() - Z.min()
    if log is None:  # values spanning decades: most of the window lies far below the top
        log = span > 200 * (np.percentile(Z, 5) - low)
    heights = low + (np.geomspace(span * 1e-4, span, levels + 1)[:-1] if log else np.linspace(0, span, levels + 2)[1:-1])
    target = ax
    if backdrop:
        target = ax.inset_axes([0, 0, 1, 1], zorder=0.5)
        target.set_axis_off()
    target.contourf(X, Y, Z, levels=[low, *heights, Z.max()], cmap="Blues_r", alpha=0.22)
    target.contour(X, Y, Z, levels=heights, colors="#9aa4ae", linewidths=0.6)
    for points, marker, size in ((surface.minima, "*", 150), (surface.saddles, "X", 70)):
        if points:
            target.scatter(*np.transpose(points), marker=marker, s=size, color="white", edgecolors=INK,
                           linewidths=0.8, zorder=4)
    if start:
        target.plot(*surface.start, "o", markersize=9, markerfacecolor="none", markeredgecolor=INK,
                    markeredgewidth=1.8, zorder=4)
    for axes in {ax, target}:
        axes.set(xlim=surface.xlim, ylim=surface.ylim, aspect="equal")
    ax.set(xlabel="x", ylabel="y")
    ax.grid(False)
    return target


def draw_path(
    ax: Axes,
    path: np.ndarray,
    color: str | None = None,
    label: str | None = None,
    start: bool = True,
    markersize: float = 3.0,
) -> Line2D:
    """Draw an optimizer's path (from `nnbook.surfaces.descend`) as a line with a dot per step.

    Args:
        ax: the axes (usually after :func:`draw_surface`).
        path: shape ``(steps + 1, 2)``; rows of NaN (a diverged run) end the line.
        color: the line's colour (default: the next colour of the cycle).
        label: its legend entry.
        start: mark the starting point with a ring.
        markersize: the dots' size in points (0 for a plain line).

    Returns:
        The line; ``line.set_data(*path[:n].T)`` shows the first ``n − 1`` steps (for sliders).
    """
    path = np.asarray(path, dtype=float)
    if path.ndim != 2 or path.shape[1] != 2:
        raise ValueError(f"draw_path needs a path of shape (steps + 1, 2), got {path.shape}: draw one run at a time")
    (line,) = ax.plot(*path.T, "-o", color=color, label=label, markersize=markersize, linewidth=1.6, zorder=3)
    if start:
        ax.plot(*path[0], "o", markersize=9, markerfacecolor="none", markeredgecolor=line.get_color(),
                markeredgewidth=1.8, zorder=3)
    return line
