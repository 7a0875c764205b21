"""The `Layer` base class every building block of a network derives from.

A layer maps a batch forward, ``out = layer.forward(x)``, and sends the gradient of the
loss back, ``dx = layer.backward(dout)``, filling ``layer.grads`` for its own parameters
on the way. ``params`` and ``grads`` are dicts with the same keys and array shapes;
``layer.parameters()`` hands them to an optimizer as `Parameter` objects
(name, data, grad), sub-layers included.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np


@dataclass(eq=False)
class Parameter:
    """One learnable array as an optimizer sees it (like ``torch.nn.Parameter``).

    Attributes:
        name: where it lives, e.g. ``"W"`` in a layer or ``"0.W"`` in a `Sequential`.
        data: the array itself, shared with the layer: update it in place
            (``p.data -= lr * p.grad``), never rebind it.
        grad: dL/d(data), the same shape, written by the layer's ``backward``.
    """

    name: str
    data: np.ndarray
    grad: np.ndarray

    def __repr__(self) -> str:
        return f"Parameter({self.name!r}, shape={self.data.shape})"


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
        """Number of learnable scalars, sub-layers included: the sum of ``p.data.size``."""
        return sum(int(p.data.size) for p in self.parameters())

    def parameters(self) -> list[Parameter]:
        """Every learnable array of this layer and of its sub-layers, with its gradient.

        A layer's own parameters come by their names (``"W"``, ``"b"``); those of the
        sub-layers of a container (``self.layers``) as ``"i.name"``, i the layer's index, so
        the first layer's weights in a `Sequential` are ``"0.W"``. The arrays are shared,
        not copied: an optimizer that updates ``p.data`` in place updates the layer.
        """
        found = [Parameter(name, value, self.grads[name]) for name, value in self.params.items()]
        for i, layer in enumerate(getattr(self, "layers", ())):
            found += [Parameter(f"{i}.{p.name}", p.data, p.grad) for p in layer.parameters()]
        return found

    def state_dict(self) -> dict[str, np.ndarray]:
        """Copies of every parameter and buffer (running statistics), keyed as in `parameters`."""
        state = {p.name: p.data.copy() for p in self.parameters()}
        state.update({name: value.copy() for name, value in self._named_buffers()})
        return state

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        """Copy the arrays of a `state_dict` back into the layer's parameters and buffers, in place."""
        targets = {p.name: p.data for p in self.parameters()} | dict(self._named_buffers())
        if targets.keys() != state.keys():
            raise ValueError(
                f"load_state_dict expected the keys {sorted(targets)}, got {sorted(state)}: "
                "load a state saved from a network of the same architecture"
            )
        for name, target in targets.items():
            target[...] = state[name]

    def _named_buffers(self) -> list[tuple[str, np.ndarray]]:
        found = list(self.buffers.items())
        for i, layer in enumerate(getattr(self, "layers", ())):
            found += [(f"{i}.{name}", value) for name, value in layer._named_buffers()]
        return found

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
