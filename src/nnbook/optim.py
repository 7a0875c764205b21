"""Optimizers: turn gradients into parameter updates.

An optimizer is bound to the parameters it updates, as in PyTorch::

    opt = SGD(net.parameters(), lr=0.1)
    ...
    net.backward(loss.backward())   # fills every p.grad
    opt.step()                      # p.data ← p.data − lr · p.grad, in place

``net.parameters()`` is a list of `nnbook.base.Parameter` (name, data, grad); any state
(velocities, squared-gradient averages) is kept per parameter. Gradients are overwritten
by every backward pass, so there is nothing to zero between steps.

Weight decay λ (L2 regularisation, loss + ½ λ ‖W‖²) adds λ W to the gradient of every
weight matrix — parameters named ``W``, not biases or batch-norm's γ and β.

Learning-rate schedules (the rate as a function of the epoch) live in `nnbook.schedules`.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from typing import Iterable

import numpy as np

from nnbook.base import Layer, Parameter


def _check_rate(value: float, name: str, owner: str, upper: float | None = None) -> float:
    """``value`` as a float if it is finite, > 0 and (with ``upper``) < upper; else a ValueError."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{owner} expected a number for {name}, got {type(value).__name__} {value!r}")
    value = float(value)
    if not math.isfinite(value) or value <= 0 or (upper is not None and value >= upper):
        bounds = f"0 < {name} < {upper:g}" if upper is not None else f"a finite {name} > 0"
        raise ValueError(f"{owner} expected {bounds}, got {name}={value}")
    return value


def _check_beta(value: float, name: str, owner: str) -> float:
    """A decay rate β must lie in [0, 1): with β ≥ 1 the average never forgets and grows without bound."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{owner} expected a number for {name}, got {type(value).__name__} {value!r}")
    if not 0.0 <= float(value) < 1.0:
        raise ValueError(
            f"{owner} expected 0 <= {name} < 1, got {name}={value}: it is the fraction of the old "
            "average kept at each step (0.9 and 0.999 are usual); at 1 or above the average never forgets"
        )
    return float(value)


def _as_parameter_list(parameters: Iterable[Parameter], owner: str) -> list[Parameter]:
    if isinstance(parameters, (int, float)):
        raise TypeError(
            f"{owner} takes the parameters first, then the learning rate: "
            f"{owner}(net.parameters(), lr={parameters})"
        )
    if isinstance(parameters, Layer):
        raise TypeError(f"{owner} expected the parameters, got the network: pass {owner}(net.parameters(), lr=...)")
    if isinstance(parameters, type) or callable(parameters):
        raise TypeError(f"{owner} expected a list of parameters, got {parameters!r}: call it, net.parameters()")
    found = list(parameters)
    if not found:
        raise ValueError(f"{owner} got no parameters to update: the network has no learnable layer")
    wrong = [p for p in found if not isinstance(p, Parameter)]
    if wrong:
        raise TypeError(
            f"{owner} expected Parameter objects (from net.parameters()), got {type(wrong[0]).__name__}"
        )
    return found


class Optimizer(ABC):
    """Shared machinery: the bound parameters, learning rate, weight decay and per-parameter state.

    Subclasses implement ``_update(state, param, grad)`` for one parameter array.

    Args:
        parameters: what to update, e.g. ``net.parameters()``.
        lr: the learning rate, finite and > 0 (a schedule may change ``opt.lr`` between epochs).
        weight_decay: λ ≥ 0, adds λ W to the gradient of every weight matrix ``W``.
    """

    def __init__(self, parameters: Iterable[Parameter], lr: float | None = None, weight_decay: float = 0.0) -> None:
        self.parameters = _as_parameter_list(parameters, type(self).__name__)
        if lr is None:
            raise TypeError(f"{type(self).__name__} needs a learning rate: {type(self).__name__}(net.parameters(), lr=0.1)")
        self.lr = lr
        if not math.isfinite(weight_decay) or weight_decay < 0:
            raise ValueError(
                f"{type(self).__name__} expected weight_decay >= 0 (the L2 strength λ), got {weight_decay}"
            )
        self.weight_decay = weight_decay
        self.state: list[dict[str, np.ndarray]] = [{} for _ in self.parameters]

    @property
    def lr(self) -> float:
        """The learning rate; setting it checks that it is finite and > 0."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = _check_rate(value, "lr", type(self).__name__)

    def step(self) -> None:
        """Update every parameter in place from its current gradient (one optimisation step)."""
        for p, state in zip(self.parameters, self.state):
            if p.grad.shape != p.data.shape:
                raise ValueError(
                    f"{type(self).__name__}.step: the gradient of {p.name!r} has shape {p.grad.shape} "
                    f"but the parameter has shape {p.data.shape}; a layer must write its gradients "
                    "in place, with the parameter's shape"
                )
            grad = p.grad
            if self.weight_decay and p.name.rsplit(".", 1)[-1] == "W":
                grad = grad + self.weight_decay * p.data
            self._update(state, p.data, grad)

    @abstractmethod
    def _update(self, state: dict[str, np.ndarray], param: np.ndarray, grad: np.ndarray) -> None:
        """Update one parameter array in place; ``state`` is this parameter's own memory."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr:g})"


def _slot(state: dict[str, np.ndarray], key: str, like: np.ndarray) -> np.ndarray:
    """The array ``state[key]``, created as zeros shaped like ``like`` on first use."""
    if key not in state:
        state[key] = np.zeros_like(like)
    return state[key]


class SGD(Optimizer):
    """Plain (stochastic) gradient descent: θ ← θ − α ∇J(θ).

    Args:
        parameters: what to update, e.g. ``net.parameters()``.
        lr: α, the learning rate.
        weight_decay: λ, adds λ W to the gradient of every weight matrix ``W``.
    """

    def _update(self, state: dict[str, np.ndarray], param: np.ndarray, grad: np.ndarray) -> None:
        param -= self.lr * grad


class Momentum(Optimizer):
    """Gradient descent with momentum (a velocity v per parameter).

    - ``form="ema"`` (the slides): v ← β v + (1 − β) g, θ ← θ − α v.
    - ``form="classic"``: v ← β v + g, θ ← θ − α v. For a steady gradient its steps
      grow to 1/(1 − β) times those of the EMA form (10× for β = 0.9), so it wants a
      smaller α.

    Args:
        parameters: what to update, e.g. ``net.parameters()``.
        lr: α, the learning rate.
        beta: β ∈ [0, 1), how much of the old velocity is kept.
        form: "ema" or "classic".
        weight_decay: λ, adds λ W to the gradient of every weight matrix ``W``.
    """

    FORMS = ("ema", "classic")

    def __init__(
        self,
        parameters: Iterable[Parameter],
        lr: float | None = None,
        beta: float = 0.9,
        form: str = "ema",
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(parameters, lr, weight_decay)
        if form not in self.FORMS:
            raise ValueError(f"Momentum form must be one of {self.FORMS}, got {form!r}")
        self.beta = _check_beta(beta, "beta", "Momentum")
        self.form = form

    def _update(self, state: dict[str, np.ndarray], param: np.ndarray, grad: np.ndarray) -> None:
        v = _slot(state, "v", param)
        v *= self.beta
        v += (1.0 - self.beta) * grad if self.form == "ema" else grad
        param -= self.lr * v


class AdaGrad(Optimizer):
    """AdaGrad: G ← G + g², θ ← θ − α g / (√G + ε). Each parameter's step shrinks as its gradients add up.

    Args:
        parameters: what to update, e.g. ``net.parameters()``.
        lr: α, the learning rate.
        eps: ε > 0, keeps the division finite while G is 0.
        weight_decay: λ, adds λ W to the gradient of every weight matrix ``W``.
    """

    def __init__(
        self, parameters: Iterable[Parameter], lr: float = 0.01, eps: float = 1e-8, weight_decay: float = 0.0
    ) -> None:
        super().__init__(parameters, lr, weight_decay)
        self.eps = _check_rate(eps, "eps", "AdaGrad")

    def _update(self, state: dict[str, np.ndarray], param: np.ndarray, grad: np.ndarray) -> None:
        g2 = _slot(state, "G", param)
        g2 += grad**2
        param -= self.lr * grad / (np.sqrt(g2) + self.eps)


class RMSProp(Optimizer):
    """RMSProp: s ← β s + (1 − β) g², θ ← θ − α g / (√s + ε) (AdaGrad with forgetting).

    Args:
        parameters: what to update, e.g. ``net.parameters()``.
        lr: α, the learning rate.
        beta: β ∈ [0, 1), the decay of the squared-gradient average s.
        eps: ε > 0, keeps the division finite while s is 0.
        weight_decay: λ, adds λ W to the gradient of every weight matrix ``W``.
    """

    def __init__(
        self,
        parameters: Iterable[Parameter],
        lr: float = 0.001,
        beta: float = 0.9,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(parameters, lr, weight_decay)
        self.beta = _check_beta(beta, "beta", "RMSProp")
        self.eps = _check_rate(eps, "eps", "RMSProp")

    def _update(self, state: dict[str, np.ndarray], param: np.ndarray, grad: np.ndarray) -> None:
        s = _slot(state, "s", param)
        s *= self.beta
        s += (1.0 - self.beta) * grad**2
        param -= self.lr * grad / (np.sqrt(s) + self.eps)


class Adam(Optimizer):
    """Adam: momentum and RMSProp with bias correction. At step t = 1, 2, …:

    m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,
    m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ),  θ ← θ − α m̂ / (√v̂ + ε).

    The bias correction undoes the pull of m and v towards their zero start, so the
    first step is about α in size whatever the scale of g.

    Args:
        parameters: what to update, e.g. ``net.parameters()``.
        lr: α, the learning rate.
        beta1: β₁ ∈ [0, 1), the decay of the gradient average m.
        beta2: β₂ ∈ [0, 1), the decay of the squared-gradient average v.
        eps: ε > 0, keeps the division finite.
        weight_decay: λ, adds λ W to the gradient of every weight matrix ``W``
            (L2 regularisation, not AdamW's decoupled decay).
    """

    def __init__(
        self,
        parameters: Iterable[Parameter],
        lr: float = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(parameters, lr, weight_decay)
        self.beta1 = _check_beta(beta1, "beta1", "Adam")
        self.beta2 = _check_beta(beta2, "beta2", "Adam")
        self.eps = _check_rate(eps, "eps", "Adam")
        self.t = 0

    def step(self) -> None:
        """One Adam step for every parameter: t ← t + 1, then the update above."""
        self.t += 1
        super().step()

    def _update(self, state: dict[str, np.ndarray], param: np.ndarray, grad: np.ndarray) -> None:
        m = _slot(state, "m", param)
        v = _slot(state, "v", param)
        m *= self.beta1
        m += (1.0 - self.beta1) * grad
        v *= self.beta2
        v += (1.0 - self.beta2) * grad**2
        m_hat = m / (1.0 - self.beta1**self.t)
        v_hat = v / (1.0 - self.beta2**self.t)
        param -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
