"""Small labelled 2-D data sets for classifiers you can look at: circles, XOR, spirals, blobs.

Each generator draws ``n`` points in roughly [−1, 1]² with labels ``0 … classes − 1`` (as
balanced as ``n`` allows), from the library's shared random stream unless ``rng`` is given,
and returns ``(x, y)``: points ``(n, 2)`` and integer labels ``(n,)``. Chapter 8's
playground trains networks on them; `make_dataset` picks one by name.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from nnbook.random import get_rng


def _labels(n: int, classes: int, rng: np.random.Generator, owner: str) -> np.ndarray:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < classes:
        raise ValueError(f"{owner} needs a whole number n >= {classes} (one point per class at least), got n={n!r}")
    return rng.permutation(np.arange(n) % classes)


def _check_noise(noise: float, owner: str) -> None:
    if not (isinstance(noise, (int, float)) and math.isfinite(noise) and noise >= 0):
        raise ValueError(f"{owner} expected a noise level >= 0 (the std of the Gaussian jitter), got noise={noise!r}")


def make_circles(n: int = 200, noise: float = 0.08, rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """A disc inside a ring: class 1 at radius r < 0.5, class 0 at 0.7 < r < 1, plus jitter.

    Returns:
        ``(x, y)``: points ``(n, 2)`` and labels ``(n,)`` in {0, 1}, half of each.
    """
    rng = get_rng(rng)
    _check_noise(noise, "make_circles")
    y = _labels(n, 2, rng, "make_circles")
    radius = np.where(y == 1, 0.5 * np.sqrt(rng.random(n)), rng.uniform(0.7, 1.0, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    x = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return x + noise * rng.standard_normal((n, 2)), y


def make_xor(n: int = 200, noise: float = 0.08, rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The XOR pattern: class 1 where x₁·x₂ > 0 (first and third quadrants), else class 0.

    Points are uniform in [−1, 1]² pushed 0.1 away from the axes, plus Gaussian jitter
    (which lets a few cross the axes).

    Returns:
        ``(x, y)``: points ``(n, 2)`` and labels ``(n,)`` in {0, 1}.
    """
    rng = get_rng(rng)
    _check_noise(noise, "make_xor")
    _labels(n, 2, rng, "make_xor")
    x = rng.uniform(-0.9, 0.9, (n, 2))
    x += 0.1 * np.sign(x)
    y = (x[:, 0] * x[:, 1] > 0).astype(np.int64)
    return x + noise * rng.standard_normal((n, 2)), y


def make_spirals(
    n: int = 200, classes: int = 3, noise: float = 0.04, turns: float = 1.1, rng: np.random.Generator | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class: radius r ∈ [0.1, 1], angle 2π(turns·r + k/classes).

    Returns:
        ``(x, y)``: points ``(n, 2)`` and labels ``(n,)`` in {0, …, classes − 1}.
    """
    rng = get_rng(rng)
    _check_noise(noise, "make_spirals")
    y = _labels(n, int(classes), rng, "make_spirals")
    radius = rng.uniform(0.1, 1.0, n)
    angle = 2 * np.pi * (turns * radius + y / classes)
    x = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return x + noise * rng.standard_normal((n, 2)), y


def make_blobs(
    n: int = 200, classes: int = 4, spread: float = 0.25, rng: np.random.Generator | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian blobs: class k around the centre 0.6·(cos θ_k, sin θ_k), θ_k = 2πk/classes + π/4.

    Args:
        spread: the standard deviation of each blob (0.25 makes neighbours overlap a little).

    Returns:
        ``(x, y)``: points ``(n, 2)`` and labels ``(n,)`` in {0, …, classes − 1}.
    """
    rng = get_rng(rng)
    _check_noise(spread, "make_blobs")
    y = _labels(n, int(classes), rng, "make_blobs")
    angle = 2 * np.pi * np.arange(classes) / classes + np.pi / 4
    centres = 0.6 * np.column_stack([np.cos(angle), np.sin(angle)])
    return centres[y] + spread * rng.standard_normal((n, 2)), y


DATASETS: dict[str, tuple[Callable[..., tuple[np.ndarray, np.ndarray]], int]] = {
    "circles": (make_circles, 2),
    "xor": (make_xor, 2),
    "spirals": (make_spirals, 3),
    "blobs": (make_blobs, 4),
}
"""The playground's data sets: name -> (generator, number of classes)."""


def make_dataset(name: str, n: int = 200, rng: np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` points of the data set ``name`` ("circles", "xor", "spirals" or "blobs")."""
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}: choose one of {list(DATASETS)}")
    return DATASETS[name][0](n, rng=rng)
