"""Publication: immutable hashed snapshots, corrections as new versions, earlier versions reachable."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from scoring import services
from scoring.models import Period, Publication, ScoreEntry
from scoring.selectors import ranking_for_period, unit_scorecard
from scoring.services.publication import content_hash

pytestmark = pytest.mark.django_db


def test_the_demo_periods_are_published_with_provenance_and_a_hash(demo):
    publication = Publication.objects.get(period__code="2017-tinh")
    assert publication.version == 1
    assert publication.provenance["frameworks"] == [
        {"code": "qd2948-tinh", "version": 1, "decision_number": "2948/QĐ-BNV"}
    ]
    assert publication.provenance["assessments"] == 1
    units = {
        u.unit_code: {
            "group_code": u.group_code,
            "framework_code": u.framework_code,
            "row": u.row,
            "leaves": u.leaves,
        }
        for u in publication.units.all()
    }
    assert publication.content_hash == content_hash("2017-tinh", publication.groups, units)
    assert not Publication.objects.filter(period__code="2018-so").exists()


def test_published_figures_do_not_change_when_scores_change(demo, client):
    entry = ScoreEntry.objects.get(assessment__period__code="2017-tinh", node__code="1.2")
    services.score_entry_set(entry=entry, appraised_points_r2=D("3"))
    services.scores_recompute(period=Period.objects.get(code="2017-tinh"))
    card = unit_scorecard("2017-tinh", "92")
    assert str(card["result"]["index"])[:7] == "83.5265"
    assert (
        client.get("/ky-danh-gia/2017-tinh/don-vi/92/?format=json").json()["result"]["index_display"]
        == "83.53"
    )


def test_a_correction_is_a_new_version_and_the_old_one_stays(demo, client, secretariat, officer_justice):
    period = Period.objects.get(code="2017-tinh")
    entry = ScoreEntry.objects.get(assessment__period=period, node__code="1.2")
    services.score_entry_set(entry=entry, appraised_points_r2=D("3"))
    with pytest.raises(ValidationError, match="lý do đính chính"):
        services.publication_correct(period=period, acting_user=secretariat, reason=" ")
    with pytest.raises(PermissionDenied):
        services.publication_correct(period=period, acting_user=officer_justice, reason="x")
    corrected = services.publication_correct(
        period=period, acting_user=secretariat, reason="Đính chính điểm tiêu chí 1.2 theo Kết luận thanh tra"
    )
    assert corrected.version == 2
    assert corrected.published_by == secretariat
    latest = client.get("/ky-danh-gia/2017-tinh/don-vi/92/?format=json").json()
    assert latest["result"]["index_display"] == "84.78"  # 83.5265 + 1.25 points
    assert latest["publication"]["version"] == 2
    assert latest["publication"]["reason"].startswith("Đính chính")
    earlier = client.get("/ky-danh-gia/2017-tinh/don-vi/92/?format=json&phien-ban=1").json()
    assert earlier["result"]["index_display"] == "83.53"
    assert earlier["publication"]["is_latest"] is False
    html = client.get("/ky-danh-gia/2017-tinh/don-vi/92/").content.decode()
    assert 'href="?phien-ban=1"' in html
    assert "Lý do đính chính" in html
    ranking = ranking_for_period("2017-tinh", "cantho-tinh", 1)
    assert str(ranking["rows"][0]["index"])[:7] == "83.5265"


@pytest.mark.parametrize("version", ["0", "abc", "-1", "99"])
def test_unknown_versions_are_404(client, demo, version):
    assert client.get(f"/ky-danh-gia/2017-so/xep-hang/cantho-so-2017/?phien-ban={version}").status_code == 404


def test_an_unpublished_period_cannot_be_corrected(demo, secretariat):
    with pytest.raises(ValidationError, match="đã công bố"):
        services.publication_correct(
            period=Period.objects.get(code="2018-so"), acting_user=secretariat, reason="x"
        )


def test_publishing_needs_every_assessment_finalised(demo):
    with pytest.raises(ValidationError, match="chưa chốt"):
        services.publication_create(period=Period.objects.get(code="2018-so"))


def test_the_correction_page_asks_for_a_reason_and_is_secretariat_only(client, secretariat, officer_justice):
    from django.urls import reverse

    period = Period.objects.get(code="2017-so")
    url = reverse("admin:scoring_publication_correct", args=[period.pk])
    client.force_login(officer_justice)
    assert client.post(url, {"reason": "x"}).status_code == 403
    client.force_login(secretariat)
    assert "Nhập lý do đính chính" in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "Sai sót nhập điểm"}).status_code == 302
    assert period.publications.count() == 2
