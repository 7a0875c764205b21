"""Shared fixtures for the library tests."""

import numpy as np
import pytest

from nnbook.data import load_digits, train_val_test_split
from nnbook.preprocessing import Standardizer


@pytest.fixture(scope="session")
def digits_split():
    """Standardised digits: ((x_train, y_train), (x_val, y_val), (x_test, y_test))."""
    x, y = load_digits()
    (x_tr, y_tr), (x_val, y_val), (x_te, y_te) = train_val_test_split(x, y, 0.1, 0.2, rng=np.random.default_rng(0))
    scaler = Standardizer().fit(x_tr)
    return (
        (scaler.transform(x_tr), y_tr),
        (scaler.transform(x_val), y_val),
        (scaler.transform(x_te), y_te),
    )


@pytest.fixture
def rng():
    return np.random.default_rng(12345)
