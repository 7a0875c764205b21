"""Load the ipywidgets manager only on pages that actually show a widget.

Executing a notebook that creates widgets (every slider and quiz does, for Jupyter) stores the
widgets' state in the notebook, and myst-nb then adds the state and the widget manager
(RequireJS plus a 3.6 MB ``embed-amd.js``) to the page. But the book renders the sliders' and
quizzes' static HTML form instead of their widget view (``nb_mime_priority_overrides`` in
``_config.yml``), so on most pages the manager would load, render nothing and weigh more than
the page. This extension removes the manager and the state from every page whose body holds
no widget view; pages that do show one (say, a plain ipywidget) keep them.
"""

from __future__ import annotations

from sphinx.application import Sphinx

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def drop_unused_widget_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: object) -> None:
    if WIDGET_VIEW in context.get("body", ""):
        return
    manager = tuple(app.config.nb_ipywidgets_js)
    context["script_files"] = [
        script
        for script in context.get("script_files", [])
        if not str(getattr(script, "filename", None) or "").endswith(manager)
        and getattr(script, "attributes", {}).get("type") != WIDGET_STATE
    ]


def setup(app: Sphinx) -> dict:
    # After myst-nb's own html-page-context handler (priority 500) has added the scripts.
    app.connect("html-page-context", drop_unused_widget_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
