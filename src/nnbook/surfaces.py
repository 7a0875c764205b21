"""2-D test surfaces with exact gradients, and the paths optimizers take on them.

A network's loss lives over millions of parameters; these surfaces live over two, ``(x, y)``,
so a whole optimisation run can be drawn as a path on a contour map. Each `Surface` has
its value, its gradient and its Hessian written out by hand (the tests compare them with
finite differences), a window to draw, a usual starting point and its stationary points.

=================== ====================================== ===================================
surface             f(x, y)                                what it shows
=================== ====================================== ===================================
``BOWL``            ``x² + y²``                            the round bowl of the sources
``ELONGATED_BOWL``  ``x² + 10 y²``                         a valley 10× steeper across than
                                                           along: zig-zags, slow progress
``SADDLE``          ``x² + y⁴/4 − y²/2``                   a saddle point at (0, 0) between
                                                           two minima at (0, ±1)
``ROSENBROCK``      ``(1 − x)² + 100 (y − x²)²``           a narrow curved valley, minimum
                                                           (1, 1)
``TWO_VALLEYS``     ``(x² − 1)² + 0.3 x + y²``             a global minimum near x = −1 and
                                                           a local one near x = +1
=================== ====================================== ===================================

`descend` runs any optimizer of `nnbook.optim` on a surface. It wraps the point as a
`nnbook.base.Parameter` and calls the optimizer's own ``step()``, so the path drawn in the
book is the one the library's optimizer takes, not a second implementation of its rule::

    path = descend(ELONGATED_BOWL, Momentum, steps=100, lr=0.05, beta=0.9)   # (101, 2)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from nnbook.base import Parameter
from nnbook.optim import Optimizer

Field = Callable[[np.ndarray, np.ndarray], np.ndarray]


class Surface:
    """A function f(x, y) of two variables with its exact first and second derivatives.

    Args:
        name: what the book calls it, e.g. ``"elongated bowl"``.
        formula: f in LaTeX, for titles, e.g. ``r"x^2 + 10y^2"``.
        value: ``f(x, y)`` on arrays of any (broadcastable) shape.
        gradient: ``(∂f/∂x, ∂f/∂y)`` as two arrays of that shape.
        hessian: ``(f_xx, f_xy, f_yy)`` as three arrays (scalars where constant).
        xlim, ylim: the window to draw.
        start: the usual starting point.
        minima: the local minima (the global one first).
        saddles: the saddle points.
    """

    def __init__(
        self,
        name: str,
        formula: str,
        value: Field,
        gradient: Callable[[np.ndarray, np.ndarray], tuple[Any, Any]],
        hessian: Callable[[np.ndarray, np.ndarray], tuple[Any, Any, Any]],
        xlim: tuple[float, float],
        ylim: tuple[float, float],
        start: tuple[float, float],
        minima: tuple[tuple[float, float], ...],
        saddles: tuple[tuple[float, float], ...] = (),
    ) -> None:
        self.name, self.formula = name, formula
        self._value, self._gradient, self._hessian = value, gradient, hessian
        self.xlim, self.ylim, self.start = xlim, ylim, start
        self.minima, self.saddles = minima, saddles

    def value(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray:
        """f(x, y), element-wise over arrays ``x`` and ``y`` of the same (or broadcastable) shape."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        return self._value(x, y) + 0.0 * (x + y)

    def gradient(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray:
        """∇f = (∂f/∂x, ∂f/∂y): shape ``(..., 2)`` for ``x``, ``y`` of shape ``(...)``."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        shape = np.broadcast(x, y).shape
        return np.stack([np.broadcast_to(g, shape) for g in self._gradient(x, y)], axis=-1)

    def hessian(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray:
        """The matrix of second derivatives [[f_xx, f_xy], [f_xy, f_yy]]: shape ``(..., 2, 2)``.

        Its eigenvalues are the curvatures along the principal directions: all > 0 at a
        minimum, of both signs at a saddle point. Plain gradient descent is stable near a
        minimum when η < 2 / (largest eigenvalue).
        """
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        shape = np.broadcast(x, y).shape
        fxx, fxy, fyy = (np.broadcast_to(np.asarray(h, dtype=float), shape) for h in self._hessian(x, y))
        return np.stack([np.stack([fxx, fxy], -1), np.stack([fxy, fyy], -1)], -2)

    def grid(self, n: int = 201) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(X, Y, Z)`` on an n × n grid over the window, for contour plots (each ``(n, n)``)."""
        X, Y = np.meshgrid(np.linspace(*self.xlim, n), np.linspace(*self.ylim, n))
        return X, Y, self.value(X, Y)

    def __repr__(self) -> str:
        return f"Surface({self.name!r}: f = {self.formula})"


BOWL = Surface(
    "bowl", r"x^2 + y^2",
    lambda x, y: x**2 + y**2,
    lambda x, y: (2 * x, 2 * y),
    lambda x, y: (2.0, 0.0, 2.0),
    xlim=(-2.5, 2.5), ylim=(-2.0, 2.0), start=(-2.0, 1.5), minima=((0.0, 0.0),),
)

ELONGATED_BOWL = Surface(
    "elongated bowl", r"x^2 + 10y^2",
    lambda x, y: x**2 + 10 * y**2,
    lambda x, y: (2 * x, 20 * y),
    lambda x, y: (2.0, 0.0, 20.0),
    xlim=(-3.5, 3.5), ylim=(-1.5, 1.5), start=(-3.0, 1.0), minima=((0.0, 0.0),),
)

SADDLE = Surface(
    "saddle", r"x^2 + y^4/4 - y^2/2",
    lambda x, y: x**2 + y**4 / 4 - y**2 / 2,
    lambda x, y: (2 * x, y**3 - y),
    lambda x, y: (2.0, 0.0, 3 * y**2 - 1),
    xlim=(-2.5, 2.5), ylim=(-1.75, 1.75), start=(-2.0, 0.02), minima=((0.0, 1.0), (0.0, -1.0)),
    saddles=((0.0, 0.0),),
)

ROSENBROCK = Surface(
    "Rosenbrock", r"(1 - x)^2 + 100(y - x^2)^2",
    lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
    lambda x, y: (-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)),
    lambda x, y: (2 - 400 * y + 1200 * x**2, -400 * x, 200.0),
    xlim=(-2.0, 2.0), ylim=(-1.0, 3.0), start=(-1.2, 1.0), minima=((1.0, 1.0),),
)


def _two_valleys_points() -> tuple[tuple[tuple[float, float], ...], tuple[tuple[float, float], ...]]:
    """The roots of ∂f/∂x = 4x³ − 4x + 0.3 (y = 0): two minima (lower one first) and a saddle."""
    low, middle, high = np.sort(np.roots([4.0, 0.0, -4.0, 0.3]).real)
    return ((float(low), 0.0), (float(high), 0.0)), ((float(middle), 0.0),)


_TWO_VALLEY_MINIMA, _TWO_VALLEY_SADDLES = _two_valleys_points()

TWO_VALLEYS = Surface(
    "two valleys", r"(x^2 - 1)^2 + 0.3x + y^2",
    lambda x, y: (x**2 - 1) ** 2 + 0.3 * x + y**2,
    lambda x, y: (4 * x * (x**2 - 1) + 0.3, 2 * y),
    lambda x, y: (12 * x**2 - 4, 0.0, 2.0),
    xlim=(-2.0, 2.0), ylim=(-1.5, 1.5), start=(1.8, 1.0),
    minima=_TWO_VALLEY_MINIMA, saddles=_TWO_VALLEY_SADDLES,
)

SURFACES = {s.name: s for s in (BOWL, ELONGATED_BOWL, SADDLE, ROSENBROCK, TWO_VALLEYS)}
"""Every surface by its name."""


def descend(
    surface: Surface,
    optimizer: type[Optimizer] | Callable[[list[Parameter]], Optimizer],
    steps: int,
    start: tuple[float, float] | np.ndarray | None = None,
    escape: float = 1e6,
    **options: Any,
) -> np.ndarray:
    """Run an optimizer of `nnbook.optim` on ``surface`` and return the path it takes.

    The point is a `Parameter` named ``"xy"``; each step writes ∇f at the point into its
    ``grad`` and calls ``opt.step()``, exactly as a training loop does with a network.
    Several starting points run side by side as rows of one parameter: every optimizer of
    the library updates each entry with its own state, so the runs do not interact.

    Args:
        surface: e.g. `ELONGATED_BOWL`.
        optimizer: an optimizer class, built as ``optimizer([point], **options)``, e.g.
            ``descend(s, Adam, 100, lr=0.1)``; or a function ``params -> optimizer``.
        steps: the number of optimizer steps, a whole number >= 0.
        start: ``(x, y)``, or ``(K, 2)`` for K runs at once; default ``surface.start``.
        escape: a run with ``|x|`` or ``|y|`` at or beyond this (or NaN) has diverged; from
            then on its rows are NaN.
        **options: the optimizer's settings (``lr``, ``beta``, ``form``, …).

    Returns:
        The path, shape ``(steps + 1, 2)`` (or ``(steps + 1, K, 2)``): row t is the point
        after t steps, row 0 the start.

    Raises:
        TypeError: ``optimizer`` is an optimizer object already bound to other parameters.
        ValueError: a bad ``steps`` or ``start``.
    """
    if isinstance(optimizer, Optimizer):
        raise TypeError(
            f"descend expected an optimizer class such as {type(optimizer).__name__} and its settings, "
            f"got an optimizer object bound to other parameters: descend(surface, {type(optimizer).__name__}, "
            f"steps, lr={optimizer.lr:g})"
        )
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"descend expected a whole number of steps >= 0, got steps={steps!r}")
    point = np.array(surface.start if start is None else start, dtype=float)
    if point.shape[-1:] != (2,) or point.ndim > 2 or not np.all(np.isfinite(point)):
        raise ValueError(f"descend expected a finite start (x, y) or (K, 2) array, got shape {point.shape}: {start!r}")
    xy = Parameter("xy", point, np.zeros_like(point))
    opt = optimizer([xy], **options) if isinstance(optimizer, type) else optimizer([xy])
    path = np.empty((steps + 1, *point.shape))
    path[0] = point
    died = np.full(point.shape[:-1], steps + 1)  # the first step at which each run had diverged
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            xy.grad[..., 0], xy.grad[..., 1] = surface._gradient(xy.data[..., 0], xy.data[..., 1])
            opt.step()
            path[t] = xy.data
            if not np.abs(xy.data).max() < escape:  # also true for NaN
                gone = ~(np.abs(xy.data) < escape).all(axis=-1)
                died = np.where(gone & (died > t), t, died)
                if (died <= t).all():
                    break
                xy.data[gone] = 0.0  # a diverged run rests at 0, where it makes no overflow
    after = np.arange(steps + 1).reshape(-1, *([1] * died.ndim)) >= died
    path[after] = np.nan
    return path
