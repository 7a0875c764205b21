"""Loss functions: how far the network's output is from the target.

Each loss comes twice: a plain function with the formula the chapters show
(``mse(pred, target) -> float``), and a class whose ``forward(pred, target)`` returns the
same number (a mean over the batch) and whose ``backward()`` returns dL/d(pred), the
gradient that starts backpropagation.

Log-losses clip probabilities to [ε, 1 − ε] with ε = 1e-12 (so p = 0 or 1 gives a large but
finite loss), and the softmax cross-entropy works on logits with log-sum-exp.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Callable

import numpy as np

from nnbook._checks import as_float_array, check_forward_called, check_nonempty, format_shape
from nnbook.activations import log_softmax, softmax

EPS = 1e-12


def _pred(pred: np.ndarray, owner: object) -> np.ndarray:
    pred = as_float_array(pred, owner, "pred")
    check_nonempty(pred, owner, "pred")
    return pred


def _same_shape_target(pred: np.ndarray, target: np.ndarray, owner: object) -> np.ndarray:
    """``target`` as floats with exactly the shape of ``pred``, or a ValueError with a fix."""
    target = as_float_array(target, owner, "target")
    if target.shape == pred.shape:
        return target
    if target.ndim == 1 and pred.shape == (len(target), 1):
        hint = "make the targets a column, e.g. y.reshape(-1, 1)"
    elif target.ndim == pred.ndim - 1 and target.shape == pred.shape[:-1]:
        hint = (
            f"these look like class labels; one-hot encode them, e.g. one_hot(y, {pred.shape[-1]}), "
            "or use SoftmaxCrossEntropyLoss, which takes labels"
        )
    else:
        hint = "targets and predictions must match element by element"
    raise ValueError(f"{owner} expected target of shape {pred.shape}, got {target.shape}: {hint}")


def _class_targets(pred: np.ndarray, target: np.ndarray, owner: object) -> np.ndarray:
    """Targets for K-class losses as a one-hot (or probability) array of ``pred``'s shape.

    Accepts integer labels of shape ``pred.shape[:-1]`` or one-hot rows of ``pred.shape``.
    """
    target = np.asarray(target)
    k = pred.shape[-1]
    expected = f"integer labels of shape {format_shape(pred.shape[:-1])} or one-hot targets of shape {pred.shape}"
    if target.shape == pred.shape:
        return as_float_array(target, owner, "target")
    if target.shape == pred.shape[:-1]:
        labels = as_float_array(target, owner, "target")
        if not np.all(labels == np.round(labels)):
            raise ValueError(
                f"{owner} expected {expected}, got non-integer labels of shape {target.shape}: "
                "class labels must be whole numbers 0..K-1"
            )
        if labels.min() < 0 or labels.max() >= k:
            raise ValueError(
                f"{owner} got labels from {int(labels.min())} to {int(labels.max())}, but the "
                f"predictions have K={k} classes (shape {pred.shape}): labels must lie in 0..{k - 1}; "
                "check the output size of the last layer"
            )
        return np.eye(k)[labels.astype(int)]
    if target.shape == (*pred.shape[:-1], 1):
        hint = "the labels are a column; flatten them, e.g. y.ravel()"
    elif target.shape[:-1] == pred.shape[:-1] and target.ndim == pred.ndim:
        hint = (
            f"the targets have {target.shape[-1]} classes but the predictions have {k}: "
            "check num_classes in one_hot or the last layer's out_features"
        )
    else:
        hint = "targets must have one label (or one one-hot row) per sample"
    raise ValueError(f"{owner} expected {expected}, got {target.shape}: {hint}")


def mse(pred: np.ndarray, target: np.ndarray) -> float:
    """Mean squared error: MSE = (1/n) Σ_i (y_i − ŷ_i)², the mean over all n elements.

    Args:
        pred: ŷ, shape ``(N, ...)``.
        target: y, the same shape.

    Returns:
        The loss, a float.
    """
    pred = _pred(pred, "mse")
    return float(np.mean((_same_shape_target(pred, target, "mse") - pred) ** 2))


def mae(pred: np.ndarray, target: np.ndarray) -> float:
    """Mean absolute error: ``MAE = (1/n) Σ_i |y_i − ŷ_i|``, the mean over all n elements.

    Args:
        pred: ŷ, shape ``(N, ...)``.
        target: y, the same shape.

    Returns:
        The loss, a float.
    """
    pred = _pred(pred, "mae")
    return float(np.mean(np.abs(_same_shape_target(pred, target, "mae") - pred)))


def half_squared_error(pred: np.ndarray, target: np.ndarray) -> float:
    """The worked examples' E_total = Σ_k ½ (target_k − out_k)², averaged over the batch.

    Args:
        pred: outputs, shape ``(N, K)``.
        target: targets, shape ``(N, K)``.

    Returns:
        E_total, a float.
    """
    pred = _pred(pred, "half_squared_error")
    target = _same_shape_target(pred, target, "half_squared_error")
    return float(0.5 * np.sum((target - pred) ** 2) / len(pred))


def binary_cross_entropy(pred: np.ndarray, target: np.ndarray) -> float:
    """Binary cross-entropy: −(1/n) Σ_i [y_i log p_i + (1 − y_i) log(1 − p_i)].

    Args:
        pred: probabilities p (e.g. sigmoid outputs), shape ``(N, ...)``; clipped to [ε, 1 − ε].
        target: y ∈ {0, 1} (or in [0, 1]), the same shape.

    Returns:
        The loss, a float; finite even for p = 0 or 1.
    """
    pred = _pred(pred, "binary_cross_entropy")
    target = _same_shape_target(pred, target, "binary_cross_entropy")
    p = np.clip(pred, EPS, 1.0 - EPS)
    return float(-np.mean(target * np.log(p) + (1.0 - target) * np.log(1.0 - p)))


def cross_entropy(pred: np.ndarray, target: np.ndarray) -> float:
    """Categorical cross-entropy on probabilities: −(1/N) Σ_n Σ_k y_nk log p_nk.

    Args:
        pred: probabilities p (e.g. softmax outputs), shape ``(N, K)``; clipped to [ε, 1].
        target: one-hot ``(N, K)`` or integer labels ``(N,)``.

    Returns:
        The loss, a float.
    """
    pred = _pred(pred, "cross_entropy")
    target = _class_targets(pred, target, "cross_entropy")
    return float(-np.sum(target * np.log(np.clip(pred, EPS, 1.0))) / len(pred))


def softmax_cross_entropy(logits: np.ndarray, target: np.ndarray) -> float:
    """Softmax followed by cross-entropy, fused and stable (log-sum-exp):

    L = (1/N) Σ_n [log Σ_j e^(z_nj) − Σ_k y_nk z_nk]  (for one-hot y).

    Args:
        logits: scores z, shape ``(N, K)``; any finite values, even ±1e4.
        target: one-hot ``(N, K)`` or integer labels ``(N,)``.

    Returns:
        The loss, a float.
    """
    logits = _pred(logits, "softmax_cross_entropy")
    target = _class_targets(logits, target, "softmax_cross_entropy")
    return float(-np.sum(target * log_softmax(logits)) / len(logits))


def _sequence_mask(pred: np.ndarray, mask: np.ndarray | None, owner: object) -> np.ndarray:
    if mask is None:
        return np.ones(pred.shape[:-1])
    mask = as_float_array(mask, owner, "mask")
    if mask.shape != pred.shape[:-1]:
        raise ValueError(
            f"{owner} expected mask of shape {pred.shape[:-1]} (N, T), got {mask.shape}: "
            "give one 1 (real token) or 0 (padding) per sample and time step"
        )
    if mask.sum() == 0:
        raise ValueError(f"{owner}: the mask hides every time step; keep at least one real token")
    return mask


def sequence_cross_entropy(pred: np.ndarray, target: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Cross-entropy averaged over the time steps of sequences, skipping padding:

    L = −(Σ_n Σ_t m_nt Σ_k y_ntk log ŷ_ntk) / (Σ_n Σ_t m_nt),

    which for one sequence without padding is the sources' −(1/T) Σ_t Σ_i y_ti log ŷ_ti.

    Args:
        pred: probabilities ŷ, shape ``(N, T, K)``; clipped to [ε, 1].
        target: labels ``(N, T)`` or one-hot ``(N, T, K)``.
        mask: m, shape ``(N, T)``, 1 for real tokens and 0 for padding (default: all 1).

    Returns:
        The loss per real token, a float.
    """
    pred = _pred(pred, "sequence_cross_entropy")
    target = _class_targets(pred, target, "sequence_cross_entropy")
    mask = _sequence_mask(pred, mask, "sequence_cross_entropy")
    token_loss = -np.sum(target * np.log(np.clip(pred, EPS, 1.0)), axis=-1)
    return float(np.sum(mask * token_loss) / mask.sum())


def _check_focal_settings(gamma: float, alpha: float | None, owner: object) -> None:
    if gamma < 0:
        raise ValueError(f"{owner} expected gamma >= 0 (0 gives binary cross-entropy), got {gamma}")
    if alpha is not None and not 0.0 <= alpha <= 1.0:
        raise ValueError(
            f"{owner} expected alpha in [0, 1] (the weight of class 1) or None, got {alpha}"
        )


def _focal_terms(
    pred: np.ndarray, target: np.ndarray, alpha: float | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    p_t = np.clip(np.where(target == 1, pred, 1.0 - pred), EPS, 1.0 - EPS)
    sign = np.where(target == 1, 1.0, -1.0)
    weight = np.ones_like(pred) if alpha is None else np.where(target == 1, alpha, 1.0 - alpha)
    return p_t, sign, weight


def focal_loss(pred: np.ndarray, target: np.ndarray, gamma: float = 2.0, alpha: float | None = None) -> float:
    """Focal loss: FL = −(1/n) Σ_i α_t (1 − p_t)^γ log p_t, with p_t = p if y = 1 else 1 − p.

    The factor (1 − p_t)^γ shrinks the loss of easy, well-classified samples; γ = 0 and no
    α give binary cross-entropy. α_t = α for y = 1 and 1 − α for y = 0 (1 when α is None).

    Args:
        pred: probabilities p of class 1, shape ``(N, ...)``.
        target: y ∈ {0, 1}, the same shape.
        gamma: γ ≥ 0, the focusing strength.
        alpha: α ∈ [0, 1], the weight of the positive class, or None.

    Returns:
        The loss, a float.
    """
    _check_focal_settings(gamma, alpha, "focal_loss")
    pred = _pred(pred, "focal_loss")
    target = _same_shape_target(pred, target, "focal_loss")
    p_t, _, weight = _focal_terms(pred, target, alpha)
    return float(-np.mean(weight * (1.0 - p_t) ** gamma * np.log(p_t)))


class Loss(ABC):
    """A loss object: ``forward(pred, target) -> float``, then ``backward() -> dL/d(pred)``.

    Subclasses name their formula ``fn`` (one of the functions above) and give the
    gradient in ``_grad``; ``class_targets`` says whether targets may be class labels.
    """

    fn: Callable[[np.ndarray, np.ndarray], float]
    class_targets = False

    def __init__(self) -> None:
        self._cache: tuple[np.ndarray, ...] | None = None

    def forward(self, pred: np.ndarray, target: np.ndarray) -> float:
        """The loss, a mean over the batch; keeps ``pred`` and ``target`` for `backward`.

        Args:
            pred: the network's output, e.g. ``(N, K)``.
            target: the same shape, or integer labels ``(N,)`` for class losses.

        Returns:
            The loss, a float.
        """
        pred = _pred(pred, self)
        check = _class_targets if self.class_targets else _same_shape_target
        self._cache = (pred, check(pred, target, self))
        return self.fn(pred, target)

    @abstractmethod
    def _grad(self, *cache: np.ndarray) -> np.ndarray:
        """dL/d(pred) from the values kept by `forward`."""

    def backward(self) -> np.ndarray:
        """dL/d(pred) for the last `forward` call, with the shape of ``pred``."""
        check_forward_called(self._cache, self)
        return self._grad(*self._cache)

    def __call__(self, pred: np.ndarray, target: np.ndarray) -> float:
        return self.forward(pred, target)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class MSELoss(Loss):
    """Mean squared error (see `mse`); dL/dŷ = 2 (ŷ − y) / n, n = number of elements."""

    fn = staticmethod(mse)

    def _grad(self, pred: np.ndarray, target: np.ndarray) -> np.ndarray:
        return 2.0 * (pred - target) / pred.size


class MAELoss(Loss):
    """Mean absolute error (see `mae`); dL/dŷ = sign(ŷ − y) / n (0 where ŷ = y)."""

    fn = staticmethod(mae)

    def _grad(self, pred: np.ndarray, target: np.ndarray) -> np.ndarray:
        return np.sign(pred - target) / pred.size


class HalfSquaredErrorLoss(Loss):
    """E_total of the worked examples (see `half_squared_error`); dE/d(out) = (out − target) / N."""

    fn = staticmethod(half_squared_error)

    def _grad(self, pred: np.ndarray, target: np.ndarray) -> np.ndarray:
        return (pred - target) / len(pred)


class BCELoss(Loss):
    """Binary cross-entropy on probabilities (see `binary_cross_entropy`).

    dL/dp = (p − y) / (p (1 − p)) / n, with p clipped to [ε, 1 − ε]. After a sigmoid this
    product collapses to (p − y) / n.
    """

    fn = staticmethod(binary_cross_entropy)

    def _grad(self, pred: np.ndarray, target: np.ndarray) -> np.ndarray:
        p = np.clip(pred, EPS, 1.0 - EPS)
        return (p - target) / (p * (1.0 - p)) / pred.size


class CrossEntropyLoss(Loss):
    """Categorical cross-entropy on probabilities (see `cross_entropy`); dL/dp = −y / (N p)."""

    fn = staticmethod(cross_entropy)
    class_targets = True

    def _grad(self, pred: np.ndarray, target: np.ndarray) -> np.ndarray:
        return -target / np.clip(pred, EPS, 1.0) / len(pred)


class SoftmaxCrossEntropyLoss(Loss):
    """Softmax + cross-entropy on logits (see `softmax_cross_entropy`).

    The gradient is the famous dL/dz = (softmax(z) − y) / N (for rows of y summing to 1).
    Use it after a final `Linear` layer, without a `Softmax` layer.
    """

    fn = staticmethod(softmax_cross_entropy)
    class_targets = True

    def _grad(self, pred: np.ndarray, target: np.ndarray) -> np.ndarray:
        return (softmax(pred) * target.sum(axis=-1, keepdims=True) - target) / len(pred)


class SequenceCrossEntropyLoss(Loss):
    """Cross-entropy over time steps with a padding mask (see `sequence_cross_entropy`).

    dL/dŷ_ntk = −m_nt y_ntk / ŷ_ntk / Σ m. Set ``mask`` (shape ``(N, T)``) before calling
    `forward`, or pass it to the constructor; None counts every step.
    """

    def __init__(self, mask: np.ndarray | None = None) -> None:
        super().__init__()
        self.mask = mask

    def forward(self, pred: np.ndarray, target: np.ndarray) -> float:
        """L = −Σ m y log ŷ / Σ m. pred: ``(N, T, K)`` probabilities; target: ``(N, T)`` or ``(N, T, K)``."""
        pred = _pred(pred, self)
        target = _class_targets(pred, target, self)
        self._cache = (pred, target, _sequence_mask(pred, self.mask, self))
        return sequence_cross_entropy(pred, target, self.mask)

    def _grad(self, pred: np.ndarray, target: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return -mask[..., None] * target / np.clip(pred, EPS, 1.0) / mask.sum()


class FocalLoss(Loss):
    """Binary focal loss on probabilities (see `focal_loss`).

    With p_t as in `focal_loss` and s = ±1 (dp_t/dp):
    dL/dp = s α_t [γ (1 − p_t)^(γ−1) log p_t − (1 − p_t)^γ / p_t] / n.
    """

    def __init__(self, gamma: float = 2.0, alpha: float | None = None) -> None:
        super().__init__()
        _check_focal_settings(gamma, alpha, "FocalLoss")
        self.gamma = gamma
        self.alpha = alpha

    def forward(self, pred: np.ndarray, target: np.ndarray) -> float:
        """L = −mean(α_t (1 − p_t)^γ log p_t). pred, target: shape ``(N, ...)``."""
        pred = _pred(pred, self)
        self._cache = (pred, _same_shape_target(pred, target, self))
        return focal_loss(pred, target, self.gamma, self.alpha)

    def _grad(self, pred: np.ndarray, target: np.ndarray) -> np.ndarray:
        p_t, sign, weight = _focal_terms(pred, target, self.alpha)
        g = self.gamma
        dp_t = g * (1.0 - p_t) ** (g - 1.0) * np.log(p_t) - (1.0 - p_t) ** g / p_t
        return sign * weight * dp_t / pred.size

    def __repr__(self) -> str:
        return f"FocalLoss(gamma={self.gamma}, alpha={self.alpha})"
