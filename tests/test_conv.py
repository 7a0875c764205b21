"""Tests for nnbook.conv: output sizes with the floor, gradients, the sources' worked numbers,
the loop version, PyTorch's numbers, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import nnbook
from nnbook.conv import (
    Conv2D,
    col2im,
    conv2d_naive,
    conv_output_size,
    correlate2d,
    coverage_mask,
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
    """A conv layer's hyper-parameters and an input size (H, W), whether the stride divides or not."""
    k = draw(st.integers(1, 3))
    stride = draw(st.integers(1, 3))
    padding = draw(st.integers(0, 2))
    H, W = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    assume(H + 2 * padding >= k and W + 2 * padding >= k)
    N, C, F = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return N, C, F, k, stride, padding, H, W


def random_conv(geometry, seed: int) -> tuple[Conv2D, np.ndarray, np.random.Generator]:
    """A Conv2D with random weights and biases for ``geometry``, an input batch, and the generator."""
    N, C, F, k, stride, padding, H, W = geometry
    rng = np.random.default_rng(seed)
    layer = conv_with_bias(Conv2D(C, F, k, stride, padding, rng=rng), rng)
    return layer, rng.standard_normal((N, C, H, W)), rng


# --- output size -----------------------------------------------------------------------------


def test_output_size_worked_example_s2():
    assert conv_output_size(5, 3, stride=2, padding=0) == (5 - 3 + 0) // 2 + 1 == 2
    assert conv_output_size(5, 3) == 3
    assert conv_output_size(7, 3, stride=2, padding=1) == 4


def test_output_size_takes_the_floor_like_pytorch():
    # floor((W - F + 2P) / S) + 1: a 3x3 window with stride 2 fits 3 times into 8 (not 3.5).
    assert conv_output_size(8, 3, stride=2) == 3
    assert conv_output_size(6, 3, stride=2) == 2
    assert conv_output_size(28, 5, stride=2) == 12
    assert conv_output_size(7, 2, stride=3, padding=1) == 3
    for W, F, S, P in [(8, 3, 2, 0), (6, 3, 2, 0), (9, 2, 2, 1), (10, 4, 3, 2), (5, 5, 4, 0)]:
        assert conv_output_size(W, F, S, P) == int(np.floor((W - F + 2 * P) / S)) + 1


def test_output_size_rejects_kernel_larger_than_padded_input():
    with pytest.raises(ValueError, match=r"larger than the padded input 2 \+ 2\*1 = 4: not one window fits"):
        conv_output_size(2, 5, padding=1)
    assert conv_output_size(3, 5, padding=1) == 1


@pytest.mark.parametrize(
    "args", [(0, 3, 1, 0), (5, 0, 1, 0), (5, 3, 0, 0), (5, 3, 1, -1), (5.0, 3, 1, 0), (5, True, 1, 0)]
)
def test_output_size_rejects_non_integers_and_out_of_range(args):
    with pytest.raises(ValueError, match="must be an integer"):
        conv_output_size(*args)


def test_coverage_mask_drops_last_row_and_column_of_3x3_stride_2_on_8x8():
    mask = coverage_mask(8, 8, 3, stride=2)
    assert mask.shape == (8, 8) and mask.dtype == bool
    assert mask[:7, :7].all()
    assert not mask[7].any() and not mask[:, 7].any()


def test_coverage_mask_gaps_when_stride_exceeds_kernel_and_padding():
    # kernel 2, stride 3, padding 1 on 7 pixels: windows read padded 0-1, 3-4, 6-7 = input 0, 2, 3, 5, 6
    mask = coverage_mask(7, 5, 2, stride=3, padding=1)
    assert mask.shape == (7, 5)
    np.testing.assert_array_equal(mask[:, 0], [1, 0, 1, 1, 0, 1, 1])
    np.testing.assert_array_equal(mask[0], [1, 0, 1, 1, 0])
    assert coverage_mask(5, 6, (2, 3), stride=1).all()


@settings(max_examples=30, deadline=None)
@given(conv_geometry(), st.integers(0, 2**32 - 1))
def test_coverage_mask_is_where_the_input_gradient_can_be_nonzero(geometry, seed):
    layer, x, rng = random_conv(geometry, seed)
    out = layer.forward(x)
    dx = layer.backward(rng.standard_normal(out.shape))
    mask = coverage_mask(x.shape[2], x.shape[3], layer.kernel, layer.stride, layer.padding)
    assert not dx[:, :, ~mask].any()
    # a dropped pixel does not change the output
    x_changed = x.copy()
    x_changed[:, :, ~mask] += 1.0
    np.testing.assert_array_equal(layer.forward(x_changed), out)


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


# --- vectorised == loops ---------------------------------------------------------------------


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


@pytest.mark.parametrize("stride, padding, expected_cols", [(2, 1, 4 * 4), (2, 0, 3 * 3), (3, 1, 3 * 3)])
def test_im2col_and_col2im_are_adjoint(stride, padding, expected_cols):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 7, 6))
    col = im2col(x, 3, 2, stride=stride, padding=padding)
    assert col.shape == (3 * 3 * 2, 2 * expected_cols)
    y = rng.standard_normal(col.shape)
    back = col2im(y, x.shape, 3, 2, stride=stride, padding=padding)
    assert np.isclose(np.sum(col * y), np.sum(x * back))


# --- PyTorch's numbers where the stride does not divide --------------------------------------

# Computed with torch 2.13.0 (float64): torch.nn.functional.conv2d(x, W, b, stride=2) and its
# backward for dout = 1..8. The width 6 gives floor((6 - 3) / 2) + 1 = 2 windows, so column 5
# is read by none and its gradient is 0.
TORCH_X = np.array(
    [
        [-15, -8, -1, 6, 13, -10],
        [-3, 4, 11, -12, -5, 2],
        [9, -14, -7, 0, 7, 14],
        [-9, -2, 5, 12, -11, -4],
        [3, 10, -13, -6, 1, 8],
    ],
    dtype=float,
)[None, None]
TORCH_W = np.array(
    [[[[1, 0, -1], [2, 0, -2], [1, 0, -1]]], [[[0, 1, 0], [1, -4, 1], [0, 1, 0]]]], dtype=float
)
TORCH_B = np.array([1.0, -2.0])
TORCH_DOUT = np.arange(1.0, 9.0).reshape(1, 2, 2, 2)
TORCH_OUT = [[[[-25, 5], [5, 5]], [[-32, 58], [-2, -62]]]]
TORCH_DX = [
    [
        [
            [1, 5, 1, 6, -2, 0],
            [7, -20, 13, -24, 2, 0],
            [4, 12, 2, 14, -6, 0],
            [13, -28, 17, -32, 0, 0],
            [3, 7, 1, 8, -4, 0],
        ]
    ]
]
TORCH_DW = [
    [[[-18, -38, 32], [12, 22, -28], [-48, -8, -28]]],
    [[[-74, -102, 80], [28, 30, -28], [-80, -48, -76]]],
]
TORCH_DB = [10.0, 26.0]


def test_conv2d_matches_pytorch_known_values_when_stride_does_not_divide():
    layer = Conv2D(1, 2, 3, stride=2)
    layer.params["W"][...] = TORCH_W
    layer.params["b"][...] = TORCH_B
    out = layer.forward(TORCH_X)
    np.testing.assert_array_equal(out, TORCH_OUT)
    np.testing.assert_array_equal(layer.backward(TORCH_DOUT), TORCH_DX)
    np.testing.assert_array_equal(layer.grads["W"], TORCH_DW)
    np.testing.assert_array_equal(layer.grads["b"], TORCH_DB)
    np.testing.assert_array_equal(conv2d_naive(TORCH_X, TORCH_W, TORCH_B, stride=2), TORCH_OUT)


@pytest.mark.parametrize(
    "N, C, F, H, W, kernel, stride, padding",
    [
        (2, 3, 4, 9, 8, 3, 2, 0),
        (1, 2, 3, 11, 7, 5, 3, 1),
        (3, 1, 2, 8, 10, (2, 3), 3, 2),
        (2, 2, 2, 6, 5, 4, 4, 1),
        (1, 3, 5, 13, 12, 3, 2, 1),
    ],
)
def test_conv2d_matches_pytorch_directly(N, C, F, H, W, kernel, stride, padding):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(H * W)
    layer = conv_with_bias(Conv2D(C, F, kernel, stride, padding, rng=rng), rng)
    x = rng.standard_normal((N, C, H, W))
    out = layer.forward(x)
    dout = rng.standard_normal(out.shape)
    dx = layer.backward(dout)
    tx = torch.tensor(x, requires_grad=True)
    tW = torch.tensor(layer.params["W"], requires_grad=True)
    tb = torch.tensor(layer.params["b"], requires_grad=True)
    t_out = torch.nn.functional.conv2d(tx, tW, tb, stride=stride, padding=padding)
    t_out.backward(torch.tensor(dout))
    assert out.shape == tuple(t_out.shape)
    np.testing.assert_allclose(out, t_out.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.grads["W"], tW.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.grads["b"], tb.grad.numpy(), rtol=1e-12, atol=1e-12)


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
        (2, 2, 8, 9, 2, 3, 2, 0),
        (1, 1, 10, 7, 2, 2, 3, 1),
    ],
)
def test_conv2d_gradients_fixed_shapes(N, C, H, W, F, kernel, stride, padding):
    rng = np.random.default_rng(7)
    layer = conv_with_bias(Conv2D(C, F, kernel, stride, padding, rng=rng), rng)
    errors = check_layer(layer, rng.standard_normal((N, C, H, W)), rng)
    assert max(errors.values()) < TOL, errors


# --- randomness, parameters, shapes, dtypes --------------------------------------------------


def test_default_weights_come_from_the_shared_stream():
    nnbook.seed(3)
    first, second = Conv2D(2, 4, 3), Conv2D(2, 4, 3)
    assert not np.array_equal(first.params["W"], second.params["W"])
    nnbook.seed(3)
    np.testing.assert_array_equal(Conv2D(2, 4, 3).params["W"], first.params["W"])
    same = Conv2D(2, 4, 3, rng=np.random.default_rng(1)).params["W"]
    np.testing.assert_array_equal(Conv2D(2, 4, 3, rng=np.random.default_rng(1)).params["W"], same)


def test_batch_of_one_and_odd_sizes():
    rng = np.random.default_rng(5)
    layer = Conv2D(2, 4, 3, stride=2, padding=1, rng=rng)
    x = rng.standard_normal((1, 2, 9, 7))
    out = layer.forward(x)
    assert out.shape == (1, 4, 5, 4)
    assert layer.backward(np.ones_like(out)).shape == x.shape
    assert Conv2D(1, 8, 5, stride=2).output_shape((1, 28, 28)) == (8, 12, 12)


def test_float32_input_stays_float32():
    layer = Conv2D(1, 2, 3, padding=1)
    layer.params = {name: p.astype(np.float32) for name, p in layer.params.items()}
    x = np.ones((2, 1, 5, 5), dtype=np.float32)
    out = layer.forward(x)
    assert out.dtype == np.float32
    assert layer.backward(np.ones_like(out)).dtype == np.float32


def test_float32_layer_computes_in_float32_whatever_comes_in():
    layer = Conv2D(1, 2, 3, padding=1)
    for name in ("W", "b"):
        layer.params[name] = layer.params[name].astype(np.float32)
        layer.grads[name] = np.zeros_like(layer.params[name])
    out = layer.forward(np.ones((2, 1, 5, 5)))  # float64 input
    assert out.dtype == np.float32
    assert layer.backward(np.ones(out.shape)).dtype == np.float32  # float64 gradient
    assert layer.grads["W"].dtype == np.float32


def test_memory_layout_of_input_and_gradient_does_not_change_the_numbers():
    rng = np.random.default_rng(11)
    layer = conv_with_bias(Conv2D(3, 4, 3, stride=2, padding=1, rng=rng), rng)
    x = rng.standard_normal((5, 3, 9, 8))
    out = layer.forward(x)
    dout = rng.standard_normal(out.shape)
    dx = layer.backward(dout)
    dW = layer.grads["W"].copy()
    batch_last = np.ascontiguousarray(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)
    strided = np.zeros((5, 3, 18, 8))
    strided[:, :, ::2] = x
    for x_view in (batch_last, strided[:, :, ::2], np.asfortranarray(x)):
        np.testing.assert_allclose(layer.forward(x_view), out, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(layer.backward(np.asfortranarray(dout)), dx, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(layer.grads["W"], dW, rtol=1e-12, atol=1e-12)


def test_layer_on_the_data_can_skip_the_input_gradient():
    rng = np.random.default_rng(8)
    full = conv_with_bias(Conv2D(2, 3, 3, padding=1, rng=np.random.default_rng(1)), rng)
    first = Conv2D(2, 3, 3, padding=1, rng=np.random.default_rng(1), needs_input_grad=False)
    first.params["b"][...] = full.params["b"]
    x = rng.standard_normal((4, 2, 6, 5))
    np.testing.assert_array_equal(first.forward(x), full.forward(x))
    dout = rng.standard_normal((4, 3, 6, 5))
    assert first.backward(dout) is None
    assert full.backward(dout).shape == x.shape
    for name in ("W", "b"):
        np.testing.assert_array_equal(first.grads[name], full.grads[name])


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


def test_input_smaller_than_kernel_names_layer_and_numbers():
    message = r"Conv2D\(1 -> 8, kernel 5x5, stride 2\) on a 4x28 input.*\(4 - 5 \+ 2\*0\)"
    with pytest.raises(ValueError, match=message):
        Conv2D(1, 8, 5, stride=2).forward(np.zeros((1, 1, 4, 28)))


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
    with pytest.raises(ValueError, match="a positive integer or a pair"):
        Conv2D(1, 2, (3, 3, 3))
