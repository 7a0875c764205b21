"""Preprocessing: scalers, whiteners and one-hot labels.

Scalers and whiteners follow the fit/transform pattern. ``fit`` learns its statistics from
the TRAINING data only; ``transform`` then applies those same, frozen statistics to
training, validation and test data alike (fitting on anything but the training data leaks
information about the held-out data into the model). A batch is an array of shape
``(N, D)``: N samples, D features.

- `Standardizer`: x' = (x − μ) / σ per feature (标准化);
- `MinMaxScaler`: x' = (x − min) / (max − min) per feature (归一化);
- `RobustScaler`: x' = (x − median) / IQR per feature, unmoved by a few outliers;
- `PCAWhitener`, `ZCAWhitener`: decorrelated features of unit variance (白化);
- `CorrelationSelector`: keep the k features most correlated with the target;
- `one_hot`, `from_one_hot`: class labels to one-hot rows and back.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np

from nnbook._checks import as_float_array, check_nonempty


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


class _ShiftScale(_Scaler):
    """A per-feature affine scaler x' = (x − centre) / scale; subclasses choose the two."""

    @abstractmethod
    def _statistics(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The centre and the scale, each ``(D,)``, of training data ``x`` ``(N, D)``."""

    def fit(self, x: np.ndarray) -> _ShiftScale:
        """Learn ``center_`` and ``scale_``, each of shape ``(D,)``, from ``x`` ``(N, D)``.

        A feature whose scale is 0 (e.g. a pixel that is always blank) gets scale 1, so it is
        only shifted, never divided by 0.
        """
        centre, scale = self._statistics(self._check(x, fitting=True))
        self.center_ = centre
        self.scale_ = np.where(scale > 0, scale, 1.0)
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        """(x − centre) / scale with the training statistics. x: ``(N, D)``; returns ``(N, D)``."""
        return (self._check(x, fitting=False) - self.center_) / self.scale_

    def inverse_transform(self, x: np.ndarray) -> np.ndarray:
        """Undo the scaling: x' · scale + centre. x: ``(N, D)``; returns ``(N, D)``."""
        return self._check(x, fitting=False) * self.scale_ + self.center_


def _alias(attribute: str, doc: str) -> property:
    """A read-only second name for a fitted statistic (e.g. ``mean_`` for ``center_``)."""
    return property(lambda self: getattr(self, attribute), doc=doc)


class Standardizer(_ShiftScale):
    """Standardization (z-score): x' = (x − μ) / σ per feature, μ and σ from the training data.

    On the training data every feature then has mean 0 and standard deviation 1.
    ``mean_`` and ``std_`` name the fitted μ and σ (the same arrays as ``center_`` and
    ``scale_``). σ is the population standard deviation (divides by N).
    """

    def _statistics(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return x.mean(axis=0), x.std(axis=0)

    mean_ = _alias("center_", "μ, shape ``(D,)``.")
    std_ = _alias("scale_", "σ, shape ``(D,)`` (1 where the training feature is constant).")


class MinMaxScaler(_ShiftScale):
    """Min-max normalization: x' = (x − min) / (max − min) per feature.

    Maps the TRAINING data into [0, 1]; validation and test values outside the training
    range land outside [0, 1] (they are not clipped). ``min_`` and ``range_`` name the
    fitted min and max − min.
    """

    def _statistics(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        low = x.min(axis=0)
        return low, x.max(axis=0) - low

    min_ = _alias("center_", "The training minimum, shape ``(D,)``.")
    range_ = _alias("scale_", "max − min of the training data, shape ``(D,)`` (1 where it is 0).")


class RobustScaler(_ShiftScale):
    """Robust scaling: x' = (x − median) / IQR per feature, IQR = Q3 − Q1 (75th − 25th percentile).

    Median and interquartile range barely move when a few samples are extreme, whereas one
    outlier can stretch max − min (and σ) arbitrarily far.
    """

    def _statistics(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        q1, median, q3 = np.percentile(x, [25.0, 50.0, 75.0], axis=0)
        return median, q3 - q1


class PCAWhitener(_Scaler):
    """PCA whitening: rotate onto the principal axes and give each unit variance.

    With the training covariance Σ = (1/N) X_cᵀ X_c = U diag(s) Uᵀ (X_c centred; the
    eigenvalues s_k are the variances along the principal axes, the columns of U):

        x' = (x − μ) U diag(1 / √(s + ε)).

    The new features are uncorrelated, and feature k has variance s_k / (s_k + ε), close to
    1 where s_k ≫ ε: the two conditions of whitening. ε keeps directions of (almost) zero
    variance, often pure noise, from being blown up; a larger ε whitens less.
    """

    def __init__(self, eps: float = 1e-5) -> None:
        super().__init__()
        if not eps >= 0:
            raise ValueError(f"{type(self).__name__} needs eps >= 0, got {eps}: e.g. eps=1e-5")
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
        if self.eps == 0 and self.eigenvalues_[-1] <= 1e-12 * max(self.eigenvalues_[0], 1e-300):
            raise ValueError(
                f"{type(self).__name__}(eps=0): the training data have a direction without variance "
                f"(smallest eigenvalue {self.eigenvalues_[-1]:.1e}), which whitening would divide by 0: "
                "use eps > 0, e.g. eps=1e-5"
            )
        self.W_ = self._whitening_matrix()
        return self

    def _whitening_matrix(self) -> np.ndarray:
        return self.components_ / np.sqrt(self.eigenvalues_ + self.eps)

    def transform(self, x: np.ndarray) -> np.ndarray:
        """(x − μ) W. x: ``(N, D)``; returns ``(N, D)``."""
        return (self._check(x, fitting=False) - self.mean_) @ self.W_


class ZCAWhitener(PCAWhitener):
    """ZCA whitening: PCA whitening rotated back to the original axes,

        x' = (x − μ) U diag(1 / √(s + ε)) Uᵀ,

    the whitened data closest to the original (whitened images still look like images).
    Its matrix ``W_`` is symmetric.
    """

    def _whitening_matrix(self) -> np.ndarray:
        return super()._whitening_matrix() @ self.components_.T


class CorrelationSelector:
    """Feature selection: keep the k features whose absolute correlation with the target,
    ``|corr(x_j, y)|``, is largest on the TRAINING data.

    A supervised statistic: it looks at the labels, so fitting it on data that include the
    test set leaks the test labels into the model (the chapter on preprocessing measures how
    much).
    """

    def __init__(self, k: int) -> None:
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
            raise ValueError(f"CorrelationSelector needs a whole number k >= 1 of features to keep, got {k!r}")
        self.k = int(k)

    def fit(self, x: np.ndarray, y: np.ndarray) -> CorrelationSelector:
        """Learn ``scores_`` ``(D,)``, the absolute correlation of each feature of ``x`` ``(N, D)`` with
        the numeric target ``y`` ``(N,)`` (0 for a constant feature), and ``columns_`` ``(k,)``,
        the kept features, best first; returns self."""
        x = as_float_array(x, "CorrelationSelector")
        y = as_float_array(y, "CorrelationSelector", "target")
        if x.ndim != 2 or y.shape != (len(x),):
            raise ValueError(
                f"CorrelationSelector expected x of shape (N, D) and y of shape (N,), got {x.shape} and {y.shape}"
            )
        check_nonempty(x, "CorrelationSelector")
        if self.k > x.shape[1]:
            raise ValueError(f"CorrelationSelector(k={self.k}) cannot keep more than the {x.shape[1]} features there are")
        xc, yc = x - x.mean(axis=0), y - y.mean()
        norms = np.linalg.norm(xc, axis=0) * np.linalg.norm(yc)
        self.scores_ = np.abs(yc @ xc) / np.where(norms > 0, norms, np.inf)
        self.columns_ = np.argsort(self.scores_, kind="stable")[::-1][: self.k]
        return self

    def transform(self, x: np.ndarray) -> np.ndarray:
        """The kept columns of ``x`` ``(N, D)``; returns ``(N, k)``."""
        if not hasattr(self, "columns_"):
            raise RuntimeError("CorrelationSelector: call fit on the training data before transform")
        return np.asarray(x)[:, self.columns_]


def one_hot(labels: np.ndarray, num_classes: int | None = None) -> np.ndarray:
    """One-hot encode integer labels: row n has a 1 in column labels[n] and 0 elsewhere.

    Args:
        labels: integer class labels in 0..K−1, shape ``(N,)``.
        num_classes: K (default: max(labels) + 1; pass it when a batch may miss classes).

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
