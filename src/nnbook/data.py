"""Data: scaling, whitening, labels, splits, mini-batches, augmentation and loaders.

Scalers and whiteners follow the fit/transform pattern: ``fit`` learns statistics on the
TRAINING data only, and ``transform`` applies those same statistics to training,
validation and test data alike. Nothing here downloads anything.
"""

from __future__ import annotations

import gzip
import math
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Iterator

import numpy as np

from nnbook._checks import as_float_array, check_nonempty


def _rng(rng: np.random.Generator | None) -> np.random.Generator:
    return np.random.default_rng(0) if rng is None else rng


class _Scaler(ABC):
    """fit/transform plumbing shared by the scalers and whiteners; x has shape (N, D)."""

    def __init__(self) -> None:
        self.n_features_: int | None = None

    def _check(self, x: np.ndarray, fitting: bool) -> np.ndarray:
        name = type(self).__name__
        x = as_float_array(x, name)
        if x.ndim != 2:
            raise ValueError(
                f"{name} expected data of shape (N, D), got {x.shape}: "
                "flatten each sample into a row first, e.g. x.reshape(len(x), -1)"
            )
        check_nonempty(x, name)
        if fitting:
            self.n_features_ = x.shape[1]
        elif self.n_features_ is None:
            raise RuntimeError(f"{name}: call fit on the training data before transform")
        elif x.shape[1] != self.n_features_:
            raise ValueError(
                f"{name} was fitted on data of shape (N, {self.n_features_}), got {x.shape}: "
                "transform data with the same features as the training data"
            )
        return x

    def fit_transform(self, x: np.ndarray) -> np.ndarray:
        """Fit on ``x`` ``(N, D)`` and return ``transform(x)``."""
        return self.fit(x).transform(x)

    @abstractmethod
    def fit(self, x: np.ndarray) -> _Scaler:
        """Learn the statistics from training data ``x`` ``(N, D)``; returns self."""

    @abstractmethod
    def transform(self, x: np.ndarray) -> np.ndarray:
        """Apply the learned statistics to ``x`` ``(N, D)``; returns ``(N, D)``."""


class Standardizer(_Scaler):
    """Standardisation: x' = (x − μ) / σ per feature, μ and σ from the training data.

    A feature with σ = 0 (e.g. a pixel that is always blank) is only centred.
    """

    def fit(self, x: np.ndarray) -> Standardizer:
        """Learn μ (``mean_``) and σ (``std_``), each of shape ``(D,)``, from ``x`` ``(N, D)``."""
        x = self._check(x, fitting=True)
        self.mean_ = x.mean(axis=0)
        std = x.std(axis=0)
        self.std_ = np.where(std > 0, std, 1.0)
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        """(x − μ) / σ. x: ``(N, D)``; returns ``(N, D)``."""
        return (self._check(x, fitting=False) - self.mean_) / self.std_

    def inverse_transform(self, x: np.ndarray) -> np.ndarray:
        """Undo the scaling: x' σ + μ. x: ``(N, D)``; returns ``(N, D)``."""
        return self._check(x, fitting=False) * self.std_ + self.mean_


class MinMaxScaler(_Scaler):
    """Min-max normalisation: x' = (x − min) / (max − min) per feature, into [0, 1] on the training data.

    A feature with max = min is only shifted.
    """

    def fit(self, x: np.ndarray) -> MinMaxScaler:
        """Learn ``min_`` and ``range_`` (max − min), each of shape ``(D,)``, from ``x`` ``(N, D)``."""
        x = self._check(x, fitting=True)
        self.min_ = x.min(axis=0)
        span = x.max(axis=0) - self.min_
        self.range_ = np.where(span > 0, span, 1.0)
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        """(x − min) / (max − min). x: ``(N, D)``; returns ``(N, D)``."""
        return (self._check(x, fitting=False) - self.min_) / self.range_

    def inverse_transform(self, x: np.ndarray) -> np.ndarray:
        """Undo the scaling: x' (max − min) + min. x: ``(N, D)``; returns ``(N, D)``."""
        return self._check(x, fitting=False) * self.range_ + self.min_


class PCAWhitener(_Scaler):
    """PCA whitening: rotate onto the principal axes and give each unit variance.

    With the training covariance Σ = (1/N) X_cᵀ X_c = U diag(λ) Uᵀ (X_c centred):

        x' = (x − μ) U diag(1 / √(λ + ε)).

    The new features are uncorrelated with (nearly) equal variance 1 — the two conditions
    of whitening. ε keeps directions of (almost) zero variance from blowing up.
    """

    def __init__(self, eps: float = 1e-5) -> None:
        super().__init__()
        self.eps = eps

    def fit(self, x: np.ndarray) -> PCAWhitener:
        """Learn ``mean_`` ``(D,)``, the eigenvalues ``eigenvalues_`` ``(D,)`` (largest first),
        the eigenvectors ``components_`` ``(D, D)`` (as columns) and the map ``W_`` ``(D, D)``."""
        x = self._check(x, fitting=True)
        self.mean_ = x.mean(axis=0)
        centred = x - self.mean_
        eigenvalues, vectors = np.linalg.eigh(centred.T @ centred / len(x))
        order = np.argsort(eigenvalues)[::-1]
        self.eigenvalues_ = np.clip(eigenvalues[order], 0.0, None)
        self.components_ = vectors[:, order]
        self.W_ = self._whitening_matrix()
        return self

    def _whitening_matrix(self) -> np.ndarray:
        return self.components_ / np.sqrt(self.eigenvalues_ + self.eps)

    def transform(self, x: np.ndarray) -> np.ndarray:
        """(x − μ) W. x: ``(N, D)``; returns ``(N, D)``."""
        return (self._check(x, fitting=False) - self.mean_) @ self.W_


class ZCAWhitener(PCAWhitener):
    """ZCA whitening: PCA whitening rotated back to the original axes,

        x' = (x − μ) U diag(1 / √(λ + ε)) Uᵀ,

    the whitened data closest to the original (whitened images still look like images).
    """

    def _whitening_matrix(self) -> np.ndarray:
        return super()._whitening_matrix() @ self.components_.T


def one_hot(labels: np.ndarray, num_classes: int | None = None) -> np.ndarray:
    """One-hot encode integer labels: row n has a 1 in column labels[n] and 0 elsewhere.

    Args:
        labels: integer class labels in 0..K−1, shape ``(N,)``.
        num_classes: K (default: max(labels) + 1).

    Returns:
        Float array of shape ``(N, K)``.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1:
        raise ValueError(
            f"one_hot expected labels of shape (N,), got {labels.shape}: flatten them, e.g. y.ravel()"
        )
    if labels.size and not np.all(labels == np.round(labels)):
        raise ValueError("one_hot expected whole-number class labels 0..K-1, got fractions")
    if num_classes is None and labels.size == 0:
        raise ValueError("one_hot cannot guess the number of classes from no labels: pass num_classes")
    labels = labels.astype(int)
    k = int(labels.max()) + 1 if num_classes is None else num_classes
    if labels.size and (labels.min() < 0 or labels.max() >= k):
        raise ValueError(
            f"one_hot got labels from {labels.min()} to {labels.max()} with num_classes={k}: "
            f"labels must lie in 0..{k - 1}"
        )
    return np.eye(k)[labels]


def from_one_hot(y: np.ndarray) -> np.ndarray:
    """Back from one-hot (or class probabilities) to labels: argmax_k y_nk.

    Args:
        y: shape ``(N, K)``.

    Returns:
        Integer labels of shape ``(N,)``.
    """
    y = np.asarray(y)
    if y.ndim != 2:
        raise ValueError(f"from_one_hot expected one-hot rows of shape (N, K), got {y.shape}")
    return np.argmax(y, axis=1)


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
        shuffle: permute the samples first (with ``rng``, default seeded with 0).

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
    order = _rng(rng).permutation(n) if shuffle else np.arange(n)
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
        shuffle: visit samples in a random order (drawn from ``rng``, default seeded with 0).

    Yields:
        ``x[idx]`` of shape ``(B, ...)`` and ``y[idx]`` of shape ``(B, ...)``.
    """
    _check_pair(x, y, "iterate_minibatches")
    if batch_size < 1:
        raise ValueError(f"iterate_minibatches expected batch_size >= 1, got {batch_size}")
    order = _rng(rng).permutation(len(x)) if shuffle else np.arange(len(x))
    for start in range(0, len(x), batch_size):
        idx = order[start : start + batch_size]
        yield x[idx], (None if y is None else y[idx])


def _as_image_batch(images: np.ndarray, owner: str) -> np.ndarray:
    images = as_float_array(images, owner, "images")
    if images.ndim not in (3, 4):
        raise ValueError(
            f"{owner} expected images of shape (N, H, W) or (N, C, H, W), got {images.shape}: "
            "reshape flat images first, e.g. x.reshape(len(x), 8, 8) for the digits"
        )
    check_nonempty(images, owner, "images")
    return images


def shift_images(images: np.ndarray, max_shift: int = 1, rng: np.random.Generator | None = None) -> np.ndarray:
    """Shift each image by a random whole number of pixels (dy, dx) ∈ [−s, s]², filling with 0.

    Args:
        images: shape ``(N, H, W)`` or ``(N, C, H, W)``.
        max_shift: s, the largest shift in pixels along each axis.

    Returns:
        Shifted copies, the same shape.
    """
    images = _as_image_batch(images, "shift_images")
    rng = _rng(rng)
    n, (h, w) = len(images), images.shape[-2:]
    shifts = rng.integers(-max_shift, max_shift + 1, size=(n, 2))
    padded = np.zeros((*images.shape[:-2], h + 2 * max_shift, w + 2 * max_shift))
    padded[..., max_shift : max_shift + h, max_shift : max_shift + w] = images
    out = np.empty_like(images)
    for dy, dx in {tuple(s) for s in shifts.tolist()}:
        sel = np.flatnonzero((shifts[:, 0] == dy) & (shifts[:, 1] == dx))
        top, left = max_shift - dy, max_shift - dx
        out[sel] = padded[sel, ..., top : top + h, left : left + w]
    return out


def rotate_images(images: np.ndarray, max_degrees: float = 15.0, rng: np.random.Generator | None = None) -> np.ndarray:
    """Rotate each image about its centre by a random angle in [−max_degrees, max_degrees].

    Each output pixel (r, c) takes the input value at the point rotated back by the
    angle, by bilinear interpolation; points outside the image count as 0.

    Args:
        images: shape ``(N, H, W)`` or ``(N, C, H, W)``.
        max_degrees: the largest rotation, in degrees.

    Returns:
        Rotated copies, the same shape.
    """
    images = _as_image_batch(images, "rotate_images")
    batch = images if images.ndim == 4 else images[:, np.newaxis]
    n, c, h, w = batch.shape
    angles = np.deg2rad(_rng(rng).uniform(-max_degrees, max_degrees, size=(n, 1, 1)))
    rows, cols = np.meshgrid(np.arange(h) - (h - 1) / 2, np.arange(w) - (w - 1) / 2, indexing="ij")
    cos, sin = np.cos(angles), np.sin(angles)
    src_r = cos * rows - sin * cols + (h - 1) / 2
    src_c = sin * rows + cos * cols + (w - 1) / 2
    padded = np.zeros((n, c, h + 2, w + 2))
    padded[:, :, 1:-1, 1:-1] = batch
    src_r = np.clip(src_r + 1, 0, h + 1)
    src_c = np.clip(src_c + 1, 0, w + 1)
    r0 = np.minimum(np.floor(src_r).astype(int), h)
    c0 = np.minimum(np.floor(src_c).astype(int), w)
    fr, fc = src_r - r0, src_c - c0
    sample = np.arange(n)[:, None, None]

    def at(r: np.ndarray, col: np.ndarray) -> np.ndarray:
        return np.moveaxis(padded[sample, :, r, col], -1, 1)

    out = (
        at(r0, c0) * ((1 - fr) * (1 - fc))[:, None]
        + at(r0, c0 + 1) * ((1 - fr) * fc)[:, None]
        + at(r0 + 1, c0) * (fr * (1 - fc))[:, None]
        + at(r0 + 1, c0 + 1) * (fr * fc)[:, None]
    )
    return out if images.ndim == 4 else out[:, 0]


def add_noise(x: np.ndarray, std: float = 0.1, rng: np.random.Generator | None = None) -> np.ndarray:
    """Add Gaussian noise: x' = x + n, n ~ N(0, std²), element by element. Shape in = shape out."""
    x = as_float_array(x, "add_noise")
    return x + _rng(rng).normal(0.0, std, size=x.shape)


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
