"""The yearly-cycle rulebook on plain values: no database."""

import datetime
from types import SimpleNamespace

import pytest

from scoring import policy

D = datetime.date(2026, 12, 6)


def period(status, **deadlines):
    fields = dict.fromkeys(policy.PHASE_DEADLINE_FIELDS.values())
    fields.update(deadlines)
    return SimpleNamespace(status=status, **fields)


def test_phases_follow_one_another_and_end_archived():
    assert policy.next_period_status("setup") == "self_assessment"
    assert policy.next_period_status("final_appraisal") == "published"
    assert policy.next_period_status("archived") is None


@pytest.mark.parametrize(
    ("period_status", "assessment_status", "expected"),
    [
        ("appraisal", "under_appraisal", 1),
        ("appraisal", "returned", None),  # returned: waits for the unit
        ("explanation", "under_appraisal", None),
        ("final_appraisal", "under_appraisal", 2),
        ("final_appraisal", "explained", 2),
        ("final_appraisal", "finalised", None),
        ("self_assessment", "submitted", None),
    ],
)
def test_which_round_is_open(period_status, assessment_status, expected):
    assert policy.open_round(period_status=period_status, assessment_status=assessment_status) == expected


def pending(round_, r1=None, r2=None, na=False, request="", survey=False):
    return policy.entry_pending(
        round_,
        appraised_r1=r1,
        appraised_r2=r2,
        not_applicable=na,
        explanation_request=request,
        is_survey=survey,
    )


def test_round_one_waits_for_every_unscored_appraisal_node():
    assert pending(1)
    assert not pending(1, r1=1)
    assert not pending(1, na=True)
    assert not pending(1, survey=True)


def test_round_two_looks_again_at_questioned_and_never_appraised_nodes():
    assert pending(2, r1=1, request="Gửi báo cáo")
    assert not pending(2, r1=1, request="Gửi báo cáo", r2=1)
    assert not pending(2, r1=1)  # round 1 stands
    assert pending(2)  # never appraised (a late unit, an unfinished round 1)


def test_a_unit_deadline_is_its_extension_or_the_periods():
    p = period(
        "self_assessment", self_assessment_deadline=D, explanation_deadline=D + datetime.timedelta(days=9)
    )
    assert policy.unit_deadline(p, "self_assessment", None) == D
    assert policy.unit_deadline(
        p, "self_assessment", D + datetime.timedelta(days=3)
    ) == D + datetime.timedelta(days=3)
    assert policy.current_deadline(p, lambda phase: None) == D
    p.status = "appraisal"
    p.appraisal_deadline = D + datetime.timedelta(days=5)
    assert policy.current_deadline(p, lambda phase: None) == D + datetime.timedelta(days=5)


def test_a_deadline_day_is_open_until_its_end():
    assert not policy.deadline_passed(D, D)
    assert policy.deadline_passed(D, D + datetime.timedelta(days=1))
    assert not policy.deadline_passed(None, D)


def test_the_form_is_open_only_for_a_draft_in_self_assessment_before_the_deadline():
    def editable(period_status, assessment_status, on):
        return policy.self_assessment_editable(
            period_status=period_status, assessment_status=assessment_status, deadline=D, on=on
        )

    assert editable("self_assessment", "draft", D)
    assert not editable("self_assessment", "draft", D + datetime.timedelta(days=1))
    assert not editable("self_assessment", "submitted", D)
    assert not editable("appraisal", "draft", D)


def test_withdrawal_is_open_for_a_submitted_assessment_before_the_deadline():
    assert policy.withdrawal_open(
        period_status="self_assessment", assessment_status="submitted", deadline=D, on=D
    )
    assert not policy.withdrawal_open(
        period_status="self_assessment",
        assessment_status="submitted",
        deadline=D,
        on=D + datetime.timedelta(days=1),
    )


def test_phase_changes_move_what_would_wait_forever():
    assert policy.PHASE_CHANGE_MOVES["appraisal"] == {
        "submitted": "under_appraisal",
        "draft": "under_appraisal",
    }
    assert policy.PHASE_CHANGE_MARKS["appraisal", "draft"] == "late_submission"
    assert policy.PHASE_CHANGE_MOVES["final_appraisal"] == {"returned": "under_appraisal"}
    assert policy.PHASE_CHANGE_MARKS["final_appraisal", "returned"] == "explanation_missed"


def test_advancing_needs_groups_bands_and_the_next_phases_deadline():
    refusals = policy.advance_refusals(
        period("setup"), has_groups=False, has_bands=False, open_corrections=False
    )
    assert refusals == [
        "Chưa có nhóm đơn vị nào tham gia kỳ đánh giá.",
        "Chưa đặt mức xếp loại.",
        "Chưa đặt hạn của giai đoạn «Tự đánh giá».",
    ]
    ready = period("setup", self_assessment_deadline=D)
    assert policy.advance_refusals(ready, has_groups=True, has_bands=True, open_corrections=False) == []
    assert policy.advance_refusals(
        period("appraisal"), has_groups=True, has_bands=True, open_corrections=False
    ) == ["Chưa đặt hạn của giai đoạn «Giải trình»."]
    final = policy.advance_refusals(
        period("final_appraisal"), has_groups=True, has_bands=True, open_corrections=False
    )
    assert "công bố" in final[0]
    assert policy.advance_refusals(
        period("published"), has_groups=True, has_bands=True, open_corrections=True
    ) == ["Còn đợt đính chính chưa công bố."]


def test_transitions_name_their_refusal():
    assert (
        policy.transition_refusal("submit", assessment_status="draft", period_status="self_assessment")
        is None
    )
    assert "Đã nộp" in policy.transition_refusal(
        "submit", assessment_status="submitted", period_status="self_assessment"
    )
    assert "Thẩm định" in policy.transition_refusal(
        "submit", assessment_status="draft", period_status="appraisal"
    )
    assert (
        policy.transition_refusal("exclude", assessment_status="finalised", period_status="final_appraisal")
        is None
    )
    assert policy.transition_refusal("exclude", assessment_status="finalised", period_status="published")


def test_coverage_by_unit_and_domain():
    everything = [(None, "")]
    justice_domain_3 = [(7, "3")]
    assert policy.covers(everything, unit_id=7, domain_code="5")
    assert policy.covers(justice_domain_3, unit_id=7, domain_code="3")
    assert not policy.covers(justice_domain_3, unit_id=7, domain_code="5")
    assert not policy.covers(justice_domain_3, unit_id=8)
    assert policy.covered_domains(justice_domain_3, unit_id=7) == {"3"}
    assert policy.covered_domains(everything, unit_id=7) is None
    assert not policy.covers([], unit_id=7)


@pytest.mark.parametrize(
    ("role", "period_status", "assessment_status", "page"),
    [
        ("unit", "self_assessment", "draft", "self_assessment"),
        ("unit", "explanation", "returned", "explanation"),
        ("unit", "appraisal", "under_appraisal", "self_assessment"),
        ("secretariat", "self_assessment", "draft", "self_assessment"),
        ("secretariat", "final_appraisal", "explained", "appraisal"),
    ],
)
def test_each_queue_row_leads_to_the_page_of_the_phase(role, period_status, assessment_status, page):
    assert (
        policy.page_for(role=role, period_status=period_status, assessment_status=assessment_status) == page
    )


def test_a_phase_waits_for_units_still_in_time():
    p = period("self_assessment", self_assessment_deadline=D, appraisal_deadline=D)
    refusals = policy.advance_refusals(
        p, has_groups=True, has_bands=True, open_corrections=False, still_in_time=[("Sở Tư pháp", D)]
    )
    assert refusals == [
        "Còn 1 đơn vị chưa nộp bản tự đánh giá mà chưa hết hạn: Sở Tư pháp (hạn 06/12/2026). Chuyển giai đoạn bây "
        "giờ sẽ khóa và đánh dấu các đơn vị này quá hạn; hãy chờ hết hạn (hoặc sửa hạn của kỳ)."
    ]
    assert policy.marks_on_advance("self_assessment") == {"draft": "self_assessment"}
    assert policy.marks_on_advance("explanation") == {"returned": "explanation"}
    assert policy.marks_on_advance("appraisal") == {}
