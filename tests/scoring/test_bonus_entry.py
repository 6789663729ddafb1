"""Bonus and deduction nodes in the cycle: units self-assess them with evidence, appraisers appraise them, the
survey import and the survey grid refuse them, and the pages say that a deduction is the points taken off."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from scoring import demo as demo_data
from scoring import policy, services
from scoring.models import Assessment, AssessmentResult, ScoreEntry
from tests.framework_files import _actor
from tests.scenarios import advance, appraise_all, self_values
from units.models import Unit, UnitGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def bonus_period(demo, leader_justice):
    """A period on the 2018 demo framework (caps 3 and 4) for Sở Tư pháp and Sở Y tế, open for
    self-assessment; Sở Tư pháp's officer and leader are the usual personas."""
    actor = _actor()
    group = UnitGroup.objects.create(code="thu-thuong-nhap", name="Nhóm thử nhập điểm thưởng")
    group.members.set(Unit.objects.filter(code__in=["92-stp", "92-syt"]))
    today = policy.today()
    period = services.period_create(
        acting_user=actor,
        code="thu-thuong-nhap",
        year=today.year + 1,
        title="Kỳ thử nhập điểm thưởng, điểm trừ",
        deadlines={
            "self_assessment_deadline": today + datetime.timedelta(days=7),
            "appraisal_deadline": today + datetime.timedelta(days=14),
            "explanation_deadline": today + datetime.timedelta(days=21),
            "final_appraisal_deadline": today + datetime.timedelta(days=28),
        },
        bands=[services.BandSpec(n, D(m)) for n, m in demo_data.BANDS_2017],
        groups=[(group, demo_data._demo_framework_2018([], actor))],
        bonus_cap=demo_data.BONUS_CAP_2018,
        deduction_cap=demo_data.DEDUCTION_CAP_2018,
    )
    services.period_advance(period=period, acting_user=actor, expected_status=period.status)
    period.refresh_from_db()
    return period


@pytest.fixture
def assessment(bonus_period):
    return Assessment.objects.get(period=bonus_period, unit__code="92-stp")


def test_the_self_assessment_page_labels_bonus_and_deduction_nodes(client, officer_justice, assessment):
    client.force_login(officer_justice)
    html = client.get(reverse("backoffice:self_assessment", args=[assessment.pk])).content.decode()
    assert "Điểm trừ: nhập số điểm bị trừ (0 nếu không có vi phạm)" in html
    assert "Điểm thưởng: nhập số điểm được thưởng" in html
    assert 'data-label="Điểm bị trừ"' in html
    # The typed running total of the base leaves bonus and deduction inputs out (backoffice.js).
    assert 'data-adjustment="deduction"' in html
    assert 'aria-label="Điểm bị trừ 10.1"' in html
    assert "10. Điểm trừ — điểm bị trừ" in html
    # The provisional total is over the base's 100 points; bonus and deduction are shown apart.
    assert "/ 100" in html
    assert "Điểm thưởng, điểm trừ tự khai" in html


def test_a_unit_claims_bonus_and_declares_deductions_within_each_nodes_max(officer_justice, assessment):
    values, versions = self_values(assessment)
    values["10.1"]["self_points"] = D("1")
    services.self_assessment_save(
        assessment=assessment, acting_user=officer_justice, values=values, versions=versions
    )
    entries = {e.node.code: e for e in assessment.entries.select_related("node")}
    assert (entries["9.1"].self_points, entries["10.1"].self_points) == (D("3"), D("1"))
    values, versions = self_values(assessment)
    values["10.2"]["self_points"] = D("2.5")
    with pytest.raises(ValidationError, match="vượt điểm tối đa 2"):
        services.self_assessment_save(
            assessment=assessment, acting_user=officer_justice, values=values, versions=versions
        )


def test_appraised_bonus_and_deduction_make_the_result(
    leader_justice, assessment, bonus_period, secretariat, appraiser_of_bonus
):
    values, versions = self_values(assessment)
    values["10.1"]["self_points"] = D("0")
    values["10.2"]["self_points"] = D("0")
    services.self_assessment_submit(
        assessment=assessment, acting_user=leader_justice, values=values, versions=versions
    )
    advance(bonus_period, secretariat)
    assessment.refresh_from_db()
    appraise_all(
        assessment,
        appraiser_of_bonus,
        changes={
            "9.2": {"points": D("1"), "reason": "Mô hình mới nhân rộng một phần."},
            "10.1": {"points": D("2"), "reason": "Hai công chức bị kỷ luật trong năm."},
        },
    )
    services.period_recompute(period=bonus_period, acting_user=secretariat)
    result = AssessmentResult.objects.get(assessment=assessment)
    # Base: every ordinary appraisal node at its max, survey nodes not yet imported (0 of 10).
    assert result.base_points == D("90")
    assert (result.bonus, result.deduction, result.points) == (D("3"), D("2"), D("91"))


def test_an_appraiser_sees_the_deduction_label_on_the_appraisal_page(
    client, leader_justice, assessment, bonus_period, secretariat, appraiser_of_bonus
):
    values, versions = self_values(assessment)
    services.self_assessment_submit(
        assessment=assessment, acting_user=leader_justice, values=values, versions=versions
    )
    advance(bonus_period, secretariat)
    client.force_login(appraiser_of_bonus)
    html = client.get(reverse("backoffice:appraisal", args=[assessment.pk])).content.decode()
    assert "Điểm trừ: điểm thẩm định là số điểm bị trừ (0 nếu không trừ)" in html
    assert "Điểm thưởng: cộng sau điểm cơ bản, trong mức tối đa của kỳ" in html


def test_the_survey_import_refuses_bonus_and_deduction_nodes(bonus_period, secretariat):
    content = "Mã đơn vị,Mã tiêu chí,Điểm\n92-stp,9.1,1\n92-stp,10.1,1\n".encode()
    result = services.survey_upload_preview(
        period=bonus_period, acting_user=secretariat, file_name="dieu-tra.csv", content=content
    )
    assert result.data_import is None
    assert result.errors == [
        "Dòng 2, cột B «Mã tiêu chí»: «9.1» không phải tiêu chí điều tra xã hội học của kỳ đánh giá.",
        "Dòng 3, cột B «Mã tiêu chí»: «10.1» không phải tiêu chí điều tra xã hội học của kỳ đánh giá.",
    ]


def test_the_survey_grid_refuses_a_bonus_node(bonus_period, secretariat, assessment):
    entry = ScoreEntry.objects.get(assessment=assessment, node__code="9.1")
    value = services.SurveyValue(entry_id=entry.pk, expected_version=entry.version, points=D("1"))
    with pytest.raises(ValidationError, match="không phải tiêu chí điều tra xã hội học"):
        services.survey_points_record(period=bonus_period, acting_user=secretariat, values=[value])


@pytest.fixture
def appraiser_of_bonus(bonus_period, secretariat):
    from scoring.roles import APPRAISER_GROUP
    from tests.scenarios import make_user

    user = make_user("thamdinh-thuong", APPRAISER_GROUP)
    services.appraisers_assign(period=bonus_period, acting_user=secretariat, appraiser=user)
    return user
