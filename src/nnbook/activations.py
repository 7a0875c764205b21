"""Activation functions, their derivatives, and the layers that apply them.

Each function works element by element on an array of any shape ``z`` (the
pre-activation) and returns an array of the same shape; ``*_grad`` returns the
derivative f'(z). `softmax` is the exception: it normalises along one axis.
"""

from __future__ import annotations

import functools
from typing import Callable

import numpy as np

from nnbook._checks import as_float_array, check_forward_called, check_nonempty, check_same_shape
from nnbook.base import Layer

ArrayFn = Callable[[np.ndarray], np.ndarray]


def _floats(z: np.ndarray) -> np.ndarray:
    """``z`` as a floating-point array: float32 stays float32, anything else becomes float64."""
    z = np.asarray(z)
    return z if z.dtype.kind == "f" else z.astype(np.float64)


def identity(z: np.ndarray) -> np.ndarray:
    """Linear (identity) activation: f(z) = z. Shape in = shape out."""
    return _floats(z).copy()


def identity_grad(z: np.ndarray) -> np.ndarray:
    """Derivative of the identity: f'(z) = 1. Shape in = shape out."""
    return np.ones_like(_floats(z))


def step(z: np.ndarray) -> np.ndarray:
    """The perceptron's threshold: f(z) = 1 if z > 0 else 0. Shape in = shape out.

    Its derivative is 0 wherever it exists, which is why gradient descent cannot train
    a network of step units.
    """
    z = _floats(z)
    return (z > 0).astype(z.dtype)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic sigmoid: σ(z) = 1 / (1 + e^(−z)), values in (0, 1). Shape in = shape out.

    Computed as e^(z)/(1 + e^(z)) for negative z so that e^(−z) never overflows.
    """
    z = _floats(z)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_grad(z: np.ndarray) -> np.ndarray:
    """Derivative of the sigmoid: σ'(z) = σ(z)(1 − σ(z)), at most 0.25. Shape in = shape out."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent: tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z)), values in (−1, 1)."""
    return np.tanh(_floats(z))


def tanh_grad(z: np.ndarray) -> np.ndarray:
    """Derivative of tanh: tanh'(z) = 1 − tanh(z)². Shape in = shape out."""
    return 1.0 - np.tanh(_floats(z)) ** 2


def relu(z: np.ndarray) -> np.ndarray:
    """Rectified linear unit: ReLU(z) = max(0, z). Shape in = shape out."""
    return np.maximum(_floats(z), 0)


def relu_grad(z: np.ndarray) -> np.ndarray:
    """Derivative of ReLU: 1 for z > 0, else 0 (0 is used at z = 0). Shape in = shape out."""
    z = _floats(z)
    return (z > 0).astype(z.dtype)


def leaky_relu(z: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    """Leaky ReLU: f(z) = z for z > 0, α·z otherwise. Shape in = shape out."""
    z = _floats(z)
    return np.where(z > 0, z, alpha * z)


def leaky_relu_grad(z: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    """Derivative of leaky ReLU: 1 for z > 0, α otherwise. Shape in = shape out."""
    z = _floats(z)
    return np.where(z > 0, 1.0, alpha).astype(z.dtype)


def softmax(a: np.ndarray, axis: int = -1) -> np.ndarray:
    """Softmax along ``axis``: y_k = e^(a_k) / Σ_j e^(a_j).

    The maximum is subtracted first (the result does not change, and e^(·) can no longer
    overflow), so logits of ±1e4 still give finite probabilities.

    Args:
        a: scores (logits) of any shape, e.g. ``(N, K)``.
        axis: the axis that holds the K classes.

    Returns:
        Probabilities of the same shape, non-negative and summing to 1 along ``axis``.
    """
    a = _floats(a)
    e = np.exp(a - np.max(a, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(a: np.ndarray, axis: int = -1) -> np.ndarray:
    """Log of the softmax along ``axis``: log y_k = a_k − log Σ_j e^(a_j).

    The log-sum-exp is computed as m + log Σ_j e^(a_j − m) with m the maximum, so nothing
    overflows and no log(0) is taken: ``np.log(softmax(a))`` gives −inf for a logit 1e4 below
    the maximum, this gives the exact −1e4.

    Args:
        a: scores (logits) of any shape, e.g. ``(N, K)``.
        axis: the axis that holds the K classes.

    Returns:
        Log-probabilities of the same shape, all ≤ 0.
    """
    a = _floats(a)
    shifted = a - np.max(a, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


ACTIVATIONS: dict[str, tuple[ArrayFn, ArrayFn]] = {
    "identity": (identity, identity_grad),
    "sigmoid": (sigmoid, sigmoid_grad),
    "tanh": (tanh, tanh_grad),
    "relu": (relu, relu_grad),
    "leaky_relu": (leaky_relu, leaky_relu_grad),
}
"""Element-wise activations by name: ``name -> (f, f')``."""


class _Elementwise(Layer):
    """A layer that applies ``fn`` element by element; backward multiplies by ``grad_fn``."""

    fn: ArrayFn
    grad_fn: ArrayFn

    def __init__(self) -> None:
        super().__init__()
        self._x: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """out = f(x), element by element. x: any shape (N, ...); out: the same shape."""
        x = as_float_array(x, self)
        check_nonempty(x, self)
        self._x = x
        return self.fn(x)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dx = dout ⊙ f'(x). dout: shape of the output; dx: shape of x."""
        check_forward_called(self._x, self)
        dout = check_same_shape(dout, self._x.shape, self)
        return dout * self.grad_fn(self._x)


class Identity(_Elementwise):
    """Layer form of `identity`: out = x, dx = dout."""

    fn = staticmethod(identity)
    grad_fn = staticmethod(identity_grad)


class Sigmoid(_Elementwise):
    """Layer form of `sigmoid`: out = σ(x), dx = dout ⊙ σ(x)(1 − σ(x))."""

    fn = staticmethod(sigmoid)
    grad_fn = staticmethod(sigmoid_grad)


class Tanh(_Elementwise):
    """Layer form of `tanh`: out = tanh(x), dx = dout ⊙ (1 − tanh(x)²)."""

    fn = staticmethod(tanh)
    grad_fn = staticmethod(tanh_grad)


class ReLU(_Elementwise):
    """Layer form of `relu`: out = max(0, x), dx = dout ⊙ [x > 0]."""

    fn = staticmethod(relu)
    grad_fn = staticmethod(relu_grad)


class LeakyReLU(_Elementwise):
    """Layer form of `leaky_relu`: out = x for x > 0 else α·x; dx = dout ⊙ (1 or α)."""

    def __init__(self, alpha: float = 0.01) -> None:
        super().__init__()
        self.alpha = alpha
        self.fn = functools.partial(leaky_relu, alpha=alpha)
        self.grad_fn = functools.partial(leaky_relu_grad, alpha=alpha)

    def __repr__(self) -> str:
        return f"LeakyReLU(alpha={self.alpha})"


class Softmax(Layer):
    """Layer form of `softmax` along ``axis`` (the class axis, last by default).

    Backward is the full Jacobian-vector product, for y = softmax(x):
    dx = y ⊙ (dout − Σ_k dout_k y_k), the sum taken along ``axis``.
    """

    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        self.axis = axis
        self._y: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """y = softmax(x, axis). x: (N, K) or any shape; y: the same shape."""
        x = as_float_array(x, self)
        check_nonempty(x, self)
        self._y = softmax(x, axis=self.axis)
        return self._y

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """dx = y ⊙ (dout − Σ_k dout_k y_k). dout, dx: the shape of y."""
        check_forward_called(self._y, self)
        dout = check_same_shape(dout, self._y.shape, self)
        y = self._y
        return y * (dout - np.sum(dout * y, axis=self.axis, keepdims=True))

    def __repr__(self) -> str:
        return "Softmax()" if self.axis == -1 else f"Softmax(axis={self.axis})"
