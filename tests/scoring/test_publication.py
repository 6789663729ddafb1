"""Publication and corrections: immutable hashed snapshots over content only; a correction reopens chosen
entries with a reason, the appraiser changes them, the republished version shows what changed."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from scoring import services
from scoring.models import AppraiserAssignment, Period, Publication, ScoreEntry
from scoring.roles import APPRAISER_GROUP
from scoring.selectors import unit_scorecard
from scoring.services.publication import content_hash, publication_write
from tests.scenarios import formset_data, make_user

pytestmark = pytest.mark.django_db


def test_the_demo_periods_are_published_with_provenance_and_a_hash(demo):
    publication = Publication.objects.get(period__code="2017-tinh")
    assert publication.version == 1
    assert publication.provenance["frameworks"] == [
        {
            "code": "qd2948-tinh",
            "title": publication.provenance["frameworks"][0]["title"],
            "version": 1,
            "decision_number": "2948/QĐ-BNV",
        }
    ]
    assert publication.provenance["assessments"] == 1
    units = {
        u.unit_code: {
            "group_code": u.group_code,
            "framework_code": u.framework_code,
            "row": u.row,
            "criteria": u.criteria,
            "leaves": u.leaves,
        }
        for u in publication.units.all()
    }
    assert publication.content_hash == content_hash("2017-tinh", publication.groups, units)


def test_the_hash_covers_content_only(demo):
    """Publishing identical figures twice (a later recompute, another person) gives the same hash."""
    from django.contrib.auth import get_user_model

    period = Period.objects.get(code="2017-so")
    first = period.publications.get()
    second = publication_write(period, acting_user=get_user_model().objects.get(username="thamdinh"))
    assert second.version == 2
    assert second.content_hash == first.content_hash
    assert second.provenance["computed_at"] != first.provenance["computed_at"]


def test_published_figures_do_not_change_when_scores_change(demo, client):
    ScoreEntry.objects.filter(assessment__period__code="2017-tinh", node__code="1.2").update(
        appraised_points_r2=D("3"), final_points=D("3")
    )
    services.scores_recompute(period=Period.objects.get(code="2017-tinh"))
    card = unit_scorecard("2017-tinh", "92")
    assert str(card["result"]["index"])[:7] == "83.5265"
    assert (
        client.get("/ky-danh-gia/2017-tinh/don-vi/92/?format=json").json()["result"]["index_display"]
        == "83.53"
    )


@pytest.fixture
def corrector(demo, secretariat):
    """An appraiser assigned to the published 2017 provincial period."""
    user = make_user("thamdinh-dinh-chinh", APPRAISER_GROUP)
    AppraiserAssignment.objects.create(period=Period.objects.get(code="2017-tinh"), appraiser=user)
    return user


def test_a_correction_reopens_entries_the_appraiser_changes_them_and_the_new_version_shows_what_changed(
    client, secretariat, corrector, officer_justice
):
    period = Period.objects.get(code="2017-tinh")
    entry = ScoreEntry.objects.get(assessment__period=period, node__code="1.2")
    with pytest.raises(ValidationError, match="lý do"):
        services.correction_open(period=period, acting_user=secretariat, reason=" ", entries=[entry])
    with pytest.raises(PermissionDenied):
        services.correction_open(period=period, acting_user=officer_justice, reason="x", entries=[entry])
    correction = services.correction_open(
        period=period, acting_user=secretariat, reason="Kết luận thanh tra số 12/KL-TTr", entries=[entry]
    )
    with pytest.raises(ValidationError, match="đang có một đợt"):
        services.correction_open(period=period, acting_user=secretariat, reason="lại", entries=[entry])
    with pytest.raises(ValidationError, match="Chưa có điểm nào thay đổi"):
        services.correction_publish(correction=correction, acting_user=secretariat)
    item = correction.items.get()
    with pytest.raises(ValidationError, match="lý do"):
        services.correction_record(
            correction=correction,
            acting_user=corrector,
            decisions=[services.CorrectionDecision(item.pk, D("2"), "")],
        )
    services.correction_record(
        correction=correction,
        acting_user=corrector,
        decisions=[services.CorrectionDecision(item.pk, D("2"), "Đủ báo cáo theo hồ sơ thanh tra")],
    )
    publication = services.correction_publish(correction=correction, acting_user=secretariat)
    assert publication.version == 2
    assert publication.changes == [
        {
            "unit_code": "92",
            "unit_name": "Thành phố Cần Thơ",
            "node_code": "1.2",
            "node_name": entry.node.name,
            "old": "1.7500",
            "new": "2.0000",
            "reason": "Đủ báo cáo theo hồ sơ thanh tra",
        }
    ]
    html = client.get("/ky-danh-gia/2017-tinh/don-vi/92/").content.decode()
    assert "phiên bản 2" in html
    assert "1,75 → 2" in html
    assert "Đủ báo cáo theo hồ sơ thanh tra" in html
    old = client.get("/ky-danh-gia/2017-tinh/don-vi/92/?phien-ban=1&format=json").json()
    assert old["result"]["index_display"] == "83.53"  # version 1 stays as published
    new = client.get("/ky-danh-gia/2017-tinh/don-vi/92/?format=json").json()
    assert new["result"]["index_display"] == "83.78"
    assert ScoreEntry.objects.get(pk=entry.pk).history.first().history_user == corrector


def test_only_the_appraiser_covering_a_node_changes_it(secretariat, corrector, demo):
    period = Period.objects.get(code="2017-tinh")
    survey = ScoreEntry.objects.get(assessment__period=period, node__code="8.1")
    correction = services.correction_open(
        period=period, acting_user=secretariat, reason="Số liệu điều tra", entries=[survey]
    )
    item = correction.items.get()
    with pytest.raises(ValidationError, match="không được sửa"):
        services.correction_record(
            correction=correction,
            acting_user=corrector,
            decisions=[services.CorrectionDecision(item.pk, D("12"), "x")],
        )
    services.correction_record(
        correction=correction,
        acting_user=secretariat,
        decisions=[services.CorrectionDecision(item.pk, D("12"), "Phiếu bổ sung")],
    )
    assert ScoreEntry.objects.get(pk=survey.pk).survey_points == D("12")


def test_a_correction_opened_by_mistake_is_cancelled(secretariat, demo):
    period = Period.objects.get(code="2017-tinh")
    entry = ScoreEntry.objects.get(assessment__period=period, node__code="1.2")
    correction = services.correction_open(
        period=period, acting_user=secretariat, reason="Nhầm", entries=[entry]
    )
    services.correction_cancel(correction=correction, acting_user=secretariat)
    correction.refresh_from_db()
    assert correction.status == "cancelled"
    assert period.publications.count() == 1


def test_corrections_through_the_pages(client, secretariat, corrector):
    period = Period.objects.get(code="2017-tinh")
    url = reverse("backoffice:corrections", args=[period.pk])
    client.force_login(secretariat)
    assert "Đính chính kết quả" in client.get(reverse("backoffice:period", args=[period.pk])).content.decode()
    unit = period.assessments.get().unit
    html = client.get(url, {"don-vi": unit.pk}).content.decode()
    assert "1.2. " in html
    entry = ScoreEntry.objects.get(assessment__period=period, node__code="1.2")
    client.post(f"{url}?don-vi={unit.pk}", {"_open": "1", "reason": "Thanh tra", "entries": [entry.pk]})
    assert period.corrections.filter(status="open").exists()
    client.force_login(corrector)
    response = client.post(
        url, {**formset_data([{"points": "2", "reason": "Theo hồ sơ"}], prefix="dc"), "_record": "1"}
    )
    assert response.status_code == 302
    client.force_login(secretariat)
    response = client.post(url, {"_publish": "1", "confirm": "on"})
    assert response.status_code == 302
    assert period.publications.count() == 2


def test_the_correction_page_is_404_for_units_and_unassigned_appraisers(
    client, officer_justice, appraiser, demo
):
    period = Period.objects.get(code="2017-tinh")
    for user in (officer_justice, appraiser):
        client.force_login(user)
        assert client.get(reverse("backoffice:corrections", args=[period.pk])).status_code == 404
