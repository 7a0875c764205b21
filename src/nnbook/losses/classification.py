"""Losses for class labels: cross-entropy in its binary, categorical, sequence and focal forms.

Each comes on probabilities (after a `Sigmoid` or `Softmax` layer) or, fused with that
activation, on raw scores (logits). The fused forms are the ones to train with: they are
exact for any finite score, and their gradient with respect to the score is simply
prediction minus target,

- sigmoid + binary cross-entropy: ``dL/dz = σ(z) − y``;
- softmax + categorical cross-entropy: ``dL/dz = softmax(z) − y``.

Focal loss comes in both forms too: `FocalLoss` on probabilities, `SigmoidFocalLoss` on raw
scores (as RetinaNet and ``torchvision.ops.sigmoid_focal_loss`` compute it).

The forms on probabilities clip p to [ε, 1 − ε] (ε = 1e-12) before the logarithm, and
refuse values that are not probabilities (see `nnbook.losses.base.check_probabilities`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnbook._checks import as_float_array
from nnbook.activations import log_softmax, sigmoid, softmax
from nnbook.losses.base import (
    EPS,
    Loss,
    check_pred,
    check_probabilities,
    class_targets,
    num_samples,
    same_shape_target,
)


def _binary_probabilities(pred: Any, owner: object, raw_score_loss: str) -> np.ndarray:
    pred = check_pred(pred, owner)
    check_probabilities(pred, owner, raw_score_loss, "Sigmoid")
    return pred


def _class_probabilities(pred: Any, owner: object, rows: np.ndarray | None = None) -> np.ndarray:
    pred = check_pred(pred, owner)
    raw = "SoftmaxCrossEntropyLoss" if isinstance(owner, Loss) else "softmax_cross_entropy"
    check_probabilities(pred, owner, raw, "Softmax", np.ones(pred.shape[:-1], bool) if rows is None else rows)
    return pred


def _softplus(x: np.ndarray) -> np.ndarray:
    """log(1 + e^x) without overflow: max(x, 0) + log(1 + e^(−|x|)); equals −log σ(−x)."""
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def binary_cross_entropy(pred: np.ndarray, target: np.ndarray) -> float:
    """Binary cross-entropy: ``−(1/n) Σ_i [y_i log p_i + (1 − y_i) log(1 − p_i)]``.

    Args:
        pred: probabilities p in [0, 1] (e.g. sigmoid outputs), shape ``(N, ...)``;
            clipped to [ε, 1 − ε].
        target: y ∈ {0, 1} (or in [0, 1]), the same shape.

    Returns:
        The loss, a float; finite even for p = 0 or 1.

    Raises:
        ValueError: ``pred`` holds values outside [0, 1] (raw scores: use
            `sigmoid_cross_entropy`).
    """
    pred = _binary_probabilities(pred, "binary_cross_entropy", "sigmoid_cross_entropy")
    target = same_shape_target(pred, target, "binary_cross_entropy")
    p = np.clip(pred, EPS, 1.0 - EPS)
    return float(-np.mean(target * np.log(p) + (1.0 - target) * np.log(1.0 - p)))


def sigmoid_cross_entropy(logits: np.ndarray, target: np.ndarray) -> float:
    """Sigmoid followed by binary cross-entropy, fused and exact for any finite score:

    ``L = (1/n) Σ_i [max(z_i, 0) − z_i y_i + log(1 + e^(−|z_i|))]``,

    which equals ``binary_cross_entropy(sigmoid(z), y)`` without ever forming σ(z)
    (PyTorch's ``BCEWithLogitsLoss``).

    Args:
        logits: raw scores z, shape ``(N, ...)``; any finite values, even ±1e4.
        target: y ∈ {0, 1} (or in [0, 1]), the same shape.

    Returns:
        The loss, a float.
    """
    logits = check_pred(logits, "sigmoid_cross_entropy")
    target = same_shape_target(logits, target, "sigmoid_cross_entropy")
    return float(np.mean(_softplus(logits) - logits * target))


def cross_entropy(pred: np.ndarray, target: np.ndarray) -> float:
    """Categorical cross-entropy on probabilities: ``−(1/N) Σ_n Σ_k y_nk log p_nk``.

    Args:
        pred: probabilities p (e.g. softmax outputs), shape ``(N, K)``, rows summing to 1;
            ``(K,)`` is one sample. Clipped to [ε, 1].
        target: one-hot ``(N, K)`` or integer labels ``(N,)`` (a number for one sample).

    Returns:
        The loss, a float.

    Raises:
        ValueError: ``pred`` holds values outside [0, 1] or rows that do not sum to 1 (raw
            scores: use `softmax_cross_entropy`).
    """
    pred = _class_probabilities(pred, "cross_entropy")
    target = class_targets(pred, target, "cross_entropy")
    return float(-np.sum(target * np.log(np.clip(pred, EPS, 1.0))) / num_samples(pred))


def softmax_cross_entropy(logits: np.ndarray, target: np.ndarray) -> float:
    """Softmax followed by cross-entropy, fused and stable (log-sum-exp):

    ``L = (1/N) Σ_n [log Σ_j e^(z_nj) − Σ_k y_nk z_nk]`` (for one-hot y).

    Args:
        logits: scores z, shape ``(N, K)`` (``(K,)`` is one sample); any finite values, even ±1e4.
        target: one-hot ``(N, K)`` or integer labels ``(N,)`` (a number for one sample).

    Returns:
        The loss, a float.
    """
    logits = check_pred(logits, "softmax_cross_entropy")
    target = class_targets(logits, target, "softmax_cross_entropy")
    return float(-np.sum(target * log_softmax(logits)) / num_samples(logits))


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

    ``L = −(Σ_n Σ_t m_nt Σ_k y_ntk log ŷ_ntk) / (Σ_n Σ_t m_nt)``,

    which for one sequence without padding is the sources' ``−(1/T) Σ_t Σ_i y_ti log ŷ_ti``.

    Args:
        pred: probabilities ŷ in [0, 1], shape ``(N, T, K)``; clipped to [ε, 1]. The rows of
            real tokens must sum to 1 (padded positions need not).
        target: labels ``(N, T)`` or one-hot ``(N, T, K)``.
        mask: m, shape ``(N, T)``, 1 for real tokens and 0 for padding (default: all 1).

    Returns:
        The loss per real token, a float.
    """
    return _sequence_value(*_sequence_inputs(pred, target, mask, "sequence_cross_entropy"))


def _sequence_inputs(
    pred: Any, target: Any, mask: Any, owner: object
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    pred = check_pred(pred, owner)
    mask = _sequence_mask(pred, mask, owner)
    _class_probabilities(pred, owner, rows=mask > 0)
    return pred, class_targets(pred, target, owner), mask


def _sequence_value(pred: np.ndarray, target: np.ndarray, mask: np.ndarray) -> float:
    token_loss = -np.sum(target * np.log(np.clip(pred, EPS, 1.0)), axis=-1)
    return float(np.sum(mask * token_loss) / mask.sum())


def _check_focal_settings(gamma: float, alpha: float | None, owner: object) -> None:
    if not gamma >= 0:
        raise ValueError(f"{owner} expected gamma >= 0 (0 gives binary cross-entropy), got {gamma}")
    if alpha is not None and not 0.0 <= alpha <= 1.0:
        raise ValueError(f"{owner} expected alpha in [0, 1] (the weight of class 1) or None, got {alpha}")


def _check_binary_labels(target: np.ndarray, owner: object) -> None:
    bad = target[(target != 0) & (target != 1)]
    if bad.size:
        raise ValueError(
            f"{owner} expected labels y in {{0, 1}}, got {bad.size} other value(s), e.g. {float(bad.flat[0]):.4g}: "
            "focal loss picks p_t by the label, so soft targets are not defined; round them to 0/1, or use "
            "SigmoidCrossEntropyLoss (or BCELoss), which take targets in [0, 1]"
        )


def _focal_weights(target: np.ndarray, alpha: float | None) -> tuple[np.ndarray, np.ndarray]:
    """s = dp_t/dp (+1 for y = 1, −1 for y = 0) and α_t (α for y = 1, 1 − α for y = 0, else 1)."""
    positive = target == 1
    sign = np.where(positive, 1.0, -1.0)
    weight = np.ones_like(target) if alpha is None else np.where(positive, alpha, 1.0 - alpha)
    return sign, weight


def _focal_terms(
    pred: np.ndarray, target: np.ndarray, alpha: float | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    sign, weight = _focal_weights(target, alpha)
    p_t = np.clip(np.where(sign > 0, pred, 1.0 - pred), EPS, 1.0 - EPS)
    return p_t, sign, weight


def focal_loss(pred: np.ndarray, target: np.ndarray, gamma: float = 2.0, alpha: float | None = None) -> float:
    """Focal loss: ``FL = −(1/n) Σ_i α_t (1 − p_t)^γ log p_t``, with p_t = p if y = 1 else 1 − p.

    The factor (1 − p_t)^γ shrinks the loss of easy, well-classified samples; γ = 0 and no
    α give binary cross-entropy. α_t = α for y = 1 and 1 − α for y = 0 (1 when α is None).

    Args:
        pred: probabilities p of class 1, in [0, 1], shape ``(N, ...)``.
        target: y ∈ {0, 1}, the same shape.
        gamma: γ ≥ 0, the focusing strength.
        alpha: α ∈ [0, 1], the weight of the positive class, or None.

    Returns:
        The loss, a float.
    """
    _check_focal_settings(gamma, alpha, "focal_loss")
    pred = _binary_probabilities(pred, "focal_loss", "sigmoid_focal_loss")
    target = same_shape_target(pred, target, "focal_loss")
    _check_binary_labels(target, "focal_loss")
    p_t, _, weight = _focal_terms(pred, target, alpha)
    return float(-np.mean(weight * (1.0 - p_t) ** gamma * np.log(p_t)))


def sigmoid_focal_loss(
    logits: np.ndarray, target: np.ndarray, gamma: float = 2.0, alpha: float | None = None
) -> float:
    """Sigmoid followed by focal loss, fused and exact for any finite score:

    ``FL = (1/n) Σ_i α_t σ(−u_i)^γ log(1 + e^(−u_i))``, with ``u = z`` for y = 1 and ``u = −z``
    for y = 0, so that p_t = σ(u), 1 − p_t = σ(−u) and −log p_t = log(1 + e^(−u)).

    Equals ``focal_loss(sigmoid(z), y, gamma, alpha)`` without ever forming σ(z) (like
    ``torchvision.ops.sigmoid_focal_loss``, which sums instead of averaging).

    Args:
        logits: raw scores z, shape ``(N, ...)``; any finite values, even ±1e4.
        target: y ∈ {0, 1}, the same shape.
        gamma: γ ≥ 0, the focusing strength (0 gives `sigmoid_cross_entropy`).
        alpha: α ∈ [0, 1], the weight of the positive class, or None.

    Returns:
        The loss, a float.
    """
    _check_focal_settings(gamma, alpha, "sigmoid_focal_loss")
    logits = check_pred(logits, "sigmoid_focal_loss")
    target = same_shape_target(logits, target, "sigmoid_focal_loss")
    _check_binary_labels(target, "sigmoid_focal_loss")
    sign, weight = _focal_weights(target, alpha)
    u = sign * logits
    return float(np.mean(weight * sigmoid(-u) ** gamma * _softplus(-u)))


class BCELoss(Loss):
    """Binary cross-entropy on probabilities (see `binary_cross_entropy`).

    ``dL/dp = (p − y) / (p (1 − p)) / n``, with p clipped to [ε, 1 − ε]. After a sigmoid
    this product collapses to ``(p − y) / n``; `SigmoidCrossEntropyLoss` computes that directly.
    """

    fn = staticmethod(binary_cross_entropy)

    def check(self, pred: Any) -> np.ndarray:
        return _binary_probabilities(pred, self, "SigmoidCrossEntropyLoss")

    def _grad(self, pred: np.ndarray, target: np.ndarray) -> np.ndarray:
        p = np.clip(pred, EPS, 1.0 - EPS)
        return (p - target) / (p * (1.0 - p)) / pred.size


class SigmoidCrossEntropyLoss(Loss):
    """Sigmoid + binary cross-entropy on raw scores (see `sigmoid_cross_entropy`).

    ``dL/dz = (σ(z) − y) / n``, n = number of elements. Use it after a final `Linear`
    layer, without a `Sigmoid` layer, for binary and multi-label outputs.
    """

    fn = staticmethod(sigmoid_cross_entropy)

    def _grad(self, logits: np.ndarray, target: np.ndarray) -> np.ndarray:
        return (sigmoid(logits) - target) / logits.size


class CrossEntropyLoss(Loss):
    """Categorical cross-entropy on probabilities (see `cross_entropy`); ``dL/dp = −y / (N p)``."""

    fn = staticmethod(cross_entropy)
    class_targets = True

    def check(self, pred: Any) -> np.ndarray:
        return _class_probabilities(pred, self)

    def _grad(self, pred: np.ndarray, target: np.ndarray) -> np.ndarray:
        return -target / np.clip(pred, EPS, 1.0) / num_samples(pred)


class SoftmaxCrossEntropyLoss(Loss):
    """Softmax + cross-entropy on logits (see `softmax_cross_entropy`).

    The gradient is the famous ``dL/dz = (softmax(z) − y) / N`` (for rows of y summing to 1).
    Use it after a final `Linear` layer, without a `Softmax` layer.
    """

    fn = staticmethod(softmax_cross_entropy)
    class_targets = True

    def _grad(self, pred: np.ndarray, target: np.ndarray) -> np.ndarray:
        return (softmax(pred) * target.sum(axis=-1, keepdims=True) - target) / num_samples(pred)


class SequenceCrossEntropyLoss(Loss):
    """Cross-entropy over time steps with a padding mask (see `sequence_cross_entropy`).

    ``dL/dŷ_ntk = −m_nt y_ntk / ŷ_ntk / Σ m``. Set ``mask`` (shape ``(N, T)``) before calling
    `forward`, or pass it to the constructor; None counts every step.
    """

    def __init__(self, mask: np.ndarray | None = None) -> None:
        super().__init__()
        self.mask = mask

    def forward(self, pred: np.ndarray, target: np.ndarray) -> float:
        """``L = −Σ m y log ŷ / Σ m``. pred: ``(N, T, K)`` probabilities; target: ``(N, T)`` or ``(N, T, K)``."""
        self._cache = _sequence_inputs(pred, target, self.mask, self)
        return _sequence_value(*self._cache)

    def _grad(self, pred: np.ndarray, target: np.ndarray, mask: np.ndarray) -> np.ndarray:
        return -mask[..., None] * target / np.clip(pred, EPS, 1.0) / mask.sum()

    def __repr__(self) -> str:
        return "SequenceCrossEntropyLoss()" if self.mask is None else "SequenceCrossEntropyLoss(mask=...)"


class _FocalSettings:
    """γ and α of the two focal-loss classes, checked once; their labels must be 0 or 1."""

    def __init__(self, gamma: float = 2.0, alpha: float | None = None) -> None:
        super().__init__()
        _check_focal_settings(gamma, alpha, type(self).__name__)
        self.gamma = gamma
        self.alpha = alpha

    def settings(self) -> dict[str, Any]:
        return {"gamma": self.gamma, "alpha": self.alpha}

    def forward(self, pred: np.ndarray, target: np.ndarray) -> float:
        """The focal loss, a mean over all elements; ``target`` holds labels 0 or 1."""
        _check_binary_labels(as_float_array(target, self, "target"), self)
        return super().forward(pred, target)  # type: ignore[misc]


class FocalLoss(_FocalSettings, Loss):
    """Binary focal loss on probabilities (see `focal_loss`).

    With p_t as in `focal_loss` and s = ±1 (dp_t/dp):
    ``dL/dp = s α_t [γ (1 − p_t)^(γ−1) log p_t − (1 − p_t)^γ / p_t] / n``.
    """

    fn = staticmethod(focal_loss)

    def check(self, pred: Any) -> np.ndarray:
        return _binary_probabilities(pred, self, "SigmoidFocalLoss")

    def _grad(self, pred: np.ndarray, target: np.ndarray) -> np.ndarray:
        p_t, sign, weight = _focal_terms(pred, target, self.alpha)
        g = self.gamma
        dp_t = g * (1.0 - p_t) ** (g - 1.0) * np.log(p_t) - (1.0 - p_t) ** g / p_t
        return sign * weight * dp_t / pred.size


class SigmoidFocalLoss(_FocalSettings, SigmoidCrossEntropyLoss):
    """Sigmoid + focal loss on raw scores (see `sigmoid_focal_loss`); γ = 0 and no α give
    `SigmoidCrossEntropyLoss`, of which it is the generalisation.

    With u = ±z as in `sigmoid_focal_loss` and s = ±1 (du/dz):
    ``dL/dz = s α_t σ(−u)^γ [γ σ(u) log σ(u) − σ(−u)] / n``, n = number of elements;
    at γ = 0 this is ``(σ(z) − y) / n``. Use it after a final `Linear` layer, without a
    `Sigmoid` layer.
    """

    fn = staticmethod(sigmoid_focal_loss)

    def _grad(self, logits: np.ndarray, target: np.ndarray) -> np.ndarray:
        sign, weight = _focal_weights(target, self.alpha)
        u = sign * logits
        g = self.gamma
        dz = sign * weight * sigmoid(-u) ** g * (-g * sigmoid(u) * _softplus(-u) - sigmoid(-u))
        return dz / logits.size
