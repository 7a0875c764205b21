"""Learning-rate schedules: known values, their relations, and the mistakes they refuse."""

import math

import numpy as np
import pytest

from nnbook.schedules import (
    Constant,
    CosineDecay,
    ExponentialDecay,
    NaturalExpDecay,
    PiecewiseConstant,
    PolynomialDecay,
    Schedule,
    StepDecay,
    WarmUp,
)


def test_constant():
    assert Constant(0.1).rates(3) == pytest.approx([0.1, 0.1, 0.1])


def test_piecewise_constant_known_values():
    schedule = PiecewiseConstant([3, 5], [0.1, 0.01, 0.001])
    assert schedule.rates(7) == pytest.approx([0.1, 0.1, 0.1, 0.01, 0.01, 0.001, 0.001])


def test_step_decay_known_values():
    step = StepDecay(0.1, drop=0.5, every=10)
    assert [step(e) for e in (0, 9, 10, 19, 20, 25)] == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025, 0.025])


def test_exponential_decay_known_values():
    exp = ExponentialDecay(0.1, rate=0.9)
    assert exp(0) == 0.1 and exp(1) == pytest.approx(0.09) and exp(2) == pytest.approx(0.081)
    slow = ExponentialDecay(1.0, rate=0.5, every=10)      # halves every 10 epochs, smoothly
    assert slow(10) == pytest.approx(0.5) and slow(5) == pytest.approx(math.sqrt(0.5))


def test_natural_exp_decay_is_exponential_decay_with_rate_e_to_minus_k():
    nat = NaturalExpDecay(0.2, k=0.1)
    assert nat(0) == 0.2 and nat(10) == pytest.approx(0.2 / math.e)
    assert nat.rates(30) == pytest.approx(ExponentialDecay(0.2, rate=math.exp(-0.1)).rates(30))


def test_polynomial_decay_known_values():
    line = PolynomialDecay(1.0, total=4)
    assert line.rates(6) == pytest.approx([1.0, 0.75, 0.5, 0.25, 0.0, 0.0])
    square = PolynomialDecay(0.1, total=10, lr_end=0.01, power=2)
    assert square(5) == pytest.approx(0.09 * 0.25 + 0.01)
    assert square(10) == pytest.approx(0.01) and square(50) == pytest.approx(0.01)


def test_cosine_decay_known_values():
    cos = CosineDecay(0.1, total=10, lr_min=0.01)
    assert cos(0) == pytest.approx(0.1) and cos(5) == pytest.approx(0.055)
    assert cos(10) == pytest.approx(0.01) and cos(20) == pytest.approx(0.01)
    assert cos(2) == pytest.approx(0.01 + 0.5 * 0.09 * (1 + np.cos(np.pi * 0.2)))
    assert CosineDecay(1.0, total=4).rates(5) == pytest.approx([1.0, (2 + np.sqrt(2)) / 4, 0.5, (2 - np.sqrt(2)) / 4, 0.0])


def test_warm_up_known_values():
    warm = WarmUp(CosineDecay(0.1, total=4), epochs=4)
    assert warm.rates(4) == pytest.approx([0.025, 0.05, 0.075, 0.1])
    assert warm.rates(9)[4:] == pytest.approx(CosineDecay(0.1, total=4).rates(5))
    assert WarmUp(0.2, epochs=2).rates(4) == pytest.approx([0.1, 0.2, 0.2, 0.2])


@pytest.mark.parametrize("schedule", [
    Constant(0.1), PiecewiseConstant([2], [0.1, 0.01]), StepDecay(0.1), ExponentialDecay(0.1), NaturalExpDecay(0.1),
    PolynomialDecay(0.1, 20, lr_end=1e-3, power=3), CosineDecay(0.1, 20, lr_min=1e-4), WarmUp(CosineDecay(0.1, 20, lr_min=1e-3), 3),
])
def test_every_schedule_is_finite_positive_and_never_above_its_start(schedule):
    rates = schedule.rates(200)
    assert np.all(np.isfinite(rates)) and np.all(rates > 0) and rates.max() <= max(rates[0], 0.1) + 1e-15
    assert isinstance(schedule, Schedule) and type(schedule).__name__ in repr(schedule)


def test_a_floor_of_zero_is_reached_only_at_the_end():
    # a run of `total` epochs (0 … total − 1) never trains at 0; fit refuses a rate of 0 after that
    for schedule in [CosineDecay(0.1, total=10), PolynomialDecay(0.1, total=10, power=2)]:
        assert np.all(schedule.rates(10) > 0) and schedule(10) == 0.0 and schedule(11) == 0.0


def test_decays_never_increase():
    for schedule in [StepDecay(0.1, 0.5, 3), ExponentialDecay(0.1, 0.9), NaturalExpDecay(0.1, 0.3),
                     PolynomialDecay(0.1, 10, power=0.5), CosineDecay(0.1, 10)]:
        assert np.all(np.diff(schedule.rates(30)) <= 0), schedule


@pytest.mark.parametrize("make, message", [
    (lambda: StepDecay(-0.1), r"lr0 > 0, got lr0=-0.1"),
    (lambda: StepDecay(float("nan")), r"finite lr0, got lr0=nan"),
    (lambda: StepDecay(0.1, drop=2.0), r"0 < drop <= 1 .* got drop=2.0: a factor above 1 makes the rate grow"),
    (lambda: StepDecay(0.1, drop=0.0), r"0 < drop <= 1"),
    (lambda: StepDecay(0.1, every=0), r"whole number every >= 1, got every=0"),
    (lambda: StepDecay(0.1, every=2.5), r"whole number every >= 1, got every=2.5"),
    (lambda: ExponentialDecay(0.1, rate=1.05), r"0 < rate <= 1 .* got rate=1.05"),
    (lambda: NaturalExpDecay(0.1, k=-0.1), r"k > 0, got k=-0.1: a negative k makes the rate grow"),
    (lambda: PolynomialDecay(0.1, total=0), r"whole number total >= 1, got total=0"),
    (lambda: PolynomialDecay(0.1, total=10, lr_end=0.2), r"0 <= lr_end < lr0 = 0.1 .* got lr_end=0.2"),
    (lambda: PolynomialDecay(0.1, total=10, power=0), r"power > 0, got power=0.0"),
    (lambda: CosineDecay(0.1, total=0), r"whole number total >= 1"),
    (lambda: CosineDecay(0.1, total=10, lr_min=-0.01), r"0 <= lr_min < lr0 = 0.1 .* got lr_min=-0.01"),
    (lambda: PiecewiseConstant([5], [0.1]), r"one more value than boundaries .* 1 boundaries and 1 values"),
    (lambda: PiecewiseConstant([5, 3], [0.1, 0.01, 0.001]), r"increasing boundaries, got \[5, 3\]"),
    (lambda: PiecewiseConstant([5], [0.1, 0.0]), r"every value > 0, got every value=0.0"),
    (lambda: WarmUp(-1.0), r"after > 0, got after=-1.0"),
    (lambda: WarmUp(0.1, epochs=0), r"whole number epochs >= 1"),
    (lambda: Constant(0.0), r"lr > 0, got lr=0.0"),
])
def test_bad_arguments_name_the_value_and_the_fix(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_bad_types_and_epochs():
    with pytest.raises(TypeError, match="expected a number for lr0, got str '0.1'"):
        StepDecay("0.1")
    with pytest.raises(TypeError, match="expected a number for drop, got bool"):
        StepDecay(0.1, drop=True)
    with pytest.raises(ValueError, match=r"epoch number, a whole number >= 0 .* got -1"):
        CosineDecay(0.1, 10)(-1)
    with pytest.raises(ValueError, match=r"got 1.5"):
        StepDecay(0.1)(1.5)
    assert StepDecay(0.1)(np.int64(10)) == pytest.approx(0.05)
