"""The self-assessment page: scoped, Vietnamese decimals, every error next to its field, all-or-nothing saves
and submission, withdrawal, evidence uploaded and cited from the page."""

import datetime
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring import policy, services
from scoring.models import Assessment, EvidenceDocument, EvidenceLink, Method, Period, ScoreEntry
from tests.scenarios import formset_data, points_text
from units.models import Unit

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


def url(assessment):
    return reverse("backoffice:self_assessment", args=[assessment.pk])


def entries(assessment):
    return list(
        assessment.entries.select_related("node").exclude(node__method=Method.SURVEY).order_by("node__order")
    )


def form_data(assessment, submit=False, **changes):
    """The form as the page sends it: every appraisal node with its current values and version; `changes`
    maps "code:field" to a new value."""
    rows = []
    for entry in entries(assessment):
        row = {
            "version": str(entry.version),
            "self_points": points_text(entry.self_points),
            "declared_figures": entry.declared_figures,
            "explanation": entry.explanation,
            "document": "",
            "locator": "",
        }
        for key, value in changes.items():
            code, field = key.split(":")
            if code == entry.node.code:
                row[field] = value
        rows.append(row)
    data = formset_data(rows)
    data["_submit" if submit else "_save"] = "1"
    return data


def entry(assessment, code):
    return ScoreEntry.objects.get(assessment=assessment, node__code=code)


def test_the_officer_opens_the_whole_framework_on_one_page(client, officer_justice, justice):
    client.force_login(officer_justice)
    response = client.get(url(justice))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="points"') == 32  # 36 scorable nodes, 4 of them survey
    assert "Lưu nháp" in html
    assert "Lưu và nộp" not in html  # officers save; the leader submits
    assert "chưa đối chiếu văn bản gốc" in html
    assert "Điểm do điều tra xã hội học" in html
    assert "Tải tài liệu kiểm chứng mới" in html
    assert "<script>" not in html
    assert "onclick" not in html
    assert "<style>" not in html


def test_others_get_404_the_secretariat_and_the_appraiser_read_only(
    client, officer_health, secretariat, appraiser, justice
):
    client.force_login(officer_health)
    assert client.get(url(justice)).status_code == 404
    assert client.post(url(justice), form_data(justice)).status_code == 404
    for user in (secretariat, appraiser):
        client.force_login(user)
        response = client.get(url(justice))
        assert response.status_code == 200
        assert "Biểu mẫu chỉ xem" in response.content.decode()
        before = list(justice.entries.values_list("self_points", "version"))
        response = client.post(url(justice), form_data(justice, **{"1.2:self_points": "2"}))
        assert "không thể lưu" in response.content.decode()
        assert list(justice.entries.values_list("self_points", "version")) == before


def test_anonymous_visitors_are_sent_to_login(client, justice):
    response = client.get(url(justice))
    assert response.status_code == 302
    assert "/quan-tri/login/" in response["Location"]


def test_vietnamese_and_machine_decimals_are_saved(client, officer_justice, justice):
    client.force_login(officer_justice)
    before = entry(justice, "1.1.2").version
    response = client.post(
        url(justice),
        form_data(
            justice,
            **{
                "1.1.1:self_points": "0,75",
                "1.1.2:self_points": "1.5",
                "1.1.2:declared_figures": "412/430 hồ sơ đúng hạn",
            },
        ),
    )
    assert response.status_code == 302
    assert entry(justice, "1.1.1").self_points == D("0.75")
    saved = entry(justice, "1.1.2")
    assert (saved.self_points, saved.declared_figures, saved.version) == (
        D("1.5"),
        "412/430 hồ sơ đúng hạn",
        before + 1,
    )
    assert saved.history.first().history_user == officer_justice  # who, in the per-node history
    page = client.get(url(justice)).content.decode()
    assert 'value="0,75"' in page
    assert 'value="1,5"' in page


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2,5", "vượt điểm tối đa 1"),
        ("-0,25", "không phải là số"),
        ("abc", "không phải là số"),
        ("0,125", "quá 2 chữ số thập phân"),
        ("1e0", "không phải là số"),
        ("１", "không phải là số"),  # full-width digit
        ("1_0", "không phải là số"),
        ("²", "không phải là số"),
    ],
)
def test_bad_scores_are_refused_next_to_their_field_and_nothing_is_saved(
    client, officer_justice, justice, value, message
):
    client.force_login(officer_justice)
    before = sorted(justice.entries.values_list("id", "self_points", "version"))
    response = client.post(
        url(justice), form_data(justice, **{"1.1.1:self_points": value, "1.2:self_points": "1"})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert f'value="{value}"' in html  # what the officer typed is kept on the page
    row = html.split('id="tc-1.1.1"')[1].split("</tr>")[0]
    assert message in row  # the error is on the node's own row
    assert sorted(justice.entries.values_list("id", "self_points", "version")) == before


def test_every_error_is_shown_at_once(client, officer_justice, justice):
    client.force_login(officer_justice)
    response = client.post(
        url(justice),
        form_data(justice, **{"1.1.1:self_points": "9", "1.2:self_points": "x", "1.3:explanation": "a\x00b"}),
    )
    html = response.content.decode()
    for code in ("1.1.1", "1.2", "1.3"):
        assert "errorlist" in html.split(f'id="tc-{code}"')[1].split("</tr>")[0], code


@pytest.mark.parametrize("version", ["²", "abc", "", "-1", "1.5"])
def test_a_tampered_version_is_a_form_error_not_a_server_error(client, officer_justice, justice, version):
    client.force_login(officer_justice)
    response = client.post(
        url(justice), form_data(justice, **{"1.2:version": version, "1.2:self_points": "1"})
    )
    assert response.status_code == 200
    assert entry(justice, "1.2").self_points != D("1")


@pytest.mark.parametrize("document", ["²", "abc", "99999999", "-3"])
def test_a_tampered_document_id_is_a_form_error(client, officer_justice, justice, document):
    client.force_login(officer_justice)
    response = client.post(url(justice), form_data(justice, **{"1.2:document": document}))
    assert response.status_code == 200
    assert "Hãy chọn giá trị hợp lệ" in response.content.decode()
    assert not EvidenceLink.objects.filter(entry__assessment=justice).exists()


def test_appraisal_fields_posted_by_an_officer_are_ignored(client, officer_justice, justice):
    client.force_login(officer_justice)
    data = form_data(justice, **{"1.2:self_points": "1"})
    data.update({"tc-5-appraised_points_r1": "2", "tc-5-not_applicable": "on", "tc-5-final_points": "2"})
    client.post(url(justice), data)
    saved = entry(justice, "1.2")
    assert (saved.self_points, saved.appraised_points_r1, saved.not_applicable, saved.final_points) == (
        D("1"),
        None,
        False,
        None,
    )


def test_after_the_deadline_the_form_is_read_only(client, officer_justice, justice):
    Period.objects.filter(pk=justice.period_id).update(
        self_assessment_deadline=policy.today() - datetime.timedelta(days=1)
    )
    client.force_login(officer_justice)
    html = client.get(url(justice)).content.decode()
    assert "Biểu mẫu chỉ xem" in html
    assert "Lưu nháp" not in html
    before = entry(justice, "1.2").self_points
    client.post(url(justice), form_data(justice, **{"1.2:self_points": "0,5"}))
    assert entry(justice, "1.2").self_points == before


def test_a_concurrent_save_is_not_overwritten(client, officer_justice, justice):
    client.force_login(officer_justice)
    stale = form_data(justice, **{"1.2:self_points": "1"})
    services.self_assessment_save(
        assessment=justice,
        acting_user=officer_justice,
        values={"1.2": {"self_points": D("1.25")}},
        versions={"1.2": entry(justice, "1.2").version},
    )
    response = client.post(url(justice), stale)
    assert "vừa được người khác lưu" in response.content.decode()
    assert entry(justice, "1.2").self_points == D("1.25")


def test_no_evidence_no_points_and_evidence_uploaded_from_the_page(client, officer_justice, justice):
    from scoring.selectors import self_assessment_page

    def flag(code):
        page = self_assessment_page(Assessment.objects.get(pk=justice.pk), officer_justice)
        rows = [row for domain in page["domains"] for row in domain["rows"] if row["node"].code == code]
        return rows[0]["flagged"], page["total"]

    client.force_login(officer_justice)
    client.post(url(justice), form_data(justice, **{"1.1.1:self_points": "1", "1.1.1:explanation": ""}))
    flagged, total_without = flag("1.1.1")
    assert flagged is True
    assert "Chưa có tài liệu kiểm chứng hoặc thuyết minh" in client.get(url(justice)).content.decode()
    response = client.post(
        reverse("backoffice:evidence_upload", args=[justice.pk]),
        {
            "title": "Kế hoạch CCHC năm 2026",
            "number": "12/KH-STP",
            "issue_date": "10/01/2026",  # day first: 10 January
            "issuer": "Sở Tư pháp",
            "upload": SimpleUploadedFile("ke-hoach.pdf", PDF),
            "node": "1.1.1",
            "locator": "trang 1",
        },
    )
    assert response.status_code == 302
    document = EvidenceDocument.objects.get(number="12/KH-STP")
    assert document.issue_date == datetime.date(2026, 1, 10)
    link = EvidenceLink.objects.get(entry=entry(justice, "1.1.1"))
    assert (link.document, link.locator) == (document, "trang 1")
    flagged, total_with = flag("1.1.1")
    assert flagged is False
    assert total_with == total_without + D("1")  # the point now counts
    data = form_data(justice)
    index = [e.node.code for e in entries(justice)].index("1.1.1")
    data[f"tc-{index}-unlink"] = str(link.pk)
    client.post(url(justice), data)
    assert not EvidenceLink.objects.filter(pk=link.pk).exists()
    assert link.history.filter(history_type="-").exists()


def test_a_bad_upload_is_refused_with_its_reason(client, officer_justice, justice):
    client.force_login(officer_justice)
    response = client.post(
        reverse("backoffice:evidence_upload", args=[justice.pk]),
        {"title": "Giả", "issue_date": "31/02/2026", "upload": SimpleUploadedFile("gia.pdf", b"<html>")},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ngày không hợp lệ" in html
    assert not EvidenceDocument.objects.filter(title="Giả").exists()


def test_another_units_document_cannot_be_linked(client, officer_justice, officer_health, justice):
    other = services.evidence_add(
        unit=Unit.objects.get(code="92-syt"),
        acting_user=officer_health,
        title="Tài liệu Sở Y tế",
        upload=SimpleUploadedFile("yt.pdf", PDF),
    )
    client.force_login(officer_justice)
    before = entry(justice, "1.2").version
    response = client.post(
        url(justice), form_data(justice, **{"1.2:document": str(other.pk), "1.2:self_points": "1"})
    )
    assert response.status_code == 200
    assert not EvidenceLink.objects.filter(entry__assessment=justice).exists()
    assert entry(justice, "1.2").version == before


def test_the_leader_saves_and_submits_and_a_refused_submit_saves_nothing(client, leader_justice, justice):
    client.force_login(leader_justice)
    assert "Lưu và nộp bản tự đánh giá" in client.get(url(justice)).content.decode()
    before = list(justice.entries.values_list("self_points", "version"))
    response = client.post(url(justice), form_data(justice, submit=True, **{"1.2:self_points": "2"}))
    html = response.content.decode()
    assert "Chưa thể nộp" in html
    assert "không có gì thay đổi" in html
    assert list(justice.entries.values_list("self_points", "version")) == before  # not even 1.2
    changes = {f"{e.node.code}:self_points": "0" for e in entries(justice) if e.self_points is None}
    response = client.post(url(justice), form_data(justice, submit=True, **changes))
    assert response.status_code == 302
    assert Assessment.objects.get(pk=justice.pk).status == "submitted"
    assert "Rút bản tự đánh giá" in client.get(url(justice)).content.decode()


def test_the_leader_withdraws_with_a_reason(client, health):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="lanhdao.syt"))
    withdraw = reverse("backoffice:withdraw", args=[health.pk])
    client.post(withdraw, {"reason": ""})
    assert Assessment.objects.get(pk=health.pk).status == "submitted"
    client.post(withdraw, {"reason": "Bổ sung tài liệu 3.3"})
    assert Assessment.objects.get(pk=health.pk).status == "draft"


def test_an_officer_cannot_withdraw(client, officer_health, health):
    client.force_login(officer_health)
    client.post(reverse("backoffice:withdraw", args=[health.pk]), {"reason": "thử"})
    assert Assessment.objects.get(pk=health.pk).status == "submitted"


def test_the_page_of_an_89_node_assessment_uses_a_fixed_number_of_queries(client, demo):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from scoring.roles import OFFICER_GROUP
    from units.models import Membership

    from .builders import build_period

    period = build_period(3, code="mau-89", status="self_assessment")
    assessment = period.assessments.first()
    officer = get_user_model().objects.create_user("canbo-89", password="x", is_staff=True)
    officer.groups.add(Group.objects.get(name=OFFICER_GROUP))
    Membership.objects.create(user=officer, unit=assessment.unit, role="officer")
    client.force_login(officer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(assessment))
    assert response.status_code == 200
    assert response.content.decode().count('class="points"') == 89 - 20  # 20 scorable survey nodes in QĐ 2948
    assert len(queries) <= 25, len(queries)
