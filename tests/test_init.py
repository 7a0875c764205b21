"""Weight initialisers."""

import numpy as np
import pytest

import nnbook

from nnbook.init import (
    compute_fans,
    constant,
    get_initializer,
    he_normal,
    he_uniform,
    normal,
    uniform,
    xavier_normal,
    xavier_uniform,
    zeros,
)


def test_uniform_follows_the_sources():
    w = uniform(784, 10, np.random.default_rng(0))
    assert w.shape == (784, 10)
    assert np.abs(w).max() <= 1 / np.sqrt(784)
    assert np.abs(w).max() > 0.9 / np.sqrt(784)


@pytest.mark.parametrize(
    "fn, std",
    [
        (normal, 0.01),
        (xavier_normal, np.sqrt(2 / (400 + 300))),
        (xavier_uniform, np.sqrt(6 / (400 + 300)) / np.sqrt(3)),
        (he_normal, np.sqrt(2 / 400)),
        (he_uniform, np.sqrt(6 / 400) / np.sqrt(3)),
    ],
)
def test_spread_matches_formula(fn, std):
    w = fn(400, 300, np.random.default_rng(1))
    assert w.shape == (400, 300)
    assert abs(w.mean()) < 0.05 * std
    assert w.std() == pytest.approx(std, rel=0.02)


def test_conv_shapes_use_receptive_field_fans():
    assert compute_fans((8, 3, 5, 5)) == (75, 200)
    assert compute_fans((10, 4)) == (10, 4)
    w = he_normal((64, 16, 3, 3), rng=np.random.default_rng(2))
    assert w.shape == (64, 16, 3, 3)
    assert w.std() == pytest.approx(np.sqrt(2 / (16 * 9)), rel=0.03)
    assert np.abs(uniform((4, 2, 3, 3), rng=np.random.default_rng(0))).max() <= 1 / np.sqrt(18)
    assert he_normal(10, 5, fan_in=1000, rng=np.random.default_rng(0)).std() < 0.1
    with pytest.raises(ValueError, match="either"):
        uniform((3, 4), 5)


def test_zeros_constant_and_reproducibility():
    assert np.array_equal(zeros(2, 3), np.zeros((2, 3)))
    assert np.array_equal(constant(2, 2, 0.5), np.full((2, 2), 0.5))
    assert np.array_equal(uniform(3, 4, np.random.default_rng(5)), uniform(3, 4, np.random.default_rng(5)))
    nnbook.seed(3)
    first, second = uniform(3, 4), uniform(3, 4)
    assert not np.array_equal(first, second), "the shared stream moves on between draws"
    nnbook.seed(3)
    assert np.array_equal(uniform(3, 4), first), "and repeats after the same seed"


def test_get_initializer():
    assert get_initializer("he") is he_normal
    assert get_initializer("xavier") is xavier_uniform
    assert get_initializer(zeros) is zeros
    assert np.array_equal(get_initializer("constant", value=2.0)(2, 2), np.full((2, 2), 2.0))
    assert get_initializer("normal", std=1.0)(300, 300).std() == pytest.approx(1.0, rel=0.02)
    with pytest.raises(ValueError, match="unknown initializer 'kaiming'"):
        get_initializer("kaiming")
