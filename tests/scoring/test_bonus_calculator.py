"""calculator.apply_adjustments: bonus and deduction points after the base, within caps, deduction last."""

from decimal import Decimal as D

from hypothesis import given
from hypothesis import strategies as st

from scoring import calculator
from scoring.calculator import NodeTotal, apply_adjustments


def test_bonus_is_added_and_deduction_subtracted_after_the_base():
    result = apply_adjustments(NodeTotal(D("80"), D("100")), bonus=D("2"), deduction=D("1.5"))
    assert (result.base.points, result.bonus, result.deduction) == (D("80"), D("2"), D("1.5"))
    assert result.total == NodeTotal(D("80.5"), D("100"))
    assert result.index == D("80.5")


def test_bonus_and_deduction_are_held_to_the_periods_caps():
    result = apply_adjustments(
        NodeTotal(D("80"), D("100")), bonus=D("5"), deduction=D("5"), bonus_cap=D("3"), deduction_cap=D("4")
    )
    assert (result.bonus, result.deduction) == (D("3"), D("4"))
    assert result.total.points == D("79")


def test_without_caps_the_claimed_points_count_in_full():
    result = apply_adjustments(NodeTotal(D("80"), D("100")), bonus=D("5"), deduction=D("5"))
    assert (result.bonus, result.deduction, result.total.points) == (D("5"), D("5"), D("80"))


def test_a_zero_cap_switches_the_bonus_off():
    result = apply_adjustments(NodeTotal(D("80"), D("100")), bonus=D("5"), deduction=D("0"), bonus_cap=D("0"))
    assert result.bonus == D("0")
    assert result.index == D("80")


def test_the_bonus_never_takes_the_index_over_100():
    result = apply_adjustments(NodeTotal(D("99"), D("100")), bonus=D("3"), deduction=D("0"))
    assert result.bonus == D("1")
    assert result.index == D("100")


def test_the_deduction_comes_after_the_bonus_is_clamped_so_it_always_costs_its_points():
    # 99 + 3 is held to 100 first, then 2 are deducted: 98, not 99 + 3 − 2 = 100.
    result = apply_adjustments(NodeTotal(D("99"), D("100")), bonus=D("3"), deduction=D("2"))
    assert (result.bonus, result.deduction, result.total.points) == (D("1"), D("2"), D("98"))


def test_the_total_never_falls_below_zero():
    result = apply_adjustments(NodeTotal(D("1.5"), D("100")), bonus=D("0"), deduction=D("4"))
    assert result.deduction == D("1.5")
    assert result.total.points == D("0")
    assert result.index == D("0")


def test_with_exemptions_the_index_is_over_the_assessed_max_and_bonus_fills_at_most_what_was_lost():
    # A unit exempted from 10 points is assessed on 90; 85 earned, 3 bonus claimed: 88 of 90.
    result = apply_adjustments(NodeTotal(D("85"), D("90")), bonus=D("3"), deduction=D("0"), bonus_cap=D("5"))
    assert result.total == NodeTotal(D("88"), D("90"))
    assert result.index == calculator.percentage(D("88"), D("90"))
    full = apply_adjustments(NodeTotal(D("89"), D("90")), bonus=D("3"), deduction=D("0"))
    assert full.bonus == D("1")
    assert full.index == D("100")


def test_nothing_assessed_has_no_index_and_nothing_applied():
    result = apply_adjustments(NodeTotal(D("0"), D("0")), bonus=D("3"), deduction=D("2"))
    assert (result.bonus, result.deduction, result.index) == (D("0"), D("0"), None)


def test_negative_sums_and_caps_count_as_zero():
    result = apply_adjustments(
        NodeTotal(D("50"), D("100")), bonus=D("-1"), deduction=D("2"), deduction_cap=D("-3")
    )
    assert (result.bonus, result.deduction, result.total.points) == (D("0"), D("0"), D("50"))


points = st.decimals(min_value=0, max_value=100, places=2)
caps = st.none() | st.decimals(min_value=0, max_value=10, places=2)


@given(earned=points, lost=points, bonus=points, deduction=points, bonus_cap=caps, deduction_cap=caps)
def test_the_shown_identity_and_bounds_always_hold(earned, lost, bonus, deduction, bonus_cap, deduction_cap):
    base = NodeTotal(earned, earned + lost)
    result = apply_adjustments(
        base, bonus=bonus, deduction=deduction, bonus_cap=bonus_cap, deduction_cap=deduction_cap
    )
    assert result.base.points + result.bonus - result.deduction == result.total.points
    assert D(0) <= result.total.points <= base.max_points
    assert D(0) <= result.bonus <= bonus
    assert D(0) <= result.deduction <= deduction
    if bonus_cap is not None:
        assert result.bonus <= bonus_cap
    if deduction_cap is not None:
        assert result.deduction <= deduction_cap
