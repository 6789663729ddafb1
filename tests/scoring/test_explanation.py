"""The unit's explanation: answers to per-node requests, evidence, sending; only in its phase and deadline."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from scoring import services, workflow
from scoring.models import Assessment, EvidenceLink, Period, ScoreEntry

from .test_appraisal import make_appraiser, under_appraisal

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(secretariat):
    """Sở Tư pháp's 2018 assessment returned with a request on 1.2, the period in its explanation phase."""
    period, assessment = under_appraisal(secretariat)
    appraiser = make_appraiser("td-gt", period, "92-stp")
    entry = ScoreEntry.objects.get(assessment=assessment, node__code="1.2")
    services.appraisal_record(
        entry=entry,
        acting_user=appraiser,
        expected_version=entry.version,
        round=1,
        points=D("1"),
        reason="Thiếu báo cáo quý IV",
        explanation_request="Gửi báo cáo quý IV và văn bản giao nhiệm vụ",
    )
    workflow.assessment_transition(
        assessment=assessment, action="return_for_explanation", acting_user=appraiser, reason="x"
    )
    Period.objects.filter(pk=period.pk).update(
        explanation_deadline=timezone.localdate() + datetime.timedelta(days=5)
    )
    workflow.period_advance(period=Period.objects.get(pk=period.pk), acting_user=secretariat)
    return Assessment.objects.get(pk=assessment.pk)


def url(assessment):
    return reverse("admin:scoring_assessment_explain", args=[assessment.pk])


def test_the_unit_sees_the_request_and_the_reason(client, officer_justice, returned):
    client.force_login(officer_justice)
    html = client.get(url(returned)).content.decode()
    assert "Gửi báo cáo quý IV và văn bản giao nhiệm vụ" in html
    assert "Thiếu báo cáo quý IV" in html
    assert "Lưu và gửi giải trình" in html


def test_answers_and_evidence_are_saved_then_sent(client, officer_justice, returned):
    document = services.evidence_add(
        unit=returned.unit,
        acting_user=officer_justice,
        title="Báo cáo quý IV",
        upload=SimpleUploadedFile("bc.pdf", b"%PDF-1.4\n"),
    )
    entry = ScoreEntry.objects.get(assessment=returned, node__code="1.2")
    client.force_login(officer_justice)
    response = client.post(
        url(returned),
        {
            "version_1.2": str(entry.version),
            "response_1.2": "Báo cáo quý IV đã gửi ngày 28/12",
            "link_doc_1.2": str(document.pk),
            "link_loc_1.2": "trang 1",
            "_send": "1",
        },
    )
    assert response.status_code == 302
    saved = ScoreEntry.objects.get(pk=entry.pk)
    assert saved.unit_response == "Báo cáo quý IV đã gửi ngày 28/12"
    assert EvidenceLink.objects.filter(entry=saved, document=document).exists()
    assert Assessment.objects.get(pk=returned.pk).status == "explained"


def test_nothing_is_saved_when_any_part_fails(client, officer_justice, officer_health, returned):
    other = services.evidence_add(
        unit=officer_health.unit_memberships.get().unit,
        acting_user=officer_health,
        title="Y tế",
        upload=SimpleUploadedFile("yt.pdf", b"%PDF-1.4\n"),
    )
    entry = ScoreEntry.objects.get(assessment=returned, node__code="1.2")
    client.force_login(officer_justice)
    response = client.post(
        url(returned),
        {
            "version_1.2": str(entry.version),
            "response_1.2": "Trả lời",
            "link_doc_1.2": str(other.pk),
            "_send": "1",
        },
    )
    assert "không thuộc đơn vị" in response.content.decode()
    assert ScoreEntry.objects.get(pk=entry.pk).unit_response == ""
    assert Assessment.objects.get(pk=returned.pk).status == "returned"


def test_other_units_and_late_answers_are_refused(client, officer_justice, officer_health, returned):
    client.force_login(officer_health)
    assert client.get(url(returned)).status_code == 404
    Period.objects.filter(pk=returned.period_id).update(
        explanation_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    entry = ScoreEntry.objects.get(assessment=returned, node__code="1.2")
    client.force_login(officer_justice)
    response = client.post(url(returned), {"version_1.2": str(entry.version), "response_1.2": "Muộn"})
    assert "Không trong thời gian giải trình" in response.content.decode()
    assert ScoreEntry.objects.get(pk=entry.pk).unit_response == ""


def test_only_nodes_with_a_request_can_be_answered(officer_justice, returned):
    with pytest.raises(Exception, match="không có yêu cầu giải trình: 1.1.1"):
        services.explanation_save(
            assessment=returned, acting_user=officer_justice, responses={"1.1.1": "x"}, versions={}
        )
