"""Frameworks with bonus and deduction parts: declared as their own top-level parts, outside the base."""

from decimal import Decimal as D
from pathlib import Path

import pytest
from django.conf import settings

from scoring import calculator
from scoring import demo as demo_data
from scoring.framework_integrity import DeclaredDomain, check_integrity
from scoring.framework_io import FrameworkFileError, parse_nodes, read_table
from scoring.models import Framework, FrameworkNode, FrameworkStatus, Method, Period
from tests.framework_files import GOOD_ROWS, _actor, csv_bytes

DEMO_2018 = Path(settings.BASE_DIR) / "fixtures" / "demo" / "framework-demo-cap-so-huyen-2018.csv"
ADJUSTMENT_ROWS = [
    "domain,2,,Điểm thưởng,3,điểm thưởng,no,",
    "criterion,2.1,2,Sáng kiến được công nhận,2,Điểm thưởng,no,",
    "criterion,2.2,2,Mô hình được nhân rộng,1,bonus,no,",
    "domain,3,,Điểm trừ,2,ĐIỂM TRỪ,no,",
    "criterion,3.1,3,Vi phạm bị xử lý,2,trừ điểm,no,",
]


def parse(*rows):
    return parse_nodes(read_table(csv_bytes(*rows), "f.csv"))


def problems_of(*rows):
    with pytest.raises(FrameworkFileError) as caught:
        parse(*rows)
    return caught.value.problems


def test_bonus_and_deduction_parts_are_read_with_english_or_vietnamese_method_words():
    specs = parse(*GOOD_ROWS, *ADJUSTMENT_ROWS)
    methods = {spec.code: spec.method for spec in specs}
    assert [methods[c] for c in ("2", "2.1", "2.2", "3", "3.1")] == [
        "bonus",
        "bonus",
        "bonus",
        "deduction",
        "deduction",
    ]
    assert {spec.code for spec in specs if spec.is_scorable} >= {"2.1", "2.2", "3.1"}


def test_a_bonus_node_under_an_ordinary_or_mixed_parent_is_refused():
    under_appraisal = problems_of(*GOOD_ROWS[:4], "criterion,1.2,1,Thưởng lạc chỗ,0.5,bonus,no,")
    assert "«1.2» có phương pháp điểm thưởng nhưng mục cha «1» là thẩm định" in under_appraisal[0]
    mixed = [
        "domain,1,,Hỗn hợp,2,hỗn hợp,no,",
        "criterion,1.1,1,Thẩm định,1,appraisal,no,",
        "criterion,1.2,1,Điểm trừ lạc chỗ,1,điểm trừ,no,",
    ]
    assert "phải thuộc một lĩnh vực điểm trừ riêng, không thuộc mục hỗn hợp «1»" in problems_of(*mixed)[0]


def test_a_part_mixing_bonus_and_deduction_is_refused():
    rows = ["domain,2,,Thưởng và trừ,2,bonus,no,", "criterion,2.1,2,Trừ,2,deduction,no,"]
    assert (
        "«2.1» có phương pháp điểm trừ nhưng mục cha «2» là điểm thưởng" in problems_of(*GOOD_ROWS, *rows)[0]
    )


def test_the_unknown_method_message_lists_the_new_words():
    problems = problems_of("domain,1,,X,2,khen thưởng,no,")
    assert "điểm thưởng, điểm trừ" in problems[0]


def test_integrity_keeps_the_declared_base_domains_and_leaves_bonus_and_deduction_outside_the_total():
    specs = parse(*GOOD_ROWS, *ADJUSTMENT_ROWS)
    report = check_integrity(specs, [DeclaredDomain("1", 2, 2, D("2"))])
    assert report.ok, report.problems
    assert (report.total_max, report.bonus_max, report.deduction_max) == (D("2"), D("3"), D("2"))
    wrong = check_integrity(specs, [DeclaredDomain("1", 2, 2, D("3"))])
    assert wrong.declared_problems == ["Lĩnh vực 1: điểm tối đa 2, văn bản quy định 3."]


def test_integrity_flags_a_stored_tree_that_mixes_ordinary_and_bonus_nodes_in_one_part():
    specs = parse(*GOOD_ROWS, *ADJUSTMENT_ROWS)
    stray = next(spec for spec in specs if spec.code == "2.2")
    stray.method = "appraisal"  # as a tree edited outside the importer could be
    problems = check_integrity(specs, []).code_problems
    assert problems == [
        "«2.2» có phương pháp thẩm định nhưng thuộc lĩnh vực «2» là điểm thưởng: điểm thưởng, điểm trừ là lĩnh "
        "vực riêng, mọi mục trong đó cùng một phương pháp."
    ]


def test_the_2018_demo_file_is_the_2017_set_plus_a_bonus_and_a_deduction_part():
    specs = parse_nodes(read_table(DEMO_2018.read_bytes(), DEMO_2018.name))
    declared = [DeclaredDomain(c, tc, s, D(m)) for c, tc, s, m in demo_data.DEMO_DECLARED]
    report = check_integrity(specs, declared)
    assert report.ok, report.problems
    assert (report.total_max, report.bonus_max, report.deduction_max) == (D("100"), D("5"), D("5"))
    bonus = [s.code for s in specs if s.method == "bonus" and s.is_scorable]
    deduction = [s.code for s in specs if s.method == "deduction" and s.is_scorable]
    assert (bonus, deduction) == (["9.1", "9.2"], ["10.1", "10.2"])


@pytest.mark.django_db
def test_the_2018_demo_framework_is_imported_once_as_the_next_version_of_2017(demo):
    # The demo's 2018 periods already use it: asking again creates nothing.
    created = []
    framework = demo_data._demo_framework_2018(created, _actor())
    assert created == []
    assert Period.objects.get(code="2018-so").groups.get().framework == framework
    assert framework.is_demo
    assert framework.status == FrameworkStatus.FROZEN  # used by the published 2018 periods
    assert framework.previous_version == Framework.objects.get(code=demo_data.DEMO_FRAMEWORK_CODE)
    assert framework.version == 2
    assert "minh họa" in framework.title
    methods = dict(
        FrameworkNode.objects.filter(framework=framework, level="domain").values_list("code", "method")
    )
    assert (methods["9"], methods["10"]) == (Method.BONUS, Method.DEDUCTION)
    assert demo_data._demo_framework_2018(created, _actor()) == framework
    assert created == []


def test_demo_values_leave_2017_frameworks_unchanged_and_reach_the_target_after_bonus_and_deduction():
    class Node:
        def __init__(self, code, max_points, method):
            self.code, self.max_points, self.method = code, D(max_points), method

    base = [Node("1.1", "60", "appraisal"), Node("8.1", "40", "survey")]
    adjustments = [Node("9.1", "3", "bonus"), Node("10.1", "3", "deduction")]
    plain = demo_data._values_for_index(D("85"), base, seed="x")
    assert plain == demo_data._values_for_index(D("85"), base, seed="x")
    assert plain["1.1"]["appraised_points_r1"] + plain["8.1"]["survey_points"] == D("85")
    for seed in ("x", "y", "z", "92-stp", "918"):
        values = demo_data._values_for_index(D("85"), [*base, *adjustments], seed=seed)
        for code in ("9.1", "10.1"):
            value = values[code]["appraised_points_r1"]
            assert value == value.to_integral_value()
            assert D(0) <= value <= D(3)
        base_points = values["1.1"]["appraised_points_r1"] + values["8.1"]["survey_points"]
        final = calculator.apply_adjustments(
            calculator.NodeTotal(base_points, D("100")),
            bonus=values["9.1"]["appraised_points_r1"],
            deduction=values["10.1"]["appraised_points_r1"],
            bonus_cap=demo_data.BONUS_CAP_2018,
            deduction_cap=demo_data.DEDUCTION_CAP_2018,
        )
        assert final.total.points == D("85")
