"""Quiz feedback logic, the quiz display forms, and the exercise checker's messages."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnbook import quiz


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
    [("0.5", True, "Right"), ("0,5004", True, "Right"), ("0.6", False, "too high"), ("0.4", False, "too low"),
     ("half", False, "type a number"), ("nan", False, "finite")],
)
def test_numeric_grading(typed, correct, fragment):
    verdict = quiz.numeric("sigmoid(0)?", 0.5, rtol=1e-3).grade(typed)
    assert verdict.correct is correct and fragment in verdict.message


def test_numeric_zero_answer_needs_atol():
    assert quiz.grade_numeric(0.0, "1e-9", rtol=0.01, atol=1e-6).correct
    assert not quiz.grade_numeric(0.0, "1e-9", rtol=0.01).correct


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
