"""Appraisal: reasons, scope by unit and domain, phases, exemptions, and no silent overwrite."""

import datetime
import threading
import time
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction
from django.utils import timezone

from scoring import services, workflow
from scoring.models import AppraiserAssignment, Assessment, Period, ScoreEntry
from scoring.roles import APPRAISER_GROUP, OFFICER_GROUP
from units.models import Membership, Unit

TODAY = timezone.localdate()


def make_appraiser(username, period, unit_code=None, domain=""):
    user = get_user_model().objects.create_user(
        username, password="irrelevant-in-tests", is_staff=True, first_name=f"Thẩm định viên {username}"
    )
    user.groups.add(Group.objects.get(name=APPRAISER_GROUP))
    unit = Unit.objects.get(code=unit_code) if unit_code else None
    AppraiserAssignment.objects.create(period=period, appraiser=user, unit=unit, domain_code=domain)
    return user


def under_appraisal(secretariat):
    """The 2018 department period in appraisal, with Sở Tư pháp's assessment submitted and under appraisal."""
    period = Period.objects.get(code="2018-so")
    period.self_assessment_deadline = TODAY + datetime.timedelta(days=3)
    period.save()
    assessment = Assessment.objects.get(period=period, unit__code="92-stp")
    leader = get_user_model().objects.create_user("lanhdao-ad", password="irrelevant-in-tests", is_staff=True)
    leader.groups.add(Group.objects.get(name=OFFICER_GROUP))
    Membership.objects.create(user=leader, unit=assessment.unit, role="leader")
    workflow.assessment_transition(assessment=assessment, action="submit", acting_user=leader)
    workflow.period_advance(period=period, acting_user=secretariat)
    return Period.objects.get(pk=period.pk), Assessment.objects.get(pk=assessment.pk)


@pytest.fixture
def setup(secretariat):
    period, assessment = under_appraisal(secretariat)
    return period, assessment, make_appraiser("td-a", period, "92-stp")


def entry(assessment, code):
    return ScoreEntry.objects.select_related("node").get(assessment=assessment, node__code=code)


def record(user, assessment, code, points, **kwargs):
    current = entry(assessment, code)
    return services.appraisal_record(
        entry=current,
        acting_user=user,
        expected_version=current.version,
        round=kwargs.pop("round", 1),
        points=points,
        **kwargs,
    )


@pytest.mark.django_db
def test_a_score_equal_to_the_self_score_needs_no_reason_a_different_one_does(setup):
    period, assessment, appraiser = setup
    same = entry(assessment, "1.1.1").self_points
    saved = record(appraiser, assessment, "1.1.1", same)
    assert saved.final_points == same
    with pytest.raises(ValidationError, match="Nhập lý do khi điểm thẩm định khác điểm tự đánh giá"):
        record(appraiser, assessment, "1.2", D("0.5"))
    saved = record(appraiser, assessment, "1.2", D("0.5"), reason="Thiếu báo cáo quý IV")
    assert (saved.appraised_points_r1, saved.appraisal_reason_r1, saved.final_points) == (
        D("0.5"),
        "Thiếu báo cáo quý IV",
        D("0.5"),
    )
    last = saved.history.order_by("-history_date").first()
    assert (last.history_user, last.appraised_points_r1) == (appraiser, D("0.5"))


@pytest.mark.django_db
def test_scope_by_unit_and_domain(setup, officer_justice):
    period, assessment, _ = setup
    domain3 = make_appraiser("td-d3", period, domain="3")
    elsewhere = make_appraiser("td-yt", period, "92-syt")
    with pytest.raises(PermissionDenied):
        record(domain3, assessment, "1.2", D("1"), reason="x")
    record(domain3, assessment, "3.2", D("1"), reason="x")
    for user in (elsewhere, officer_justice):
        with pytest.raises(PermissionDenied):
            record(user, assessment, "3.2", D("1"), reason="x")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "points", "message"),
    [
        ("1.2", D("2.25"), "vượt điểm tối đa 2"),
        ("1.2", D("-1"), "không được âm"),
        ("1.2", D("0.125"), "tối đa 2 chữ số thập phân"),
        ("8.1.1", D("1"), "điều tra xã hội học, không thẩm định"),
    ],
)
def test_bad_appraisals_are_refused_and_nothing_changes(setup, code, points, message):
    _, assessment, appraiser = setup
    before = entry(assessment, code)
    with pytest.raises(ValidationError, match=message):
        record(appraiser, assessment, code, points, reason="x")
    after = entry(assessment, code)
    assert (after.appraised_points_r1, after.version) == (before.appraised_points_r1, before.version)


@pytest.mark.django_db
def test_an_exemption_needs_a_reason_and_removes_the_node(setup):
    _, assessment, appraiser = setup
    with pytest.raises(ValidationError, match="lý do khi xác định tiêu chí không áp dụng"):
        record(appraiser, assessment, "5.3", None, not_applicable=True)
    saved = record(
        appraiser, assessment, "5.3", None, not_applicable=True, not_applicable_reason="Sở không có viên chức"
    )
    assert (saved.not_applicable, saved.final_points, saved.not_applicable_reason) == (
        True,
        None,
        "Sở không có viên chức",
    )


@pytest.mark.django_db
def test_explanation_requests_are_kept_per_node(setup):
    _, assessment, appraiser = setup
    saved = record(
        appraiser, assessment, "1.2", D("1"), reason="Thiếu báo cáo", explanation_request="Gửi báo cáo quý IV"
    )
    assert saved.explanation_request == "Gửi báo cáo quý IV"


@pytest.mark.django_db
def test_rounds_follow_the_phases(setup, secretariat, officer_justice):
    period, assessment, appraiser = setup
    with pytest.raises(ValidationError, match="Không thể thẩm định lần 2"):
        record(appraiser, assessment, "1.2", D("1"), round=2, reason="x")
    record(appraiser, assessment, "1.2", D("1"), reason="Thiếu báo cáo")
    workflow.period_advance(period=period, acting_user=secretariat)  # explanation
    with pytest.raises(ValidationError, match="Không thể thẩm định lần 1"):
        record(appraiser, assessment, "1.2", D("1.5"), reason="x")
    workflow.period_advance(period=period, acting_user=secretariat)  # final appraisal
    with pytest.raises(ValidationError, match="khác điểm thẩm định lần 1"):
        record(appraiser, assessment, "1.2", D("1.5"), round=2)
    saved = record(appraiser, assessment, "1.2", D("1.5"), round=2, reason="Đã bổ sung báo cáo")
    assert (saved.appraised_points_r1, saved.appraised_points_r2, saved.final_points) == (
        D("1"),
        D("1.5"),
        D("1.5"),
    )


@pytest.mark.django_db
def test_a_second_appraiser_with_a_stale_version_gets_the_current_value(setup):
    period, assessment, first = setup
    second = make_appraiser("td-b", period, "92-stp")
    seen = entry(assessment, "1.2")
    services.appraisal_record(
        entry=seen,
        acting_user=first,
        expected_version=seen.version,
        round=1,
        points=D("1.25"),
        reason="Thiếu 1 báo cáo",
    )
    with pytest.raises(
        services.AppraisalConflict, match=r"vừa được Thẩm định viên td-a lưu trước bạn: .* hiện là 1,25"
    ) as caught:
        services.appraisal_record(
            entry=seen,
            acting_user=second,
            expected_version=seen.version,
            round=1,
            points=D("0"),
            reason="Không có",
        )
    assert caught.value.current.appraised_points_r1 == D("1.25")
    assert entry(assessment, "1.2").appraised_points_r1 == D("1.25")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks between two connections need PostgreSQL"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_appraisers_on_two_postgresql_connections_never_overwrite_each_other(secretariat):
    period, assessment = under_appraisal(secretariat)
    first = make_appraiser("td-pg-1", period, "92-stp")
    second = make_appraiser("td-pg-2", period, "92-stp")
    seen = entry(assessment, "1.2")
    holding, release = threading.Event(), threading.Event()
    outcome = {}

    def first_appraiser():
        try:
            with transaction.atomic():  # keeps the row locked until released
                services.appraisal_record(
                    entry=seen,
                    acting_user=first,
                    expected_version=seen.version,
                    round=1,
                    points=D("1.25"),
                    reason="A",
                )
                holding.set()
                release.wait(10)
            outcome["first"] = "saved"
        finally:
            connections.close_all()

    def second_appraiser():
        try:
            services.appraisal_record(
                entry=seen,
                acting_user=second,
                expected_version=seen.version,
                round=1,
                points=D("0"),
                reason="B",
            )
            outcome["second"] = "saved"
        except services.AppraisalConflict as exc:
            outcome["second"] = exc.messages[0]
        finally:
            connections.close_all()

    one = threading.Thread(target=first_appraiser)
    one.start()
    assert holding.wait(10)
    two = threading.Thread(target=second_appraiser)
    two.start()
    # Wait until the second connection is really blocked on the first one's row lock.
    with connection.cursor() as cursor:
        for _ in range(100):
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
            if cursor.fetchone()[0] >= 1:
                break
            time.sleep(0.05)
        else:
            pytest.fail("the second appraiser never waited for the first one's lock")
    release.set()
    one.join(10)
    two.join(10)
    assert outcome["first"] == "saved"
    assert "lưu trước bạn" in outcome["second"]
    assert "1,25" in outcome["second"]
    assert entry(assessment, "1.2").appraised_points_r1 == D("1.25")
