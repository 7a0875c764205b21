"""Data preparation: scaling, whitening, labels, splits, batches, augmentation, loaders."""

import gzip
import struct

import numpy as np
import pytest

from nnbook.data import (
    MinMaxScaler,
    PCAWhitener,
    Standardizer,
    ZCAWhitener,
    add_noise,
    from_one_hot,
    iterate_minibatches,
    load_digits,
    load_mnist,
    one_hot,
    read_idx,
    rotate_images,
    shift_images,
    train_val_test_split,
)


def correlated(rng, n=2000):
    return rng.normal(size=(n, 3)) @ np.array([[2.0, 0.5, 0.0], [0.0, 1.0, 0.8], [0.0, 0.0, 0.3]]) + [1.0, -2.0, 5.0]


def test_standardizer_fits_on_training_data_only(rng):
    train, test = correlated(rng), correlated(rng, 50) + 10.0
    scaler = Standardizer().fit(train)
    z = scaler.transform(train)
    assert np.allclose(z.mean(axis=0), 0.0) and np.allclose(z.std(axis=0), 1.0)
    assert np.allclose(scaler.transform(test), (test - train.mean(axis=0)) / train.std(axis=0))
    assert np.allclose(scaler.inverse_transform(z), train)
    constant = np.column_stack([np.full(10, 3.0), np.arange(10.0)])
    out = Standardizer().fit_transform(constant)
    assert np.all(np.isfinite(out)) and np.allclose(out[:, 0], 0.0)


def test_minmax_scaler(rng):
    x = correlated(rng)
    scaler = MinMaxScaler().fit(x)
    out = scaler.transform(x)
    assert np.allclose(out.min(axis=0), 0.0) and np.allclose(out.max(axis=0), 1.0)
    assert np.allclose(scaler.inverse_transform(out), x)


@pytest.mark.parametrize("cls", [PCAWhitener, ZCAWhitener])
def test_whitening_gives_identity_covariance(cls, rng):
    x = correlated(rng)
    white = cls(eps=1e-8).fit(x)
    out = white.transform(x)
    assert np.allclose(np.cov(out.T, bias=True), np.eye(3), atol=1e-6)
    assert np.allclose(out.mean(axis=0), 0.0)


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


def test_train_val_test_split(rng):
    x = np.arange(100).reshape(50, 2)
    y = np.arange(50)
    (x_tr, y_tr), (x_val, y_val), (x_te, y_te) = train_val_test_split(x, y, 0.2, 0.1, rng=rng)
    assert (len(y_tr), len(y_val), len(y_te)) == (35, 10, 5)
    assert sorted(np.concatenate([y_tr, y_val, y_te]).tolist()) == list(range(50))
    assert np.array_equal(x_tr[:, 0] // 2, y_tr)
    with pytest.raises(ValueError, match="sum below 1"):
        train_val_test_split(x, y, 0.6, 0.5)
    with pytest.raises(ValueError, match="50 samples but y has 49"):
        train_val_test_split(x, y[:-1])


def test_iterate_minibatches(rng):
    x = np.arange(10)[:, None]
    y = np.arange(10)
    batches = list(iterate_minibatches(x, y, batch_size=4, rng=rng))
    assert [len(b[0]) for b in batches] == [4, 4, 2]
    assert sorted(np.concatenate([b[1] for b in batches]).tolist()) == list(range(10))
    assert all(np.array_equal(bx[:, 0], by) for bx, by in batches)
    ordered = list(iterate_minibatches(x, None, batch_size=3, shuffle=False))
    assert np.array_equal(ordered[0][0][:, 0], [0, 1, 2]) and ordered[0][1] is None
    with pytest.raises(ValueError, match="batch_size >= 1"):
        list(iterate_minibatches(x, y, batch_size=0))


def test_shift_images(rng):
    images = np.zeros((50, 1, 8, 8))
    images[:, :, 3:5, 3:5] = 1.0
    shifted = shift_images(images, max_shift=2, rng=rng)
    assert shifted.shape == images.shape
    assert np.allclose(shifted.sum(axis=(1, 2, 3)), 4.0)
    assert np.any(shifted != images)
    assert np.array_equal(shift_images(images[:, 0], max_shift=0), images[:, 0])
    with pytest.raises(ValueError, match=r"\(N, H, W\) or \(N, C, H, W\)"):
        shift_images(np.zeros((5, 64)))


def test_rotate_images(rng):
    digits, _ = load_digits(flatten=False)
    same = rotate_images(digits[:5], max_degrees=0.0)
    assert np.allclose(same, digits[:5])
    turned = rotate_images(digits[:20, 0], max_degrees=15.0, rng=rng)
    assert turned.shape == (20, 8, 8) and np.all(np.isfinite(turned))
    assert not np.allclose(turned, digits[:20, 0])
    square = np.zeros((1, 9, 9))
    square[0, 4, 2:7] = 1.0
    quarter = rotate_images(square, max_degrees=90.0, rng=np.random.default_rng(0))
    assert quarter.sum() == pytest.approx(square.sum(), rel=0.3)


def test_add_noise(rng):
    x = np.zeros((200, 200))
    noisy = add_noise(x, std=0.5, rng=rng)
    assert noisy.std() == pytest.approx(0.5, rel=0.02)


def test_load_digits():
    x, y = load_digits()
    assert x.shape == (1797, 64) and x.dtype == np.float64 and y.shape == (1797,)
    assert x.min() == 0 and x.max() == 16 and set(np.unique(y)) == set(range(10))
    images, _ = load_digits(flatten=False)
    assert images.shape == (1797, 1, 8, 8) and np.array_equal(images.reshape(1797, -1), x)


def write_idx(path, array, code=0x08):
    header = struct.pack(">BBBB", 0, 0, code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    data = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    if str(path).endswith(".gz"):
        with gzip.open(path, "wb") as f:
            f.write(data)
    else:
        path.write_bytes(data)


def test_read_idx_images_labels_and_other_types(tmp_path, rng):
    images = rng.integers(0, 256, size=(3, 4, 5), dtype=np.uint8)
    labels = np.array([7, 0, 9], dtype=np.uint8)
    write_idx(tmp_path / "img-idx3-ubyte", images)
    write_idx(tmp_path / "lbl-idx1-ubyte.gz", labels)
    read = read_idx(tmp_path / "img-idx3-ubyte")
    assert read.dtype == np.uint8 and np.array_equal(read, images)
    assert np.array_equal(read_idx(tmp_path / "lbl-idx1-ubyte.gz"), labels)
    floats = rng.normal(size=(2, 3)).astype(np.float32)
    write_idx(tmp_path / "f.idx", floats, code=0x0D)
    assert np.array_equal(read_idx(tmp_path / "f.idx"), floats)


def test_read_idx_rejects_bad_files(tmp_path):
    (tmp_path / "bad").write_bytes(b"\x01\x02\x08\x01")
    with pytest.raises(ValueError, match="not an IDX file"):
        read_idx(tmp_path / "bad")
    write_idx(tmp_path / "short", np.zeros((4, 2), dtype=np.uint8))
    (tmp_path / "short").write_bytes((tmp_path / "short").read_bytes()[:-3])
    with pytest.raises(ValueError, match=r"shape \(4, 2\).*truncated"):
        read_idx(tmp_path / "short")


def test_load_mnist_from_small_files(tmp_path, rng):
    for split, n in (("train", 6), ("t10k", 4)):
        write_idx(tmp_path / f"{split}-images-idx3-ubyte.gz", rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        write_idx(tmp_path / f"{split}-labels.idx1-ubyte", rng.integers(0, 10, n, dtype=np.uint8))
    (x_tr, y_tr), (x_te, y_te) = load_mnist(tmp_path)
    assert x_tr.shape == (6, 784) and x_te.shape == (4, 784) and y_tr.shape == (6,)
    assert 0.0 <= x_tr.min() and x_tr.max() <= 1.0 and y_te.dtype == np.int64
    (images, _), _ = load_mnist(tmp_path, flatten=False)
    assert images.shape == (6, 1, 28, 28)
    with pytest.raises(FileNotFoundError, match="never downloads"):
        load_mnist(tmp_path / "nowhere")
