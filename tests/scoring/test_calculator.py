"""The calculator: table-driven, no database."""

from decimal import Decimal as D

import pytest

from scoring import calculator
from scoring.calculator import LeafScore, NodeTotal, TreeNode


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (D("12.045"), D("12.05")),  # half up, not banker's rounding
        (D("12.044999"), D("12.04")),
        (D("83.5265"), D("83.53")),
        (D("75.3"), D("75.30")),
        (D("0"), D("0.00")),
    ],
)
def test_round_display_is_two_places_half_up(value, shown):
    assert calculator.round_display(value) == shown


def test_rounding_to_other_places_and_of_values_too_large_to_round():
    assert calculator.round_half_up(D("0.12345"), 4) == D("0.1235")
    assert calculator.round_half_up(D("1E+999"), 2) == D("1E+999")  # shown as it is, never an error


def test_format_display_uses_a_dot_and_blank_for_none():
    assert calculator.format_display(D("74.928125")) == "74.93"
    assert calculator.format_display(None) == ""


def test_format_full_keeps_every_stored_digit_and_never_uses_an_exponent():
    assert calculator.format_full(D("83.5312000000")) == "83.5312000000"
    assert calculator.format_full(calculator.percentage(D("0"), D("1.5"))) == "0.0000000000"
    assert calculator.format_full(None) == ""


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"method": "appraisal", "appraised_r1": D("1"), "appraised_r2": None}, D("1")),
        ({"method": "appraisal", "appraised_r1": D("1"), "appraised_r2": D("0.5")}, D("0.5")),
        ({"method": "appraisal", "appraised_r1": D("1"), "appraised_r2": D("0")}, D("0")),  # 0 is a score
        ({"method": "appraisal", "appraised_r1": None, "appraised_r2": None}, None),
        ({"method": "survey", "appraised_r1": D("1"), "survey": D("0.7")}, D("0.7")),
        ({"method": "survey", "survey": None}, None),
        ({"method": "appraisal", "appraised_r1": D("1"), "not_applicable": True}, None),
    ],
)
def test_final_points_select_round_two_then_round_one_or_survey(kwargs, expected):
    args = {"appraised_r1": None, "appraised_r2": None, "survey": None, "not_applicable": False, **kwargs}
    assert calculator.final_points(**args) == expected


@pytest.mark.parametrize(
    ("points", "max_points", "expected"),
    [
        (D("12.048"), D("16"), D("75.3000000000")),  # Cần Thơ 2017 domain 5: shown 12.05 but 75.30 %
        (D("11.9885"), D("16"), D("74.9281250000")),  # domain 7: shown 11.99 but 74.93 %
        (D("8.83"), D("11"), D("80.2727272727")),
        (D("1"), D("3"), D("33.3333333333")),
        (D("0"), D("0"), None),
    ],
)
def test_percentage_is_computed_from_unrounded_points(points, max_points, expected):
    assert calculator.percentage(points, max_points) == expected


def test_rounded_points_would_give_the_wrong_published_percentage():
    # The reason for full precision: 12.05/16 shows 75.31, the publication says 75.30.
    assert calculator.round_display(calculator.percentage(D("12.05"), D("16"))) == D("75.31")
    assert calculator.round_display(calculator.percentage(D("12.048"), D("16"))) == D("75.30")


TREE = [
    TreeNode("1", None, D("3"), False),
    TreeNode("1.1", "1", D("2"), False),
    TreeNode("1.1.1", "1.1", D("1"), True),
    TreeNode("1.1.2", "1.1", D("1"), True),
    TreeNode("1.2", "1", D("1"), True),
    TreeNode("2", None, D("2"), False),
    TreeNode("2.1", "2", D("2"), True),
    TreeNode("3", None, D("1"), False),  # a domain with nothing under it sums to nothing
]


def test_tree_totals_sum_children_and_count_unscored_as_zero():
    totals = calculator.tree_totals(
        TREE, {"1.1.1": LeafScore(D("0.75")), "1.2": LeafScore(D("1")), "2.1": LeafScore(None)}
    )
    assert totals["1.1"] == NodeTotal(D("0.75"), D("2"))
    assert totals["1"] == NodeTotal(D("1.75"), D("3"))
    assert totals["2"] == NodeTotal(D("0"), D("2"))
    assert totals["3"] == NodeTotal(D("0"), D("0"))
    assert totals["1.1.2"] == NodeTotal(D("0"), D("1"))  # missing from the mapping


def test_not_applicable_nodes_leave_both_points_and_max():
    totals = calculator.tree_totals(
        TREE,
        {
            "1.1.1": LeafScore(D("1")),
            "1.1.2": LeafScore(D("1"), not_applicable=True),
            "1.2": LeafScore(D("0.5")),
            "2.1": LeafScore(D("2")),
        },
    )
    assert totals["1.1"] == NodeTotal(D("1"), D("1"))
    assert totals["1"] == NodeTotal(D("1.5"), D("2"))
    total = calculator.total_of([totals["1"], totals["2"]])
    assert total == NodeTotal(D("3.5"), D("4"))
    assert total.percentage == D("87.5000000000")  # normalised over the 4 points assessed, not 5


@pytest.mark.parametrize(
    ("index", "band"),
    [
        (D("90"), "Rất tốt"),
        (D("89.995"), "Rất tốt"),  # published as 90.00
        (D("89.994"), "Tốt"),
        (D("80"), "Tốt"),
        (D("79.99"), "Khá"),
        (D("50"), "Trung bình"),
        (D("49.99"), "Yếu"),
        (None, ""),
    ],
)
def test_band_for_uses_the_published_index_and_period_thresholds(index, band):
    bands = [
        ("Yếu", D("0")),
        ("Tốt", D("80")),
        ("Rất tốt", D("90")),
        ("Khá", D("70")),
        ("Trung bình", D("50")),
    ]
    assert calculator.band_for(index, bands) == band


def test_band_for_is_empty_when_no_threshold_is_reached():
    assert calculator.band_for(D("40"), [("Khá", D("70"))]) == ""


def test_bands_follow_the_period_not_fixed_thresholds():
    # Cần Thơ 2023 classed units above 80 as Khá: the same index, another band.
    assert calculator.band_for(D("85"), [("Rất tốt", D("95")), ("Tốt", D("90")), ("Khá", D("80"))]) == "Khá"


def test_competition_ranking_shares_ranks_and_skips():
    ranks = calculator.competition_ranks(
        {"a": D("91.2"), "b": D("88.004"), "c": D("88.001"), "d": D("70"), "e": None, "f": D("88.006")}
    )
    # b and c are both 88.00 as published; f is 88.01.
    assert ranks == {"a": 1, "f": 2, "b": 3, "c": 3, "d": 5, "e": None}


def test_competition_ranking_of_nothing_is_empty():
    assert calculator.competition_ranks({}) == {}


def test_mean():
    assert calculator.mean([D("1"), D("2")]) == D("1.5")
    assert calculator.mean([]) is None


@pytest.mark.parametrize(
    ("score", "flagged"),
    [
        (calculator.SelfScore(D("1"), True, False, False), True),
        (calculator.SelfScore(D("1"), True, True, False), False),
        (calculator.SelfScore(D("1"), True, False, True), False),
        (calculator.SelfScore(D("1"), False, False, False), False),
        (calculator.SelfScore(D("0"), True, False, False), False),  # nothing claimed, nothing to prove
        (calculator.SelfScore(None, True, False, False), False),
    ],
)
def test_no_evidence_no_points_flags(score, flagged):
    assert score.flagged is flagged


def test_provisional_self_total_leaves_out_flagged_and_empty_scores():
    scores = [
        calculator.SelfScore(D("1"), True, True, False),
        calculator.SelfScore(D("0.75"), True, False, False),  # flagged
        calculator.SelfScore(D("0.5"), False, False, False),
        calculator.SelfScore(None, False, False, False),
    ]
    assert calculator.provisional_self_total(scores) == D("1.5")


def test_assessment_totals_add_parts_into_domains_and_leave_exempted_max_out():
    parts = [
        calculator.PartSums("1.1", "1", D("3"), D("2.5")),
        calculator.PartSums("1.2", "1", D("2"), D("0"), exempted_max=D("2")),  # wholly not applicable
        calculator.PartSums("2.1", "2", D("5"), D("4.25"), exempted_max=D("1")),
    ]
    totals = calculator.assessment_totals(parts, ["1", "2", "3"])
    assert totals.parts["1.2"] == calculator.NodeTotal(D("0"), D("0"))
    assert totals.domains["1"] == calculator.NodeTotal(D("2.5"), D("3"))
    assert totals.domains["2"] == calculator.NodeTotal(D("4.25"), D("4"))
    assert totals.domains["3"] == calculator.NodeTotal(
        D("0"), D("0")
    )  # a domain without parts counts as zero
    assert totals.total == calculator.NodeTotal(D("6.75"), D("7"))
    assert totals.index == calculator.percentage(D("6.75"), D("7"))
    assert totals.domains["3"].percentage is None
