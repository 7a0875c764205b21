"""The sources' worked numbers, reproduced with the library.

The 2-2-2 networks of S2 (section 3.2.5) and S4 (section 2.2) come from nnbook.examples,
which documents how the sources' w1..w8 map onto the row-convention weight matrices. The
sources never update the biases, so updated biases are not compared.

S2 prints the forward output once as [0.75136079, 0.772928465]; the correct value of
out_o1 (which S2 itself prints a line earlier) is 0.75136507.
"""

import numpy as np
import pytest

from nnbook.activations import Sigmoid, sigmoid
from nnbook.gradcheck import numerical_gradient
from nnbook.examples import S2_EXAMPLE, S4_EXAMPLE
from nnbook.layers import Linear
from nnbook.losses import HalfSquaredErrorLoss
from nnbook.network import Sequential
from nnbook.optim import SGD


def one_step(net, x, target, lr):
    """Forward, E_total, backward and one SGD step; returns (E_total, out, grads before the step)."""
    loss = HalfSquaredErrorLoss()
    out = net.forward(x)
    e_total = loss.forward(out, target)
    net.backward(loss.backward())
    grads = {p.name: p.grad.copy() for p in net.parameters()}
    SGD(net.parameters(), lr=lr).step()
    return e_total, out, grads


def test_s2_example_a():
    net = S2_EXAMPLE.network()
    x, target = S2_EXAMPLE.x(), S2_EXAMPLE.target()
    net_h = net[0].forward(x)
    assert net_h[0, 0] == pytest.approx(0.3775)
    out_h = sigmoid(net_h)
    assert out_h[0] == pytest.approx([0.593269992, 0.596884378], abs=1e-9)
    assert (out_h @ net[2].params["W"] + 0.6)[0, 0] == pytest.approx(1.105905967, abs=1e-9)

    e_total, out, grads = one_step(net, x, target, lr=S2_EXAMPLE.learning_rate)
    assert out[0, 0] == pytest.approx(0.75136507, abs=1e-8)
    assert out[0, 1] == pytest.approx(0.772928465, abs=1e-9)
    e_o = 0.5 * (target - out) ** 2
    assert e_o[0] == pytest.approx([0.274811083, 0.023560026], abs=1e-9)
    assert e_total == pytest.approx(0.298371109, abs=1e-9)
    assert net[2].params["W"][0, 0] == pytest.approx(0.35891648, abs=1e-8)
    assert net[0].params["W"][0, 0] == pytest.approx(0.149780716, abs=1e-9)
    w_hidden = net[0].params["W"]
    w_output = net[2].params["W"]
    assert [w_output[1, 0], w_output[0, 1], w_output[1, 1]] == pytest.approx([0.408666186, 0.511301270, 0.561370121], abs=1e-9)
    assert [w_hidden[1, 0], w_hidden[0, 1], w_hidden[1, 1]] == pytest.approx([0.19956143, 0.24975114, 0.29950229], abs=1e-8)
    assert grads["2.W"][0, 0] == pytest.approx(0.082167041, abs=1e-9)


def test_s4_example_b():
    net = S4_EXAMPLE.network()
    x, target = S4_EXAMPLE.x(), S4_EXAMPLE.target()
    l_h = net[0].forward(x)
    assert l_h[0] == pytest.approx([0.385, 0.400])
    out_h = sigmoid(l_h)
    assert out_h[0] == pytest.approx([0.595078474, 0.598687660], abs=1e-9)
    l_o = out_h @ net[2].params["W"] + 0.5
    assert l_o[0] == pytest.approx([0.8583102995, 0.9179986062], abs=1e-10)

    e_total, out, grads = one_step(net, x, target, lr=S4_EXAMPLE.learning_rate)
    assert out[0] == pytest.approx([0.702307507, 0.714634132], abs=1e-9)
    assert e_total == pytest.approx(0.096867268, abs=1e-9)
    assert grads["2.W"][0, 0] == pytest.approx(-0.018375021, abs=1e-9)
    assert net[2].params["W"][0, 0] == pytest.approx(0.268375021, abs=1e-9)
    assert grads["0.W"][0, 0] == pytest.approx(0.000425237, abs=1e-9)
    assert net[0].params["W"][0, 0] == pytest.approx(0.049574763, abs=1e-9)


def test_s4_intermediate_derivatives():
    out_o = np.array([0.702307507, 0.714634132])
    target = np.array([0.85, 0.30])
    d_out = out_o - target
    assert d_out[0] == pytest.approx(-0.147692493, abs=1e-9)
    assert (out_o * (1 - out_o))[0] == pytest.approx(0.209071672, abs=1e-9)
    net = S4_EXAMPLE.network()
    loss = HalfSquaredErrorLoss()
    loss.forward(net.forward(S4_EXAMPLE.x()), target[None])
    d_out_h = net[3].backward(loss.backward())
    d_hidden = net[2].backward(d_out_h)
    assert d_hidden[0, 0] == pytest.approx(-0.007719579 + 0.025367174, abs=1e-9)


def test_shared_bias_gradient_is_the_sum():
    net = S4_EXAMPLE.network()
    x, target = S4_EXAMPLE.x(), S4_EXAMPLE.target()
    loss = HalfSquaredErrorLoss()
    loss.forward(net.forward(x), target)
    net.backward(loss.backward())
    shared = np.array([0.35])

    def e_total(b):
        net[0].params["b"][:] = b[0]
        return loss.forward(net.forward(x), target)

    assert net[0].grads["b"].sum() == pytest.approx(numerical_gradient(e_total, shared)[0], rel=1e-7)


def test_parameter_count_of_the_784_10_14_10_network():
    net = Sequential(Linear(784, 10), Sigmoid(), Linear(10, 14), Sigmoid(), Linear(14, 10))
    weights = sum(p.data.size for p in net.parameters() if p.name.endswith("W"))
    biases = sum(p.data.size for p in net.parameters() if p.name.endswith("b"))
    assert (weights, biases, weights + biases) == (784 * 10 + 10 * 14 + 14 * 10, 34, 8154)
    assert weights == 8120
