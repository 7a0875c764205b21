"""The `Layer` base class every building block of a network derives from.

A layer maps a batch forward, ``out = layer.forward(x)``, and sends the gradient of the
loss back, ``dx = layer.backward(dout)``, filling ``layer.grads`` for its own parameters
on the way. ``params`` and ``grads`` are dicts with the same keys and array shapes, so an
optimizer can update every parameter by name.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np


class Layer(ABC):
    """A differentiable building block with parameters, gradients and a train/eval mode.

    Subclasses call ``super().__init__()`` and implement `forward` and `backward`; they
    override `output_shape` when the layer changes the shape of a sample.

    Attributes:
        params: parameter arrays by name, e.g. ``{"W": (in, out), "b": (out,)}``.
        grads: gradients of the loss with respect to ``params``, same keys and shapes,
            written by `backward`.
        training: True in training mode (dropout drops, batch norm uses batch statistics),
            False in evaluation mode.
        buffers: state that is not learned by gradient descent but belongs to the trained
            model, e.g. batch norm's running mean and variance.
    """

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.training: bool = True
        self.buffers: dict[str, np.ndarray] = {}

    @abstractmethod
    def forward(self, x: np.ndarray) -> np.ndarray:
        """Compute the layer's output for a batch ``x`` and keep what `backward` needs."""

    @abstractmethod
    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Given dL/d(out), fill ``self.grads`` and return dL/dx (same shape as ``x``)."""

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """``layer(x)`` is ``layer.forward(x)``."""
        return self.forward(x)

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """Shape of one output sample for one input sample of ``input_shape`` (no batch axis).

        The default suits layers that keep the shape, such as activations and dropout.
        """
        return tuple(input_shape)

    def num_params(self) -> int:
        """Number of learnable scalars: the sum of ``p.size`` over ``params``."""
        return sum(int(p.size) for p in self.params.values())

    def zero_grad(self) -> None:
        """Set every gradient array to zero in place."""
        for g in self.grads.values():
            g.fill(0.0)

    def train(self) -> Layer:
        """Switch to training mode (with any sub-layers in ``self.layers``) and return the layer."""
        return self._set_mode(True)

    def eval(self) -> Layer:
        """Switch to evaluation mode (with any sub-layers in ``self.layers``) and return the layer."""
        return self._set_mode(False)

    def _set_mode(self, training: bool) -> Layer:
        self.training = training
        for layer in getattr(self, "layers", ()):
            layer._set_mode(training)
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def collect_parameters(layers: list[Layer]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Flat views of the parameters and gradients of ``layers``, keyed ``"i.name"``.

    Layer ``i``'s ``params["W"]`` appears as ``"i.W"``; the arrays are shared, not copied,
    so an optimizer that updates the flat dict in place updates the layers.

    Returns:
        ``(params, grads)``, two dicts with the same keys.
    """
    params: dict[str, np.ndarray] = {}
    grads: dict[str, np.ndarray] = {}
    for i, layer in enumerate(layers):
        for name, value in layer.params.items():
            params[f"{i}.{name}"] = value
            grads[f"{i}.{name}"] = layer.grads[name]
    return params, grads


def collect_buffers(layers: list[Layer]) -> dict[str, np.ndarray]:
    """Flat view of the buffers of ``layers`` (e.g. running statistics), keyed ``"i.name"``; arrays are shared."""
    return {
        f"{i}.{name}": value for i, layer in enumerate(layers) for name, value in layer.buffers.items()
    }
