"""Weight initialisers: where the numbers in a fresh network come from.

Every initialiser takes the weight shape either as two sizes ``(m, n)`` (a dense layer
with ``m`` inputs and ``n`` outputs) or as one shape tuple, e.g. ``(F, C, kh, kw)`` for a
convolution. The fans are worked out from the shape:

- dense ``(m, n)``: fan_in = m, fan_out = n;
- convolution ``(F, C, kh, kw)``: fan_in = C·kh·kw, fan_out = F·kh·kw;

and can be overridden with the ``fan_in`` / ``fan_out`` keywords. Pass ``rng`` (a
`numpy.random.Generator`) to repeat one draw exactly; without it the draw comes from the
library's shared stream (`nnbook.random`), which ``nnbook.seed`` restarts.
"""

from __future__ import annotations

import functools
import math
from typing import Callable

import numpy as np

from nnbook.random import get_rng

Initializer = Callable[..., np.ndarray]


def _shape(m: int | tuple[int, ...], n: int | None) -> tuple[int, ...]:
    if isinstance(m, tuple):
        if n is not None:
            raise ValueError(
                f"got a shape tuple {m} and n={n}: pass either (m, n) or one shape tuple"
            )
        return tuple(int(d) for d in m)
    return (int(m),) if n is None else (int(m), int(n))


def compute_fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """Fan-in and fan-out of a weight array of ``shape``.

    ``(n,)`` -> (n, n); ``(m, n)`` -> (m, n); ``(F, C, *kernel)`` -> (C·∏kernel, F·∏kernel).
    """
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


def _setup(
    m: int | tuple[int, ...],
    n: int | None,
    rng: np.random.Generator | None,
    fan_in: int | None,
    fan_out: int | None,
) -> tuple[tuple[int, ...], np.random.Generator, int, int]:
    shape = _shape(m, n)
    auto_in, auto_out = compute_fans(shape)
    rng = get_rng(rng)
    return shape, rng, fan_in or auto_in, fan_out or auto_out


def uniform(
    m: int | tuple[int, ...],
    n: int | None = None,
    rng: np.random.Generator | None = None,
    *,
    fan_in: int | None = None,
    fan_out: int | None = None,
) -> np.ndarray:
    """The sources' default: W ~ U(−1/√fan_in, 1/√fan_in), fan_in = m for a dense layer.

    Returns:
        Array of shape ``(m, n)`` (or the given shape tuple).
    """
    shape, rng, fan_in, _ = _setup(m, n, rng, fan_in, fan_out)
    limit = 1.0 / math.sqrt(fan_in)
    return rng.uniform(-limit, limit, size=shape)


def normal(
    m: int | tuple[int, ...],
    n: int | None = None,
    rng: np.random.Generator | None = None,
    std: float = 0.01,
    *,
    fan_in: int | None = None,
    fan_out: int | None = None,
) -> np.ndarray:
    """Small Gaussian weights: W ~ N(0, std²), std = 0.01 by default.

    Returns:
        Array of shape ``(m, n)`` (or the given shape tuple).
    """
    shape, rng, _, _ = _setup(m, n, rng, fan_in, fan_out)
    return rng.normal(0.0, std, size=shape)


def xavier_uniform(
    m: int | tuple[int, ...],
    n: int | None = None,
    rng: np.random.Generator | None = None,
    *,
    fan_in: int | None = None,
    fan_out: int | None = None,
) -> np.ndarray:
    """Xavier/Glorot uniform: W ~ U(−a, a), a = √(6 / (fan_in + fan_out)).

    Keeps the variance of activations and gradients roughly equal across layers for
    sigmoid/tanh networks. Returns an array of shape ``(m, n)`` (or the shape tuple).
    """
    shape, rng, fan_in, fan_out = _setup(m, n, rng, fan_in, fan_out)
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape)


def xavier_normal(
    m: int | tuple[int, ...],
    n: int | None = None,
    rng: np.random.Generator | None = None,
    *,
    fan_in: int | None = None,
    fan_out: int | None = None,
) -> np.ndarray:
    """Xavier/Glorot normal: W ~ N(0, σ²), σ = √(2 / (fan_in + fan_out)).

    Returns an array of shape ``(m, n)`` (or the shape tuple).
    """
    shape, rng, fan_in, fan_out = _setup(m, n, rng, fan_in, fan_out)
    return rng.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), size=shape)


def he_uniform(
    m: int | tuple[int, ...],
    n: int | None = None,
    rng: np.random.Generator | None = None,
    *,
    fan_in: int | None = None,
    fan_out: int | None = None,
) -> np.ndarray:
    """He/Kaiming uniform for ReLU networks: W ~ U(−a, a), a = √(6 / fan_in).

    Returns an array of shape ``(m, n)`` (or the shape tuple).
    """
    shape, rng, fan_in, _ = _setup(m, n, rng, fan_in, fan_out)
    limit = math.sqrt(6.0 / fan_in)
    return rng.uniform(-limit, limit, size=shape)


def he_normal(
    m: int | tuple[int, ...],
    n: int | None = None,
    rng: np.random.Generator | None = None,
    *,
    fan_in: int | None = None,
    fan_out: int | None = None,
) -> np.ndarray:
    """He/Kaiming normal for ReLU networks: W ~ N(0, σ²), σ = √(2 / fan_in).

    Returns an array of shape ``(m, n)`` (or the shape tuple).
    """
    shape, rng, fan_in, _ = _setup(m, n, rng, fan_in, fan_out)
    return rng.normal(0.0, math.sqrt(2.0 / fan_in), size=shape)


def constant(
    m: int | tuple[int, ...],
    n: int | None = None,
    value: float = 0.0,
    rng: np.random.Generator | None = None,
    *,
    fan_in: int | None = None,
    fan_out: int | None = None,
) -> np.ndarray:
    """Every weight equal to ``value``: W = value · 1.

    With equal weights every unit of a layer computes the same thing and receives the
    same gradient, so they never become different (the symmetry problem). ``rng`` and the
    fans are accepted so all initialisers share one call signature; they do not matter here.

    Returns an array of shape ``(m, n)`` (or the shape tuple).
    """
    return np.full(_shape(m, n), float(value))


def zeros(
    m: int | tuple[int, ...],
    n: int | None = None,
    rng: np.random.Generator | None = None,
    *,
    fan_in: int | None = None,
    fan_out: int | None = None,
) -> np.ndarray:
    """All-zero weights, W = 0: the usual start for biases, and a broken one for weights.

    Returns an array of shape ``(m, n)`` (or the shape tuple).
    """
    return constant(m, n, 0.0)


INITIALIZERS: dict[str, Initializer] = {
    "uniform": uniform,
    "normal": normal,
    "xavier": xavier_uniform,
    "xavier_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "glorot": xavier_uniform,
    "he": he_normal,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
    "zeros": zeros,
    "constant": constant,
}


def get_initializer(name: str | Initializer, **kwargs: float) -> Initializer:
    """Look up an initialiser by name ("uniform", "normal", "xavier", "he", "zeros", ...).

    A callable is returned unchanged. Extra keywords are bound to the initialiser, e.g.
    ``get_initializer("constant", value=0.5)`` or ``get_initializer("normal", std=0.1)``.

    Returns:
        A function ``f(m, n=None, rng=None, *, fan_in=None, fan_out=None) -> ndarray``.
    """
    if callable(name):
        return functools.partial(name, **kwargs) if kwargs else name
    try:
        fn = INITIALIZERS[name]
    except KeyError:
        raise ValueError(
            f"unknown initializer {name!r}: choose one of {sorted(INITIALIZERS)}"
        ) from None
    return functools.partial(fn, **kwargs) if kwargs else fn
