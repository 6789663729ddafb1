"""The appraisal page: who sees it, all-or-nothing saves, conflicts shown, explanation requests, the queue."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from scoring import services
from scoring.models import Assessment, ScoreEntry
from scoring.selectors import appraisal_queue

from .test_appraisal import make_appraiser, under_appraisal

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(secretariat):
    period, assessment = under_appraisal(secretariat)
    return period, assessment, make_appraiser("td-page", period, "92-stp")


def url(assessment):
    return reverse("admin:scoring_assessment_appraise", args=[assessment.pk])


def entry(assessment, code):
    return ScoreEntry.objects.select_related("node").get(assessment=assessment, node__code=code)


def post_row(assessment, code, **values):
    current = entry(assessment, code)
    data = {
        f"version_{code}": str(current.version),
        f"points_{code}": "",
        f"reason_{code}": current.appraisal_reason_r1,
        f"request_{code}": current.explanation_request,
        f"na_reason_{code}": current.not_applicable_reason,
    }
    if current.not_applicable:
        data[f"na_{code}"] = "on"
    data.update({f"{key}_{code}": value for key, value in values.items()})
    return data


def test_the_assigned_appraiser_and_the_secretariat_open_it_others_get_404(
    client, setup, secretariat, officer_justice, officer_health
):
    period, assessment, appraiser = setup
    for user, status in ((appraiser, 200), (secretariat, 200), (officer_justice, 404), (officer_health, 404)):
        client.force_login(user)
        assert client.get(url(assessment)).status_code == status, user
    client.force_login(make_appraiser("td-other", period, "92-syt"))
    assert client.get(url(assessment)).status_code == 404
    assert client.get(reverse("admin:scoring_assessment_change", args=[assessment.pk])).status_code == 404


def test_the_appraiser_sees_claims_and_evidence_side_by_side(client, setup):
    _, assessment, appraiser = setup
    client.force_login(appraiser)
    html = client.get(url(assessment)).content.decode()
    assert "Tự chấm, số liệu, thuyết minh, tài liệu" in html
    assert "Chưa có tài liệu kiểm chứng" in html
    assert html.count('class="points"') == 32
    assert "tiêu chí chưa thẩm định trong phạm vi của bạn" in html


def test_saving_is_all_or_nothing(client, setup):
    _, assessment, appraiser = setup
    client.force_login(appraiser)
    data = {
        **post_row(assessment, "1.1.1", points="0,5", reason="Ban hành chậm"),
        **post_row(assessment, "1.2", points="0,25"),
    }
    response = client.post(url(assessment), data)
    html = response.content.decode()
    assert "1.2: Nhập lý do khi điểm thẩm định khác điểm tự đánh giá" in html
    assert entry(assessment, "1.1.1").appraised_points_r1 is None  # the good row was not saved either
    data["reason_1.2"] = "Thiếu báo cáo quý III"
    data["request_1.2"] = "Bổ sung báo cáo quý III"
    response = client.post(url(assessment), data)
    assert response.status_code == 302
    assert entry(assessment, "1.1.1").final_points == D("0.5")
    saved = entry(assessment, "1.2")
    assert (saved.appraised_points_r1, saved.explanation_request) == (D("0.25"), "Bổ sung báo cáo quý III")


def test_a_concurrent_save_shows_the_current_value(client, setup):
    period, assessment, appraiser = setup
    client.force_login(appraiser)
    stale = post_row(assessment, "1.2", points="1", reason="Đủ một nửa")
    other = make_appraiser("td-page-2", period, "92-stp")
    current = entry(assessment, "1.2")
    services.appraisal_record(
        entry=current,
        acting_user=other,
        expected_version=current.version,
        round=1,
        points=D("1.75"),
        reason="Gần đủ",
    )
    html = client.post(url(assessment), stale).content.decode()
    assert "lưu trước bạn" in html
    assert "1,75" in html
    assert entry(assessment, "1.2").appraised_points_r1 == D("1.75")


def test_the_appraiser_returns_the_assessment_for_explanation(client, setup):
    _, assessment, appraiser = setup
    client.force_login(appraiser)
    response = client.post(url(assessment), {"_return": "1", "return_reason": ""})
    assert "Nhập lý do" in response.content.decode()
    response = client.post(
        url(assessment), {"_return": "1", "return_reason": "Giải trình các tiêu chí 1.2, 3.3.1"}
    )
    assert response.status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).status == "returned"


def test_the_queue_counts_what_waits_in_the_appraisers_scope(client, setup):
    period, assessment, appraiser = setup
    queue = appraisal_queue(appraiser)
    assert [(row["assessment"].unit.code, row["waiting"]) for row in queue] == [("92-stp", 32)]
    current = entry(assessment, "1.2")
    services.appraisal_record(
        entry=current,
        acting_user=appraiser,
        expected_version=current.version,
        round=1,
        points=current.self_points,
    )
    assert appraisal_queue(appraiser)[0]["waiting"] == 31
    client.force_login(appraiser)
    html = client.get(reverse("admin:scoring_assessment_changelist")).content.decode()
    assert "Sở Tư pháp" in html
    assert "Sở Y tế" not in html
