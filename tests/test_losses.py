"""Loss functions and loss objects."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnbook.activations import sigmoid, softmax
from nnbook.gradcheck import check_loss
from nnbook.losses import (
    BCELoss,
    CrossEntropyLoss,
    FocalLoss,
    HalfSquaredErrorLoss,
    MAELoss,
    MSELoss,
    SequenceCrossEntropyLoss,
    SoftmaxCrossEntropyLoss,
    binary_cross_entropy,
    cross_entropy,
    focal_loss,
    half_squared_error,
    mae,
    mse,
    sequence_cross_entropy,
    softmax_cross_entropy,
)

TOL = 1e-6
sizes = st.integers(1, 5)
seeds = st.integers(0, 2**32 - 1)


def make_case(kind, n, k, rng):
    """(loss, pred, target) with predictions away from kinks and clipping bounds."""
    logits = rng.normal(size=(n, k))
    labels = rng.integers(0, k, size=n)
    bits = (rng.random((n, k)) < 0.5).astype(float)
    probs = sigmoid(rng.normal(size=(n, k)))
    if kind == "mse":
        return MSELoss(), logits, rng.normal(size=(n, k))
    if kind == "mae":
        target = logits + rng.choice([-1.0, 1.0], size=(n, k)) * rng.uniform(0.1, 1.0, size=(n, k))
        return MAELoss(), logits, target
    if kind == "half":
        return HalfSquaredErrorLoss(), logits, rng.normal(size=(n, k))
    if kind == "bce":
        return BCELoss(), probs, bits
    if kind == "ce_labels":
        return CrossEntropyLoss(), softmax(logits), labels
    if kind == "ce_onehot":
        return CrossEntropyLoss(), softmax(logits), np.eye(k)[labels]
    if kind == "softmax_ce_labels":
        return SoftmaxCrossEntropyLoss(), logits, labels
    if kind == "softmax_ce_soft":
        return SoftmaxCrossEntropyLoss(), logits, softmax(rng.normal(size=(n, k)))
    if kind == "focal":
        return FocalLoss(gamma=2.0), probs, bits
    if kind == "focal_alpha":
        return FocalLoss(gamma=0.5, alpha=0.25), probs, bits
    t = k + 1
    mask = (rng.random((n, t)) < 0.7).astype(float)
    mask[:, 0] = 1.0
    return SequenceCrossEntropyLoss(mask=mask), softmax(rng.normal(size=(n, t, k))), rng.integers(0, k, (n, t))


KINDS = ["mse", "mae", "half", "bce", "ce_labels", "ce_onehot", "softmax_ce_labels",
         "softmax_ce_soft", "focal", "focal_alpha", "sequence"]


@settings(max_examples=40, deadline=None)
@given(kind=st.sampled_from(KINDS), n=sizes, k=st.integers(2, 5), seed=seeds)
def test_loss_gradients(kind, n, k, seed):
    loss, pred, target = make_case(kind, n, k, np.random.default_rng(seed))
    assert check_loss(loss, pred, target) < TOL


@pytest.mark.parametrize("kind", KINDS)
def test_every_loss_gradient_once(kind):
    loss, pred, target = make_case(kind, 3, 4, np.random.default_rng(0))
    assert check_loss(loss, pred, target) < TOL


def test_known_values():
    pred = np.array([[1.0, 2.0], [3.0, 4.0]])
    target = np.array([[1.0, 0.0], [5.0, 4.0]])
    assert mse(pred, target) == pytest.approx((0 + 4 + 4 + 0) / 4)
    assert mae(pred, target) == pytest.approx((0 + 2 + 2 + 0) / 4)
    assert half_squared_error(pred, target) == pytest.approx((0.5 * 4 + 0.5 * 4) / 2)
    p = np.array([[0.9], [0.2]])
    y = np.array([[1.0], [0.0]])
    assert binary_cross_entropy(p, y) == pytest.approx(-(np.log(0.9) + np.log(0.8)) / 2)
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    assert cross_entropy(probs, [0, 2]) == pytest.approx(-(np.log(0.7) + np.log(0.8)) / 2)
    logits = np.log(probs)
    assert softmax_cross_entropy(logits, [0, 2]) == pytest.approx(cross_entropy(probs, [0, 2]))
    assert focal_loss(p, y, gamma=0.0) == pytest.approx(binary_cross_entropy(p, y))
    assert focal_loss(p, y, gamma=2.0) == pytest.approx(-(0.01 * np.log(0.9) + 0.04 * np.log(0.8)) / 2)
    assert focal_loss(p, y, gamma=0.0, alpha=0.25) == pytest.approx(-(0.25 * np.log(0.9) + 0.75 * np.log(0.8)) / 2)


def test_sequence_cross_entropy_matches_source_formula_and_ignores_padding(rng):
    probs = softmax(rng.normal(size=(1, 4, 3)))
    labels = np.array([[0, 2, 1, 1]])
    y = np.eye(3)[labels]
    expected = -np.sum(y * np.log(probs)) / 4
    assert sequence_cross_entropy(probs, labels) == pytest.approx(expected)
    mask = np.array([[1, 1, 0, 0]])
    changed = probs.copy()
    changed[0, 2:] = softmax(rng.normal(size=(2, 3)))
    assert sequence_cross_entropy(probs, labels, mask) == pytest.approx(sequence_cross_entropy(changed, labels, mask))
    assert sequence_cross_entropy(probs, labels, mask) == pytest.approx(-np.sum(y[0, :2] * np.log(probs[0, :2])) / 2)
    with pytest.raises(ValueError, match="hides every time step"):
        sequence_cross_entropy(probs, labels, np.zeros((1, 4)))
    with pytest.raises(ValueError, match=r"mask of shape \(1, 4\)"):
        sequence_cross_entropy(probs, labels, np.ones((4,)))


def test_softmax_ce_gradient_is_softmax_minus_onehot(rng):
    logits = rng.normal(size=(4, 3))
    labels = np.array([0, 2, 1, 1])
    loss = SoftmaxCrossEntropyLoss()
    loss.forward(logits, labels)
    assert np.allclose(loss.backward(), (softmax(logits) - np.eye(3)[labels]) / 4)


def test_extreme_inputs_are_finite():
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = SoftmaxCrossEntropyLoss()
        value = loss.forward(logits, [1, 2])
        grad = loss.backward()
        assert np.isfinite(value) and value == pytest.approx(2e4 / 2)
        assert np.all(np.isfinite(grad))
        probs = np.array([[0.0, 1.0], [1.0, 0.0]])
        for cls in (BCELoss, FocalLoss):
            for target in (probs, 1.0 - probs):
                loss = cls()
                assert np.isfinite(loss.forward(probs, target))
                assert np.all(np.isfinite(loss.backward()))
        ce = CrossEntropyLoss()
        assert np.isfinite(ce.forward(probs, [0, 1])) and np.all(np.isfinite(ce.backward()))
        assert binary_cross_entropy(probs, probs) == pytest.approx(0.0, abs=1e-10)


def test_batch_of_one():
    loss = SoftmaxCrossEntropyLoss()
    assert loss.forward(np.array([[0.0, 0.0]]), [1]) == pytest.approx(np.log(2))
    assert loss.backward().shape == (1, 2)
    assert MSELoss().forward(np.array([[2.0]]), np.array([[0.0]])) == 4.0


def test_label_and_one_hot_mismatches_name_shapes_and_fix():
    logits = np.zeros((5, 4))
    with pytest.raises(ValueError, match=r"SoftmaxCrossEntropyLoss\(\) expected integer labels of shape \(5,\) or one-hot targets of shape \(5, 4\), got \(5, 1\).*y.ravel\(\)"):
        SoftmaxCrossEntropyLoss().forward(logits, np.zeros((5, 1)))
    with pytest.raises(ValueError, match=r"got \(5, 3\): the targets have 3 classes but the predictions have 4"):
        CrossEntropyLoss().forward(softmax(logits), np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"labels from 0 to 4.*0\.\.3"):
        SoftmaxCrossEntropyLoss().forward(logits, np.arange(5))
    with pytest.raises(ValueError, match="whole numbers"):
        SoftmaxCrossEntropyLoss().forward(logits, np.full(5, 0.5))
    with pytest.raises(ValueError, match=r"got \(4,\)"):
        SoftmaxCrossEntropyLoss().forward(logits, np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match=r"MSELoss\(\) expected target of shape \(5, 4\), got \(5,\).*one_hot\(y, 4\)"):
        MSELoss().forward(logits, np.zeros(5, dtype=int))
    with pytest.raises(ValueError, match=r"y.reshape\(-1, 1\)"):
        BCELoss().forward(np.full((5, 1), 0.5), np.zeros(5))


def test_focal_loss_known_gradient_and_bad_settings():
    # one positive sample, p = 0.8: p_t = 0.8, α_t = 0.25, γ = 2
    # dL/dp = α_t [γ (1 − p_t) log p_t − (1 − p_t)² / p_t]
    loss = FocalLoss(gamma=2.0, alpha=0.25)
    assert loss.forward(np.array([[0.8]]), np.array([[1.0]])) == pytest.approx(-0.25 * 0.04 * np.log(0.8))
    expected = 0.25 * (2 * 0.2 * np.log(0.8) - 0.04 / 0.8)
    assert loss.backward()[0, 0] == pytest.approx(expected)
    with pytest.raises(ValueError, match="gamma >= 0"):
        FocalLoss(gamma=-1.0)
    with pytest.raises(ValueError, match=r"alpha in \[0, 1\]"):
        focal_loss(np.array([[0.5]]), np.array([[1.0]]), alpha=1.5)


def test_bad_dtype_empty_batch_and_order():
    with pytest.raises(ValueError, match="dtype"):
        MSELoss().forward(np.array([["a"]]), np.array([["b"]]))
    with pytest.raises(ValueError, match="empty batch"):
        SoftmaxCrossEntropyLoss().forward(np.zeros((0, 3)), np.zeros(0, dtype=int))
    with pytest.raises(RuntimeError, match="forward before backward"):
        MSELoss().backward()
