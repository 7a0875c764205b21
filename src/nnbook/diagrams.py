"""Diagrams of a single neuron: the biological cell and the artificial model, drawn to match.

Both functions draw on the same coordinates, ``x`` from 0 to 10 and ``y`` from 0 to 4.4, with
the inputs on the left (around ``x = 1``), the cell body at ``x = 5`` and the output on the
right, so that stacked one above the other each part of the cell sits over the part of the
model it became. Labels are English only (the chapters give the Chinese names in the text),
so the figures need no CJK font.

Network diagrams are :func:`nnbook.plotting.draw_network`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Circle, Ellipse, FancyBboxPatch, PathPatch
from matplotlib.path import Path

from nnbook.plotting import INK, PALETTE

SOMA = (5.0, 2.2)
"""Where both diagrams put the cell body (the sum and the activation of the model)."""

_SOMA_FILL, _INPUT_FILL = "#fde9d9", "#dbe9f6"


def _frame(ax: Axes) -> None:
    ax.set(xlim=(0, 10), ylim=(0, 4.4), aspect="equal")
    ax.set_axis_off()


def _curve(ax: Axes, start: tuple[float, float], end: tuple[float, float], bend: float, width: float, colour: str) -> None:
    """A quadratic Bézier from start to end, its control point pushed ``bend`` off the chord."""
    (x0, y0), (x1, y1) = start, end
    normal = np.array([y0 - y1, x1 - x0]) / max(np.hypot(x1 - x0, y1 - y0), 1e-9)
    control = (np.array(start) + np.array(end)) / 2 + bend * normal
    path = Path([start, tuple(control), end], [Path.MOVETO, Path.CURVE3, Path.CURVE3])
    ax.add_patch(PathPatch(path, facecolor="none", edgecolor=colour, linewidth=width, capstyle="round", zorder=2))


def draw_biological_neuron(ax: Axes) -> None:
    """Draw a nerve cell: branching dendrites, the soma with its nucleus, a myelinated axon and
    its terminals, each labelled with the role it plays in the artificial neuron.

    Args:
        ax: the axes to draw on (limits, equal aspect and a hidden frame are set).
    """
    _frame(ax)
    cx, cy = SOMA
    # dendrites: three trunks from the soma, each splitting in two near its tip
    for tip_y, bend in [(3.8, -0.3), (2.3, 0.0), (0.95, 0.3)]:
        fork = (2.4, cy + 0.55 * (tip_y - cy))
        _curve(ax, (cx - 0.6, cy + 0.25 * (tip_y - cy)), fork, bend, 3.0, PALETTE[0])
        for dy in (0.3, -0.3):
            _curve(ax, fork, (1.0, tip_y + dy), 0.15 * np.sign(dy), 1.8, PALETTE[0])
    ax.add_patch(Ellipse(SOMA, 1.6, 1.35, facecolor=_SOMA_FILL, edgecolor=PALETTE[1], linewidth=1.8, zorder=3))
    ax.add_patch(Circle((cx - 0.1, cy + 0.05), 0.24, facecolor=PALETTE[1], alpha=0.45, edgecolor="none", zorder=4))
    # axon with three myelin segments, then the terminals
    ax.plot([cx + 0.8, 8.3], [cy, cy], color=INK, linewidth=2.2, solid_capstyle="round", zorder=2)
    for left in (6.05, 6.85, 7.65):
        ax.add_patch(FancyBboxPatch((left, cy - 0.16), 0.55, 0.32, boxstyle="round,pad=0,rounding_size=0.14",
                                    facecolor="#eaeef2", edgecolor="#8c959f", linewidth=1, zorder=3))
    for end_y in (2.95, 2.2, 1.45):
        _curve(ax, (8.3, cy), (9.2, end_y), 0.1 * (end_y - cy), 1.6, INK)
        ax.add_patch(Circle((9.27, end_y), 0.11, facecolor=PALETTE[2], edgecolor=INK, linewidth=0.8, zorder=4))
    notes = [
        (1.2, 0.0, "dendrites: inputs"),
        (cx, 0.55, "soma: integrates, fires\nabove a threshold"),
        (7.1, 2.55, "axon: the one output"),
        (9.0, 0.55, "synapses to\nthe next cells"),
    ]
    for x, y, text in notes:
        ax.text(x, y, text, ha="center", va="bottom", fontsize=9, color=INK)


def draw_neuron(
    ax: Axes,
    inputs: Sequence[str] | None = None,
    weights: Sequence[str] | None = None,
    output: str | None = None,
) -> None:
    """Draw the artificial neuron: inputs, weighted arrows, a sum and an activation, one output.

    Args:
        ax: the axes to draw on (limits, equal aspect and a hidden frame are set).
        inputs: one label per input, top to bottom (two to five inputs fit); default
            x₁, x₂, x₃ (as matplotlib mathtext).
        weights: one label per arrow; default w₁, w₂, ….
        output: the label of the output arrow; default y = f(w · x + b).
    """
    inputs = ["$x_1$", "$x_2$", "$x_3$"] if inputs is None else list(inputs)
    output = r"$y = f(w \cdot x + b)$" if output is None else output
    if not 2 <= len(inputs) <= 5:
        raise ValueError(f"draw_neuron fits 2 to 5 inputs, got {len(inputs)}")
    weights = [f"$w_{i}$" for i in range(1, len(inputs) + 1)] if weights is None else list(weights)
    if len(weights) != len(inputs):
        raise ValueError(f"got {len(weights)} weight labels for {len(inputs)} inputs: give one per input")
    _frame(ax)
    cx, cy = SOMA
    ys = np.linspace(3.8, 1.0, len(inputs))
    for y0, label, weight in zip(ys, inputs, weights):
        ax.add_patch(Circle((1.0, y0), 0.35, facecolor=_INPUT_FILL, edgecolor=PALETTE[0], linewidth=1.5, zorder=3))
        ax.text(1.0, y0, label, ha="center", va="center", fontsize=12, zorder=4)
        ax.annotate("", xy=(cx - 0.75, cy), xytext=(1.35, y0),
                    arrowprops=dict(arrowstyle="->", color=PALETTE[0], lw=1.5, shrinkA=0, shrinkB=2))
        ax.text(2.6, y0 + (cy - y0) * (1.6 / 3.65) + 0.18, weight, ha="center", fontsize=11, color=PALETTE[1])
    ax.add_patch(Circle(SOMA, 0.75, facecolor=_SOMA_FILL, edgecolor=PALETTE[1], linewidth=1.5, zorder=3))
    ax.plot([cx, cx], [cy - 0.75, cy + 0.75], color=PALETTE[1], linewidth=1, zorder=4)
    ax.text(cx - 0.38, cy, r"$\Sigma$", ha="center", va="center", fontsize=14, zorder=5)
    ax.text(cx + 0.38, cy, "$f$", ha="center", va="center", fontsize=14, zorder=5)
    ax.text(cx, cy + 0.95, "$+\\,b$", ha="center", fontsize=12, color=PALETTE[1])
    ax.annotate("", xy=(7.3, cy), xytext=(cx + 0.75, cy), arrowprops=dict(arrowstyle="->", lw=1.5, color=INK))
    ax.text(7.4, cy, output, va="center", fontsize=12)
    notes = [(1.2, 0.0, "inputs × weights"), (cx, 0.55, "weighted sum + bias,\nthen activation"), (6.6, 2.5, "output")]
    for x, y, text in notes:
        ax.text(x, y, text, ha="center", va="bottom", fontsize=9, color=INK)
