"""Copy the browser assets the book serves itself from node_modules/ into vendor/.

`npm ci` installs MathJax 3, the ipywidgets HTML manager and RequireJS from the npm
registry (pinned in package.json / package-lock.json). This script copies just the files a
page loads into `vendor/`, which `book/_ext/offline_assets.py` adds to Sphinx's
`html_static_path`. The folder is not called `_static` on purpose: Jupyter Book v1 would
inject every .js/.css found in a `_static` folder into every page.

Usage: python tools/vendor_assets.py   (run from the repository root; the Makefile does it)
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "vendor"

# (source inside node_modules, destination inside vendor)
ASSETS = [
    ("mathjax/es5/tex-chtml.js", "mathjax/tex-chtml.js"),
    ("mathjax/es5/input", "mathjax/input"),
    ("mathjax/es5/output/chtml", "mathjax/output/chtml"),
    ("mathjax/es5/output/chtml.js", "mathjax/output/chtml.js"),
    ("mathjax/es5/ui", "mathjax/ui"),
    ("mathjax/es5/a11y", "mathjax/a11y"),
    ("mathjax/es5/sre", "mathjax/sre"),
    ("mathjax/es5/adaptors", "mathjax/adaptors"),
    ("requirejs/require.js", "requirejs/require.js"),
    ("@jupyter-widgets/html-manager/dist/embed-amd.js", "html-manager/embed-amd.js"),
]


def main() -> int:
    missing = [src for src, _ in ASSETS if not (NODE / src).exists()]
    if missing:
        print("vendor_assets: node_modules is incomplete (run `npm ci` first); missing: "
              + ", ".join(missing), file=sys.stderr)
        return 1
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    for src, dst in ASSETS:
        source, target = NODE / src, VENDOR / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.map"))
        else:
            shutil.copy2(source, target)
    (VENDOR / ".complete").write_text("assets copied from node_modules\n")
    print(f"vendor_assets: copied {len(ASSETS)} assets into {VENDOR.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
