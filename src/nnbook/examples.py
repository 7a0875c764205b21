"""The sources' worked 2-2-2 networks, ready to run.

Both worked backpropagation examples of the sources (S2 §3.2.5 and S4 §2.2) use a network
with two inputs, two sigmoid hidden units and two sigmoid outputs, and write

    net_h1 = w1·i1 + w2·i2 + b1        net_h2 = w3·i1 + w4·i2 + b1
    net_o1 = w5·out_h1 + w6·out_h2 + b2  net_o2 = w7·out_h1 + w8·out_h2 + b2

In the row convention (out = x W + b, W of shape (inputs, outputs)) unit j's weights are
column j of W, so W1 = [[w1, w3], [w2, w4]] and W2 = [[w5, w7], [w6, w8]]. The sources give
each layer one bias value; here both units of the layer start with it (the gradient of a
shared bias would be the sum of the two per-unit gradients).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnbook.activations import Sigmoid
from nnbook.layers import Linear
from nnbook.network import Sequential

__all__ = ["TwoTwoTwoExample", "S2_EXAMPLE", "S4_EXAMPLE"]


@dataclass(frozen=True)
class TwoTwoTwoExample:
    """One worked example: the 2-2-2 sigmoid network, its input, target and learning rate.

    Attributes:
        source: where the example comes from, e.g. ``"S2 §3.2.5"``.
        inputs: ``(i1, i2)``.
        targets: the wanted outputs ``(o1, o2)``.
        hidden_weights: ``(w1, w2, w3, w4)``.
        hidden_bias: ``b1``.
        output_weights: ``(w5, w6, w7, w8)``.
        output_bias: ``b2``.
        learning_rate: the η of the source's update step.
    """

    source: str
    inputs: tuple[float, float]
    targets: tuple[float, float]
    hidden_weights: tuple[float, float, float, float]
    hidden_bias: float
    output_weights: tuple[float, float, float, float]
    output_bias: float
    learning_rate: float

    def x(self) -> np.ndarray:
        """The input as a batch of one, shape ``(1, 2)``."""
        return np.array([self.inputs], dtype=float)

    def target(self) -> np.ndarray:
        """The target as a batch of one, shape ``(1, 2)``."""
        return np.array([self.targets], dtype=float)

    def network(self) -> Sequential:
        """A fresh ``Linear(2, 2), Sigmoid, Linear(2, 2), Sigmoid`` set to the source's values."""
        w1, w2, w3, w4 = self.hidden_weights
        w5, w6, w7, w8 = self.output_weights
        hidden, output = Linear(2, 2), Linear(2, 2)
        hidden.params["W"][...] = [[w1, w3], [w2, w4]]
        hidden.params["b"][...] = self.hidden_bias
        output.params["W"][...] = [[w5, w7], [w6, w8]]
        output.params["b"][...] = self.output_bias
        return Sequential(hidden, Sigmoid(), output, Sigmoid())


S2_EXAMPLE = TwoTwoTwoExample(
    source="S2 §3.2.5",
    inputs=(0.05, 0.10),
    targets=(0.01, 0.99),
    hidden_weights=(0.15, 0.20, 0.25, 0.30),
    hidden_bias=0.35,
    output_weights=(0.40, 0.45, 0.50, 0.55),
    output_bias=0.60,
    learning_rate=0.5,
)

S4_EXAMPLE = TwoTwoTwoExample(
    source="S4 §2.2",
    inputs=(0.10, 0.20),
    targets=(0.85, 0.30),
    hidden_weights=(0.05, 0.15, 0.10, 0.20),
    hidden_bias=0.35,
    output_weights=(0.25, 0.35, 0.30, 0.40),
    output_bias=0.50,
    learning_rate=1.0,
)
