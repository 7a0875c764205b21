"""Self-check quizzes and the checker for "write it yourself" exercises.

A quiz is one display object, like a slider (see :mod:`nnbook.interactive`): its MIME bundle
carries a live ipywidgets form, which Jupyter shows, and a self-contained HTML form with a
small inline script, which the book shows. Both give the same right/wrong feedback, decided
by :func:`grade_choice` and :func:`grade_numeric` (mirrored in the inline script).

Question text may use inline maths written ``\\(...\\)``: MathJax typesets it in the book
(the form carries the ``mathjax_process`` class) and ipywidgets' ``HTMLMath`` in Jupyter.

:func:`check` compares a learner's result with the reference and prints how far off it is.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import numpy as np


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: ``correct`` and the message shown to the learner."""

    correct: bool
    message: str


def grade_choice(options: Sequence[str], answer: int, picked: int, explanation: str = "") -> Feedback:
    """Grade a multiple-choice answer.

    Args:
        options: the choices shown.
        answer: index of the right choice.
        picked: index of the learner's choice.
        explanation: shown with a right answer.

    Returns:
        The feedback.
    """
    if picked == answer:
        return Feedback(True, f"✓ Right. {explanation}".strip())
    return Feedback(False, f"✗ Not quite: “{options[picked]}” is not it. Try again.")


def grade_numeric(answer: float, given: str | float, rtol: float = 0.01, atol: float = 0.0, explanation: str = "") -> Feedback:
    """Grade a typed number: right when ``|given - answer| <= atol + rtol * |answer|``.

    Args:
        answer: the right value.
        given: what the learner typed (a decimal comma is accepted).
        rtol: relative tolerance.
        atol: absolute tolerance.
        explanation: shown with a right answer.

    Returns:
        The feedback; a wrong number is told whether it is too high or too low.
    """
    try:
        value = float(str(given).strip().replace(",", "."))
    except ValueError:
        return Feedback(False, "✗ Please type a number, e.g. 0.25.")
    if not np.isfinite(value):
        return Feedback(False, "✗ Please type a finite number.")
    if abs(value - answer) <= atol + rtol * abs(answer):
        return Feedback(True, f"✓ Right. {explanation}".strip())
    direction = "high" if value > answer else "low"
    return Feedback(False, f"✗ Not quite: {value:g} is too {direction}. Try again.")


_STYLE = (
    "<style>.nnbook-quiz{border:1px solid var(--pst-color-border,#d0d7de);border-radius:6px;"
    "padding:0.6em 0.9em;margin:0.8em 0}.nnbook-quiz-q{margin:0 0 0.5em 0;font-weight:600}"
    ".nnbook-quiz button,.nnbook-quiz input{font:inherit;color:inherit;background:transparent;"
    "border:1px solid var(--pst-color-border,#8c959f);border-radius:4px;padding:0.2em 0.7em;"
    "margin:0.15em 0.4em 0.15em 0;cursor:pointer}.nnbook-quiz input{cursor:text;width:9em}"
    ".nnbook-quiz-feedback{margin:0.5em 0 0 0;min-height:1.3em}"
    ".nnbook-quiz-feedback.right{color:var(--pst-color-success,#1a7f37)}"
    ".nnbook-quiz-feedback.wrong{color:var(--pst-color-danger,#cf222e)}</style>"
)

_SCRIPT = """(function () {
  var root = document.currentScript.parentElement;
  var spec = JSON.parse(root.getAttribute("data-quiz"));
  var out = root.querySelector(".nnbook-quiz-feedback");
  function say(ok, text) { out.textContent = text; out.className = "nnbook-quiz-feedback " + (ok ? "right" : "wrong"); }
  function right() { say(true, ("\\u2713 Right. " + spec.explanation).trim()); }
  if (spec.kind === "choice") {
    root.querySelectorAll("button").forEach(function (b, i) {
      b.addEventListener("click", function () {
        if (i === spec.answer) { right(); }
        else { say(false, "\\u2717 Not quite: \\u201c" + b.textContent + "\\u201d is not it. Try again."); }
      });
    });
    return;
  }
  var input = root.querySelector("input");
  function grade() {
    var v = Number(input.value.trim().replace(",", "."));
    if (input.value.trim() === "" || !isFinite(v)) { say(false, "\\u2717 Please type a number, e.g. 0.25."); return; }
    if (Math.abs(v - spec.answer) <= spec.atol + spec.rtol * Math.abs(spec.answer)) { right(); return; }
    say(false, "\\u2717 Not quite: " + v + " is too " + (v > spec.answer ? "high" : "low") + ". Try again.");
  }
  root.querySelector("button").addEventListener("click", grade);
  input.addEventListener("keydown", function (e) { if (e.key === "Enter") { grade(); } });
})();"""


class Quiz:
    """A self-check question; display it as the last expression of a cell.

    Make one with :func:`choice` or :func:`numeric`.
    """

    def __init__(self, kind: str, question: str, spec: dict[str, Any], options: Sequence[str] = ()) -> None:
        self.kind = kind
        self.question = question
        self.spec = {"kind": kind, **spec}
        self.options = list(options)

    def grade(self, given: Any) -> Feedback:
        """Grade an answer: an option index for a choice question, a number or text otherwise."""
        if self.kind == "choice":
            return grade_choice(self.options, self.spec["answer"], int(given), self.spec["explanation"])
        return grade_numeric(self.spec["answer"], given, self.spec["rtol"], self.spec["atol"], self.spec["explanation"])

    def static_html(self) -> str:
        """The no-kernel HTML form with its inline grading script."""
        if self.kind == "choice":
            body = "".join(f'<button type="button">{html.escape(o)}</button>' for o in self.options)
        else:
            body = '<input type="text" inputmode="decimal" aria-label="your answer"><button type="button">Check</button>'
        return (
            f'<div class="nnbook-quiz mathjax_process" data-quiz="{html.escape(json.dumps(self.spec))}">{_STYLE}'
            f'<p class="nnbook-quiz-q">{html.escape(self.question)}</p><div>{body}</div>'
            f'<p class="nnbook-quiz-feedback" aria-live="polite"></p><script>{_SCRIPT}</script></div>'
        )

    def widget(self) -> widgets.Widget:
        """The live ipywidgets form."""
        feedback = widgets.HTML()

        def show(verdict: Feedback) -> None:
            colour = "#1a7f37" if verdict.correct else "#cf222e"
            feedback.value = f'<span style="color:{colour}">{html.escape(verdict.message)}</span>'

        if self.kind == "choice":
            buttons = [widgets.Button(description=o, layout=widgets.Layout(width="auto")) for o in self.options]
            for i, button in enumerate(buttons):
                button.on_click(lambda _b, i=i: show(self.grade(i)))
            answer_row = widgets.HBox(buttons, layout=widgets.Layout(flex_flow="row wrap"))
        else:
            box = widgets.Text(placeholder="your answer", layout=widgets.Layout(width="12em"))
            button = widgets.Button(description="Check")
            button.on_click(lambda _b: show(self.grade(box.value)))
            answer_row = widgets.HBox([box, button])
        return widgets.VBox([widgets.HTMLMath(f"<b>{html.escape(self.question)}</b>"), answer_row, feedback])

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, Any]:
        bundle = dict(self.widget()._repr_mimebundle_())
        bundle["text/plain"] = f"Quiz: {self.question}"
        bundle["text/html"] = self.static_html()
        return bundle


def choice(question: str, options: Sequence[str], answer: int | str, explanation: str = "") -> Quiz:
    """A multiple-choice self-check.

    Args:
        question: the question (plain text; inline maths as ``\\(...\\)``).
        options: the choices, shown as buttons.
        answer: the right choice, by index or by its text.
        explanation: shown once the learner picks the right choice.

    Returns:
        The quiz, to display.
    """
    index = list(options).index(answer) if isinstance(answer, str) else answer
    if not 0 <= index < len(options):
        raise ValueError(f"answer index {index} is outside the {len(options)} options")
    return Quiz("choice", question, {"answer": index, "explanation": explanation}, options)


def numeric(question: str, answer: float, rtol: float = 0.01, atol: float = 0.0, explanation: str = "") -> Quiz:
    """A self-check that takes a typed number.

    Args:
        question: the question (plain text; inline maths as ``\\(...\\)``).
        answer: the right value (compute it with the library in the cell, not by hand).
        rtol: relative tolerance accepted (default 1 %).
        atol: absolute tolerance accepted (needed when the answer is 0).
        explanation: shown once the learner is right.

    Returns:
        The quiz, to display.
    """
    return Quiz("numeric", question, {"answer": float(answer), "rtol": rtol, "atol": atol, "explanation": explanation})


def _hint_from_numbers(learner: np.ndarray, reference: np.ndarray) -> str:
    """Guess a common mistake from how the learner's numbers relate to the reference's."""
    if learner.shape == reference.shape and np.allclose(learner, -reference):
        return "the sign is flipped: check the direction of a subtraction (target - output or output - target?)"
    if learner.shape == reference.shape and not learner.any():
        return "your result is all zeros: is a value still the placeholder, or an update never applied?"
    nonzero = np.abs(reference) > 1e-12
    if learner.shape == reference.shape and nonzero.any():
        ratios = learner[nonzero] / reference[nonzero]
        if np.allclose(ratios, ratios.flat[0]) and not np.isclose(ratios.flat[0], 1):
            return f"every entry is {ratios.flat[0]:.4g} times the reference: a missing or extra constant factor (1/N, ½, 2?)"
    return ""


def check(name: str, learner_value: Any, reference_value: Any, *, rtol: float = 1e-5, atol: float = 1e-8, hint: str = "") -> bool:
    """Compare a learner's result with the reference, print how far off it is, return whether it matches.

    Matches when every entry satisfies ``|learner - reference| <= atol + rtol * |reference|``.

    Args:
        name: what is being checked, e.g. ``"sigmoid(z)"``.
        learner_value: the learner's result (number, list or array); ``None`` means not done yet.
        reference_value: the right result, usually from the library.
        rtol: relative tolerance.
        atol: absolute tolerance.
        hint: printed when the result is wrong, after any mistake the checker recognises.

    Returns:
        True when the result matches.
    """
    if learner_value is None:
        print(f"… {name}: not done yet (your result is None).")
        print("  Fill in the code above and run the cell again.")
        return False
    learner = np.asarray(learner_value, dtype=float)
    reference = np.asarray(reference_value, dtype=float)
    if learner.shape != reference.shape:
        transposed = learner.T.shape == reference.shape
        print(
            f"✗ {name}: your result has shape {learner.shape} but the reference has shape {reference.shape}"
            + (": transposed?" if transposed else ".")
        )
        if hint:
            print(f"  Hint: {hint}")
        return False
    if not np.all(np.isfinite(learner)):
        print(f"✗ {name}: your result contains NaN or inf.")
        print("  Look for a division by zero, log(0) or exp overflow.")
        if hint:
            print(f"  Hint: {hint}")
        return False
    error = np.abs(learner - reference)
    wrong = error > atol + rtol * np.abs(reference)
    worst = np.unravel_index(int(np.argmax(error)), error.shape) if error.ndim else ()
    relative = float(error[worst] / max(np.abs(reference[worst]), 1e-12))
    if not wrong.any():
        print(f"✓ {name}: matches the reference (largest difference {error.max():.2g}).")
        return True
    where = f" at index {tuple(int(i) for i in worst)}" if worst else ""
    print(f"✗ {name}: {int(wrong.sum())} of {wrong.size} entries differ.")
    print(
        f"  Largest difference {float(error[worst]):.4g}{where}: yours {float(learner[worst]):.6g}, "
        f"reference {float(reference[worst]):.6g} (relative error {relative:.2g})."
    )
    for advice in (_hint_from_numbers(learner, reference), hint):
        if advice:
            print(f"  Hint: {advice}")
    return False
