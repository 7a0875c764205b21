"""Tests for nnbook.conv: gradients, the sources' worked numbers, the loop version, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nnbook.conv import (
    AvgPool2D,
    Conv2D,
    MaxPool2D,
    col2im,
    conv2d_naive,
    conv_output_size,
    correlate2d,
    im2col,
)
from nnbook.gradcheck import check_layer

TOL = 1e-6

# Source S2, section 3.2.3: the 5x5 image and the 3x3 filter (bias 0).
S2_IMAGE = np.array(
    [
        [1, 1, 1, 0, 0],
        [0, 1, 1, 1, 0],
        [0, 0, 1, 1, 1],
        [0, 0, 1, 1, 0],
        [0, 1, 1, 0, 0],
    ]
)
S2_FILTER = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]])


def conv_with_bias(layer: Conv2D, rng: np.random.Generator) -> Conv2D:
    layer.params["b"][...] = rng.standard_normal(layer.params["b"].shape)
    return layer


@st.composite
def conv_geometry(draw):
    """A conv layer's hyper-parameters and an input size (H, W) that the windows fit exactly."""
    k = draw(st.integers(1, 3))
    stride = draw(st.integers(1, 2))
    padding = draw(st.integers(0, 2))
    Ho, Wo = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    H, W = (Ho - 1) * stride + k - 2 * padding, (Wo - 1) * stride + k - 2 * padding
    assume(H >= 1 and W >= 1)
    N, C, F = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return N, C, F, k, stride, padding, H, W


def distinct_values(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Random values at least 0.1 apart, so no pooling window has a tie within the FD step."""
    return rng.permutation(np.arange(np.prod(shape))).reshape(shape) * 0.1 + rng.uniform(0, 0.01)


# --- output size -----------------------------------------------------------------------------


def test_output_size_worked_example_s2():
    assert conv_output_size(5, 3, stride=2, padding=0) == (5 - 3 + 0) // 2 + 1 == 2
    assert conv_output_size(5, 3) == 3
    assert conv_output_size(7, 3, stride=2, padding=1) == 4


def test_output_size_rejects_stride_that_does_not_divide():
    with pytest.raises(ValueError) as err:
        conv_output_size(6, 3, stride=2)
    message = str(err.value)
    assert "(W - F + 2P) / S + 1" in message
    assert "(6 - 3 + 2*0) / 2 + 1" in message
    assert "not divisible" in message


def test_output_size_rejects_kernel_larger_than_padded_input():
    with pytest.raises(ValueError, match=r"larger than the padded input 2 \+ 2\*1 = 4"):
        conv_output_size(2, 5, padding=1)


@pytest.mark.parametrize(
    "args", [(0, 3, 1, 0), (5, 0, 1, 0), (5, 3, 0, 0), (5, 3, 1, -1), (5.0, 3, 1, 0), (5, True, 1, 0)]
)
def test_output_size_rejects_non_integers_and_out_of_range(args):
    with pytest.raises(ValueError, match="must be an integer"):
        conv_output_size(*args)


# --- the worked examples of the sources ------------------------------------------------------


def test_feature_map_s2_stride_1():
    assert correlate2d(S2_IMAGE, S2_FILTER)[0, 0] == 4
    np.testing.assert_array_equal(
        correlate2d(S2_IMAGE, S2_FILTER), [[4, 3, 4], [2, 4, 3], [2, 3, 4]]
    )


def test_feature_map_s2_stride_2():
    np.testing.assert_array_equal(correlate2d(S2_IMAGE, S2_FILTER, stride=2), [[4, 4], [2, 4]])


def test_conv2d_layer_reproduces_s2_feature_maps():
    for stride, expected in [(1, [[4, 3, 4], [2, 4, 3], [2, 3, 4]]), (2, [[4, 4], [2, 4]])]:
        layer = Conv2D(1, 1, 3, stride=stride)
        layer.params["W"][...] = S2_FILTER
        out = layer.forward(S2_IMAGE[None, None])
        np.testing.assert_array_equal(out[0, 0], expected)


def test_correlate2d_padding_keeps_size_and_zero_pads():
    out = correlate2d(S2_IMAGE, S2_FILTER, padding=1)
    assert out.shape == (5, 5)
    np.testing.assert_array_equal(out[1:-1, 1:-1], [[4, 3, 4], [2, 4, 3], [2, 3, 4]])
    assert out[0, 0] == S2_IMAGE[0, 0] + S2_IMAGE[1, 1]


def test_correlate2d_rejects_batches():
    with pytest.raises(ValueError, match="Conv2D"):
        correlate2d(np.zeros((1, 5, 5)), S2_FILTER)


def test_window_sum_s3():
    window = np.array([[1, 0, 2], [5, 4, 2], [3, 4, 5]])
    kernel = np.array([[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]])
    terms = (-1) * 1 + 0 * 0 + 1 * 2 + (-1) * 5 + 0 * 4 + 1 * 2 + (-1) * 3 + 0 * 4 + 1 * 5
    assert terms == 0
    assert correlate2d(window, kernel).tolist() == [[0]]


def test_two_filters_on_7x7x3_s2():
    # S2's 7x7x3 is the input after one ring of zero padding: a 5x5x3 image with P = 1.
    layer = Conv2D(3, 2, 3, stride=2, padding=1)
    assert layer.output_shape((3, 5, 5)) == (2, 3, 3)
    assert layer.forward(np.ones((1, 3, 5, 5))).shape == (1, 2, 3, 3)
    assert Conv2D(3, 2, 3, stride=2).output_shape((3, 7, 7)) == (2, 3, 3)
    assert layer.params["W"].shape == (2, 3, 3, 3)
    assert layer.params["b"].shape == (2,)
    assert layer.num_params() == (3 * 3 * 3 + 1) * 2 == 56


def test_pooling_s2_halves_each_map_and_keeps_depth():
    x = distinct_values((1, 5, 4, 4), np.random.default_rng(0))
    for pool in (MaxPool2D(2), AvgPool2D(2)):
        assert pool.output_shape((5, 4, 4)) == (5, 2, 2)
        assert pool.forward(x).shape == (1, 5, 2, 2)
        assert pool.params == {}


def test_max_and_mean_pooling_values():
    x = np.array([[1.0, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]])[None, None]
    np.testing.assert_array_equal(MaxPool2D(2).forward(x)[0, 0], [[6, 8], [3, 4]])
    np.testing.assert_array_equal(AvgPool2D(2).forward(x)[0, 0], [[3.25, 5.25], [2, 2]])


# --- vectorised == loops ---------------------------------------------------------------------


def random_conv(geometry, seed: int) -> tuple[Conv2D, np.ndarray, np.random.Generator]:
    """A Conv2D with random weights and biases for ``geometry``, an input batch, and the generator."""
    N, C, F, k, stride, padding, H, W = geometry
    rng = np.random.default_rng(seed)
    layer = conv_with_bias(Conv2D(C, F, k, stride, padding, rng=rng), rng)
    return layer, rng.standard_normal((N, C, H, W)), rng


@settings(max_examples=30, deadline=None)
@given(conv_geometry(), st.integers(0, 2**32 - 1))
def test_conv2d_equals_naive_loops(geometry, seed):
    layer, x, _ = random_conv(geometry, seed)
    expected = conv2d_naive(x, layer.params["W"], layer.params["b"], layer.stride, layer.padding)
    np.testing.assert_allclose(layer.forward(x), expected, rtol=1e-12, atol=1e-12)
    assert layer.output_shape(x.shape[1:]) == expected.shape[1:]


def test_conv2d_naive_rejects_mismatched_channels():
    with pytest.raises(ValueError, match=r"same C, got \(1, 3, 5, 5\), \(2, 1, 3, 3\) and \(2,\)"):
        conv2d_naive(np.zeros((1, 3, 5, 5)), np.zeros((2, 1, 3, 3)), np.zeros(2))


def test_im2col_and_col2im_are_adjoint():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 7, 6))
    col = im2col(x, 3, 2, stride=2, padding=1)
    assert col.shape == (3 * 3 * 2, 2 * 4 * 4)
    y = rng.standard_normal(col.shape)
    assert np.isclose(np.sum(col * y), np.sum(x * col2im(y, x.shape, 3, 2, stride=2, padding=1)))


# --- gradients -------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(conv_geometry(), st.integers(0, 2**32 - 1))
def test_conv2d_gradients_random_shapes(geometry, seed):
    layer, x, rng = random_conv(geometry, seed)
    errors = check_layer(layer, x, rng)
    assert set(errors) == {"x", "W", "b"}
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize(
    "N, C, H, W, F, kernel, stride, padding",
    [
        (2, 3, 7, 7, 2, 3, 2, 1),
        (1, 1, 9, 5, 3, 3, 1, 0),
        (3, 2, 5, 7, 2, 3, 2, 2),
        (2, 2, 6, 7, 3, (2, 3), 1, 1),
        (1, 2, 8, 8, 2, 5, 1, 2),
    ],
)
def test_conv2d_gradients_fixed_shapes(N, C, H, W, F, kernel, stride, padding):
    rng = np.random.default_rng(7)
    layer = conv_with_bias(Conv2D(C, F, kernel, stride, padding, rng=rng), rng)
    errors = check_layer(layer, rng.standard_normal((N, C, H, W)), rng)
    assert max(errors.values()) < TOL, errors


@pytest.mark.parametrize(
    "pool_class, kernel, stride, H, W",
    [
        (MaxPool2D, 2, None, 4, 6),
        (MaxPool2D, 3, 2, 7, 9),
        (MaxPool2D, 2, 3, 8, 5),
        (MaxPool2D, (2, 3), 1, 5, 5),
        (AvgPool2D, 2, None, 4, 6),
        (AvgPool2D, 3, 2, 7, 9),
        (AvgPool2D, 2, 3, 8, 5),
    ],
)
def test_pooling_gradients(pool_class, kernel, stride, H, W):
    rng = np.random.default_rng(3)
    pool = pool_class(kernel, stride)
    errors = check_layer(pool, distinct_values((2, 3, H, W), rng), rng)
    assert errors["x"] < TOL, errors


def test_max_pool_tie_sends_gradient_to_first_position_only():
    pool = MaxPool2D(2)
    x = np.array([[1.0, 3, 0, 0], [3, 3, 0, 0], [2, 2, 5, 5], [2, 2, 1, 5]])[None, None]
    dx = pool.backward(pool.forward(x) * 0 + 1)
    np.testing.assert_array_equal(
        dx[0, 0], [[0, 1, 1, 0], [0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]]
    )


def test_overlapping_max_pool_accumulates_gradient_of_shared_maximum():
    pool = MaxPool2D(2, stride=1)
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 1.0
    assert pool.forward(x).tolist() == [[[[1.0, 1.0], [1.0, 1.0]]]]
    dx = pool.backward(np.ones((1, 1, 2, 2)))
    assert dx[0, 0, 1, 1] == 4 and dx.sum() == 4


# --- shapes, dtypes, batch of one ------------------------------------------------------------


def test_batch_of_one_and_odd_sizes():
    rng = np.random.default_rng(5)
    layer = Conv2D(2, 4, 3, stride=2, padding=1, rng=rng)
    x = rng.standard_normal((1, 2, 9, 7))
    out = layer.forward(x)
    assert out.shape == (1, 4, 5, 4)
    assert layer.backward(np.ones_like(out)).shape == x.shape
    assert MaxPool2D(3, stride=2).forward(x).shape == (1, 2, 4, 3)


def test_float32_input_stays_float32():
    layer = Conv2D(1, 2, 3, padding=1)
    layer.params = {name: p.astype(np.float32) for name, p in layer.params.items()}
    x = np.ones((2, 1, 5, 5), dtype=np.float32)
    out = layer.forward(x)
    assert out.dtype == np.float32
    assert layer.backward(np.ones_like(out)).dtype == np.float32
    assert MaxPool2D(5).forward(x).dtype == np.float32


def test_grads_are_written_in_place():
    layer = Conv2D(1, 2, 3)
    grads = dict(layer.grads)
    out = layer.forward(np.ones((2, 1, 4, 4)))
    layer.backward(np.ones_like(out))
    assert all(layer.grads[name] is grads[name] for name in grads)
    np.testing.assert_array_equal(layer.grads["b"], [8.0, 8.0])


def test_repr():
    assert repr(Conv2D(3, 2, 3, stride=2, padding=1)) == "Conv2D(3 -> 2, kernel 3x3, stride 2, padding 1)"
    assert repr(Conv2D(1, 8, 5)) == "Conv2D(1 -> 8, kernel 5x5, stride 1)"
    assert repr(MaxPool2D(2)) == "MaxPool2D(kernel 2x2, stride 2)"
    assert repr(AvgPool2D(3, stride=1)) == "AvgPool2D(kernel 3x3, stride 1)"


# --- bad input -------------------------------------------------------------------------------


def test_nhwc_input_names_shapes_and_transpose():
    with pytest.raises(ValueError) as err:
        Conv2D(1, 8, 5, padding=2).forward(np.zeros((4, 28, 28, 1)))
    message = str(err.value)
    assert "(N, 1, H, W)" in message and "(4, 28, 28, 1)" in message
    assert "x.transpose(0, 3, 1, 2)" in message


def test_single_image_without_batch_axis_suggests_adding_one():
    with pytest.raises(ValueError, match=r"\(N, 3, H, W\).*\(3, 7, 7\).*x\[np.newaxis\]"):
        Conv2D(3, 2, 3).forward(np.zeros((3, 7, 7)))


def test_grayscale_batch_without_channel_axis_suggests_adding_one():
    with pytest.raises(ValueError, match=r"\(N, 1, H, W\).*\(16, 28, 28\).*x\[:, np.newaxis\]"):
        Conv2D(1, 8, 5, padding=2).forward(np.zeros((16, 28, 28)))


def test_wrong_channel_count():
    with pytest.raises(ValueError, match=r"expected input of shape \(N, 3, H, W\), got \(2, 1, 8, 8\)"):
        Conv2D(3, 2, 3).forward(np.zeros((2, 1, 8, 8)))


def test_geometry_that_does_not_fit_names_layer_and_numbers():
    with pytest.raises(ValueError, match=r"Conv2D\(1 -> 8, kernel 5x5, stride 2\) on a 28x28 input.*\(28 - 5 \+ 2\*0\) / 2"):
        Conv2D(1, 8, 5, stride=2).forward(np.zeros((1, 1, 28, 28)))
    with pytest.raises(ValueError, match=r"MaxPool2D\(kernel 2x2, stride 2\) on a 7x7 input"):
        MaxPool2D(2).forward(np.zeros((1, 1, 7, 7)))


def test_backward_before_forward_and_wrong_dout_shape():
    layer = Conv2D(1, 2, 3)
    with pytest.raises(RuntimeError, match="forward before backward"):
        layer.backward(np.zeros((1, 2, 2, 2)))
    layer.forward(np.zeros((1, 1, 4, 4)))
    with pytest.raises(ValueError, match=r"dout of shape \(1, 2, 2, 2\), got \(1, 2, 3, 3\)"):
        layer.backward(np.zeros((1, 2, 3, 3)))


def test_bad_hyper_parameters():
    with pytest.raises(ValueError, match="kernel_size"):
        Conv2D(1, 2, 0)
    with pytest.raises(ValueError, match="padding"):
        Conv2D(1, 2, 3, padding=-1)
    with pytest.raises(ValueError, match="pass stride explicitly"):
        MaxPool2D((2, 3))
