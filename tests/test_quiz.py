"""Quiz feedback logic, the quiz display forms, and the exercise checker's messages."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnbook import quiz, typed_number


def test_choice_right_and_wrong():
    q = quiz.choice("Which squashes to (-1, 1)?", ["sigmoid", "tanh"], answer="tanh", explanation="tanh is odd.")
    assert q.grade(1) == quiz.Feedback(True, "✓ Right. tanh is odd.")
    wrong = q.grade(0)
    assert not wrong.correct and "sigmoid" in wrong.message


def test_choice_answer_index_must_exist():
    with pytest.raises(ValueError, match="outside the 2 options"):
        quiz.choice("?", ["a", "b"], answer=2)


@pytest.mark.parametrize(
    ("typed", "correct", "fragment"),
    [("0.5", True, "Right"), ("0.5004", True, "Right"), ("0.6", False, "0.6 is too high"), ("0.4", False, "0.4 is too low"),
     ("half", False, "“half” is not a number"), ("nan", False, "“nan” is not a finite number")],
)
def test_numeric_grading(typed, correct, fragment):
    verdict = quiz.numeric("sigmoid(0)?", 0.5, rtol=1e-3).grade(typed)
    assert verdict.correct is correct and fragment in verdict.message


def test_numeric_zero_answer_needs_atol():
    assert quiz.grade_numeric(0.0, "1e-9", rtol=0.01, atol=1e-6).correct
    assert not quiz.grade_numeric(0.0, "1e-9", rtol=0.01).correct


CASES = typed_number.input_cases()


@pytest.mark.parametrize("case", CASES, ids=[repr(c["typed"]) for c in CASES])
def test_the_table_of_typed_inputs(case):
    """The rule's table (src/nnbook/typed_number_cases.json); the browser suite runs it through the page."""
    reading = typed_number.read_number(case["typed"])
    assert (reading.value, reading.reason, reading.fix) == (case.get("value"), case.get("reason", ""), case.get("fix", ""))
    if reading.reason:
        assert reading.message.startswith("✗") and reading.message == typed_number.MESSAGES[reading.reason].format(
            typed=case["typed"].strip(" \u3000"), fix=case.get("fix", "")
        )
        verdict = quiz.grade_numeric(1.0, case["typed"])
        assert not verdict.correct and verdict.message == reading.message
    else:
        assert quiz.grade_numeric(case["value"], case["typed"], rtol=0).correct


def test_every_refusal_reason_has_an_example():
    assert {c["reason"] for c in CASES if "reason" in c} == set(typed_number.MESSAGES) - {"right", "wrong", "wrong-grouped"}


@pytest.mark.parametrize("typed", ["308,310", "308 310", "308_310", "308\u2009310", "３０８３１０", "３０８，３１０", "308，310"])
def test_a_parameter_count_with_thousands_separators_is_right(typed):
    verdict = quiz.grade_numeric(308310, typed, rtol=0)
    assert verdict.correct, verdict.message


def test_a_decimal_comma_is_refused_with_the_fix():
    message = quiz.grade_numeric(1.5, "1,5").message
    assert "“1,5”" in message and "use a dot for decimals, as in 1.5" in message
    assert "as in 1234.5" in quiz.grade_numeric(1234.5, "1.234,5").message


def test_a_comma_read_as_thousands_says_so_when_wrong():
    verdict = quiz.grade_numeric(1.5, "1,500")
    assert not verdict.correct
    assert "1500 is too high" in verdict.message and "“1,500”: a comma separates thousands; use a dot for decimals" in verdict.message


@pytest.mark.parametrize(
    ("typed", "fragment"),
    [("0.5 0.7", "“0.5 0.7”: one number only"), ("0.5, 0.7", "one number only"), ("0x10", "“0x10” is not written in decimal digits: type 16"),
     ("NaN", "“NaN” is not a finite number"), ("1e999", "“1e999” is too large for a float"), ("50%", "without %, as in 0.5"),
     ("1/2", "“1/2” is a calculation"), ("3,08,310", "groups of three digits"), ("1.234.567", "more than one dot"), ("", "Type a number first")],
)
def test_refusals_say_why(typed, fragment):
    verdict = quiz.grade_numeric(0.5, typed)
    assert not verdict.correct and fragment in verdict.message


def test_signs_and_full_width_digits():
    assert quiz.grade_numeric(-0.5, "−0.5").correct  # U+2212 MINUS SIGN
    assert quiz.grade_numeric(-0.5, "－０．５").correct
    assert quiz.grade_numeric(0.5, "０。５").correct  # the ideographic full stop as the decimal point


def test_grade_numeric_takes_a_number_too():
    assert quiz.grade_numeric(0.5, 0.5).correct
    assert "is not a finite number" in quiz.grade_numeric(0.5, float("nan")).message


@pytest.mark.parametrize(
    ("x", "js"),
    [(308310.0, "308310"), (0.1 + 0.2, "0.30000000000000004"), (1e-6, "0.000001"), (1e-7, "1e-7"), (1.5e-7, "1.5e-7"),
     (1e21, "1e+21"), (1.2345e21, "1.2345e+21"), (123456789012345680000.0, "123456789012345680000"), (-0.0, "0"),
     (-1.25, "-1.25"), (2.0**53, "9007199254740992"), (5e-324, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308")],
)
def test_format_number_writes_what_javascript_writes(x, js):
    assert typed_number.format_number(x) == js


def test_numeric_refuses_a_non_finite_answer_or_negative_tolerance():
    with pytest.raises(ValueError, match="finite answer.*answer=nan"):
        quiz.numeric("?", float("nan"))
    with pytest.raises(ValueError, match="rtol=-0.1"):
        quiz.numeric("?", 1.0, rtol=-0.1)


def test_grader_script_is_complete():
    script = typed_number.grader_script()
    assert "__MESSAGES__" not in script and "window.nnbookNumbers = {read: read, format: format, grade: grade}" in script
    assert json.dumps(typed_number.MESSAGES["decimal-comma"], ensure_ascii=False) in script
    assert "nnbookNumbers" in quiz.numeric("?", 1.0).static_html()
    assert "window.nnbookNumbers = " not in quiz.choice("?", ["a"], answer=0).static_html()


def test_quiz_html_carries_its_spec_and_script():
    q = quiz.numeric("sigmoid(0)?", 0.5, rtol=1e-3)
    html = q.static_html()
    assert "mathjax_process" in html and "<script>" in html and "<input" in html
    bundle = q._repr_mimebundle_()
    assert {"text/html", "application/vnd.jupyter.widget-view+json", "text/plain"} <= set(bundle)
    spec = json.loads(html.split('data-quiz="')[1].split('"')[0].replace("&quot;", '"'))
    assert spec == {"kind": "numeric", "answer": 0.5, "rtol": 1e-3, "atol": 0.0, "explanation": ""}


def test_question_text_is_escaped():
    assert "<b>" not in quiz.choice("<b>bold?</b>", ["x"], answer=0).static_html().split("nnbook-quiz-q")[1][:40]


def test_check_accepts_a_match(capsys):
    assert quiz.check("sigmoid", [0.5, 0.7310585786], np.array([0.5, 0.7310585786]))
    assert capsys.readouterr().out.startswith("✓ sigmoid: matches")


def test_check_reports_largest_error_and_where(capsys):
    assert not quiz.check("f", [1.0, 2.0, 3.5], [1.0, 2.0, 3.0], hint="look at the last entry")
    out = capsys.readouterr().out
    assert "1 of 3 entries differ" in out and "index (2,)" in out and "yours 3.5" in out
    assert "Hint: look at the last entry" in out


def test_check_recognises_a_sign_error(capsys):
    quiz.check("grad", -np.arange(1.0, 4.0), np.arange(1.0, 4.0))
    assert "sign is flipped" in capsys.readouterr().out


def test_check_recognises_a_constant_factor(capsys):
    quiz.check("loss grad", 2 * np.arange(1.0, 4.0), np.arange(1.0, 4.0))
    assert "2 times the reference" in capsys.readouterr().out


def test_check_all_zero_result_is_not_called_a_constant_factor(capsys):
    assert not quiz.check("loss grad", np.zeros(3), np.arange(1.0, 4.0))
    out = capsys.readouterr().out
    assert "all zeros" in out and "times the reference" not in out


def test_check_shape_mismatch_suggests_transpose(capsys):
    assert not quiz.check("W", np.zeros((3, 2)), np.zeros((2, 3)))
    assert "transposed?" in capsys.readouterr().out


def test_check_none_means_not_done_and_nan_is_named(capsys):
    assert not quiz.check("f", None, 1.0)
    assert "not done yet" in capsys.readouterr().out
    assert not quiz.check("f", [np.nan], [1.0])
    assert "NaN or inf" in capsys.readouterr().out


def test_check_an_uncalled_function_says_call_it(capsys):
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    assert not quiz.check("sigmoid(z)", sigmoid, np.array([0.5, 0.7]))
    out = capsys.readouterr().out
    assert out.startswith("✗ sigmoid(z): your result is the function sigmoid itself")
    assert "Expected: an array of shape (2,)." in out and "Call it and pass its result, e.g. sigmoid(x)." in out


def test_check_text_says_drop_the_quotes(capsys):
    assert not quiz.check("y", "0.73", 0.73)
    out = capsys.readouterr().out
    assert "your result is the text '0.73', not a number" in out and "Expected: a number." in out
    assert "without quotes: 0.73" in out


def test_check_a_tuple_points_at_the_item_with_the_right_shape(capsys):
    out_, cache = np.zeros((4, 3)), (np.zeros((4, 5)), np.zeros((5, 3)))
    assert not quiz.check("forward", (out_, cache), np.zeros((4, 3)))
    out = capsys.readouterr().out
    assert "a tuple of 2 items\n  (an array of shape (4, 3) and a tuple of 2 items)" in out
    assert "Expected: an array of shape (4, 3)." in out and "pass only that item (your_result[0])" in out
    assert not quiz.check("forward", (out_, out_), np.zeros((4, 3)))
    assert "shape (2, 4, 3) but the reference has shape (4, 3)" in capsys.readouterr().out


def test_check_a_ragged_list_names_the_rows(capsys):
    assert not quiz.check("W", [[1.0, 2.0], [3.0]], np.zeros((2, 2)))
    out = capsys.readouterr().out
    assert "a list of 2 items\n  (a list of 2 items and a list of 1 item)" in out and "do not form one array" in out
    assert "Expected: an array of shape (2, 2)." in out and "same shape" in out


@pytest.mark.parametrize(("value", "what"), [({"a": 1}, "a dict"), ({1, 2}, "a set"), (1j, "a complex"), (["1", "2"], "contains text")])
def test_check_other_non_numbers_say_what_they_are(capsys, value, what):
    assert not quiz.check("y", value, [1.0, 2.0])
    out = capsys.readouterr().out
    assert out.startswith("✗ y: your result") and what in out and "Expected: an array of shape (2,)." in out


def test_check_entries_left_as_none_are_named(capsys):
    assert not quiz.check("y", [1.0, None, 3.0], [1.0, 2.0, 3.0])
    assert "1 entry is still None (at (1,))" in capsys.readouterr().out


def test_check_a_reference_that_is_not_numbers_is_the_authors_error():
    with pytest.raises(TypeError, match="quiz.check\\('y'\\): the reference must be numbers, got the text 'abc'"):
        quiz.check("y", 1.0, "abc")
