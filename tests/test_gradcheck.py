"""The gradient checker itself: it must agree with calculus and catch wrong backward passes."""

import numpy as np
import pytest

from nnbook.base import Layer
from nnbook.gradcheck import check_layer, check_loss, numerical_gradient, relative_error
from nnbook.layers import BatchNorm, Dropout, Linear
from nnbook.losses import MSELoss


class WrongSquare(Layer):
    """out = x², with a backward that forgets the factor 2."""

    def forward(self, x):
        self._x = x
        return x**2

    def backward(self, dout):
        return dout * self._x


class WrongLoss(MSELoss):
    def _grad(self, pred, target):
        return super()._grad(pred, target) / 2


def test_numerical_gradient_matches_calculus(rng):
    x = rng.normal(size=(3, 4))
    original = x.copy()
    assert np.allclose(numerical_gradient(lambda v: np.sum(v**3), x), 3 * x**2, atol=1e-8)
    assert np.allclose(numerical_gradient(lambda v: np.sin(v).sum(), x), np.cos(x), atol=1e-9)
    assert np.array_equal(x, original)


def test_numerical_gradient_nudges_views_and_rejects_integers(rng):
    weights = rng.normal(size=(4, 3))
    for view in (weights.T, weights[:, ::2]):
        assert np.allclose(numerical_gradient(lambda v: np.sum(view**3), view), 3 * view**2, atol=1e-8)
    with pytest.raises(ValueError, match="floating-point"):
        numerical_gradient(lambda v: float(np.sum(v)), np.arange(3))


def test_relative_error():
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert relative_error(np.array([1.0]), np.array([-1.0])) == 1.0
    assert relative_error(np.array([1.0]), np.array([1.0 + 2e-6])) == pytest.approx(1e-6, rel=1e-3)


def test_wrong_backward_is_caught(rng):
    x = rng.normal(size=(2, 3))
    assert check_layer(WrongSquare(), x, rng)["x"] > 0.1
    assert check_loss(WrongLoss(), x, rng.normal(size=(2, 3))) > 0.1
    assert check_loss(MSELoss(), x, rng.normal(size=(2, 3))) < 1e-8


def test_check_layer_leaves_state_alone(rng):
    layer = BatchNorm(3)
    layer.forward(rng.normal(size=(4, 3)))
    mean = layer.running_mean.copy()
    x = rng.normal(size=(4, 3))
    x_copy = x.copy()
    errors = check_layer(layer, x, rng)
    assert set(errors) == {"x", "gamma", "beta"}
    assert np.array_equal(layer.running_mean, mean) and np.array_equal(x, x_copy)


def test_dropout_mask_is_replayed():
    layer = Dropout(0.5, rng=np.random.default_rng(3))
    x = np.random.default_rng(0).normal(size=(6, 6))
    assert check_layer(layer, x)["x"] < 1e-8


def test_check_layer_reports_every_parameter(rng):
    assert set(check_layer(Linear(3, 2, rng=rng), rng.normal(size=(2, 3)))) == {"x", "W", "b"}
