"""A chapter's slider is live in JupyterLab: moving it makes the kernel redraw the picture.

The rest of the browser suite checks the static HTML book. This module checks the other way to
read the course: it starts JupyterLab on a loopback port (no token, nothing written to the
user's Jupyter settings), opens a copy of book/how_to_use.ipynb in headless Chromium, runs all
cells, and moves the first slider of the ipywidgets view made by ``slider_plot``. The
``Image`` widget must then show a different PNG, which only the kernel can have drawn.

No request may leave the machine: the browser's are blocked and recorded (the test fails on
any), and JupyterLab's own server-side look-ups (news feed, update check, PyPI extension
manager) are switched off by command-line flags.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import CHROMIUM, SCREENSHOTS

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "book" / "how_to_use.ipynb"

SERVER_START_TIMEOUT = 30  # seconds until the server answers its REST API
KERNEL_TIMEOUT_MS = 30_000  # opening the notebook and starting the kernel
RUN_TIMEOUT_MS = 30_000  # running every cell until the widget view is drawn
REDRAW_TIMEOUT_MS = 10_000  # one slider step until the new picture arrives

# In the browser: the widget view's picture (ipywidgets 8 draws an Image widget as
# <img class="widget-image"> with a blob: URL) and the handle of its first slider (noUiSlider).
WIDGET_IMAGE = ".jp-OutputArea-output .widget-image"
FIRST_SLIDER_HANDLE = ".jp-OutputArea-output .widget-slider .noUi-handle"
SLIDER_READOUT = ".jp-OutputArea-output .widget-readout"
# True once the widget picture is loaded and its URL differs from `before` (null: any URL).
PICTURE_SHOWN = """([selector, before]) => {
    const img = document.querySelector(selector);
    return Boolean(img && img.src && img.src !== before && img.complete && img.naturalWidth > 0);
}"""


def free_port() -> int:
    """A loopback port nobody listens on right now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_answering(url: str, server: subprocess.Popen, log: Path) -> None:
    """Poll the server's REST API until it answers; fail with its log if it dies or stalls."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"jupyter lab exited with code {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "api/status", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    pytest.fail(f"jupyter lab did not answer within {SERVER_START_TIMEOUT} s:\n{log.read_text()[-3000:]}")


def stop(server: subprocess.Popen) -> None:
    """End the server's process group: SIGTERM, then SIGKILL if it lingers."""
    if server.poll() is not None:
        return
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            return
        try:
            server.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module")
def lab_url(tmp_path_factory) -> Iterator[str]:
    """JupyterLab serving a directory that holds a copy of how_to_use.ipynb; yields its URL."""
    if importlib.util.find_spec("jupyterlab") is None:
        pytest.skip(f"JupyterLab is not installed for {sys.executable}: run `make setup`")
    home = tmp_path_factory.mktemp("jupyterlab")
    root = home / "notebooks"
    root.mkdir()
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)  # the kernel may write to it; the repo's stays as is

    # Every place Jupyter, JupyterLab and IPython write to lives under the temporary home.
    dirs = {name: home / name for name in ("config", "data", "runtime", "settings", "workspaces", "ipython")}
    for path in dirs.values():
        path.mkdir()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(dirs["config"]),
        "JUPYTER_DATA_DIR": str(dirs["data"]),  # the venv's share/jupyter (kernel, extensions) still counts
        "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
        "JUPYTERLAB_SETTINGS_DIR": str(dirs["settings"]),
        "JUPYTERLAB_WORKSPACES_DIR": str(dirs["workspaces"]),
        "IPYTHONDIR": str(dirs["ipython"]),
    }
    # Answer "no" in advance to the "get notified about official Jupyter news?" prompt, which
    # would otherwise cover part of the screenshot (the news feed itself is off, see below).
    notification = dirs["settings"] / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    port = free_port()
    command = [
        sys.executable,  # the kernel spec's "python" also resolves to this interpreter
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",  # fail rather than move to a port we do not know
        f"--ServerApp.root_dir={root}",
        "--IdentityProvider.token=",
        "--PasswordIdentityProvider.hashed_password=",
        f"--LabApp.user_settings_dir={dirs['settings']}",
        f"--LabApp.workspaces_dir={dirs['workspaces']}",
        # No server-side look-ups on the internet: the news feed, the "new version" check and
        # the extension manager's PyPI search are all switched off.
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        # window.jupyterapp lets the test run JupyterLab commands instead of clicking menus.
        "--LabApp.expose_app_in_browser=True",
    ]
    log = home / "server.log"
    with log.open("wb") as out:
        # A session of its own, so the finalizer can end the server and its helpers together.
        # (Kernels get process groups of their own: on SIGTERM the server shuts them down.)
        server = subprocess.Popen(command, env=env, cwd=root, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_answering(url, server, log)
        yield url
    finally:
        stop(server)


@pytest.fixture()
def lab_page(request, lab_url):
    """A Chromium page that may talk to 127.0.0.1 only; yields (page, attempts to go elsewhere)."""
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"chromium not found at {CHROMIUM}: apt-get install chromium (or set CHROMIUM)")
    browser = request.getfixturevalue("browser")  # the suite's session-wide headless Chromium
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    outside: list[str] = []

    def only_loopback(route) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_loopback)  # data: and blob: URLs never reach a route handler
    page = context.new_page()
    yield page, outside
    context.close()


def picture(page) -> tuple[str, str]:
    """The widget picture's (src, SHA-256 of its bytes): the bytes read back from its blob: URL."""
    return page.eval_on_selector(
        WIDGET_IMAGE,
        """async img => {
            const bytes = await (await fetch(img.src)).arrayBuffer();
            const digest = await crypto.subtle.digest('SHA-256', bytes);
            return [img.src, Array.from(new Uint8Array(digest), b => b.toString(16).padStart(2, '0')).join('')];
        }""",
    )


def test_slider_redraws_the_picture_in_jupyterlab(lab_page, lab_url):
    page, outside = lab_page
    page.goto(lab_url + "lab/tree/" + NOTEBOOK.name, wait_until="domcontentloaded")

    # Wait for the app, the notebook panel and a running, idle kernel.
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=KERNEL_TIMEOUT_MS)
    page.wait_for_function(
        """() => {
            const panel = window.jupyterapp.shell.currentWidget;
            const session = panel && panel.sessionContext;
            return session && session.session && session.session.kernel
                && session.session.kernel.status === 'idle' && panel.context.isReady;
        }""",
        timeout=KERNEL_TIMEOUT_MS,
    )

    # The command behind Run > Run All Cells (not awaited: the widget view shows the progress).
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    page.wait_for_selector(WIDGET_IMAGE, state="visible", timeout=RUN_TIMEOUT_MS)
    page.wait_for_function(PICTURE_SHOWN, arg=[WIDGET_IMAGE, None], timeout=RUN_TIMEOUT_MS)
    # JupyterLab chose the live widget view over the static HTML fallback.
    assert page.locator(".jp-OutputArea-output .nnbook-slider").count() == 0

    readout = page.locator(SLIDER_READOUT).first
    value_before = readout.inner_text()
    src_before, bytes_before = picture(page)

    # Focus the first slider (w) and move it one step to the right with the keyboard.
    handle = page.locator(FIRST_SLIDER_HANDLE).first
    handle.scroll_into_view_if_needed()
    handle.focus()
    page.keyboard.press("ArrowRight")

    # The kernel redraws and sends a new PNG; the Image widget swaps its blob: URL.
    page.wait_for_function(PICTURE_SHOWN, arg=[WIDGET_IMAGE, src_before], timeout=REDRAW_TIMEOUT_MS)
    src_after, bytes_after = picture(page)
    value_after = readout.inner_text()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.eval_on_selector(WIDGET_IMAGE, "img => img.scrollIntoView({block: 'center'})")
    page.screenshot(path=str(SCREENSHOTS / "jupyterlab-slider.png"))

    assert value_after != value_before, f"the slider did not move (readout stayed {value_before})"
    assert src_after != src_before
    assert bytes_after != bytes_before, "the picture's URL changed but its PNG bytes did not"
    assert not outside, "requests tried to leave the machine:\n" + "\n".join(outside)
