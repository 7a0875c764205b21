"""Layers with parameters or a train/eval mode: the dense layer and its companions.

Shapes follow the row convention: a batch of N samples with D features is an ``(N, D)``
array and a dense layer computes ``x @ W + b``. Images are ``(N, C, H, W)``.
"""

from __future__ import annotations

import math

import numpy as np

from nnbook._checks import (
    as_float_array,
    check_forward_called,
    check_nonempty,
    check_same_shape,
    check_shape,
    check_size,
    format_shape,
    shape_hint,
)
from nnbook.activations import step
from nnbook.base import Layer
from nnbook.init import Initializer, get_initializer
from nnbook.random import get_rng, spawn_rng


class Linear(Layer):
    """Fully connected (dense) layer: out = x W + b.

    Args:
        in_features: m, the number of inputs per sample.
        out_features: n, the number of outputs (units) per sample.
        init: name of a weight initialiser from `nnbook.init` ("uniform" draws
            W ~ U(−1/√m, 1/√m) as in the sources; "xavier", "he", "normal", "zeros", ...)
            or a callable ``f(m, n, rng=...)``. The bias starts at zero.
        rng: generator for the initial weights (default: the shared stream of
            `nnbook.random`, so two layers get different weights and a rerun the same).
        l1: λ₁ ≥ 0, an L1 penalty λ₁ Σ|w| on the weights: `backward` adds its gradient
            λ₁ sign(W) to dW (sign(0) = 0). The loss value does not include the penalty;
            `penalty` gives it. (The L2 penalty is the optimizers' ``weight_decay``.)

    Parameters: ``W`` of shape ``(in_features, out_features)``, ``b`` of shape ``(out_features,)``,
    m·n + n numbers in all.
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        init: str | Initializer = "uniform",
        rng: np.random.Generator | None = None,
        l1: float = 0.0,
    ) -> None:
        super().__init__()
        self.in_features = check_size(in_features, "in_features", "Linear")
        self.out_features = check_size(out_features, "out_features", "Linear")
        if isinstance(l1, bool) or not isinstance(l1, (int, float, np.integer, np.floating)) or not 0 <= l1 < math.inf:
            raise ValueError(f"Linear expected an L1 strength l1 >= 0 (e.g. 1e-4), got l1={l1!r}")
        self.l1 = float(l1)
        rng = get_rng(rng)
        self.params = {
            "W": np.asarray(get_initializer(init)(in_features, out_features, rng=rng), dtype=float),
            "b": np.zeros(out_features),
        }
        self.grads = {name: np.zeros_like(p) for name, p in self.params.items()}
        self._x: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """out = x W + b. x: ``(N, in_features)``; out: ``(N, out_features)``."""
        x = check_shape(x, ("N", self.in_features), self)
        self._x = x
        out = x @ self.params["W"]
        out += self.params["b"]
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dW = xᵀ dout (+ λ₁ sign(W) with an L1 penalty), db = Σ_n dout, dx = dout Wᵀ.

        Args:
            dout: dL/d(out), shape ``(N, out_features)``.

        Returns:
            dL/dx, shape ``(N, in_features)``.
        """
        check_forward_called(self._x, self)
        dout = check_same_shape(dout, (len(self._x), self.out_features), self)
        np.matmul(self._x.T, dout, out=self.grads["W"])
        if self.l1:
            self.grads["W"] += self.l1 * np.sign(self.params["W"])
        np.add.reduce(dout, axis=0, out=self.grads["b"])  # np.sum without its Python overhead
        return dout @ self.params["W"].T

    def penalty(self) -> float:
        """The L1 penalty λ₁ Σ|w| this layer adds to the objective (0.0 without ``l1``)."""
        return self.l1 * float(np.abs(self.params["W"]).sum())

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """``(in_features,)`` -> ``(out_features,)``; any other input shape is a ValueError."""
        if tuple(input_shape) != (self.in_features,):
            expected = ("N", self.in_features)
            actual = ("N", *input_shape)
            raise ValueError(
                f"{self!r} expected input of shape {format_shape(expected)}, got {format_shape(actual)}: "
                f"{shape_hint((1, *input_shape), expected)}"
            )
        return (self.out_features,)

    def __repr__(self) -> str:
        l1 = f", l1={self.l1:g}" if self.l1 else ""
        return f"Linear({self.in_features} -> {self.out_features}{l1})"


class Flatten(Layer):
    """Flatten every sample into a row: ``(N, d1, d2, ...)`` -> ``(N, d1·d2·...)``.

    Needed between convolution/pooling layers and a `Linear` layer.
    """

    def __init__(self) -> None:
        super().__init__()
        self._shape: tuple[int, ...] | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """x: ``(N, ...)``; returns ``(N, prod(...))``."""
        x = as_float_array(x, self)
        check_nonempty(x, self)
        self._shape = x.shape
        return x.reshape(len(x), -1)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Reshape dout ``(N, prod(...))`` back to the input shape ``(N, ...)``."""
        check_forward_called(self._shape, self)
        dout = check_same_shape(dout, (self._shape[0], math.prod(self._shape[1:])), self)
        return dout.reshape(self._shape)

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """``(d1, d2, ...)`` -> ``(d1·d2·...,)``."""
        return (math.prod(input_shape),)


class Dropout(Layer):
    """Randomly silence units during training; p is the probability of DROPPING a unit.

    Training, with a fresh mask m ~ Bernoulli(1 − p) per element:

    - ``mode="inverted"`` (default): out = x ⊙ m / (1 − p); evaluation: out = x.
    - ``mode="classic"`` (as the sources describe): out = x ⊙ m; evaluation:
      out = (1 − p) x, so that expected activations match between the two modes.

    Args:
        p: drop probability, 0 ≤ p < 1.
        mode: "inverted" or "classic".
        rng: generator for the masks (default: a child of `nnbook.random`'s shared stream,
            so two dropout layers draw different masks and a rerun the same ones).
    """

    MODES = ("inverted", "classic")

    def __init__(
        self, p: float = 0.5, mode: str = "inverted", rng: np.random.Generator | None = None
    ) -> None:
        super().__init__()
        if not 0.0 <= p < 1.0:
            raise ValueError(f"Dropout expected 0 <= p < 1 (the drop probability), got p={p}")
        if mode not in self.MODES:
            raise ValueError(f"Dropout mode must be one of {self.MODES}, got {mode!r}")
        self.p = p
        self.mode = mode
        self.rng = spawn_rng(rng)
        self._scale: np.ndarray | float | None = None
        self._shape: tuple[int, ...] = ()

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Apply the mask (training) or the test-time scaling (evaluation). Shape in = shape out."""
        x = as_float_array(x, self)
        check_nonempty(x, self)
        keep = 1.0 - self.p
        self._shape = x.shape
        if self.training:
            mask = self.rng.random(x.shape) < keep
            self._scale = mask / keep if self.mode == "inverted" else mask.astype(float)
        else:
            self._scale = 1.0 if self.mode == "inverted" else keep
        return x * self._scale

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dx = dout multiplied by the same mask and scale as the forward pass."""
        check_forward_called(self._scale, self)
        return check_same_shape(dout, self._shape, self) * self._scale

    def __repr__(self) -> str:
        return f"Dropout(p={self.p}, mode={self.mode!r})"


class BatchNorm(Layer):
    """Batch normalisation for ``(N, D)`` features or ``(N, C, H, W)`` images.

    Training, per feature (or per channel, over N, H and W):

        μ = mean(x),  σ² = mean((x − μ)²),  x̂ = (x − μ) / √(σ² + ε),  out = γ x̂ + β,

    and the running statistics follow an exponential moving average,
    running = momentum · running + (1 − momentum) · batch statistic (σ² as above, the
    biased variance). Evaluation uses the running mean and variance instead of the batch's.

    Args:
        num_features: D for dense input, C for images.
        momentum: weight of the old running statistics.
        eps: ε, keeps the division finite when a feature is constant.

    Parameters ``gamma`` (ones) and ``beta`` (zeros), shape ``(num_features,)``; buffers
    ``running_mean`` (zeros) and ``running_var`` (ones), same shape.
    """

    def __init__(self, num_features: int, momentum: float = 0.9, eps: float = 1e-5) -> None:
        super().__init__()
        self.num_features = num_features
        self.momentum = momentum
        self.eps = eps
        self.params = {"gamma": np.ones(num_features), "beta": np.zeros(num_features)}
        self.grads = {name: np.zeros_like(p) for name, p in self.params.items()}
        self.buffers = {"running_mean": np.zeros(num_features), "running_var": np.ones(num_features)}
        self._cache: tuple[np.ndarray, np.ndarray, tuple[int, ...], bool] | None = None

    @property
    def running_mean(self) -> np.ndarray:
        """Moving average of the batch means, shape ``(num_features,)``."""
        return self.buffers["running_mean"]

    @property
    def running_var(self) -> np.ndarray:
        """Moving average of the batch variances, shape ``(num_features,)``."""
        return self.buffers["running_var"]

    def _axes_and_shape(self, x: np.ndarray) -> tuple[tuple[int, ...], tuple[int, ...]]:
        if x.ndim == 2:
            check_shape(x, ("N", self.num_features), self)
            return (0,), (1, self.num_features)
        if x.ndim == 4:
            check_shape(x, ("N", self.num_features, "H", "W"), self)
            return (0, 2, 3), (1, self.num_features, 1, 1)
        raise ValueError(
            f"{self!r} expected input of shape (N, {self.num_features}) or "
            f"(N, {self.num_features}, H, W), got {x.shape}: "
            f"{shape_hint(x.shape, ('N', self.num_features))}"
        )

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Normalise, scale and shift. x: ``(N, D)`` or ``(N, C, H, W)``; out: same shape."""
        x = as_float_array(x, self)
        axes, shape = self._axes_and_shape(x)
        gamma = self.params["gamma"].reshape(shape)
        beta = self.params["beta"].reshape(shape)
        if self.training:
            if x.size // self.num_features < 2:
                raise ValueError(
                    f"{self!r} in training mode got a batch of {len(x)} sample(s) {x.shape} with one value "
                    "per feature: its variance is 0 and every output would be β. Use a batch of at least "
                    "2 samples, or call eval() to use the running statistics"
                )
            mean = x.mean(axis=axes)
            var = x.var(axis=axes)
            for running, batch in ((self.running_mean, mean), (self.running_var, var)):
                running *= self.momentum
                running += (1.0 - self.momentum) * batch
        else:
            mean, var = self.running_mean, self.running_var
        inv_std = 1.0 / np.sqrt(var + self.eps).reshape(shape)
        x_hat = (x - mean.reshape(shape)) * inv_std
        self._cache = (x_hat, inv_std, axes, self.training)
        return gamma * x_hat + beta

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Gradients of γ, β and the input.

        dγ = Σ dout ⊙ x̂, dβ = Σ dout (sums over the normalised axes). With g = dout ⊙ γ
        and m the number of values per feature, training mode gives
        dx = (1/√(σ² + ε)) (g − mean(g) − x̂ ⊙ mean(g ⊙ x̂)); evaluation mode, where μ and
        σ² are constants, gives dx = g / √(σ² + ε). The mode is the one `forward` ran in.

        Args:
            dout: dL/d(out), the shape of the output.

        Returns:
            dL/dx, the shape of ``x``: ``(N, D)`` or ``(N, C, H, W)``.
        """
        check_forward_called(self._cache, self)
        x_hat, inv_std, axes, training = self._cache
        dout = check_same_shape(dout, x_hat.shape, self)
        np.sum(dout * x_hat, axis=axes, out=self.grads["gamma"])
        np.sum(dout, axis=axes, out=self.grads["beta"])
        g = dout * self.params["gamma"].reshape(inv_std.shape)
        if not training:
            return g * inv_std
        return inv_std * (
            g - g.mean(axis=axes, keepdims=True) - x_hat * (g * x_hat).mean(axis=axes, keepdims=True)
        )

    def __repr__(self) -> str:
        return f"BatchNorm({self.num_features})"


class Perceptron:
    """Rosenblatt's perceptron: ŷ = step(x · w + b), with b = −threshold.

    Args:
        w: weights, shape ``(D,)``.
        b: bias (the negative of the threshold).

    Example: ``Perceptron([-2, -2], 3)`` is a NAND gate.
    """

    def __init__(self, w: np.ndarray | list[float], b: float) -> None:
        self.w = np.array(w, dtype=float)
        self.b = float(b)
        self.errors_: list[int] = []

    def predict(self, x: np.ndarray) -> np.ndarray:
        """ŷ = step(x · w + b) ∈ {0, 1}. x: ``(N, D)`` or one sample ``(D,)``; returns ``(N,)`` or a scalar."""
        x = as_float_array(x, self)
        if x.shape[-1:] != self.w.shape or x.ndim > 2:
            raise ValueError(
                f"{self!r} expected input of shape (N, {len(self.w)}) or ({len(self.w)},), "
                f"got {x.shape}: give each sample {len(self.w)} features"
            )
        return step(x @ self.w + self.b)

    def fit(self, x: np.ndarray, y: np.ndarray, epochs: int = 10, lr: float = 1.0) -> Perceptron:
        """The perceptron learning rule, one sample at a time, starting from the current w, b.

        For each sample: ŷ = step(x_i · w + b), w ← w + lr (y_i − ŷ) x_i, b ← b + lr (y_i − ŷ).
        The rule is sequential by nature: each update changes the next prediction.
        The number of misclassified samples per epoch is appended to ``errors_``;
        training stops early after an epoch without mistakes.

        Args:
            x: inputs, shape ``(N, D)``.
            y: targets in {0, 1}, shape ``(N,)`` (±1 labels are refused with the fix).
            epochs: passes over the data.
            lr: learning rate.

        Returns:
            self.
        """
        x = check_shape(x, ("N", len(self.w)), self)
        y = check_same_shape(y, (len(x),), self, "y")
        if not np.isin(y, (0.0, 1.0)).all():
            found = np.unique(y)[:6].tolist()
            hint = " (for ±1 labels pass (y + 1) / 2)" if set(found) <= {-1.0, 1.0} else ""
            raise ValueError(
                f"{self!r}.fit expected targets in {{0, 1}} (step outputs 0 or 1), got the values "
                f"{found}{hint}: with other targets the rule never stops making mistakes"
            )
        for _ in range(epochs):
            mistakes = 0
            for xi, yi in zip(x, y):
                error = yi - step(xi @ self.w + self.b)
                self.w += lr * error * xi
                self.b += lr * error
                mistakes += int(error != 0)
            self.errors_.append(mistakes)
            if mistakes == 0:
                break
        return self

    def __repr__(self) -> str:
        return f"Perceptron(w={self.w.tolist()}, b={self.b})"
