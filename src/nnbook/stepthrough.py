"""Step through backpropagation on a 2-2-2 network, one value at a time, and check your own.

:func:`step_through` turns a worked example (`nnbook.examples.TwoTwoTwoExample`) into a
figure: the network drawn as a diagram, and a panel that walks through the 35 numbers of one
training step in order (forward pass, loss, backward pass through the output layer, then the
hidden layer, then the weight update), one node at a time. At each step the diagram marks the
value about to be computed with "?" and highlights the units and weights it depends on; the
panel gives the rule and the numbers to put in. The reader may type their own result and
have it checked before revealing the value.

Every value, every rule with its numbers, and every tolerance is computed here, at build
time, from `TwoTwoTwoExample.trace` (the library's own layers). Like a slider or a quiz, the
display object carries two renderings:

* ``text/html`` for the book: the diagram as inline SVG holding the precomputed values, and a
  small inline script that only reveals values, moves between steps and grades a typed
  number with the quizzes' rule (`nnbook.typed_number.grader_script`); it computes nothing else.
* a live ipywidgets form for Jupyter, graded by `nnbook.typed_number.grade_numeric` (the
  same rule, in Python).

A typed value is right when ``|typed − value| <= atol + rtol·|value|``: ``rtol`` (0.5 % by
default) for every value except the updated weights, which differ from the old ones by
little; there the tolerance is 1 % of the change ``|η ∂E/∂w|``, so typing the old weight fails.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from nnbook.examples import TwoTwoTwoExample
from nnbook.typed_number import Feedback, grade_numeric, grader_script

_HERE = Path(__file__).parent
_CSS = (_HERE / "stepthrough.css").read_text(encoding="utf-8")
_SCRIPT = (_HERE / "stepthrough.js").read_text(encoding="utf-8")

PHASES = {
    "forward": "Forward pass",
    "loss": "Loss",
    "output": "Backward pass: output layer",
    "hidden": "Backward pass: hidden layer",
    "update": "Update",
}


@dataclass(frozen=True)
class Step:
    """One value of the walk-through.

    Attributes:
        key: its name in `TwoTwoTwoExample.trace`, e.g. ``"delta_o1"``.
        phase: one of `PHASES`.
        rule: the formula, e.g. ``"out_{h1} = σ(net_{h1})"`` (``_{…}`` marks a subscript).
        numbers: the same formula with the numbers it needs, e.g. ``"= 1 / (1 + e^(−0.3775))"``.
        value: the value, from the library.
        rtol: relative tolerance for a typed answer.
        atol: absolute tolerance for a typed answer.
        focus: ids of the diagram parts it depends on (units, weights), highlighted.
    """

    key: str
    phase: str
    rule: str
    numbers: str
    value: float
    rtol: float
    atol: float
    focus: tuple[str, ...]

    @property
    def shown(self) -> str:
        """The value as its slot on the diagram shows it (weight gradients: four digits, to fit)."""
        return f"{self.value:.4g}".replace("-", "−") if self.key.startswith("dE/dw") else short(self.value)

    def grade(self, given: str | float) -> Feedback:
        """Grade a typed value with the quiz's numeric rule."""
        return grade_numeric(self.value, given, self.rtol, self.atol)


def short(value: float) -> str:
    """A value as the diagram shows it: six significant digits, a true minus sign."""
    return f"{value:.6g}".replace("-", "−")


def full(value: float) -> str:
    """A value as the sources print it: nine decimals, a true minus sign."""
    return f"{value:.9f}".replace("-", "−")


def _factor(value: float) -> str:
    return f"({short(value)})" if value < 0 else short(value)


def build_steps(example: TwoTwoTwoExample, rtol: float = 5e-3) -> list[Step]:
    """The 35 steps of one forward pass, backward pass and update of ``example``.

    Args:
        example: the 2-2-2 network, input, target and learning rate.
        rtol: relative tolerance for typed answers (the updated weights use 1 % of the change).

    Returns:
        The steps in the order they are computed.
    """
    v = example.trace()
    i = dict(zip(("i1", "i2"), example.inputs))
    t = dict(zip(("o1", "o2"), example.targets))
    w = dict(zip(("w1", "w2", "w3", "w4"), example.hidden_weights)) | dict(
        zip(("w5", "w6", "w7", "w8"), example.output_weights)
    )
    eta = example.learning_rate
    # unit -> (weights into it, their inputs, bias name and value); w_k runs from inputs[k].
    fan_in = {
        "h1": (("w1", "w2"), ("i_{1}", "i_{2}"), (i["i1"], i["i2"]), "b1", example.hidden_bias),
        "h2": (("w3", "w4"), ("i_{1}", "i_{2}"), (i["i1"], i["i2"]), "b1", example.hidden_bias),
        "o1": (("w5", "w6"), ("out_{h1}", "out_{h2}"), (v["out_h1"], v["out_h2"]), "b2", example.output_bias),
        "o2": (("w7", "w8"), ("out_{h1}", "out_{h2}"), (v["out_h1"], v["out_h2"]), "b2", example.output_bias),
    }
    # w_k -> (the unit it feeds, the unit or input it comes from, that input's symbol and value)
    source_of = {
        "w1": ("h1", "i1"), "w2": ("h1", "i2"), "w3": ("h2", "i1"), "w4": ("h2", "i2"),
        "w5": ("o1", "h1"), "w6": ("o1", "h2"), "w7": ("o2", "h1"), "w8": ("o2", "h2"),
    }
    steps: list[Step] = []

    def add(key: str, phase: str, rule: str, numbers: str, focus: tuple[str, ...], rtol_: float = rtol, atol: float = 0.0) -> None:
        steps.append(Step(key, phase, rule, numbers, v[key], rtol_, atol, focus))

    for layer in (("h1", "h2"), ("o1", "o2")):
        for u in layer:
            names, inputs, values, b, b_value = fan_in[u]
            sources = tuple(source_of[n][1] for n in names)
            add(f"net_{u}", "forward", f"net_{{{u}}} = {names[0]}·{inputs[0]} + {names[1]}·{inputs[1]} + {b}",
                f"= {short(w[names[0]])} × {short(values[0])} + {short(w[names[1]])} × {short(values[1])} + {short(b_value)}",
                (*sources, *(f"e-{n}" for n in names), u))
            add(f"out_{u}", "forward", f"out_{{{u}}} = σ(net_{{{u}}}) = 1 / (1 + e^(−net_{{{u}}}))",
                f"= 1 / (1 + e^(−{_factor(v[f'net_{u}'])}))", (u,))
    for k in ("o1", "o2"):
        add(f"E_{k}", "loss", f"E_{{{k}}} = ½ (target_{{{k}}} − out_{{{k}}})²",
            f"= ½ ({short(t[k])} − {short(v[f'out_{k}'])})²", (k, f"E{k}"))
    add("E_total", "loss", "E_{total} = E_{o1} + E_{o2}", f"= {short(v['E_o1'])} + {short(v['E_o2'])}", ("Eo1", "Eo2", "Etotal"))

    for k in ("o1", "o2"):
        add(f"dE/dout_{k}", "output", f"∂E/∂out_{{{k}}} = out_{{{k}}} − target_{{{k}}}",
            f"= {short(v[f'out_{k}'])} − {short(t[k])}", (k, f"E{k}", "Etotal"))
        out = short(v[f"out_{k}"])
        add(f"delta_{k}", "output", f"δ_{{{k}}} = ∂E/∂net_{{{k}}} = ∂E/∂out_{{{k}}} · out_{{{k}}} (1 − out_{{{k}}})",
            f"= {_factor(v[f'dE/dout_{k}'])} × {out} × (1 − {out})", (k,))
    for name in ("w5", "w6", "w7", "w8"):
        unit, src = source_of[name]
        add(f"dE/d{name}", "output", f"∂E/∂{name} = δ_{{{unit}}} · out_{{{src}}}",
            f"= {_factor(v[f'delta_{unit}'])} × {short(v[f'out_{src}'])}", (unit, src, f"e-{name}", f"t-{name}"))

    for j, (first, second) in {"h1": ("w5", "w7"), "h2": ("w6", "w8")}.items():
        add(f"dE/dout_{j}", "hidden", f"∂E/∂out_{{{j}}} = δ_{{o1}} · {first} + δ_{{o2}} · {second}",
            f"= {_factor(v['delta_o1'])} × {short(w[first])} + {_factor(v['delta_o2'])} × {short(w[second])}",
            (j, "o1", "o2", f"e-{first}", f"e-{second}"))
        out = short(v[f"out_{j}"])
        add(f"delta_{j}", "hidden", f"δ_{{{j}}} = ∂E/∂net_{{{j}}} = ∂E/∂out_{{{j}}} · out_{{{j}}} (1 − out_{{{j}}})",
            f"= {_factor(v[f'dE/dout_{j}'])} × {out} × (1 − {out})", (j,))
    for name in ("w1", "w2", "w3", "w4"):
        unit, src = source_of[name]
        add(f"dE/d{name}", "hidden", f"∂E/∂{name} = δ_{{{unit}}} · {src[0]}_{{{src[1]}}}",
            f"= {_factor(v[f'delta_{unit}'])} × {short(i[src])}", (unit, src, f"e-{name}", f"t-{name}"))

    for name in ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8"):
        change = abs(v[f"{name}+"] - w[name])
        add(f"{name}+", "update", f"{name}⁺ = {name} − η · ∂E/∂{name}",
            f"= {short(w[name])} − {short(eta)} × {_factor(v[f'dE/d{name}'])}",
            (f"e-{name}", f"t-{name}"), rtol_=0.0, atol=0.01 * change)
    return steps


_SUB = re.compile(r"_\{([^}]*)\}")


def rich(text: str) -> str:
    """HTML of a rule: ``_{…}`` becomes a subscript, everything else is escaped."""
    return _SUB.sub(r"<sub>\1</sub>", html.escape(text))


def _svg_text(text: str) -> str:
    """SVG of a label: ``_{…}`` becomes a lowered, smaller tspan."""
    return _SUB.sub(r'<tspan dy="4" font-size="0.85em">\1</tspan><tspan dy="-4"></tspan>', html.escape(text))


# Layout in viewBox units (840 wide; the book's column shows it about 690 px wide, so one unit
# is about 0.82 px at 1280 px: the CSS font sizes keep every label, subscripts too, >= 9.5 px).
_Y = {"1": 110, "2": 270}
_BOX_X = {"h": 186, "o": 476}
_BOX_W = 160
_ROWS = (("net", "net_"), ("out", "out_"), ("∂E/∂out", "dE/dout_"), ("δ", "delta_"))
_COLUMN_X = [175 + 85 * n for n in range(8)]


def _text(x: float, y: float, content: str, cls: str = "", anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:g}" y="{y:g}" text-anchor="{anchor}" class="{cls}"{extra}>{content}</text>'


def diagram(example: TwoTwoTwoExample, steps: list[Step], texts: list[str], current: int | None) -> str:
    """The network as inline SVG, each step's value slot showing ``texts[k]``.

    Args:
        example: the network (its inputs, targets, weights and biases are drawn).
        steps: the steps of `build_steps`.
        texts: what each step's slot shows: ``""`` (not reached), ``"?"`` or the value.
        current: the step being worked on (highlighted with what it depends on), or None.

    Returns:
        An ``<svg>`` element as a string.
    """
    index = {step.key: k for k, step in enumerate(steps)}
    focus = set(steps[current].focus) if current is not None and current < len(steps) else set()

    def hl(cls: str, ident: str) -> str:
        return f'class="{cls}{" st-hl" if ident in focus else ""}" data-id="{ident}"'

    def slot(key: str, x: float, y: float, anchor: str = "end") -> str:
        k = index[key]
        cls = f"st-v st-{steps[k].phase}" + (" st-now" if k == current and texts[k] == "?" else "")
        return _text(x, y, html.escape(texts[k]), cls, anchor, f' data-step="{k}"')

    weights = dict(zip(("w1", "w2", "w3", "w4"), example.hidden_weights)) | dict(
        zip(("w5", "w6", "w7", "w8"), example.output_weights)
    )
    parts = [f'<svg class="nnbook-st-svg" viewBox="0 0 840 470" width="100%" role="img" '
             f'aria-label="The 2-2-2 network with a slot for every value of one training step"><style>{_CSS}</style>']
    for ident, x in (("input", 40), ("hidden layer", _BOX_X["h"] + _BOX_W / 2), ("output layer", _BOX_X["o"] + _BOX_W / 2), ("loss", 760)):
        parts.append(_text(x, 34, ident, "st-muted", "middle"))
    for col, (left, right) in enumerate(((64, _BOX_X["h"]), (_BOX_X["h"] + _BOX_W, _BOX_X["o"]))):
        names = ("w1", "w2", "w3", "w4") if col == 0 else ("w5", "w6", "w7", "w8")
        # w1/w5: 1 -> 1, w2/w6: 2 -> 1, w3/w7: 1 -> 2, w4/w8: 2 -> 2
        for name, (a, b) in zip(names, (("1", "1"), ("2", "1"), ("1", "2"), ("2", "2"))):
            y0, y1 = _Y[a], _Y[b]
            parts.append(f'<line x1="{left}" y1="{y0}" x2="{right}" y2="{y1}" {hl("st-edge", f"e-{name}")}/>')
            f = 0.5 if a == b else 0.3
            lx, ly = left + f * (right - left), y0 + f * (y1 - y0) + (-7 if a == b == "1" else 17 if a == b else 4)
            parts.append(_text(lx, ly, f"{name} = {short(weights[name])}", "st-halo", "middle"))
    for k, y in _Y.items():
        parts.append(f'<line x1="{_BOX_X["o"] + _BOX_W}" y1="{y}" x2="690" y2="{y}" class="st-edge"/>')
    parts.append('<line x1="760" y1="128" x2="760" y2="172" class="st-edge"/><line x1="760" y1="252" x2="760" y2="208" class="st-edge"/>')
    for k, (value, y) in enumerate(zip(example.inputs, _Y.values()), start=1):
        parts.append(f'<circle cx="40" cy="{y}" r="24" {hl("st-node", f"i{k}")}/>')
        parts.append(_text(40, y + 5, _svg_text(f"i_{{{k}}}"), "st-label", "middle"))
        parts.append(_text(40, y + 42, short(value), "", "middle"))
    for layer, x0 in _BOX_X.items():
        for k, y in _Y.items():
            unit = f"{layer}{k}"
            top = y - 50
            parts.append(f'<rect x="{x0}" y="{top}" width="{_BOX_W}" height="100" rx="8" {hl("st-node", unit)}/>')
            parts.append(_text(x0 + 8, top + 17, _svg_text(f"{layer}_{{{k}}}"), "st-label"))
            for row, (label, prefix) in enumerate(_ROWS):
                parts.append(_text(x0 + 8, top + 37 + 18 * row, label, "st-muted"))
                parts.append(slot(prefix + unit, x0 + _BOX_W - 8, top + 37 + 18 * row))
    for name, y, target in (("o1", 110, example.targets[0]), ("total", 190, None), ("o2", 270, example.targets[1])):
        parts.append(f'<rect x="690" y="{y - 18}" width="140" height="36" rx="8" {hl("st-node", f"E{name}")}/>')
        parts.append(_text(698, y + 5, _svg_text(f"E_{{{name}}}"), "st-label"))
        parts.append(slot(f"E_{name}", 822, y + 5))
        if target is not None:  # outside the connectors to E_total: above E_o1, below E_o2
            parts.append(_text(760, y - 25 if name == "o1" else y + 36, f"target {short(target)}", "st-muted", "middle"))
    for layer, bias, value in (("h", "b1", example.hidden_bias), ("o", "b2", example.output_bias)):
        parts.append(_text(_BOX_X[layer] + _BOX_W / 2, 345, f"bias {bias} = {short(value)} (both units)", "st-muted", "middle"))
    rows = (("weight", 412), ("∂E/∂w", 434), (f"w⁺ (η = {short(example.learning_rate)})", 456))
    for label, y in rows:
        parts.append(_text(12, y, label, "st-muted"))
    for n, x in enumerate(_COLUMN_X, start=1):
        name = f"w{n}"
        parts.append(f'<rect x="{x - 41}" y="376" width="82" height="88" rx="4" {hl("st-col", f"t-{name}")}/>')
        parts.append(_text(x, 392, name, "st-label", "middle"))
        parts.append(_text(x, 412, short(weights[name]), "", "middle"))
        parts.append(slot(f"dE/d{name}", x, 434, "middle"))
        parts.append(slot(f"{name}+", x, 456, "middle"))
    parts.append("</svg>")
    return "".join(parts)


class StepThrough:
    """The step-through figure of one worked example; see the module docstring.

    Display it (make it the last expression of a cell): Jupyter shows live widgets, the HTML
    book the static form with its inline script.
    """

    def __init__(self, example: TwoTwoTwoExample, rtol: float = 5e-3) -> None:
        self.example = example
        self.steps = build_steps(example, rtol)
        self.current = 0
        self.revealed = False

    def texts(self) -> list[str]:
        """What each step's slot shows now: the value, ``"?"`` for the current step, or nothing."""
        k, n = self.current, len(self.steps)
        return [
            s.shown if i < k or (i == k and self.revealed) else "?" if i == k < n else ""
            for i, s in enumerate(self.steps)
        ]

    def go(self, step: int) -> None:
        """Move to ``step`` (0 to the number of steps, which means done); its value is hidden."""
        self.current = max(0, min(len(self.steps), step))
        self.revealed = False

    def check(self, given: str | float) -> Feedback:
        """Grade a typed value for the current step; a right one reveals it."""
        verdict = self.steps[self.current].grade(given)
        self.revealed = self.revealed or verdict.correct
        return verdict

    def _panel_text(self) -> tuple[str, str, str]:
        """(where, rule as HTML, numbers) for the current step."""
        k, n = self.current, len(self.steps)
        if k >= n:
            return f"Done: all {n} values of one training step.", "Start again to practise, or go back to any step.", ""
        s = self.steps[k]
        numbers = s.numbers + (f" = {full(s.value)}" if self.revealed else "")
        return f"Step {k + 1} of {n} · {PHASES[s.phase]}", rich(s.rule), numbers

    def static_html(self) -> str:
        """The no-kernel HTML form: the diagram, the panel and the inline script."""
        self.go(0)
        data = [
            {"phase": PHASES[s.phase], "rule": rich(s.rule), "numbers": s.numbers, "shown": s.shown,
             "full": full(s.value), "answer": s.value, "rtol": s.rtol, "atol": s.atol, "focus": list(s.focus)}
            for s in self.steps
        ]
        where, rule, numbers = self._panel_text()
        return (
            f'<div class="nnbook-stepthrough" data-steps="{len(self.steps)}" data-current="0">'
            f"{diagram(self.example, self.steps, self.texts(), 0)}"
            f'<div class="st-panel"><p class="st-where">{html.escape(where)}</p><p class="st-rule">{rule}</p>'
            f'<p class="st-numbers">{html.escape(numbers)}</p><div><input class="st-input" type="text" '
            f'inputmode="decimal" aria-label="your value" placeholder="your value">'
            f'<button type="button" class="st-check">Check</button><button type="button" class="st-reveal">Reveal</button></div>'
            f'<p class="st-feedback" aria-live="polite"></p><div><button type="button" class="st-back">← Back</button>'
            f'<button type="button" class="st-next">Next →</button><button type="button" class="st-all">Reveal all</button>'
            f'<button type="button" class="st-restart">Start again</button></div></div>'
            f'<script type="application/json" class="nnbook-st-data">{json.dumps(data, ensure_ascii=False)}</script>'
            f"<script>{grader_script()}</script><script>{_SCRIPT}</script></div>"
        )

    def widget(self) -> widgets.Widget:
        """The live ipywidgets form (Python grades and redraws)."""
        picture, where, rule, numbers, feedback = (widgets.HTML() for _ in range(5))
        box = widgets.Text(placeholder="your value", layout=widgets.Layout(width="12em"))
        buttons = {name: widgets.Button(description=name) for name in ("Check", "Reveal", "← Back", "Next →", "Reveal all", "Start again")}

        def show(verdict: Feedback | None = None) -> None:
            picture.value = diagram(self.example, self.steps, self.texts(), self.current)
            texts = self._panel_text()
            where.value, rule.value, numbers.value = f"<b>{html.escape(texts[0])}</b>", texts[1], html.escape(texts[2])
            done = self.current >= len(self.steps)
            box.disabled = buttons["Check"].disabled = buttons["Reveal"].disabled = done or self.revealed
            buttons["← Back"].disabled = self.current == 0
            buttons["Next →"].disabled = buttons["Reveal all"].disabled = done
            colour = "#1a7f37" if verdict and verdict.correct else "#cf222e"
            feedback.value = f'<span style="color:{colour}">{html.escape(verdict.message)}</span>' if verdict else ""

        def move(step: int) -> None:
            self.go(step)
            box.value = ""
            show()

        def reveal() -> None:
            self.revealed = True
            show()

        buttons["Check"].on_click(lambda _b: show(self.check(box.value)))
        buttons["Reveal"].on_click(lambda _b: reveal())
        buttons["← Back"].on_click(lambda _b: move(self.current - 1))
        buttons["Next →"].on_click(lambda _b: move(self.current + 1))
        buttons["Reveal all"].on_click(lambda _b: move(len(self.steps)))
        buttons["Start again"].on_click(lambda _b: move(0))
        self.go(0)
        show()
        row = widgets.Layout(flex_flow="row wrap")
        return widgets.VBox([
            picture, where, rule, numbers,
            widgets.HBox([box, buttons["Check"], buttons["Reveal"]], layout=row), feedback,
            widgets.HBox([buttons[b] for b in ("← Back", "Next →", "Reveal all", "Start again")], layout=row),
        ])

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, Any]:
        bundle = dict(self.widget()._repr_mimebundle_())
        bundle["text/plain"] = f"Step-through of {self.example.source}: {len(self.steps)} steps"
        bundle["text/html"] = self.static_html()
        return bundle


def step_through(example: TwoTwoTwoExample, rtol: float = 5e-3) -> StepThrough:
    """Make the step-through figure of a worked 2-2-2 example.

    Args:
        example: e.g. ``nnbook.examples.S2_EXAMPLE``.
        rtol: relative tolerance for typed answers (default 0.5 %); updated weights must be
            within 1 % of their change instead.

    Returns:
        A :class:`StepThrough`; make it the last expression of a cell to display it.
    """
    return StepThrough(example, rtol)
