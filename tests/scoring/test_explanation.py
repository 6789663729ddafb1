"""The unit's explanation page: requests with reasons and the appraiser's note, answers, evidence, sending
only with every request answered or the gap confirmed, all or nothing."""

import datetime
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scoring import policy, services
from scoring.models import EvidenceLink, Period, ScoreEntry
from tests.scenarios import formset_data

pytestmark = pytest.mark.django_db


def url(assessment):
    return reverse("backoffice:explanation", args=[assessment.pk])


def requested(assessment):
    return list(
        assessment.entries.select_related("node").exclude(explanation_request="").order_by("node__order")
    )


def page_data(assessment, action="_save", confirm=False, **changes):
    rows = []
    for e in requested(assessment):
        row = {"version": str(e.version), "response": e.unit_response, "document": "", "locator": ""}
        for key, value in changes.items():
            code, field = key.split(":")
            if code == e.node.code:
                row[field] = value
        rows.append(row)
    data = {**formset_data(rows), action: "1"}
    if confirm:
        data["confirm_unanswered"] = "on"
    return data


@pytest.fixture
def leader():
    return get_user_model().objects.get(username="lanhdao.stp")


def test_the_unit_sees_each_request_its_reason_and_the_general_note(client, returned, officer_justice):
    client.force_login(officer_justice)
    html = client.get(url(returned)).content.decode()
    assert "Gửi báo cáo quý IV" in html
    assert "Thiếu báo cáo quý IV" in html  # the appraiser's reason
    assert "Đề nghị giải trình 1.2" in html  # the general note
    assert "Còn 1 yêu cầu chưa trả lời" in html


def test_sending_with_unanswered_requests_needs_a_confirmation(client, returned, officer_justice):
    client.force_login(officer_justice)
    response = client.post(url(returned), page_data(returned, action="_send"))
    assert "Còn 1 yêu cầu chưa trả lời (1.2)" in response.content.decode()
    returned.refresh_from_db()
    assert returned.status == "returned"
    client.post(url(returned), page_data(returned, action="_send", confirm=True))
    returned.refresh_from_db()
    assert returned.status == "explained"


def test_answers_and_evidence_are_saved_then_sent(client, returned, officer_justice):
    document = services.evidence_add(
        unit=returned.unit,
        acting_user=officer_justice,
        title="Báo cáo quý IV",
        upload=SimpleUploadedFile("bc.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    client.force_login(officer_justice)
    client.post(
        url(returned),
        page_data(
            returned,
            **{"1.2:response": "Đã gửi ngày 28/12", "1.2:document": str(document.pk), "1.2:locator": "tr. 2"},
        ),
    )
    saved = ScoreEntry.objects.get(assessment=returned, node__code="1.2")
    assert saved.unit_response == "Đã gửi ngày 28/12"
    assert EvidenceLink.objects.get(entry=saved).locator == "tr. 2"
    returned.refresh_from_db()
    assert returned.status == "returned"
    client.post(url(returned), page_data(returned, action="_send"))
    returned.refresh_from_db()
    assert returned.status == "explained"
    assert "Đơn vị đã gửi giải trình" in client.get(url(returned)).content.decode()


def test_nothing_is_saved_when_any_part_fails(client, returned, officer_justice):
    client.force_login(officer_justice)
    before = ScoreEntry.objects.get(assessment=returned, node__code="1.2").version
    client.post(url(returned), page_data(returned, **{"1.2:response": "Trả lời", "1.2:document": "99999"}))
    saved = ScoreEntry.objects.get(assessment=returned, node__code="1.2")
    assert (saved.unit_response, saved.version) == ("", before)


def test_other_units_late_answers_and_appraisers_are_refused(
    client, returned, officer_health, appraiser, leader
):
    client.force_login(officer_health)
    assert client.get(url(returned)).status_code == 404
    client.force_login(appraiser)
    response = client.post(url(returned), page_data(returned, **{"1.2:response": "Không phải đơn vị"}))
    assert "bạn không có quyền giải trình" in response.content.decode()
    Period.objects.filter(pk=returned.period_id).update(
        explanation_deadline=policy.today() - datetime.timedelta(days=1)
    )
    with pytest.raises(services.explanation.ValidationError):
        services.explanation_save(
            assessment=returned, acting_user=leader, responses={"1.2": "muộn"}, versions={}
        )
    assert ScoreEntry.objects.get(assessment=returned, node__code="1.2").unit_response == ""


def test_only_nodes_with_a_request_can_be_answered(returned, leader):
    with pytest.raises(services.explanation.ValidationError, match="không có yêu cầu giải trình"):
        services.explanation_save(
            assessment=returned, acting_user=leader, responses={"1.3": "?"}, versions={}
        )
    assert ScoreEntry.objects.get(assessment=returned, node__code="1.3").unit_response == ""


def test_the_appraiser_sees_the_answer_in_round_two(
    client, returned, leader, appraiser, secretariat, open_period
):
    from tests.scenarios import advance

    services.explanation_send(
        assessment=returned,
        acting_user=leader,
        responses={"1.2": "Báo cáo số 98/BC-STP"},
        versions={"1.2": ScoreEntry.objects.get(assessment=returned, node__code="1.2").version},
    )
    advance(open_period, secretariat)
    client.force_login(appraiser)
    html = client.get(reverse("backoffice:appraisal", args=[returned.pk])).content.decode()
    assert "Báo cáo số 98/BC-STP" in html
    assert "Lần 1: 1" in html
    assert D("1") == ScoreEntry.objects.get(assessment=returned, node__code="1.2").appraised_points_r1
