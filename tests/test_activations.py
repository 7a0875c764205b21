"""Activation functions, their derivatives and layer forms."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nnbook.activations as act

from nnbook.activations import (
    ACTIVATIONS,
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
    identity,
    leaky_relu,
    log_softmax,
    relu,
    sigmoid,
    softmax,
    step,
    tanh,
)
from nnbook.gradcheck import check_layer

TOL = 1e-6
LAYERS = [Identity, Sigmoid, Tanh, ReLU, LeakyReLU, Softmax]


def test_known_values():
    z = np.array([-2.0, 0.0, 3.0])
    assert np.allclose(identity(z), z)
    assert np.array_equal(step(z), [0.0, 0.0, 1.0])
    assert sigmoid(0.0) == 0.5
    assert np.isclose(sigmoid(0.3775), 0.593269992)
    assert np.allclose(tanh(z), np.tanh(z))
    assert np.array_equal(relu(z), [0.0, 0.0, 3.0])
    assert np.allclose(leaky_relu(z, 0.1), [-0.2, 0.0, 3.0])
    assert np.allclose(softmax(np.array([1.0, 2.0, 3.0])), np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivatives_match_finite_differences(name):
    f, df = ACTIVATIONS[name]
    z = np.array([-3.1, -0.7, 0.4, 2.2])
    h = 1e-6
    assert np.allclose(df(z), (f(z + h) - f(z - h)) / (2 * h), atol=1e-8)


def test_extreme_inputs_are_finite_and_silent():
    z = np.array([[-1e4, 0.0, 1e4], [1e4, 1e4, -1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for f, df in ACTIVATIONS.values():
            assert np.all(np.isfinite(f(z))) and np.all(np.isfinite(df(z)))
        p = softmax(z)
    assert np.allclose(p.sum(axis=1), 1.0)
    assert np.allclose(p[0], [0, 0, 1]) and np.allclose(p[1], [0.5, 0.5, 0])
    assert np.array_equal(sigmoid(np.array([-1e4, 1e4])), [0.0, 1.0])


def test_log_softmax_matches_log_of_softmax_and_survives_huge_logits(rng):
    a = rng.normal(size=(3, 4, 5))
    assert np.allclose(log_softmax(a, axis=1), np.log(softmax(a, axis=1)))
    huge = np.array([[1e4, 0.0, -1e4]])
    assert np.allclose(log_softmax(huge), [[0.0, -1e4, -2e4]])
    with np.errstate(divide="ignore"):
        assert np.isneginf(np.log(softmax(huge))).any()


def test_softmax_axis_and_shift_invariance(rng):
    a = rng.normal(size=(3, 4, 5))
    assert np.allclose(softmax(a, axis=1).sum(axis=1), 1.0)
    assert np.allclose(softmax(a + 100.0), softmax(a))
    assert np.allclose(softmax(a, axis=0), np.moveaxis(softmax(np.moveaxis(a, 0, -1)), -1, 0))


@settings(max_examples=12, deadline=None)
@given(
    cls=st.sampled_from(LAYERS),
    shape=st.lists(st.integers(1, 4), min_size=2, max_size=3).map(tuple),
    seed=st.integers(0, 2**32 - 1),
    training=st.booleans(),
)
def test_layer_gradients(cls, shape, seed, training):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape)
    x[np.abs(x) < 1e-3] = 0.5
    layer = cls()
    layer.training = training
    errors = check_layer(layer, x, rng)
    assert max(errors.values()) < TOL, errors


def test_softmax_backward_is_jacobian_product(rng):
    x = rng.normal(size=(2, 4))
    dout = rng.normal(size=(2, 4))
    layer = Softmax()
    y = layer.forward(x)
    dx = layer.backward(dout)
    for n in range(2):
        jacobian = np.diag(y[n]) - np.outer(y[n], y[n])
        assert np.allclose(dx[n], jacobian @ dout[n])


def test_layer_errors():
    layer = Sigmoid()
    with pytest.raises(RuntimeError, match="forward before backward"):
        layer.backward(np.ones((2, 2)))
    layer.forward(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"expected dout of shape \(2, 3\), got \(3, 2\)"):
        layer.backward(np.ones((3, 2)))
    with pytest.raises(ValueError, match="dtype"):
        layer.forward(np.array([["a", "b"]]))
    with pytest.raises(ValueError, match="empty batch"):
        ReLU().forward(np.zeros((0, 4)))


def test_layer_reprs_and_batch_of_one():
    assert repr(Sigmoid()) == "Sigmoid()"
    assert repr(LeakyReLU(0.2)) == "LeakyReLU(alpha=0.2)"
    out = Softmax().forward(np.array([[1.0, 1.0]]))
    assert out.shape == (1, 2) and np.allclose(out, 0.5)
    assert Tanh().output_shape((5, 3)) == (5, 3)


@pytest.mark.parametrize("name", ["identity", "step", "sigmoid", "tanh", "relu", "leaky_relu", "softmax", "log_softmax",
                                  "identity_grad", "sigmoid_grad", "tanh_grad", "relu_grad", "leaky_relu_grad"])
def test_float32_stays_float32_and_integers_become_float64(name):
    fn = getattr(act, name)
    z = np.linspace(-3, 3, 12).reshape(3, 4)
    assert fn(z.astype(np.float32)).dtype == np.float32
    assert fn(np.arange(12).reshape(3, 4)).dtype == np.float64
    np.testing.assert_allclose(fn(z.astype(np.float32)), fn(z), rtol=1e-6, atol=1e-6)
