"""Pooling: the maximum or the mean of each window, as loops to read and as fast layers.

A pooling layer slides a ``kh x kw`` window over every channel of every image with stride
``S`` (by default the window size, so windows do not overlap) and keeps one number per
window. It has no parameters and keeps the number of channels. The output size is
:func:`nnbook.conv.conv_output_size` with no padding, ``Ho = floor((H - kh) / S) + 1``, as in
PyTorch: rows and columns that no whole window reaches are dropped and get zero gradient
(:func:`nnbook.conv.coverage_mask` shows which).

The loop versions (:func:`max_pool2d_naive`, :func:`max_pool2d_naive_backward` and the
average-pooling pair) visit one window at a time and state the definitions. The layers
:class:`MaxPool2D` and :class:`AvgPool2D` compute the same numbers with a Python loop over the
``kh*kw`` kernel offsets only: offset ``(m, k)`` touches the strided slice
``x[:, :, m::S, k::S]`` (cut to ``Ho x Wo``), one whole ``(N, C, Ho, Wo)`` array at a time.
Their outputs and gradients keep the memory layout of the input, so the batch-last arrays that
:class:`nnbook.conv.Conv2D` hands on stay batch-last for the next convolution.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np

from nnbook._checks import check_forward_called, check_same_shape, check_shape, format_shape, shape_hint
from nnbook.conv import _integer, _offset_slices, _pair, _Windowed, conv_output_size

__all__ = [
    "max_pool2d_naive",
    "max_pool2d_naive_backward",
    "avg_pool2d_naive",
    "avg_pool2d_naive_backward",
    "MaxPool2D",
    "AvgPool2D",
]


def _pool_geometry(kernel_size: int | tuple[int, int], stride: int | None) -> tuple[tuple[int, int], int]:
    """``((kh, kw), S)``, with the stride defaulting to the (square) window size."""
    kernel = _pair(kernel_size, "kernel_size")
    if stride is None and kernel[0] != kernel[1]:
        raise ValueError(
            f"stride defaults to the kernel size, which is ambiguous for a {kernel} "
            f"kernel: pass stride explicitly"
        )
    return kernel, kernel[0] if stride is None else _integer(stride, "stride")


# --- loop versions, to read ------------------------------------------------------------------


def _naive_geometry(
    x: np.ndarray, kernel_size: int | tuple[int, int], stride: int | None
) -> tuple[np.ndarray, tuple[int, int], int, tuple[int, int, int, int]]:
    """``(x as floats, (kh, kw), S, (N, C, Ho, Wo))`` for the loop versions."""
    x = np.asarray(x, dtype=float)
    if x.ndim != 4:
        raise ValueError(
            f"pooling expects images of shape (N, C, H, W), got {x.shape}: "
            f"{shape_hint(x.shape, ('N', 'C', 'H', 'W'))}"
        )
    (kh, kw), S = _pool_geometry(kernel_size, stride)
    N, C, H, W = x.shape
    return x, (kh, kw), S, (N, C, conv_output_size(H, kh, S), conv_output_size(W, kw, S))


def max_pool2d_naive(
    x: np.ndarray, kernel_size: int | tuple[int, int], stride: int | None = None
) -> np.ndarray:
    """Max pooling written as plain loops, to read rather than to run.

    Formula: ``out[n, c, i, j] = max_{m, k} x[n, c, i*S + m, j*S + k]``.

    Args:
        x: images, shape ``(N, C, H, W)``.
        kernel_size: ``k`` for a ``k x k`` window, or a pair ``(kh, kw)``.
        stride: step ``S`` between windows; defaults to the window size.

    Returns:
        Shape ``(N, C, Ho, Wo)``, ``Ho = floor((H - kh) / S) + 1``.
    """
    x, (kh, kw), S, out_shape = _naive_geometry(x, kernel_size, stride)
    out = np.zeros(out_shape)
    for n, c, i, j in np.ndindex(out_shape):
        window = x[n, c, i * S : i * S + kh, j * S : j * S + kw]
        out[n, c, i, j] = np.max(window)
    return out


def max_pool2d_naive_backward(
    x: np.ndarray, dout: np.ndarray, kernel_size: int | tuple[int, int], stride: int | None = None
) -> np.ndarray:
    """The gradient of max pooling as plain loops: each window's gradient goes to its maximum.

    Formula: ``dx[n, c, i*S + m, j*S + k] += dout[n, c, i, j]`` for the ``(m, k)`` where window
    ``(i, j)`` holds its maximum; on a tie, the first such ``(m, k)`` in row-major order (top
    row first, then left to right), as in PyTorch. Pixels no window reaches get 0.

    Args:
        x: the images that were pooled, shape ``(N, C, H, W)``.
        dout: ``dL/dout``, shape ``(N, C, Ho, Wo)``.
        kernel_size, stride: as for :func:`max_pool2d_naive`.

    Returns:
        ``dL/dx``, shape ``(N, C, H, W)``.
    """
    x, (kh, kw), S, out_shape = _naive_geometry(x, kernel_size, stride)
    dout = check_same_shape(dout, out_shape, "max_pool2d_naive_backward")
    dx = np.zeros(x.shape)
    for n, c, i, j in np.ndindex(out_shape):
        window = x[n, c, i * S : i * S + kh, j * S : j * S + kw]
        m, k = np.unravel_index(np.argmax(window), window.shape)  # argmax: the first maximum
        dx[n, c, i * S + m, j * S + k] += dout[n, c, i, j]
    return dx


def avg_pool2d_naive(
    x: np.ndarray, kernel_size: int | tuple[int, int], stride: int | None = None
) -> np.ndarray:
    """Average pooling written as plain loops, to read rather than to run.

    Formula: ``out[n, c, i, j] = mean_{m, k} x[n, c, i*S + m, j*S + k]``. Arguments and result
    as for :func:`max_pool2d_naive`.
    """
    x, (kh, kw), S, out_shape = _naive_geometry(x, kernel_size, stride)
    out = np.zeros(out_shape)
    for n, c, i, j in np.ndindex(out_shape):
        window = x[n, c, i * S : i * S + kh, j * S : j * S + kw]
        out[n, c, i, j] = np.mean(window)
    return out


def avg_pool2d_naive_backward(
    x: np.ndarray, dout: np.ndarray, kernel_size: int | tuple[int, int], stride: int | None = None
) -> np.ndarray:
    """The gradient of average pooling as plain loops: each window shares its gradient evenly.

    Formula: ``dx[n, c, i*S + m, j*S + k] += dout[n, c, i, j] / (kh*kw)`` for every ``(m, k)``
    of window ``(i, j)``. Pixels no window reaches get 0. Arguments and result as for
    :func:`max_pool2d_naive_backward`.
    """
    x, (kh, kw), S, out_shape = _naive_geometry(x, kernel_size, stride)
    dout = check_same_shape(dout, out_shape, "avg_pool2d_naive_backward")
    dx = np.zeros(x.shape)
    for n, c, i, j in np.ndindex(out_shape):
        dx[n, c, i * S : i * S + kh, j * S : j * S + kw] += dout[n, c, i, j] / (kh * kw)
    return dx


# --- fast layers -----------------------------------------------------------------------------


class _Pool2D(_Windowed):
    """Geometry and checks shared by the pooling layers (no parameters, channels unchanged)."""

    padding = 0

    def __init__(self, kernel_size: int | tuple[int, int], stride: int | None = None) -> None:
        super().__init__()
        self.kernel, self.stride = _pool_geometry(kernel_size, stride)
        self._cache: tuple[np.ndarray, np.ndarray] | None = None

    def output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """``(C, H, W) -> (C, Ho, Wo)`` with ``Ho = floor((H - kh) / S) + 1``."""
        if len(input_shape) != 3:
            raise ValueError(
                f"{self!r} expected input of shape (N, C, H, W), got "
                f"{format_shape(('N', *input_shape))}: {shape_hint((1, *input_shape), ('N', 'C', 'H', 'W'))}"
            )
        return (input_shape[0], *self._output_hw(input_shape[1], input_shape[2]))

    def _check_input(self, x: np.ndarray) -> np.ndarray:
        x = check_shape(x, ("N", "C", "H", "W"), self)
        self._output_hw(x.shape[2], x.shape[3])
        return x

    def _check_dout(self, dout: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(x, out, dout)``: the cached input and output, and ``dout`` checked against ``out``."""
        check_forward_called(self._cache, self)
        x, out = self._cache
        return x, out, check_same_shape(dout, out.shape, self)

    def _offsets(self, x: np.ndarray) -> Iterator[tuple[slice, slice]]:
        """For each kernel offset ``(m, k)`` in row-major order, the ``(rows, cols)`` slices of
        ``x`` it touches: ``x[:, :, rows, cols]`` is ``x[n, c, i*S + m, j*S + k]`` for all ``i, j``."""
        Ho, Wo = self._output_hw(x.shape[2], x.shape[3])
        for _, _, rows, cols in _offset_slices(*self.kernel, Ho, Wo, self.stride):
            yield rows, cols

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._geometry()})"


class MaxPool2D(_Pool2D):
    """Max pooling: each output is the largest value in its ``kh x kw`` window, per channel.

    Formula: ``out[n, c, i, j] = max_{m, k} x[n, c, i*S + m, j*S + k]``. Backward sends each
    output's gradient to the input that was the maximum; when several inputs of one window tie
    for the maximum, the whole gradient goes to the first of them in row-major order (top row
    first, then left to right), as in PyTorch, so the gradient still sums to ``dout``. A window
    holding a NaN outputs NaN, as in PyTorch, and passes no gradient back.
    :func:`max_pool2d_naive` and :func:`max_pool2d_naive_backward` are the same as loops.

    Args:
        kernel_size: ``k`` for a ``k x k`` window, or a pair ``(kh, kw)``.
        stride: step ``S`` between windows; defaults to the kernel size (windows do not overlap).

    Shapes:
        input ``(N, C, H, W)`` -> output ``(N, C, Ho, Wo)``, ``Ho = floor((H - kh) / S) + 1``.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Max-pool ``x`` of shape ``(N, C, H, W)``; returns ``(N, C, Ho, Wo)``.

        ``out`` starts as the slice of offset ``(0, 0)`` and takes the element-wise maximum
        with the slice of every further offset.
        """
        x = self._check_input(x)
        offsets = self._offsets(x)
        out = x[(..., *next(offsets))].copy(order="K")
        for rows, cols in offsets:
            np.maximum(out, x[:, :, rows, cols], out=out)
        self._cache = (x, out)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Given ``dL/dout`` ``(N, C, Ho, Wo)``, return ``dL/dx`` ``(N, C, H, W)``.

        ``dx[n, c, i*S + m, j*S + k] += dout[n, c, i, j]`` at the first offset ``(m, k)`` whose
        input equals the window's maximum ``out[n, c, i, j]``. The offsets are visited in
        row-major order; ``unclaimed`` marks the windows whose maximum is still to be found.
        """
        x, out, dout = self._check_dout(dout)
        dx = _InputGradient(x, self)
        unclaimed = np.ones(out.shape, dtype=bool)
        for rows, cols in self._offsets(x):
            is_first_max = (x[:, :, rows, cols] == out) & unclaimed
            unclaimed &= ~is_first_max
            dx.add(rows, cols, dout * is_first_max)
        return dx.array


class AvgPool2D(_Pool2D):
    """Average (mean) pooling: each output is the mean of its ``kh x kw`` window, per channel.

    Formula: ``out[n, c, i, j] = mean_{m, k} x[n, c, i*S + m, j*S + k]``; backward gives every
    input of a window ``dout / (kh*kw)``. :func:`avg_pool2d_naive` and
    :func:`avg_pool2d_naive_backward` are the same as loops.

    Args:
        kernel_size: ``k`` for a ``k x k`` window, or a pair ``(kh, kw)``.
        stride: step ``S`` between windows; defaults to the kernel size.

    Shapes:
        input ``(N, C, H, W)`` -> output ``(N, C, Ho, Wo)``, ``Ho = floor((H - kh) / S) + 1``.
    """

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Average-pool ``x`` of shape ``(N, C, H, W)``; returns ``(N, C, Ho, Wo)``."""
        x = self._check_input(x)
        offsets = self._offsets(x)
        out = x[(..., *next(offsets))].copy(order="K")
        for rows, cols in offsets:
            out += x[:, :, rows, cols]
        out /= self.kernel[0] * self.kernel[1]
        self._cache = (x, out)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Given ``dL/dout`` ``(N, C, Ho, Wo)``, return ``dL/dx`` ``(N, C, H, W)``.

        ``dx[n, c, i*S + m, j*S + k] += dout[n, c, i, j] / (kh*kw)`` for every offset ``(m, k)``.
        """
        x, _, dout = self._check_dout(dout)
        dx = _InputGradient(x, self)
        share = dout / (self.kernel[0] * self.kernel[1])
        for rows, cols in self._offsets(x):
            dx.add(rows, cols, share)
        return dx.array


class _InputGradient:
    """``dx``, built as the backward passes say: zeros, then ``dx[:, :, rows, cols] += grad``
    for each kernel offset.

    Speed only: when the windows tile the input exactly (stride = window size and nothing is
    dropped), every pixel belongs to exactly one offset, so ``dx`` starts uninitialised and
    each ``+=`` becomes a plain copy; that spares filling ``dx`` with zeros and reading it back.
    """

    def __init__(self, x: np.ndarray, pool: _Pool2D) -> None:
        (kh, kw), S = pool.kernel, pool.stride
        self.tiled = (kh, kw) == (S, S) and x.shape[2] % S == 0 and x.shape[3] % S == 0
        self.array = np.empty_like(x) if self.tiled else np.zeros_like(x)

    def add(self, rows: slice, cols: slice, grad: np.ndarray) -> None:
        """``dx[:, :, rows, cols] += grad``."""
        if self.tiled:
            self.array[:, :, rows, cols] = grad
        else:
            self.array[:, :, rows, cols] += grad
