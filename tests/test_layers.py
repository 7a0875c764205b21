"""Dense layers: Linear, Flatten, Dropout, BatchNorm, Residual, Perceptron."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnbook.activations import ReLU, Tanh
from nnbook.gradcheck import check_layer, numerical_gradient, relative_error
from nnbook.layers import BatchNorm, Dropout, Flatten, Linear, Perceptron
from nnbook.network import Residual

TOL = 1e-6
GRAD_SETTINGS = settings(max_examples=10, deadline=None)
sizes = st.integers(1, 5)
seeds = st.integers(0, 2**32 - 1)


def assert_grads_ok(layer, x, rng, training):
    layer.training = training
    errors = check_layer(layer, x, rng)
    assert set(errors) == {"x", *(p.name for p in layer.parameters())}
    assert max(errors.values()) < TOL, errors


@GRAD_SETTINGS
@given(n=sizes, d_in=sizes, d_out=sizes, seed=seeds, training=st.booleans())
def test_linear_gradients(n, d_in, d_out, seed, training):
    rng = np.random.default_rng(seed)
    layer = Linear(d_in, d_out, rng=rng)
    layer.params["b"][:] = rng.normal(size=d_out)
    assert_grads_ok(layer, rng.normal(size=(n, d_in)), rng, training)


def test_linear_shapes_and_values(rng):
    layer = Linear(3, 2, rng=rng)
    assert layer.params["W"].shape == (3, 2) and layer.params["b"].shape == (2,)
    assert np.all(np.abs(layer.params["W"]) <= 1 / np.sqrt(3))
    x = rng.normal(size=(4, 3))
    assert np.allclose(layer.forward(x), x @ layer.params["W"] + layer.params["b"])
    assert repr(layer) == "Linear(3 -> 2)"
    assert layer.output_shape((3,)) == (2,)
    assert layer.num_params() == 8
    assert layer.forward(np.array([[1, 2, 3]])).dtype == np.float64


def test_linear_grads_are_written_in_place(rng):
    layer = Linear(3, 2, rng=rng)
    grad_w = layer.grads["W"]
    layer.forward(rng.normal(size=(4, 3)))
    layer.backward(np.ones((4, 2)))
    assert layer.grads["W"] is grad_w and np.any(grad_w != 0)


def test_linear_bad_input_messages():
    layer = Linear(784, 10)
    with pytest.raises(ValueError) as err:
        layer.forward(np.zeros((32, 28, 28)))
    message = str(err.value)
    assert "Linear(784 -> 10)" in message and "(N, 784)" in message and "(32, 28, 28)" in message
    assert "x.reshape(len(x), -1)" in message
    with pytest.raises(ValueError, match=r"got \(784,\): a single sample needs a batch axis"):
        layer.forward(np.zeros(784))
    with pytest.raises(ValueError, match=r"got \(5, 10\): make the layer's input size match"):
        layer.forward(np.zeros((5, 10)))
    with pytest.raises(ValueError, match=r"got \(28, 28\): this looks like one unflattened sample.*x.reshape\(1, -1\)"):
        layer.forward(np.zeros((28, 28)))
    with pytest.raises(ValueError, match="dtype"):
        layer.forward(np.full((2, 784), "x"))
    with pytest.raises(ValueError, match="empty batch"):
        layer.forward(np.zeros((0, 784)))
    with pytest.raises(ValueError, match=r"got \(N, 28, 28\).*flatten"):
        layer.output_shape((28, 28))
    layer.forward(np.zeros((2, 784)))
    with pytest.raises(ValueError, match=r"expected dout of shape \(2, 10\)"):
        layer.backward(np.zeros((2, 5)))


def test_linear_l1_penalty_gradient_and_value(rng):
    layer = Linear(4, 3, rng=rng, l1=0.05)
    x, dout = rng.normal(size=(5, 4)), rng.normal(size=(5, 3))

    def objective(_: np.ndarray) -> float:  # the data term Σ out ⊙ dout plus the penalty
        return float(np.sum(layer.forward(x) * dout)) + layer.penalty()

    layer.forward(x)
    layer.backward(dout)
    numeric = numerical_gradient(objective, layer.params["W"])  # no weight is within 1e-5 of 0
    assert relative_error(layer.grads["W"], numeric) < 1e-7
    assert np.allclose(layer.grads["W"], x.T @ dout + 0.05 * np.sign(layer.params["W"]))
    assert np.isclose(layer.penalty(), 0.05 * np.abs(layer.params["W"]).sum())
    assert repr(layer) == "Linear(4 -> 3, l1=0.05)" and Linear(2, 2).penalty() == 0.0
    with pytest.raises(ValueError, match="l1 >= 0"):
        Linear(2, 2, l1=-0.1)


@pytest.mark.parametrize("init", ["uniform", "normal", "xavier", "he", "zeros"])
def test_linear_initializers(init):
    w = Linear(50, 40, init=init, rng=np.random.default_rng(0)).params["W"]
    assert w.shape == (50, 40)
    assert (init == "zeros") == np.all(w == 0)


def test_flatten_round_trip(rng):
    x = rng.normal(size=(2, 3, 4, 5))
    layer = Flatten()
    out = layer.forward(x)
    assert out.shape == (2, 60) and np.array_equal(out[1], x[1].ravel())
    assert np.array_equal(layer.backward(out), x)
    assert layer.output_shape((3, 4, 5)) == (60,)
    assert check_layer(layer, x, rng)["x"] < TOL
    with pytest.raises(ValueError, match=r"expected dout of shape \(2, 60\), got \(2, 3, 20\)"):
        layer.backward(np.zeros((2, 3, 20)))


@GRAD_SETTINGS
@given(
    shape=st.tuples(sizes, sizes),
    p=st.sampled_from([0.0, 0.2, 0.5, 0.9]),
    mode=st.sampled_from(["inverted", "classic"]),
    seed=seeds,
    training=st.booleans(),
)
def test_dropout_gradients(shape, p, mode, seed, training):
    rng = np.random.default_rng(seed)
    layer = Dropout(p, mode, rng=np.random.default_rng(seed))
    assert_grads_ok(layer, rng.normal(size=shape), rng, training)


def test_dropout_train_and_eval_behaviour():
    x = np.ones((200, 500))
    inverted = Dropout(0.3, rng=np.random.default_rng(1))
    out = inverted.forward(x)
    assert np.isclose((out == 0).mean(), 0.3, atol=0.01)
    assert set(np.unique(out)) == {0.0, 1 / 0.7}
    assert np.isclose(out.mean(), 1.0, atol=0.01)
    assert np.array_equal(inverted.eval().forward(x), x)
    classic = Dropout(0.3, "classic", rng=np.random.default_rng(1))
    assert set(np.unique(classic.forward(x))) == {0.0, 1.0}
    assert np.allclose(classic.eval().forward(x), 0.7)
    same = [Dropout(0.5, rng=np.random.default_rng(7)).forward(x[:3]) for _ in range(2)]
    assert np.array_equal(*same)


@pytest.mark.parametrize("mode", ["inverted", "classic"])
def test_dropout_expected_output_is_the_same_in_training_and_evaluation(mode):
    x = np.random.default_rng(0).uniform(1.0, 3.0, size=(4000, 50))
    layer = Dropout(0.4, mode, rng=np.random.default_rng(2))
    trained = layer.train().forward(x)
    evaluated = layer.eval().forward(x)
    assert np.isclose(trained.mean(), evaluated.mean(), rtol=0.01)
    scale = 1.0 if mode == "inverted" else 0.6
    assert np.allclose(evaluated, scale * x)


def test_dropout_backward_uses_the_forward_mask(rng):
    layer = Dropout(0.5, rng=rng)
    out = layer.forward(np.ones((6, 6)))
    assert np.array_equal(layer.backward(np.ones((6, 6))), out)
    with pytest.raises(ValueError, match=r"expected dout of shape \(6, 6\), got \(6, 5\)"):
        layer.backward(np.ones((6, 5)))


def test_dropout_rejects_bad_arguments():
    with pytest.raises(ValueError, match="0 <= p < 1"):
        Dropout(1.0)
    with pytest.raises(ValueError, match="mode"):
        Dropout(0.5, mode="upscale")


def warmed_batchnorm(shape, rng):
    """A BatchNorm with non-trivial gamma, beta and running statistics."""
    layer = BatchNorm(shape[1])
    layer.params["gamma"][:] = rng.uniform(0.5, 2.0, shape[1])
    layer.params["beta"][:] = rng.normal(size=shape[1])
    for _ in range(3):
        layer.forward(rng.normal(1.0, 2.0, size=shape))
    return layer


@GRAD_SETTINGS
@given(n=st.integers(3, 6), d=sizes, seed=seeds, training=st.booleans())
def test_batchnorm_dense_gradients(n, d, seed, training):
    """N >= 3: with two samples x̂ = ±1 whatever x is, so dx is (almost) zero and the
    relative error of two near-zero arrays means nothing."""
    rng = np.random.default_rng(seed)
    layer = warmed_batchnorm((n, d), rng)
    assert_grads_ok(layer, rng.normal(size=(n, d)), rng, training)


@GRAD_SETTINGS
@given(n=st.integers(1, 3), c=st.integers(1, 3), h=st.integers(2, 3), w=st.integers(2, 3), seed=seeds, training=st.booleans())
def test_batchnorm_image_gradients(n, c, h, w, seed, training):
    rng = np.random.default_rng(seed)
    layer = warmed_batchnorm((n, c, h, w), rng)
    assert_grads_ok(layer, rng.normal(size=(n, c, h, w)), rng, training)


def test_batchnorm_normalises_and_tracks_running_statistics(rng):
    x = rng.normal(3.0, 2.0, size=(500, 4))
    layer = BatchNorm(4, momentum=0.9)
    out = layer.forward(x)
    assert np.allclose(out.mean(axis=0), 0.0, atol=1e-12)
    assert np.allclose(out.std(axis=0), 1.0, atol=1e-4)
    assert np.allclose(layer.running_mean, 0.1 * x.mean(axis=0))
    assert np.allclose(layer.running_var, 0.9 + 0.1 * x.var(axis=0))
    layer.eval()
    expected = (x - layer.running_mean) / np.sqrt(layer.running_var + layer.eps)
    assert np.allclose(layer.forward(x), expected)
    images = rng.normal(2.0, 3.0, size=(4, 2, 5, 5))
    conv_bn = BatchNorm(2, momentum=0.8)
    out = conv_bn.forward(images)
    assert np.allclose(out.mean(axis=(0, 2, 3)), 0.0, atol=1e-12)
    assert np.allclose(out.var(axis=(0, 2, 3)), 1.0, atol=1e-4)
    assert np.allclose(conv_bn.running_mean, 0.2 * images.mean(axis=(0, 2, 3)))
    assert np.allclose(conv_bn.running_var, 0.8 + 0.2 * images.var(axis=(0, 2, 3)))
    before = conv_bn.running_mean.copy()
    conv_bn.eval()
    one_image = images[:1]
    expected = (one_image - conv_bn.running_mean[:, None, None]) / np.sqrt(conv_bn.running_var[:, None, None] + conv_bn.eps)
    assert np.allclose(conv_bn.forward(one_image), expected)
    assert np.array_equal(conv_bn.running_mean, before), "eval must not update the running statistics"


def test_batchnorm_backward_follows_the_mode_of_its_forward(rng):
    x = rng.normal(size=(5, 3))
    dout = rng.normal(size=(5, 3))
    reference = BatchNorm(3)
    reference.forward(x)
    expected = reference.backward(dout)
    layer = BatchNorm(3)
    layer.forward(x)
    layer.eval()
    assert np.allclose(layer.backward(dout), expected)


def test_batchnorm_edge_cases():
    layer = BatchNorm(3)
    with pytest.raises(ValueError, match=r"batch of 1 sample\(s\) \(1, 3\).*at least 2 samples, or call eval\(\)"):
        layer.forward(np.array([[1.0, 2.0, 3.0]]))
    out = layer.eval().forward(np.array([[1.0, 2.0, 3.0]]))
    assert np.allclose(out, np.array([1.0, 2.0, 3.0]) / np.sqrt(1.0 + layer.eps))
    layer.train()
    with pytest.raises(ValueError, match=r"\(N, 3\) or \(N, 3, H, W\), got \(2, 3, 4\)"):
        layer.forward(np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match=r"expected input of shape \(N, 3, H, W\), got \(2, 5, 5, 3\).*NHWC"):
        layer.forward(np.zeros((2, 5, 5, 3)))
    with pytest.raises(ValueError, match="empty batch"):
        layer.forward(np.zeros((0, 3)))


@GRAD_SETTINGS
@given(n=st.integers(3, 6), d=sizes, seed=seeds, training=st.booleans())
def test_residual_gradients(n, d, seed, training):
    """N >= 3 for the batch norm inside F, as in test_batchnorm_dense_gradients."""
    rng = np.random.default_rng(seed)
    block = Residual(Linear(d, d, rng=rng), Tanh(), Dropout(0.3, rng=rng), BatchNorm(d))
    assert_grads_ok(block, rng.normal(size=(n, d)), rng, training)


def test_residual_adds_the_input(rng):
    block = Residual(Linear(3, 3, init="zeros"))
    x = rng.normal(size=(2, 3))
    assert np.allclose(block.forward(x), x)
    assert np.allclose(block.backward(np.ones((2, 3))), 1.0)
    inner = BatchNorm(3)
    block = Residual(Linear(3, 3, rng=rng), inner)
    block.eval()
    block.forward(x)
    assert inner.training is False
    assert np.array_equal(block.state_dict()["1.running_mean"], inner.running_mean)
    with pytest.raises(ValueError, match="same shape"):
        Residual(Linear(3, 2)).forward(x)
    with pytest.raises(ValueError, match="keep the shape"):
        Residual(Linear(3, 2)).output_shape((3,))
    assert block.output_shape((3,)) == (3,)


def test_perceptron_nand_and_singer_vote():
    nand = Perceptron([-2, -2], 3)
    inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    assert np.array_equal(nand.predict(inputs), [1, 1, 1, 0])
    assert nand.predict([0, 1]) == 1
    judge = Perceptron(w=[1, 3, 2], b=-3)
    assert judge.predict([4, 1, -3]) == 0
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        nand.predict(np.zeros((4, 3)))


def test_perceptron_learning_rule():
    inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    and_gate = Perceptron([0, 0], 0).fit(inputs, np.array([0, 0, 0, 1]), epochs=20)
    assert np.array_equal(and_gate.predict(inputs), [0, 0, 0, 1])
    assert and_gate.errors_[-1] == 0
    xor = Perceptron([0, 0], 0).fit(inputs, np.array([0, 1, 1, 0]), epochs=20)
    assert len(xor.errors_) == 20 and min(xor.errors_) > 0


def test_perceptron_refuses_plus_minus_one_labels():
    inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    with pytest.raises(ValueError, match=r"targets in \{0, 1\}.*\[-1.0, 1.0\] \(for ±1 labels pass \(y \+ 1\) / 2\)"):
        Perceptron([0, 0], 0).fit(inputs, np.array([-1, -1, -1, 1]))
    with pytest.raises(ValueError, match=r"got the values \[0.0, 2.0\]"):
        Perceptron([0, 0], 0).fit(inputs, np.array([0, 0, 0, 2]))
