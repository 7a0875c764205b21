"""Convolution: the output size, the worked 2-D example, a loop version to read, and a fast layer.

The chapter's order: the output-size formula ``floor((W - F + 2P) / S) + 1`` and the pixels it
leaves out (:func:`conv_output_size`, :func:`coverage_mask`), the cross-correlation of one
image with one kernel (:func:`correlate2d`), the same computation for a batch of multi-channel
images written as plain loops (:func:`conv2d_naive`), and finally the layer :class:`Conv2D`,
whose forward and backward passes are vectorised. Pooling slides its windows the same way and
lives in :mod:`nnbook.pooling`.

The fast convolution turns every receptive field into one column of a matrix (*im2col*) so the
whole layer becomes a single matrix multiply. The column matrix is laid out
``(C*kh*kw, Ho*Wo*N)``: each of its rows is one kernel offset of one channel, holding the
pixels that offset touches at every output position of every sample. The backward pass
(*col2im*) adds those rows back into the images. Both move one kernel offset at a time, so the
only Python loop runs over the ``kh*kw`` offsets. For speed the batch index comes last in
memory, images stored ``(C, H, W, N)`` and columns ordered ``(i, j, n)``: then every copy and
every addition runs over long contiguous stretches (``Wo*N`` numbers at stride 1) instead of
single image rows. The layer's output is a ``(N, F, Ho, Wo)`` view of memory laid out that way,
which element-wise layers and pooling keep, so the next convolution finds its input ready.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from nnbook._checks import check_forward_called, check_same_shape, check_shape, format_shape, shape_hint
from nnbook.base import Layer
from nnbook.init import Initializer, get_initializer
from nnbook.random import get_rng

__all__ = [
    "conv_output_size", "coverage_mask", "correlate2d", "conv2d_naive", "im2col", "col2im", "Conv2D",
]


def _integer(value: object, name: str, smallest: int = 1) -> int:
    """Return ``value`` as an int, or raise ValueError if it is not an integer ``>= smallest``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < smallest:
        raise ValueError(f"{name} must be an integer >= {smallest}, got {value!r}")
    return int(value)


def _pair(value: int | tuple[int, int], name: str) -> tuple[int, int]:
    """Turn ``3`` into ``(3, 3)``; check that both entries are positive integers."""
    if isinstance(value, (int, np.integer)):
        value = (value, value)
    if not isinstance(value, tuple) or len(value) != 2:
        raise ValueError(f"{name} must be a positive integer or a pair of them, got {value!r}")
    return _integer(value[0], name), _integer(value[1], name)


def conv_output_size(input_size: int, kernel_size: int, stride: int = 1, padding: int = 0) -> int:
    """Length of a convolution or pooling output along one axis.

    Formula: ``W2 = floor((W1 - F + 2P) / S) + 1``: the number of window positions
    ``0, S, 2S, ...`` at which a whole window of size ``F`` still fits into the padded input.
    When ``S`` does not divide ``W1 - F + 2P``, the last ``(W1 - F + 2P) mod S`` rows or columns
    of the padded input are read by no window and are dropped, as in PyTorch and Keras
    (:func:`coverage_mask` shows which input pixels that leaves out).

    Args:
        input_size: ``W1``, the input width (or height).
        kernel_size: ``F``, the kernel width (or height).
        stride: ``S``, the step between neighbouring windows.
        padding: ``P``, rings of zeros added on each side.

    Returns:
        ``W2``, the output width (or height).

    Raises:
        ValueError: if an argument is not an integer in range, or if the kernel is larger than
            the padded input (not even one window fits).
    """
    _integer(input_size, "input_size")
    _integer(kernel_size, "kernel_size")
    _integer(stride, "stride")
    _integer(padding, "padding", smallest=0)
    span = input_size - kernel_size + 2 * padding
    if span < 0:
        raise ValueError(
            f"kernel of size {kernel_size} is larger than the padded input "
            f"{input_size} + 2*{padding} = {input_size + 2 * padding}: not one window fits, "
            f"floor((W - F + 2P) / S) + 1 = floor(({input_size} - {kernel_size} + 2*{padding}) "
            f"/ {stride}) + 1 < 1; use a smaller kernel or more padding"
        )
    return span // stride + 1


def coverage_mask(
    height: int, width: int, kernel_size: int | tuple[int, int], stride: int = 1, padding: int = 0
) -> np.ndarray:
    """Which pixels of an ``height x width`` input at least one window reads.

    Formula: pixel ``(r, c)`` is covered when ``i*S <= r + P < i*S + kh`` for some output row
    ``0 <= i < Ho`` and ``j*S <= c + P < j*S + kw`` for some output column ``j``. Computed by
    folding a column matrix of ones back onto the image with :func:`col2im`, which counts the
    windows that read each pixel. Uncovered pixels are the ones the floor in
    :func:`conv_output_size` drops (the last rows and columns no whole window reaches) and,
    when the stride exceeds the kernel, the gaps between windows. They never influence the
    output, so their gradient is zero.

    Args:
        height, width: the input size ``H x W`` (before padding).
        kernel_size: ``k`` for a ``k x k`` window, or a pair ``(kh, kw)``.
        stride: step ``S`` between windows.
        padding: rings of zeros ``P`` around the input.

    Returns:
        Boolean array of shape ``(H, W)``; ``~coverage_mask(...)`` marks the dropped pixels.
    """
    kh, kw = _pair(kernel_size, "kernel_size")
    Ho, Wo = conv_output_size(height, kh, stride, padding), conv_output_size(width, kw, stride, padding)
    reads = col2im(np.ones((kh * kw, Ho * Wo)), (1, 1, height, width), kh, kw, stride, padding)
    return reads[0, 0] > 0


def correlate2d(
    image: np.ndarray, kernel: np.ndarray, stride: int = 1, padding: int = 0
) -> np.ndarray:
    """Slide one kernel over one 2-D image: the chapter's worked example (no bias, no activation).

    Formula: ``a[i, j] = sum_m sum_n w[m, n] * x[i*S + m, j*S + n]`` over the zero-padded image.
    Like every deep-learning "convolution" this is a cross-correlation: the kernel is not flipped.

    Args:
        image: shape ``(H, W)``.
        kernel: shape ``(kh, kw)``.
        stride: step ``S`` between windows.
        padding: rings of zeros ``P`` added around the image.

    Returns:
        The feature map, shape ``(Ho, Wo)`` with ``Ho = floor((H - kh + 2P) / S) + 1`` (same
        for ``Wo``).
    """
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError(
            f"correlate2d expects a 2-D image (H, W) and a 2-D kernel (kh, kw), got shapes "
            f"{image.shape} and {kernel.shape}; for batches of multi-channel images use Conv2D "
            f"or conv2d_naive"
        )
    conv_output_size(image.shape[0], kernel.shape[0], stride, padding)
    conv_output_size(image.shape[1], kernel.shape[1], stride, padding)
    padded = np.pad(image, padding)
    windows = sliding_window_view(padded, kernel.shape)[::stride, ::stride]
    return np.einsum("ijmn,mn->ij", windows, kernel)


def conv2d_naive(
    x: np.ndarray, W: np.ndarray, b: np.ndarray, stride: int = 1, padding: int = 0
) -> np.ndarray:
    """Convolution layer forward pass written as plain loops, to read rather than to run.

    Formula: ``out[n, f, i, j] = sum_{c, m, k} W[f, c, m, k] * x_pad[n, c, i*S + m, j*S + k] + b[f]``.
    Every output number is one window of the padded input multiplied element-wise by one
    filter and summed; input pixels that no window reaches (see :func:`coverage_mask`) are
    never read. :class:`Conv2D` computes exactly the same numbers, much faster.

    Args:
        x: input images, shape ``(N, C, H, W)``.
        W: filters, shape ``(F, C, kh, kw)``.
        b: biases, shape ``(F,)``.
        stride: step ``S`` between windows.
        padding: rings of zeros ``P`` around each image.

    Returns:
        Feature maps, shape ``(N, F, Ho, Wo)``.
    """
    if np.ndim(x) != 4 or np.ndim(W) != 4 or np.shape(x)[1] != np.shape(W)[1] or np.shape(b) != np.shape(W)[:1]:
        raise ValueError(
            f"conv2d_naive expected x (N, C, H, W), W (F, C, kh, kw) and b (F,) with the same C, got "
            f"{np.shape(x)}, {np.shape(W)} and {np.shape(b)}: give W one (C, kh, kw) kernel per filter"
        )
    N, C, H, Wd = x.shape
    F, _, kh, kw = W.shape
    Ho = conv_output_size(H, kh, stride, padding)
    Wo = conv_output_size(Wd, kw, stride, padding)
    x_pad = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    out = np.zeros((N, F, Ho, Wo), dtype=np.result_type(x, W, b))
    for n, f, i, j in np.ndindex(out.shape):
        window = x_pad[n, :, i * stride : i * stride + kh, j * stride : j * stride + kw]
        out[n, f, i, j] = np.sum(window * W[f]) + b[f]
    return out


def _offset_slices(kh: int, kw: int, Ho: int, Wo: int, stride: int) -> Iterator[tuple[int, int, slice, slice]]:
    """Yield ``(m, k, rows, cols)``: for each kernel offset, the slices of the padded input it touches."""
    for m in range(kh):
        for k in range(kw):
            yield m, k, slice(m, m + stride * Ho, stride), slice(k, k + stride * Wo, stride)


def im2col(
    x: np.ndarray, kh: int, kw: int, stride: int = 1, padding: int = 0, out: np.ndarray | None = None
) -> np.ndarray:
    """Unfold every receptive field of a batch of images into one column of a matrix.

    Formula: ``col[(c, m, k), (i, j, n)] = x_pad[n, c, i*S + m, j*S + k]``.

    Args:
        x: images, shape ``(N, C, H, W)``.
        kh, kw: kernel height and width.
        stride: step between windows.
        padding: rings of zeros around each image.
        out: optional C-contiguous array of shape ``(C*kh*kw, Ho*Wo*N)`` and the dtype of ``x``
            to fill instead of allocating a new one.

    Returns:
        The column matrix, shape ``(C*kh*kw, Ho*Wo*N)``; ``W.reshape(F, -1) @ col`` is the
        convolution, laid out ``(F, Ho*Wo*N)``.
    """
    N, C, H, Wd = x.shape
    Ho = conv_output_size(H, kh, stride, padding)
    Wo = conv_output_size(Wd, kw, stride, padding)
    source = _batch_last(x, padding)
    if out is None:
        out = np.empty((C * kh * kw, Ho * Wo * N), dtype=x.dtype)
    col = out.reshape(C, kh, kw, Ho, Wo, N)
    for m, k, rows, cols in _offset_slices(kh, kw, Ho, Wo, stride):
        col[:, m, k] = source[:, rows, cols]
    return out


def _batch_last(x: np.ndarray, padding: int) -> np.ndarray:
    """``x`` ``(N, C, H, W)`` zero-padded and stored ``(C, H + 2P, W + 2P, N)`` (speed: see the module)."""
    source = x.transpose(1, 2, 3, 0)
    if not padding:
        return np.ascontiguousarray(source)
    N, C, H, Wd = x.shape
    padded = np.zeros((C, H + 2 * padding, Wd + 2 * padding, N), dtype=x.dtype)
    padded[:, padding : padding + H, padding : padding + Wd] = source
    return padded


def col2im(
    col: np.ndarray, x_shape: tuple[int, int, int, int], kh: int, kw: int, stride: int = 1, padding: int = 0
) -> np.ndarray:
    """Fold a column matrix back onto the images, adding where receptive fields overlap.

    The adjoint of :func:`im2col`: ``dx_pad[n, c, i*S + m, j*S + k] += dcol[(c, m, k), (i, j, n)]``,
    accumulated one kernel offset ``(m, k)`` at a time.

    Args:
        col: column matrix, shape ``(C*kh*kw, Ho*Wo*N)``.
        x_shape: shape ``(N, C, H, W)`` of the images the columns came from.
        kh, kw: kernel height and width.
        stride: step between windows.
        padding: rings of zeros around each image; they are cut off again.

    Returns:
        Images, shape ``(N, C, H, W)`` (a view of an array stored ``(C, H, W, N)``).
    """
    N, C, H, Wd = x_shape
    Ho = conv_output_size(H, kh, stride, padding)
    Wo = conv_output_size(Wd, kw, stride, padding)
    blocks = col.reshape(C, kh, kw, Ho, Wo, N)
    dx_pad = np.zeros((C, H + 2 * padding, Wd + 2 * padding, N), dtype=col.dtype)
    for m, k, rows, cols in _offset_slices(kh, kw, Ho, Wo, stride):
        dx_pad[:, rows, cols] += blocks[:, m, k]
    return dx_pad[:, padding : padding + H, padding : padding + Wd].transpose(3, 0, 1, 2)


class _Windowed(Layer):
    """Shared geometry of the layers that slide a ``kh x kw`` window with a stride and padding."""

    kernel: tuple[int, int]
    stride: int
    padding: int

    def _output_hw(self, height: int, width: int) -> tuple[int, int]:
        (kh, kw), S, P = self.kernel, self.stride, self.padding
        try:
            return conv_output_size(height, kh, S, P), conv_output_size(width, kw, S, P)
        except ValueError as err:
            raise ValueError(f"{self!r} on a {height}x{width} input: {err}") from None

    def _geometry(self) -> str:
        padding = f", padding {self.padding}" if self.padding else ""
        return f"kernel {self.kernel[0]}x{self.kernel[1]}, stride {self.stride}{padding}"


class Conv2D(_Windowed):
    """A convolution layer: ``F`` learnable filters slid over a batch of multi-channel images.

    Formula: ``out[n, f] = sum_c W[f, c] (*) x[n, c] + b[f]``, where ``(*)`` is the
    cross-correlation of :func:`correlate2d` with stride ``S`` and zero padding ``P``.
    Computed as ``W.reshape(F, -1) @ im2col(x)``; backward uses the transposes of that product
    and :func:`col2im`. Parameters: ``(C*kh*kw + 1) * F``. The layer computes in the dtype of
    its weights (float64 unless you convert them): inputs and gradients of another float type
    are converted to it.

    Args:
        in_channels: ``C``, channels of the input images.
        out_channels: ``F``, number of filters (channels of the output).
        kernel_size: ``k`` for a ``k x k`` kernel, or a pair ``(kh, kw)``.
        stride: step ``S`` between windows.
        padding: rings of zeros ``P`` added around each image.
        init: name of an initializer in :mod:`nnbook.init` ("he", "xavier", "uniform", ...) or
            a callable; it sees the shape ``(F, C, kh, kw)``, so ``fan_in = C*kh*kw`` and
            ``fan_out = F*kh*kw``. Biases start at zero.
        rng: random generator for the initial weights (default: the library's shared stream,
            see :mod:`nnbook.random`).
        needs_input_grad: False for a layer that sees the data itself: nothing uses the
            gradient with respect to the images, so `backward` skips it (a matrix product and
            a col2im, about a fifth of a small network's training step) and returns None, as
            PyTorch leaves ``x.grad`` None for data. Also an attribute you may set later.

    Shapes:
        input ``(N, C, H, W)`` -> output ``(N, F, Ho, Wo)``, ``Ho = floor((H - kh + 2P) / S) + 1``
        (rows and columns no window reaches are dropped and get zero gradient);
        ``params["W"]`` is ``(F, C, kh, kw)`` and ``params["b"]`` is ``(F,)``.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int | tuple[int, int],
        stride: int = 1,
        padding: int = 0,
        init: str | Initializer = "he",
        rng: np.random.Generator | None = None,
        needs_input_grad: bool = True,
    ) -> None:
        super().__init__()
        self.needs_input_grad = needs_input_grad
        self.in_channels = _integer(in_channels, "in_channels")
        self.out_channels = _integer(out_channels, "out_channels")
        self.kernel = _pair(kernel_size, "kernel_size")
        self.stride = _integer(stride, "stride")
        self.padding = _integer(padding, "padding", smallest=0)
        kh, kw = self.kernel
        shape = (self.out_channels, self.in_channels, kh, kw)
        W = get_initializer(init)(shape, rng=get_rng(rng))
        self.params = {"W": np.asarray(W, dtype=np.float64), "b": np.zeros(self.out_channels)}
        self.grads = {name: np.zeros_like(p) for name, p in self.params.items()}
        self._cache: tuple[tuple[int, ...], np.ndarray] | None = None
        self._scratch: dict[str, np.ndarray] = {}

    def _scratch_array(self, name: str, shape: tuple[int, int], dtype: np.dtype) -> np.ndarray:
        """A scratch array kept between calls: reusing it spares the allocator and page faults."""
        array = self._scratch.get(name)
        if array is None or array.shape != shape or array.dtype != dtype:
            array = self._scratch[name] = np.empty(shape, dtype=dtype)
        return array

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """``(C, H, W) -> (F, Ho, Wo)`` for one image."""
        if len(input_shape) != 3 or input_shape[0] != self.in_channels:
            expected = ("N", self.in_channels, "H", "W")
            actual = (1, *input_shape)
            raise ValueError(
                f"{self!r} expected input of shape {format_shape(expected)}, got "
                f"{format_shape(('N', *input_shape))}: {shape_hint(actual, expected)}"
            )
        return (self.out_channels, *self._output_hw(input_shape[1], input_shape[2]))

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Convolve a batch ``x`` of shape ``(N, C, H, W)``; returns ``(N, F, Ho, Wo)``."""
        W, b = self.params["W"], self.params["b"]
        x = check_shape(x, ("N", self.in_channels, "H", "W"), self).astype(W.dtype, copy=False)
        N, _, H, Wd = x.shape
        Ho, Wo = self._output_hw(H, Wd)
        kh, kw = self.kernel
        col_shape = (self.in_channels * kh * kw, Ho * Wo * N)
        col = im2col(x, kh, kw, self.stride, self.padding, out=self._scratch_array("col", col_shape, x.dtype))
        out = W.reshape(self.out_channels, -1) @ col
        out += b[:, None]
        self._cache = (x.shape, col)
        return out.reshape(self.out_channels, Ho, Wo, N).transpose(3, 0, 1, 2)

    def backward(self, dout: np.ndarray) -> np.ndarray | None:
        """Given ``dL/dout`` ``(N, F, Ho, Wo)``, fill ``grads`` and return ``dL/dx`` ``(N, C, H, W)``
        (None when ``needs_input_grad`` is False).

        ``dW = dout_mat @ col.T``, ``db = sum of dout over N, Ho, Wo``,
        ``dx = col2im(W_mat.T @ dout_mat)`` with ``dout_mat`` of shape ``(F, Ho*Wo*N)``.
        """
        check_forward_called(self._cache, self)
        x_shape, col = self._cache
        N, _, H, Wd = x_shape
        dout = check_same_shape(dout, (N, *self.output_shape(x_shape[1:])), self).astype(col.dtype, copy=False)
        W = self.params["W"]
        kh, kw = self.kernel
        dout_mat = dout.transpose(1, 2, 3, 0).reshape(self.out_channels, -1)
        self.grads["W"][...] = (dout_mat @ col.T).reshape(W.shape)
        self.grads["b"][...] = dout_mat.sum(axis=1)
        if not self.needs_input_grad:
            return None
        W_mat = W.reshape(self.out_channels, -1)
        dcol = self._scratch_array("dcol", col.shape, np.result_type(W_mat, dout_mat))
        np.matmul(W_mat.T, dout_mat, out=dcol)
        return col2im(dcol, x_shape, kh, kw, self.stride, self.padding)

    def __repr__(self) -> str:
        return f"Conv2D({self.in_channels} -> {self.out_channels}, {self._geometry()})"
