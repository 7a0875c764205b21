"""The 2-D data sets, networks trained as a stack, and the playground figure (chapter 8).

The stack is checked against the library trained one network at a time: every run of
`train_playground` must follow the path `fit` gives the same network alone.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import nnbook
from nnbook.gradcheck import numerical_gradient, relative_error
from nnbook.layers import Linear
from nnbook.losses import SoftmaxCrossEntropyLoss
from nnbook.optim import Adam
from nnbook.playground import CONFIDENCE_BANDS, Playground, build_network, region_colormap, train_playground
from nnbook.scene import CELL_CODES, SceneEncoder
from nnbook.stacked import StackedAdam, StackedLinear, StackedSoftmaxCrossEntropy
from nnbook.toy_data import DATASETS, make_blobs, make_circles, make_dataset, make_spirals, make_xor
from nnbook.train import fit

# ----------------------------------------------------------------------------- data sets


@pytest.mark.parametrize("name", list(DATASETS))
def test_data_sets_have_points_labels_and_every_class(name):
    x, y = make_dataset(name, 60, rng=np.random.default_rng(1))
    classes = DATASETS[name][1]
    assert x.shape == (60, 2) and y.shape == (60,) and y.dtype.kind == "i"
    assert set(np.unique(y)) == set(range(classes))
    assert np.abs(x).max() < 1.6
    again, _ = make_dataset(name, 60, rng=np.random.default_rng(1))
    assert np.array_equal(x, again)


def test_the_patterns_are_the_ones_named():
    rng = np.random.default_rng(0)
    x, y = make_circles(400, noise=0.0, rng=rng)
    radius = np.hypot(*x.T)
    assert radius[y == 1].max() < 0.5 < 0.7 < radius[y == 0].min()
    x, y = make_xor(400, noise=0.0, rng=rng)
    assert np.array_equal(y, (x[:, 0] * x[:, 1] > 0).astype(int)) and np.abs(x).min() >= 0.1
    x, y = make_blobs(400, classes=3, spread=0.01, rng=rng)
    centres = np.array([x[y == k].mean(axis=0) for k in range(3)])
    assert np.allclose(np.hypot(*centres.T), 0.6, atol=0.01)
    x, y = make_spirals(300, classes=5, noise=0.0, rng=rng)
    assert set(np.unique(y)) == set(range(5)) and np.hypot(*x.T).max() <= 1.0


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: make_circles(1), "n >= 2"),
        (lambda: make_spirals(10, classes=20), "n >= 20"),
        (lambda: make_xor(10, noise=-1), "noise level >= 0"),
        (lambda: make_dataset("moons"), "choose one of"),
    ],
)
def test_bad_arguments_say_what_is_wrong(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ------------------------------------------------------------------------- the stack


def test_stacked_linear_is_s_linear_layers():
    rng = np.random.default_rng(0)
    layers = [Linear(3, 4, rng=rng) for _ in range(5)]
    for layer in layers:
        layer.params["b"][:] = rng.standard_normal(4)
    l2 = np.array([0.0, 0.1, 0.0, 0.5, 1.0])
    stack = StackedLinear(np.stack([lay.params["W"] for lay in layers]), np.stack([lay.params["b"] for lay in layers]), l2)
    x = rng.standard_normal((5, 7, 3))
    dout = rng.standard_normal((5, 7, 4))
    out = stack.forward(x)
    dx = stack.backward(dout)
    for s, layer in enumerate(layers):
        assert np.allclose(out[s], layer.forward(x[s]))
        assert np.allclose(dx[s], layer.backward(dout[s]))
        assert np.allclose(stack.grads["W"][s], layer.grads["W"] + l2[s] * layer.params["W"])
        assert np.allclose(stack.grads["b"][s, 0], layer.grads["b"])
    shared = rng.standard_normal((7, 3))  # one input for every layer of the stack
    assert np.allclose(stack.forward(shared)[2], layers[2].forward(shared))
    stack.backward(dout)
    assert np.allclose(stack.grads["W"][2], shared.T @ dout[2] + l2[2] * layers[2].params["W"])


def test_stacked_linear_gradient_matches_finite_differences():
    rng = np.random.default_rng(3)
    stack = StackedLinear(rng.standard_normal((2, 3, 2)), rng.standard_normal((2, 2)), np.array([0.0, 0.3]))
    x, dout = rng.standard_normal((2, 4, 3)), rng.standard_normal((2, 4, 2))

    def objective(_: np.ndarray) -> float:  # L = Σ out ⊙ dout + Σ_s λ_s/2 ‖W_s‖²
        return float(np.sum(stack.forward(x) * dout) + 0.5 * np.sum(stack.l2 * stack.params["W"] ** 2))

    stack.forward(x)
    stack.backward(dout)
    for name in ("W", "b"):
        numeric = numerical_gradient(objective, stack.params[name])
        assert relative_error(stack.grads[name], numeric) < 1e-7
    assert relative_error(stack.backward(dout), numerical_gradient(lambda v: float(np.sum(stack.forward(v) * dout)), x)) < 1e-7


def test_stacked_loss_is_each_settings_softmax_cross_entropy_with_masked_classes():
    rng = np.random.default_rng(0)
    classes = [2, 4, 3]
    logits = rng.standard_normal((3, 6, 4)) * 3
    labels = np.stack([rng.integers(0, k, 6) for k in classes])
    loss = StackedSoftmaxCrossEntropy(classes, 4)
    mean = loss.forward(logits, labels)
    grad = loss.backward()
    for s, k in enumerate(classes):
        reference = SoftmaxCrossEntropyLoss()
        assert np.isclose(loss.values[s], reference.forward(logits[s, :, :k], labels[s]))
        assert np.allclose(grad[s, :, :k], reference.backward())
        assert np.all(grad[s, :, k:] == 0)
    assert np.isclose(mean, loss.values.mean())


def test_stacked_adam_is_one_adam_per_setting():
    rng = np.random.default_rng(0)
    start, grads = rng.standard_normal((3, 2, 2)), rng.standard_normal((4, 3, 2, 2))
    stack = StackedLinear(start, np.zeros((3, 2)), np.zeros(3))
    rates = [0.001, 0.1, 0.5]
    optimizer = StackedAdam(stack.parameters(), lr=rates)
    singles = [Linear(2, 2) for _ in rates]
    for single, w in zip(singles, start):
        single.params["W"][:] = w
    adams = [Adam(single.parameters(), lr=lr) for single, lr in zip(singles, rates)]
    for g in grads:
        stack.grads["W"][:] = g
        optimizer.step()
        for s, (single, adam) in enumerate(zip(singles, adams)):
            single.grads["W"][:] = g[s]
            adam.step()
    for s, single in enumerate(singles):
        assert np.allclose(stack.params["W"][s], single.params["W"])
    with pytest.raises(ValueError, match="learning rates > 0"):
        StackedAdam(stack.parameters(), lr=[0.1, 0.0, 0.1])


# --------------------------------------------------------------------- the runs


@pytest.fixture(scope="module")
def runs():
    nnbook.seed(0)
    return train_playground(
        datasets=("xor", "blobs"), activations=("tanh", "relu"), hidden_layers=(1, 2), widths=(3,),
        learning_rates=(0.01, 0.1), l2=(0.0, 0.01), epochs=12, snapshots=(0, 4, 12), n=30,
        validate_every=3, resolution=8,
    )


def test_runs_have_one_entry_per_setting(runs):
    shape = (2, 2, 2, 1, 2, 2)
    assert runs.regions.shape == (*shape, 3, 8, 8) and runs.regions.dtype == np.uint8
    assert runs.loss.shape == (*shape, 12) and runs.val_loss.shape == (*shape, 4)
    assert list(runs.val_epochs) == [3, 6, 9, 12] and runs.epochs == 12
    assert runs.accuracy.shape == (*shape, 3, 2) and (0 <= runs.accuracy).all() and (runs.accuracy <= 1).all()
    classes = runs.regions // 3  # code = class · 3 + confidence band
    assert classes[0].max() <= 1 and classes[1].max() <= 3  # xor: 2 classes, blobs: 4
    assert runs.index({"data": "blobs", "activation": "tanh", "hidden layers": 2, "width": 3,
                       "learning rate": 0.1, "L2 λ": 0.0}) == (1, 0, 1, 0, 1, 0)



@pytest.mark.parametrize("setting", [("xor", "tanh", 1, 0.1, 0.0), ("blobs", "relu", 2, 0.01, 0.01), ("blobs", "tanh", 2, 0.1, 0.01)])
def test_every_run_is_what_fit_gives_the_network_alone(runs, setting):
    data, activation, depth, lr, l2 = setting
    net = runs.network(data, activation, depth, 3)
    x, y, xv, yv = runs.data[data]
    history = fit(net, x, y, SoftmaxCrossEntropyLoss(), Adam(net.parameters(), lr=lr, weight_decay=l2), epochs=12,
                  batch_size=len(x), shuffle=False, validation_data=(xv, yv), progress=False)
    index = runs.index({"data": data, "activation": activation, "hidden layers": depth, "width": 3,
                        "learning rate": lr, "L2 λ": l2})
    assert np.allclose(runs.loss[index], history["loss"], rtol=1e-10)
    assert np.allclose(runs.val_loss[index], np.array(history["val_loss"])[runs.val_epochs - 1], rtol=1e-10)
    assert np.isclose(runs.accuracy[(*index, -1, 1)], history["val_accuracy"][-1])
    ticks = np.linspace(-runs.extent, runs.extent, 8)
    grid = np.column_stack([np.tile(ticks, 8), np.repeat(ticks[::-1], 8)])
    probabilities = nnbook.activations.softmax(net.predict(grid))
    expected = probabilities.argmax(axis=1) * 3 + np.digitize(probabilities.max(axis=1), CONFIDENCE_BANDS)
    assert np.array_equal(runs.regions[(*index, -1)].ravel(), expected)


def test_runs_differing_in_learning_rate_or_l2_start_alike(runs):
    assert np.array_equal(runs.regions[0, 0, 0, 0, 0, 0, 0], runs.regions[0, 0, 0, 0, 1, 1, 0])
    assert not np.array_equal(runs.loss[0, 0, 0, 0, 0, 0], runs.loss[0, 0, 0, 0, 1, 0])


def test_build_network_and_bad_snapshots():
    net = build_network(5, 3, "relu", 4)
    assert net.output_shape((2,)) == (4,) and len(net) == 7
    with pytest.raises(ValueError, match="unknown activation"):
        build_network(5, 1, "swish", 2)
    with pytest.raises(ValueError, match="snapshots must be increasing"):
        train_playground(epochs=5, snapshots=(0, 10))


# ---------------------------------------------------------------------- the figure


def decode_cells(item: list, styles: list) -> tuple[list[str | None], int]:
    """An image item's cells, one colour per cell, and the number of columns (the painter's rule)."""
    palette = styles[item[1]][1]
    colours = []
    for code, count in re.findall(r"(\D)(\d*)", item[8]):
        colours += [palette[CELL_CODES.index(code)]] * (int(count) if count else 1)
    return colours, item[7]


@pytest.fixture(scope="module")
def playground(runs):
    return Playground(runs, defaults={"data": "blobs", "learning rate": 0.1})


def test_static_form_reaches_every_combination(playground, runs):
    offered, data = playground.static_data()
    assert offered == [list(range(len(c.values))) for c in playground.controls]
    assert len(data["combos"]) == runs.loss[..., 0].size * len(runs.snapshots) == 96
    assert len(set(data["combos"])) > 48
    assert [c.name for c in playground.controls][-1] == "epoch" and playground.controls[-1].values == (0, 4, 12)
    assert playground.defaults()["data"] == "blobs" and playground.defaults()["epoch"] == 12
    html = playground.static_html()
    assert "96 settings precomputed" in html and 'data-control="learning rate"' in html


def test_each_frame_shows_its_runs_map(playground, runs):
    _, data = playground.static_data()
    colours = ["#%02x%02x%02x" % tuple(c[:3]) for c in region_colormap()(np.arange(12), bytes=True)]
    for combo in (0, 37, 95):
        position = np.unravel_index(combo, [len(c.values) for c in playground.controls])
        items = [data["items"][k] for k in data["frames"][data["combos"][combo]]]
        (cells,) = [item for item in items if item[0] == 4]
        shown, cols = decode_cells(cells, data["styles"])
        expected = [colours[code] for code in runs.regions[tuple(position)].ravel()]
        assert cols == 8 and len(shown) == 64
        assert [c[:7] for c in shown] == expected


def test_fast_frames_equal_the_generic_scene_encoding(playground):
    _, data = playground.static_data()
    sizes = [len(c.values) for c in playground.controls]
    for combo in (5, 60):
        values = {c.name: c.values[i] for c, i in zip(playground.controls, np.unravel_index(combo, sizes))}
        playground.render(**values)
        encoder = SceneEncoder(playground.figure)
        frame = encoder.frame()
        generic = encoder.data()
        fresh = [generic["items"][k] for k in generic["frames"][frame]]
        fast = [data["items"][k] for k in data["frames"][data["combos"][combo]]]
        assert [i[0] for i in fresh] == [i[0] for i in fast]
        for a, b in zip(fresh, fast):
            if a[0] in (0, 1, 4):  # paths, markers and cells: compare the geometry and content
                assert a[2:] == b[2:]
            elif a[0] == 2:
                assert a[3:] == b[3:]


def test_live_widget_uses_selection_sliders(playground):
    controls = playground.widget.children[1].children
    assert [type(w).__name__ for w in controls] == ["Dropdown", "Dropdown", *["SelectionSlider"] * 5]
    image = playground.widget.children[0]
    before = image.value
    controls[-1].value = 0
    assert image.value != before
    bundle = playground._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle and "nnbook-slider" in bundle["text/html"]


def test_image_cells_follow_origin_and_inverted_axes():
    from matplotlib.figure import Figure

    codes = np.arange(12).reshape(3, 4) % 5
    for origin in ("upper", "lower"):
        for flip in (False, True):
            fig = Figure(figsize=(3, 3), dpi=50)
            ax = fig.subplots()
            ax.imshow(codes, cmap=region_colormap(), vmin=-0.5, vmax=11.5, origin=origin, interpolation="nearest")
            if flip:
                ax.invert_xaxis()
            fig.draw_without_rendering()
            encoder = SceneEncoder(fig)
            (item,) = encoder.artist_items(ax.images[0])
            data = encoder.data()
            shown, cols = decode_cells(data["items"][item], data["styles"])
            on_screen = codes if origin == "upper" else codes[::-1]
            on_screen = on_screen[:, ::-1] if flip else on_screen
            colours = ["#%02x%02x%02x" % tuple(c[:3]) for c in region_colormap()(np.arange(12), bytes=True)]
            assert cols == 4
            assert [c[:7] for c in shown] == [colours[k] for k in on_screen.ravel()]
