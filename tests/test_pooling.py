"""Tests for nnbook.pooling: the loop versions define max and average pooling, the layers must
agree with them (forward and backward), with finite differences and with PyTorch's numbers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nnbook.conv import coverage_mask
from nnbook.gradcheck import check_layer
from nnbook.pooling import (
    AvgPool2D,
    MaxPool2D,
    avg_pool2d_naive,
    avg_pool2d_naive_backward,
    max_pool2d_naive,
    max_pool2d_naive_backward,
)

TOL = 1e-6
LAYERS = {
    MaxPool2D: (max_pool2d_naive, max_pool2d_naive_backward),
    AvgPool2D: (avg_pool2d_naive, avg_pool2d_naive_backward),
}


def distinct_values(shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Random values at least 0.1 apart, so no pooling window has a tie within the FD step."""
    return rng.permutation(np.arange(np.prod(shape))).reshape(shape) * 0.1 + rng.uniform(0, 0.01)


@st.composite
def pool_geometry(draw):
    """``(kernel, stride, (N, C, H, W))``: square or not, overlapping or not, dividing or not."""
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = draw(st.integers(1, 4))
    H, W = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    assume(H >= kernel[0] and W >= kernel[1])
    return kernel, stride, (draw(st.integers(1, 2)), draw(st.integers(1, 3)), H, W)


# --- the sources' facts: depth kept, no parameters, worked values -----------------------------


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
    np.testing.assert_array_equal(max_pool2d_naive(x, 2)[0, 0], [[6, 8], [3, 4]])
    np.testing.assert_array_equal(avg_pool2d_naive(x, 2)[0, 0], [[3.25, 5.25], [2, 2]])


# --- the layers == the loops ------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(pool_geometry(), st.sampled_from(sorted(LAYERS, key=lambda c: c.__name__)), st.integers(0, 2**32 - 1))
def test_layers_equal_naive_loops_forward_and_backward(geometry, layer_class, seed):
    kernel, stride, shape = geometry
    rng = np.random.default_rng(seed)
    x = rng.integers(-3, 4, size=shape).astype(float)  # small integers: plenty of ties
    naive_forward, naive_backward = LAYERS[layer_class]
    pool = layer_class(kernel, stride)
    out = pool.forward(x)
    np.testing.assert_allclose(out, naive_forward(x, kernel, stride), rtol=1e-12, atol=1e-12)
    assert pool.output_shape(shape[1:]) == out.shape[1:]
    dout = rng.standard_normal(out.shape)
    expected = naive_backward(x, dout, kernel, stride)
    np.testing.assert_allclose(pool.backward(dout), expected, rtol=1e-12, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(pool_geometry(), st.sampled_from([MaxPool2D, AvgPool2D]), st.integers(0, 2**32 - 1))
def test_dropped_pixels_get_zero_gradient(geometry, layer_class, seed):
    kernel, stride, shape = geometry
    rng = np.random.default_rng(seed)
    pool = layer_class(kernel, stride)
    x = rng.standard_normal(shape)
    dx = pool.backward(rng.standard_normal(pool.forward(x).shape))
    assert not dx[:, :, ~coverage_mask(shape[2], shape[3], kernel, stride)].any()


def test_tiling_and_dropping_both_start_from_clean_gradients():
    # 2x2 stride 2 tiles 8x8 exactly but not 9x9: the 9th row and column must come back as 0.
    rng = np.random.default_rng(4)
    for size in (8, 9):
        x = rng.standard_normal((2, 2, size, size))
        for layer_class, (_, naive_backward) in LAYERS.items():
            pool = layer_class(2)
            dout = rng.standard_normal(pool.forward(x).shape)
            np.testing.assert_array_equal(pool.backward(dout), naive_backward(x, dout, 2))


def test_memory_layout_does_not_change_the_numbers():
    # Conv2D hands on views of batch-last memory; pooling must give the same numbers on them.
    rng = np.random.default_rng(6)
    x = rng.integers(-2, 3, size=(4, 3, 9, 8)).astype(float)
    batch_last = np.ascontiguousarray(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)
    for layer_class, (naive_forward, naive_backward) in LAYERS.items():
        for kernel, stride in [(2, None), (3, 2)]:
            pool = layer_class(kernel, stride)
            out = pool.forward(batch_last)
            dout = rng.standard_normal(out.shape)
            np.testing.assert_allclose(out, naive_forward(x, kernel, stride), rtol=1e-12, atol=1e-12)
            expected = naive_backward(x, dout, kernel, stride)
            np.testing.assert_allclose(pool.backward(dout), expected, rtol=1e-12, atol=1e-12)


# --- PyTorch's numbers where the stride does not divide ----------------------------------------

# A 3x3 window with stride 2 on 8x8: floor((8 - 3) / 2) + 1 = 3 windows per axis, so row 7 and
# column 7 are read by none. Computed with torch 2.13.0 (float64): max_pool2d(x, 3, 2) and
# avg_pool2d(x, 3, 2) of x[r, c] = (8r + c) * 29 mod 64, backward for dout = 1..9.
TORCH_X = ((np.arange(64) * 29) % 64).reshape(1, 1, 8, 8).astype(float)
TORCH_DOUT = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
TORCH_MAX_OUT = [[[[58, 63, 62], [61, 55, 62], [61, 60, 60]]]]
TORCH_MAX_DX = [
    [
        [
            [0, 0, 1, 0, 0, 0, 0, 0],
            [0, 0, 0, 2, 0, 0, 0, 0],
            [0, 0, 0, 0, 0, 0, 9, 0],
            [0, 0, 0, 0, 0, 0, 0, 0],
            [0, 11, 0, 5, 0, 0, 0, 0],
            [0, 0, 0, 0, 17, 0, 0, 0],
            [0, 0, 0, 0, 0, 0, 0, 0],
            [0, 0, 0, 0, 0, 0, 0, 0],
        ]
    ]
]
TORCH_AVG_OUT_TIMES_9 = [[[[237, 311, 321], [317, 263, 273], [269, 279, 289]]]]
TORCH_AVG_DX_TIMES_9 = [
    [
        [
            [1, 1, 3, 2, 5, 3, 3, 0],
            [1, 1, 3, 2, 5, 3, 3, 0],
            [5, 5, 12, 7, 16, 9, 9, 0],
            [4, 4, 9, 5, 11, 6, 6, 0],
            [11, 11, 24, 13, 28, 15, 15, 0],
            [7, 7, 15, 8, 17, 9, 9, 0],
            [7, 7, 15, 8, 17, 9, 9, 0],
            [0, 0, 0, 0, 0, 0, 0, 0],
        ]
    ]
]
# max_pool2d(ones(5, 5), 3, 2) backward with dout = ones: on a tie the first maximum in
# row-major order, the window's top-left corner, takes the gradient (torch 2.13.0).
TORCH_TIE_DX = [[1, 0, 1, 0, 0], [0, 0, 0, 0, 0], [1, 0, 1, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]


def test_max_pool_matches_pytorch_known_values_3x3_stride_2_on_8x8():
    pool = MaxPool2D(3, stride=2)
    np.testing.assert_array_equal(pool.forward(TORCH_X), TORCH_MAX_OUT)
    np.testing.assert_array_equal(pool.backward(TORCH_DOUT), TORCH_MAX_DX)
    np.testing.assert_array_equal(max_pool2d_naive(TORCH_X, 3, 2), TORCH_MAX_OUT)
    np.testing.assert_array_equal(max_pool2d_naive_backward(TORCH_X, TORCH_DOUT, 3, 2), TORCH_MAX_DX)


def test_avg_pool_matches_pytorch_known_values_3x3_stride_2_on_8x8():
    pool = AvgPool2D(3, stride=2)
    np.testing.assert_allclose(pool.forward(TORCH_X) * 9, TORCH_AVG_OUT_TIMES_9, rtol=1e-14)
    np.testing.assert_allclose(pool.backward(TORCH_DOUT) * 9, TORCH_AVG_DX_TIMES_9, rtol=1e-14)
    np.testing.assert_allclose(avg_pool2d_naive(TORCH_X, 3, 2) * 9, TORCH_AVG_OUT_TIMES_9, rtol=1e-14)
    dx = avg_pool2d_naive_backward(TORCH_X, TORCH_DOUT, 3, 2)
    np.testing.assert_allclose(dx * 9, TORCH_AVG_DX_TIMES_9, rtol=1e-14)


def test_max_pool_ties_match_pytorch():
    pool = MaxPool2D(3, stride=2)
    x = np.ones((1, 1, 5, 5))
    np.testing.assert_array_equal(pool.backward(np.ones_like(pool.forward(x)))[0, 0], TORCH_TIE_DX)
    naive = max_pool2d_naive_backward(x, np.ones((1, 1, 2, 2)), 3, 2)
    np.testing.assert_array_equal(naive[0, 0], TORCH_TIE_DX)


@pytest.mark.parametrize("layer_class", [MaxPool2D, AvgPool2D])
@pytest.mark.parametrize(
    "shape, kernel, stride",
    [
        ((2, 3, 8, 8), 3, 2),
        ((1, 2, 9, 7), 2, None),
        ((2, 1, 11, 10), 2, 3),
        ((1, 2, 7, 9), (2, 3), 2),
        ((3, 2, 6, 6), 4, 1),
    ],
)
def test_layers_match_pytorch_directly(layer_class, shape, kernel, stride):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(sum(shape))
    x = rng.integers(-2, 3, size=shape).astype(float)  # ties included
    pool = layer_class(kernel, stride)
    out = pool.forward(x)
    dout = rng.standard_normal(out.shape)
    dx = pool.backward(dout)
    tx = torch.tensor(x, requires_grad=True)
    torch_pool = {MaxPool2D: torch.nn.MaxPool2d, AvgPool2D: torch.nn.AvgPool2d}[layer_class]
    t_out = torch_pool(kernel, stride)(tx)
    t_out.backward(torch.tensor(dout))
    assert out.shape == tuple(t_out.shape)
    np.testing.assert_allclose(out, t_out.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dx, tx.grad.numpy(), rtol=1e-12, atol=1e-12)


# --- gradients --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "layer_class, kernel, stride, H, W",
    [
        (MaxPool2D, 2, None, 4, 6),
        (MaxPool2D, 3, 2, 7, 9),
        (MaxPool2D, 3, 2, 8, 8),
        (MaxPool2D, 2, 3, 8, 5),
        (MaxPool2D, (2, 3), 1, 5, 5),
        (AvgPool2D, 2, None, 4, 6),
        (AvgPool2D, 2, None, 5, 7),
        (AvgPool2D, 3, 2, 7, 9),
        (AvgPool2D, 2, 3, 8, 5),
    ],
)
def test_pooling_gradients(layer_class, kernel, stride, H, W):
    rng = np.random.default_rng(3)
    pool = layer_class(kernel, stride)
    errors = check_layer(pool, distinct_values((2, 3, H, W), rng), rng)
    assert errors["x"] < TOL, errors


def test_max_pool_tie_sends_gradient_to_first_position_only():
    pool = MaxPool2D(2)
    x = np.array([[1.0, 3, 0, 0], [3, 3, 0, 0], [2, 2, 5, 5], [2, 2, 1, 5]])[None, None]
    dx = pool.backward(pool.forward(x) * 0 + 1)
    np.testing.assert_array_equal(dx[0, 0], [[0, 1, 1, 0], [0, 0, 0, 0], [1, 0, 1, 0], [0, 0, 0, 0]])


def test_overlapping_max_pool_accumulates_gradient_of_shared_maximum():
    pool = MaxPool2D(2, stride=1)
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 1.0
    assert pool.forward(x).tolist() == [[[[1.0, 1.0], [1.0, 1.0]]]]
    dx = pool.backward(np.ones((1, 1, 2, 2)))
    assert dx[0, 0, 1, 1] == 4 and dx.sum() == 4


# --- shapes, dtypes, repr, bad input ----------------------------------------------------------


def test_odd_sizes_and_float32():
    x = np.ones((1, 2, 9, 7), dtype=np.float32)
    pool = MaxPool2D(3, stride=2)
    out = pool.forward(x)
    assert out.shape == (1, 2, 4, 3) and out.dtype == np.float32
    assert pool.backward(np.ones_like(out)).dtype == np.float32
    assert AvgPool2D(2).forward(x).shape == (1, 2, 4, 3)
    assert MaxPool2D(2).output_shape((2, 7, 7)) == (2, 3, 3)


def test_repr():
    assert repr(MaxPool2D(2)) == "MaxPool2D(kernel 2x2, stride 2)"
    assert repr(AvgPool2D(3, stride=1)) == "AvgPool2D(kernel 3x3, stride 1)"


def test_bad_input_and_hyper_parameters():
    with pytest.raises(ValueError, match="pass stride explicitly"):
        MaxPool2D((2, 3))
    with pytest.raises(ValueError, match="kernel_size"):
        AvgPool2D(0)
    with pytest.raises(ValueError, match=r"MaxPool2D\(kernel 3x3, stride 3\) on a 2x7 input.*larger than"):
        MaxPool2D(3).forward(np.zeros((1, 1, 2, 7)))
    with pytest.raises(ValueError, match=r"\(N, C, H, W\), got \(4, 8, 8\)"):
        MaxPool2D(2).forward(np.zeros((4, 8, 8)))
    with pytest.raises(ValueError, match=r"pooling expects images of shape \(N, C, H, W\), got \(8, 8\)"):
        max_pool2d_naive(np.zeros((8, 8)), 2)
    with pytest.raises(ValueError, match=r"dout of shape \(1, 1, 2, 2\), got \(1, 1, 3, 3\)"):
        avg_pool2d_naive_backward(np.zeros((1, 1, 4, 4)), np.zeros((1, 1, 3, 3)), 2)


def test_backward_before_forward_and_wrong_dout_shape():
    pool = MaxPool2D(2)
    with pytest.raises(RuntimeError, match="forward before backward"):
        pool.backward(np.zeros((1, 1, 2, 2)))
    pool.forward(np.zeros((1, 1, 5, 4)))
    with pytest.raises(ValueError, match=r"dout of shape \(1, 1, 2, 2\), got \(1, 1, 3, 2\)"):
        pool.backward(np.zeros((1, 1, 3, 2)))
