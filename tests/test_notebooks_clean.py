"""Notebooks are committed without outputs: the book build makes them.

`make setup` installs nbstripout as a git filter (see .gitattributes), so outputs are stripped
when a notebook is staged. These tests read what git holds for each notebook (the staged
version), so running a chapter in Jupyter and saving it does not fail them; committing the
outputs would.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def committed_text(path: Path) -> str:
    """The notebook as git stages it, or the file itself outside a git checkout."""
    relative = path.relative_to(ROOT).as_posix()
    result = subprocess.run(["git", "show", f":{relative}"], cwd=ROOT, capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else path.read_text(encoding="utf-8")


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found under book/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    notebook = json.loads(committed_text(path))
    dirty = [
        i
        for i, cell in enumerate(notebook["cells"])
        if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, (
        f"{path.name}: code cells {dirty} carry outputs or execution counts; run `make setup` "
        "(installs the nbstripout filter) and stage the notebook again"
    )


def test_nbstripout_filter_is_declared_for_notebooks():
    attributes = (ROOT / ".gitattributes").read_text(encoding="utf-8")
    assert "*.ipynb filter=nbstripout" in attributes
