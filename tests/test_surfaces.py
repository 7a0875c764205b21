"""2-D test surfaces: exact derivatives, stationary points, and optimizer paths from nnbook.optim."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from nnbook.base import Parameter
from nnbook.gradcheck import numerical_gradient, relative_error
from nnbook.optim import SGD, AdaGrad, Adam, Momentum, RMSProp
from nnbook.plotting import draw_path, draw_surface
from nnbook.surfaces import BOWL, ELONGATED_BOWL, ROSENBROCK, SADDLE, SURFACES, TWO_VALLEYS, descend

ALL = list(SURFACES.values())


@pytest.mark.parametrize("surface", ALL, ids=lambda s: s.name)
def test_gradient_matches_finite_differences(surface, rng):
    for point in rng.uniform(-1.5, 1.5, size=(5, 2)):
        numeric = numerical_gradient(lambda p: surface.value(p[0], p[1]), point.copy())
        assert relative_error(surface.gradient(*point), numeric) < 1e-7


@pytest.mark.parametrize("surface", ALL, ids=lambda s: s.name)
def test_hessian_matches_finite_differences_of_the_gradient(surface, rng):
    for point in rng.uniform(-1.5, 1.5, size=(3, 2)):
        numeric = np.array([numerical_gradient(lambda p, i=i: surface.gradient(p[0], p[1])[i], point.copy())
                            for i in range(2)])
        assert relative_error(surface.hessian(*point), numeric) < 1e-6


@pytest.mark.parametrize("surface", ALL, ids=lambda s: s.name)
def test_stationary_points(surface):
    for x, y in surface.minima:
        assert np.allclose(surface.gradient(x, y), 0, atol=1e-12)
        assert np.all(np.linalg.eigvalsh(surface.hessian(x, y)) > 0)       # a minimum: curving up every way
    for x, y in surface.saddles:
        assert np.allclose(surface.gradient(x, y), 0, atol=1e-12)
        low, high = np.linalg.eigvalsh(surface.hessian(x, y))
        assert low < 0 < high                                              # up one way, down another
    values = [surface.value(*m) for m in surface.minima]
    assert values[0] == min(values)                                        # the global minimum comes first
    X, Y, Z = surface.grid(101)
    assert X.shape == Y.shape == Z.shape == (101, 101) and Z.min() >= values[0] - 1e-12


def test_known_values():
    assert BOWL.value(3.0, 4.0) == 25.0 and ELONGATED_BOWL.value(1.0, 1.0) == 11.0
    assert ROSENBROCK.value(1.0, 1.0) == 0.0 and ROSENBROCK.value(-1.2, 1.0) == pytest.approx(24.2)
    assert SADDLE.value(0.0, 1.0) == -0.25 and SADDLE.value(0.0, 0.0) == 0.0
    low, high = (TWO_VALLEYS.value(*m) for m in TWO_VALLEYS.minima)
    assert TWO_VALLEYS.minima[0][0] < 0 < TWO_VALLEYS.minima[1][0] and low < high
    assert BOWL.gradient(np.zeros((4, 3)), 1.0).shape == (4, 3, 2)
    assert ELONGATED_BOWL.hessian(np.zeros(5), np.zeros(5)).shape == (5, 2, 2)
    assert "x^2 + 10y^2" in repr(ELONGATED_BOWL)


@pytest.mark.parametrize("eta", [0.1, 0.25, 0.5, 0.75])
def test_sgd_on_the_bowl_multiplies_the_point_by_one_minus_two_eta(eta):
    path = descend(BOWL, SGD, 6, start=(1.0, -2.0), lr=eta)
    assert path.shape == (7, 2)
    assert np.allclose(path, np.outer((1 - 2 * eta) ** np.arange(7), [1.0, -2.0]))


def test_the_path_is_the_optimizers_own():
    # Momentum's classic form on f = x² (y stays 0): v ← βv + 2x, x ← x − αv
    path = descend(BOWL, Momentum, 3, start=(1.0, 0.0), lr=0.1, beta=0.5, form="classic")
    x, v, expected = 1.0, 0.0, [1.0]
    for _ in range(3):
        v = 0.5 * v + 2 * x
        x -= 0.1 * v
        expected.append(x)
    assert np.allclose(path[:, 0], expected) and np.all(path[:, 1] == 0)
    # Adam's bias-corrected first step has size lr in every coordinate, whatever the gradient
    first = descend(ELONGATED_BOWL, Adam, 1, start=(2.0, 0.5), lr=0.01)[1]
    assert np.allclose(first, [2.0 - 0.01, 0.5 - 0.01])
    # a function params -> optimizer is accepted as well as a class
    calls = []

    def make(params):
        calls.append(params[0].name)
        return RMSProp(params, lr=0.01)

    assert np.allclose(descend(SADDLE, make, 5), descend(SADDLE, RMSProp, 5, lr=0.01)) and calls == ["xy"]


@pytest.mark.parametrize("optimizer, options", [(SGD, {"lr": 0.05}), (Momentum, {"lr": 0.05}), (AdaGrad, {"lr": 0.3}),
                                                (RMSProp, {"lr": 0.01}), (Adam, {"lr": 0.05})])
def test_several_starts_run_side_by_side_without_interacting(optimizer, options):
    starts = np.array([[-2.0, 0.5], [1.0, 1.0], [0.3, -1.2]])
    together = descend(TWO_VALLEYS, optimizer, 40, start=starts, **options)
    assert together.shape == (41, 3, 2)
    for k, start in enumerate(starts):
        assert np.allclose(together[:, k], descend(TWO_VALLEYS, optimizer, 40, start=start, **options))


def test_divergence_gives_nan_rows_from_the_step_it_escapes():
    path = descend(BOWL, SGD, 50, start=(1.0, 0.0), lr=1.5)      # x ← −2x: |x| = 2^t
    assert np.allclose(path[:20, 0], (-2.0) ** np.arange(20))
    assert np.isnan(path[20:]).all()                              # 2^20 > 1e6
    mixed = descend(BOWL, SGD, 30, start=[[1.0, 0.0], [1e-9, 0.0]], lr=1.5)
    assert np.isnan(mixed[-1, 0]).all() and np.all(np.isfinite(mixed[:, 1]))
    assert np.isnan(descend(ROSENBROCK, SGD, 100, lr=0.1)[-1]).all()


def test_zero_steps_and_bad_arguments():
    assert np.array_equal(descend(SADDLE, SGD, 0, lr=0.1), [SADDLE.start])
    bound = SGD([Parameter("w", np.zeros(2), np.zeros(2))], lr=0.1)
    with pytest.raises(TypeError, match=r"optimizer class .* descend\(surface, SGD, steps, lr=0.1\)"):
        descend(BOWL, bound, 10)
    with pytest.raises(ValueError, match="whole number of steps >= 0, got steps=-1"):
        descend(BOWL, SGD, -1, lr=0.1)
    with pytest.raises(ValueError, match=r"start \(x, y\) or \(K, 2\) array, got shape \(3,\)"):
        descend(BOWL, SGD, 10, start=(1.0, 2.0, 3.0), lr=0.1)
    with pytest.raises(TypeError, match="needs a learning rate"):
        descend(BOWL, SGD, 10)


def test_plotting_helpers_draw_the_map_and_the_path():
    fig = Figure()
    ax = fig.subplots()
    draw_surface(ax, ROSENBROCK, backdrop=True)
    assert ax.child_axes and not ax.collections            # the map lives on the backdrop axes
    line = draw_path(ax, descend(ROSENBROCK, SGD, 10, lr=1e-3))
    assert len(line.get_xdata()) == 11 and ax.get_xlim() == ROSENBROCK.xlim
    plain = fig.subplots()
    assert draw_surface(plain, SADDLE) is plain and not plain.lines
    with pytest.raises(ValueError, match=r"shape \(steps \+ 1, 2\), got \(11, 3, 2\)"):
        draw_path(ax, np.zeros((11, 3, 2)))


def test_draw_surface_marks_the_start_on_the_map_it_returns():
    fig = Figure()
    ax = fig.subplots()
    back = draw_surface(ax, SADDLE, backdrop=True, start=True)
    assert back is ax.child_axes[-1] and not ax.lines       # the ring belongs to the backdrop
    (ring,) = back.lines
    assert (ring.get_xdata()[0], ring.get_ydata()[0]) == SADDLE.start
    line = draw_path(ax, descend(SADDLE, SGD, 5, lr=0.1), start=False)
    assert list(ax.lines) == [line]
