"""TwoTwoTwoExample.trace and agrees_with_printed (nnbook.examples).

The sources' printed numbers themselves are checked in test_worked_examples.py and in
chapter 6; here: the trace is the chain rule written out by hand, its gradients agree with
finite differences, and the update is one gradient-descent step on the weights only.
"""

import numpy as np
import pytest

from nnbook.activations import sigmoid
from nnbook.examples import S2_EXAMPLE, S4_EXAMPLE, WEIGHTS, TwoTwoTwoExample, agrees_with_printed
from nnbook.gradcheck import numerical_gradient
from nnbook.losses import half_squared_error

EXAMPLES = [S2_EXAMPLE, S4_EXAMPLE, TwoTwoTwoExample("made up", (1.0, -2.0), (0.2, 0.7), (0.3, -0.1, 0.5, 0.2), -0.4, (-0.6, 0.9, 0.1, 0.3), 0.25, 0.1)]


def by_hand(ex: TwoTwoTwoExample) -> dict[str, float]:
    """The sources' scalar formulas, one line each."""
    i1, i2 = ex.inputs
    t1, t2 = ex.targets
    w1, w2, w3, w4 = ex.hidden_weights
    w5, w6, w7, w8 = ex.output_weights
    h1, h2 = sigmoid(w1 * i1 + w2 * i2 + ex.hidden_bias), sigmoid(w3 * i1 + w4 * i2 + ex.hidden_bias)
    o1, o2 = sigmoid(w5 * h1 + w6 * h2 + ex.output_bias), sigmoid(w7 * h1 + w8 * h2 + ex.output_bias)
    d_o1, d_o2 = (o1 - t1) * o1 * (1 - o1), (o2 - t2) * o2 * (1 - o2)
    d_h1 = (d_o1 * w5 + d_o2 * w7) * h1 * (1 - h1)
    d_h2 = (d_o1 * w6 + d_o2 * w8) * h2 * (1 - h2)
    grads = {"w1": d_h1 * i1, "w2": d_h1 * i2, "w3": d_h2 * i1, "w4": d_h2 * i2,
             "w5": d_o1 * h1, "w6": d_o1 * h2, "w7": d_o2 * h1, "w8": d_o2 * h2}
    weights = dict(zip(grads, (*ex.hidden_weights, *ex.output_weights)))
    return {
        "out_h1": h1, "out_h2": h2, "out_o1": o1, "out_o2": o2,
        "E_total": 0.5 * (t1 - o1) ** 2 + 0.5 * (t2 - o2) ** 2,
        "delta_o1": d_o1, "delta_o2": d_o2, "delta_h1": d_h1, "delta_h2": d_h2,
        "dE/db1": d_h1 + d_h2, "dE/db2": d_o1 + d_o2,
        **{f"dE/d{n}": g for n, g in grads.items()},
        **{f"{n}+": weights[n] - ex.learning_rate * g for n, g in grads.items()},
    }


@pytest.mark.parametrize("ex", EXAMPLES, ids=lambda ex: ex.source)
def test_trace_is_the_chain_rule_by_hand(ex):
    trace = ex.trace()
    for key, value in by_hand(ex).items():
        assert trace[key] == pytest.approx(value, rel=1e-12, abs=1e-15), key


@pytest.mark.parametrize("ex", EXAMPLES, ids=lambda ex: ex.source)
def test_trace_parts_add_up(ex):
    t = ex.trace()
    assert t["E_total"] == pytest.approx(t["E_o1"] + t["E_o2"], rel=1e-14)
    for j in (1, 2):
        assert t[f"dE/dout_h{j}"] == pytest.approx(t[f"dE_o1/dout_h{j}"] + t[f"dE_o2/dout_h{j}"], rel=1e-12)
        assert t[f"delta_h{j}"] == pytest.approx(t[f"dE/dout_h{j}"] * t[f"dout_h{j}/dnet_h{j}"], rel=1e-12)
    for k in (1, 2):
        assert t[f"delta_o{k}"] == pytest.approx(t[f"dE/dout_o{k}"] * t[f"dout_o{k}/dnet_o{k}"], rel=1e-12)


@pytest.mark.parametrize("ex", EXAMPLES, ids=lambda ex: ex.source)
def test_trace_gradients_match_finite_differences(ex):
    trace = ex.trace()
    net = ex.network()

    def e_total(_):
        return half_squared_error(net.forward(ex.x()), ex.target())

    for name, (layer, row, col) in WEIGHTS.items():
        weight = net[layer].params["W"][row : row + 1, col]
        assert numerical_gradient(e_total, weight)[0] == pytest.approx(trace[f"dE/d{name}"], rel=1e-6, abs=1e-11), name
    shared_b1 = net[0].params["b"]  # both units share the source's b1: nudge them together

    def e_of_b1(b):
        shared_b1[:] = b[0]
        return half_squared_error(net.forward(ex.x()), ex.target())

    assert numerical_gradient(e_of_b1, np.array([ex.hidden_bias]))[0] == pytest.approx(trace["dE/db1"], rel=1e-6)


def test_trace_leaves_the_example_alone_and_repeats():
    first = S2_EXAMPLE.trace()
    assert S2_EXAMPLE.trace() == first
    assert S2_EXAMPLE.network()[0].params["W"][0, 0] == 0.15


def test_weights_map_matches_the_network():
    net = S4_EXAMPLE.network()
    found = {name: net[layer].params["W"][row, col] for name, (layer, row, col) in WEIGHTS.items()}
    assert list(found.values()) == [*S4_EXAMPLE.hidden_weights, *S4_EXAMPLE.output_weights]


@pytest.mark.parametrize(
    "value, printed, expected",
    [
        (0.5932699921, "0.593269992", True),
        (0.0859607319, "0.085960731", True),      # cut off, not rounded: still agrees
        (0.0859607319, "0.085960732", True),      # rounded
        (0.7513650696, "0.75136079", False),      # S2's misprint
        (-0.0183750215, "-0.018375021", True),
        (0.3775, "0.3775", True),
        (0.3776, "0.3775", False),
        (2.0, "2", True),
        (2.4, "3", False),
        (-0.0183750215, "-0.018375022", True),
        (-0.0183750215, "-0.018375020", False),
    ],
)
def test_agrees_with_printed(value, printed, expected):
    assert agrees_with_printed(value, printed) is expected


def test_every_trace_key_has_a_formula():
    from nnbook.examples import formula

    for key in S2_EXAMPLE.trace():
        latex = formula(key)
        assert "=" in latex and "$" not in latex, key
    assert formula("net_h1") == "net_{h1} = w_1\\, i_1 + w_2\\, i_2 + b_1"
    assert formula("dE_o2/dout_h1") == "\\partial E_{o2}/\\partial out_{h1} = \\delta_{o2}\\, w_7"
    assert formula("dE/dw6") == "\\partial E/\\partial w_6 = \\delta_{o1}\\, out_{h2}"
    with pytest.raises(KeyError, match="trace"):
        formula("nonsense")


def test_worked_table_marks_printed_digits():
    from nnbook.examples import worked_table

    trace = S2_EXAMPLE.trace()
    table = worked_table(["net_h1", "out_o1", "out_o2"], trace, printed={"net_h1": "0.3775", "out_o1": "0.75136079"}, source="S2")
    lines = table.splitlines()
    assert lines[0] == "| formula | library | S2 |" and len(lines) == 5
    assert "0.3775\u00a0✓" in lines[2] and "0.75136079\u00a0✗" in lines[3]
    assert lines[4].endswith("| 0.772928465 |  |")
    with_hand = worked_table(["E_total"], trace, hand=trace)
    assert with_hand.splitlines()[0] == "| formula | by hand | library |"
