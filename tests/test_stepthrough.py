"""The step-through figure (nnbook.stepthrough): its values, its grading, both renderings.

The static page's script is driven in a real browser by tests/browser/test_stepthrough.py;
here the Python side: the steps hold the library's values, the tolerances accept the value
and refuse the usual slips, the HTML carries everything the script needs (and no maths to
redo), and the Jupyter widget walks through the steps.
"""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from nnbook.examples import S2_EXAMPLE, S4_EXAMPLE
from nnbook.stepthrough import PHASES, StepThrough, build_steps, diagram, full, rich, short, step_through
from nnbook.typed_number import grade_numeric


@pytest.fixture(params=[S2_EXAMPLE, S4_EXAMPLE], ids=["S2", "S4"])
def example(request):
    return request.param


def test_steps_hold_the_traced_values_in_order(example):
    steps = build_steps(example)
    trace = example.trace()
    assert len(steps) == 35
    assert [s.phase for s in steps] == ["forward"] * 8 + ["loss"] * 3 + ["output"] * 8 + ["hidden"] * 8 + ["update"] * 8
    assert len({s.key for s in steps}) == 35
    for s in steps:
        assert s.value == trace[s.key]
        assert s.phase in PHASES
    assert [s.key for s in steps[:4]] == ["net_h1", "out_h1", "net_h2", "out_h2"]


def test_every_value_passes_its_own_check_and_common_slips_fail(example):
    steps = {s.key: s for s in build_steps(example)}
    for s in steps.values():
        assert s.grade(full(s.value).replace("−", "-")).correct, s.key
        assert s.grade(f"{s.value:.4g}").correct or s.phase == "update", s.key
        assert not s.grade(str(-s.value)).correct, f"{s.key}: a flipped sign must be wrong"
    weights = (*example.hidden_weights, *example.output_weights)
    for n, w in enumerate(weights, start=1):
        update = steps[f"w{n}+"]
        assert not update.grade(str(w)).correct, f"w{n}+: typing the old weight must be wrong"
        assert update.grade(f"{update.value:.7f}").correct
    delta = steps["delta_o1"]
    assert not delta.grade(str(example.trace()["dE/dout_o1"])).correct, "forgetting σ' must be wrong"


def test_grading_is_the_shared_rule():
    s = build_steps(S2_EXAMPLE)[0]
    for typed in ["0.3775", "0.38", "0,3775", "abc", "", "3775e-4", "0.37"]:
        assert s.grade(typed) == grade_numeric(s.value, typed, s.rtol, s.atol)


def test_rules_name_their_numbers():
    steps = {s.key: s for s in build_steps(S2_EXAMPLE)}
    assert steps["net_h1"].numbers == "= 0.15 × 0.05 + 0.2 × 0.1 + 0.35"
    assert steps["dE/dout_h1"].numbers == "= 0.138499 × 0.4 + (−0.0380982) × 0.5"
    assert steps["w5+"].numbers == "= 0.4 − 0.5 × 0.082167"
    assert rich("δ_{o1} < 1") == "δ<sub>o1</sub> &lt; 1"
    assert short(-0.5) == "−0.5" and full(0.3775) == "0.377500000"


def test_static_html_carries_the_values_and_the_shared_grader():
    page = step_through(S2_EXAMPLE).static_html()
    data = json.loads(re.search(r'<script type="application/json" class="nnbook-st-data">(.*?)</script>', page).group(1))
    steps = build_steps(S2_EXAMPLE)
    assert [d["answer"] for d in data] == [s.value for s in steps]
    assert data[0]["shown"] == "0.3775" and data[-1]["full"] == "0.561370121"
    assert "window.nnbookNumbers" in page and "nnbookNumbers.grade(" in page
    assert page.count('data-step="') == 35
    script = re.findall(r"<script>(.*?)</script>", page, re.S)[-1]
    assert not re.search(r"Math\.(exp|pow|log)|\.value\s*\*", script), "the page script must not redo the maths"


def test_diagram_is_valid_svg_and_shows_the_state():
    steps = build_steps(S2_EXAMPLE)
    texts = [s.shown for s in steps[:3]] + ["?"] + [""] * 31
    svg = diagram(S2_EXAMPLE, steps, texts, 3)
    root = ET.fromstring(svg)
    slots = {el.get("data-step"): el for el in root.iter("{http://www.w3.org/2000/svg}text") if el.get("data-step")} or {
        el.get("data-step"): el for el in root.iter("text") if el.get("data-step")
    }
    assert len(slots) == 35
    assert "".join(slots["0"].itertext()) == "0.3775"
    assert "".join(slots["3"].itertext()) == "?" and "st-now" in slots["3"].get("class")
    highlighted = {el.get("data-id") for el in root.iter() if "st-hl" in (el.get("class") or "")}
    assert highlighted == set(steps[3].focus) == {"h2"}


def test_widget_walks_through_the_steps():
    figure = StepThrough(S4_EXAMPLE)
    form = figure.widget()
    picture, where, _rule, numbers, answer_row, feedback, nav_row = form.children
    box, check, reveal = answer_row.children
    back, forward, reveal_all, restart = nav_row.children
    assert "Step 1 of 35" in where.value and back.disabled
    box.value = "0.4"
    check.click()
    assert "too high" in feedback.value and not figure.revealed
    box.value = "0.385"
    check.click()
    assert "Right" in feedback.value and figure.revealed and "= 0.385000000" in numbers.value
    assert check.disabled and '>0.385<' in picture.value
    forward.click()
    assert figure.current == 1 and "Step 2 of 35" in where.value and feedback.value == ""
    reveal.click()
    assert figure.revealed and ">0.595078<" in picture.value
    back.click()
    assert figure.current == 0 and not figure.revealed
    reveal_all.click()
    assert figure.current == 35 and forward.disabled and "Done" in where.value
    assert ">0.268375<" in picture.value
    restart.click()
    assert figure.current == 0 and ">?<" in picture.value


def test_mimebundle_has_both_renderings():
    bundle = step_through(S2_EXAMPLE)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"].startswith('<div class="nnbook-stepthrough"')
    assert "35 steps" in bundle["text/plain"]
