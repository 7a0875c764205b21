"""Gradient checking: compare backprop's gradients with finite differences.

If a layer's `backward` is right, its gradients agree with the slope measured by nudging
each input up and down a little. Agreement to a relative error below about 1e-7 in
float64 means the backward pass is correct.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from nnbook.base import Layer
from nnbook.random import get_rng


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Centred finite-difference gradient of a scalar function.

    ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / (2h), with error O(h²).

    Args:
        f: function of ``x`` returning a scalar; it is called with ``x`` itself, nudged in
            place one element at a time (so ``f`` may also ignore its argument and read an
            array it shares with ``x``, such as a layer's weights).
        x: float array of any shape, also a view such as ``W.T`` or ``W[:, :2]``;
            restored exactly on return.
        h: step size.

    Returns:
        Array of the shape of ``x``.

    Raises:
        ValueError: ``x`` is not a floating-point array (nudging an integer array by h
            would round the nudge away).
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise ValueError(
            f"numerical_gradient needs x as a floating-point array it can nudge in place, got "
            f"{type(x).__name__} of dtype {np.asarray(x).dtype}: pass e.g. np.asarray(x, dtype=float)"
        )
    grad = np.zeros(x.shape, dtype=float)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = float(f(x))
        x[i] = old - h
        f_minus = float(f(x))
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2.0 * h)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """Relative error of two arrays of the same shape: ‖a − b‖ / (‖a‖ + ‖b‖).

    Returns 0.0 when both are zero. Values below ~1e-7 mean agreement in float64. When the
    true gradient is exactly zero (e.g. a bias right before batch norm, whose mean
    subtraction cancels it) both arrays are rounding noise and the ratio means nothing;
    compare ``np.abs(a - b).max()`` instead.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denominator == 0 else float(np.linalg.norm(a - b) / denominator)


def _generators(obj: Any) -> list[np.random.Generator]:
    found: list[np.random.Generator] = []
    for value in vars(obj).values():
        items = value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            if isinstance(item, np.random.Generator):
                found.append(item)
            elif isinstance(item, Layer):
                found.extend(_generators(item))
    return found


def check_layer(layer: Layer, x: np.ndarray, rng: np.random.Generator | None = None) -> dict[str, float]:
    """Check a layer's backward pass against finite differences, in its current mode.

    The scalar checked is L = Σ forward(x) ⊙ G for a fixed random G, so dL/d(out) = G.
    Random layers (dropout) replay the same random numbers on every forward pass, and
    running statistics (batch norm) are restored afterwards.

    Args:
        layer: the layer; set ``layer.training`` first to check a mode.
        x: an input batch (copied to float64).
        rng: generator for G (default: the shared stream of `nnbook.random`).

    Returns:
        ``{"x": error, name: error for every parameter}``, relative errors (see
        `relative_error`).
    """
    rng = get_rng(rng)
    x = np.array(x, dtype=np.float64)
    generators = _generators(layer)
    states = [g.bit_generator.state for g in generators]
    saved = layer.state_dict()

    def run(inp: np.ndarray) -> np.ndarray:
        for g, state in zip(generators, states):
            g.bit_generator.state = state
        return layer.forward(inp)

    upstream = rng.standard_normal(run(x).shape)
    dx = layer.backward(upstream)
    analytic = {"x": dx, **{p.name: p.grad.copy() for p in layer.parameters()}}

    def scalar(_: np.ndarray) -> float:
        return float(np.sum(run(x) * upstream))

    errors = {"x": relative_error(analytic["x"], numerical_gradient(scalar, x))}
    for p in layer.parameters():
        errors[p.name] = relative_error(analytic[p.name], numerical_gradient(scalar, p.data))
    layer.load_state_dict(saved)  # running statistics as they were before the check
    return errors


def check_loss(loss: Any, pred: np.ndarray, target: np.ndarray) -> float:
    """Check a loss's backward pass against finite differences.

    Args:
        loss: an object with ``forward(pred, target) -> float`` and ``backward() -> dpred``.
        pred: predictions (copied to float64), e.g. ``(N, K)``.
        target: targets in the form the loss expects.

    Returns:
        The relative error between ``loss.backward()`` and the numerical dL/d(pred).
    """
    pred = np.array(pred, dtype=np.float64)
    loss.forward(pred, target)
    analytic = np.array(loss.backward(), dtype=float)
    numeric = numerical_gradient(lambda p: loss.forward(p, target), pred)
    return relative_error(analytic, numeric)
