"""The book's figure style and small plotting helpers shared by the chapters.

Figures are drawn on an opaque white background with dark ink, so they read the same on the
book's light and dark page themes (a transparent figure would put black axes on a black page).
Chinese labels use a CJK font when one is installed (Debian: ``fonts-noto-cjk``).

Call :func:`use_book_style` once at the top of a chapter; the slider helper
(:mod:`nnbook.interactive`) calls it for you.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import matplotlib
import numpy as np
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from PIL import Image

from nnbook.surfaces import Surface

INK = "#1f2328"
PALETTE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"]
"""Okabe-Ito colours: distinguishable with the common colour-vision deficiencies."""

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
) -> None:
    """Draw a fully connected network as circles (neurons) joined by lines (weights).

    Layers wider than ``max_neurons`` are drawn with ``max_neurons`` circles and a "⋮" with
    the true width written underneath.

    Args:
        ax: the axes to draw on (its frame and ticks are hidden).
        layer_sizes: neurons per layer, input first, e.g. ``[784, 10, 14, 10]``.
        labels: one caption per layer, e.g. ``["input", "hidden", "output"]``.
        max_neurons: the most circles drawn for one layer.
    """
    if labels is not None and len(labels) != len(layer_sizes):
        raise ValueError(f"got {len(labels)} labels for {len(layer_sizes)} layers: give one label per layer")
    shown = [min(size, max_neurons) for size in layer_sizes]
    tallest = max(shown)
    positions = []
    for col, count in enumerate(shown):
        top = (tallest - count) / 2
        positions.append([(col, tallest - 1 - (top + row)) for row in range(count)])
    for left, right in zip(positions, positions[1:]):
        for x0, y0 in left:
            for x1, y1 in right:
                ax.plot([x0, x1], [y0, y1], color="#8c959f", linewidth=0.5, zorder=1)
    for col, (column, size) in enumerate(zip(positions, layer_sizes)):
        xs, ys = zip(*column)
        ax.scatter(xs, ys, s=260, color="white", edgecolors=PALETTE[col % len(PALETTE)], linewidths=2, zorder=2)
        caption = f"{size}" if labels is None else f"{labels[col]}\n({size})"
        if size > max_neurons:
            ax.text(col, min(ys) - 0.55, "⋮", ha="center", va="center", fontsize=12)
        ax.text(col, -1.3, caption, ha="center", va="top", fontsize=9)
    ax.set_xlim(-0.6, len(layer_sizes) - 0.4)
    ax.set_ylim(-2.3, tallest - 0.4)
    ax.set_axis_off()


def draw_surface(
    ax: Axes,
    surface: Surface,
    levels: int = 14,
    log: bool | None = None,
    backdrop: bool = False,
) -> None:
    """Draw the contour map of a 2-D test surface, its minima (★) and saddle points (✕).

    Args:
        ax: the axes; its limits become the surface's window, with equal scales on x and y.
        surface: a `nnbook.surfaces.Surface`, e.g. ``ELONGATED_BOWL``.
        levels: the number of contour lines.
        log: space the levels geometrically above the minimum (for surfaces whose values span
            decades, like Rosenbrock); None decides from the values.
        backdrop: draw the map on an axes behind ``ax`` instead of on ``ax`` itself, so that a
            slider's static form paints it once, as a background layer, and not in every frame.
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
    target.contourf(X, Y, Z, levels=[low, *heights, Z.max()], cmap="Blues_r", alpha=0.35)
    target.contour(X, Y, Z, levels=heights, colors="#8c959f", linewidths=0.7)
    for points, marker, size in ((surface.minima, "*", 150), (surface.saddles, "X", 70)):
        if points:
            target.scatter(*np.transpose(points), marker=marker, s=size, color="white", edgecolors=INK,
                           linewidths=0.8, zorder=4)
    for axes in {ax, target}:
        axes.set(xlim=surface.xlim, ylim=surface.ylim, aspect="equal")
    ax.set(xlabel="x", ylabel="y")
    ax.grid(False)


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
