"""Sequential: summary, forward/backward, parameters, and the fit loop."""

import time
import warnings

import numpy as np
import pytest

from nnbook.activations import ReLU, Sigmoid, Softmax, Tanh
from nnbook.conv import Conv2D, MaxPool2D
from nnbook.gradcheck import check_layer
from nnbook.layers import BatchNorm, Dropout, Flatten, Linear, Residual
from nnbook.losses import BCELoss, MSELoss, SoftmaxCrossEntropyLoss
from nnbook.network import History, Sequential, accuracy
from nnbook.optim import SGD, Adam, StepDecay


def source_network():
    return Sequential(Linear(784, 10), Sigmoid(), Linear(10, 14), Sigmoid(), Linear(14, 10), Softmax())


def small_mlp(seed=0, hidden=32):
    rng = np.random.default_rng(seed)
    return Sequential(Linear(64, hidden, init="he", rng=rng), ReLU(), Linear(hidden, 10, init="xavier", rng=rng))


def test_summary_reports_8154_parameters():
    text = source_network().summary(784)
    assert "Total parameters: 8,154" in text
    assert "Linear(784 -> 10)" in text and "7,850" in text and "154" in text and "150" in text
    assert text == source_network().summary((784,))
    assert repr(text) == str(text)
    assert sum(p.size for p in source_network().parameters()[0].values()) == 8154


def test_summary_with_conv_layers():
    net = Sequential(Conv2D(1, 8, 5, padding=2), ReLU(), MaxPool2D(2), Flatten(), Linear(8 * 14 * 14, 10))
    text = net.summary((1, 28, 28))
    assert "(8, 28, 28)" in text and "(8, 14, 14)" in text and "(1568,)" in text
    conv_params = 8 * 1 * 5 * 5 + 8
    assert f"Total parameters: {conv_params + 1568 * 10 + 10:,}" in text


def test_summary_reports_shape_mistakes():
    with pytest.raises(ValueError, match=r"Linear\(784 -> 10\) expected input of shape \(N, 784\), got \(N, 28, 28\)"):
        source_network().summary((28, 28))


def test_sequential_gradients_in_both_modes(rng):
    net = Sequential(
        Linear(4, 6, rng=rng), Tanh(), BatchNorm(6), Dropout(0.3, rng=rng),
        Residual(Linear(6, 6, rng=rng), Sigmoid()), Linear(6, 3, rng=rng), Softmax(),
    )
    x = rng.normal(size=(5, 4))
    for mode in (net.train, net.eval):
        mode()
        errors = check_layer(net, x, rng)
        assert set(errors) == {"x", *net.parameters()[0]}
        assert max(errors.values()) < 1e-6, errors


def test_parameters_share_arrays_and_modes_propagate():
    inner = Dropout(0.5)
    net = Sequential(Linear(3, 2), Residual(Linear(2, 2), inner))
    params, grads = net.parameters()
    assert set(params) == {"0.W", "0.b", "1.0.W", "1.0.b"}
    assert params["0.W"] is net[0].params["W"] and grads["1.0.W"] is net[1].layers[0].grads["W"]
    net.eval()
    assert inner.training is False
    net.train()
    assert inner.training is True
    out = net.forward(np.ones((4, 3)))
    net.backward(np.ones_like(out))
    before = params["0.W"].copy()
    SGD(0.1).step(*net.parameters())
    assert np.allclose(net[0].params["W"], before - 0.1 * net[0].grads["W"])


def test_fit_reaches_97_percent_on_digits(digits_split):
    (x_tr, y_tr), val, (x_te, y_te) = digits_split
    net = small_mlp(seed=0, hidden=128)
    start = time.perf_counter()
    history = net.fit(
        x_tr, y_tr, SoftmaxCrossEntropyLoss(), Adam(0.001, weight_decay=1e-3), epochs=40,
        validation_data=val, patience=8, progress=False, rng=np.random.default_rng(0),
    )
    elapsed = time.perf_counter() - start
    assert net.evaluate(x_te, y_te)["accuracy"] >= 0.97
    assert elapsed < 8.0
    assert history.iterations_per_epoch == int(np.ceil(len(x_tr) / 32))
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy", "lr"}


def test_same_seed_same_history(digits_split):
    (x_tr, y_tr), val, _ = digits_split

    def run(seed):
        rng = np.random.default_rng(seed)
        net = Sequential(Linear(64, 16, rng=rng), ReLU(), Dropout(0.2, rng=rng), Linear(16, 10, rng=rng))
        return net.fit(x_tr[:300], y_tr[:300], SoftmaxCrossEntropyLoss(), SGD(0.1), epochs=3,
                       validation_data=val, progress=False, rng=rng).history

    assert run(3) == run(3)
    assert run(3) != run(4)


def test_nan_loss_names_the_learning_rate(digits_split):
    (x_tr, y_tr), _, _ = digits_split
    net = Sequential(Linear(64, 32), Sigmoid(), Linear(32, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(FloatingPointError, match="learning rate.*too high"):
            net.fit(x_tr, y_tr[:, None].astype(float), MSELoss(), SGD(1e6), epochs=5, progress=False)
    assert net.training


def test_progress_bar_emits_no_warnings(digits_split, capsys):
    (x_tr, y_tr), val, _ = digits_split
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        small_mlp().fit(x_tr[:200], y_tr[:200], SoftmaxCrossEntropyLoss(), SGD(0.1), epochs=2,
                        validation_data=val, progress=True)
    assert caught == []
    assert "100%" in capsys.readouterr().err
    small_mlp().fit(x_tr[:100], y_tr[:100], SoftmaxCrossEntropyLoss(), SGD(0.1), epochs=1, progress=False)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_early_stopping_restores_best_weights(digits_split):
    (x_tr, y_tr), (x_val, y_val), _ = digits_split
    net = small_mlp()
    loss = SoftmaxCrossEntropyLoss()
    history = net.fit(x_tr[:200], y_tr[:200], loss, SGD(0.3), epochs=60, validation_data=(x_val, y_val),
                      patience=2, progress=False)
    assert history.stopped_early and history.epochs < 60
    assert history.epochs == history.best_epoch + 1 + 2, "stops after exactly `patience` epochs without a new best"
    best = min(history["val_loss"])
    assert history["val_loss"][history.best_epoch] == best
    assert net.evaluate(x_val, y_val, loss)["loss"] == pytest.approx(best)


def test_schedule_sets_the_learning_rate(digits_split):
    (x_tr, y_tr), _, _ = digits_split
    opt = SGD(1.0)
    history = small_mlp().fit(x_tr[:64], y_tr[:64], SoftmaxCrossEntropyLoss(), opt, epochs=4,
                              schedule=StepDecay(0.1, 0.5, 2), progress=False)
    assert history["lr"] == pytest.approx([0.1, 0.1, 0.05, 0.05])
    assert isinstance(history, History) and history.epochs == 4


def test_predict_evaluate_and_binary_accuracy(rng):
    net = Sequential(Linear(2, 1, rng=rng), Sigmoid())
    x = rng.normal(size=(200, 2))
    y = (x[:, :1] + x[:, 1:] > 0).astype(float)
    net.fit(x, y, BCELoss(), SGD(1.0), epochs=30, progress=False)
    assert net.evaluate(x, y, BCELoss())["accuracy"] > 0.95
    net.train()
    assert net.predict(x[:1]).shape == (1, 1) and net.training
    assert accuracy(np.array([[0.1, 0.9], [0.8, 0.2]]), np.array([[0, 1], [0, 1]])) == 0.5
    assert "accuracy" not in net.evaluate(x, y, MSELoss())


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
    with pytest.raises(ValueError, match="64 samples but y with 63"):
        net.fit(x_tr[:64], y_tr[:63], SoftmaxCrossEntropyLoss(), SGD(0.1), epochs=1, progress=False)
    with pytest.raises(ValueError, match=r"expected input of shape \(N, 64\), got \(32, 8, 8\): flatten"):
        net.fit(x_tr[:32].reshape(32, 8, 8), y_tr[:32], SoftmaxCrossEntropyLoss(), SGD(0.1), epochs=1, progress=False)
    with pytest.raises(ValueError, match="empty batch"):
        net.predict(np.zeros((0, 64)))
    with pytest.raises(ValueError, match="epochs >= 1"):
        net.fit(x_tr, y_tr, SoftmaxCrossEntropyLoss(), SGD(0.1), epochs=0, progress=False)


def test_batch_of_one_trains(digits_split):
    (x_tr, y_tr), _, _ = digits_split
    history = small_mlp().fit(x_tr[:5], y_tr[:5], SoftmaxCrossEntropyLoss(), SGD(0.1), epochs=2,
                              batch_size=1, progress=False)
    assert history.iterations_per_epoch == 5 and np.all(np.isfinite(history["loss"]))
