"""Work queues on the admin index, per role, scoped, linking to the page of the current phase, in a fixed
number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring import policy
from scoring.models import Period
from scoring.selectors import work_queues
from tests.scenarios import advance

pytestmark = pytest.mark.django_db


def test_the_secretariat_sees_every_units_progress_and_the_open_periods(client, secretariat, open_period):
    queues = work_queues(secretariat)
    assert len(queues["secretariat"]) == 19  # 2017 departments, two merged in 2025 (fixtures)
    row = next(r for r in queues["secretariat"] if r["assessment"].unit.code == "92-stp")
    assert row["days_left"] == 14
    assert 0 < row["filled_percent"] < 100
    assert row["url"] == reverse("backoffice:self_assessment", args=[row["assessment"].pk])
    assert [p["period"] for p in queues["periods"]] == [open_period]
    client.force_login(secretariat)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Tiến độ các đơn vị" in html
    assert "Tạo kỳ đánh giá" in html
    assert open_period.title in html  # names, not codes
    assert open_period.code not in html.split('id="work-queues"')[1].split("</div>")[0]


def test_an_officer_sees_only_their_unit_with_its_own_deadline(officer_justice, open_period, secretariat):
    from scoring import services

    unit = open_period.assessments.get(unit__code="92-stp").unit
    services.deadline_extend(
        period=open_period,
        unit=unit,
        phase="self_assessment",
        deadline=open_period.self_assessment_deadline + datetime.timedelta(days=5),
        reason="Sáp nhập",
        acting_user=secretariat,
    )
    queues = work_queues(officer_justice)
    assert [r["assessment"].unit.code for r in queues["officer"]] == ["92-stp"]
    assert queues["officer"][0]["days_left"] == 19
    assert "secretariat" not in queues


def test_overdue_work_is_highlighted(client, officer_justice, open_period):
    Period.objects.filter(pk=open_period.pk).update(
        self_assessment_deadline=policy.today() - datetime.timedelta(days=2)
    )
    row = work_queues(officer_justice)["officer"][0]
    assert row["overdue"] is True
    client.force_login(officer_justice)
    assert "quá hạn" in client.get(reverse("admin:index")).content.decode()


def test_an_appraiser_sees_what_waits_with_the_rounds_deadline(client, under_appraisal, appraiser):
    rows = {r["assessment"].unit.code: r for r in work_queues(appraiser)["appraiser"]}
    assert rows["92-stp"]["waiting"] == 32
    assert rows["92-stp"]["deadline"] == under_appraisal.period.appraisal_deadline
    assert rows["92-stp"]["url"] == reverse("backoffice:appraisal", args=[under_appraisal.pk])
    client.force_login(appraiser)
    assert "Chờ thẩm định" in client.get(reverse("admin:index")).content.decode()


def test_a_returned_unit_is_led_to_its_explanation_page(returned, officer_justice):
    row = work_queues(officer_justice)["officer"][0]
    assert row["url"] == reverse("backoffice:explanation", args=[returned.pk])
    assert row["open_requests"] == 1


def test_the_index_uses_a_fixed_number_of_queries(client, secretariat, open_period):
    client.force_login(secretariat)
    client.get(reverse("admin:index"))
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("admin:index"))
    advance(Period.objects.get(pk=open_period.pk), secretariat)  # more rows in other states
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("admin:index"))
    assert len(after) == len(before)
