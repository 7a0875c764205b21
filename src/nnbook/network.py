"""Containers: `Sequential`, a network as a stack of layers, and the `Residual` block.

Forward runs the layers in order, backward runs them in reverse. Training (forward → loss →
backward → update over mini-batches) is a loop of its own, in `nnbook.train`.
"""

from __future__ import annotations

import numpy as np

from nnbook._checks import as_float_array
from nnbook.base import Layer


def _check_layers(layers: tuple[Layer, ...], owner: str) -> list[Layer]:
    example = f"{owner}(Linear(4, 8), ReLU(), Linear(8, 2))"
    if not layers:
        raise ValueError(f"{owner} needs at least one layer, e.g. {example}")
    if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
        raise TypeError(f"{owner} takes the layers one by one, not a list: {owner}(*layers), e.g. {example}")
    for i, layer in enumerate(layers):
        if isinstance(layer, type) and issubclass(layer, Layer):
            raise TypeError(
                f"{owner}: layer {i} is the class {layer.__name__}, not a layer; "
                f"create one with its arguments, e.g. {layer.__name__}(...)"
            )
        if not isinstance(layer, Layer):
            raise TypeError(
                f"{owner}: layer {i} is a {type(layer).__name__} ({layer!r}), not an nnbook layer; e.g. {example}"
            )
    return list(layers)


class Summary(str):
    """The text of `Sequential.summary`; shows as plain text in a notebook."""

    def __repr__(self) -> str:
        return str(self)


class Sequential(Layer):
    """A network that applies its layers one after another: out = f_L(… f_2(f_1(x))).

    Args:
        *layers: the layers, input side first, e.g.
            ``Sequential(Linear(784, 10), Sigmoid(), Linear(10, 10), Softmax())``.

    ``net.parameters()`` lists its layers' parameters named ``"i.name"`` (``"0.W"`` is the
    first layer's weight matrix); ``net[i]`` is layer i.
    """

    def __init__(self, *layers: Layer) -> None:
        super().__init__()
        self.layers = _check_layers(layers, type(self).__name__)

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, i: int) -> Layer:
        return self.layers[i]

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Run the batch through every layer. x: the first layer's input, e.g. ``(N, D)``."""
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Backpropagate dL/d(out) through the layers in reverse; returns dL/dx.

        Every layer's ``grads`` are filled on the way.
        """
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """Shape of one output sample for one input sample of ``input_shape``."""
        shape = tuple(input_shape)
        for layer in self.layers:
            shape = layer.output_shape(shape)
        return shape

    def summary(self, input_shape: int | tuple[int, ...]) -> Summary:
        """A table of every layer's output shape and parameter count, and the total.

        Args:
            input_shape: the shape of ONE input sample, without the batch axis, e.g.
                ``784`` or ``(784,)`` or ``(1, 28, 28)``.

        Returns:
            The table as a string (print it, or let a notebook show it).
        """
        shape = (input_shape,) if isinstance(input_shape, int) else tuple(input_shape)
        rows = [("Input", str(shape), "")]
        total = 0
        for layer in self.layers:
            shape = layer.output_shape(shape)
            count = layer.num_params()
            total += count
            rows.append((repr(layer), str(shape), f"{count:,}"))
        widths = [max(len(r[i]) for r in rows + [("Layer", "Output shape", "Params")]) for i in range(3)]

        def line(cells: tuple[str, str, str]) -> str:
            return f"{cells[0]:<{widths[0]}}  {cells[1]:<{widths[1]}}  {cells[2]:>{widths[2]}}"

        rule = "-" * (sum(widths) + 4)
        body = [line(("Layer", "Output shape", "Params")), rule, *map(line, rows), rule]
        return Summary("\n".join([*body, f"Total parameters: {total:,}"]))

    def predict(self, x: np.ndarray, batch_size: int = 1024) -> np.ndarray:
        """The network's output in evaluation mode (the mode is restored afterwards).

        Args:
            x: inputs, shape ``(N, ...)``.
            batch_size: samples per forward pass (limits memory).

        Returns:
            Outputs, shape ``(N, ...)`` as the last layer gives them.
        """
        was_training = self.training
        self.eval()
        try:
            x = as_float_array(x, self)
            batches = [x[i : i + batch_size] for i in range(0, len(x), batch_size)] or [x]
            return np.concatenate([self.forward(b) for b in batches])
        finally:
            self._set_mode(was_training)

    def __repr__(self) -> str:
        inner = ",\n".join(f"  {layer!r}" for layer in self.layers)
        return f"{type(self).__name__}(\n{inner}\n)"


class Residual(Sequential):
    """Residual (skip) block: out = F(x) + x, where F is the `Sequential` of ``layers``.

    Backward adds the two paths: dx = (backward of F)(dout) + dout. F must keep the shape
    of x. Parameters of the inner layers appear as ``"i.name"`` (layer i of F).
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        """out = F(x) + x. x: any shape that F preserves; out: the same shape."""
        x = as_float_array(x, self)
        out = super().forward(x)
        if out.shape != x.shape:
            raise ValueError(
                f"{self!r}: F changed the shape from {x.shape} to {out.shape}; "
                "a residual block needs F(x) and x of the same shape"
            )
        return out + x

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dx = (backward of F)(dout) + dout. dout and dx have the shape of x."""
        dout = as_float_array(dout, self, "dout")
        return super().backward(dout) + dout

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """Same as the input shape (checked through F's layers)."""
        shape = super().output_shape(input_shape)
        if shape != tuple(input_shape):
            raise ValueError(f"{self!r}: F maps {tuple(input_shape)} to {shape}; F must keep the shape")
        return shape

    def __repr__(self) -> str:
        return f"Residual({', '.join(repr(layer) for layer in self.layers)})"
