"""Preprocessing: scalers, whiteners and one-hot labels (fit on training data, apply unchanged)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnbook.preprocessing import (
    CorrelationSelector,
    MinMaxScaler,
    PCAWhitener,
    RobustScaler,
    Standardizer,
    ZCAWhitener,
    from_one_hot,
    one_hot,
)

SCALERS = [Standardizer, MinMaxScaler, RobustScaler, PCAWhitener, ZCAWhitener]


def correlated(rng, n=2000):
    mix = np.array([[2.0, 0.5, 0.0], [0.0, 1.0, 0.8], [0.0, 0.0, 0.3]])
    return rng.normal(size=(n, 3)) @ mix + [1.0, -2.0, 5.0]


def test_standardizer_known_values():
    x = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 10.0]])
    scaler = Standardizer().fit(x)
    assert np.allclose(scaler.mean_, [3.0, 10.0]) and np.allclose(scaler.std_, [np.sqrt(8 / 3), 1.0])
    z = scaler.transform(x)
    assert np.allclose(z[:, 0], [-np.sqrt(1.5), 0.0, np.sqrt(1.5)]) and np.allclose(z[:, 1], 0.0)
    assert np.allclose(scaler.inverse_transform(z), x)


def test_standardizer_gives_zero_mean_unit_variance_on_training_data(rng):
    z = Standardizer().fit_transform(correlated(rng))
    assert np.allclose(z.mean(axis=0), 0.0) and np.allclose(z.std(axis=0), 1.0)


@pytest.mark.parametrize("cls", SCALERS)
def test_statistics_fitted_on_training_data_are_applied_unchanged(cls, rng):
    """The core rule: validation and test data go through the TRAINING statistics, untouched."""
    train, val, test = correlated(rng), correlated(rng, 40) + 10.0, correlated(rng, 7) * 3.0
    scaler = cls().fit(train)
    frozen = {k: np.copy(v) for k, v in vars(scaler).items() if isinstance(v, np.ndarray)}
    out_val, out_test = scaler.transform(val), scaler.transform(test)
    for key, value in frozen.items():
        assert np.array_equal(getattr(scaler, key), value), f"transform changed the fitted {key}"
    # each row is mapped on its own: no statistic of the batch being transformed is used
    rowwise = np.concatenate([scaler.transform(row[None]) for row in test])
    assert np.allclose(out_test, rowwise)
    assert np.allclose(scaler.transform(np.concatenate([val, test])), np.concatenate([out_val, out_test]))
    # and it is the training map, not one refitted on the new data
    assert not np.allclose(out_val, cls().fit_transform(val))


def test_standardizer_transforms_test_data_with_training_statistics(rng):
    train, test = correlated(rng), correlated(rng, 50) + 10.0
    scaler = Standardizer().fit(train)
    assert np.allclose(scaler.transform(test), (test - train.mean(axis=0)) / train.std(axis=0))


def test_constant_feature_is_only_shifted():
    constant = np.column_stack([np.full(10, 3.0), np.arange(10.0)])
    for cls in (Standardizer, MinMaxScaler, RobustScaler):
        out = cls().fit_transform(constant)
        assert np.all(np.isfinite(out)) and np.allclose(out[:, 0], 0.0)


def test_minmax_scaler_maps_training_data_to_unit_interval(rng):
    x = correlated(rng)
    scaler = MinMaxScaler().fit(x)
    out = scaler.transform(x)
    assert np.allclose(out.min(axis=0), 0.0) and np.allclose(out.max(axis=0), 1.0)
    assert np.allclose(scaler.inverse_transform(out), x)
    assert np.allclose(scaler.min_, x.min(axis=0)) and np.allclose(scaler.range_, np.ptp(x, axis=0))
    beyond = scaler.transform(x.max(axis=0, keepdims=True) * 2 + 1)
    assert np.all(beyond > 1.0), "test values beyond the training range are not clipped"


def test_robust_scaler_known_values_and_outliers():
    x = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]])
    scaler = RobustScaler().fit(x)
    assert scaler.center_[0] == 3.0 and scaler.scale_[0] == 2.0        # median 3, Q3 - Q1 = 4 - 2
    assert np.allclose(scaler.transform(x)[:, 0], [-1.0, -0.5, 0.0, 0.5, 1.0])
    with_outlier = np.vstack([x, [[1e6]]])
    assert RobustScaler().fit(with_outlier).scale_[0] < 3.0
    assert MinMaxScaler().fit(with_outlier).range_[0] > 1e5


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, (12, 3), elements=st.sampled_from([0.0, 1.0]) | st.floats(1e-3, 1e3) | st.floats(-1e3, -1e-3)))
def test_affine_scalers_invert(x):
    for cls in (Standardizer, MinMaxScaler, RobustScaler):
        scaler = cls().fit(x)
        assert np.allclose(scaler.inverse_transform(scaler.transform(x)), x, atol=1e-9 * (1 + np.abs(x).max()))


@pytest.mark.parametrize("cls", [PCAWhitener, ZCAWhitener])
def test_whitening_gives_identity_covariance(cls, rng):
    x = correlated(rng)
    out = cls(eps=1e-8).fit(x).transform(x)
    assert np.allclose(np.cov(out.T, bias=True), np.eye(3), atol=1e-6)
    assert np.allclose(out.mean(axis=0), 0.0)


def test_pca_whitening_known_values():
    """Two features along the diagonal: variances 4 and 1 on the axes (1, 1)/√2 and (1, −1)/√2."""
    u = np.array([[1.0, 1.0], [1.0, -1.0]]) / np.sqrt(2)
    scores = np.array([[2.0, 1.0], [-2.0, 1.0], [2.0, -1.0], [-2.0, -1.0]])
    white = PCAWhitener(eps=0.0).fit(scores @ u.T)
    assert np.allclose(white.eigenvalues_, [4.0, 1.0])
    assert np.allclose(np.abs(white.transform(scores @ u.T)), 1.0)


@pytest.mark.parametrize("cls", [PCAWhitener, ZCAWhitener])
def test_whitening_epsilon_tames_a_direction_without_variance(cls, rng):
    x = correlated(rng)
    x = np.column_stack([x, x[:, 0] + x[:, 1]])
    white = cls(eps=1e-2).fit(x)
    out = white.transform(x)
    assert np.all(np.isfinite(out))
    assert white.eigenvalues_[-1] < 1e-9
    variances = np.sort(np.linalg.eigvalsh(np.cov(out.T, bias=True)))
    expected = np.sort(white.eigenvalues_ / (white.eigenvalues_ + 1e-2))
    assert np.allclose(variances, expected, atol=1e-9), "each direction keeps variance λ/(λ + ε), not 1/0"
    with pytest.raises(ValueError, match="without variance.*eps > 0"):
        cls(eps=0.0).fit(x)
    with pytest.raises(ValueError, match="eps >= 0"):
        cls(eps=-1.0)


def test_zca_stays_close_to_the_data_and_is_symmetric(rng):
    x = correlated(rng)
    zca = ZCAWhitener(eps=1e-8).fit(x)
    assert np.allclose(zca.W_, zca.W_.T)
    pca = PCAWhitener(eps=1e-8).fit(x)
    centred = Standardizer().fit_transform(x)
    assert np.linalg.norm(zca.transform(x) - centred) < np.linalg.norm(pca.transform(x) - centred)


def test_scaler_errors(rng):
    with pytest.raises(RuntimeError, match="call fit"):
        Standardizer().transform(np.zeros((2, 2)))
    scaler = Standardizer().fit(rng.normal(size=(5, 3)))
    with pytest.raises(ValueError, match=r"fitted on data of shape \(N, 3\), got \(5, 4\)"):
        scaler.transform(np.zeros((5, 4)))
    with pytest.raises(ValueError, match=r"\(N, D\), got \(5, 8, 8\).*reshape"):
        Standardizer().fit(np.zeros((5, 8, 8)))
    with pytest.raises(ValueError, match="empty batch"):
        MinMaxScaler().fit(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="real-valued"):
        RobustScaler().fit(np.array([["a", "b"]]))


def test_one_hot_round_trip():
    labels = np.array([2, 0, 1, 2])
    encoded = one_hot(labels, 4)
    assert encoded.shape == (4, 4) and np.array_equal(encoded.sum(axis=1), np.ones(4))
    assert encoded[0, 2] == 1.0
    assert np.array_equal(from_one_hot(encoded), labels)
    assert one_hot(labels).shape == (4, 3)
    with pytest.raises(ValueError, match=r"num_classes=2: labels must lie in 0\.\.1"):
        one_hot(labels, 2)
    with pytest.raises(ValueError, match="y.ravel"):
        one_hot(labels[:, None])
    with pytest.raises(ValueError, match="fractions"):
        one_hot(np.array([0.5]))
    assert one_hot(np.array([], dtype=int), 3).shape == (0, 3)
    with pytest.raises(ValueError, match="pass num_classes"):
        one_hot(np.array([], dtype=int))
    with pytest.raises(ValueError, match=r"\(N, K\)"):
        from_one_hot(labels)


def test_correlation_selector_keeps_the_most_correlated_features(rng):
    y = rng.normal(size=500)
    noise = rng.normal(size=(500, 6))
    x = np.column_stack([noise[:, 0], y + 0.1 * noise[:, 1], noise[:, 2], -y + noise[:, 3], np.ones(500), noise[:, 4]])
    sel = CorrelationSelector(k=2).fit(x, y)
    assert sel.columns_.tolist() == [1, 3]
    assert sel.scores_[4] == 0.0 and sel.scores_[1] == pytest.approx(np.corrcoef(x[:, 1], y)[0, 1])
    assert np.array_equal(sel.transform(x[:7]), x[:7, [1, 3]])
    with pytest.raises(ValueError, match="k >= 1"):
        CorrelationSelector(0)
    with pytest.raises(ValueError, match="more than the 6 features"):
        CorrelationSelector(7).fit(x, y)
    with pytest.raises(ValueError, match=r"\(N, D\) and y of shape \(N,\)"):
        CorrelationSelector(1).fit(x, y[:-1])
    with pytest.raises(RuntimeError, match="call fit"):
        CorrelationSelector(1).transform(x)
