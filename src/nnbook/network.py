"""`Sequential`: a network as a stack of layers, with a training loop.

Forward runs the layers in order, backward runs them in reverse, and `Sequential.fit`
repeats forward → loss → backward → optimizer step over mini-batches for some epochs.
"""

from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from nnbook._checks import as_float_array
from nnbook.base import Layer, collect_buffers, collect_parameters
from nnbook.data import iterate_minibatches
from nnbook.losses import BCELoss, CrossEntropyLoss, FocalLoss, Loss, SoftmaxCrossEntropyLoss
from nnbook.optim import Optimizer

if importlib.util.find_spec("ipywidgets") is not None:
    from tqdm.auto import tqdm
else:
    from tqdm import tqdm

CLASSIFICATION_LOSSES = (SoftmaxCrossEntropyLoss, CrossEntropyLoss, BCELoss, FocalLoss)


def accuracy(pred: np.ndarray, target: np.ndarray) -> float:
    """Fraction of correctly classified samples.

    With K > 1 outputs the predicted class is argmax_k pred_nk (logits or probabilities),
    compared with integer labels ``(N,)`` or the argmax of one-hot targets ``(N, K)``.
    With one output (or a vector) the prediction is [pred > 0.5], compared with 0/1 targets.

    Args:
        pred: ``(N, K)``, ``(N, 1)`` or ``(N,)``.
        target: labels ``(N,)`` (or a column ``(N, 1)``) or targets of ``pred``'s shape.

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
    return float(np.mean((pred.reshape(len(pred), -1) > 0.5) == (target.reshape(len(pred), -1) > 0.5)))


class Summary(str):
    """The text of `Sequential.summary`; shows as plain text in a notebook."""

    def __repr__(self) -> str:
        return str(self)


@dataclass
class History:
    """What happened during `Sequential.fit`.

    Attributes:
        history: per-epoch lists: ``"loss"`` (training, averaged over the epoch's
            batches), ``"lr"``, and when available ``"accuracy"``, ``"val_loss"``,
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


class Sequential(Layer):
    """A network that applies its layers one after another: out = f_L(… f_2(f_1(x))).

    Args:
        *layers: the layers, input side first, e.g.
            ``Sequential(Linear(784, 10), Sigmoid(), Linear(10, 10), Softmax())``.

    Its parameters are those of its layers, named ``"i.name"`` (``"0.W"`` is the first
    layer's weight matrix).
    """

    def __init__(self, *layers: Layer) -> None:
        super().__init__()
        if not layers:
            raise ValueError("Sequential needs at least one layer, e.g. Sequential(Linear(4, 2))")
        self.layers = list(layers)
        self.params, self.grads = collect_parameters(self.layers)
        self.buffers = collect_buffers(self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, i: int) -> Layer:
        return self.layers[i]

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Run the batch through every layer. x: the first layer's input, e.g. ``(N, D)``."""
        for layer in self.layers:
            layer.training = self.training
            x = layer.forward(x)
        return x

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Backpropagate dL/d(out) through the layers in reverse; returns dL/dx.

        Every layer's ``grads`` are filled on the way.
        """
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        self.grads = collect_parameters(self.layers)[1]
        return dout

    def parameters(self) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """``(params, grads)``: flat dicts keyed ``"i.name"`` sharing the layers' arrays."""
        return collect_parameters(self.layers)

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
            count = sum(int(p.size) for p in layer.params.values())
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

    def evaluate(self, x: np.ndarray, y: np.ndarray, loss: Loss | None = None) -> dict[str, float]:
        """Loss and/or accuracy on a data set, in evaluation mode.

        Args:
            x: inputs, shape ``(N, ...)``.
            y: targets, labels ``(N,)`` or one-hot ``(N, K)`` for classification.
            loss: a loss object; without one only the accuracy is reported.

        Returns:
            ``{"loss": ..., "accuracy": ...}``; ``"loss"`` only with ``loss``,
            ``"accuracy"`` for classification losses or when ``loss`` is None.
        """
        with np.errstate(all="ignore"):
            pred = self.predict(x)
            result = {} if loss is None else {"loss": loss.forward(pred, y)}
        if loss is None or isinstance(loss, CLASSIFICATION_LOSSES):
            result["accuracy"] = accuracy(pred, y)
        return result

    def _state(self) -> dict[str, np.ndarray]:
        params, _ = self.parameters()
        return {name: value.copy() for name, value in {**params, **collect_buffers(self.layers)}.items()}

    def _load_state(self, state: dict[str, np.ndarray]) -> None:
        params, _ = self.parameters()
        for name, value in {**params, **collect_buffers(self.layers)}.items():
            value[...] = state[name]

    def fit(
        self,
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
        rng: np.random.Generator | None = None,
        progress: bool = True,
        schedule: Callable[[int], float] | None = None,
    ) -> History:
        """Train with mini-batch gradient descent.

        Each epoch visits all N samples in ⌈N / batch_size⌉ mini-batches; each batch runs
        forward, the loss, backward and one optimizer step.

        Args:
            x: training inputs, shape ``(N, ...)``.
            y: training targets, shape ``(N, ...)`` as ``loss`` expects.
            loss: e.g. ``SoftmaxCrossEntropyLoss()``.
            optimizer: e.g. ``SGD(lr=0.1)``.
            epochs: passes over the training data.
            batch_size: samples per mini-batch.
            shuffle: new random order every epoch (from ``rng``).
            validation_data: ``(x_val, y_val)``, evaluated after every epoch.
            patience: stop once this many epochs in a row bring no new lowest validation
                loss (training loss without validation data); None never stops early.
            restore_best: with ``patience``, put back the weights of the best epoch at the end.
            rng: generator for shuffling (default: seeded with 0, so runs repeat exactly).
            progress: show a progress bar (tqdm; a widget in Jupyter).
            schedule: ``epoch -> lr``, e.g. ``CosineDecay(0.1, epochs)``; sets ``optimizer.lr``.

        Returns:
            A `History` of per-epoch losses, accuracies and learning rates.

        Raises:
            FloatingPointError: the loss became NaN or infinite (the learning rate is
                usually too high).
        """
        x = as_float_array(x, self)
        y = np.asarray(y)
        if len(x) != len(y):
            raise ValueError(
                f"fit got x with {len(x)} samples but y with {len(y)}: "
                "inputs and targets need one row per sample, in the same order"
            )
        if epochs < 1 or batch_size < 1:
            raise ValueError(f"fit needs epochs >= 1 and batch_size >= 1, got {epochs} and {batch_size}")
        rng = np.random.default_rng(0) if rng is None else rng
        classify = isinstance(loss, CLASSIFICATION_LOSSES)
        history = History(iterations_per_epoch=math.ceil(len(x) / batch_size))
        log = history.history
        best_loss, best_state, waited = math.inf, None, 0
        bar = tqdm(total=epochs * history.iterations_per_epoch, disable=not progress, unit="batch")
        try:
            for epoch in range(epochs):
                if schedule is not None:
                    optimizer.lr = schedule(epoch)
                metrics = self._train_epoch(x, y, loss, optimizer, batch_size, shuffle, rng, classify, epoch, bar)
                metrics["lr"] = optimizer.lr
                if validation_data is not None:
                    val = self.evaluate(*validation_data, loss=loss)
                    metrics.update({f"val_{k}": v for k, v in val.items()})
                for key, value in metrics.items():
                    log.setdefault(key, []).append(value)
                bar.set_postfix({k: f"{v:.4g}" for k, v in metrics.items() if k != "lr"}, refresh=False)
                monitored = metrics.get("val_loss", metrics["loss"])
                if monitored < best_loss:
                    best_loss, history.best_epoch, waited = monitored, epoch, 0
                    if patience is not None and restore_best:
                        best_state = self._state()
                else:
                    waited += 1
                if patience is not None and waited >= patience:
                    history.stopped_early = True
                    break
        finally:
            bar.close()
            self.train()
        if best_state is not None:
            self._load_state(best_state)
        return history

    def _train_epoch(
        self,
        x: np.ndarray,
        y: np.ndarray,
        loss: Loss,
        optimizer: Optimizer,
        batch_size: int,
        shuffle: bool,
        rng: np.random.Generator,
        classify: bool,
        epoch: int,
        bar: tqdm,
    ) -> dict[str, float]:
        self.train()
        total_loss = total_correct = 0.0
        for i, (xb, yb) in enumerate(iterate_minibatches(x, y, batch_size, shuffle, rng)):
            with np.errstate(all="ignore"):
                out = self.forward(xb)
                value = loss.forward(out, yb)
                if not np.isfinite(value):
                    raise FloatingPointError(
                        f"the loss became {value} in epoch {epoch + 1}, batch {i + 1}: the learning rate "
                        f"(lr={optimizer.lr:g}) is probably too high, so the weights blew up. Try a smaller "
                        f"one, e.g. lr={optimizer.lr / 10:g}, and check that the inputs are standardized "
                        "and contain no NaN"
                    )
                self.backward(loss.backward())
                optimizer.step(*self.parameters())
            total_loss += value * len(xb)
            if classify:
                total_correct += accuracy(out, yb) * len(xb)
            bar.update()
        metrics = {"loss": total_loss / len(x)}
        if classify:
            metrics["accuracy"] = total_correct / len(x)
        return metrics

    def __repr__(self) -> str:
        inner = ",\n".join(f"  {layer!r}" for layer in self.layers)
        return f"Sequential(\n{inner}\n)"
