"""Data augmentation: random label-preserving changes to training images.

Each function takes a batch of images, ``(N, H, W)`` or ``(N, C, H, W)``, draws one random
change per image and returns new arrays (the input is never modified). Augment the
TRAINING set only: validation and test images are measured as they come.

Every function is vectorised over the batch. The geometric ones (shift, rotation, elastic
distortion) compute, for each output pixel, the point of the input it comes from, and read
the input there by bilinear interpolation; points outside the image count as 0 (background).

Draws come from ``rng`` when given, otherwise from the library's shared stream
(`nnbook.random`), so ``nnbook.seed(s)`` repeats them.
"""

from __future__ import annotations

import numpy as np

from nnbook._checks import as_float_array, check_nonempty
from nnbook.random import get_rng


def _as_image_batch(images: np.ndarray, owner: str) -> np.ndarray:
    images = as_float_array(images, owner, "images")
    if images.ndim not in (3, 4):
        raise ValueError(
            f"{owner} expected images of shape (N, H, W) or (N, C, H, W), got {images.shape}: "
            "reshape flat images first, e.g. x.reshape(len(x), 8, 8) for the digits"
        )
    check_nonempty(images, owner, "images")
    return images


def _check_at_least(value: float, low: float, name: str, owner: str) -> None:
    if not value >= low:
        raise ValueError(f"{owner} needs {name} >= {low:g}, got {value}")


def _gather(padded: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """padded[n, :, rows[n, i, j], cols[n, i, j]] for every n, i, j; (N, C, h, w) out."""
    sample = np.arange(len(padded))[:, None, None]
    return np.moveaxis(padded[sample, :, rows, cols], -1, 1)


def warp_images(images: np.ndarray, src_rows: np.ndarray, src_cols: np.ndarray) -> np.ndarray:
    """Resample images: output pixel (i, j) of image n is the input read at
    (src_rows[n, i, j], src_cols[n, i, j]), by bilinear interpolation, 0 outside the image.

    With r0 = ⌊r⌋, c0 = ⌊c⌋, a = r − r0, b = c − c0 the value read at (r, c) is
    (1−a)(1−b) x[r0, c0] + (1−a) b x[r0, c0+1] + a (1−b) x[r0+1, c0] + a b x[r0+1, c0+1].
    Whole-number coordinates read pixels exactly.

    Args:
        images: shape ``(N, H, W)`` or ``(N, C, H, W)``.
        src_rows, src_cols: where each output pixel comes from, shape ``(N, H, W)`` (or
            broadcastable to it), in pixel units (row 0 is the top row).

    Returns:
        The warped images, the same shape as ``images``.
    """
    images = _as_image_batch(images, "warp_images")
    batch = images if images.ndim == 4 else images[:, np.newaxis]
    n, c, h, w = batch.shape
    src_rows = np.broadcast_to(src_rows, (n, h, w))
    src_cols = np.broadcast_to(src_cols, (n, h, w))
    padded = np.zeros((n, c, h + 2, w + 2))
    padded[:, :, 1:-1, 1:-1] = batch
    # In the padded frame, coordinates past the border land on the zero border.
    r = np.clip(src_rows + 1, 0, h + 1)
    col = np.clip(src_cols + 1, 0, w + 1)
    r0 = np.minimum(np.floor(r).astype(int), h)
    c0 = np.minimum(np.floor(col).astype(int), w)
    a, b = (r - r0)[:, None], (col - c0)[:, None]
    out = (
        _gather(padded, r0, c0) * ((1 - a) * (1 - b))
        + _gather(padded, r0, c0 + 1) * ((1 - a) * b)
        + _gather(padded, r0 + 1, c0) * (a * (1 - b))
        + _gather(padded, r0 + 1, c0 + 1) * (a * b)
    )
    return out if images.ndim == 4 else out[:, 0]


def _pixel_grid(h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    return np.meshgrid(np.arange(h, dtype=float), np.arange(w, dtype=float), indexing="ij")


def shift_by(images: np.ndarray, dy: float | np.ndarray, dx: float | np.ndarray) -> np.ndarray:
    """Move image n down by dy[n] and right by dx[n] pixels, filling the uncovered border
    with 0: x'[i, j] = x[i − dy, j − dx] (whole numbers move pixels exactly, fractions
    interpolate).

    Args:
        images: shape ``(N, H, W)`` or ``(N, C, H, W)``.
        dy, dx: the shifts in pixels, numbers or arrays of shape ``(N,)``.

    Returns:
        Shifted copies, the same shape.
    """
    images = _as_image_batch(images, "shift_by")
    rows, cols = _pixel_grid(*images.shape[-2:])
    dy, dx = (np.broadcast_to(np.asarray(d, dtype=float), (len(images),))[:, None, None] for d in (dy, dx))
    return warp_images(images, rows - dy, cols - dx)


def shift_images(images: np.ndarray, max_shift: int = 1, rng: np.random.Generator | None = None) -> np.ndarray:
    """Shift each image by a random whole number of pixels (dy, dx), each uniform in
    {−s, …, s}: `shift_by` with random shifts.

    Args:
        images: shape ``(N, H, W)`` or ``(N, C, H, W)``.
        max_shift: s, the largest shift in pixels along each axis.

    Returns:
        Shifted copies, the same shape.
    """
    images = _as_image_batch(images, "shift_images")
    _check_at_least(max_shift, 0, "max_shift", "shift_images")
    dy, dx = get_rng(rng).integers(-max_shift, max_shift + 1, size=(2, len(images)))
    return shift_by(images, dy, dx)


def rotate_by(images: np.ndarray, degrees: float | np.ndarray) -> np.ndarray:
    """Rotate image n about its centre by degrees[n], anticlockwise as displayed (like
    ``np.rot90``), by bilinear interpolation.

    Output pixel (r, c), measured from the centre with rows running down, reads the input
    at (cos θ · r + sin θ · c, −sin θ · r + cos θ · c): the point rotated back by θ.

    Args:
        images: shape ``(N, H, W)`` or ``(N, C, H, W)``.
        degrees: θ in degrees, a number or an array of shape ``(N,)``.

    Returns:
        Rotated copies, the same shape.
    """
    images = _as_image_batch(images, "rotate_by")
    h, w = images.shape[-2:]
    theta = np.deg2rad(np.broadcast_to(np.asarray(degrees, dtype=float), (len(images),)))[:, None, None]
    rows, cols = _pixel_grid(h, w)
    rows, cols = rows - (h - 1) / 2, cols - (w - 1) / 2
    cos, sin = np.cos(theta), np.sin(theta)
    return warp_images(images, cos * rows + sin * cols + (h - 1) / 2, -sin * rows + cos * cols + (w - 1) / 2)


def rotate_images(images: np.ndarray, max_degrees: float = 15.0, rng: np.random.Generator | None = None) -> np.ndarray:
    """Rotate each image about its centre by a random angle uniform in
    [−max_degrees, max_degrees]: `rotate_by` with random angles.

    Args:
        images: shape ``(N, H, W)`` or ``(N, C, H, W)``.
        max_degrees: the largest rotation, in degrees.

    Returns:
        Rotated copies, the same shape.
    """
    images = _as_image_batch(images, "rotate_images")
    _check_at_least(max_degrees, 0, "max_degrees", "rotate_images")
    return rotate_by(images, get_rng(rng).uniform(-max_degrees, max_degrees, size=len(images)))


def flip_images(
    images: np.ndarray, p: float = 0.5, axis: str = "horizontal", rng: np.random.Generator | None = None
) -> np.ndarray:
    """Mirror each image with probability p: left-right (``"horizontal"``) or upside down
    (``"vertical"``).

    Only for classes that look the same mirrored (a cat, a car): a mirrored 2 or 7 is no
    longer a 2 or a 7, so flips do not suit digits or text.

    Args:
        images: shape ``(N, H, W)`` or ``(N, C, H, W)``.
        p: the probability that an image is flipped.
        axis: ``"horizontal"`` (x'[i, j] = x[i, W−1−j]) or ``"vertical"`` (x'[i, j] = x[H−1−i, j]).

    Returns:
        The images, a random subset of them mirrored, the same shape.
    """
    images = _as_image_batch(images, "flip_images")
    if not 0 <= p <= 1:
        raise ValueError(f"flip_images needs a probability 0 <= p <= 1, got {p}")
    axes = {"horizontal": -1, "vertical": -2}
    if axis not in axes:
        raise ValueError(f"flip_images axis must be 'horizontal' or 'vertical', got {axis!r}")
    flip = get_rng(rng).random(len(images)) < p
    mask = flip.reshape((-1,) + (1,) * (images.ndim - 1))
    return np.where(mask, np.flip(images, axis=axes[axis]), images)


def random_crop(
    images: np.ndarray, size: int | tuple[int, int], padding: int = 0, rng: np.random.Generator | None = None
) -> np.ndarray:
    """Cut a window of ``size`` pixels at a random place out of each image, after padding the
    image with ``padding`` zeros on every side.

    ``padding = p`` with ``size = (H, W)`` gives the classic "pad and crop back" (a random
    shift of up to p pixels); a ``size`` smaller than the image trains on parts of it, and
    then the test images are cut with `center_crop` to the same size.

    Args:
        images: shape ``(N, H, W)`` or ``(N, C, H, W)``.
        size: the window, ``h`` or ``(h, w)``; at most (H + 2p, W + 2p).
        padding: p, zeros added on each side first.

    Returns:
        The crops, shape ``(N, h, w)`` or ``(N, C, h, w)``.
    """
    images = _as_image_batch(images, "random_crop")
    _check_at_least(padding, 0, "padding", "random_crop")
    ch, cw = (size, size) if np.isscalar(size) else size
    batch = images if images.ndim == 4 else images[:, np.newaxis]
    n, c, h, w = batch.shape
    if not (0 < ch <= h + 2 * padding and 0 < cw <= w + 2 * padding):
        raise ValueError(
            f"random_crop cannot cut a {ch}x{cw} window out of {h}x{w} images padded by {padding}: "
            f"choose a size of at most {h + 2 * padding}x{w + 2 * padding}"
        )
    padded = np.pad(batch, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    rng = get_rng(rng)
    top = rng.integers(0, h + 2 * padding - ch + 1, size=(n, 1, 1))
    left = rng.integers(0, w + 2 * padding - cw + 1, size=(n, 1, 1))
    rows = top + np.arange(ch)[None, :, None]
    cols = left + np.arange(cw)[None, None, :]
    out = _gather(padded, rows, cols)
    return out if images.ndim == 4 else out[:, 0]


def center_crop(images: np.ndarray, size: int | tuple[int, int]) -> np.ndarray:
    """Cut the central window of ``size`` = ``h`` or ``(h, w)`` pixels out of each image
    (the test-time partner of `random_crop`). Returns shape ``(N, [C,] h, w)``."""
    images = _as_image_batch(images, "center_crop")
    ch, cw = (size, size) if np.isscalar(size) else size
    h, w = images.shape[-2:]
    if not (0 < ch <= h and 0 < cw <= w):
        raise ValueError(f"center_crop cannot cut a {ch}x{cw} window out of {h}x{w} images")
    top, left = (h - ch) // 2, (w - cw) // 2
    return images[..., top : top + ch, left : left + cw].copy()


def add_noise(x: np.ndarray, std: float = 0.1, rng: np.random.Generator | None = None) -> np.ndarray:
    """Add Gaussian noise: x' = x + n, n ~ N(0, std²), element by element. Shape in = shape out."""
    x = as_float_array(x, "add_noise")
    _check_at_least(std, 0, "std", "add_noise")
    return x + get_rng(rng).normal(0.0, std, size=x.shape)


def gaussian_blur_matrix(n: int, sigma: float) -> np.ndarray:
    """The ``(n, n)`` matrix G that blurs a length-n signal with a Gaussian of width σ pixels:
    G[i, j] ∝ exp(−(i − j)² / (2σ²)), each row summing to 1. ``G_h @ img @ G_w.T`` blurs
    an ``(H, W)`` image (and a batch, by broadcasting)."""
    _check_at_least(sigma, 1e-12, "sigma", "gaussian_blur_matrix")
    d = np.arange(n)[:, None] - np.arange(n)[None, :]
    g = np.exp(-(d**2) / (2 * sigma**2))
    return g / g.sum(axis=1, keepdims=True)


def elastic_field(
    n: int, shape: tuple[int, int], alpha: float = 1.0, sigma: float = 1.5, rng: np.random.Generator | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Smooth random displacement fields for elastic distortion, one per image.

    Two fields of independent uniform(−1, 1) values per image (row and column moves) are
    blurred with a Gaussian of width σ pixels, so neighbouring pixels move together, then
    scaled so that the displacement vectors (Δr, Δc) of each image have a root-mean-square
    length of α pixels.

    Args:
        n: the number of images.
        shape: ``(H, W)``.
        alpha: α, the root-mean-square displacement in pixels.
        sigma: σ, the smoothness in pixels.

    Returns:
        ``(d_rows, d_cols)``, each of shape ``(n, H, W)``.
    """
    _check_at_least(alpha, 0, "alpha", "elastic_field")
    h, w = shape
    noise = get_rng(rng).uniform(-1.0, 1.0, size=(2, n, h, w))
    field = gaussian_blur_matrix(h, sigma) @ noise @ gaussian_blur_matrix(w, sigma).T
    rms_length = np.sqrt(np.sum(np.mean(field**2, axis=(2, 3), keepdims=True), axis=0))
    d_rows, d_cols = alpha * field / rms_length
    return d_rows, d_cols


def elastic_distort(
    images: np.ndarray, alpha: float = 1.0, sigma: float = 1.5, rng: np.random.Generator | None = None
) -> np.ndarray:
    """Elastic distortion (Simard, Steinkraus and Platt, 2003): move every pixel by a smooth
    random displacement, like a rubber sheet, and resample by bilinear interpolation:
    x'[i, j] = x[i + Δr_ij, j + Δc_ij] with (Δr, Δc) from `elastic_field`.

    Simard et al. scale the blurred field by α directly; here α is the root-mean-square
    displacement in pixels, so it reads the same whatever σ is.

    Args:
        images: shape ``(N, H, W)`` or ``(N, C, H, W)``.
        alpha: α, the root-mean-square displacement in pixels (0 changes nothing).
        sigma: σ, the smoothness in pixels (small: jittery; large: nearly a rigid shift).

    Returns:
        Distorted copies, the same shape.
    """
    images = _as_image_batch(images, "elastic_distort")
    h, w = images.shape[-2:]
    d_rows, d_cols = elastic_field(len(images), (h, w), alpha, sigma, rng)
    rows, cols = _pixel_grid(h, w)
    return warp_images(images, rows + d_rows, cols + d_cols)
