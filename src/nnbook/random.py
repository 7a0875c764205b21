"""One seeded source of randomness for the whole library.

Every random draw in `nnbook` (initial weights, dropout masks, shuffling, data splits,
augmentation) comes from one shared `numpy.random.Generator`, seeded with 0 when the
package is imported. So:

- a notebook run twice from the top gives the same numbers, draw for draw;
- two layers built one after the other get *different* weights (the second continues the
  stream where the first stopped), and two `Dropout` layers draw different masks;
- ``nnbook.seed(s)`` at the top of a notebook or experiment starts the stream afresh;
- any function that draws also accepts an explicit ``rng=`` generator, which then takes
  the place of the shared one for that call (useful to repeat one draw exactly).

Example::

    import nnbook
    nnbook.seed(0)
    a, b = Linear(16, 16), Linear(16, 16)    # different weights, the same ones every run
"""

from __future__ import annotations

import numpy as np

_shared = np.random.default_rng(0)


def seed(value: int = 0) -> None:
    """Restart the shared random stream from ``value`` (an integer ≥ 0).

    Everything drawn after this call (weights, masks, shuffles) repeats exactly when the
    same code runs again after the same ``seed``.
    """
    global _shared
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"seed expects an integer >= 0, got {value!r}, e.g. nnbook.seed(0)")
    _shared = np.random.default_rng(int(value))


def get_rng(rng: np.random.Generator | None = None) -> np.random.Generator:
    """The generator a draw should use: ``rng`` when given, otherwise the shared one.

    Args:
        rng: an explicit generator, or None for the library's shared stream.

    Raises:
        TypeError: ``rng`` is neither None nor a `numpy.random.Generator` (e.g. an int
            seed was passed; wrap it as ``np.random.default_rng(seed)``).
    """
    if rng is None:
        return _shared
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy Generator or None, got {type(rng).__name__} {rng!r}: "
            "pass np.random.default_rng(seed), or call nnbook.seed(seed) and leave rng out"
        )
    return rng


def spawn_rng(rng: np.random.Generator | None = None) -> np.random.Generator:
    """The generator for an object that keeps drawing (a dropout layer, a training loop's
    shuffling): ``rng`` when given, otherwise a new child of the shared stream.

    Children are reproducible (the n-th spawn after ``seed(s)`` is always the same) and
    independent of each other and of the shared stream, so two dropout layers never share
    masks, and a layer's draws do not shift the weights of layers built after it.
    """
    if rng is not None:
        return get_rng(rng)
    return _shared.spawn(1)[0]
