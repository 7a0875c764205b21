"""Loss functions: how far the network's output is from the target.

Each loss comes twice: a plain function with the formula the chapters show
(``mse(pred, target) -> float``), and a class whose ``forward(pred, target)`` returns the
same number (a mean over the batch) and whose ``backward()`` returns dL/d(pred), the
gradient that starts backpropagation.

- `nnbook.losses.regression`: `mse`, `mae`, `huber`, `half_squared_error` and their classes;
- `nnbook.losses.classification`: binary, sigmoid (on raw scores), categorical, softmax
  (on raw scores), sequence and focal (on probabilities and on raw scores) cross-entropy and
  their classes;
- `nnbook.losses.base`: the `Loss` base class and the checks every loss shares.

Everything is importable from ``nnbook.losses`` directly.
"""

from nnbook.losses.base import EPS, Loss
from nnbook.losses.classification import (
    BCELoss,
    CrossEntropyLoss,
    FocalLoss,
    SequenceCrossEntropyLoss,
    SigmoidCrossEntropyLoss,
    SigmoidFocalLoss,
    SoftmaxCrossEntropyLoss,
    binary_cross_entropy,
    cross_entropy,
    focal_loss,
    sequence_cross_entropy,
    sigmoid_cross_entropy,
    sigmoid_focal_loss,
    softmax_cross_entropy,
)
from nnbook.losses.regression import (
    HalfSquaredErrorLoss,
    HuberLoss,
    MAELoss,
    MSELoss,
    half_squared_error,
    huber,
    mae,
    mse,
)

__all__ = [
    "EPS",
    "Loss",
    "mse",
    "mae",
    "huber",
    "half_squared_error",
    "binary_cross_entropy",
    "sigmoid_cross_entropy",
    "cross_entropy",
    "softmax_cross_entropy",
    "sequence_cross_entropy",
    "focal_loss",
    "sigmoid_focal_loss",
    "MSELoss",
    "MAELoss",
    "HuberLoss",
    "HalfSquaredErrorLoss",
    "BCELoss",
    "SigmoidCrossEntropyLoss",
    "CrossEntropyLoss",
    "SoftmaxCrossEntropyLoss",
    "SequenceCrossEntropyLoss",
    "FocalLoss",
    "SigmoidFocalLoss",
]
