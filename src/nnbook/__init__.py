"""nnbook: the NumPy library behind the course on neural-network fundamentals.

Every chapter of the book imports this package; nothing in the chapters re-implements it.
``nnbook.seed(s)`` restarts the one random stream every layer, mask and shuffle draws from.
"""

from nnbook.random import seed

__all__ = ["seed"]
__version__ = "0.1.0"
