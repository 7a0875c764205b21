"""Input validation shared by layers, losses and the training loop.

Every check raises a `ValueError` that names what was expected, what arrived, and the
most likely fix, so a learner can act on the message without reading the library.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

Dim = int | str


def format_shape(shape: Sequence[Dim]) -> str:
    """Write a shape such as ``("N", 784)`` as ``(N, 784)``; strings name free axes."""
    inner = ", ".join(str(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def as_float_array(x: Any, owner: object, name: str = "input") -> np.ndarray:
    """Return ``x`` as a real floating-point array (integers and booleans become float64).

    Raises ValueError for strings, objects or complex numbers, naming ``owner``.
    """
    try:
        arr = np.asarray(x)
    except ValueError as err:  # NumPy refuses ragged nested lists
        raise ValueError(
            f"{owner} got a {name} whose rows have different lengths ({err}): every sample "
            "needs the same number of features; check the nested list"
        ) from None
    if arr.dtype.kind in "biu":
        return arr.astype(np.float64)
    if arr.dtype.kind != "f":
        raise ValueError(
            f"{owner} expected a real-valued numeric {name}, got dtype {arr.dtype}: "
            f"convert it first, e.g. np.asarray({name}, dtype=float)"
        )
    return arr


def check_size(value: Any, name: str, owner: str) -> int:
    """``value`` as an int if it is a whole number >= 1 (a layer size); else a clear error."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(
            f"{owner} expected a whole number for {name}, got {type(value).__name__} {value!r}: "
            f"e.g. {name}=int({value!r})" if isinstance(value, (str, float)) else
            f"{owner} expected a whole number for {name}, got {type(value).__name__} {value!r}"
        )
    if value < 1:
        raise ValueError(f"{owner} expected {name} >= 1 (a number of units), got {name}={value}")
    return int(value)


def shape_hint(actual: tuple[int, ...], expected: Sequence[Dim]) -> str:
    """The most likely fix for an array of shape ``actual`` where ``expected`` was wanted."""
    fixed = [(i, d) for i, d in enumerate(expected) if isinstance(d, int)]
    if len(actual) == len(expected) - 1 and all(
        actual[i - 1] == d for i, d in fixed if i > 0
    ):
        return "a single sample needs a batch axis, e.g. x[np.newaxis]"
    if len(expected) == 2 and len(actual) > 2 and math.prod(actual[1:]) == expected[1]:
        return "flatten the images first, e.g. x.reshape(len(x), -1)"
    if len(expected) == 4 and len(actual) == 3:
        return "add a channel axis to grayscale images, e.g. x[:, np.newaxis]"
    if len(expected) == 4 and len(actual) == 2:
        return "reshape flat images to (N, C, H, W), e.g. x.reshape(len(x), 1, 28, 28)"
    if (
        len(expected) == 4
        and len(actual) == 4
        and isinstance(expected[1], int)
        and actual[3] == expected[1]
        and actual[1] != expected[1]
    ):
        return "the channels look like the last axis (NHWC); move them first, e.g. x.transpose(0, 3, 1, 2)"
    if len(expected) == 2 and len(actual) == 2 and math.prod(actual) == expected[1]:
        return "this looks like one unflattened sample; flatten it into one row, e.g. x.reshape(1, -1)"
    if len(actual) == len(expected):
        return "make the layer's input size match the data or the previous layer's output"
    return f"reshape the input to {len(expected)} axes"


def check_shape(x: Any, expected: Sequence[Dim], owner: object) -> np.ndarray:
    """Validate a batch against ``expected`` and return it as a float array.

    Args:
        x: the batch; the first axis is the batch axis.
        expected: the wanted shape, ints for fixed sizes and strings for free axes,
            e.g. ``("N", 784)`` or ``("N", 3, "H", "W")``.
        owner: who is checking, a layer or loss (its repr is used only in a message, e.g.
            ``Linear(784 -> 10)``, so passing the object costs nothing on the happy path).

    Returns:
        ``x`` as a floating-point array of the same shape.

    Raises:
        ValueError: wrong dtype, number of axes or fixed size, or an empty batch.
    """
    arr = as_float_array(x, owner)
    shape_ok = arr.ndim == len(expected) and all(
        not isinstance(d, int) or arr.shape[i] == d for i, d in enumerate(expected)
    )
    if not shape_ok:
        raise ValueError(
            f"{owner} expected input of shape {format_shape(expected)}, got {arr.shape}: "
            f"{shape_hint(arr.shape, expected)}"
        )
    check_nonempty(arr, owner)
    return arr


def check_nonempty(x: np.ndarray, owner: object, name: str = "input") -> None:
    """Raise ValueError when the batch axis of ``x`` has length 0."""
    if x.ndim == 0 or x.shape[0] == 0:
        raise ValueError(
            f"{owner} got an empty batch ({name} of shape {x.shape}): "
            "pass at least one sample, e.g. check the slicing that built the batch"
        )


def check_same_shape(dout: Any, shape: tuple[int, ...], owner: object, name: str = "dout") -> np.ndarray:
    """Validate that a gradient (or target) has exactly ``shape`` and return it as floats."""
    arr = as_float_array(dout, owner, name)
    if arr.shape != tuple(shape):
        raise ValueError(
            f"{owner} expected {name} of shape {tuple(shape)}, got {arr.shape}: "
            f"{name} must have the same shape as the array it belongs to"
        )
    return arr


def check_forward_called(cache: object, owner: object) -> None:
    """Raise RuntimeError when `backward` runs before any `forward`."""
    if cache is None:
        raise RuntimeError(f"{owner}: call forward before backward")
