"""Data augmentation: warping, shifts, rotations, flips, crops, noise and elastic distortion."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nnbook
from nnbook.augment import (
    add_noise,
    center_crop,
    elastic_distort,
    elastic_field,
    flip_images,
    gaussian_blur_matrix,
    random_crop,
    rotate_by,
    rotate_images,
    shift_by,
    shift_images,
    warp_images,
)
from nnbook.data import load_digits

RANDOM = [
    lambda x, rng: shift_images(x, 2, rng=rng),
    lambda x, rng: rotate_images(x, 20.0, rng=rng),
    lambda x, rng: flip_images(x, 0.5, rng=rng),
    lambda x, rng: random_crop(x, 6, padding=1, rng=rng),
    lambda x, rng: add_noise(x, 0.3, rng=rng),
    lambda x, rng: elastic_distort(x, 1.0, 1.5, rng=rng),
]


@pytest.fixture(scope="module")
def digits():
    images, _ = load_digits(flatten=False)
    return images[:40]


def ramp(n=1, h=9, w=11):
    """Images whose pixel (i, j) holds the column number j: bilinear reading is exact on them."""
    return np.broadcast_to(np.arange(w, dtype=float), (n, h, w)).copy()


def test_warp_reads_the_requested_points_exactly_on_a_linear_image(rng):
    images = ramp(3)
    rows = rng.uniform(1, 7, size=(3, 9, 11))
    cols = rng.uniform(0, 10, size=(3, 9, 11))
    assert np.allclose(warp_images(images, rows, cols), cols)


def test_warp_is_zero_outside_and_exact_on_whole_pixels(rng):
    images = rng.normal(size=(2, 1, 5, 6))
    rows, cols = np.meshgrid(np.arange(5.0), np.arange(6.0), indexing="ij")
    assert np.array_equal(warp_images(images, rows, cols), images)
    assert np.array_equal(warp_images(images, rows + 100, cols), np.zeros_like(images))
    assert np.array_equal(warp_images(images, rows, cols - 100), np.zeros_like(images))


@settings(max_examples=30, deadline=None)
@given(st.integers(-3, 3), st.integers(-3, 3))
def test_shift_by_moves_pixels(dy, dx):
    image = np.zeros((1, 9, 9))
    image[0, 4, 4] = 1.0
    moved = shift_by(image, dy, dx)
    assert moved[0, 4 + dy, 4 + dx] == 1.0 and moved.sum() == 1.0


def test_shift_images(rng):
    images = np.zeros((50, 1, 8, 8))
    images[:, :, 3:5, 3:5] = 1.0
    shifted = shift_images(images, max_shift=2, rng=rng)
    assert shifted.shape == images.shape
    assert np.allclose(shifted.sum(axis=(1, 2, 3)), 4.0)
    assert np.any(shifted != images)
    assert set(np.unique(shifted)) == {0.0, 1.0}, "whole-pixel shifts do not interpolate"
    assert np.array_equal(shift_images(images[:, 0], max_shift=0), images[:, 0])
    with pytest.raises(ValueError, match=r"\(N, H, W\) or \(N, C, H, W\)"):
        shift_images(np.zeros((5, 64)))


def test_rotate_by_quarter_turns_match_rot90(rng):
    images = rng.normal(size=(3, 7, 7))
    assert np.allclose(rotate_by(images, 90.0), np.rot90(images, 1, axes=(1, 2)))
    assert np.allclose(rotate_by(images, -90.0), np.rot90(images, -1, axes=(1, 2)))
    assert np.allclose(rotate_by(images, 180.0), images[:, ::-1, ::-1])
    assert np.allclose(rotate_by(images, [0.0, 90.0, 0.0])[1], np.rot90(images[1]))


def test_rotate_images(digits, rng):
    assert np.allclose(rotate_images(digits[:5], max_degrees=0.0), digits[:5])
    turned = rotate_images(digits[:20, 0], max_degrees=15.0, rng=rng)
    assert turned.shape == (20, 8, 8) and np.all(np.isfinite(turned))
    assert not np.allclose(turned, digits[:20, 0])
    disc = np.hypot(*np.meshgrid(np.arange(15) - 7.0, np.arange(15) - 7.0)) < 3
    spun = rotate_images(np.repeat(disc[None] * 1.0, 10, axis=0), 180.0, rng=rng)
    assert np.allclose(spun.sum(axis=(1, 2)), disc.sum(), rtol=0.05), "a centred disc keeps its mass"


def test_flip_images(digits, rng):
    assert np.array_equal(flip_images(digits, p=1.0), digits[..., ::-1])
    assert np.array_equal(flip_images(digits, p=1.0, axis="vertical"), digits[..., ::-1, :])
    assert np.array_equal(flip_images(digits, p=0.0), digits)
    mixed = flip_images(np.repeat(digits[:1], 2000, axis=0), p=0.3, rng=rng)
    flipped = np.all(mixed == digits[0, ..., ::-1], axis=(1, 2, 3))
    assert 0.25 < flipped.mean() < 0.35
    with pytest.raises(ValueError, match="0 <= p <= 1"):
        flip_images(digits, p=1.5)
    with pytest.raises(ValueError, match="'horizontal' or 'vertical'"):
        flip_images(digits, axis="left")


def test_random_crop_cuts_windows_of_the_padded_image(rng):
    images = rng.normal(size=(30, 2, 6, 7))
    crops = random_crop(images, (4, 5), padding=1, rng=rng)
    assert crops.shape == (30, 2, 4, 5)
    padded = np.pad(images, ((0, 0), (0, 0), (1, 1), (1, 1)))
    for n in range(30):
        windows = [padded[n, :, t : t + 4, s : s + 5] for t in range(5) for s in range(5)]
        assert any(np.array_equal(crops[n], win) for win in windows)
    assert np.array_equal(random_crop(images[:, 0], (6, 7)), images[:, 0])
    with pytest.raises(ValueError, match="at most 8x9"):
        random_crop(images, 9, padding=1)


def test_center_crop():
    images = np.arange(2 * 36, dtype=float).reshape(2, 6, 6)
    assert np.array_equal(center_crop(images, 2), images[:, 2:4, 2:4])
    assert np.array_equal(center_crop(images, (6, 4)), images[:, :, 1:5])
    with pytest.raises(ValueError, match="7x7 window out of 6x6"):
        center_crop(images, 7)


def test_add_noise(rng):
    x = np.zeros((200, 200))
    noisy = add_noise(x, std=0.5, rng=rng)
    assert noisy.std() == pytest.approx(0.5, rel=0.02) and abs(noisy.mean()) < 0.01
    assert np.array_equal(add_noise(x, std=0.0), x)
    with pytest.raises(ValueError, match="std >= 0"):
        add_noise(x, std=-1.0)


def test_gaussian_blur_matrix():
    g = gaussian_blur_matrix(9, 1.5)
    assert g.shape == (9, 9) and np.allclose(g.sum(axis=1), 1.0) 
    assert g[4, 4] > g[4, 5] > g[4, 6]
    assert np.allclose(gaussian_blur_matrix(5, 1e-3), np.eye(5))


def test_elastic_field_has_rms_length_alpha_and_sigma_smooths_it(rng):
    d_rows, d_cols = elastic_field(50, (12, 10), alpha=0.8, sigma=2.0, rng=rng)
    assert d_rows.shape == d_cols.shape == (50, 12, 10)
    assert np.allclose(np.sqrt(np.mean(d_rows**2 + d_cols**2, axis=(1, 2))), 0.8)
    _, rough = elastic_field(50, (12, 10), alpha=0.8, sigma=0.3, rng=rng)
    assert np.abs(np.diff(d_cols, axis=2)).mean() < 0.3 * np.abs(np.diff(rough, axis=2)).mean()


def test_elastic_distortion_reads_the_input_at_the_displaced_points():
    images = ramp(5, 12, 12) + 100.0
    nnbook.seed(4)
    moved = elastic_distort(images, alpha=0.7, sigma=2.0)
    nnbook.seed(4)
    d_rows, d_cols = elastic_field(5, (12, 12), alpha=0.7, sigma=2.0)
    rows, cols = np.arange(12.0)[:, None] + d_rows, np.arange(12.0) + d_cols
    inside = (rows >= 0) & (rows <= 11) & (cols >= 0) & (cols <= 11)
    assert inside.mean() > 0.7
    assert np.allclose((moved - images)[inside], d_cols[inside])
    assert np.allclose(elastic_distort(images, alpha=0.0), images)


@pytest.mark.parametrize("augment", RANDOM)
def test_random_augmentations_leave_their_input_alone_and_repeat_under_a_seed(augment, digits):
    before = digits.copy()
    nnbook.seed(3)
    first = augment(digits, None)
    assert np.array_equal(digits, before)
    nnbook.seed(3)
    assert np.array_equal(augment(digits, None), first)
    assert np.array_equal(augment(digits[:, 0], np.random.default_rng(1)),
                          augment(digits, np.random.default_rng(1))[:, 0])


def test_geometric_augmentations_keep_digit_pixels_in_range(digits, rng):
    for out in (rotate_images(digits, 30, rng=rng), elastic_distort(digits, 1.0, rng=rng),
                shift_images(digits, 2, rng=rng)):
        assert out.min() >= 0.0 and out.max() <= 16.0 + 1e-9
