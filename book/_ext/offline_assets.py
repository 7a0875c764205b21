"""Serve MathJax and the ipywidgets JavaScript from the book itself when they are vendored.

When `vendor/.complete` exists (made by `tools/vendor_assets.py` after `npm ci`), the book
loads MathJax 3, RequireJS and the ipywidgets HTML manager from its own `_static/` folder,
so pages work with no network and no CDN. Without it (a reader's machine with no npm) the
build still works and falls back to the CDNs, printing one message saying so.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

logger = logging.getLogger(__name__)
VENDOR = Path(__file__).resolve().parents[2] / "vendor"


def use_vendored_assets(app: Sphinx, config: Config) -> None:
    if not (VENDOR / ".complete").exists():
        logger.info(
            "offline_assets: vendor/ not found (npm missing?); MathJax and widget "
            "JavaScript will load from public CDNs. Run `make book` with npm installed "
            "to serve them from the book."
        )
        return
    config.html_static_path = [*config.html_static_path, str(VENDOR)]
    config.mathjax_path = "mathjax/tex-chtml.js"
    config.nb_ipywidgets_js = {
        "requirejs/require.js": {},
        # An empty CDN attribute keeps the manager from fetching widget modules remotely;
        # the embedded bundle already holds @jupyter-widgets/base, controls and output.
        "html-manager/embed-amd.js": {"data-jupyter-widgets-cdn": "_static/"},
    }


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", use_vendored_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
