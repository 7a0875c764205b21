"""A playground in the page: small networks on 2-D data, trained by nnbook for every setting.

In the spirit of TensorFlow Playground, but the networks are this library's own and the page
does no maths. Two parts:

1. **The networks.** `build_network` makes the playground's network for one setting, and
   `train_playground` trains one per combination of data set (`nnbook.toy_data`),
   activation, depth, width, learning rate and L2 strength, full batch with Adam and softmax
   cross-entropy. The networks that share an architecture are trained together as a stack
   (`nnbook.stacked`); each follows the path ``fit`` would give it alone.
2. **The figure.** `Playground` is a `~nnbook.interactive.SliderPlot`: live ipywidgets in
   Jupyter, and in the book every combination of the controls, encoded as scenes for the
   slider painter (`nnbook.scene`). The scenes are assembled from the parts that change,
   each encoded once: the decision map of a frame (a grid of class cells), the loss curves
   of a run, the epoch cursor, the points of a data set.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.colors import ListedColormap, to_rgb

from nnbook.activations import Identity, ReLU, Sigmoid, Tanh
from nnbook.base import Layer
from nnbook.interactive import SliderPlot
from nnbook.slider_controls import Control
from nnbook.layers import Linear
from nnbook.network import Sequential
from nnbook.plotting import COLUMN_WIDTH, INK, PALETTE
from nnbook.random import get_rng
from nnbook.scene import SceneEncoder
from nnbook.stacked import StackedAdam, StackedLinear, StackedSoftmaxCrossEntropy
from nnbook.toy_data import DATASETS, make_dataset
from nnbook.train import train_epoch

# ---------------------------------------------------------------------- the networks

ACTIVATION_LAYERS: dict[str, tuple[type[Layer], str]] = {
    "tanh": (Tanh, "xavier"),
    "relu": (ReLU, "he"),
    "sigmoid": (Sigmoid, "xavier"),
    "linear": (Identity, "xavier"),
}
"""Activation name -> (layer class, the initialiser that suits it)."""


def build_network(width: int, depth: int, activation: str, classes: int, rng: np.random.Generator | None = None) -> Sequential:
    """The playground's network: 2 inputs, ``depth`` hidden layers of ``width`` units, ``classes`` scores.

    Weights start as `nnbook.init` prescribes for the activation (He for ReLU, Xavier
    otherwise), biases at zero; the scores go to ``SoftmaxCrossEntropyLoss``.
    """
    if activation not in ACTIVATION_LAYERS:
        raise ValueError(f"unknown activation {activation!r}: choose one of {list(ACTIVATION_LAYERS)}")
    layer, init = ACTIVATION_LAYERS[activation]
    rng = get_rng(rng)
    layers: list[Layer] = []
    inputs = 2
    for _ in range(depth):
        layers += [Linear(inputs, width, init=init, rng=rng), layer()]
        inputs = width
    return Sequential(*layers, Linear(inputs, classes, init=init, rng=rng))


CONFIDENCE_BANDS = (0.6, 0.9)
"""A map cell's shade: the winning class's probability below 0.6, from 0.6 to 0.9, above 0.9."""


@dataclass
class PlaygroundRuns:
    """Every run of `train_playground`: what the playground figure shows, per setting.

    Attributes:
        controls: control name -> its values, in order: ``data``, ``activation``,
            ``hidden layers``, ``width``, ``learning rate``, ``L2 λ``. The runs form a grid
            over them; arrays below are indexed ``[*grid_index, ...]``.
        data: data set name -> ``(x_train, y_train, x_val, y_val)``.
        snapshots: the epochs at which the decision map was recorded (0 = before training).
        regions: ``(*grid, len(snapshots), G, G)`` uint8 map cells, row 0 at the top:
            winning class · 3 + confidence band (`CONFIDENCE_BANDS`).
        accuracy: ``(*grid, len(snapshots), 2)``: training and validation accuracy.
        loss: ``(*grid, epochs)``: the training loss of every epoch (as ``fit`` reports it).
        val_loss: ``(*grid, len(val_epochs))``: the validation loss after those epochs.
        val_epochs: the epochs (1-based) at which the validation loss was measured.
        extent: the map covers [−extent, extent]².
        seed: where every run's initial weights come from (see `network`).
    """

    controls: dict[str, tuple[Any, ...]]
    data: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]
    snapshots: tuple[int, ...]
    regions: np.ndarray
    accuracy: np.ndarray
    loss: np.ndarray
    val_loss: np.ndarray
    val_epochs: np.ndarray
    extent: float
    seed: int

    @property
    def epochs(self) -> int:
        """Epochs each run was trained for."""
        return self.loss.shape[-1]

    def index(self, setting: Mapping[str, Any]) -> tuple[int, ...]:
        """The grid index of a setting, e.g. ``{"data": "xor", "activation": "relu", ...}``."""
        return tuple(values.index(setting[name]) for name, values in self.controls.items())

    def network(self, data: str, activation: str, hidden_layers: int, width: int) -> Sequential:
        """A fresh library network with the initial weights the runs of this architecture started from."""
        seed = [self.seed, list(self.controls["data"]).index(data), list(ACTIVATION_LAYERS).index(activation), hidden_layers, width]
        return build_network(width, hidden_layers, activation, DATASETS[data][1], rng=np.random.default_rng(seed))


def _stacked_network(nets: list[Sequential], l2: np.ndarray, classes: int) -> Sequential:
    """Stack networks of one architecture (output layers padded to ``classes`` with zero columns)."""
    layers: list[Layer] = []
    for i, layer in enumerate(nets[0].layers):
        if not isinstance(layer, Linear):
            layers.append(type(layer)())
            continue
        weights = [net.layers[i].params["W"] for net in nets]
        biases = [net.layers[i].params["b"] for net in nets]
        if i == len(nets[0].layers) - 1:
            weights = [np.pad(w, ((0, 0), (0, classes - w.shape[1]))) for w in weights]
            biases = [np.pad(b, (0, classes - len(b))) for b in biases]
        layers.append(StackedLinear(np.stack(weights), np.stack(biases), l2))
    return Sequential(*layers)


def train_playground(
    datasets: Sequence[str] = tuple(DATASETS),
    activations: Sequence[str] = ("tanh", "relu", "sigmoid", "linear"),
    hidden_layers: Sequence[int] = (1, 2),
    widths: Sequence[int] = (2, 4, 8),
    learning_rates: Sequence[float] = (0.003, 0.03, 0.3),
    l2: Sequence[float] = (0.0, 0.003, 0.03),
    epochs: int = 100,
    snapshots: Sequence[int] = (0, 5, 10, 20, 40, 70, 100),
    n: int = 100,
    validate_every: int = 5,
    resolution: int = 40,
    extent: float = 1.5,
    rng: np.random.Generator | None = None,
) -> PlaygroundRuns:
    """Train one network per combination of the settings and record what the playground shows.

    Each run is `build_network` (He or Xavier weights, zero biases) trained for ``epochs``
    full-batch epochs of Adam on softmax cross-entropy with L2 strength λ, as ``fit(net,
    x, y, SoftmaxCrossEntropyLoss(), Adam(net.parameters(), lr, weight_decay=λ), epochs,
    batch_size=n, shuffle=False, validation_data=...)`` would. Runs that differ only in
    learning rate or λ start from the same weights. The networks of one architecture are
    trained together, stacked (see the module docstring).

    Args:
        datasets, activations, hidden_layers, widths, learning_rates, l2: the values of each
            control; every combination is trained.
        epochs: training epochs per run.
        snapshots: epochs (0 … epochs) at which the decision map and the accuracies are recorded.
        n: training points per data set (and as many validation points).
        validate_every: the validation loss is measured every this many epochs.
        resolution: G, the map's cells per side.
        extent: the map covers [−extent, extent]².
        rng: generator for the data and the seed of the initial weights (default: the shared stream).

    Returns:
        The `PlaygroundRuns`.
    """
    if sorted(set(snapshots)) != list(snapshots) or snapshots[0] < 0 or snapshots[-1] > epochs:
        raise ValueError(f"snapshots must be increasing epochs between 0 and epochs={epochs}, got {list(snapshots)}")
    rng = get_rng(rng)
    data = {}
    for name in datasets:
        x, y = make_dataset(name, n, rng)
        data[name] = (x, y, *make_dataset(name, n, rng))
    runs = PlaygroundRuns(
        controls={"data": tuple(datasets), "activation": tuple(activations), "hidden layers": tuple(hidden_layers),
                  "width": tuple(widths), "learning rate": tuple(learning_rates), "L2 λ": tuple(l2)},
        data=data, snapshots=tuple(snapshots), regions=np.empty(0), accuracy=np.empty(0), loss=np.empty(0),
        val_loss=np.empty(0), val_epochs=np.arange(validate_every, epochs + 1, validate_every), extent=extent,
        seed=int(rng.integers(2**31)),
    )
    shape = tuple(len(v) for v in runs.controls.values())
    runs.regions = np.zeros((*shape, len(snapshots), resolution, resolution), dtype=np.uint8)
    runs.accuracy = np.zeros((*shape, len(snapshots), 2))
    runs.loss = np.zeros((*shape, epochs))
    runs.val_loss = np.zeros((*shape, len(runs.val_epochs)))
    ticks = np.linspace(-extent, extent, resolution)
    grid = np.column_stack([np.tile(ticks, resolution), np.repeat(ticks[::-1], resolution)])
    settings = list(itertools.product(range(len(datasets)), range(len(learning_rates)), range(len(l2))))
    names = [datasets[d] for d, _, _ in settings]
    classes = [DATASETS[name][1] for name in names]
    x, y, xv, yv = (np.stack([data[name][k] for name in names]) for k in range(4))
    for (a, activation), (h, depth), (w, width) in itertools.product(*(enumerate(v) for v in (activations, hidden_layers, widths))):
        nets = {name: runs.network(name, activation, depth, width) for name in datasets}
        net = _stacked_network([nets[name] for name in names], np.array([l2[r] for _, _, r in settings]), max(classes))
        optimizer = StackedAdam(net.parameters(), lr=[learning_rates[q] for _, q, _ in settings])
        loss = StackedSoftmaxCrossEntropy(classes, max(classes))
        out = (np.array([s[0] for s in settings]), a, h, w, *np.array([s[1:] for s in settings]).T)
        for epoch in range(epochs + 1):
            if epoch in runs.snapshots:
                k = runs.snapshots.index(epoch)
                log_p = loss.log_probabilities(net.forward(grid))
                band = np.digitize(np.exp(log_p.max(axis=0)), CONFIDENCE_BANDS)
                runs.regions[(*out, k)] = (log_p.argmax(axis=0) * 3 + band).reshape(-1, resolution, resolution)
                for j, (points, labels) in enumerate(((x, y), (xv, yv))):
                    predicted = loss.log_probabilities(net.forward(points)).argmax(axis=0)
                    runs.accuracy[(*out, k, j)] = (predicted == labels).mean(axis=1)
            if epoch == epochs:
                break
            train_epoch(net, [(x, y)], loss, optimizer)
            runs.loss[(*out, epoch)] = loss.values
            if (epoch + 1) % validate_every == 0:
                loss.forward(net.forward(xv), yv)
                runs.val_loss[(*out, (epoch + 1) // validate_every - 1)] = loss.values
    return runs


# ------------------------------------------------------------------------- the figure

CLASS_STYLES = (("X", PALETTE[1]), ("o", PALETTE[0]), ("s", PALETTE[2]), ("^", PALETTE[3]))
"""Marker and colour of classes 0–3: the book's orange crosses and blue circles, then green squares, purple triangles."""

SHADES = (0.1, 0.22, 0.38)
"""How strongly a map cell takes its class's colour in each confidence band (0 = white)."""


def region_colormap() -> ListedColormap:
    """The map's colours: code c = class · 3 + band -> the class colour mixed into white by ``SHADES[band]``."""
    white = np.ones(3)
    return ListedColormap([white + shade * (np.array(to_rgb(colour)) - white) for _, colour in CLASS_STYLES for shade in SHADES])


class Playground(SliderPlot):
    """The playground figure: decision map and loss curves of every run, one control per setting.

    Left: the map of the chosen run at the chosen epoch (cells shaded by the winning class and
    how sure the network is) with the training points; right: the training and validation
    losses over all epochs, a cursor at the epoch, and the accuracies there.

    Args:
        runs: from `train_playground`.
        defaults: control name -> the value shown first.
        **options: passed to `SliderPlot` (``figsize``, ``dpi``, ``max_bytes``, ``alt``).
    """

    def __init__(self, runs: PlaygroundRuns, defaults: Mapping[str, Any] | None = None, **options: Any) -> None:
        self.runs = runs
        controls = {**runs.controls, "epoch": runs.snapshots}
        options = {"figsize": (COLUMN_WIDTH, 3.2), "dpi": 100, "max_bytes": 2_500_000, "max_frames": math.inf, **options}
        super().__init__(self._draw_runs, {name: list(values) for name, values in controls.items()}, ncols=2, **options)
        chosen = {"epoch": runs.snapshots[-1], **(defaults or {})}
        self.controls = [
            Control(name, tuple(values), list(values).index(chosen[name]) if name in chosen else 0, not isinstance(values[0], str))
            for name, values in controls.items()
        ]
        self._plan: Callable[[Mapping[str, Any]], list[tuple[Any, Any, Callable[[], None]]]] | None = None

    def _draw_runs(self, axes: np.ndarray, **values: Any) -> Callable[..., None]:
        runs, extent = self.runs, self.runs.extent
        left, right = axes
        image = left.imshow(np.zeros((2, 2)), cmap=region_colormap(), vmin=-0.5, vmax=3 * len(CLASS_STYLES) - 0.5,
                            interpolation="nearest", extent=(-extent, extent, -extent, extent), origin="upper")
        points = [left.scatter([], [], s=20, marker=marker, color=colour, edgecolors=INK, linewidths=0.4, zorder=3)
                  for marker, colour in CLASS_STYLES]
        left.set(xlim=(-extent, extent), ylim=(-extent, extent), xlabel="$x_1$", ylabel="$x_2$", xticks=[-1, 0, 1], yticks=[-1, 0, 1])
        left.grid(False)
        (train_line,) = right.plot([], [], color=INK, lw=1.5, label="training")
        (val_line,) = right.plot([], [], color=PALETTE[0], lw=1.5, ls="--", label="validation")
        cursor = right.axvline(0, color="0.45", lw=1, ls=":")
        accuracy = [right.text(0.03, y, "", transform=right.transAxes, va="top", fontsize=9) for y in (0.84, 0.76)]
        right.set(xlim=(0, runs.epochs), ylim=(0, 2), xlabel="epoch", title="cross-entropy loss")
        right.legend(loc="upper left", ncols=2, fontsize=9, handlelength=1.6, columnspacing=1)
        for ax in axes:
            ax.set_box_aspect(1)
        epochs = np.arange(1, runs.epochs + 1)

        def set_line(line: Any, x: np.ndarray, y: np.ndarray) -> None:
            line.set_data(x, y)
            line.recache(always=True)

        def plan(values: Mapping[str, Any]) -> list[tuple[Any, Any, Callable[[], None]]]:
            """(artist, what it shows, how to show it) for every artist a setting changes."""
            index, epoch, name = runs.index(values), values["epoch"], values["data"]
            k = runs.snapshots.index(epoch)
            cells = runs.regions[(*index, k)]
            x, y = runs.data[name][:2]
            title = f"{name}, epoch {epoch}"
            scores = [f"{kind} accuracy {a:.0%}" for kind, a in zip(("training", "validation"), runs.accuracy[(*index, k)])]
            return [
                (image, cells, lambda: image.set_data(cells)),
                *((scatter, name, lambda c=c, scatter=scatter: scatter.set_offsets(x[y == c].reshape(-1, 2)))
                  for c, scatter in enumerate(points)),
                (train_line, index, lambda: set_line(train_line, epochs, runs.loss[index])),
                (val_line, index, lambda: set_line(val_line, runs.val_epochs, runs.val_loss[index])),
                (cursor, epoch, lambda: set_line(cursor, np.array([epoch, epoch]), np.array([0, 1]))),
                (left.title, title, lambda: left.set_title(title)),
                *((text, score, lambda text=text, score=score: text.set_text(score)) for text, score in zip(accuracy, scores)),
            ]

        def update(**values: Any) -> None:
            for _, _, show in plan(values):
                show()

        self._plan = plan
        update(**values)
        return update

    def static_data(self) -> tuple[list[list[int]], dict[str, Any]]:
        """Every combination's scene, encoding each distinct look of each changing artist once.

        The map changes with every frame, the texts with most, the curves with the run, the
        cursor with the epoch, the points with the data set; the axes and the legend never.
        The map's cells are encoded from the run's codes and the colour map's colours directly,
        as `SceneEncoder.cells` does for the image artist (a test checks they are the same).
        """
        offered = [list(range(len(c.values))) for c in self.controls]
        self.render(**self.defaults())
        encoder = SceneEncoder(self.figure)
        parts = encoder.parts()
        image = self.figure.axes[0].images[0]
        colours = image.to_rgba(np.arange(3 * len(CLASS_STYLES))[None], bytes=True)[0]
        geometry = encoder.image_geometry(image)
        encoded: dict[tuple[int, Any], list[int]] = {}
        frames = []
        with matplotlib.rc_context(self._style):  # titles and texts in the book's sizes, as in render()
            for combo in itertools.product(*offered):
                current = {}
                for artist, shows, show in self._plan({c.name: c.values[i] for c, i in zip(self.controls, combo)}):
                    key = (id(artist), shows.tobytes() if artist is image else shows)
                    if key not in encoded:
                        if artist is image:  # the map's cells straight from the codes: no set_data
                            encoded[key] = encoder.cells(shows, colours, geometry)
                        else:
                            show()
                            encoded[key] = encoder.artist_items(artist)
                    current[id(artist)] = encoded[key]
                frames.append(encoder.add_frame([i for artist, items in parts for i in current.get(id(artist), items)]))
        data = encoder.data()
        data["combos"] = frames
        return offered, data

    def _note(self, offered: list[list[int]]) -> str:
        runs = self.runs
        count = math.prod(len(v) for v in runs.controls.values())
        total = count * len(runs.snapshots)
        return (f"Book version: all {total:,} settings precomputed at build time ({count:,} networks trained by nnbook "
                f"for {runs.epochs} full-batch epochs of Adam, maps at {len(runs.snapshots)} epochs).")

    @staticmethod
    def _control_widget(control: Control) -> widgets.ValueWidget:
        options = [(f"{v:g}" if isinstance(v, float) else str(v), v) for v in control.values]
        kind = widgets.SelectionSlider if control.is_slider else widgets.Dropdown
        return kind(options=options, value=control.values[control.default], description=control.name,
                    style={"description_width": "initial"})
