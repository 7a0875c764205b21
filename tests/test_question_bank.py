"""The question-bank generator: parsing the markup, duplicates, staleness, and the real book."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
import question_bank  # noqa: E402

QUESTION = """(iq-{qid})=
::::{{admonition}} 面试题 · Interview question
:class: interview

**问：** 问题{qid}？

**Q:** Question {qid}?

:::{{dropdown}} Model answer
An answer.
:::
::::
"""


def make_book(root: Path, chapters: dict[str, list[str]]) -> None:
    """Write a tiny book: one notebook per chapter holding the given question ids, and a toc."""
    (root / "book").mkdir()
    for name, ids in chapters.items():
        cells = [{"cell_type": "markdown", "metadata": {}, "source": f"# Chapter {name}\n"}]
        cells += [{"cell_type": "markdown", "metadata": {}, "source": QUESTION.format(qid=q)} for q in ids]
        (root / "book" / f"{name}.ipynb").write_text(json.dumps({"cells": cells}), encoding="utf-8")
    toc = "format: jb-book\nroot: book/{}\nparts:\n  - caption: All\n    chapters:\n".format(next(iter(chapters)))
    toc += "".join(f"      - file: book/{name}\n" for name in list(chapters)[1:])
    toc += "      - file: book/interview_questions\n"
    (root / "_toc.yml").write_text(toc, encoding="utf-8")


def run(root: Path, mode: str) -> int:
    return question_bank.main([mode, "--root", str(root)])


def test_write_then_check_passes_and_groups_by_chapter(tmp_path):
    make_book(tmp_path, {"one": ["one-a", "one-b"], "two": ["two-a"]})
    assert run(tmp_path, "--write") == 0 and run(tmp_path, "--check") == 0
    page = (tmp_path / "book" / "interview_questions.md").read_text(encoding="utf-8")
    assert page.index("## Chapter one") < page.index("Question one-b?") < page.index("## Chapter two")
    assert "{ref}`answer <iq-two-a>`" in page and "**问：** 问题two-a？" in page


def test_check_fails_when_the_page_is_stale(tmp_path, capsys):
    make_book(tmp_path, {"one": ["one-a"]})
    run(tmp_path, "--write")
    nb = tmp_path / "book" / "one.ipynb"
    nb.write_text(nb.read_text(encoding="utf-8").replace("Question one-a?", "Question one-a, reworded?"), encoding="utf-8")
    assert run(tmp_path, "--check") == 1
    assert "out of date" in capsys.readouterr().err


def test_duplicate_id_fails_in_both_modes(tmp_path, capsys):
    make_book(tmp_path, {"one": ["same"], "two": ["same"]})
    assert run(tmp_path, "--write") == 1
    assert "duplicate interview id 'iq-same'" in capsys.readouterr().err
    assert run(tmp_path, "--check") == 1


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (QUESTION.format(qid="x").replace("(iq-x)=\n", ""), "lacks its `(iq-...)=` label"),
        (QUESTION.format(qid="x").replace("iq-x", "iq-X_1"), "must look like iq-chapter-topic"),
        (QUESTION.format(qid="x").replace("**问：** 问题x？\n", ""), "needs a `**问：**` line"),
    ],
)
def test_malformed_questions_are_reported(broken, message):
    with pytest.raises(question_bank.QuestionBankError, match=message.replace("(", r"\(").replace(")", r"\)").replace("*", r"\*")):
        question_bank.find_questions(broken, "book/x.md")


def test_the_books_question_bank_is_up_to_date():
    assert run(REPO, "--check") == 0, "run `python tools/question_bank.py --write`"
