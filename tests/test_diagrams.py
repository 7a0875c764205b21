"""The neuron diagrams: both draw on the same frame, label their parts, and check their labels."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from nnbook import diagrams  # noqa: E402


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def texts(ax):
    return " ".join(t.get_text() for t in ax.texts)


def test_biological_neuron_labels_each_part_with_its_role(ax):
    diagrams.draw_biological_neuron(ax)
    for part in ("dendrites", "soma", "threshold", "axon", "synapses"):
        assert part in texts(ax)
    assert ax.get_xlim() == (0, 10) and ax.get_ylim() == (0, 4.4) and not ax.axison


def test_artificial_neuron_has_one_circle_and_weight_per_input(ax):
    diagrams.draw_neuron(ax, inputs=["$a$", "$b$"], weights=["$u$", "$v$"], output="$o$")
    shown = texts(ax)
    for label in ("$a$", "$b$", "$u$", "$v$", "$o$", r"$\Sigma$", "$f$"):
        assert label in shown
    assert ax.get_xlim() == (0, 10) and ax.get_ylim() == (0, 4.4)


def test_default_weight_labels_follow_the_inputs(ax):
    diagrams.draw_neuron(ax, inputs=["$x_1$", "$x_2$", "$x_3$", "$x_4$"])
    assert "$w_4$" in texts(ax)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"inputs": ["$x$"]}, "2 to 5 inputs"), ({"inputs": ["a", "b"], "weights": ["w"]}, "one per input")],
)
def test_draw_neuron_explains_bad_labels(ax, kwargs, message):
    with pytest.raises(ValueError, match=message):
        diagrams.draw_neuron(ax, **kwargs)
