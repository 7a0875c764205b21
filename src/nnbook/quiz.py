"""Self-check quizzes and the checker for "write it yourself" exercises.

A quiz is one display object, like a slider (see :mod:`nnbook.interactive`): its MIME bundle
carries a live ipywidgets form, which Jupyter shows, and a self-contained HTML form with a
small inline script, which the book shows. Both give the same right/wrong feedback, decided
by :func:`grade_choice` and, for a typed number, :func:`grade_numeric`: the rule for reading
what was typed (``308,310``, full-width digits, a decimal comma refused with the reason) is
written down once in :mod:`nnbook.typed_number`, with its JavaScript port and the table of
examples both implementations are tested against.

Question text may use inline maths written ``\\(...\\)``: MathJax typesets it in the book
(the form carries the ``mathjax_process`` class) and ipywidgets' ``HTMLMath`` in Jupyter.

:func:`check` compares a learner's result with the reference and prints how far off it is.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np

from nnbook.typed_number import Feedback, format_number, grade_numeric, grader_script, read_number

__all__ = ["Feedback", "Quiz", "check", "choice", "grade_choice", "grade_numeric", "numeric", "read_number"]


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


_STYLE = (
    "<style>.nnbook-quiz{border:1px solid var(--pst-color-border,#d0d7de);border-radius:6px;"
    "padding:0.6em 0.9em;margin:0.8em 0}.nnbook-quiz-q{margin:0 0 0.5em 0;font-weight:600}"
    ".nnbook-quiz button,.nnbook-quiz input{font:inherit;color:inherit;background:transparent;"
    "border:1px solid var(--pst-color-border,#8c959f);border-radius:4px;padding:0.2em 0.7em;"
    "margin:0.15em 0.4em 0.15em 0;cursor:pointer}.nnbook-quiz input{cursor:text;width:9em}"
    ".nnbook-quiz-feedback{margin:0.5em 0 0 0;min-height:1.3em}"
    ".nnbook-quiz-feedback.right{color:#116329}.nnbook-quiz-feedback.wrong{color:#a40e26}</style>"
)  # fixed feedback colours: a notebook's HTML output sits on a light panel in the dark theme too

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
  function grade() { var verdict = window.nnbookNumbers.grade(spec, input.value); say(verdict.correct, verdict.message); }
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
            body += f"<script>{grader_script()}</script>"
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

    Raises:
        ValueError: when the answer is not a finite number or a tolerance is negative.
    """
    if not np.isfinite(answer) or rtol < 0 or atol < 0:
        raise ValueError(f"quiz.numeric needs a finite answer and tolerances >= 0, got answer={answer}, rtol={rtol}, atol={atol}")
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


def _expected(reference: np.ndarray) -> str:
    return "a number" if reference.ndim == 0 else f"an array of shape {reference.shape}"


def _describe(value: Any) -> str:
    """A few words on what a value is, for a message: "a tuple of 2 items", "the text '0.5'"."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (str, bytes)):
        return f"the text {value!r}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} item{'s' * (len(value) != 1)}"
    if isinstance(value, (int, float, np.number)):
        return "a number"
    return f"a {type(value).__name__}"


def _is_numeric(value: Any) -> bool:
    """Whether NumPy reads the value as an array of real numbers."""
    try:
        np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return False
    return True


def _has_text(value: Any) -> bool:
    """Whether the value is or holds text (NumPy would read ``"0.5"`` as a number without a word)."""
    if isinstance(value, (str, bytes)):
        return True
    try:
        kind = np.asarray(value).dtype.kind
    except (TypeError, ValueError):  # ragged: look at the items
        kind = "O"
    if kind != "O":
        return kind in "US"
    items = value.flat if isinstance(value, np.ndarray) else value if isinstance(value, (list, tuple)) else ()
    return any(_has_text(v) for v in items)


def _not_an_array(value: Any, reference: np.ndarray) -> tuple[str, str]:
    """Why the learner's result cannot be compared as numbers, and what to do: (problem, fix)."""
    if callable(value):
        name = getattr(value, "__name__", "")
        if name and not isinstance(value, type):
            shown = name if name.isidentifier() else "f"
            return f"your result is the function {name} itself, not what it returns.", f"Call it and pass its result, e.g. {shown}(x)."
        what = f"the class {name}" if name else f"a {type(value).__name__} object"
        return f"your result is {what}, not its output.", "Call it on its input and pass the result."
    if _has_text(value):
        if not isinstance(value, (str, bytes)):
            return "your result contains text, not only numbers.", "Pass the numbers themselves, without quotes."
        reading = read_number(value) if isinstance(value, str) else None
        number = f": {format_number(reading.value)}" if reading and reading.value is not None else ""
        return f"your result is {_describe(value)}, not a number.", f"Pass the number itself, without quotes{number}."
    if isinstance(value, (list, tuple)):
        items = [_describe(v) for v in value[:4]] + ["…"] * (len(value) > 4)
        listed = ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)
        problem = f"your result is {_describe(value)}\n  ({listed}),\n  which do not form one array."
        i = _item_with_shape(value, reference)
        if i is None:
            return problem, "Its items must all have the same shape to make one array."
        return problem, f"Item {i} alone has that shape: pass only that item (your_result[{i}])."
    return f"your result is {_describe(value)}, not numbers.", "Pass a number, a list of numbers or a NumPy array."


def _item_with_shape(value: Any, reference: np.ndarray) -> int | None:
    """For a list or tuple, the index of the first item that has the reference's shape."""
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            if not _has_text(item) and _is_numeric(item) and np.shape(item) == reference.shape:
                return i
    return None


def _report(name: str, problem: str, fix: str, hint: str, expected: str = "") -> bool:
    print(f"✗ {name}: {problem}")
    for advice in (f"Expected: {expected}." if expected else "", fix, f"Hint: {hint}" if hint else ""):
        if advice:
            print(f"  {advice}")
    return False


def check(name: str, learner_value: Any, reference_value: Any, *, rtol: float = 1e-5, atol: float = 1e-8, hint: str = "") -> bool:
    """Compare a learner's result with the reference, print how far off it is, return whether it matches.

    Matches when every entry satisfies ``|learner - reference| <= atol + rtol * |reference|``.
    Anything that is not numbers (a function not called, text, a tuple such as
    ``(out, cache)``, a ragged list) gets a ``✗`` saying what it is and what was expected.

    Args:
        name: what is being checked, e.g. ``"sigmoid(z)"``.
        learner_value: the learner's result (number, list or array); ``None`` means not done yet.
        reference_value: the right result, usually from the library.
        rtol: relative tolerance.
        atol: absolute tolerance.
        hint: printed when the result is wrong, after any mistake the checker recognises.

    Returns:
        True when the result matches.

    Raises:
        TypeError: when ``reference_value`` is not numbers (a mistake in the chapter, not the learner's).
    """
    try:
        reference = np.asarray(reference_value, dtype=float)
    except (TypeError, ValueError) as error:
        raise TypeError(f"quiz.check({name!r}): the reference must be numbers, got {_describe(reference_value)} ({error})") from None
    if learner_value is None:
        print(f"… {name}: not done yet (your result is None).")
        print("  Fill in the code above and run the cell again.")
        return False
    if callable(learner_value) or _has_text(learner_value) or not _is_numeric(learner_value):
        return _report(name, *_not_an_array(learner_value, reference), hint, _expected(reference))
    learner = np.asarray(learner_value, dtype=float)
    if learner.shape != reference.shape:
        problem = f"your result has shape {learner.shape} but the reference has shape {reference.shape}"
        transposed = ": transposed?" if learner.T.shape == reference.shape else "."
        i = _item_with_shape(learner_value, reference)
        fix = "" if i is None else f"Item {i} alone has the reference's shape: pass only that item (your_result[{i}])."
        return _report(name, problem + transposed, fix, hint)
    if not np.all(np.isfinite(learner)):
        if isinstance(learner_value, (list, tuple)):
            missing = [i for i, v in np.ndenumerate(np.asarray(learner_value, dtype=object)) if v is None]
            if missing:
                where = ", ".join(str(i) for i in missing[:4]) + (", …" if len(missing) > 4 else "")
                entries = "1 entry is" if len(missing) == 1 else f"{len(missing)} entries are"
                return _report(name, f"{entries} still None (at {where}).", "Fill them in and run the cell again.", hint)
        return _report(name, "your result contains NaN or inf.", "Look for a division by zero, log(0) or exp overflow.", hint)
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
