"""The controls of a slider figure and the positions its static form offers.

A control spec is ``(min, max, step[, default])`` for a numeric slider or a list of choices
for a dropdown (:func:`parse_control`). The live widget offers every position of a slider;
the static HTML form draws every *combination* of the positions :func:`static_positions`
chooses: all of them while the grid fits in ``max_frames``, otherwise the longest sliders are
thinned to every second step (ends and default kept), or the author names the positions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

ControlSpec = tuple[float, ...] | Sequence[Any]


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


def _position(control: Control, value: Any) -> int:
    for i, live in enumerate(control.values):
        if live == value or (control.is_slider and math.isclose(live, value, rel_tol=1e-9, abs_tol=1e-9)):
            return i
    raise ValueError(
        f"static_values[{control.name!r}]: {value!r} is not a position of the live control "
        f"(its positions are {', '.join(map(format_value, control.values))})"
    )


def static_positions(
    controls: Sequence[Control], max_frames: int, chosen: Mapping[str, Sequence[Any]] | None = None
) -> list[list[int]]:
    """Choose the control positions the static form offers; every combination of them is drawn.

    Args:
        controls: the controls, in display order.
        max_frames: the most combinations drawn.
        chosen: name -> the values the static form offers for that control (a subset of its
            live positions that holds the default); other sliders are thinned automatically.

    Returns:
        For each control the indices into its ``values`` that the static form offers.
    """
    chosen = dict(chosen or {})
    unknown = set(chosen) - {c.name for c in controls}
    if unknown:
        raise ValueError(f"static_values names no control {sorted(unknown)}: the controls are {[c.name for c in controls]}")
    offered = []
    for c in controls:
        if c.name not in chosen:
            offered.append(list(range(len(c.values))))
            continue
        positions = sorted({_position(c, v) for v in chosen[c.name]})
        if c.default not in positions:
            raise ValueError(f"static_values[{c.name!r}] must include the default {format_value(c.values[c.default])}")
        offered.append(positions)
    while math.prod(len(o) for o in offered) > max_frames:
        thinnable = [i for i, c in enumerate(controls) if c.is_slider and c.name not in chosen and len(offered[i]) > 3]
        if not thinnable:
            sizes = " × ".join(str(len(o)) for o in offered)
            raise ValueError(
                f"the static form needs {sizes} = {math.prod(len(o) for o in offered):,} combinations, more than "
                f"max_frames={max_frames}: offer fewer positions (static_values=...), use coarser steps "
                "or fewer choices, or raise max_frames"
            )
        longest = max(thinnable, key=lambda i: len(offered[i]))
        offered[longest] = _thin(offered[longest], controls[longest].default)
    return offered


def format_value(value: Any) -> str:
    """A control value as the page shows it: ``1.5``, ``-2``, ``sigmoid``."""
    return f"{value:g}" if isinstance(value, float) else str(value)
