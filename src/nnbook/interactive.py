"""Sliders that work live in Jupyter and, with no kernel, in the static HTML book.

A chapter makes a slider figure with one call::

    def draw(ax, w, b):
        ax.plot(z, sigmoid(w * z + b))

    slider_plot(draw, {"w": (-3, 3, 0.5, 1.0), "b": (-2, 2, 0.5, 0.0)})

How it works
------------
:func:`slider_plot` returns one display object whose MIME bundle carries two renderings of
the same figure:

* ``application/vnd.jupyter.widget-view+json``, a live ipywidgets view: a slider per numeric
  control, a dropdown per choice control and an ``Image`` widget. Each change calls ``draw``
  again on the *same* matplotlib figure (created outside pyplot, so the inline backend never
  shows a stray copy) and sends the new PNG to the ``Image`` widget.
* ``text/html``, a static form for readers without a kernel in which every combination of the
  offered control positions is reachable. Pictures per combination would not fit in a page
  (a four-control figure has about a thousand settings), so each setting is drawn once at
  build time and stored as a compact vector scene (:mod:`nnbook.scene`): the figure's
  content as paths and text lines in pixel coordinates, over layers that matplotlib drew
  once (axes, ticks, labels). A small painter (``slider_painter.js``, inlined) paints the
  scene of the chosen combination onto a canvas; until the reader moves a control the page
  shows the default setting as a plain PNG, so the first paint needs no script.

Jupyter front ends render the richest type they support (the widget view). The book renders
the HTML form because ``_config.yml`` gives ``text/html`` a higher priority than the widget
view (myst-nb's ``nb_mime_priority_overrides``).

Which positions the static form offers: all of them while the number of combinations fits in
``max_frames`` (default 2000). Otherwise the longest numeric sliders are thinned to every
second step, keeping both ends and the default, until it fits; ``static_values={"w": [...]}``
chooses a slider's positions by hand (each must be one of the live positions). One short line
under the figure says what the static form offers.

Speed: the layout is computed once, for the default setting, then frozen (so the axes do not
jump between frames). ``draw(ax, **values)`` is then called at every step after the artists
it made the step before are removed (axes it added, such as colour bars, are removed too).
For heavier figures let ``draw`` create the artists once and return an ``update(**values)``
function that changes them (``line.set_ydata(...)``); later steps call only ``update``.
"""

from __future__ import annotations

import base64
import gzip
import html
import io
import itertools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from nnbook.plotting import book_style, figure_png
from nnbook.scene import content_artists, encode_frames
from nnbook.slider_controls import Control, ControlSpec, format_value, parse_control, static_positions

Draw = Callable[..., Callable[..., None] | None]


_PAINTER = (Path(__file__).with_name("slider_painter.js")).read_text(encoding="utf-8")

_STYLE = (
    "<style>.nnbook-slider{margin:0.5em 0}.nnbook-slider img,.nnbook-slider canvas{display:block;"
    "max-width:100%;height:auto;border-radius:4px}.nnbook-slider [hidden]{display:none!important}"
    ".nnbook-slider-controls{display:flex;flex-wrap:wrap;gap:0.4em 1.5em;align-items:center;"
    "margin-top:0.3em;font-size:0.9em}.nnbook-slider-controls label{display:flex;gap:0.5em;"
    "align-items:center;color:inherit;min-height:2em}.nnbook-slider-controls input[type=range]"
    "{width:min(11em,45vw);accent-color:var(--pst-color-primary,#0072b2)}"
    ".nnbook-slider-controls output{min-width:3em;font-variant-numeric:tabular-nums}"
    # The book shows outputs on a light panel in both themes: the select keeps the panel's
    # colours (transparent box, inherited ink) and its pop-up list is dark on white.
    ".nnbook-slider-controls select{color:inherit;background:transparent;border:1px solid currentColor;"
    "border-radius:4px;padding:0.1em 0.3em;font:inherit}.nnbook-slider-controls option{color:#1f2328;"
    "background:#fff}"
    ".nnbook-slider-note{font-size:0.8em;opacity:0.8;margin:0.2em 0 0}</style>"
)


class SliderPlot:
    """A matplotlib figure controlled by sliders and dropdowns; see the module docstring.

    Display it (make it the last expression of a cell): Jupyter shows live widgets, the HTML
    book the precomputed static form.
    """

    def __init__(
        self,
        draw: Draw,
        controls: Mapping[str, ControlSpec],
        *,
        ncols: int = 1,
        figsize: tuple[float, float] = (5.5, 3.5),
        dpi: float = 80,
        max_frames: int = 2000,
        static_values: Mapping[str, Sequence[Any]] | None = None,
        max_bytes: int = 1_500_000,
        max_colors: int = 64,
        alt: str = "",
    ) -> None:
        if not controls:
            raise ValueError("slider_plot needs at least one control")
        self.controls = [parse_control(name, spec) for name, spec in controls.items()]
        self.max_frames = max_frames
        self.static_values = dict(static_values or {})
        self.max_bytes = max_bytes
        self.max_colors = max_colors
        self.alt = alt or "Figure controlled by " + ", ".join(c.name for c in self.controls)
        self._draw = draw
        self._ncols = ncols
        self._update: Callable[..., None] | None = None
        self._axes: Axes | np.ndarray | None = None
        self._layout: list[Any] = []
        self._style = book_style()
        with matplotlib.rc_context(self._style):
            self.figure = Figure(figsize=figsize, dpi=dpi)
        self._widget: widgets.Widget | None = None

    def defaults(self) -> dict[str, Any]:
        """The default value of every control, keyed by name."""
        return {c.name: c.values[c.default] for c in self.controls}

    def render(self, **values: Any) -> Figure:
        """Draw the figure for the given control values (reusing the figure) and return it."""
        with matplotlib.rc_context(self._style):
            return self._render(values)

    def _render(self, values: Mapping[str, Any]) -> Figure:
        if self._update is not None:
            self._update(**values)
            return self.figure
        first = self._axes is None
        if first:
            self._axes = self.figure.subplots(1, self._ncols, squeeze=True)
        else:
            self._clear()
        update = self._draw(self._axes, **values)
        self._update = update if callable(update) else None
        if first:
            self.figure.draw_without_rendering()
            self.figure.set_layout_engine("none")
            self._layout = [ax.get_position() for ax in self.figure.axes]
            if self._update is None:
                # Draw again the way every later frame is drawn, so all frames match.
                return self._render(values)
        if len(self.figure.axes) == len(self._layout):
            for ax, position in zip(self.figure.axes, self._layout):
                ax.set_position(position)
        return self.figure

    def _own_axes(self) -> list[Axes]:
        return list(np.ravel(self._axes))

    def _clear(self) -> None:
        """Remove what the last ``draw`` made (faster than ``cla``, which rebuilds the axes)."""
        own = self._own_axes()
        # Added axes (colour bars) go first: removing a colour bar needs its image.
        for ax in [ax for ax in self.figure.axes if ax not in own]:
            ax.remove()
        for ax in own:
            for artist in content_artists(ax):
                if artist in (ax.title, ax._left_title, ax._right_title):
                    artist.set_text("")
                else:
                    artist.remove()
            ax.containers.clear()
            ax.set_prop_cycle(None)
            ax.ignore_existing_data_limits = True

    def png(self, **values: Any) -> bytes:
        """The figure for the given values as a palette PNG (see :func:`figure_png`)."""
        with matplotlib.rc_context(self._style):
            return figure_png(self._render(values), self.max_colors)

    def live_png(self, **values: Any) -> bytes:
        """The figure for the given values as the live widget shows it (a full-colour PNG)."""
        buffer = io.BytesIO()
        with matplotlib.rc_context(self._style):
            self._render(values).savefig(buffer, format="png")
        return buffer.getvalue()

    def static_data(self) -> tuple[list[list[int]], dict[str, Any]]:
        """The offered positions and the scenes of every combination (see :mod:`nnbook.scene`).

        Returns:
            ``(offered, data)``: per control the offered indices into its ``values``, and the
            encoding, whose ``combos`` maps each combination (mixed radix, first control most
            significant) to its frame.
        """
        offered = static_positions(self.controls, self.max_frames, self.static_values)

        def draw_setting(key: tuple[int, ...]) -> None:
            self._render({c.name: c.values[i] for c, i in zip(self.controls, key)})

        with matplotlib.rc_context(self._style):
            self._render(self.defaults())  # fixes the layout on the defaults
            data, frame_of = encode_frames(self.figure, itertools.product(*offered), draw_setting)
        data["combos"] = frame_of
        return offered, data

    def static_html(self) -> str:
        """The no-kernel HTML form: the default picture, the controls, every combination's scene."""
        offered, data = self.static_data()
        default_png = base64.b64encode(self.png(**self.defaults())).decode("ascii")
        payload = base64.b64encode(gzip.compress(json.dumps(data, separators=(",", ":")).encode(), 9, mtime=0)).decode("ascii")
        defaults = [o.index(c.default) for c, o in zip(self.controls, offered)]
        meta = {
            "sizes": [len(o) for o in offered],
            "labels": [[format_value(c.values[i]) for i in o] for c, o in zip(self.controls, offered)],
        }
        combo = 0
        for size, index in zip(meta["sizes"], defaults):
            combo = combo * size + index
        controls_html = "".join(self._control_html(c, o, d) for c, o, d in zip(self.controls, offered, defaults))
        alt = html.escape(self.alt)
        result = (
            f'<div class="nnbook-slider" data-combos="{len(data["combos"])}" data-combo="{combo}" '
            f'data-frame="{data["combos"][combo]}">{_STYLE}'
            f'<img src="data:image/png;base64,{default_png}" alt="{alt}">'
            f'<canvas width="{data["width"]}" height="{data["height"]}" role="img" aria-label="{alt}" hidden></canvas>'
            f'<div class="nnbook-slider-controls">{controls_html}</div>'
            f'<p class="nnbook-slider-note">{html.escape(self._note(offered))}</p>'
            f'<script type="application/json" class="nnbook-slider-meta">{json.dumps(meta, separators=(",", ":"))}</script>'
            f'<script type="application/octet-stream" class="nnbook-slider-data">{payload}</script>'
            f"<script>{_PAINTER}</script></div>"
        )
        if len(result) > self.max_bytes:
            raise ValueError(
                f"the static slider weighs {len(result):,} bytes, more than max_bytes={self.max_bytes:,}: offer "
                "fewer positions (static_values=..., max_frames=...) or draw fewer changing points"
            )
        return result

    def _note(self, offered: list[list[int]]) -> str:
        sizes = " × ".join(f"{len(o)} {c.name}" for c, o in zip(self.controls, offered))
        total = math.prod(len(o) for o in offered)
        finer = any(len(o) < len(c.values) for c, o in zip(self.controls, offered))
        rest = "Jupyter has finer steps" if finer else "Jupyter recomputes each move live"
        return f"All {total:,} settings precomputed ({sizes}); {rest}."

    @staticmethod
    def _control_html(control: Control, offered: list[int], default: int) -> str:
        name = html.escape(control.name)
        label = html.escape(format_value(control.values[offered[default]]))
        if control.is_slider:
            return (
                f'<label><span>{name}</span><input type="range" data-control="{name}" min="0" '
                f'max="{len(offered) - 1}" step="1" value="{default}" aria-valuetext="{label}">'
                f'<output aria-hidden="true">{label}</output></label>'
            )
        options = "".join(
            f'<option value="{k}"{" selected" if k == default else ""}>{html.escape(format_value(control.values[i]))}</option>'
            for k, i in enumerate(offered)
        )
        return f'<label><span>{name}</span><select data-control="{name}">{options}</select></label>'

    @property
    def widget(self) -> widgets.Widget:
        """The live ipywidgets form (built on first use)."""
        if self._widget is None:
            self._widget = self._build_widget()
        return self._widget

    def _build_widget(self) -> widgets.Widget:
        image = widgets.Image(format="png")
        controls = {c.name: self._control_widget(c) for c in self.controls}

        def redraw(_change: object = None) -> None:
            image.value = self.live_png(**{name: w.value for name, w in controls.items()})

        for w in controls.values():
            w.observe(redraw, names="value")
        redraw()
        return widgets.VBox([image, widgets.HBox(list(controls.values()), layout=widgets.Layout(flex_flow="row wrap"))])

    @staticmethod
    def _control_widget(control: Control) -> widgets.ValueWidget:
        value = control.values[control.default]
        if not control.is_slider:
            return widgets.Dropdown(options=list(control.values), value=value, description=control.name)
        low, high = control.values[0], control.values[-1]
        step = control.values[1] - control.values[0] if len(control.values) > 1 else 1
        kind = widgets.IntSlider if isinstance(value, int) else widgets.FloatSlider
        return kind(min=low, max=high, step=step, value=value, description=control.name, continuous_update=True)

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, Any]:
        bundle = dict(self.widget._repr_mimebundle_())
        bundle["text/html"] = self.static_html()
        return bundle


def slider_plot(
    draw: Draw,
    controls: Mapping[str, ControlSpec],
    **options: Any,
) -> SliderPlot:
    """Make a figure controlled by sliders and dropdowns, live in Jupyter and in the HTML book.

    Args:
        draw: ``draw(ax, **values)`` draws the figure for one setting of the controls on
            cleared axes (an array of axes when ``ncols > 1``). It may return
            ``update(**values)``, which later steps call instead, to change existing artists.
        controls: name -> ``(min, max, step, default)`` for a numeric slider, or a list of
            choices for a dropdown (the first is the default). Names are ``draw``'s keywords.
        **options: ``ncols`` (1), ``figsize`` ((5.5, 3.5) inches), ``dpi`` (80),
            ``max_frames`` (2000, the most combinations the static form draws; longer
            sliders are thinned), ``static_values`` (name -> the positions the static form
            offers), ``max_bytes`` (1.5 MB, the static form's size limit), ``max_colors``
            (64, the default picture's palette; 256 for heat maps), ``alt`` (the picture's
            description for screen readers).

    Returns:
        A :class:`SliderPlot`; make it the last expression of the cell to display it.
    """
    return SliderPlot(draw, controls, **options)
