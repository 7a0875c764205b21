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
* ``text/html``, a static form for readers without a kernel: the figure is drawn at build
  time for a budgeted set of control positions, each frame a palette PNG embedded as base64,
  with ``<input type="range">``/``<select>`` controls, their labels and values, and a small
  inline script that swaps the picture. No kernel, no network, no page-wide JavaScript.

Jupyter front ends render the richest type they support (the widget view). The book renders
the HTML form because ``_config.yml`` gives ``text/html`` a higher priority than the widget
view (myst-nb's ``nb_mime_priority_overrides``).

Frame budget (``max_frames``, default 60): when the full grid of positions fits, every
combination is drawn. Otherwise the static form varies one control at a time around the
defaults (moving one control returns the others to their defaults), and long numeric ranges
are thinned to every second step, keeping the ends and the default, until it fits.

Speed: the layout is computed once, for the default setting, then frozen (so the axes do not
jump between frames). ``draw(ax, **values)`` is then called on the cleared axes at every step
(axes it added, such as colour bars, are removed first), which is fast enough for simple plots. For heavier figures let ``draw`` create the artists once and return
an ``update(**values)`` function that changes them (``line.set_ydata(...)``); later steps call
only ``update``.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from nnbook.plotting import book_style, figure_png

ControlSpec = tuple[float, ...] | Sequence[Any]
Draw = Callable[..., Callable[..., None] | None]


@dataclass(frozen=True)
class Control:
    """One control: a numeric slider over ``values`` or a dropdown of choices.

    Attributes:
        name: the keyword passed to ``draw``.
        values: every position the live slider offers (numbers) or the choices.
        default: index into ``values`` of the starting position.
        is_slider: True for a numeric slider, False for a dropdown.
    """

    name: str
    values: tuple[Any, ...]
    default: int
    is_slider: bool


def parse_control(name: str, spec: ControlSpec) -> Control:
    """Turn a control spec into a :class:`Control`.

    Args:
        name: the keyword the value is passed to ``draw`` under.
        spec: ``(min, max, step)`` or ``(min, max, step, default)`` for a numeric slider (a
            tuple of numbers; all integers make an integer slider), or a list of choices for
            a dropdown whose first entry is the default.

    Returns:
        The control with its grid of values.
    """
    if isinstance(spec, list):
        if not spec:
            raise ValueError(f"control {name!r}: a dropdown needs at least one choice")
        return Control(name, tuple(spec), 0, False)
    if not (isinstance(spec, tuple) and len(spec) in (3, 4) and all(isinstance(v, (int, float)) for v in spec)):
        raise ValueError(
            f"control {name!r}: expected (min, max, step[, default]) for a slider or a list "
            f"of choices for a dropdown, got {spec!r}"
        )
    low, high, step = spec[:3]
    default = spec[3] if len(spec) == 4 else low
    if step <= 0 or high <= low:
        raise ValueError(f"control {name!r}: need min < max and step > 0, got {spec!r}")
    if not low <= default <= high:
        raise ValueError(f"control {name!r}: default {default} lies outside [{low}, {high}]")
    count = int(math.floor((high - low) / step + 1e-9)) + 1
    integer = all(isinstance(v, int) for v in spec)
    values = tuple(int(low + k * step) if integer else round(low + k * step, 10) for k in range(count))
    nearest = int(np.argmin([abs(v - default) for v in values]))
    return Control(name, values, nearest, True)


def _thin(indices: list[int], default: int) -> list[int]:
    """Keep every second entry of ``indices`` counted from the default's, plus both ends."""
    start = indices.index(default)
    kept = {i for k, i in enumerate(indices) if (k - start) % 2 == 0} | {indices[0], indices[-1]}
    return sorted(kept)


def plan_frames(controls: Sequence[Control], max_frames: int) -> tuple[list[list[int]], list[tuple[int, ...]], str]:
    """Choose which control positions the static HTML form precomputes.

    Args:
        controls: the controls, in display order.
        max_frames: the most frames drawn.

    Returns:
        ``(offered, keys, mode)``: for each control the indices into its ``values`` the static
        form offers; the index tuples (one entry per control, into ``offered``) that get a
        frame, the defaults first (the figure's layout is fixed on the first frame drawn); and
        ``"grid"`` or ``"one at a time"``.
    """
    offered = [list(range(len(c.values))) for c in controls]
    if math.prod(len(o) for o in offered) <= max_frames:
        defaults = tuple(c.default for c in controls)
        others = [key for key in itertools.product(*(range(len(o)) for o in offered)) if key != defaults]
        return offered, [defaults, *others], "grid"
    while 1 + sum(len(o) - 1 for o in offered) > max_frames:
        thinnable = [i for i, c in enumerate(controls) if c.is_slider and len(offered[i]) > 3]
        if not thinnable:
            raise ValueError(
                f"{len(controls)} controls need more than max_frames={max_frames} frames even one "
                "at a time: raise max_frames, use coarser steps or fewer choices"
            )
        longest = max(thinnable, key=lambda i: len(offered[i]))
        offered[longest] = _thin(offered[longest], controls[longest].default)
    defaults = tuple(o.index(c.default) for o, c in zip(offered, controls))
    keys = [defaults]
    for i, positions in enumerate(offered):
        keys += [defaults[:i] + (k,) + defaults[i + 1 :] for k in range(len(positions)) if k != defaults[i]]
    return offered, keys, "one at a time"


def _format(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


_SCRIPT = """(function () {
  var root = document.currentScript.parentElement;
  var data = JSON.parse(root.querySelector("script.nnbook-slider-data").textContent);
  var img = root.querySelector("img");
  var inputs = Array.prototype.slice.call(root.querySelectorAll("[data-control]"));
  function show(changed) {
    var idx = inputs.map(function (el) { return Number(el.value); });
    if (!(idx.join(",") in data.frames)) {
      inputs.forEach(function (el, i) {
        if (el !== changed) { el.value = data.defaults[i]; idx[i] = data.defaults[i]; }
      });
    }
    inputs.forEach(function (el, i) {
      var out = el.parentElement.querySelector("output");
      if (out) { out.textContent = data.labels[i][idx[i]]; }
    });
    img.src = "data:image/png;base64," + data.images[data.frames[idx.join(",")]];
    root.setAttribute("data-frame", data.frames[idx.join(",")]);
  }
  inputs.forEach(function (el) { el.addEventListener("input", function () { show(el); }); });
})();"""

_STYLE = (
    "<style>.nnbook-slider{margin:0.5em 0}.nnbook-slider img{max-width:100%;height:auto;"
    "border-radius:4px}.nnbook-slider-controls{display:flex;flex-wrap:wrap;gap:0.3em 1.5em;"
    "align-items:center;font-size:0.9em}.nnbook-slider-controls label{display:flex;gap:0.5em;"
    "align-items:center;color:inherit}.nnbook-slider-controls output{min-width:3em;"
    "font-variant-numeric:tabular-nums}.nnbook-slider-controls select{color:inherit;"
    "background:transparent}.nnbook-slider-note{font-size:0.8em;opacity:0.75}</style>"
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
        max_frames: int = 60,
        max_colors: int = 64,
        alt: str = "",
    ) -> None:
        if not controls:
            raise ValueError("slider_plot needs at least one control")
        self.controls = [parse_control(name, spec) for name, spec in controls.items()]
        self.max_frames = max_frames
        self.max_colors = max_colors
        self.alt = alt or "Figure controlled by " + ", ".join(c.name for c in self.controls)
        self._draw = draw
        self._ncols = ncols
        self._update: Callable[..., None] | None = None
        self._axes: Axes | np.ndarray | None = None
        self._layout: list[Any] = []
        with matplotlib.rc_context(book_style()):
            self.figure = Figure(figsize=figsize, dpi=dpi)
        self._widget: widgets.Widget | None = None

    def defaults(self) -> dict[str, Any]:
        """The default value of every control, keyed by name."""
        return {c.name: c.values[c.default] for c in self.controls}

    def render(self, **values: Any) -> Figure:
        """Draw the figure for the given control values (reusing the figure) and return it."""
        with matplotlib.rc_context(book_style()):
            if self._update is not None:
                self._update(**values)
                return self.figure
            first = self._axes is None
            if first:
                self._axes = self.figure.subplots(1, self._ncols, squeeze=True)
            else:
                own = self._own_axes()
                # Added axes (colour bars) go first: removing a colour bar needs its image,
                # which clearing the parent axes would drop.
                for ax in [ax for ax in self.figure.axes if ax not in own]:
                    ax.remove()
                for ax in own:
                    ax.cla()
            update = self._draw(self._axes, **values)
            self._update = update if callable(update) else None
            if first:
                self.figure.draw_without_rendering()
                self.figure.set_layout_engine("none")
                self._layout = [ax.get_position() for ax in self.figure.axes]
                if self._update is None:
                    # Draw again the way every later frame is drawn, so all frames match.
                    return self.render(**values)
            if len(self.figure.axes) == len(self._layout):
                for ax, position in zip(self.figure.axes, self._layout):
                    ax.set_position(position)
        return self.figure

    def _own_axes(self) -> list[Axes]:
        return list(np.ravel(self._axes))

    def png(self, **values: Any) -> bytes:
        """The figure for the given values as a palette PNG (see :func:`figure_png`)."""
        return figure_png(self.render(**values), self.max_colors)

    def static_html(self) -> str:
        """The no-kernel HTML form: precomputed frames, controls and the switching script."""
        offered, keys, mode = plan_frames(self.controls, self.max_frames)
        images = []
        for key in keys:
            values = {c.name: c.values[o[k]] for c, o, k in zip(self.controls, offered, key)}
            images.append(base64.b64encode(self.png(**values)).decode("ascii"))
        defaults = [o.index(c.default) for c, o in zip(self.controls, offered)]
        data = {
            "frames": {",".join(map(str, key)): n for n, key in enumerate(keys)},
            "defaults": defaults,
            "labels": [[_format(c.values[i]) for i in o] for c, o in zip(self.controls, offered)],
            "images": images,
        }
        first = data["frames"][",".join(map(str, defaults))]
        controls_html = "".join(self._control_html(c, o, d) for c, o, d in zip(self.controls, offered, defaults))
        note = f"{len(images)} precomputed pictures" + (
            ", one control at a time around the defaults" if mode == "one at a time" else ""
        )
        return (
            f'<div class="nnbook-slider" data-frames="{len(images)}" data-mode="{mode}" data-frame="{first}">'
            f"{_STYLE}"
            f'<img src="data:image/png;base64,{images[first]}" alt="{html.escape(self.alt)}">'
            f'<div class="nnbook-slider-controls">{controls_html}</div>'
            f'<div class="nnbook-slider-note">Static version: {note}. Run the notebook for live sliders.</div>'
            f'<script type="application/json" class="nnbook-slider-data">{json.dumps(data, separators=(",", ":"))}</script>'
            f"<script>{_SCRIPT}</script></div>"
        )

    @staticmethod
    def _control_html(control: Control, offered: list[int], default: int) -> str:
        name = html.escape(control.name)
        if control.is_slider:
            return (
                f'<label>{name} <input type="range" data-control="{name}" min="0" '
                f'max="{len(offered) - 1}" step="1" value="{default}" aria-label="{name}">'
                f"<output>{_format(control.values[offered[default]])}</output></label>"
            )
        options = "".join(
            f'<option value="{k}"{" selected" if k == default else ""}>{html.escape(_format(control.values[i]))}</option>'
            for k, i in enumerate(offered)
        )
        return f'<label>{name} <select data-control="{name}" aria-label="{name}">{options}</select></label>'

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
            values = {name: w.value for name, w in controls.items()}
            buffer = io.BytesIO()
            self.render(**values).savefig(buffer, format="png")
            image.value = buffer.getvalue()

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
            ``max_frames`` (60, the static form's frame budget), ``max_colors`` (64, the
            static frames' palette; 256 for heat maps), ``alt`` (the picture's description).

    Returns:
        A :class:`SliderPlot`; make it the last expression of the cell to display it.
    """
    return SliderPlot(draw, controls, **options)
