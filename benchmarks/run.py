"""Time nnbook's hot paths side by side with their bounds and with PyTorch on the CPU.

Usage: python benchmarks/run.py [--rounds 7]

Every figure is the best of ``--rounds`` rounds (each round runs the operation long enough to
take about 0.1 s of CPU time); nnbook and the reference alternate round by round, so background
load hits both alike, and CPU time rather than wall-clock time is measured, so waiting for a
core on a busy machine counts for neither. Everything runs on ONE thread: the BLAS/OpenMP thread variables are pinned
below before NumPy is imported, and PyTorch (used only when it is installed; it is never a
dependency of the book) gets ``torch.set_num_threads(1)``.

Rows:
- Linear forward+backward against the bound of its three matrix multiplies
  (``x @ W``, ``x.T @ dout``, ``dout @ W.T``); goal <= 1.1x.
- Conv2D forward+backward on the shapes of a small LeNet-style digit network, in float64 and
  float32; goal <= 1.0x PyTorch in float64, <= 2x in float32.
- MaxPool2D forward+backward; goal <= 1.0x PyTorch.
- One epoch of ``nnbook.train.fit`` (mini-batch SGD, batch 32) for a 64-100-10 ReLU MLP on
  1,440 of scikit-learn's 8x8 digits, against PyTorch's usual loop for the same model and
  batch size (reading each batch's loss and accuracy, as ``fit`` does), float64 in both;
  goal <= 1.0x PyTorch.
- One epoch of ``fit`` for a LeNet-5-shaped network (two convolution + max-pool stages, three
  dense layers) on the same digits upsampled to 32x32, against the same model and loop in
  PyTorch, float64 and float32; goal <= 1.0x PyTorch. Like PyTorch for its input data, the
  first convolution computes no gradient for the images (``needs_input_grad=False``).
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
from nnbook.layers import Flatten, Linear
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
    """Mean CPU time of one call over a batch of calls lasting about ``budget`` seconds.

    CPU time of this process (``time.process_time``), not wall-clock time: on a machine shared
    with other work, time spent waiting for a core is not counted against either side.
    """
    number = 1
    while True:
        start = time.process_time()
        for _ in range(number):
            fn()
        elapsed = time.process_time() - start
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
    the same in PyTorch."""
    x, y = load_digits()
    x, y = x[:1440] / 16.0, y[:1440]
    rng = np.random.default_rng(0)
    model = Sequential(Linear(64, hidden, init="he", rng=rng), ReLU(), Linear(hidden, 10, init="he", rng=rng))
    if torch is None:
        return nnbook_epoch_fn(model, x, y, batch_size, lr, rng), None
    torch_model = torch.nn.Sequential(
        torch.nn.Linear(64, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 10)
    ).double()
    return nnbook_epoch_fn(model, x, y, batch_size, lr, rng), torch_epoch_fn(torch_model, x, y, batch_size, lr)


def nnbook_epoch_fn(
    model: Sequential, x: np.ndarray, y: np.ndarray, batch_size: int, lr: float, rng: np.random.Generator
) -> Timed:
    """One epoch of ``nnbook.train.fit``: cross-entropy on logits, SGD."""
    loss = SoftmaxCrossEntropyLoss()
    optimizer = SGD(model.parameters(), lr=lr)
    return lambda: fit(model, x, y, loss, optimizer, epochs=1, batch_size=batch_size, rng=rng, progress=False)


def torch_epoch_fn(model: object, x: np.ndarray, y: np.ndarray, batch_size: int, lr: float) -> Timed:
    """One epoch of PyTorch's usual loop, reading the loss and the accuracy of every batch as
    ``fit`` does: shuffled mini-batches, cross-entropy, SGD."""
    loss = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    tx, ty = torch.tensor(x), torch.tensor(y)

    def epoch() -> None:
        order = torch.randperm(len(tx))
        total_loss = correct = 0.0
        for start in range(0, len(tx), batch_size):
            batch = order[start : start + batch_size]
            out = model(tx[batch])
            value = loss(out, ty[batch])
            optimizer.zero_grad()
            value.backward()
            optimizer.step()
            total_loss += value.item() * len(batch)
            correct += (out.argmax(1) == ty[batch]).sum().item()

    return epoch


# --- a LeNet-5 epoch on the digits -----------------------------------------------------------


def lenet_layers(lib: tuple[Callable[..., object], ...]) -> list[object]:
    """LeNet-5's shape for 1x32x32 inputs, with ReLU and max pooling, as layers of ``lib``."""
    conv, pool, flat, dense, relu = lib
    return [
        conv(1, 6, 5), relu(), pool(2),  # 6x28x28 -> 6x14x14
        conv(6, 16, 5), relu(), pool(2),  # 16x10x10 -> 16x5x5
        flat(), dense(400, 120), relu(), dense(120, 84), relu(), dense(84, 10),
    ]


def lenet_epoch_case(dtype: type, batch_size: int = 32, lr: float = 0.05) -> tuple[Timed, Timed | None]:
    """One epoch of ``fit`` against the same network and loop in PyTorch, in ``dtype``."""
    x, y = load_digits(flatten=False)
    x, y = np.kron(x[:1440] / 16.0, np.ones((1, 1, 4, 4))).astype(dtype), y[:1440]  # 8x8 -> 32x32
    rng = np.random.default_rng(0)
    model = Sequential(*lenet_layers((
        lambda c, f, k: Conv2D(c, f, k, rng=rng), MaxPool2D, Flatten,
        lambda m, n: Linear(m, n, init="he", rng=rng), ReLU,
    )))
    for layer in model.layers:  # float32: convert the weights before the optimizer binds them
        for name, value in layer.params.items():
            layer.params[name], layer.grads[name] = value.astype(dtype), np.zeros(value.shape, dtype)
    model.layers[0].needs_input_grad = False  # the images' gradient: PyTorch skips it for data too
    if torch is None:
        return nnbook_epoch_fn(model, x, y, batch_size, lr, rng), None
    nn = torch.nn
    torch_model = nn.Sequential(*lenet_layers((nn.Conv2d, nn.MaxPool2d, nn.Flatten, nn.Linear, nn.ReLU)))
    torch_model = torch_model.to(getattr(torch, TORCH_DTYPES[dtype]))
    return nnbook_epoch_fn(model, x, y, batch_size, lr, rng), torch_epoch_fn(torch_model, x, y, batch_size, lr)


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
    for dtype in (np.float64, np.float32):
        label = f"LeNet-5 fit epoch, 1440 digits 32x32, batch 32, {TORCH_DTYPES[dtype]}"
        rows.append((label, lenet_epoch_case(dtype), "<=1.0x"))
    for label, fns, goal in rows:
        ours, theirs = best_times(list(fns), rounds)
        print(f"| {label:<56} | {ms(ours)} | {ms(theirs)} | {ratio(ours, theirs):>6} | {goal} |")


if __name__ == "__main__":
    main()
