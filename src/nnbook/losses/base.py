"""What every loss shares: the `Loss` base class and the checks of its inputs.

Shapes. The last axis of a prediction holds one sample's K outputs (K classes, or K
regression outputs); every axis before it is a batch axis. A 1-D prediction is therefore
one sample (a batch of one), as in the worked examples, and a batch of N single outputs is
a column of shape ``(N, 1)``. Losses that add up over the K outputs of a sample
(cross-entropy, the half squared error) divide by the number of samples; losses defined
element by element (MSE, MAE, Huber, binary cross-entropy, focal) by the number of elements.

Probabilities. The losses that take probabilities refuse a prediction outside [0, 1] (and,
for the categorical ones, rows that do not sum to 1) with a message that names the loss
taking raw scores, because feeding logits to them trains silently on a wrong number.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Callable

import numpy as np

from nnbook._checks import as_float_array, check_forward_called, check_nonempty, format_shape

EPS = 1e-12
"""Log-losses on probabilities clip p to [ε, 1 − ε], so p = 0 or 1 gives a finite loss."""

PROB_TOL = 1e-6
"""How far outside [0, 1] a probability may stray (rounding) before it is refused."""

ROW_SUM_TOL = 1e-3
"""How far from 1 a row of class probabilities may sum (float32 softmax rounding)."""


def check_pred(pred: Any, owner: object) -> np.ndarray:
    """``pred`` as a float array with at least one axis and one element, or a ValueError."""
    pred = as_float_array(pred, owner, "pred")
    if pred.ndim == 0:
        raise ValueError(
            f"{owner} expected pred with one entry per output, got a scalar: "
            "wrap it in an array, e.g. np.array([p]) for one sample with one output"
        )
    check_nonempty(pred, owner, "pred")
    return pred


def num_samples(pred: np.ndarray) -> int:
    """N, the number of samples: the product of all axes but the last (1 for a 1-D ``pred``)."""
    return pred.size // pred.shape[-1]


def check_probabilities(
    pred: np.ndarray,
    owner: object,
    raw_score_loss: str | None,
    layer: str,
    rows: np.ndarray | None = None,
) -> None:
    """Refuse values outside [0, 1] and, given ``rows``, rows of ``pred`` that do not sum to 1.

    Args:
        pred: the prediction, already a float array.
        owner: the loss, named in the message.
        raw_score_loss: the loss to use on raw scores instead, e.g. ``"SoftmaxCrossEntropyLoss"``,
            or None when there is none.
        layer: the layer that turns scores into probabilities, ``"Sigmoid"`` or ``"Softmax"``.
        rows: for class probabilities, a boolean mask over ``pred.shape[:-1]`` of the rows
            that must sum to 1 (e.g. the real tokens of a padded sequence); None checks none.

    Raises:
        ValueError: naming the range or the row sum found and both fixes. NaN passes (the
            training loop reports a NaN loss with its own advice).
    """
    fix = f"put a {layer} layer before this loss"
    if raw_score_loss is not None:
        fix = f"use {raw_score_loss}, which takes raw scores, or {fix}"
    low, high = float(np.min(pred)), float(np.max(pred))
    if low < -PROB_TOL or high > 1.0 + PROB_TOL:
        raise ValueError(
            f"{owner} expected probabilities in [0, 1], got pred of shape {pred.shape} with values "
            f"from {low:.4g} to {high:.4g}: these look like raw scores (logits); {fix}"
        )
    if rows is None:
        return
    sums = np.sum(pred, axis=-1)
    gaps = np.where(rows, np.abs(sums - 1.0), 0.0)
    worst = np.unravel_index(np.argmax(gaps), gaps.shape)
    if gaps[worst] > ROW_SUM_TOL:
        where = "the row" if pred.ndim == 1 else f"row {', '.join(map(str, worst))}"
        raise ValueError(
            f"{owner} expected each row of pred (shape {pred.shape}) to hold class probabilities "
            f"summing to 1, but {where} sums to {float(sums[worst]):.4g}: {fix} "
            "(for independent yes/no labels use BCELoss on Sigmoid outputs instead)"
        )


def same_shape_target(pred: np.ndarray, target: Any, owner: object) -> np.ndarray:
    """``target`` as floats with exactly the shape of ``pred``, or a ValueError with a fix."""
    target = as_float_array(target, owner, "target")
    if target.shape == pred.shape:
        return target
    if target.ndim == 1 and pred.shape == (len(target), 1):
        hint = "make the targets a column, e.g. y.reshape(-1, 1)"
    elif pred.ndim > 1 and target.shape == pred.shape[:-1]:
        hint = (
            f"these look like class labels; one-hot encode them, e.g. one_hot(y, {pred.shape[-1]}), "
            "or use SoftmaxCrossEntropyLoss, which takes labels"
        )
    else:
        hint = "targets and predictions must match element by element"
    raise ValueError(f"{owner} expected target of shape {pred.shape}, got {target.shape}: {hint}")


def class_targets(pred: np.ndarray, target: Any, owner: object) -> np.ndarray:
    """Targets of a K-class loss as a one-hot (or probability) array of ``pred``'s shape.

    Accepts integer labels of shape ``pred.shape[:-1]`` (a plain number for a 1-D ``pred``,
    one sample) or one-hot rows of ``pred``'s shape.
    """
    target = np.asarray(target)
    k = pred.shape[-1]
    labels_shape = "a single label" if pred.ndim == 1 else f"integer labels of shape {format_shape(pred.shape[:-1])}"
    expected = f"{labels_shape} or one-hot targets of shape {pred.shape}"
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
    if pred.ndim == 1:
        call = owner if isinstance(owner, str) else "loss"
        hint = (
            f"a 1-D pred of shape {pred.shape} is one sample; give its label as a plain number, "
            f"e.g. {call}(p, 2), or add a batch axis to pred, e.g. {call}(p[np.newaxis], [2])"
        )
    elif target.shape == (*pred.shape[:-1], 1):
        hint = "the labels are a column; flatten them, e.g. y.ravel()"
    elif target.shape[:-1] == pred.shape[:-1] and target.ndim == pred.ndim:
        hint = (
            f"the targets have {target.shape[-1]} classes but the predictions have {k}: "
            "check num_classes in one_hot or the last layer's out_features"
        )
    else:
        hint = "targets must have one label (or one one-hot row) per sample"
    raise ValueError(f"{owner} expected {expected}, got {target.shape}: {hint}")


class Loss(ABC):
    """A loss object: ``forward(pred, target) -> float``, then ``backward() -> dL/d(pred)``.

    A subclass names its formula ``fn`` (the function of the same loss, called with the
    keyword settings of `settings`), says in ``class_targets`` whether targets may be class
    labels, checks predictions in `check` and gives the gradient in ``_grad``.
    """

    fn: Callable[..., float]
    class_targets = False

    def __init__(self) -> None:
        self._cache: tuple[np.ndarray, ...] | None = None

    def settings(self) -> dict[str, Any]:
        """The loss's keyword settings, passed to ``fn`` and shown by ``repr``."""
        return {}

    def check(self, pred: Any) -> np.ndarray:
        """``pred`` as a checked float array; probability losses also check the range."""
        return check_pred(pred, self)

    def forward(self, pred: np.ndarray, target: np.ndarray) -> float:
        """The loss, a mean over the batch; keeps ``pred`` and ``target`` for `backward`.

        Args:
            pred: the network's output, e.g. ``(N, K)``; ``(K,)`` is one sample.
            target: the same shape, or integer labels ``(N,)`` for class losses.

        Returns:
            The loss, a float.
        """
        pred = self.check(pred)
        targets = class_targets if self.class_targets else same_shape_target
        self._cache = (pred, targets(pred, target, self))
        return self.fn(pred, target, **self.settings())

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
        inner = ", ".join(f"{name}={value}" for name, value in self.settings().items())
        return f"{type(self).__name__}({inner})"
