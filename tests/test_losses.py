"""Loss functions and loss objects."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnbook.activations import Sigmoid, sigmoid, softmax
from nnbook.layers import Linear
from nnbook.network import Sequential
from nnbook.train import evaluate
from nnbook.gradcheck import check_loss
from nnbook.examples import S2_EXAMPLE, S4_EXAMPLE
from nnbook.losses import (
    BCELoss,
    CrossEntropyLoss,
    FocalLoss,
    HalfSquaredErrorLoss,
    HuberLoss,
    MAELoss,
    MSELoss,
    SequenceCrossEntropyLoss,
    SigmoidCrossEntropyLoss,
    SigmoidFocalLoss,
    SoftmaxCrossEntropyLoss,
    binary_cross_entropy,
    cross_entropy,
    focal_loss,
    half_squared_error,
    huber,
    mae,
    mse,
    sequence_cross_entropy,
    sigmoid_cross_entropy,
    sigmoid_focal_loss,
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
    if kind == "huber":
        # residuals away from the kinks at ±δ (δ = 0.5), on both sides of them
        size = rng.choice([0.1, 0.3, 0.8, 2.0], size=(n, k)) * rng.choice([-1.0, 1.0], size=(n, k))
        return HuberLoss(delta=0.5), logits, logits + size
    if kind == "bce":
        return BCELoss(), probs, bits
    if kind == "sigmoid_ce":
        return SigmoidCrossEntropyLoss(), 3 * logits, bits
    if kind == "sigmoid_ce_soft":
        return SigmoidCrossEntropyLoss(), logits, rng.random((n, k))
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
    if kind == "sigmoid_focal":
        return SigmoidFocalLoss(gamma=2.0), 3 * logits, bits
    if kind == "sigmoid_focal_alpha":
        return SigmoidFocalLoss(gamma=0.5, alpha=0.25), 3 * logits, bits
    t = k + 1
    mask = (rng.random((n, t)) < 0.7).astype(float)
    mask[:, 0] = 1.0
    return SequenceCrossEntropyLoss(mask=mask), softmax(rng.normal(size=(n, t, k))), rng.integers(0, k, (n, t))


KINDS = ["mse", "mae", "half", "huber", "bce", "sigmoid_ce", "sigmoid_ce_soft", "ce_labels",
         "ce_onehot", "softmax_ce_labels", "softmax_ce_soft", "focal", "focal_alpha", "sigmoid_focal",
         "sigmoid_focal_alpha", "sequence"]


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


def test_sigmoid_focal_loss_is_focal_loss_of_the_sigmoid_and_exact_at_huge_scores(rng):
    z = rng.normal(size=(7, 2)) * 3
    y = (rng.random((7, 2)) < 0.5).astype(float)
    for gamma, alpha in [(0.0, None), (2.0, None), (2.0, 0.25), (0.5, 0.75)]:
        assert sigmoid_focal_loss(z, y, gamma, alpha) == pytest.approx(focal_loss(sigmoid(z), y, gamma, alpha), rel=1e-10)
        fused, probs, layer = SigmoidFocalLoss(gamma, alpha), FocalLoss(gamma, alpha), Sigmoid()
        fused.forward(z, y)
        probs.forward(layer.forward(z), y)
        assert np.allclose(fused.backward(), layer.backward(probs.backward()), rtol=1e-9, atol=1e-15)
    # γ = 0 without α is the fused sigmoid cross-entropy, gradient (σ(z) − y) / n
    plain = SigmoidFocalLoss(gamma=0.0)
    assert plain.forward(z, y) == pytest.approx(sigmoid_cross_entropy(z, y), rel=1e-12)
    assert np.allclose(plain.backward(), (sigmoid(z) - y) / z.size)
    # wrong by 1e4: the loss is α_t · 1e4 (the factor (1 − p_t)^γ is exactly 1) and the gradient
    # −s α_t / n, where the probability route (Sigmoid + FocalLoss) has clipped p and gives 0
    huge = np.array([[1e4, -1e4, 1e4, -1e4]])
    labels = np.array([[0.0, 1.0, 1.0, 0.0]])                 # two wrong, two right
    loss = SigmoidFocalLoss(gamma=2.0, alpha=0.25)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert loss.forward(huge, labels) == pytest.approx((0.75 * 1e4 + 0.25 * 1e4) / 4)
        assert np.array_equal(loss.backward(), np.array([[0.75, -0.25, 0.0, 0.0]]) / 4)
    layer, probs = Sigmoid(), FocalLoss(gamma=2.0, alpha=0.25)
    probs.forward(layer.forward(huge), labels)
    assert not layer.backward(probs.backward()).any()
    assert repr(loss) == "SigmoidFocalLoss(gamma=2.0, alpha=0.25)"
    with pytest.raises(ValueError, match=r"SigmoidFocalLoss expected gamma >= 0"):
        SigmoidFocalLoss(gamma=-0.5)


def test_focal_losses_refuse_soft_targets_and_name_the_fix():
    soft = np.array([[1.0], [0.7], [0.0]])
    with pytest.raises(ValueError, match=r"focal_loss expected labels y in \{0, 1\}, got 1 other value\(s\), "
                       r"e.g. 0.7: .*SigmoidCrossEntropyLoss"):
        focal_loss(np.full((3, 1), 0.5), soft)
    with pytest.raises(ValueError, match=r"SigmoidFocalLoss\(gamma=2.0, alpha=None\) expected labels y in \{0, 1\}"):
        SigmoidFocalLoss().forward(np.zeros((3, 1)), soft)
    with pytest.raises(ValueError, match=r"FocalLoss\(gamma=2.0, alpha=None\) expected labels"):
        FocalLoss().forward(np.full((3, 1), 0.5), soft)


def test_sigmoid_focal_loss_trains_with_the_raw_score_threshold(rng):
    # fit and evaluate count a positive where the raw score is above 0, as for SigmoidCrossEntropyLoss
    x = rng.normal(size=(40, 1))
    y = (x > 0).astype(float)
    net = Sequential(Linear(1, 1))
    net.layers[0].params["W"][...] = 1.0
    net.layers[0].params["b"][...] = 0.0
    assert isinstance(SigmoidFocalLoss(), SigmoidCrossEntropyLoss)
    assert evaluate(net, x, y, SigmoidFocalLoss())["accuracy"] == 1.0


def test_bad_dtype_empty_batch_and_order():
    with pytest.raises(ValueError, match="dtype"):
        MSELoss().forward(np.array([["a"]]), np.array([["b"]]))
    with pytest.raises(ValueError, match="empty batch"):
        SoftmaxCrossEntropyLoss().forward(np.zeros((0, 3)), np.zeros(0, dtype=int))
    with pytest.raises(RuntimeError, match="forward before backward"):
        MSELoss().backward()


# Reference values computed once with PyTorch 2.13.0 (float64), not a dependency of the book:
#   torch.nn.BCEWithLogitsLoss()(SIGMOID_LOGITS, SIGMOID_TARGETS) and its gradient,
#   torch.nn.HuberLoss(delta)(HUBER_PRED, HUBER_TARGET) and its gradient,
#   torch.nn.functional.cross_entropy(torch.tensor([1., 2., 3.]), torch.tensor(2)) (unbatched).
SIGMOID_LOGITS = np.array([[2.5, -1.0, 0.0], [-3.0, 0.7, 1e4], [-1e4, 4.0, -0.2]])
SIGMOID_TARGETS = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0], [0.0, 1.0, 0.3]])
TORCH_BCE_WITH_LOGITS = 1111.3570400889034
TORCH_BCE_WITH_LOGITS_GRAD = np.array([
    [-0.00842868666902705, 0.02988238015222168, -0.05555555555555555],
    [0.005269541464174087, -0.0368680253146482, 0.1111111111111111],
    [0.0, -0.0019984677735657274, 0.016685111409724687],
])
HUBER_PRED = np.array([[0.5, 2.0, -1.5, 4.0], [0.2, 0.9, 3.0, -0.1]])
HUBER_TARGET = np.array([[0.0, 0.5, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]])
TORCH_HUBER = {1.0: 1.069375, 0.5: 0.621875}
TORCH_HUBER_GRAD = {
    1.0: np.array([[0.0625, 0.125, -0.125, 0.125], [0.025, 0.1125, 0.125, -0.0125]]),
    0.5: np.array([[0.0625, 0.0625, -0.0625, 0.0625], [0.025, 0.0625, 0.0625, -0.0125]]),
}
TORCH_UNBATCHED_CE = 0.4076059644443804


def test_sigmoid_cross_entropy_equals_pytorch_bce_with_logits():
    loss = SigmoidCrossEntropyLoss()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = loss.forward(SIGMOID_LOGITS, SIGMOID_TARGETS)
        grad = loss.backward()
    assert value == pytest.approx(TORCH_BCE_WITH_LOGITS, rel=1e-13)
    assert sigmoid_cross_entropy(SIGMOID_LOGITS, SIGMOID_TARGETS) == value
    assert np.allclose(grad, TORCH_BCE_WITH_LOGITS_GRAD, rtol=1e-12, atol=1e-15)


def test_sigmoid_cross_entropy_is_bce_of_sigmoid_and_exact_at_huge_scores(rng):
    a = rng.normal(size=(6, 3)) * 4
    y = (rng.random((6, 3)) < 0.5).astype(float)
    assert sigmoid_cross_entropy(a, y) == pytest.approx(binary_cross_entropy(sigmoid(a), y), rel=1e-10)
    loss = SigmoidCrossEntropyLoss()
    loss.forward(a, y)
    assert np.allclose(loss.backward(), (sigmoid(a) - y) / a.size)     # σ(a) − y
    huge = np.array([[1e4, -1e4, 1e4, -1e4]])
    wrong, right = np.array([[0.0, 1.0, 1.0, 0.0]]), np.array([[1.0, 0.0, 1.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert sigmoid_cross_entropy(huge, wrong) == pytest.approx(1e4 / 2)   # two wrong by 1e4
        assert sigmoid_cross_entropy(huge, right) == 0.0
        loss.forward(huge, wrong)
        assert np.array_equal(loss.backward(), np.array([[1.0, -1.0, 0.0, 0.0]]) / 4)
    # the probability route saturates: BCE clips σ(±1e4) and reports −log ε, not 1e4
    assert binary_cross_entropy(sigmoid(huge), wrong) == pytest.approx(-np.log(1e-12) / 2)


def test_huber_equals_pytorch_and_sits_between_mse_and_mae():
    for delta in (1.0, 0.5):
        loss = HuberLoss(delta=delta)
        assert loss.forward(HUBER_PRED, HUBER_TARGET) == pytest.approx(TORCH_HUBER[delta], rel=1e-13)
        assert huber(HUBER_PRED, HUBER_TARGET, delta=delta) == pytest.approx(TORCH_HUBER[delta], rel=1e-13)
        assert np.allclose(loss.backward(), TORCH_HUBER_GRAD[delta], rtol=1e-13)
    small = np.array([[0.1, -0.2]])
    assert huber(small, np.zeros((1, 2)), delta=1.0) == pytest.approx(mse(small, np.zeros((1, 2))) / 2)
    big = np.array([[10.0, -20.0]])
    assert huber(big, np.zeros((1, 2)), delta=1.0) == pytest.approx(mae(big, np.zeros((1, 2))) - 0.5)
    assert repr(HuberLoss(0.5)) == "HuberLoss(delta=0.5)"
    with pytest.raises(ValueError, match="delta > 0"):
        HuberLoss(delta=0.0)


def test_probability_losses_refuse_raw_scores_and_name_the_fix():
    logits = np.array([[2.0, -1.0, 0.5], [0.3, 4.0, -2.0]])
    # CrossEntropyLoss on logits used to clip them to [ε, 1] and report a loss of exactly 0.0
    with pytest.raises(ValueError, match=r"CrossEntropyLoss\(\) expected probabilities in \[0, 1\], got pred "
                       r"of shape \(2, 3\) with values from -2 to 4: .*raw scores.*SoftmaxCrossEntropyLoss.*"
                       r"Softmax layer"):
        CrossEntropyLoss().forward(logits, [0, 1])
    with pytest.raises(ValueError, match=r"cross_entropy expected .*use softmax_cross_entropy"):
        cross_entropy(logits, [0, 1])
    # Linear -> BCELoss without a sigmoid used to report 1e-12 while the weights ran away
    scores = np.array([[3.5], [-0.2], [1.7]])
    with pytest.raises(ValueError, match=r"BCELoss\(\) expected probabilities in \[0, 1\], got pred of shape "
                       r"\(3, 1\) with values from -0.2 to 3.5: .*SigmoidCrossEntropyLoss.*Sigmoid layer"):
        BCELoss().forward(scores, np.array([[1.0], [0.0], [1.0]]))
    with pytest.raises(ValueError, match=r"binary_cross_entropy .*use sigmoid_cross_entropy"):
        binary_cross_entropy(scores, np.ones((3, 1)))
    with pytest.raises(ValueError, match=r"FocalLoss\(gamma=2.0, alpha=None\) expected probabilities.*"
                       r"use SigmoidFocalLoss, which takes raw scores, or put a Sigmoid layer before this loss"):
        FocalLoss().forward(scores, np.ones((3, 1)))
    with pytest.raises(ValueError, match=r"SequenceCrossEntropyLoss\(\) expected probabilities"):
        SequenceCrossEntropyLoss().forward(logits[None], [[0, 1]])


def test_class_probability_rows_must_sum_to_one():
    sigmoid_rows = sigmoid(np.array([[2.0, -1.0, 0.5], [0.3, 4.0, -2.0]]))     # in (0, 1), rows ≠ 1
    with pytest.raises(ValueError, match=r"CrossEntropyLoss\(\) expected each row of pred \(shape \(2, 3\)\) "
                       r"to hold class probabilities summing to 1, but row 0 sums to 1.772: .*Softmax"):
        CrossEntropyLoss().forward(sigmoid_rows, [0, 1])
    with pytest.raises(ValueError, match="the row sums to 0.6"):
        cross_entropy(np.array([0.1, 0.2, 0.3]), 2)
    # padded time steps may hold anything in [0, 1]; only real tokens must sum to 1
    probs = softmax(np.zeros((1, 3, 4)))
    probs[0, 2] = 0.0
    mask = np.array([[1, 1, 0]])
    assert sequence_cross_entropy(probs, [[0, 1, 2]], mask) == pytest.approx(np.log(4))
    with pytest.raises(ValueError, match=r"row \(0, 2\) sums to 0|row 0, 2 sums to 0"):
        sequence_cross_entropy(probs, [[0, 1, 2]])
    # rounding in a float32 softmax is not an error
    p32 = softmax(np.random.default_rng(1).normal(size=(4, 50))).astype(np.float32)
    assert np.isfinite(cross_entropy(p32, np.arange(4)))


def test_one_sample_without_batch_axis_is_a_batch_of_one():
    a = np.array([1.0, 2.0, 3.0])
    assert softmax_cross_entropy(a, 2) == pytest.approx(TORCH_UNBATCHED_CE, rel=1e-14)
    assert softmax_cross_entropy(a, 2) == pytest.approx(softmax_cross_entropy(a[None], [2]))
    p = softmax(a)
    assert cross_entropy(p, 2) == pytest.approx(-np.log(p[2]))
    # S2's 2-2-2 network: E_total = E_o1 + E_o2 = 0.298371109 (it used to come out halved, 0.149)
    out = S2_EXAMPLE.network().forward(S2_EXAMPLE.x())
    e_total = half_squared_error(out[0], S2_EXAMPLE.target()[0])
    assert round(e_total, 9) == 0.298371109
    assert e_total == pytest.approx(half_squared_error(out, S2_EXAMPLE.target()))
    for loss, pred, target in [
        (SoftmaxCrossEntropyLoss(), a, 2),
        (CrossEntropyLoss(), p, 2),
        (HalfSquaredErrorLoss(), out[0], S2_EXAMPLE.target()[0]),
    ]:
        batched = type(loss)()
        value = loss.forward(pred, target)
        assert value == pytest.approx(batched.forward(pred[None], np.asarray(target)[None]))
        assert loss.backward().shape == pred.shape
        assert np.allclose(loss.backward(), batched.backward()[0])
        assert check_loss(loss, pred, target) < TOL
    grad = HalfSquaredErrorLoss()
    grad.forward(out[0], S2_EXAMPLE.target()[0])
    assert np.allclose(grad.backward(), out[0] - S2_EXAMPLE.target()[0])    # dE/dout = out − target


def test_one_sample_label_as_list_gets_a_fix_that_works():
    p = softmax(np.array([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match=r"a 1-D pred of shape \(3,\) is one sample; give its label as a plain "
                       r"number, e.g. cross_entropy\(p, 2\), or add a batch axis.*p\[np.newaxis\], \[2\]") as err:
        cross_entropy(p, [2])
    assert "ravel" not in str(err.value)
    with pytest.raises(ValueError, match="expected pred with one entry per output, got a scalar"):
        mse(np.float64(1.0), 0.0)


def test_s4_half_squared_error_to_the_source_digits():
    out = S4_EXAMPLE.network().forward(S4_EXAMPLE.x())
    e = 0.5 * (S4_EXAMPLE.target() - out) ** 2
    assert round(e[0, 0], 9) == 0.010906536
    assert round(half_squared_error(out, S4_EXAMPLE.target()), 9) == 0.096867268
