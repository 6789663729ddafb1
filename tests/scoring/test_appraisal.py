"""Appraisal: the page and its service, reasons, scope, proposals, the return for explanation, conflicts."""

import threading
import time
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring import services
from scoring.models import AppraiserAssignment, Assessment, Method, ScoreEntry
from scoring.roles import APPRAISER_GROUP
from tests.scenarios import formset_data, make_user, points_text

pytestmark = pytest.mark.django_db


def url(assessment):
    return reverse("backoffice:appraisal", args=[assessment.pk])


def entry(assessment, code):
    return ScoreEntry.objects.get(assessment=assessment, node__code=code)


def decision(assessment, code, **fields):
    return services.Decision(code=code, expected_version=entry(assessment, code).version, **fields)


def page_data(assessment, round_=1, action="_save", **changes):
    """The appraisal form as the page sends it for an appraiser covering every node."""
    rows = []
    for e in (
        assessment.entries.select_related("node").exclude(node__method=Method.SURVEY).order_by("node__order")
    ):
        row = {
            "version": str(e.version),
            "points": points_text(getattr(e, f"appraised_points_r{round_}")),
            "reason": getattr(e, f"appraisal_reason_r{round_}"),
            "not_applicable_reason": e.not_applicable_reason,
        }
        if round_ == 1:
            row["explanation_request"] = e.explanation_request
        if e.not_applicable:
            row["not_applicable"] = "on"
        for key, value in changes.items():
            code, field = key.split(":")
            if code == e.node.code:
                row[field] = value
        rows.append(row)
    return {**formset_data(rows), "round": str(round_), action: "1"}


def test_a_score_that_differs_needs_a_reason_and_is_kept_with_history(under_appraisal, appraiser):
    with pytest.raises(ValidationError, match="lý do"):
        services.appraisal_round_record(
            assessment=under_appraisal,
            acting_user=appraiser,
            round=1,
            decisions=[decision(under_appraisal, "1.2", points=D("1"))],
        )
    services.appraisal_round_record(
        assessment=under_appraisal,
        acting_user=appraiser,
        round=1,
        decisions=[decision(under_appraisal, "1.2", points=D("1"), reason="Thiếu báo cáo quý IV")],
    )
    saved = entry(under_appraisal, "1.2")
    assert (saved.appraised_points_r1, saved.final_points) == (D("1"), D("1"))
    assert saved.history.first().history_user == appraiser


def test_an_exemption_needs_a_reason_and_is_only_set_by_an_appraiser(under_appraisal, appraiser):
    with pytest.raises(ValidationError, match="không áp dụng"):
        services.appraisal_round_record(
            assessment=under_appraisal,
            acting_user=appraiser,
            round=1,
            decisions=[decision(under_appraisal, "3.3.3", points=None, not_applicable=True)],
        )
    services.appraisal_round_record(
        assessment=under_appraisal,
        acting_user=appraiser,
        round=1,
        decisions=[
            decision(
                under_appraisal,
                "3.3.3",
                points=None,
                not_applicable=True,
                not_applicable_reason="Không có TTHC liên thông",
            )
        ],
    )
    saved = entry(under_appraisal, "3.3.3")
    assert (saved.not_applicable, saved.final_points) == (True, None)


def test_the_wrong_round_and_survey_nodes_are_refused(under_appraisal, appraiser):
    with pytest.raises(ValidationError, match="lần 1"):
        services.appraisal_round_record(
            assessment=under_appraisal,
            acting_user=appraiser,
            round=2,
            decisions=[decision(under_appraisal, "1.2", points=D("1"), reason="x")],
        )
    with pytest.raises(ValidationError, match="điều tra xã hội học"):
        services.appraisal_round_record(
            assessment=under_appraisal,
            acting_user=appraiser,
            round=1,
            decisions=[decision(under_appraisal, "8.1.1", points=D("1"), reason="x")],
        )


def test_an_appraiser_for_one_domain_appraises_that_domain_only(under_appraisal, secretariat, open_period):
    narrow = make_user("thamdinh-lv3", APPRAISER_GROUP)
    services.appraisers_assign(
        period=open_period,
        acting_user=secretariat,
        appraiser=narrow,
        units=[under_appraisal.unit],
        domain_codes=["3"],
    )
    with pytest.raises(ValidationError, match="không được phân công thẩm định tiêu chí 1.2"):
        services.appraisal_round_record(
            assessment=under_appraisal,
            acting_user=narrow,
            round=1,
            decisions=[decision(under_appraisal, "1.2", points=D("2"))],
        )
    services.appraisal_round_record(
        assessment=under_appraisal,
        acting_user=narrow,
        round=1,
        decisions=[decision(under_appraisal, "3.2", points=D("4"))],
    )
    other = Assessment.objects.get(period=open_period, unit__code="92-syt")
    with pytest.raises(PermissionDenied):
        services.appraisal_round_record(assessment=other, acting_user=narrow, round=1, decisions=[])


def test_a_stale_version_is_refused_and_nothing_of_the_page_is_written(under_appraisal, appraiser):
    stale = decision(under_appraisal, "1.2", points=D("1.25"), reason="A")
    fresh_other = decision(under_appraisal, "1.3", points=D("2"))
    services.appraisal_round_record(
        assessment=under_appraisal,
        acting_user=appraiser,
        round=1,
        decisions=[decision(under_appraisal, "1.2", points=D("1"), reason="B")],
    )
    with pytest.raises(services.AppraisalConflict) as caught:
        services.appraisal_round_record(
            assessment=under_appraisal, acting_user=appraiser, round=1, decisions=[fresh_other, stale]
        )
    assert "lưu trước bạn" in caught.value.messages[0]
    assert entry(under_appraisal, "1.2").appraised_points_r1 == D("1")
    assert entry(under_appraisal, "1.3").appraised_points_r1 is None  # all or nothing


def test_the_page_shows_claims_and_evidence_side_by_side_and_saves(client, under_appraisal, appraiser):
    client.force_login(appraiser)
    html = client.get(url(under_appraisal)).content.decode()
    assert "Theo báo cáo năm." in html  # the unit's explanation
    assert "Đang thẩm định" in html
    assert "lần 1" in html
    # The node's max rides on the input, for the page's own over-max marking while typing.
    max_12 = entry(under_appraisal, "1.2").node.max_points
    assert f'data-max="{max_12}"' in html.split('id="tc-1.2"')[1].split("</tr>")[0]
    response = client.post(
        url(under_appraisal),
        page_data(under_appraisal, **{"1.2:points": "1,5", "1.2:reason": "Chậm 1 báo cáo"}),
    )
    assert response.status_code == 302
    assert entry(under_appraisal, "1.2").appraised_points_r1 == D("1.5")


def test_page_errors_are_next_to_their_row_and_nothing_is_saved(client, under_appraisal, appraiser):
    client.force_login(appraiser)
    response = client.post(
        url(under_appraisal),
        page_data(under_appraisal, **{"1.2:points": "1", "1.3:points": "9", "1.1.1:points": "abc"}),
    )
    html = response.content.decode()
    assert "Nhập lý do" in html.split('id="tc-1.2"')[1].split("</tr>")[0]
    assert "vượt điểm tối đa" in html.split('id="tc-1.3"')[1].split("</tr>")[0]
    assert entry(under_appraisal, "1.2").appraised_points_r1 is None


def test_proposals_accept_evidenced_claims_and_zero_the_rest(client, under_appraisal, appraiser):
    ScoreEntry.objects.filter(assessment=under_appraisal, node__code="1.3").update(explanation="")
    client.force_login(appraiser)
    response = client.post(url(under_appraisal), {"round": "1", "_proposals": "1"})
    assert response.status_code == 302
    assert entry(under_appraisal, "1.2").appraised_points_r1 == entry(under_appraisal, "1.2").self_points
    no_evidence = entry(under_appraisal, "1.3")  # requires evidence, has neither evidence nor explanation now
    assert (no_evidence.appraised_points_r1, no_evidence.appraisal_reason_r1) == (
        D("0"),
        services.appraisal.REASON_NO_EVIDENCE,
    )
    response = client.post(url(under_appraisal), {"round": "1", "_proposals": "1"})
    assert "đã có điểm thẩm định" in response.content.decode()


def test_the_return_needs_a_request_and_carries_the_general_note(client, under_appraisal, appraiser):
    client.force_login(appraiser)
    response = client.post(url(under_appraisal), {"round": "1", "_return": "1", "note": "Bổ sung"})
    assert "Chưa có tiêu chí nào được yêu cầu giải trình" in response.content.decode()
    client.post(
        url(under_appraisal), page_data(under_appraisal, **{"1.2:explanation_request": "Gửi báo cáo quý IV"})
    )
    client.post(url(under_appraisal), {"round": "1", "_return": "1", "note": "Đề nghị bổ sung báo cáo"})
    under_appraisal.refresh_from_db()
    assert (under_appraisal.status, under_appraisal.appraiser_note) == ("returned", "Đề nghị bổ sung báo cáo")


def test_others_get_404_and_the_secretariat_reads_only(client, under_appraisal, officer_health, secretariat):
    client.force_login(officer_health)
    assert client.get(url(under_appraisal)).status_code == 404
    client.force_login(secretariat)
    html = client.get(url(under_appraisal)).content.decode()
    assert "Trang chỉ xem" in html
    assert (
        client.post(url(under_appraisal), page_data(under_appraisal, **{"1.2:points": "0"})).status_code
        == 403
    )


def test_the_queue_and_the_page_count_the_same_pending_nodes(
    client, returned, appraiser, secretariat, open_period
):
    from scoring.selectors import appraisal_page, appraisal_queue
    from tests.scenarios import advance

    advance(open_period, secretariat)  # round 2: 1.2 was questioned
    returned.refresh_from_db()
    row = next(r for r in appraisal_queue(appraiser) if r["assessment"].pk == returned.pk)
    assert row["waiting"] == appraisal_page(returned, appraiser)["pending"] == 1
    late = Assessment.objects.get(period=open_period, unit__code="92-sct")  # never appraised in round 1
    late_row = next(r for r in appraisal_queue(appraiser) if r["assessment"].pk == late.pk)
    assert late_row["waiting"] == appraisal_page(late, appraiser)["pending"] == 32


def test_the_page_of_an_assessment_uses_a_fixed_number_of_queries(client, under_appraisal, appraiser):
    client.force_login(appraiser)
    client.get(url(under_appraisal))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(under_appraisal)).status_code == 200
    assert len(queries) <= 20, len(queries)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks between two connections need PostgreSQL"
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_appraisers_on_two_postgresql_connections_never_overwrite_each_other():
    from django.contrib.auth import get_user_model

    from scoring.models import Period
    from tests.scenarios import advance, self_values

    actor = get_user_model().objects.get(username="sonoivu")
    period = Period.objects.get(code__endswith="-so", status="self_assessment")
    assessment = Assessment.objects.get(period=period, unit__code="92-stp")
    values, versions = self_values(assessment)
    services.self_assessment_submit(
        assessment=assessment,
        acting_user=get_user_model().objects.get(username="lanhdao.stp"),
        values=values,
        versions=versions,
    )
    first = make_user("td-pg-1", APPRAISER_GROUP)
    second = make_user("td-pg-2", APPRAISER_GROUP)
    for user in (first, second):
        AppraiserAssignment.objects.create(period=period, appraiser=user)
    advance(period, actor)
    seen = entry(assessment, "1.2")
    holding, release = threading.Event(), threading.Event()
    outcome = {}

    def first_appraiser():
        try:
            with transaction.atomic():  # keeps the rows locked until released
                services.appraisal_round_record(
                    assessment=assessment,
                    acting_user=first,
                    round=1,
                    decisions=[services.Decision("1.2", seen.version, D("1.25"), "A")],
                )
                holding.set()
                release.wait(10)
            outcome["first"] = "saved"
        finally:
            connections.close_all()

    def second_appraiser():
        try:
            services.appraisal_round_record(
                assessment=assessment,
                acting_user=second,
                round=1,
                decisions=[services.Decision("1.2", seen.version, D("0"), "B")],
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
    with connection.cursor() as cursor:  # wait until the second connection is blocked on the first one's lock
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
