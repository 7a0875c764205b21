"""nnbook: the NumPy library behind the course on neural-network fundamentals.

Every chapter of the book imports this package; nothing in the chapters re-implements it.
"""

__version__ = "0.1.0"
