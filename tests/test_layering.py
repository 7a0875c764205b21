"""The package stays layered: maths → layers and losses → networks → training → figures and
interaction. A module may import modules of its own tier or a lower one, never a higher one,
so the maths can be read (and tested) without the machinery built on top of it.

A new module gets its tier here and a line in CONTRIBUTING.md ("Adding library code").
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "nnbook"

TIERS = {
    # 0: plumbing every module may use
    "_checks": 0, "random": 0, "base": 0,
    # 1: the maths of single pieces, data handling, checking
    "activations": 1, "init": 1, "data": 1, "preprocessing": 1, "augment": 1, "gradcheck": 1,
    "typed_number": 1, "toy_data": 1,
    # 2: building blocks with parameters or gradients
    "layers": 2, "conv": 2, "pooling": 2, "losses": 2, "optim": 2, "schedules": 2, "stacked": 2,
    # 3: containers and what runs optimizers on functions
    "network": 3, "surfaces": 3, "autodiff": 3,
    # 4: training and the sources' worked examples built from networks
    "train": 4, "examples": 4,
    # 5: figures, sliders, quizzes, step-throughs (never imported by the maths)
    "plotting": 5, "diagrams": 5, "scene": 5, "slider_controls": 5, "quiz": 5, "interactive": 6, "stepthrough": 6,
    "playground": 6,
}


def module_name(path: Path) -> str:
    return path.relative_to(PACKAGE).with_suffix("").parts[0]


def nnbook_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("nnbook."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.ImportFrom) and node.level and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("nnbook.")}
    return found


SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


def test_every_module_has_a_tier():
    missing = sorted({module_name(p) for p in SOURCES} - TIERS.keys())
    assert not missing, f"give {missing} a tier in TIERS (tests/test_layering.py) and CONTRIBUTING.md"


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_import_runs_back_up(path):
    here = module_name(path)
    upward = sorted(m for m in nnbook_imports(path) if m != here and TIERS.get(m, -1) > TIERS.get(here, 99))
    assert not upward, f"nnbook.{here} (tier {TIERS.get(here)}) imports higher tiers: " + ", ".join(
        f"nnbook.{m} (tier {TIERS[m]})" for m in upward
    )
