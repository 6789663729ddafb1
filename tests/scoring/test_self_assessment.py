"""The self-assessment form: scoped, Vietnamese decimals, all-or-nothing saves, locks, conflicts, evidence rule."""

import datetime
from decimal import Decimal as D

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from scoring import services
from scoring.models import Assessment, EvidenceLink, Period, ScoreEntry
from scoring.roles import OFFICER_GROUP
from units.models import Membership, Unit

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def assessment(demo):
    period = Period.objects.get(code="2018-so")
    period.self_assessment_deadline = timezone.localdate() + datetime.timedelta(days=7)
    period.save()
    return Assessment.objects.get(period=period, unit__code="92-stp")


def url(assessment):
    return reverse("admin:scoring_assessment_self", args=[assessment.pk])


def form_data(assessment, **overrides):
    """The form as the page sends it: every appraisal node with its current values and version."""
    data = {}
    for entry in assessment.entries.select_related("node").exclude(node__method="survey"):
        code = entry.node.code
        data[f"version_{code}"] = str(entry.version)
        data[f"self_{code}"] = "" if entry.self_points is None else str(entry.self_points)
        data[f"figures_{code}"] = entry.declared_figures
        data[f"explanation_{code}"] = entry.explanation
    data.update(overrides)
    return data


def entry(assessment, code):
    return ScoreEntry.objects.get(assessment=assessment, node__code=code)


def test_the_officer_opens_the_whole_framework_on_one_page(client, officer_justice, assessment):
    client.force_login(officer_justice)
    response = client.get(url(assessment))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="points"') == 32  # 36 scorable nodes, 4 of them survey
    assert "Lưu nháp" in html
    assert "Lưu và nộp" not in html  # officers save; the leader submits
    assert "chưa đối chiếu văn bản gốc" in html
    assert "Điểm do điều tra xã hội học" in html


def test_others_get_404_the_secretariat_reads_only(client, officer_health, secretariat, assessment):
    client.force_login(officer_health)
    assert client.get(url(assessment)).status_code == 404
    assert client.post(url(assessment), form_data(assessment)).status_code == 404
    client.force_login(secretariat)
    response = client.get(url(assessment))
    assert response.status_code == 200
    assert "Biểu mẫu chỉ xem" in response.content.decode()
    assert client.post(url(assessment), form_data(assessment)).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client, assessment):
    response = client.get(url(assessment))
    assert response.status_code == 302
    assert "/quan-tri/login/" in response["Location"]


def test_vietnamese_and_machine_decimals_are_saved(client, officer_justice, assessment):
    client.force_login(officer_justice)
    before = entry(assessment, "1.1.2").version
    response = client.post(
        url(assessment),
        form_data(
            assessment,
            **{"self_1.1.1": "0,75", "self_1.1.2": "1.5", "figures_1.1.2": "412/430 hồ sơ đúng hạn"},
        ),
    )
    assert response.status_code == 302
    assert entry(assessment, "1.1.1").self_points == D("0.75")
    saved = entry(assessment, "1.1.2")
    assert (saved.self_points, saved.declared_figures, saved.version) == (
        D("1.5"),
        "412/430 hồ sơ đúng hạn",
        before + 1,
    )
    assert saved.history.first().self_points == D("1.5")
    assert saved.history.first().history_user == officer_justice  # who, in the per-node history
    page = client.get(url(assessment)).content.decode()
    assert 'value="0,75"' in page


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2,5", "vượt điểm tối đa 1"),
        ("-0,25", "không được âm"),
        ("abc", "(«abc») không phải là số"),
        ("0,125", "tối đa 2 chữ số thập phân"),
    ],
)
def test_bad_scores_are_refused_and_nothing_is_saved(client, officer_justice, assessment, value, message):
    client.force_login(officer_justice)
    before = sorted(assessment.entries.values_list("id", "self_points", "version"))
    response = client.post(url(assessment), form_data(assessment, **{"self_1.1.1": value, "self_1.2": "1"}))
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert "không có gì thay đổi" in html
    assert f'value="{value}"' in html  # what the officer typed is kept on the page
    assert sorted(assessment.entries.values_list("id", "self_points", "version")) == before


def test_appraisal_fields_and_exemptions_posted_by_an_officer_are_ignored(
    client, officer_justice, assessment
):
    client.force_login(officer_justice)
    client.post(
        url(assessment),
        form_data(
            assessment,
            **{
                "self_1.2": "1",
                "appraised_points_r1_1.2": "2",
                "not_applicable_1.2": "on",
                "final_points_1.2": "2",
            },
        ),
    )
    saved = entry(assessment, "1.2")
    assert (saved.self_points, saved.appraised_points_r1, saved.not_applicable, saved.final_points) == (
        D("1"),
        None,
        False,
        None,
    )


def test_after_the_deadline_the_form_is_read_only(client, officer_justice, assessment):
    Period.objects.filter(pk=assessment.period_id).update(
        self_assessment_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(officer_justice)
    html = client.get(url(assessment)).content.decode()
    assert "Biểu mẫu chỉ xem" in html
    assert "Lưu nháp" not in html
    before = entry(assessment, "1.2").self_points
    response = client.post(url(assessment), form_data(assessment, **{"self_1.2": "0,5"}))
    assert "không còn được sửa" in response.content.decode()
    assert entry(assessment, "1.2").self_points == before


def test_a_concurrent_save_is_not_overwritten(client, officer_justice, assessment):
    client.force_login(officer_justice)
    stale = form_data(assessment, **{"self_1.2": "1"})
    services.self_assessment_save(
        assessment=assessment,
        acting_user=officer_justice,
        values={"1.2": {"self_points": D("1.25")}},
        versions={"1.2": entry(assessment, "1.2").version},
    )
    response = client.post(url(assessment), stale)
    assert "vừa được người khác lưu" in response.content.decode()
    assert entry(assessment, "1.2").self_points == D("1.25")


def flag_of(assessment, code):
    from scoring.selectors import self_assessment_form

    form = self_assessment_form(Assessment.objects.get(pk=assessment.pk))
    rows = [row for domain in form["domains"] for row in domain["rows"] if row["node"].code == code]
    return rows[0]["flagged"], form["total"]


def test_no_evidence_no_points(client, officer_justice, assessment):
    client.force_login(officer_justice)
    client.post(url(assessment), form_data(assessment, **{"self_1.1.1": "1", "explanation_1.1.1": ""}))
    flagged, total_without = flag_of(assessment, "1.1.1")
    assert flagged is True
    assert (
        "Chưa có tài liệu kiểm chứng hoặc thuyết minh: điểm chưa được tính."
        in client.get(url(assessment)).content.decode()
    )
    document = services.evidence_add(
        unit=assessment.unit,
        acting_user=officer_justice,
        title="Kế hoạch CCHC 2018",
        upload=SimpleUploadedFile("kh.pdf", PDF),
    )
    client.post(
        url(assessment),
        form_data(assessment, **{"link_doc_1.1.1": str(document.pk), "link_loc_1.1.1": "trang 1"}),
    )
    link = EvidenceLink.objects.get(entry=entry(assessment, "1.1.1"))
    assert link.locator == "trang 1"
    flagged, total_with = flag_of(assessment, "1.1.1")
    assert flagged is False
    assert total_with == total_without + D("1")  # the point now counts
    client.post(url(assessment), form_data(assessment, unlink=str(link.pk)))
    assert not EvidenceLink.objects.filter(pk=link.pk).exists()
    assert link.history.filter(history_type="-").exists()
    client.post(url(assessment), form_data(assessment, **{"explanation_1.1.1": "Kế hoạch đang trình ký"}))
    assert flag_of(assessment, "1.1.1")[0] is False  # an explanation also lifts the flag


def test_another_units_document_cannot_be_linked(client, officer_justice, officer_health, assessment):
    other = services.evidence_add(
        unit=Unit.objects.get(code="92-syt"),
        acting_user=officer_health,
        title="Tài liệu Sở Y tế",
        upload=SimpleUploadedFile("yt.pdf", PDF),
    )
    client.force_login(officer_justice)
    response = client.post(
        url(assessment), form_data(assessment, **{"link_doc_1.2": str(other.pk), "self_1.2": "1"})
    )
    assert "không thuộc đơn vị" in response.content.decode()
    assert not EvidenceLink.objects.exists()
    assert entry(assessment, "1.2").self_points != D("1") or entry(assessment, "1.2").version == 1


def test_the_leader_saves_and_submits(client, assessment):
    leader = get_user_model().objects.create_user(
        "lanhdao-stp-2", password="irrelevant-in-tests", is_staff=True
    )
    leader.groups.add(Group.objects.get(name=OFFICER_GROUP))
    Membership.objects.create(user=leader, unit=assessment.unit, role="leader")
    client.force_login(leader)
    assert "Lưu và nộp bản tự đánh giá" in client.get(url(assessment)).content.decode()
    response = client.post(url(assessment), form_data(assessment, **{"self_1.2": "2", "_submit": "1"}))
    assert response.status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"
    assert "Biểu mẫu chỉ xem" in client.get(url(assessment)).content.decode()


def test_the_form_of_an_89_node_assessment_uses_a_fixed_number_of_queries(client, demo):
    from .builders import build_period

    period = build_period(3, code="mau-89", status="self_assessment")
    assessment = period.assessments.first()
    officer = get_user_model().objects.create_user("canbo-89", password="irrelevant-in-tests", is_staff=True)
    officer.groups.add(Group.objects.get(name=OFFICER_GROUP))
    Membership.objects.create(user=officer, unit=assessment.unit, role="officer")
    client.force_login(officer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(assessment))
    assert response.status_code == 200
    assert response.content.decode().count('class="points"') == 89 - 20  # 20 scorable survey nodes in QĐ 2948
    assert len(queries) <= 25
