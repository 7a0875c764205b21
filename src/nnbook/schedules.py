"""Learning-rate schedules: the learning rate as a function of the epoch.

A schedule is a callable ``epoch -> lr`` (epochs count from 0) that `nnbook.train.fit`
calls at the start of every epoch to set ``optimizer.lr``::

    fit(net, x, y, loss, SGD(net.parameters(), lr=0.1), epochs=30,
        schedule=CosineDecay(0.1, total=30))

Every schedule here starts at ``lr0`` and only goes down (the warm-up only goes up, then
hands over to the schedule it wraps). Arguments are checked when the schedule is built,
so a slip such as a negative rate or a decay factor above 1 is a ValueError that names the
value and the fix, and no schedule returns a negative or NaN learning rate. Two of them can
reach exactly 0 at their end (`PolynomialDecay` and `CosineDecay` with a floor of 0, at
``epoch >= total``); ``fit`` refuses a rate of 0, so run at most ``total`` epochs with them
or give a floor above 0.

=================== =============================================================
schedule            lr(epoch)
=================== =============================================================
`Constant`          ``lr``
`PiecewiseConstant` ``values[i]`` while ``boundaries[i-1] <= epoch < boundaries[i]``
`StepDecay`         ``lr0 · drop ** (epoch // every)``
`ExponentialDecay`  ``lr0 · rate ** (epoch / every)``
`NaturalExpDecay`   ``lr0 · exp(−k · epoch)``
`PolynomialDecay`   ``(lr0 − lr_end) · (1 − min(epoch, total)/total) ** power + lr_end``
`CosineDecay`       ``lr_min + ½ (lr0 − lr_min)(1 + cos(π · min(epoch, total)/total))``
`WarmUp`            ``after(0) · (epoch + 1)/epochs`` while ``epoch < epochs``, then
                    ``after(epoch − epochs)``
=================== =============================================================
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence

import numpy as np


def _number(value: object, name: str, owner: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{owner} expected a number for {name}, got {type(value).__name__} {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{owner} expected a finite {name}, got {name}={value}")
    return value


def _positive(value: object, name: str, owner: str, hint: str = "") -> float:
    value = _number(value, name, owner)
    if value <= 0:
        raise ValueError(f"{owner} expected {name} > 0, got {name}={value}{hint}")
    return value


def _whole(value: object, name: str, owner: str, hint: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{owner} expected a whole number {name} >= 1, got {name}={value!r}: {hint}")
    return int(value)


def _factor(value: object, name: str, owner: str, example: str) -> float:
    """A decay factor in (0, 1]: below 0 flips the sign of the rate, above 1 makes it grow."""
    value = _number(value, name, owner)
    if not 0 < value <= 1:
        raise ValueError(
            f"{owner} expected 0 < {name} <= 1 (the factor the rate is multiplied by), got {name}={value}: "
            f"a factor above 1 makes the rate grow and one at or below 0 makes it 0 or negative; {example}"
        )
    return value


def _floor(value: object, name: str, lr0: float, owner: str) -> float:
    value = _number(value, name, owner)
    if not 0 <= value < lr0:
        raise ValueError(
            f"{owner} expected 0 <= {name} < lr0 = {lr0:g} (the rate it decays to), got {name}={value}"
        )
    return value


class Schedule(ABC):
    """A learning rate per epoch: ``schedule(epoch)`` for epoch = 0, 1, 2, …

    Subclasses implement ``_rate(epoch)``; calling the schedule checks the epoch first.
    """

    def __call__(self, epoch: int) -> float:
        """The learning rate for ``epoch`` (a whole number >= 0)."""
        if isinstance(epoch, bool) or not isinstance(epoch, (int, np.integer)) or epoch < 0:
            raise ValueError(
                f"{type(self).__name__} takes the epoch number, a whole number >= 0 (epochs count from 0), "
                f"got {epoch!r}"
            )
        return float(self._rate(int(epoch)))

    @abstractmethod
    def _rate(self, epoch: int) -> float:
        """The learning rate for a checked ``epoch``."""

    def rates(self, epochs: int) -> np.ndarray:
        """The rates of the first ``epochs`` epochs, shape ``(epochs,)`` (for plotting)."""
        return np.array([self(e) for e in range(epochs)])

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({args})"


class Constant(Schedule):
    """The same rate every epoch (the baseline the other schedules are compared with).

    Args:
        lr: the rate, > 0.
    """

    def __init__(self, lr: float) -> None:
        self.lr = _positive(lr, "lr", "Constant")

    def _rate(self, epoch: int) -> float:
        return self.lr


class PiecewiseConstant(Schedule):
    """Fixed rates between given epochs: ``values[0]`` before ``boundaries[0]``, ``values[1]``
    from ``boundaries[0]`` up to ``boundaries[1]``, …, ``values[-1]`` from ``boundaries[-1]`` on.

    Args:
        boundaries: the epochs where the rate changes, increasing whole numbers >= 1.
        values: one more rate than boundaries, each finite and > 0.
    """

    def __init__(self, boundaries: Sequence[int], values: Sequence[float]) -> None:
        owner = "PiecewiseConstant"
        if len(values) != len(boundaries) + 1:
            raise ValueError(
                f"{owner} needs one more value than boundaries (a rate before the first boundary and after "
                f"each), got {len(boundaries)} boundaries and {len(values)} values"
            )
        self.boundaries = [_whole(b, "boundary", owner, "boundaries are epoch numbers") for b in boundaries]
        if any(b >= c for b, c in zip(self.boundaries, self.boundaries[1:])):
            raise ValueError(f"{owner} expected increasing boundaries, got {list(boundaries)}")
        self.values = [_positive(v, "every value", owner, ": each is a learning rate") for v in values]

    def _rate(self, epoch: int) -> float:
        return self.values[int(np.searchsorted(self.boundaries, epoch, side="right"))]


class StepDecay(Schedule):
    """Step decay: the rate drops by a factor every few epochs, lr = lr0 · drop^⌊epoch / every⌋.

    Args:
        lr0: the starting rate, > 0.
        drop: the factor of each drop, 0 < drop <= 1 (0.5 halves it).
        every: epochs between drops, a whole number >= 1.
    """

    def __init__(self, lr0: float, drop: float = 0.5, every: int = 10) -> None:
        self.lr0 = _positive(lr0, "lr0", "StepDecay")
        self.drop = _factor(drop, "drop", "StepDecay", "e.g. drop=0.5 halves the rate")
        self.every = _whole(every, "every", "StepDecay", "the number of epochs between drops")

    def _rate(self, epoch: int) -> float:
        return self.lr0 * self.drop ** (epoch // self.every)


class ExponentialDecay(Schedule):
    """Exponential decay: lr = lr0 · rate^(epoch / every), a smooth version of `StepDecay`.

    Args:
        lr0: the starting rate, > 0.
        rate: the factor per ``every`` epochs, 0 < rate <= 1 (e.g. 0.95).
        every: epochs over which the rate is multiplied by ``rate`` once, >= 1.
    """

    def __init__(self, lr0: float, rate: float = 0.95, every: int = 1) -> None:
        self.lr0 = _positive(lr0, "lr0", "ExponentialDecay")
        self.rate = _factor(rate, "rate", "ExponentialDecay", "e.g. rate=0.95 takes 5 % off per epoch")
        self.every = _whole(every, "every", "ExponentialDecay", "the epochs over which the rate is applied once")

    def _rate(self, epoch: int) -> float:
        return self.lr0 * self.rate ** (epoch / self.every)


class NaturalExpDecay(Schedule):
    """Natural exponential decay: lr = lr0 · e^(−k · epoch).

    The same curve as ``ExponentialDecay(lr0, rate=e^(−k))``, written with a decay constant
    k instead of a factor: the rate falls to 1/e of its start after 1/k epochs.

    Args:
        lr0: the starting rate, > 0.
        k: the decay constant per epoch, > 0 (e.g. 0.1).
    """

    def __init__(self, lr0: float, k: float = 0.1) -> None:
        self.lr0 = _positive(lr0, "lr0", "NaturalExpDecay")
        self.k = _positive(k, "k", "NaturalExpDecay", ": a negative k makes the rate grow; use e.g. k=0.1")

    def _rate(self, epoch: int) -> float:
        return self.lr0 * math.exp(-self.k * epoch)


class PolynomialDecay(Schedule):
    """Polynomial decay from lr0 to lr_end over ``total`` epochs, then flat:

    lr = (lr0 − lr_end) · (1 − min(epoch, total) / total)^power + lr_end.

    ``power = 1`` is a straight line; larger powers fall fast first, then slowly.

    Args:
        lr0: the starting rate, > 0.
        total: epochs of the decay, >= 1 (usually the number of epochs of the run).
        lr_end: the final rate, 0 <= lr_end < lr0; it is reached at ``epoch = total``.
        power: the exponent, > 0.
    """

    def __init__(self, lr0: float, total: int, lr_end: float = 0.0, power: float = 1.0) -> None:
        self.lr0 = _positive(lr0, "lr0", "PolynomialDecay")
        self.total = _whole(total, "total", "PolynomialDecay", "the number of epochs of the decay, e.g. the run's")
        self.lr_end = _floor(lr_end, "lr_end", self.lr0, "PolynomialDecay")
        self.power = _positive(power, "power", "PolynomialDecay", ": 1 is a straight line, 2 a parabola")

    def _rate(self, epoch: int) -> float:
        left = 1.0 - min(epoch, self.total) / self.total
        return (self.lr0 - self.lr_end) * left**self.power + self.lr_end


class CosineDecay(Schedule):
    """Cosine decay from lr0 to lr_min over ``total`` epochs, then flat:

    lr = lr_min + ½ (lr0 − lr_min)(1 + cos(π · min(epoch, total) / total)).

    Args:
        lr0: the starting rate, > 0.
        total: epochs of the decay, >= 1 (usually the number of epochs of the run).
        lr_min: the floor, 0 <= lr_min < lr0; it is reached at ``epoch = total``.
    """

    def __init__(self, lr0: float, total: int, lr_min: float = 0.0) -> None:
        self.lr0 = _positive(lr0, "lr0", "CosineDecay")
        self.total = _whole(total, "total", "CosineDecay", "the number of epochs of the decay, e.g. the run's")
        self.lr_min = _floor(lr_min, "lr_min", self.lr0, "CosineDecay")

    def _rate(self, epoch: int) -> float:
        progress = min(epoch, self.total) / self.total
        return self.lr_min + 0.5 * (self.lr0 - self.lr_min) * (1.0 + math.cos(math.pi * progress))


class WarmUp(Schedule):
    """Linear warm-up in front of another schedule.

    For the first ``epochs`` epochs the rate climbs in equal steps to ``after(0)``:
    lr = after(0) · (epoch + 1) / epochs; then ``after`` runs as if starting at epoch 0,
    lr = after(epoch − epochs). The first rate is ``after(0) / epochs``, never 0.

    Args:
        after: the schedule to warm up into, or a constant rate (a number > 0).
        epochs: warm-up epochs, >= 1.
    """

    def __init__(self, after: Callable[[int], float] | float, epochs: int = 5) -> None:
        if not callable(after):
            after = Constant(_positive(after, "after", "WarmUp", ": give a rate or a schedule"))
        self.after = after
        self.epochs = _whole(epochs, "epochs", "WarmUp", "the number of warm-up epochs")

    def _rate(self, epoch: int) -> float:
        if epoch < self.epochs:
            return self.after(0) * (epoch + 1) / self.epochs
        return self.after(epoch - self.epochs)
