"""Data: splits, mini-batches, the bundled digits, IDX files and MNIST loading."""

import gzip
import struct

import numpy as np
import pytest

import nnbook
from nnbook.data import iterate_minibatches, load_digits, load_mnist, read_idx, train_val_test_split


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


def test_split_in_the_sources_proportions():
    """S0: MNIST's 70,000 images as 55,000 training, 5,000 validation and 10,000 test."""
    x, y = np.zeros((70_000, 1)), np.arange(70_000)
    train, val, test = train_val_test_split(x, y, 5_000 / 70_000, 10_000 / 70_000)
    assert (len(train[1]), len(val[1]), len(test[1])) == (55_000, 5_000, 10_000)


def test_shuffles_follow_the_shared_stream():
    x, y = np.arange(20)[:, None], np.arange(20)
    nnbook.seed(7)
    first = train_val_test_split(x, y)[0][1], next(iterate_minibatches(x, y, 5))[1]
    nnbook.seed(7)
    again = train_val_test_split(x, y)[0][1], next(iterate_minibatches(x, y, 5))[1]
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    with pytest.raises(TypeError, match="default_rng"):
        train_val_test_split(x, y, rng=3)


def test_moved_names_say_where_they_went():
    with pytest.raises(ImportError, match="from nnbook.preprocessing import Standardizer"):
        from nnbook.data import Standardizer  # noqa: F401
    with pytest.raises(ImportError, match="from nnbook.augment import shift_images"):
        from nnbook.data import shift_images  # noqa: F401
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        nnbook.data.nothing


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
