"""Time nnbook's hot paths side by side with their bounds and with PyTorch on the CPU.

Usage: python benchmarks/run.py [--rounds 7]

Every figure is the best of ``--rounds`` rounds (each round runs the operation long enough to
take about 0.1 s); nnbook and the reference alternate round by round, so background load
hits both alike. Everything runs on ONE thread: the BLAS/OpenMP thread variables are pinned
below before NumPy is imported, and PyTorch (used only when it is installed; it is never a
dependency of the book) gets ``torch.set_num_threads(1)``.

Rows:
- Linear forward+backward against the bound of its three matrix multiplies
  (``x @ W``, ``x.T @ dout``, ``dout @ W.T``); goal <= 1.1x.
- Conv2D forward+backward on the shapes of a small LeNet-style digit network, in float64 and
  float32; goal <= 1.0x PyTorch in float64, <= 2x in float32.
- MaxPool2D forward+backward; goal <= 1.0x PyTorch.
- One epoch of ``Sequential.fit`` (mini-batch SGD, batch 32) for a 64-100-10 ReLU MLP on
  1,440 of scikit-learn's 8x8 digits, against a bare PyTorch training loop of the same model
  and batch size, float64 in both; goal <= 1.0x PyTorch.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import platform
import time
from typing import Callable

import numpy as np

from nnbook.activations import ReLU
from nnbook.conv import Conv2D
from nnbook.data import load_digits
from nnbook.layers import Linear
from nnbook.losses import SoftmaxCrossEntropyLoss
from nnbook.network import Sequential
from nnbook.optim import SGD
from nnbook.pooling import MaxPool2D
from nnbook.train import fit

try:
    import torch
except ImportError:
    torch = None
else:
    torch.set_num_threads(1)

Timed = Callable[[], object]


def seconds_per_call(fn: Timed, budget: float = 0.1) -> tuple[float, int]:
    """Mean time of one call over a batch of calls lasting about ``budget`` seconds."""
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= budget or number >= 1 << 16:
            return elapsed / number, number
        number = max(2 * number, int(number * budget / max(elapsed, 1e-9)))


def best_times(fns: list[Timed | None], rounds: int) -> list[float | None]:
    """Best per-call time of each function, measured in alternating rounds."""
    for fn in fns:
        if fn is not None:
            fn()
    best: list[float | None] = [None if fn is None else float("inf") for fn in fns]
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            if fn is not None:
                best[i] = min(best[i], seconds_per_call(fn)[0])
    return best


# --- Linear against its matrix multiplies -----------------------------------------------------


def linear_case(N: int, m: int, n: int) -> tuple[Timed, Timed]:
    rng = np.random.default_rng(0)
    layer = Linear(m, n, rng=rng)
    x = rng.standard_normal((N, m))
    dout = rng.standard_normal((N, n))
    W = layer.params["W"]

    def nnbook_step() -> None:
        layer.forward(x)
        layer.backward(dout)

    def three_matmuls() -> None:
        x @ W
        x.T @ dout
        dout @ W.T

    return nnbook_step, three_matmuls


# --- Conv2D and MaxPool2D against PyTorch -----------------------------------------------------

TORCH_DTYPES = {np.float64: "float64", np.float32: "float32"}


def layer_step(layer: Conv2D | MaxPool2D, x: np.ndarray, dout: np.ndarray) -> Timed:
    def step() -> None:
        layer.forward(x)
        layer.backward(dout)

    return step


def torch_step(op: Callable, x: np.ndarray, dout: np.ndarray) -> Timed | None:
    """PyTorch forward+backward of ``op`` (a module or a function), or None without PyTorch."""
    if torch is None:
        return None
    tx = torch.tensor(x, requires_grad=True)
    tdout = torch.tensor(dout)
    parameters = list(op.parameters()) if isinstance(op, torch.nn.Module) else []

    def step() -> None:
        tx.grad = None
        for p in parameters:
            p.grad = None
        op(tx).backward(tdout)

    return step


def conv_case(N: int, C: int, H: int, F: int, k: int, padding: int, dtype: type) -> tuple[Timed, Timed | None]:
    rng = np.random.default_rng(0)
    layer = Conv2D(C, F, k, padding=padding, rng=rng)
    layer.params = {name: p.astype(dtype) for name, p in layer.params.items()}
    x = rng.standard_normal((N, C, H, H)).astype(dtype)
    dout = rng.standard_normal((N, *layer.output_shape((C, H, H)))).astype(dtype)
    conv = None
    if torch is not None:
        conv = torch.nn.Conv2d(C, F, k, padding=padding).to(getattr(torch, TORCH_DTYPES[dtype]))
    return layer_step(layer, x, dout), torch_step(conv, x, dout)


def maxpool_case(N: int, C: int, H: int, k: int, dtype: type) -> tuple[Timed, Timed | None]:
    rng = np.random.default_rng(0)
    pool = MaxPool2D(k)
    x = rng.standard_normal((N, C, H, H)).astype(dtype)
    dout = rng.standard_normal((N, *pool.output_shape((C, H, H)))).astype(dtype)
    torch_pool = None if torch is None else torch.nn.MaxPool2d(k)
    return layer_step(pool, x, dout), torch_step(torch_pool, x, dout)


# --- an MLP epoch on the digits ---------------------------------------------------------------


def mlp_epoch_case(hidden: int = 100, batch_size: int = 32, lr: float = 0.1) -> tuple[Timed, Timed | None]:
    """One epoch of ``nnbook.train.fit`` (shuffled mini-batches, loss and accuracy logged) against
    a bare PyTorch loop over shuffled mini-batches of the same size."""
    x, y = load_digits()
    x, y = x[:1440] / 16.0, y[:1440]
    rng = np.random.default_rng(0)
    model = Sequential(Linear(64, hidden, init="he", rng=rng), ReLU(), Linear(hidden, 10, init="he", rng=rng))
    loss = SoftmaxCrossEntropyLoss()
    optimizer = SGD(model.parameters(), lr=lr)

    def nnbook_epoch() -> None:
        fit(model, x, y, loss, optimizer, epochs=1, batch_size=batch_size, rng=rng, progress=False)

    if torch is None:
        return nnbook_epoch, None
    torch_model = torch.nn.Sequential(
        torch.nn.Linear(64, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10)
    ).double()
    torch_loss = torch.nn.CrossEntropyLoss()
    torch_optimizer = torch.optim.SGD(torch_model.parameters(), lr=lr)
    tx, ty = torch.tensor(x), torch.tensor(y)

    def torch_epoch() -> None:
        order = torch.randperm(len(tx))
        for start in range(0, len(tx), batch_size):
            batch = order[start : start + batch_size]
            torch_optimizer.zero_grad()
            torch_loss(torch_model(tx[batch]), ty[batch]).backward()
            torch_optimizer.step()

    return nnbook_epoch, torch_epoch


# --- the table -------------------------------------------------------------------------------


def ratio(a: float, b: float | None) -> str:
    return "-" if b is None else f"{a / b:.2f}x"


def ms(t: float | None) -> str:
    return "-" if t is None else f"{t * 1e3:9.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7, help="alternating rounds per row (best is kept)")
    rounds = parser.parse_args().rounds

    print(f"numpy {np.__version__}, torch {torch.__version__ if torch else 'not installed'}, "
          f"{platform.processor() or platform.machine()}, 1 thread, best of {rounds} rounds\n")

    header = f"| {'case':<56} | {'nnbook ms':>9} | {'bound ms':>9} | {'ratio':>6} | goal   |"
    print(header)
    print("|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|")
    for N, m, n in [(256, 784, 256), (64, 784, 10)]:
        ours, bound = best_times(list(linear_case(N, m, n)), rounds)
        label = f"Linear({m} -> {n}) fwd+bwd, batch {N}, float64"
        print(f"| {label:<56} | {ms(ours)} | {ms(bound)} | {ratio(ours, bound):>6} | <=1.1x |")

    print()
    header = f"| {'case':<56} | {'nnbook ms':>9} | {'torch ms':>9} | {'ratio':>6} | goal   |"
    print(header)
    print("|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|")
    rows: list[tuple[str, tuple[Timed, Timed | None], str]] = []
    for N, C, H, F, k, p in [(64, 1, 28, 8, 5, 2), (64, 8, 14, 16, 3, 1)]:
        for dtype, goal in [(np.float64, "<=1.0x"), (np.float32, "<=2.0x")]:
            label = f"Conv2D {N}x{C}x{H}x{H}, {F} {k}x{k} filters, pad {p}, {TORCH_DTYPES[dtype]}"
            rows.append((label, conv_case(N, C, H, F, k, p, dtype), goal))
    for dtype in (np.float64, np.float32):
        rows.append((f"MaxPool2D 2x2 on 64x8x28x28, {TORCH_DTYPES[dtype]}", maxpool_case(64, 8, 28, 2, dtype), "<=1.0x"))
    rows.append(("MLP 64-100-10 fit epoch, 1440 digits, batch 32, float64", mlp_epoch_case(), "<=1.0x"))
    for label, fns, goal in rows:
        ours, theirs = best_times(list(fns), rounds)
        print(f"| {label:<56} | {ms(ours)} | {ms(theirs)} | {ratio(ours, theirs):>6} | {goal} |")


if __name__ == "__main__":
    main()
