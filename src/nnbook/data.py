"""Data: the bundled digits, MNIST's IDX files, train/validation/test splits, mini-batches.

Nothing here downloads anything. Scalers, whiteners and one-hot labels live in
`nnbook.preprocessing`; random image changes for training live in `nnbook.augment`.
"""

from __future__ import annotations

import gzip
import math
from pathlib import Path
from typing import Iterator

import numpy as np

from nnbook.random import get_rng


def _check_pair(x: np.ndarray, y: np.ndarray | None, owner: str) -> None:
    if y is not None and len(x) != len(y):
        raise ValueError(
            f"{owner}: x has {len(x)} samples but y has {len(y)}: "
            "inputs and targets must have one row per sample, in the same order"
        )


def train_val_test_split(
    x: np.ndarray,
    y: np.ndarray,
    val_fraction: float = 0.1,
    test_fraction: float = 0.1,
    shuffle: bool = True,
    rng: np.random.Generator | None = None,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Split samples into training, validation and test sets.

    Args:
        x: inputs, shape ``(N, ...)``.
        y: targets, shape ``(N, ...)``.
        val_fraction, test_fraction: shares of N for validation and test
            (rounded to whole samples); the rest is for training.
        shuffle: permute the samples first (with ``rng``, default: the shared stream of `nnbook.random`).

    Returns:
        ``((x_train, y_train), (x_val, y_val), (x_test, y_test))``.
    """
    _check_pair(x, y, "train_val_test_split")
    if val_fraction < 0 or test_fraction < 0 or val_fraction + test_fraction >= 1:
        raise ValueError(
            f"train_val_test_split needs val_fraction, test_fraction >= 0 with a sum below 1, "
            f"got {val_fraction} and {test_fraction}"
        )
    n = len(x)
    order = get_rng(rng).permutation(n) if shuffle else np.arange(n)
    n_test = round(n * test_fraction)
    n_val = round(n * val_fraction)
    test, val, train = np.split(order, [n_test, n_test + n_val])
    return (x[train], y[train]), (x[val], y[val]), (x[test], y[test])


def iterate_minibatches(
    x: np.ndarray,
    y: np.ndarray | None = None,
    batch_size: int = 32,
    shuffle: bool = True,
    rng: np.random.Generator | None = None,
) -> Iterator[tuple[np.ndarray, np.ndarray | None]]:
    """Yield mini-batches ``(x_batch, y_batch)`` covering every sample once.

    There are ⌈N / batch_size⌉ batches (iterations per epoch); the last one may be smaller.

    Args:
        x: inputs, shape ``(N, ...)``.
        y: targets, shape ``(N, ...)``, or None (then ``y_batch`` is None).
        batch_size: B, samples per batch.
        shuffle: visit samples in a random order (drawn from ``rng``, default: the shared stream of `nnbook.random`).

    Yields:
        ``x[idx]`` of shape ``(B, ...)`` and ``y[idx]`` of shape ``(B, ...)``.
    """
    _check_pair(x, y, "iterate_minibatches")
    if batch_size < 1:
        raise ValueError(f"iterate_minibatches expected batch_size >= 1, got {batch_size}")
    order = get_rng(rng).permutation(len(x)) if shuffle else np.arange(len(x))
    for start in range(0, len(x), batch_size):
        idx = order[start : start + batch_size]
        yield x[idx], (None if y is None else y[idx])


def load_digits(flatten: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled 8×8 handwritten digits (1,797 images; no download).

    Args:
        flatten: True for rows of 64 pixels, False for images ``(N, 1, 8, 8)`` (for `Conv2D`).

    Returns:
        ``(x, y)``: pixel intensities 0..16 as float64, shape ``(1797, 64)`` or
        ``(1797, 1, 8, 8)``, and integer labels 0..9, shape ``(1797,)``.
    """
    from sklearn.datasets import load_digits as sklearn_digits

    bunch = sklearn_digits()
    x = bunch.data.astype(np.float64)
    return (x if flatten else x.reshape(-1, 1, 8, 8)), bunch.target.astype(np.int64)


IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
"""IDX type codes (the third byte of the magic number) and their NumPy dtypes."""


def read_idx(path: str | Path) -> np.ndarray:
    """Read an IDX file (the format of the MNIST files), gzipped or not.

    Layout: two zero bytes, a type code (0x08 = uint8, ...), the number of axes d, then d
    big-endian uint32 sizes, then the values in C order.

    Args:
        path: e.g. ``"train-images-idx3-ubyte"`` or ``"train-images-idx3-ubyte.gz"``.

    Returns:
        Array with the stored shape, e.g. ``(60000, 28, 28)`` uint8 images or ``(60000,)`` labels.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file: it must start with 0x00 0x00, a type code and the number of axes")
    dtype, ndim = IDX_DTYPES[raw[2]], raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int(d) for d in np.frombuffer(raw[4:header], dtype=">u4"))
    expected = math.prod(shape) * dtype.itemsize
    if len(raw) - header != expected:
        raise ValueError(
            f"{path}: the header promises shape {shape} ({expected} bytes of data) but the file "
            f"holds {len(raw) - header} bytes: the file is truncated or corrupt"
        )
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


MNIST_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}


def load_mnist(
    directory: str | Path, flatten: bool = True
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load MNIST from the four IDX files you already have (nothing is downloaded).

    Looks in ``directory`` for ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
    ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte``, each optionally ending
    in ``.gz`` (a ``.`` before ``idx`` is accepted too).

    Args:
        directory: the folder holding the files.
        flatten: True for rows of 784 pixels, False for images ``(N, 1, 28, 28)``.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: pixels scaled to [0, 1] as float64,
        shape ``(N, 784)`` or ``(N, 1, 28, 28)``, and integer labels ``(N,)``.
    """
    directory = Path(directory)
    arrays = {}
    for key, stem in MNIST_FILES.items():
        candidates = [stem, stem + ".gz", stem.replace("-idx", ".idx"), stem.replace("-idx", ".idx") + ".gz"]
        found = next((directory / c for c in candidates if (directory / c).exists()), None)
        if found is None:
            raise FileNotFoundError(
                f"load_mnist found no {stem}[.gz] in {directory}: put the four MNIST IDX files "
                f"({', '.join(MNIST_FILES.values())}) there; nnbook never downloads data"
            )
        arrays[key] = read_idx(found)
    splits = []
    for split in ("train", "test"):
        images = arrays[f"x_{split}"].astype(np.float64) / 255.0
        x = images.reshape(len(images), -1) if flatten else images[:, np.newaxis]
        splits.append((x, arrays[f"y_{split}"].astype(np.int64)))
    return splits[0], splits[1]


_MOVED = {
    **dict.fromkeys(
        ["Standardizer", "MinMaxScaler", "PCAWhitener", "ZCAWhitener", "one_hot", "from_one_hot"],
        "nnbook.preprocessing",
    ),
    **dict.fromkeys(["shift_images", "rotate_images", "add_noise"], "nnbook.augment"),
}


def __getattr__(name: str) -> object:
    """Point code written for the old, single data module to where a name lives now."""
    if name in _MOVED:
        raise ImportError(f"{name} moved out of nnbook.data: use `from {_MOVED[name]} import {name}`")
    raise AttributeError(f"module 'nnbook.data' has no attribute {name!r}")
