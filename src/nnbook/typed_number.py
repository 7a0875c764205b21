"""Reading and grading a number a learner typed: one rule for Jupyter and for the book.

A numeric self-check (:func:`nnbook.quiz.numeric`) is graded by :func:`grade_numeric` in
Jupyter and by the page's script in the HTML book. Both follow the rule below: the script is
``typed_number.js`` next to this module, a line-by-line port of :func:`read_number`,
:func:`format_number` and :func:`grade_numeric`, and it receives its messages from
:data:`MESSAGES` (see :func:`grader_script`). ``typed_number_cases.json`` next to this module
is the rule's table of examples (what is read, what is refused and why); the unit tests run it
through this module and the browser tests through the page's script.

The rule, applied to the typed text:

1. **Normalise.** Full-width characters (U+FF01 to U+FF5E: ``３０８``, ``，``, ``．``,
   ``－``, ``％``) become their ASCII forms, the minus sign ``−`` (U+2212) becomes ``-``,
   the ideographic full stop ``。`` becomes ``.``, and tabs, line breaks and the no-break,
   thin, narrow, figure, hair and ideographic spaces become a space. Spaces at both ends are dropped.
2. **Read.** What is left must be, in this order: an optional sign ``+`` or ``-`` (a space
   may follow it); digits, where groups of exactly three digits may be set apart with one kind
   of separator, a comma, a space or an underscore (``308,310``, ``308 310``, ``308_310``,
   ``1,234,567``; the first group has one to three digits and does not start with 0); an
   optional decimal part, a dot and digits (the dot is the only decimal separator); an
   optional exponent ``e`` or ``E`` with an optional sign and digits. There must be a digit
   before or after the dot. The value is that decimal number rounded to the nearest float
   (exactly what Python's ``float`` and JavaScript's ``Number`` do). ``1e-999`` reads as 0.
3. **Refuse**, with the first reason that applies (the key in :data:`MESSAGES`):
   ``empty``; ``too-large`` (it reads, but beyond the largest float: ``1e999``);
   ``not-decimal`` (``0x10``, ``0o17``, ``0b101``; the message gives the decimal value);
   ``not-finite`` (``NaN``, ``inf``, ``Infinity``, ``∞``); ``percent`` (``50%``; the
   message gives ``0.5``); ``decimal-comma`` (``1,5``, ``0,5004``, ``1.234,5``,
   ``1 234,5``: a comma that is not between groups of three digits; the message gives the
   number with a dot); ``bad-grouping`` (``3,08,310``, ``30_8310``: separators between
   digit groups that are not three long); ``two-numbers`` (``0.5 0.7``, ``0.5, 0.7``,
   ``3、4``: several numbers apart by spaces, commas, semicolons or ``、``);
   ``several-dots`` (``1.234.567``); ``expression`` (``1/2``, ``2×10^3``, ``1+2``: a
   calculation); ``not-a-number`` (anything else).

A wrong number is told whether it is too high or too low; when its digits were grouped with
commas the message adds that the comma separates thousands, in case a decimal comma was meant.
Numbers in messages are written as JavaScript's ``String(x)`` writes them
(:func:`format_number`), so that the page and Python say the same words.

Reuse: in Python, ``grade_numeric(answer, typed, rtol, atol)``; in a page's script, include
:func:`grader_script` once and call ``nnbookNumbers.grade({answer, rtol, atol, explanation},
typed)``, which returns ``{correct, message}`` (and ``nnbookNumbers.read(typed)`` returns
``{value, reason, fix, separator, message}``, like :class:`Reading`).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

#: What the learner is told, by reason; ``{name}`` fields are filled in once, left to right.
MESSAGES: dict[str, str] = {
    "right": "✓ Right.",
    "wrong": "✗ Not quite: {value} is too {direction}. Try again.",
    "wrong-grouped": (
        "✗ Not quite: {value} is too {direction}. Try again. (You typed “{typed}”: "
        "a comma separates thousands; use a dot for decimals.)"
    ),
    "empty": "✗ Type a number first, e.g. 0.25.",
    "too-large": "✗ “{typed}” is too large for a float (the largest is about 1.8e308): check the exponent.",
    "not-decimal": "✗ “{typed}” is not written in decimal digits: type {fix}.",
    "not-finite": "✗ “{typed}” is not a finite number: type an ordinary number, e.g. 0.25.",
    "percent": "✗ “{typed}”: type the plain number without %, as in {fix}.",
    "decimal-comma": (
        "✗ “{typed}”: use a dot for decimals, as in {fix}. A comma only separates groups of "
        "three digits, as in 308,310."
    ),
    "bad-grouping": (
        "✗ “{typed}”: separators go between groups of three digits, as in 308,310 or "
        "308 310. Use a dot for decimals and type one number only."
    ),
    "two-numbers": "✗ “{typed}”: one number only, please.",
    "several-dots": (
        "✗ “{typed}” has more than one dot: the dot starts the decimals; separate thousands "
        "with a comma or a space, as in 1,234,567."
    ),
    "expression": "✗ “{typed}” is a calculation: work it out and type the value (2×10³ as 2000 or 2e3).",
    "not-a-number": "✗ “{typed}” is not a number: type digits with at most a sign, a dot and an exponent, e.g. -0.25 or 3e-4.",
}

#: The table of examples of the rule (see the module docstring), read by the tests.
_CASES_FILE = Path(__file__).with_name("typed_number_cases.json")
_SCRIPT_FILE = Path(__file__).with_name("typed_number.js")

_SPACES = "\t\n\r\u00a0\u2007\u2009\u200a\u202f\u3000"
_TRIM = re.compile(f"^[ {_SPACES}]+|[ {_SPACES}]+$")
_FULL_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_NORMALISE = str.maketrans({**_FULL_WIDTH, **{ord(s): " " for s in _SPACES}, 0x2212: "-", 0x3002: "."})
_NUMBER = re.compile(r"^([+-] ?)?([0-9]+|[1-9][0-9]{0,2}([, _])[0-9]{3}(?:\3[0-9]{3})*)?(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$")
_PREFIXED = re.compile(r"^([+-]?)0([xXoObB])([0-9a-fA-F]+)$")
_RADIX = {"x": (16, "0123456789abcdef", 13), "o": (8, "01234567", 17), "b": (2, "01", 53)}
_NOT_FINITE = re.compile(r"^[+-]?(nan|inf|infinity|∞)$", re.IGNORECASE | re.ASCII)
_DECIMAL_COMMA = re.compile(r"^([+-] ?)?[0-9]+,[0-9]+([eE][+-]?[0-9]+)?$")
_GROUPED_DECIMAL_COMMA = re.compile(r"^([+-] ?)?[1-9][0-9]{0,2}([. _])[0-9]{3}(?:\2[0-9]{3})*,[0-9]+$")
_BAD_GROUPING = re.compile(r"^([+-] ?)?[0-9]+(?:[,_][0-9]+)+(?:\.[0-9]*)?$")
_LIST_SEPARATORS = re.compile(r"[ ,;、]+")
_SEVERAL_DOTS = re.compile(r"^[+\- 0-9.,_eE]*\.[+\- 0-9.,_eE]*\.[+\- 0-9.,_eE]*$")
_EXPRESSION = re.compile(r"[*/×÷^·()]|[0-9.] *[+-]")
_FIELD = re.compile(r"\{(\w+)\}")


def _fill(template: str, **fields: str) -> str:
    return _FIELD.sub(lambda m: fields[m.group(1)], template)


def format_number(x: float) -> str:
    """Write ``x`` as JavaScript's ``String(x)`` does: shortest round-trip digits, plain
    notation from 1e-6 up to below 1e21, otherwise ``1.5e+21`` / ``1e-7``; ``-0`` is ``0``.

    Examples: ``308310.0 -> "308310"``, ``1e-05 -> "0.00001"``, ``1e21 -> "1e+21"``.
    """
    if x == 0:
        return "0"
    if not math.isfinite(x):
        return "NaN" if math.isnan(x) else ("Infinity" if x > 0 else "-Infinity")
    mantissa, _, exponent = repr(abs(x)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    all_digits = whole + fraction
    digits = all_digits.lstrip("0")
    point = len(whole) + int(exponent or 0) - (len(all_digits) - len(digits))
    digits = digits.rstrip("0")
    sign, k = ("-" if x < 0 else ""), len(digits)
    if k <= point <= 21:
        return sign + digits + "0" * (point - k)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    e = point - 1
    return sign + digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))


@dataclass(frozen=True)
class Reading:
    """What was read from a typed answer.

    Attributes:
        typed: the text as typed, without surrounding spaces (shortened to 40 characters).
        value: the number read, or ``None`` when the text is refused.
        reason: why it is refused (a key of :data:`MESSAGES`), ``""`` when read.
        fix: for some refusals the number the learner probably meant, as text (``"1.5"``).
        separator: the digit-group separator used (``","``, ``" "``, ``"_"``) or ``""``.
    """

    typed: str
    value: float | None
    reason: str = ""
    fix: str = ""
    separator: str = ""

    @property
    def message(self) -> str:
        """The refusal shown to the learner (``""`` when the text was read)."""
        return _fill(MESSAGES[self.reason], typed=self.typed, fix=self.fix) if self.reason else ""


def _read_plain(s: str) -> tuple[float, str] | None:
    """The value and group separator of a normalised text that follows the grammar, else None."""
    m = _NUMBER.match(s)
    if m is None or not (m.group(2) or m.group(4)):
        return None
    separator = m.group(3) or ""
    whole = (m.group(2) or "").replace(separator, "") if separator else (m.group(2) or "")
    clean = (m.group(1) or "").replace(" ", "") + (whole or "0") + "." + (m.group(4) or "") + "0"
    return float(clean + ("e" + m.group(5) if m.group(5) else "")), separator


def _diagnose(s: str) -> tuple[str, str]:
    """Why a normalised, non-empty text that does not follow the grammar is refused: (reason, fix)."""
    m = _PREFIXED.match(s)
    if m:
        radix, allowed, longest = _RADIX[m.group(2).lower()]
        digits = m.group(3).lower().lstrip("0") or "0"
        if all(c in allowed for c in digits) and len(digits) <= longest:
            return "not-decimal", m.group(1).replace("+", "") + str(int(digits, radix))
    if _NOT_FINITE.match(s):
        return "not-finite", ""
    if s.endswith("%"):
        read = _read_plain(_TRIM.sub("", s[:-1]))
        if read and math.isfinite(read[0]):
            return "percent", format_number(read[0] / 100)
    if _DECIMAL_COMMA.match(s):
        return "decimal-comma", s.replace(" ", "").replace(",", ".")
    m = _GROUPED_DECIMAL_COMMA.match(s)
    if m:
        return "decimal-comma", s.replace(" ", "").replace(m.group(2), "").replace(",", ".")
    if _BAD_GROUPING.match(s):
        return "bad-grouping", ""
    chunks = [c for c in _LIST_SEPARATORS.split(s) if c]
    if len(chunks) > 1 and all(_read_plain(c) for c in chunks):
        return "two-numbers", ""
    if _SEVERAL_DOTS.match(s):
        return "several-dots", ""
    if _EXPRESSION.search(s):
        return "expression", ""
    return "not-a-number", ""


def read_number(text: str) -> Reading:
    """Read a typed answer by the rule of this module.

    Args:
        text: what the learner typed.

    Returns:
        The reading: its ``value``, or the ``reason`` (and ``message``) it is refused.
    """
    typed = _TRIM.sub("", text)
    if len(typed) > 40:
        typed = typed[:40] + "…"
    s = _TRIM.sub("", text.translate(_NORMALISE))
    if not s:
        return Reading(typed, None, "empty")
    read = _read_plain(s)
    if read is None:
        reason, fix = _diagnose(s)
        return Reading(typed, None, reason, fix)
    value, separator = read
    if not math.isfinite(value):
        return Reading(typed, None, "too-large")
    return Reading(typed, value, separator=separator)


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: ``correct`` and the message shown to the learner."""

    correct: bool
    message: str


def grade_numeric(answer: float, given: str | float, rtol: float = 0.01, atol: float = 0.0, explanation: str = "") -> Feedback:
    """Grade a typed number: right when ``|given - answer| <= atol + rtol * |answer|``.

    Args:
        answer: the right value.
        given: what the learner typed, read by :func:`read_number` (or a number).
        rtol: relative tolerance.
        atol: absolute tolerance.
        explanation: shown with a right answer.

    Returns:
        The feedback: a refused text says why and how to type it; a wrong number is told
        whether it is too high or too low.
    """
    reading = read_number(given if isinstance(given, str) else format_number(float(given)))
    if reading.value is None:
        return Feedback(False, reading.message)
    value = reading.value
    if abs(value - answer) <= atol + rtol * abs(answer):
        return Feedback(True, MESSAGES["right"] + (" " + explanation if explanation else ""))
    template = MESSAGES["wrong-grouped" if reading.separator == "," else "wrong"]
    direction = "high" if value > answer else "low"
    return Feedback(False, _fill(template, value=format_number(value), direction=direction, typed=reading.typed))


def grader_script() -> str:
    """The JavaScript of this rule, for a page's ``<script>``: defines ``window.nnbookNumbers``
    (``read``, ``format``, ``grade``) once, however many times it is included."""
    return _SCRIPT_FILE.read_text(encoding="utf-8").replace("__MESSAGES__", json.dumps(MESSAGES, ensure_ascii=False))


def input_cases() -> list[dict]:
    """The rule's table of examples: ``{"typed", "value"}`` or ``{"typed", "reason", "fix"?}``."""
    return json.loads(_CASES_FILE.read_text(encoding="utf-8"))["cases"]
