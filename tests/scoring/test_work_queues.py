"""Work queues on the admin index, per role, scoped, in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scoring import workflow
from scoring.models import Period
from scoring.selectors import work_queues
from units.models import Unit

from .test_appraisal import make_appraiser, under_appraisal

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_period(demo):
    period = Period.objects.get(code="2018-so")
    period.self_assessment_deadline = timezone.localdate() + datetime.timedelta(days=9)
    period.save()
    return period


def test_the_secretariat_sees_every_units_progress(client, secretariat, open_period):
    queues = work_queues(secretariat)
    assert len(queues["secretariat"]) == 20
    row = next(r for r in queues["secretariat"] if r["assessment"].unit.code == "92-stp")
    assert row["days_left"] == 9
    assert 0 < row["filled_percent"] <= 100
    client.force_login(secretariat)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Tiến độ các đơn vị" in html
    assert "Sở Y tế" in html


def test_an_officer_sees_only_their_unit_with_its_own_deadline(
    client, officer_justice, secretariat, open_period
):
    workflow.deadline_extend(
        period=open_period,
        unit=Unit.objects.get(code="92-stp"),
        phase="self_assessment",
        deadline=timezone.localdate() + datetime.timedelta(days=20),
        reason="Sáp nhập phòng",
        acting_user=secretariat,
    )
    queues = work_queues(officer_justice)
    assert "secretariat" not in queues
    assert [r["assessment"].unit.code for r in queues["officer"]] == ["92-stp"]
    assert queues["officer"][0]["days_left"] == 20
    client.force_login(officer_justice)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Bản đánh giá của đơn vị" in html
    assert "Sở Y tế" not in html


def test_an_appraiser_sees_what_waits(client, secretariat):
    period, _ = under_appraisal(secretariat)
    appraiser = make_appraiser("td-queue", period, "92-stp")
    client.force_login(appraiser)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Chờ thẩm định" in html
    assert "Sở Tư pháp" in html


def test_the_index_uses_a_fixed_number_of_queries(client, secretariat, open_period):
    client.force_login(secretariat)
    client.get(reverse("admin:index"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("admin:index"))
    Period.objects.filter(code="2017-so").update(status="appraisal")  # 20 more open assessments
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("admin:index"))
    assert len(small) == len(large)
