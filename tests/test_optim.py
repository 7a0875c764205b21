"""Optimizers and weight decay (the schedules are tested in test_schedules.py)."""

import numpy as np
import pytest

from nnbook.base import Parameter
from nnbook.layers import Linear
from nnbook.optim import SGD, AdaGrad, Adam, Momentum, RMSProp


def weight_and_bias():
    return [Parameter("0.W", np.array([1.0, -2.0]), np.array([0.5, 1.0])),
            Parameter("0.b", np.array([0.5]), np.array([2.0]))]


def scalar_parameter(value=0.0, size=1):
    return Parameter("W", np.full(size, value), np.zeros(size))


def test_sgd_step_in_place():
    w, b = weight_and_bias()
    array = w.data
    SGD([w, b], lr=0.1).step()
    assert w.data is array
    assert np.allclose(w.data, [0.95, -2.1]) and np.allclose(b.data, [0.3])


def test_sgd_updates_a_layer_through_its_parameters():
    layer = Linear(3, 2)
    layer.forward(np.ones((4, 3)))
    layer.backward(np.ones((4, 2)))
    before = layer.params["W"].copy()
    SGD(layer.parameters(), lr=0.1).step()
    assert np.allclose(layer.params["W"], before - 0.1 * layer.grads["W"])


def test_weight_decay_applies_to_weights_only():
    w, b = weight_and_bias()
    SGD([w, b], lr=0.1, weight_decay=0.5).step()
    assert np.allclose(w.data, [1.0 - 0.1 * (0.5 + 0.5), -2.0 - 0.1 * (1.0 - 1.0)])
    assert np.allclose(b.data, [0.3])


@pytest.mark.parametrize("form, v2", [("ema", 0.9 * 0.1 * 4 + 0.1 * 4), ("classic", 0.9 * 4 + 4)])
def test_momentum_forms(form, v2):
    theta = scalar_parameter()
    opt = Momentum([theta], lr=0.5, beta=0.9, form=form)
    theta.grad[:] = 4.0
    opt.step()
    v1 = 0.1 * 4 if form == "ema" else 4.0
    assert np.allclose(theta.data, -0.5 * v1)
    opt.step()
    assert np.allclose(theta.data, -0.5 * v1 - 0.5 * v2)
    with pytest.raises(ValueError, match="form"):
        Momentum([theta], lr=0.1, form="nesterov")


def test_adaptive_first_steps():
    g = np.array([0.3, -3.0])
    for make, expected in [
        (lambda p: AdaGrad(p, lr=0.1, eps=1e-300), -0.1 * np.sign(g)),
        (lambda p: RMSProp(p, lr=0.1, beta=0.9, eps=1e-300), -0.1 * g / np.sqrt(0.1 * g**2)),
        (lambda p: Adam(p, lr=0.1, eps=1e-300), -0.1 * np.sign(g)),
    ]:
        theta = Parameter("W", np.zeros(2), g.copy())
        opt = make([theta])
        opt.step()
        assert np.allclose(theta.data, expected), opt


def test_weight_decay_reaches_every_optimizer_as_lambda_w():
    # with g = 0 and W = 2, λ = 0.5, every optimizer sees the gradient λ·W = 1 for W and 0 for b
    for make, step in [(SGD, 0.1), (Momentum, 0.1 * 0.1), (Adam, 0.1)]:
        w = Parameter("0.W", np.array([2.0]), np.zeros(1))
        b = Parameter("0.b", np.array([2.0]), np.zeros(1))
        opt = make([w, b], lr=0.1, weight_decay=0.5)
        opt.step()
        assert w.data[0] == pytest.approx(2.0 - step, rel=1e-6), opt
        assert b.data[0] == 2.0


@pytest.mark.parametrize(
    "make",
    [lambda p: SGD(p, 0.05), lambda p: Momentum(p, 0.05), lambda p: Momentum(p, 0.05, form="classic"),
     lambda p: AdaGrad(p, 0.5), lambda p: RMSProp(p, 0.01), lambda p: Adam(p, 0.05)],
)
def test_optimizers_minimise_a_quadratic(make):
    scales = np.array([1.0, 10.0])
    theta = Parameter("W", np.array([3.0, -2.0]), np.zeros(2))
    opt = make([theta])
    start = np.sum(scales * theta.data**2)
    for _ in range(300):
        theta.grad[:] = 2 * scales * theta.data
        opt.step()
    assert np.sum(scales * theta.data**2) < 1e-2 * start


def test_state_is_kept_per_parameter():
    params = weight_and_bias()
    opt = Adam(params, lr=0.1)
    opt.step()
    assert len(opt.state) == 2 and opt.t == 1
    assert opt.state[0]["m"].shape == (2,) and opt.state[1]["m"].shape == (1,)


@pytest.mark.parametrize("lr", [0.0, -0.1, float("nan"), float("inf")])
def test_learning_rate_must_be_finite_and_positive(lr):
    with pytest.raises(ValueError, match=f"finite lr > 0, got lr={lr}"):
        SGD(weight_and_bias(), lr=lr)
    opt = SGD(weight_and_bias(), lr=0.1)
    with pytest.raises(ValueError, match="finite lr > 0"):
        opt.lr = lr


@pytest.mark.parametrize("make, name", [
    (lambda p, v: Momentum(p, 0.1, beta=v), "beta"),
    (lambda p, v: RMSProp(p, 0.1, beta=v), "beta"),
    (lambda p, v: Adam(p, 0.1, beta1=v), "beta1"),
    (lambda p, v: Adam(p, 0.1, beta2=v), "beta2"),
])
@pytest.mark.parametrize("value", [1.0, 1.5, -0.1, float("nan")])
def test_decay_rates_must_lie_in_zero_one(make, name, value):
    with pytest.raises(ValueError, match=f"0 <= {name} < 1, got {name}={value}.*never forgets"):
        make(weight_and_bias(), value)


def test_bad_arguments():
    with pytest.raises(TypeError, match=r"parameters first.*SGD\(net.parameters\(\), lr=0.1\)"):
        SGD(0.1)
    layer = Linear(2, 2)
    with pytest.raises(TypeError, match=r"got the network: pass SGD\(net.parameters\(\)"):
        SGD(layer, lr=0.1)
    with pytest.raises(TypeError, match=r"call it, net.parameters\(\)"):
        SGD(layer.parameters, lr=0.1)
    with pytest.raises(ValueError, match="no parameters"):
        SGD([], lr=0.1)
    with pytest.raises(TypeError, match="expected Parameter objects"):
        SGD([np.zeros(3)], lr=0.1)
    w = Parameter("0.W", np.zeros(3), np.zeros(1))
    with pytest.raises(ValueError, match=r"gradient of '0.W' has shape \(1,\) but the parameter has shape \(3,\)"):
        SGD([w], lr=0.1).step()
    with pytest.raises(ValueError, match="weight_decay >= 0"):
        Adam(weight_and_bias(), 0.1, weight_decay=-1e-3)

