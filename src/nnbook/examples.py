"""The sources' worked 2-2-2 networks, ready to run.

Both worked backpropagation examples of the sources (S2 §3.2.5 and S4 §2.2) use a network
with two inputs, two sigmoid hidden units and two sigmoid outputs, and write

    net_h1 = w1·i1 + w2·i2 + b1        net_h2 = w3·i1 + w4·i2 + b1
    net_o1 = w5·out_h1 + w6·out_h2 + b2  net_o2 = w7·out_h1 + w8·out_h2 + b2

In the row convention (out = x W + b, W of shape (inputs, outputs)) unit j's weights are
column j of W, so W1 = [[w1, w3], [w2, w4]] and W2 = [[w5, w7], [w6, w8]]. The sources give
each layer one bias value; here both units of the layer start with it (the gradient of a
shared bias would be the sum of the two per-unit gradients).

`TwoTwoTwoExample.trace` runs one forward pass, one backward pass and one update through the
library's layers and returns every intermediate number under the sources' names, so the
chapters can print, assert and step through them (see `nnbook.stepthrough`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import numpy as np

from nnbook.activations import Sigmoid, sigmoid_grad
from nnbook.layers import Linear
from nnbook.losses import HalfSquaredErrorLoss
from nnbook.network import Sequential
from nnbook.optim import SGD

__all__ = ["TwoTwoTwoExample", "S2_EXAMPLE", "S4_EXAMPLE", "WEIGHTS", "agrees_with_printed", "formula", "worked_table"]

WEIGHTS: dict[str, tuple[int, int, int]] = {
    "w1": (0, 0, 0), "w2": (0, 1, 0), "w3": (0, 0, 1), "w4": (0, 1, 1),
    "w5": (2, 0, 0), "w6": (2, 1, 0), "w7": (2, 0, 1), "w8": (2, 1, 1),
}
"""Where the sources' w1..w8 sit in `TwoTwoTwoExample.network`: ``name -> (layer, row, column)``.

``net[layer].params["W"][row, column]`` is the weight; row = the input unit it comes from,
column = the unit it feeds (w6, for example, runs from h2 to o1: layer 2, row 1, column 0).
"""


@dataclass(frozen=True)
class TwoTwoTwoExample:
    """One worked example: the 2-2-2 sigmoid network, its input, target and learning rate.

    Attributes:
        source: where the example comes from, e.g. ``"S2 §3.2.5"``.
        inputs: ``(i1, i2)``.
        targets: the wanted outputs ``(o1, o2)``.
        hidden_weights: ``(w1, w2, w3, w4)``.
        hidden_bias: ``b1``.
        output_weights: ``(w5, w6, w7, w8)``.
        output_bias: ``b2``.
        learning_rate: the η of the source's update step.
    """

    source: str
    inputs: tuple[float, float]
    targets: tuple[float, float]
    hidden_weights: tuple[float, float, float, float]
    hidden_bias: float
    output_weights: tuple[float, float, float, float]
    output_bias: float
    learning_rate: float

    def x(self) -> np.ndarray:
        """The input as a batch of one, shape ``(1, 2)``."""
        return np.array([self.inputs], dtype=float)

    def target(self) -> np.ndarray:
        """The target as a batch of one, shape ``(1, 2)``."""
        return np.array([self.targets], dtype=float)

    def network(self) -> Sequential:
        """A fresh ``Linear(2, 2), Sigmoid, Linear(2, 2), Sigmoid`` set to the source's values."""
        w1, w2, w3, w4 = self.hidden_weights
        w5, w6, w7, w8 = self.output_weights
        hidden, output = Linear(2, 2), Linear(2, 2)
        hidden.params["W"][...] = [[w1, w3], [w2, w4]]
        hidden.params["b"][...] = self.hidden_bias
        output.params["W"][...] = [[w5, w7], [w6, w8]]
        output.params["b"][...] = self.output_bias
        return Sequential(hidden, Sigmoid(), output, Sigmoid())

    def trace(self) -> dict[str, float]:
        """Every number of one forward pass, backward pass and update, computed by the library.

        The network of `network` runs layer by layer (``Linear``, ``Sigmoid``, ``Linear``,
        ``Sigmoid``, then ``HalfSquaredErrorLoss``), the backward pass runs the same layers in
        reverse, and ``SGD`` with the example's learning rate updates the eight weights. The
        biases stay fixed, as in both sources. Keys, in the order of the computation
        (k = 1, 2 and j = 1, 2; w = w1..w8):

        - forward: ``net_hj``, ``out_hj``, ``net_ok``, ``out_ok``;
        - loss: ``E_ok`` = ½ (target_ok − out_ok)², ``E_total`` = E_o1 + E_o2;
        - output layer: ``dE/dout_ok`` = out_ok − target_ok, ``dout_ok/dnet_ok`` =
          σ'(net_ok), ``delta_ok`` = dE/dnet_ok, then ``dE/dw5`` … ``dE/dw8``;
        - hidden layer: ``dE_ok/dout_hj`` (output k's share), ``dE/dout_hj`` (their sum),
          ``dout_hj/dnet_hj``, ``delta_hj``, then ``dE/dw1`` … ``dE/dw4``;
        - biases: ``dE/db1``, ``dE/db2``, the gradients of the shared biases (sum of deltas);
        - update: ``w1+`` … ``w8+`` = w − η dE/dw.

        Returns:
            An ordered dict of floats.
        """
        net = self.network()
        hidden, hidden_act, output, output_act = net.layers
        loss = HalfSquaredErrorLoss()
        target = self.target()

        net_h = hidden.forward(self.x())
        out_h = hidden_act.forward(net_h)
        net_o = output.forward(out_h)
        out_o = output_act.forward(net_o)
        e_total = loss.forward(out_o, target)
        e_o = 0.5 * (target - out_o) ** 2

        d_out_o = loss.backward()
        delta_o = output_act.backward(d_out_o)
        d_out_h = output.backward(delta_o)
        delta_h = hidden_act.backward(d_out_h)
        hidden.backward(delta_h)
        shares = output.params["W"] * delta_o  # [j, k] = w_jk δ_ok = ∂E_ok/∂out_hj

        values: dict[str, float] = {}
        for j in (1, 2):
            values[f"net_h{j}"] = net_h[0, j - 1]
            values[f"out_h{j}"] = out_h[0, j - 1]
        for k in (1, 2):
            values[f"net_o{k}"] = net_o[0, k - 1]
            values[f"out_o{k}"] = out_o[0, k - 1]
        for k in (1, 2):
            values[f"E_o{k}"] = e_o[0, k - 1]
        values["E_total"] = e_total
        for k in (1, 2):
            values[f"dE/dout_o{k}"] = d_out_o[0, k - 1]
            values[f"dout_o{k}/dnet_o{k}"] = sigmoid_grad(net_o)[0, k - 1]
            values[f"delta_o{k}"] = delta_o[0, k - 1]
        for j in (1, 2):
            for k in (1, 2):
                values[f"dE_o{k}/dout_h{j}"] = shares[j - 1, k - 1]
            values[f"dE/dout_h{j}"] = d_out_h[0, j - 1]
            values[f"dout_h{j}/dnet_h{j}"] = sigmoid_grad(net_h)[0, j - 1]
            values[f"delta_h{j}"] = delta_h[0, j - 1]
        for name, (layer, row, col) in WEIGHTS.items():
            values[f"dE/d{name}"] = net[layer].grads["W"][row, col]
        values["dE/db1"] = hidden.grads["b"].sum()
        values["dE/db2"] = output.grads["b"].sum()

        weights = [p for p in net.parameters() if p.name.endswith("W")]
        SGD(weights, lr=self.learning_rate).step()
        for name, (layer, row, col) in WEIGHTS.items():
            values[f"{name}+"] = net[layer].params["W"][row, col]
        return {key: float(value) for key, value in values.items()}


S2_EXAMPLE = TwoTwoTwoExample(
    source="S2 §3.2.5",
    inputs=(0.05, 0.10),
    targets=(0.01, 0.99),
    hidden_weights=(0.15, 0.20, 0.25, 0.30),
    hidden_bias=0.35,
    output_weights=(0.40, 0.45, 0.50, 0.55),
    output_bias=0.60,
    learning_rate=0.5,
)

S4_EXAMPLE = TwoTwoTwoExample(
    source="S4 §2.2",
    inputs=(0.10, 0.20),
    targets=(0.85, 0.30),
    hidden_weights=(0.05, 0.15, 0.10, 0.20),
    hidden_bias=0.35,
    output_weights=(0.25, 0.35, 0.30, 0.40),
    output_bias=0.50,
    learning_rate=1.0,
)


def agrees_with_printed(value: float, printed: str) -> bool:
    """Whether ``value`` matches a number as a source prints it, to the digits printed.

    True when ``printed`` is ``value`` rounded to the printed number of decimals (half up),
    or ``value`` cut off there: S4, for example, prints 0.0859607319… as 0.085960731.

    Args:
        value: the computed number.
        printed: the number as printed, e.g. ``"0.593269992"`` or ``"-0.018375021"``.

    Returns:
        True when the two agree to the printed digits.
    """
    exact = Decimal(repr(float(value)))
    place = Decimal(1).scaleb(-len(printed.partition(".")[2]))
    return Decimal(printed) in (exact.quantize(place, ROUND_HALF_UP), exact.quantize(place, ROUND_DOWN))


def _unit_inputs(unit: str) -> tuple[list[str], list[str], str]:
    """The weights into ``unit`` ("h1".."o2"), the symbols they multiply, and its bias."""
    layer, col = (0, "h") if unit[0] == "h" else (2, "o")
    names = [n for n, (lay, _row, c) in WEIGHTS.items() if lay == layer and c == int(unit[1]) - 1]
    sources = ["i_1", "i_2"] if col == "h" else ["out_{h1}", "out_{h2}"]
    return names, sources, "b_1" if col == "h" else "b_2"


def formula(key: str) -> str:
    """The LaTeX formula behind a key of `TwoTwoTwoExample.trace`, e.g. ``"delta_o1"``.

    Returns:
        LaTeX without dollar signs, e.g. ``\\delta_{o1} = \\partial E/\\partial out_{o1} \\cdot out_{o1}(1 - out_{o1})``.
    """
    def w(name: str) -> str:
        return f"w_{name[1]}"

    unit = key.partition("_")[2][:2]  # "h1" in "net_h1", "o2" in "dout_o2/dnet_o2"
    if key.startswith("net_"):
        names, sources, bias = _unit_inputs(unit)
        return f"net_{{{unit}}} = " + " + ".join(f"{w(n)}\\, {s}" for n, s in zip(names, sources)) + f" + {bias}"
    if key.startswith("out_"):
        return f"out_{{{unit}}} = \\sigma(net_{{{unit}}})"
    if key in ("E_o1", "E_o2"):
        return f"E_{{{unit}}} = \\tfrac12 (target_{{{unit}}} - out_{{{unit}}})^2"
    if key == "E_total":
        return "E_{total} = E_{o1} + E_{o2}"
    if key.startswith("delta_"):
        return f"\\delta_{{{unit}}} = \\partial E/\\partial out_{{{unit}}} \\cdot \\partial out_{{{unit}}}/\\partial net_{{{unit}}}"
    if key.startswith("dE/dout_o"):
        return f"\\partial E/\\partial out_{{{unit}}} = out_{{{unit}}} - target_{{{unit}}}"
    if key.startswith("dout_"):
        return f"\\partial out_{{{unit}}}/\\partial net_{{{unit}}} = out_{{{unit}}}(1 - out_{{{unit}}})"
    if key.startswith("dE_o"):
        k, j = key[4], key[-1]
        name = next(n for n, (lay, row, col) in WEIGHTS.items() if lay == 2 and row == int(j) - 1 and col == int(k) - 1)
        return f"\\partial E_{{o{k}}}/\\partial out_{{h{j}}} = \\delta_{{o{k}}}\\, {w(name)}"
    if key.startswith("dE/dout_h"):
        j = key[-1]
        return f"\\partial E/\\partial out_{{h{j}}} = \\partial E_{{o1}}/\\partial out_{{h{j}}} + \\partial E_{{o2}}/\\partial out_{{h{j}}}"
    if key.startswith("dE/dw"):
        name = key[4:]
        layer, row, col = WEIGHTS[name]
        unit = f"{'h' if layer == 0 else 'o'}{col + 1}"
        source = f"i_{row + 1}" if layer == 0 else f"out_{{h{row + 1}}}"
        return f"\\partial E/\\partial {w(name)} = \\delta_{{{unit}}}\\, {source}"
    if key.startswith("dE/db"):
        layer = "h" if key[-1] == "1" else "o"
        return f"\\partial E/\\partial b_{key[-1]} = \\delta_{{{layer}1}} + \\delta_{{{layer}2}}"
    if key.endswith("+") and key[:-1] in WEIGHTS:
        name = key[:-1]
        return f"{w(name)}^+ = {w(name)} - \\eta\\, \\partial E/\\partial {w(name)}"
    raise KeyError(f"no formula for {key!r}: use a key of TwoTwoTwoExample.trace(), e.g. 'delta_o1'")


def worked_table(
    keys: list[str],
    library: dict[str, float],
    hand: dict[str, float] | None = None,
    printed: dict[str, str] | None = None,
    source: str = "source",
) -> str:
    """A Markdown table of worked numbers: formula, by hand, library, and what a source prints.

    Args:
        keys: keys of `TwoTwoTwoExample.trace`, one row each, in order.
        library: the library's values (``example.trace()``).
        hand: the same numbers computed by hand, for a "by hand" column.
        printed: the source's numbers as printed, for some of the keys; each is marked
            ✓ when it agrees to the printed digits (`agrees_with_printed`) and ✗ otherwise.
        source: the source's name, the heading of that column.

    Returns:
        The table (display it with ``IPython.display.Markdown``). Values have nine decimals,
        more when the source prints more.
    """
    printed = printed or {}
    header = ["formula"] + (["by hand"] if hand is not None else []) + ["library"] + ([source] if printed else [])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for key in keys:
        shown = printed.get(key, "")
        digits = max(9, len(shown.partition(".")[2]))
        cells = [f"${formula(key)}$"]
        cells += [f"{hand[key]:.{digits}f}"] if hand is not None else []
        cells += [f"{library[key]:.{digits}f}"]
        if printed:
            mark = ("✓" if agrees_with_printed(library[key], shown) else "✗") if shown else ""
            cells.append(f"{shown}\u00a0{mark}" if shown else "")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
