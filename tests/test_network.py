"""Sequential and Residual: summary, forward/backward, parameters, state, mistakes."""

import numpy as np
import pytest

import nnbook
from nnbook.activations import ReLU, Sigmoid, Softmax, Tanh
from nnbook.conv import Conv2D
from nnbook.pooling import MaxPool2D
from nnbook.gradcheck import check_layer
from nnbook.layers import BatchNorm, Dropout, Flatten, Linear
from nnbook.losses import SoftmaxCrossEntropyLoss
from nnbook.network import Residual, Sequential
from nnbook.optim import SGD


def source_network():
    return Sequential(Linear(784, 10), Sigmoid(), Linear(10, 14), Sigmoid(), Linear(14, 10), Softmax())


def test_summary_reports_8154_parameters():
    text = source_network().summary(784)
    assert "Total parameters: 8,154" in text
    assert "Linear(784 -> 10)" in text and "7,850" in text and "154" in text and "150" in text
    assert text == source_network().summary((784,))
    assert repr(text) == str(text)
    assert sum(p.data.size for p in source_network().parameters()) == 8154 == source_network().num_params()


def test_summary_with_conv_layers():
    net = Sequential(Conv2D(1, 8, 5, padding=2), ReLU(), MaxPool2D(2), Flatten(), Linear(8 * 14 * 14, 10))
    text = net.summary((1, 28, 28))
    assert "(8, 28, 28)" in text and "(8, 14, 14)" in text and "(1568,)" in text
    conv_params = 8 * 1 * 5 * 5 + 8
    assert f"Total parameters: {conv_params + 1568 * 10 + 10:,}" in text


def test_summary_reports_shape_mistakes():
    with pytest.raises(ValueError, match=r"Linear\(784 -> 10\) expected input of shape \(N, 784\), got \(N, 28, 28\)"):
        source_network().summary((28, 28))


def test_sequential_gradients_in_both_modes(rng):
    net = Sequential(
        Linear(4, 6, rng=rng), Tanh(), BatchNorm(6), Dropout(0.3, rng=rng),
        Residual(Linear(6, 6, rng=rng), Sigmoid()), Linear(6, 3, rng=rng), Softmax(),
    )
    x = rng.normal(size=(5, 4))
    for mode in (net.train, net.eval):
        mode()
        errors = check_layer(net, x, rng)
        assert set(errors) == {"x", *(p.name for p in net.parameters())}
        assert max(errors.values()) < 1e-6, errors


def test_parameters_share_arrays_and_modes_propagate():
    inner = Dropout(0.5)
    net = Sequential(Linear(3, 2), Residual(Linear(2, 2), inner))
    params = {p.name: p for p in net.parameters()}
    assert set(params) == {"0.W", "0.b", "1.0.W", "1.0.b"}
    assert params["0.W"].data is net[0].params["W"] and params["1.0.W"].grad is net[1].layers[0].grads["W"]
    net.eval()
    assert inner.training is False
    net.train()
    assert inner.training is True
    out = net.forward(np.ones((4, 3)))
    net.backward(np.ones_like(out))
    before = params["0.W"].data.copy()
    SGD(net.parameters(), lr=0.1).step()
    assert np.allclose(net[0].params["W"], before - 0.1 * net[0].grads["W"])


def test_state_dict_round_trip_includes_buffers(rng):
    net = Sequential(Linear(3, 4), BatchNorm(4), Residual(Linear(4, 4), BatchNorm(4)))
    net.forward(rng.normal(size=(8, 3)))
    state = net.state_dict()
    assert set(state) == {"0.W", "0.b", "1.gamma", "1.beta", "1.running_mean", "1.running_var",
                          "2.0.W", "2.0.b", "2.1.gamma", "2.1.beta", "2.1.running_mean", "2.1.running_var"}
    assert state["0.W"] is not net[0].params["W"]
    net.forward(rng.normal(size=(8, 3)) + 5)
    net[0].params["W"] += 1
    net.load_state_dict(state)
    assert np.array_equal(net[0].params["W"], state["0.W"])
    assert np.array_equal(net[1].running_mean, state["1.running_mean"])
    with pytest.raises(ValueError, match="same architecture"):
        net.load_state_dict({"0.W": state["0.W"]})


def test_layers_built_in_a_row_get_different_weights_and_masks():
    nnbook.seed(0)
    a, b, c = Linear(16, 16), Linear(16, 16), Linear(16, 16)
    assert not np.array_equal(a.params["W"], b.params["W"]) and not np.array_equal(b.params["W"], c.params["W"])
    d1, d2 = Dropout(0.5), Dropout(0.5)
    x = np.ones((4, 32))
    assert not np.array_equal(d1.forward(x), d2.forward(x))


def test_seed_makes_weights_and_masks_repeat():
    def build():
        nnbook.seed(7)
        net = Sequential(Linear(4, 8), Dropout(0.5), Linear(8, 2))
        return net, net.forward(np.ones((3, 4)))

    (net1, out1), (net2, out2) = build(), build()
    assert np.array_equal(out1, out2)
    assert all(np.array_equal(p.data, q.data) for p, q in zip(net1.parameters(), net2.parameters()))
    nnbook.seed(8)
    assert not np.array_equal(Linear(4, 8).params["W"], net1[0].params["W"])


def test_an_explicit_rng_repeats_one_draw():
    w1 = Linear(5, 3, rng=np.random.default_rng(1)).params["W"]
    w2 = Linear(5, 3, rng=np.random.default_rng(1)).params["W"]
    assert np.array_equal(w1, w2)
    with pytest.raises(TypeError, match=r"np.random.default_rng\(seed\)"):
        Linear(5, 3, rng=1)
    with pytest.raises(ValueError, match="integer >= 0"):
        nnbook.seed(-1)


def test_container_mistakes_get_clear_messages():
    with pytest.raises(TypeError, match=r"one by one, not a list: Sequential\(\*layers\)"):
        Sequential([Linear(2, 2), ReLU()])
    with pytest.raises(TypeError, match=r"layer 1 is the class ReLU, not a layer; create one.*ReLU\(...\)"):
        Sequential(Linear(2, 2), ReLU)
    with pytest.raises(TypeError, match="layer 0 is a str"):
        Sequential("Linear")
    with pytest.raises(ValueError, match="at least one layer"):
        Residual()


@pytest.mark.parametrize("m, error, message", [
    (0, ValueError, "in_features >= 1"), (-1, ValueError, "in_features >= 1"),
    ("4", TypeError, r"whole number for in_features, got str '4': e.g. in_features=int\('4'\)"),
    (4.5, TypeError, "whole number for in_features, got float 4.5"),
])
def test_linear_sizes_are_checked(m, error, message):
    with pytest.raises(error, match=message):
        Linear(m, 3)


def test_ragged_input_is_named():
    with pytest.raises(ValueError, match="rows have different lengths.*same number of features"):
        Linear(2, 1).forward([[1.0, 2.0], [3.0]])
