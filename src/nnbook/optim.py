"""Optimizers: turn gradients into parameter updates, and learning-rate schedules.

An optimizer's ``step(params, grads)`` updates every array in ``params`` IN PLACE, using
the gradient of the same name in ``grads``; any state (velocities, squared-gradient
averages) is kept per name. ``params`` and ``grads`` are the flat dicts returned by
`nnbook.network.Sequential.parameters` (or a layer's own ``params``/``grads``).

Weight decay λ (L2 regularisation, loss + ½ λ ‖W‖²) adds λ W to the gradient of every
weight matrix — parameters named ``W``, not biases or batch-norm's γ and β.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod

import numpy as np


class Optimizer(ABC):
    """Shared machinery: learning rate, weight decay and per-parameter state.

    Subclasses implement ``_update(name, param, grad)`` for one parameter.
    """

    def __init__(self, lr: float, weight_decay: float = 0.0) -> None:
        if lr <= 0:
            raise ValueError(f"{type(self).__name__} expected a learning rate lr > 0, got {lr}")
        if weight_decay < 0:
            raise ValueError(
                f"{type(self).__name__} expected weight_decay >= 0 (the L2 strength λ), got {weight_decay}"
            )
        self.lr = lr
        self.weight_decay = weight_decay
        self.state: dict[str, dict[str, np.ndarray]] = {}

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """Update every ``params[name]`` in place from ``grads[name]``.

        Args:
            params: parameter arrays by name, e.g. ``{"0.W": (in, out), "0.b": (out,)}``.
            grads: gradients with the same keys and shapes.
        """
        missing = params.keys() - grads.keys()
        if missing:
            raise ValueError(
                f"{type(self).__name__}.step got no gradient for {sorted(missing)}: "
                "run backward before step, and pass grads with the same keys as params"
            )
        for name, param in params.items():
            grad = grads[name]
            if np.shape(grad) != param.shape:
                raise ValueError(
                    f"{type(self).__name__}.step got a gradient of shape {np.shape(grad)} for "
                    f"{name!r} of shape {param.shape}: pass each parameter's own gradient, "
                    "e.g. the two dicts of Sequential.parameters()"
                )
            if self.weight_decay and name.rsplit(".", 1)[-1] == "W":
                grad = grad + self.weight_decay * param
            self._update(name, param, grad)

    @abstractmethod
    def _update(self, name: str, param: np.ndarray, grad: np.ndarray) -> None:
        """Update one parameter array in place."""

    def _buffer(self, name: str, key: str, like: np.ndarray) -> np.ndarray:
        slot = self.state.setdefault(name, {})
        if key not in slot:
            slot[key] = np.zeros_like(like)
        return slot[key]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr})"


class SGD(Optimizer):
    """Plain (stochastic) gradient descent: θ ← θ − α ∇J(θ).

    Args:
        lr: α, the learning rate.
        weight_decay: λ, adds λ W to the gradient of every weight matrix ``W``.
    """

    def _update(self, name: str, param: np.ndarray, grad: np.ndarray) -> None:
        param -= self.lr * grad


class Momentum(Optimizer):
    """Gradient descent with momentum (a velocity v per parameter).

    - ``form="ema"`` (the slides): v ← β v + (1 − β) g, θ ← θ − α v.
    - ``form="classic"``: v ← β v + g, θ ← θ − α v. For a steady gradient its steps
      grow to 1/(1 − β) times those of the EMA form (10× for β = 0.9), so it wants a
      smaller α.

    Args:
        lr: α, the learning rate.
        beta: β ∈ [0, 1), how much of the old velocity is kept.
        form: "ema" or "classic".
        weight_decay: λ, adds λ W to the gradient of every weight matrix ``W``.
    """

    FORMS = ("ema", "classic")

    def __init__(self, lr: float, beta: float = 0.9, form: str = "ema", weight_decay: float = 0.0) -> None:
        super().__init__(lr, weight_decay)
        if form not in self.FORMS:
            raise ValueError(f"Momentum form must be one of {self.FORMS}, got {form!r}")
        self.beta = beta
        self.form = form

    def _update(self, name: str, param: np.ndarray, grad: np.ndarray) -> None:
        v = self._buffer(name, "v", param)
        v *= self.beta
        v += (1.0 - self.beta) * grad if self.form == "ema" else grad
        param -= self.lr * v


class AdaGrad(Optimizer):
    """AdaGrad: G ← G + g², θ ← θ − α g / (√G + ε). Each parameter's step shrinks as its gradients add up.

    Args:
        lr: α, the learning rate.
        eps: ε, keeps the division finite while G is 0.
        weight_decay: λ, adds λ W to the gradient of every weight matrix ``W``.
    """

    def __init__(self, lr: float = 0.01, eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        super().__init__(lr, weight_decay)
        self.eps = eps

    def _update(self, name: str, param: np.ndarray, grad: np.ndarray) -> None:
        g2 = self._buffer(name, "G", param)
        g2 += grad**2
        param -= self.lr * grad / (np.sqrt(g2) + self.eps)


class RMSProp(Optimizer):
    """RMSProp: s ← β s + (1 − β) g², θ ← θ − α g / (√s + ε) (AdaGrad with forgetting).

    Args:
        lr: α, the learning rate.
        beta: β, the decay of the squared-gradient average s.
        eps: ε, keeps the division finite while s is 0.
        weight_decay: λ, adds λ W to the gradient of every weight matrix ``W``.
    """

    def __init__(self, lr: float = 0.001, beta: float = 0.9, eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        super().__init__(lr, weight_decay)
        self.beta = beta
        self.eps = eps

    def _update(self, name: str, param: np.ndarray, grad: np.ndarray) -> None:
        s = self._buffer(name, "s", param)
        s *= self.beta
        s += (1.0 - self.beta) * grad**2
        param -= self.lr * grad / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    """Adam: momentum and RMSProp with bias correction. At step t:

    m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,
    m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ),  θ ← θ − α m̂ / (√v̂ + ε).

    The bias correction undoes the pull of m and v towards their zero start, so the
    first step is about α in size whatever the scale of g.

    Args:
        lr: α, the learning rate.
        beta1: β₁, the decay of the gradient average m.
        beta2: β₂, the decay of the squared-gradient average v.
        eps: ε, keeps the division finite.
        weight_decay: λ, adds λ W to the gradient of every weight matrix ``W``
            (L2 regularisation, not AdamW's decoupled decay).
    """

    def __init__(
        self,
        lr: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(lr, weight_decay)
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.t: dict[str, int] = {}

    def _update(self, name: str, param: np.ndarray, grad: np.ndarray) -> None:
        m = self._buffer(name, "m", param)
        v = self._buffer(name, "v", param)
        t = self.t[name] = self.t.get(name, 0) + 1
        m *= self.beta1
        m += (1.0 - self.beta1) * grad
        v *= self.beta2
        v += (1.0 - self.beta2) * grad**2
        m_hat = m / (1.0 - self.beta1**t)
        v_hat = v / (1.0 - self.beta2**t)
        param -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


class StepDecay:
    """Step schedule: lr(epoch) = lr0 · drop^⌊epoch / every⌋ (epochs count from 0)."""

    def __init__(self, lr0: float, drop: float = 0.5, every: int = 10) -> None:
        if every < 1:
            raise ValueError(f"StepDecay expected every >= 1 (epochs between drops), got {every}")
        self.lr0 = lr0
        self.drop = drop
        self.every = every

    def __call__(self, epoch: int) -> float:
        """The learning rate for ``epoch``."""
        return self.lr0 * self.drop ** (epoch // self.every)


class ExponentialDecay:
    """Exponential schedule: lr(epoch) = lr0 · rate^epoch, e.g. rate = 0.95."""

    def __init__(self, lr0: float, rate: float = 0.95) -> None:
        self.lr0 = lr0
        self.rate = rate

    def __call__(self, epoch: int) -> float:
        """The learning rate for ``epoch``."""
        return self.lr0 * self.rate**epoch


class CosineDecay:
    """Cosine schedule from lr0 down to lr_min over ``total`` epochs, then flat:

    lr(epoch) = lr_min + ½ (lr0 − lr_min)(1 + cos(π · min(epoch, total) / total)).
    """

    def __init__(self, lr0: float, total: int, lr_min: float = 0.0) -> None:
        if total < 1:
            raise ValueError(
                f"CosineDecay expected total >= 1 (epochs of the decay), got {total}: pass e.g. the number of epochs"
            )
        self.lr0 = lr0
        self.total = total
        self.lr_min = lr_min

    def __call__(self, epoch: int) -> float:
        """The learning rate for ``epoch``."""
        progress = min(epoch, self.total) / self.total
        return self.lr_min + 0.5 * (self.lr0 - self.lr_min) * (1.0 + math.cos(math.pi * progress))
