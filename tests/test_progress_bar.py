"""`fit(..., progress=True)` in a Jupyter kernel, as the book build runs chapter 8.

The build treats anything a notebook prints on stderr as an error, so the progress bar must be
the notebook widget (tqdm.auto picks it in a kernel) and nothing may reach stderr.
"""

from __future__ import annotations

import nbformat
import pytest

nbclient = pytest.importorskip("nbclient")

CODE = """
import numpy as np
import nnbook
from nnbook.activations import ReLU
from nnbook.layers import Linear
from nnbook.losses import SoftmaxCrossEntropyLoss
from nnbook.network import Sequential
from nnbook.optim import SGD
from nnbook.train import fit

x = np.random.default_rng(0).normal(size=(64, 2))
y = (x[:, 0] > 0).astype(int)
net = Sequential(Linear(2, 4), ReLU(), Linear(4, 2))
history = fit(net, x, y, SoftmaxCrossEntropyLoss(), SGD(net.parameters(), lr=0.1),
              epochs=3, batch_size=16, validation_data=(x, y), progress=True)
print(len(history["loss"]))
"""


def test_progress_bar_is_a_widget_and_writes_nothing_on_stderr():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CODE)])
    nbclient.NotebookClient(notebook, kernel_name="python3", timeout=120).execute()
    outputs = notebook.cells[0].outputs
    stderr = [o.get("text", "") for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert not stderr, f"fit(progress=True) wrote on stderr: {stderr}"
    widgets = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(widgets) == 1, "the progress bar should be one notebook widget"
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert printed.strip() == "3"
