"""Training: the loop that turns a network, a loss and an optimizer into a trained model.

The heart of it is four lines per mini-batch (see `train_epoch`)::

    out = net.forward(xb)                  # 1. forward: predictions for the batch
    value = loss.forward(out, yb)          # 2. loss: how wrong they are
    net.backward(loss.backward())          # 3. backward: dL/dθ for every parameter
    optimizer.step()                       # 4. update: θ ← θ − η · dL/dθ (or Adam, …)

`fit` repeats that for some epochs and wraps it with what a real run needs: a learning-rate
schedule, a validation pass after every epoch, early stopping that keeps the best weights,
a progress bar, and checks that turn a learner's slip into a clear message.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from tqdm.auto import tqdm

from nnbook._checks import as_float_array
from nnbook.activations import Softmax
from nnbook.data import iterate_minibatches
from nnbook.losses import (
    BCELoss,
    CrossEntropyLoss,
    FocalLoss,
    Loss,
    SigmoidCrossEntropyLoss,
    SoftmaxCrossEntropyLoss,
)
from nnbook.network import Sequential
from nnbook.optim import Optimizer
from nnbook.random import spawn_rng

CLASSIFICATION_LOSSES = (SoftmaxCrossEntropyLoss, CrossEntropyLoss, BCELoss, FocalLoss, SigmoidCrossEntropyLoss)


def accuracy(pred: np.ndarray, target: np.ndarray, threshold: float = 0.5) -> float:
    """Fraction of correctly classified samples.

    With K > 1 outputs the predicted class is argmax_k pred_nk (logits or probabilities),
    compared with integer labels ``(N,)`` or the argmax of one-hot targets ``(N, K)``.
    With one output (or a vector) the prediction is [pred > threshold], compared with 0/1
    targets: threshold 0.5 for probabilities, 0 for raw scores (σ(z) > 0.5 exactly when z > 0).

    Args:
        pred: ``(N, K)``, ``(N, 1)`` or ``(N,)``.
        target: labels ``(N,)`` (or a column ``(N, 1)``) or targets of ``pred``'s shape.
        threshold: the decision threshold for single outputs.

    Returns:
        The accuracy, a float in [0, 1].

    Raises:
        ValueError: ``target`` holds neither one label nor one row of ``pred``'s shape per sample.
    """
    pred = np.asarray(pred)
    target = np.asarray(target)
    if target.ndim == 0 or len(target) != len(pred) or target.size not in (len(pred), pred.size):
        raise ValueError(
            f"accuracy expected targets of shape ({len(pred)},) or {pred.shape}, got {target.shape}: "
            "give one label (or one one-hot row) per prediction, in the same order"
        )
    if pred.ndim == 2 and pred.shape[1] > 1:
        labels = target.argmax(axis=1) if target.shape == pred.shape else target.reshape(-1)
        return float(np.mean(pred.argmax(axis=1) == labels))
    return float(np.mean((pred.reshape(len(pred), -1) > threshold) == (target.reshape(len(pred), -1) > 0.5)))


def _accuracy_for(loss: Loss | None, pred: np.ndarray, target: np.ndarray) -> float:
    """`accuracy` with the threshold that suits what ``loss`` takes (raw scores: 0)."""
    return accuracy(pred, target, threshold=0.0 if isinstance(loss, SigmoidCrossEntropyLoss) else 0.5)


@dataclass
class History:
    """What happened during `fit`.

    Attributes:
        history: per-epoch lists: ``"loss"`` (training, averaged over the epoch's
            samples), ``"lr"``, and when available ``"accuracy"``, ``"val_loss"``,
            ``"val_accuracy"``.
        iterations_per_epoch: ⌈N / batch_size⌉, optimizer steps per epoch.
        best_epoch: index of the epoch with the lowest monitored loss (validation loss if
            given, otherwise training loss).
        stopped_early: True when early stopping ended training.
    """

    history: dict[str, list[float]] = field(default_factory=dict)
    iterations_per_epoch: int = 0
    best_epoch: int = 0
    stopped_early: bool = False

    def __getitem__(self, key: str) -> list[float]:
        return self.history[key]

    @property
    def epochs(self) -> int:
        """Number of epochs run."""
        return len(self.history.get("loss", []))


def train_epoch(
    net: Sequential,
    batches: list[tuple[np.ndarray, np.ndarray]] | object,
    loss: Loss,
    optimizer: Optimizer,
    on_batch: Callable[[], object] = lambda: None,
) -> dict[str, float]:
    """One pass over the training batches: forward, loss, backward, update, per batch.

    Args:
        net: the network, switched to training mode here.
        batches: an iterable of ``(xb, yb)`` mini-batches, e.g. from `iterate_minibatches`.
        loss: the loss object.
        optimizer: bound to ``net.parameters()``.
        on_batch: called after every update (the progress bar).

    Returns:
        ``{"loss": mean loss per sample}`` and, for classification losses, ``"accuracy"``.

    Raises:
        FloatingPointError: the loss became NaN or infinite.
    """
    net.train()
    total_loss = total_correct = seen = 0.0
    for i, (xb, yb) in enumerate(batches):
        with np.errstate(all="ignore"):
            out = net.forward(xb)  # 1. forward
            value = loss.forward(out, yb)  # 2. loss
            if not np.isfinite(value):
                raise FloatingPointError(
                    f"the loss became {value} in batch {i + 1}: the learning rate (lr={optimizer.lr:g}) is "
                    f"probably too high, so the weights blew up. Try a smaller one, e.g. lr={optimizer.lr / 10:g}, "
                    "and check that the inputs are standardized"
                )
            net.backward(loss.backward())  # 3. backward
            optimizer.step()  # 4. update
        seen += len(xb)
        total_loss += value * len(xb)
        if isinstance(loss, CLASSIFICATION_LOSSES):
            total_correct += _accuracy_for(loss, out, yb) * len(xb)
        on_batch()
    metrics = {"loss": total_loss / seen}
    if isinstance(loss, CLASSIFICATION_LOSSES):
        metrics["accuracy"] = total_correct / seen
    return metrics


def evaluate(net: Sequential, x: np.ndarray, y: np.ndarray, loss: Loss | None = None) -> dict[str, float]:
    """Loss and/or accuracy on a data set, in evaluation mode.

    Args:
        net: the network.
        x: inputs, shape ``(N, ...)``.
        y: targets, labels ``(N,)`` or one-hot ``(N, K)`` for classification.
        loss: a loss object; without one only the accuracy is reported.

    Returns:
        ``{"loss": ..., "accuracy": ...}``; ``"loss"`` only with ``loss``,
        ``"accuracy"`` for classification losses or when ``loss`` is None.
    """
    with np.errstate(all="ignore"):
        pred = net.predict(x)
        result = {} if loss is None else {"loss": loss.forward(pred, y)}
    if loss is None or isinstance(loss, CLASSIFICATION_LOSSES):
        result["accuracy"] = _accuracy_for(loss, pred, y)
    return result


def fit(
    net: Sequential,
    x: np.ndarray,
    y: np.ndarray,
    loss: Loss,
    optimizer: Optimizer,
    epochs: int,
    batch_size: int = 32,
    shuffle: bool = True,
    validation_data: tuple[np.ndarray, np.ndarray] | None = None,
    patience: int | None = None,
    restore_best: bool = True,
    schedule: Callable[[int], float] | None = None,
    rng: np.random.Generator | None = None,
    progress: bool = True,
) -> History:
    """Train ``net`` with mini-batch gradient descent.

    Each epoch sets the learning rate (when a ``schedule`` is given), runs `train_epoch`
    over ⌈N / batch_size⌉ mini-batches in a new random order, then evaluates the validation
    data; early stopping ends the run once ``patience`` epochs bring no new best.

    Args:
        net: the network, e.g. a `Sequential`.
        x: training inputs, shape ``(N, ...)``.
        y: training targets, shape ``(N, ...)`` as ``loss`` expects.
        loss: e.g. ``SoftmaxCrossEntropyLoss()``.
        optimizer: bound to the network, e.g. ``SGD(net.parameters(), lr=0.1)``.
        epochs: passes over the training data.
        batch_size: samples per mini-batch.
        shuffle: a new random order every epoch.
        validation_data: ``(x_val, y_val)``, evaluated after every epoch.
        patience: stop once this many epochs in a row bring no new lowest validation
            loss (training loss without validation data); None never stops early.
        restore_best: with ``patience``, put back the weights of the best epoch at the end.
        schedule: ``epoch -> lr`` (epochs count from 0), e.g. ``CosineDecay(0.1, epochs)``.
        rng: generator for the shuffling (default: a child of `nnbook.random`'s stream).
        progress: show a progress bar (tqdm; a widget in Jupyter).

    Returns:
        A `History` of per-epoch losses, accuracies and learning rates.

    Raises:
        ValueError: mismatched or empty data, NaN inputs, bad settings, or a softmax layer
            in front of a loss that applies softmax itself.
        FloatingPointError: the loss became NaN or infinite (the learning rate is
            usually too high).
    """
    x, y = _check_fit_arguments(net, x, y, loss, optimizer, epochs, batch_size)
    rng = spawn_rng(rng)
    history = History(iterations_per_epoch=math.ceil(len(x) / batch_size))
    best_loss, best_state, waited = math.inf, None, 0
    bar = tqdm(total=epochs * history.iterations_per_epoch, disable=not progress, unit="batch")
    try:
        for epoch in range(epochs):
            if schedule is not None:
                optimizer.lr = _scheduled_rate(schedule, epoch)
            batches = iterate_minibatches(x, y, batch_size, shuffle, rng)
            metrics = train_epoch(net, batches, loss, optimizer, on_batch=bar.update)
            metrics["lr"] = optimizer.lr
            if validation_data is not None:
                val = evaluate(net, *validation_data, loss=loss)
                metrics.update({f"val_{k}": v for k, v in val.items()})
            for key, value in metrics.items():
                history.history.setdefault(key, []).append(value)
            bar.set_postfix({k: f"{v:.4g}" for k, v in metrics.items() if k != "lr"}, refresh=False)
            monitored = metrics.get("val_loss", metrics["loss"])
            if monitored < best_loss:
                best_loss, history.best_epoch, waited = monitored, epoch, 0
                if patience is not None and restore_best:
                    best_state = net.state_dict()
            else:
                waited += 1
            if patience is not None and waited >= patience:
                history.stopped_early = True
                break
    finally:
        bar.close()
        net.train()
    if best_state is not None:
        net.load_state_dict(best_state)
    return history


def _scheduled_rate(schedule: Callable[[int], float], epoch: int) -> float:
    lr = schedule(epoch)
    if isinstance(lr, bool) or not isinstance(lr, (int, float, np.integer, np.floating)) or not lr > 0 or not math.isfinite(lr):
        raise ValueError(
            f"the schedule {schedule!r} returned lr={lr!r} for epoch {epoch}: a learning rate must be a "
            "finite number > 0; check the schedule's arguments (e.g. a decay that goes below zero)"
        )
    return float(lr)


def _check_fit_arguments(
    net: Sequential,
    x: np.ndarray,
    y: np.ndarray,
    loss: Loss,
    optimizer: Optimizer,
    epochs: int,
    batch_size: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Turn the slips a learner makes when calling `fit` into clear messages."""
    for value, kind, example in ((loss, Loss, "SoftmaxCrossEntropyLoss()"), (optimizer, Optimizer, "SGD(net.parameters(), lr=0.1)")):
        if isinstance(value, type):
            raise TypeError(f"fit got the class {value.__name__}, not an object: create one, e.g. {example}")
        if not isinstance(value, kind):
            raise TypeError(f"fit expected a {kind.__name__} object such as {example}, got {value!r}")
    for name, value in (("epochs", epochs), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ValueError(f"fit needs a whole number {name} >= 1, got {name}={value!r}")
    x = as_float_array(x, net)
    y = np.asarray(y)
    if len(x) == 0:
        raise ValueError("fit got no training samples (x is empty): check how the data were loaded or split")
    if len(x) != len(y):
        raise ValueError(
            f"fit got x with {len(x)} samples but y with {len(y)}: "
            "inputs and targets need one row per sample, in the same order"
        )
    bad_rows = np.flatnonzero(~np.isfinite(x.reshape(len(x), -1)).all(axis=1))
    if len(bad_rows):
        raise ValueError(
            f"fit: {len(bad_rows)} training input rows hold NaN or infinity (rows {bad_rows[:5].tolist()}"
            f"{' …' if len(bad_rows) > 5 else ''}): remove or fill them (e.g. with the column mean) before training"
        )
    layers = getattr(net, "layers", [])
    if layers and isinstance(layers[-1], Softmax) and isinstance(loss, SoftmaxCrossEntropyLoss):
        raise ValueError(
            "the network ends in a Softmax layer and SoftmaxCrossEntropyLoss applies softmax again: "
            "drop the final Softmax (the loss takes raw scores), or use CrossEntropyLoss on probabilities"
        )
    if optimizer.parameters and net.parameters() and not {id(p.data) for p in optimizer.parameters} & {id(p.data) for p in net.parameters()}:
        raise ValueError(
            "the optimizer updates none of this network's parameters: create it from this network, "
            "e.g. SGD(net.parameters(), lr=0.1)"
        )
    return x, y
