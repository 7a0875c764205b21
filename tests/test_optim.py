"""Optimizers, weight decay and learning-rate schedules."""

import numpy as np
import pytest

from nnbook.optim import SGD, AdaGrad, Adam, CosineDecay, ExponentialDecay, Momentum, RMSProp, StepDecay


def params_and_grads():
    return {"0.W": np.array([1.0, -2.0]), "0.b": np.array([0.5])}, {"0.W": np.array([0.5, 1.0]), "0.b": np.array([2.0])}


def test_sgd_step_in_place():
    params, grads = params_and_grads()
    w = params["0.W"]
    SGD(0.1).step(params, grads)
    assert params["0.W"] is w
    assert np.allclose(w, [0.95, -2.1]) and np.allclose(params["0.b"], [0.3])


def test_weight_decay_applies_to_weights_only():
    params, grads = params_and_grads()
    SGD(0.1, weight_decay=0.5).step(params, grads)
    assert np.allclose(params["0.W"], [1.0 - 0.1 * (0.5 + 0.5), -2.0 - 0.1 * (1.0 - 1.0)])
    assert np.allclose(params["0.b"], [0.3])


@pytest.mark.parametrize("form, v2", [("ema", 0.9 * 0.1 * 4 + 0.1 * 4), ("classic", 0.9 * 4 + 4)])
def test_momentum_forms(form, v2):
    opt = Momentum(0.5, beta=0.9, form=form)
    theta = {"W": np.array([0.0])}
    grad = {"W": np.array([4.0])}
    opt.step(theta, grad)
    v1 = 0.1 * 4 if form == "ema" else 4.0
    assert np.allclose(theta["W"], -0.5 * v1)
    opt.step(theta, grad)
    assert np.allclose(theta["W"], -0.5 * v1 - 0.5 * v2)
    with pytest.raises(ValueError, match="form"):
        Momentum(0.1, form="nesterov")


def test_adaptive_first_steps():
    g = np.array([0.3, -3.0])
    for opt, expected in [
        (AdaGrad(0.1, eps=0.0), -0.1 * np.sign(g)),
        (RMSProp(0.1, beta=0.9, eps=0.0), -0.1 * g / np.sqrt(0.1 * g**2)),
        (Adam(0.1, eps=0.0), -0.1 * np.sign(g)),
    ]:
        theta = {"W": np.zeros(2)}
        opt.step(theta, {"W": g})
        assert np.allclose(theta["W"], expected), opt


def two_steps(opt, g1, g2):
    """θ after two steps from θ = 0 with gradients g1 then g2 (one-element arrays)."""
    theta = {"W": np.zeros(1)}
    opt.step(theta, {"W": np.array([g1])})
    first = theta["W"][0]
    opt.step(theta, {"W": np.array([g2])})
    return first, theta["W"][0]


def test_adagrad_two_steps_by_hand():
    # G = 4 -> θ = -0.1·2/(2 + 1e-8); G = 4 + 1 = 5 -> θ -= 0.1·1/(√5 + 1e-8)
    first, second = two_steps(AdaGrad(0.1), 2.0, 1.0)
    assert first == pytest.approx(-0.2 / (2 + 1e-8), rel=1e-12)
    assert second == pytest.approx(first - 0.1 / (np.sqrt(5.0) + 1e-8), rel=1e-12)


def test_rmsprop_two_steps_by_hand():
    # s = 0.1·4 = 0.4; then s = 0.9·0.4 + 0.1·1 = 0.46
    first, second = two_steps(RMSProp(0.01, beta=0.9), 2.0, 1.0)
    assert first == pytest.approx(-0.01 * 2 / (np.sqrt(0.4) + 1e-8), rel=1e-12)
    assert second == pytest.approx(first - 0.01 * 1 / (np.sqrt(0.46) + 1e-8), rel=1e-12)


def test_adam_two_steps_by_hand():
    # t = 1: m = 0.2, v = 0.004, m̂ = 2, v̂ = 4 -> step 0.1·2/2 = 0.1 (bias correction at work)
    # t = 2: m = 0.9·0.2 + 0.1·1 = 0.28, v = 0.999·0.004 + 0.001·1 = 0.004996
    #        m̂ = 0.28/0.19, v̂ = 0.004996/0.001999
    first, second = two_steps(Adam(0.1), 2.0, 1.0)
    assert first == pytest.approx(-0.1 * 2 / (2 + 1e-8), rel=1e-12)
    m_hat, v_hat = 0.28 / 0.19, 0.004996 / (1 - 0.999**2)
    assert second == pytest.approx(first - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8), rel=1e-9)


def test_weight_decay_reaches_every_optimizer_as_lambda_w():
    # with g = 0 and W = 2, λ = 0.5, every optimizer sees the gradient λ·W = 1 for W and 0 for b
    for opt, step in [(SGD(0.1, weight_decay=0.5), 0.1), (Momentum(0.1, weight_decay=0.5), 0.1 * 0.1),
                      (Adam(0.1, weight_decay=0.5), 0.1)]:
        params = {"0.W": np.array([2.0]), "0.b": np.array([2.0])}
        opt.step(params, {"0.W": np.zeros(1), "0.b": np.zeros(1)})
        assert params["0.W"][0] == pytest.approx(2.0 - step, rel=1e-6), opt
        assert params["0.b"][0] == 2.0


@pytest.mark.parametrize(
    "opt", [SGD(0.05), Momentum(0.05), Momentum(0.05, form="classic"), AdaGrad(0.5), RMSProp(0.01), Adam(0.05)]
)
def test_optimizers_minimise_a_quadratic(opt):
    scales = np.array([1.0, 10.0])
    theta = {"W": np.array([3.0, -2.0])}
    start = np.sum(scales * theta["W"] ** 2)
    for _ in range(300):
        opt.step(theta, {"W": 2 * scales * theta["W"]})
    assert np.sum(scales * theta["W"] ** 2) < 1e-2 * start


def test_state_is_kept_per_parameter_name():
    opt = Adam(0.1)
    params, grads = params_and_grads()
    opt.step(params, grads)
    assert set(opt.state) == {"0.W", "0.b"}
    assert opt.state["0.W"]["m"].shape == (2,)


def test_bad_arguments():
    with pytest.raises(ValueError, match="lr > 0"):
        SGD(0.0)
    with pytest.raises(ValueError, match=r"no gradient for \['0.b'\]"):
        SGD(0.1).step(*[{"0.W": np.zeros(1), "0.b": np.zeros(1)}, {"0.W": np.zeros(1)}])
    with pytest.raises(ValueError, match=r"gradient of shape \(1,\) for '0.W' of shape \(3,\)"):
        SGD(0.1).step({"0.W": np.zeros(3)}, {"0.W": np.zeros(1)})
    with pytest.raises(ValueError, match="weight_decay >= 0"):
        Adam(0.1, weight_decay=-1e-3)
    with pytest.raises(ValueError, match="every >= 1"):
        StepDecay(0.1, every=0)
    with pytest.raises(ValueError, match="total >= 1"):
        CosineDecay(0.1, total=0)


def test_schedules():
    step = StepDecay(0.1, drop=0.5, every=10)
    assert [step(e) for e in (0, 9, 10, 25)] == pytest.approx([0.1, 0.1, 0.05, 0.025])
    exp = ExponentialDecay(0.1, rate=0.9)
    assert exp(0) == 0.1 and exp(2) == pytest.approx(0.081)
    cos = CosineDecay(0.1, total=10, lr_min=0.01)
    assert cos(0) == pytest.approx(0.1) and cos(5) == pytest.approx(0.055)
    assert cos(10) == pytest.approx(0.01) and cos(20) == pytest.approx(0.01)
    assert cos(2) == pytest.approx(0.01 + 0.5 * 0.09 * (1 + np.cos(np.pi * 0.2)))
    assert [CosineDecay(1.0, total=4)(e) for e in range(5)] == pytest.approx(
        [1.0, (2 + np.sqrt(2)) / 4, 0.5, (2 - np.sqrt(2)) / 4, 0.0]
    )
