"""Losses for real-valued targets: squared, absolute and Huber errors.

With the residual r = ŷ − y, element by element:

- squared error r² (MSE averages it): smooth, its gradient 2r grows with the error, so one
  large outlier pulls the fit hard;
- absolute error ``|r|`` (MAE averages it): its gradient sign(r) has the same size for every
  error, so an outlier pulls no harder than any other point;
- Huber: ``½ r²`` for ``|r| ≤ δ`` and ``δ (|r| − ½ δ)`` beyond, squared near the target and
  absolute far from it; its gradient is r clipped to [−δ, δ].

The half squared error E = Σ_k ½ (target_k − out_k)² of the worked backpropagation examples
sums over a sample's K outputs and averages over samples.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnbook.losses.base import Loss, check_pred, num_samples, same_shape_target


def _residual(pred: Any, target: Any, owner: str) -> np.ndarray:
    pred = check_pred(pred, owner)
    return pred - same_shape_target(pred, target, owner)


def mse(pred: np.ndarray, target: np.ndarray) -> float:
    """Mean squared error: ``MSE = (1/n) Σ_i (y_i − ŷ_i)²``, the mean over all n elements.

    Args:
        pred: ŷ, shape ``(N, ...)``.
        target: y, the same shape.

    Returns:
        The loss, a float.
    """
    return float(np.mean(_residual(pred, target, "mse") ** 2))


def mae(pred: np.ndarray, target: np.ndarray) -> float:
    """Mean absolute error: ``MAE = (1/n) Σ_i |y_i − ŷ_i|``, the mean over all n elements.

    Args:
        pred: ŷ, shape ``(N, ...)``.
        target: y, the same shape.

    Returns:
        The loss, a float.
    """
    return float(np.mean(np.abs(_residual(pred, target, "mae"))))


def _check_delta(delta: float, owner: object) -> None:
    if not delta > 0:
        raise ValueError(
            f"{owner} expected delta > 0 (the error size where squared turns into absolute), got {delta}"
        )


def huber(pred: np.ndarray, target: np.ndarray, delta: float = 1.0) -> float:
    """Huber loss, the mean over all n elements of, with r = ŷ − y,

    ``h(r) = ½ r²`` for ``|r| ≤ δ`` and ``h(r) = δ (|r| − ½ δ)`` otherwise

    (PyTorch's ``HuberLoss``; ``delta = 1`` is also its ``SmoothL1Loss``).

    Args:
        pred: ŷ, shape ``(N, ...)``.
        target: y, the same shape.
        delta: δ > 0, where the quadratic part meets the linear part.

    Returns:
        The loss, a float.
    """
    _check_delta(delta, "huber")
    r = np.abs(_residual(pred, target, "huber"))
    return float(np.mean(np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta))))


def half_squared_error(pred: np.ndarray, target: np.ndarray) -> float:
    """The worked examples' ``E_total = Σ_k ½ (target_k − out_k)²``, averaged over the samples.

    Args:
        pred: outputs, shape ``(N, K)``, or ``(K,)`` for one sample.
        target: targets, the same shape.

    Returns:
        E_total, a float (for one sample, exactly the sum over its K outputs).
    """
    r = _residual(pred, target, "half_squared_error")
    return float(0.5 * np.sum(r**2) / num_samples(r))


class MSELoss(Loss):
    """Mean squared error (see `mse`); ``dL/dŷ = 2 (ŷ − y) / n``, n = number of elements."""

    fn = staticmethod(mse)

    def _grad(self, pred: np.ndarray, target: np.ndarray) -> np.ndarray:
        return 2.0 * (pred - target) / pred.size


class MAELoss(Loss):
    """Mean absolute error (see `mae`); ``dL/dŷ = sign(ŷ − y) / n`` (0 where ŷ = y)."""

    fn = staticmethod(mae)

    def _grad(self, pred: np.ndarray, target: np.ndarray) -> np.ndarray:
        return np.sign(pred - target) / pred.size


class HuberLoss(Loss):
    """Huber loss (see `huber`); ``dL/dŷ = clip(ŷ − y, −δ, δ) / n``, n = number of elements."""

    fn = staticmethod(huber)

    def __init__(self, delta: float = 1.0) -> None:
        super().__init__()
        _check_delta(delta, "HuberLoss")
        self.delta = delta

    def settings(self) -> dict[str, Any]:
        return {"delta": self.delta}

    def _grad(self, pred: np.ndarray, target: np.ndarray) -> np.ndarray:
        return np.clip(pred - target, -self.delta, self.delta) / pred.size


class HalfSquaredErrorLoss(Loss):
    """E_total of the worked examples (see `half_squared_error`); ``dE/d(out) = (out − target) / N``."""

    fn = staticmethod(half_squared_error)

    def _grad(self, pred: np.ndarray, target: np.ndarray) -> np.ndarray:
        return (pred - target) / num_samples(pred)
