"""Slider controls: parsing the specs and choosing the positions the static form offers."""

from __future__ import annotations

import pytest

from nnbook.slider_controls import Control, format_value, parse_control, static_positions


def test_numeric_control_grid_and_default():
    control = parse_control("w", (-1.0, 1.0, 0.5, 0.5))
    assert control.values == (-1.0, -0.5, 0.0, 0.5, 1.0)
    assert control.default == 3 and control.is_slider


def test_integer_control_stays_integer():
    control = parse_control("n", (1, 5, 2))
    assert control.values == (1, 3, 5) and all(isinstance(v, int) for v in control.values)
    assert control.default == 0


def test_dropdown_control():
    control = parse_control("f", ["relu", "tanh"])
    assert control == Control("f", ("relu", "tanh"), 0, False)


@pytest.mark.parametrize("spec", [(1, 0, 0.1), (0, 1, 0), (0, 1, 0.5, 3), "relu", [], (0, 1)])
def test_bad_control_specs_are_rejected(spec):
    with pytest.raises(ValueError, match="control 'x'"):
        parse_control("x", spec)


def test_every_position_is_offered_when_the_grid_fits():
    controls = [parse_control("a", (0, 2, 1)), parse_control("f", ["x", "y"])]
    assert static_positions(controls, max_frames=6) == [[0, 1, 2], [0, 1]]


def test_long_sliders_are_thinned_keeping_ends_and_default_until_the_grid_fits():
    controls = [parse_control("a", (0, 100, 1, 37)), parse_control("f", ["x", "y", "z"])]
    offered = static_positions(controls, max_frames=90)
    assert len(offered[0]) * len(offered[1]) <= 90 and offered[1] == [0, 1, 2]
    assert {0, 37, 100} <= set(offered[0])


def test_static_values_choose_the_positions():
    controls = [parse_control("w", (-2.0, 2.0, 0.5, 1.0)), parse_control("b", (-3.0, 3.0, 0.5, 0.0))]
    offered = static_positions(controls, max_frames=1000, chosen={"w": [-2, -1, 0, 1, 2]})
    assert [controls[0].values[i] for i in offered[0]] == [-2.0, -1.0, 0.0, 1.0, 2.0]
    assert len(offered[1]) == 13


@pytest.mark.parametrize(
    ("chosen", "message"),
    [({"w": [0.3]}, "not a position"), ({"w": [0.0]}, "must include the default"), ({"v": [1.0]}, "names no control")],
)
def test_bad_static_values_say_what_is_wrong(chosen, message):
    with pytest.raises(ValueError, match=message):
        static_positions([parse_control("w", (-1.0, 1.0, 0.5, 1.0))], 100, chosen)


def test_impossible_budget_says_what_to_do():
    controls = [parse_control("f", list("abcdefgh")), parse_control("g", list("abcdefgh"))]
    with pytest.raises(ValueError, match="8 × 8 = 64 combinations, more than max_frames=5"):
        static_positions(controls, max_frames=5)


def test_values_are_shown_as_the_page_shows_them():
    assert [format_value(v) for v in (1.5, -2.0, 3, "ReLU")] == ["1.5", "-2", "3", "ReLU"]
