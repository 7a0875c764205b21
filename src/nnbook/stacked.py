"""Many small networks of one architecture trained side by side, as one stack.

Trained one by one, a thousand networks of a few dozen weights spend almost all their time
in Python's per-call overhead. Stacked, S networks become S weight matrices ``(S, m, n)``
per layer, multiplied in one batched product, and one call of each operation serves them
all. Only the dense layer and the loss need a stacked form; the library's activation layers,
`Sequential`, ``train_epoch`` and the update code of ``Adam`` run unchanged on the stacked
arrays (the activations work element by element on any shape, the optimizers parameter by
parameter). The tests check that every network of a stack follows exactly the path ``fit``
gives it alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nnbook.activations import log_softmax
from nnbook.base import Layer
from nnbook.optim import Adam


class StackedLinear(Layer):
    """S independent dense layers side by side: out_s = x_s W_s + b_s, s = 1 … S.

    Args:
        weights: ``(S, m, n)``; biases: ``(S, n)``; l2: ``(S,)``, each layer's L2 strength λ_s,
            added to its weight gradient as λ_s W_s (what an optimizer's ``weight_decay`` adds).

    Forward: x ``(S, N, m)``, or ``(N, m)`` shared by all, gives ``(S, N, n)``. Backward:
    dW_s = x_sᵀ dout_s + λ_s W_s, db_s = Σ_n dout_s, dx_s = dout_s W_sᵀ.
    """

    def __init__(self, weights: np.ndarray, biases: np.ndarray, l2: np.ndarray) -> None:
        super().__init__()
        weights = np.array(weights, dtype=float)
        self.params = {"W": weights, "b": np.array(biases, dtype=float).reshape(len(weights), 1, -1)}
        self.grads = {name: np.zeros_like(p) for name, p in self.params.items()}
        self.l2 = np.asarray(l2, dtype=float).reshape(-1, 1, 1)
        self._x: np.ndarray | None = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """out_s = x_s W_s + b_s: ``(S, N, m)`` or ``(N, m)`` -> ``(S, N, n)``."""
        self._x = x
        out = np.matmul(x, self.params["W"])
        out += self.params["b"]
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Fill dW, db (see the class docstring) and return dx ``(S, N, m)``."""
        x = self._x if self._x.ndim == 3 else np.broadcast_to(self._x, (len(dout), *self._x.shape))
        np.matmul(x.transpose(0, 2, 1), dout, out=self.grads["W"])
        self.grads["W"] += self.l2 * self.params["W"]
        np.matmul(np.ones((1, dout.shape[1])), dout, out=self.grads["b"])  # Σ_n, faster than sum(axis=1)
        return np.matmul(dout, self.params["W"].transpose(0, 2, 1))


class StackedSoftmaxCrossEntropy:
    """Softmax cross-entropy of S networks at once, each averaged over its own N samples.

    Logits ``(S, N, K)``; a setting with fewer classes has its extra scores masked to −∞
    (probability 0, gradient 0). ``forward`` returns the mean over settings and keeps
    ``values``, the S losses; ``backward`` gives each network its own (softmax − one-hot)/N.
    The classes are moved to the first axis inside, where softmax's sums are fastest.
    """

    def __init__(self, classes: Sequence[int], width: int) -> None:
        self.mask = np.where(np.arange(width)[:, None, None] < np.asarray(classes)[:, None], 0.0, -np.inf)
        self.values = np.zeros(self.mask.shape[1])
        self._cache: tuple[np.ndarray, np.ndarray] | None = None

    def log_probabilities(self, logits: np.ndarray) -> np.ndarray:
        """log softmax of the masked logits, with the classes first: ``(K, S, N)``."""
        return log_softmax(np.ascontiguousarray(logits.transpose(2, 0, 1)) + self.mask, axis=0)

    def forward(self, logits: np.ndarray, labels: np.ndarray) -> float:
        """labels ``(S, N)``; returns the mean loss over the S settings."""
        log_p = self.log_probabilities(logits)
        self.values = -np.take_along_axis(log_p, labels[None], axis=0)[0].mean(axis=1)
        self._cache = (log_p, labels)
        return float(self.values.mean())

    def backward(self) -> np.ndarray:
        """(softmax − one-hot) / N for every setting, ``(S, N, K)``."""
        log_p, labels = self._cache
        grad = np.exp(log_p)
        grad -= labels[None] == np.arange(len(grad))[:, None, None]
        grad /= labels.shape[1]
        return grad.transpose(1, 2, 0)


class StackedAdam(Adam):
    """The library's `Adam`, run on stacked parameters with one learning rate per setting.

    ``lr`` is a sequence of S rates; ``Adam``'s update multiplies the step of setting s by
    lr[s] (the rates broadcast over the stacked axis ``(S, ...)``).
    """

    @property
    def lr(self) -> np.ndarray:
        """The S learning rates, shape ``(S, 1, 1)``."""
        return self._lr

    @lr.setter
    def lr(self, value: Sequence[float]) -> None:
        rates = np.asarray(value, dtype=float).reshape(-1, 1, 1)
        if not (np.isfinite(rates).all() and (rates > 0).all()):
            raise ValueError(f"StackedAdam expected finite learning rates > 0, got {np.ravel(value).tolist()}")
        self._lr = rates
