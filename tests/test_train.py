"""The training loop: fit, evaluate, accuracy, History, and the mistakes fit catches."""

import warnings

import numpy as np
import pytest

import nnbook
from nnbook.activations import ReLU, Sigmoid, Softmax
from nnbook.layers import Dropout, Linear
from nnbook.losses import BCELoss, MSELoss, SoftmaxCrossEntropyLoss
from nnbook.network import Sequential
from nnbook.optim import SGD, Adam
from nnbook.schedules import StepDecay
from nnbook.train import History, accuracy, evaluate, fit


def small_mlp(seed=0, hidden=32):
    rng = np.random.default_rng(seed)
    return Sequential(Linear(64, hidden, init="he", rng=rng), ReLU(), Linear(hidden, 10, init="xavier", rng=rng))


def test_fit_reaches_97_percent_on_digits(digits_split):
    (x_tr, y_tr), val, (x_te, y_te) = digits_split
    net = small_mlp(seed=0, hidden=128)
    history = fit(
        net, x_tr, y_tr, SoftmaxCrossEntropyLoss(), Adam(net.parameters(), 0.001, weight_decay=1e-3), epochs=40,
        validation_data=val, patience=8, progress=False, rng=np.random.default_rng(0),
    )
    assert evaluate(net, x_te, y_te)["accuracy"] >= 0.97
    assert history.iterations_per_epoch == int(np.ceil(len(x_tr) / 32))
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy", "lr"}


def test_same_seed_same_history(digits_split):
    (x_tr, y_tr), val, _ = digits_split

    def run(seed):
        nnbook.seed(seed)
        net = Sequential(Linear(64, 16), ReLU(), Dropout(0.2), Linear(16, 10))
        return fit(net, x_tr[:300], y_tr[:300], SoftmaxCrossEntropyLoss(), SGD(net.parameters(), 0.1), epochs=3,
                   validation_data=val, progress=False).history

    assert run(3) == run(3)
    assert run(3) != run(4)


def test_nan_loss_names_the_learning_rate(digits_split):
    (x_tr, y_tr), _, _ = digits_split
    net = Sequential(Linear(64, 32), Sigmoid(), Linear(32, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(FloatingPointError, match="learning rate.*too high"):
            fit(net, x_tr, y_tr[:, None].astype(float), MSELoss(), SGD(net.parameters(), 1e6), epochs=5, progress=False)
    assert net.training


def test_progress_bar_emits_no_warnings(digits_split, capsys):
    (x_tr, y_tr), val, _ = digits_split
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        net = small_mlp()
        fit(net, x_tr[:200], y_tr[:200], SoftmaxCrossEntropyLoss(), SGD(net.parameters(), 0.1), epochs=2,
            validation_data=val, progress=True)
    assert caught == []
    assert "100%" in capsys.readouterr().err
    net = small_mlp()
    fit(net, x_tr[:100], y_tr[:100], SoftmaxCrossEntropyLoss(), SGD(net.parameters(), 0.1), epochs=1, progress=False)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_early_stopping_restores_best_weights(digits_split):
    (x_tr, y_tr), (x_val, y_val), _ = digits_split
    net = small_mlp()
    loss = SoftmaxCrossEntropyLoss()
    history = fit(net, x_tr[:200], y_tr[:200], loss, SGD(net.parameters(), 0.3), epochs=60,
                  validation_data=(x_val, y_val), patience=2, progress=False)
    assert history.stopped_early and history.epochs < 60
    assert history.epochs == history.best_epoch + 1 + 2, "stops after exactly `patience` epochs without a new best"
    best = min(history["val_loss"])
    assert history["val_loss"][history.best_epoch] == best
    assert evaluate(net, x_val, y_val, loss)["loss"] == pytest.approx(best)


def test_schedule_sets_the_learning_rate(digits_split):
    (x_tr, y_tr), _, _ = digits_split
    net = small_mlp()
    history = fit(net, x_tr[:64], y_tr[:64], SoftmaxCrossEntropyLoss(), SGD(net.parameters(), 1.0), epochs=4,
                  schedule=StepDecay(0.1, 0.5, 2), progress=False)
    assert history["lr"] == pytest.approx([0.1, 0.1, 0.05, 0.05])
    assert isinstance(history, History) and history.epochs == 4


def test_predict_evaluate_and_binary_accuracy(rng):
    net = Sequential(Linear(2, 1, rng=rng), Sigmoid())
    x = rng.normal(size=(200, 2))
    y = (x[:, :1] + x[:, 1:] > 0).astype(float)
    fit(net, x, y, BCELoss(), SGD(net.parameters(), 1.0), epochs=30, progress=False)
    assert evaluate(net, x, y, BCELoss())["accuracy"] > 0.95
    net.train()
    assert net.predict(x[:1]).shape == (1, 1) and net.training
    assert accuracy(np.array([[0.1, 0.9], [0.8, 0.2]]), np.array([[0, 1], [0, 1]])) == 0.5
    assert "accuracy" not in evaluate(net, x, y, MSELoss())


def test_accuracy_takes_labels_as_a_row_or_a_column():
    pred = np.eye(3)[[0, 1, 2, 0]]
    assert accuracy(pred, np.array([0, 1, 2, 1])) == 0.75
    assert accuracy(pred, np.array([[0], [1], [2], [1]])) == 0.75
    assert accuracy(pred, np.eye(3)[[0, 1, 2, 1]]) == 0.75
    assert accuracy(np.array([[0.2], [0.9]]), np.array([0, 0])) == 0.5
    with pytest.raises(ValueError, match=r"expected targets of shape \(4,\) or \(4, 3\), got \(3,\)"):
        accuracy(pred, np.array([0, 1, 2]))


def test_bad_input_to_fit_and_predict(digits_split):
    (x_tr, y_tr), _, _ = digits_split
    net = small_mlp()
    loss, opt = SoftmaxCrossEntropyLoss(), SGD(net.parameters(), 0.1)
    with pytest.raises(ValueError, match="64 samples but y with 63"):
        fit(net, x_tr[:64], y_tr[:63], loss, opt, epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"expected input of shape \(N, 64\), got \(32, 8, 8\): flatten"):
        fit(net, x_tr[:32].reshape(32, 8, 8), y_tr[:32], loss, opt, epochs=1, progress=False)
    with pytest.raises(ValueError, match="empty batch"):
        net.predict(np.zeros((0, 64)))
    with pytest.raises(ValueError, match="whole number epochs >= 1, got epochs=0"):
        fit(net, x_tr, y_tr, loss, opt, epochs=0, progress=False)
    with pytest.raises(ValueError, match="whole number batch_size >= 1, got batch_size=2.5"):
        fit(net, x_tr, y_tr, loss, opt, epochs=1, batch_size=2.5, progress=False)
    with pytest.raises(ValueError, match="no training samples"):
        fit(net, np.zeros((0, 64)), np.zeros(0), loss, opt, epochs=1, progress=False)
    with pytest.raises(TypeError, match=r"the class SoftmaxCrossEntropyLoss, not an object: create one"):
        fit(net, x_tr, y_tr, SoftmaxCrossEntropyLoss, opt, epochs=1, progress=False)
    with pytest.raises(TypeError, match=r"the class SGD, not an object.*SGD\(net.parameters\(\), lr=0.1\)"):
        fit(net, x_tr, y_tr, loss, SGD, epochs=1, progress=False)
    other = small_mlp(seed=1)
    with pytest.raises(ValueError, match="updates none of this network's parameters"):
        fit(net, x_tr, y_tr, loss, SGD(other.parameters(), 0.1), epochs=1, progress=False)


def test_batch_of_one_trains(digits_split):
    (x_tr, y_tr), _, _ = digits_split
    net = small_mlp()
    history = fit(net, x_tr[:5], y_tr[:5], SoftmaxCrossEntropyLoss(), SGD(net.parameters(), 0.1), epochs=2,
                  batch_size=1, progress=False)
    assert history.iterations_per_epoch == 5 and np.all(np.isfinite(history["loss"]))


def test_nan_inputs_are_named_before_training(digits_split):
    (x_tr, y_tr), _, _ = digits_split
    x = x_tr[:40].copy()
    x[[3, 17], 5] = np.nan
    net = small_mlp()
    with pytest.raises(ValueError, match=r"2 training input rows hold NaN.*rows \[3, 17\]"):
        fit(net, x, y_tr[:40], SoftmaxCrossEntropyLoss(), SGD(net.parameters(), 0.1), epochs=1, progress=False)


def test_softmax_before_a_softmax_loss_is_refused(digits_split):
    (x_tr, y_tr), _, _ = digits_split
    net = Sequential(Linear(64, 10), Softmax())
    with pytest.raises(ValueError, match="applies softmax again: drop the final Softmax"):
        fit(net, x_tr, y_tr, SoftmaxCrossEntropyLoss(), SGD(net.parameters(), 0.1), epochs=1, progress=False)


@pytest.mark.parametrize("bad", [-0.1, float("nan"), 0.0])
def test_a_schedule_returning_a_bad_rate_is_refused(digits_split, bad):
    (x_tr, y_tr), _, _ = digits_split
    net = small_mlp()
    with pytest.raises(ValueError, match=f"returned lr={bad} for epoch 1"):
        fit(net, x_tr[:64], y_tr[:64], SoftmaxCrossEntropyLoss(), SGD(net.parameters(), 0.1), epochs=3,
            schedule=lambda e: 0.1 if e == 0 else bad, progress=False)


def test_accuracy_on_raw_scores_uses_threshold_zero(rng):
    from nnbook.losses import SigmoidCrossEntropyLoss

    x = rng.normal(size=(300, 2))
    y = (x[:, :1] - x[:, 1:] > 0).astype(float)
    net = Sequential(Linear(2, 1, rng=rng))
    history = fit(net, x, y, SigmoidCrossEntropyLoss(), SGD(net.parameters(), 1.0), epochs=20, progress=False)
    assert history["accuracy"][-1] > 0.95
    assert evaluate(net, x, y, SigmoidCrossEntropyLoss())["accuracy"] > 0.95
    assert accuracy(np.array([[-0.2], [0.3]]), np.array([0, 1]), threshold=0.0) == 1.0
