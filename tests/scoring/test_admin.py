"""The back office: every admin page per persona, scoped lists, framework tools."""

import pytest
from django.contrib import admin
from django.urls import reverse

from scoring.models import Assessment, Framework, FrameworkNode, ScoreEntry

pytestmark = pytest.mark.django_db

MODELS = [model for model in admin.site._registry if model._meta.app_label in ("scoring", "units")]
OFFICER_VISIBLE = {
    "evidencedocument",
    "evidencelink",
    "workflowevent",
    "deadlineextension",
    "assessment",
    "scoreentry",
    "assessmentresult",
    "framework",
    "frameworknode",
    "period",
    "unit",
}


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_secretariat_opens_every_admin_list_and_search(client, secretariat, model):
    client.force_login(secretariat)
    assert client.get(changelist(model)).status_code == 200
    assert client.get(changelist(model) + "?q=92").status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_anonymous_visitors_are_sent_to_login(client, demo, model):
    response = client.get(changelist(model))
    assert response.status_code == 302
    assert "/quan-tri/login/" in response["Location"]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_officer_sees_only_what_the_role_allows(client, officer_justice, model):
    client.force_login(officer_justice)
    expected = 200 if model._meta.model_name in OFFICER_VISIBLE else 403
    assert client.get(changelist(model)).status_code == expected


APPRAISER_VISIBLE = {
    "assessment",
    "scoreentry",
    "assessmentresult",
    "framework",
    "frameworknode",
    "period",
    "unit",
    "workflowevent",
    "evidencedocument",
    "evidencelink",
}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_appraiser_sees_only_what_the_role_allows(client, demo, model):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from scoring.roles import APPRAISER_GROUP

    appraiser = get_user_model().objects.create_user(
        "td-admin", password="irrelevant-in-tests", is_staff=True
    )
    appraiser.groups.add(Group.objects.get(name=APPRAISER_GROUP))
    client.force_login(appraiser)
    expected = 200 if model._meta.model_name in APPRAISER_VISIBLE else 403
    assert client.get(changelist(model)).status_code == expected


def test_officer_lists_hold_only_their_own_unit(client, officer_justice):
    client.force_login(officer_justice)
    html = client.get(changelist(Assessment)).content.decode()
    assert "Sở Tư pháp" in html
    assert "Sở Y tế" not in html
    response = client.get(changelist(ScoreEntry) + "?q=Y+t%E1%BA%BF")
    assert "Sở Y tế" not in response.content.decode()
    from scoring.models import AssessmentResult
    from units.models import Unit

    assert "Sở Y tế" not in client.get(changelist(AssessmentResult)).content.decode()
    assert "Sở Y tế" not in client.get(changelist(Unit)).content.decode()


def test_officer_gets_404_for_another_units_objects_by_url(client, officer_justice):
    client.force_login(officer_justice)
    other = Assessment.objects.get(period__code="2017-so", unit__code="92-syt")
    own = Assessment.objects.get(period__code="2017-so", unit__code="92-stp")
    entry = ScoreEntry.objects.filter(assessment=other).first()
    record = entry.history.first()
    for url in [
        reverse("admin:scoring_assessment_change", args=[other.pk]),
        reverse("admin:scoring_assessment_history", args=[other.pk]),
        reverse("admin:scoring_scoreentry_change", args=[entry.pk]),
        reverse("admin:scoring_scoreentry_history", args=[entry.pk]),
        reverse("admin:scoring_scoreentry_simple_history", args=[entry.pk, record.history_id]),
        reverse("admin:scoring_assessmentresult_change", args=[other.result.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Sở Y tế" not in response.content.decode()
    assert client.get(reverse("admin:scoring_assessment_change", args=[own.pk])).status_code == 200
    assert client.get(reverse("admin:scoring_assessment_history", args=[own.pk])).status_code == 200


def test_other_officer_sees_their_unit_not_ours(client, officer_health):
    client.force_login(officer_health)
    html = client.get(changelist(Assessment)).content.decode()
    assert "Sở Y tế" in html
    assert "Sở Tư pháp" not in html


def test_score_entries_are_read_only_in_the_admin(client, secretariat):
    client.force_login(secretariat)
    entry = ScoreEntry.objects.filter(assessment__period__code="2017-tinh").first()
    url = reverse("admin:scoring_scoreentry_change", args=[entry.pk])
    client.post(url, {"self_points": "0"})
    assert ScoreEntry.objects.get(pk=entry.pk).self_points == entry.self_points


def test_admin_shows_the_per_node_history(client, secretariat):
    client.force_login(secretariat)
    entry = ScoreEntry.objects.filter(assessment__period__code="2017-tinh").first()
    response = client.get(reverse("admin:scoring_scoreentry_history", args=[entry.pk]))
    assert response.status_code == 200


# ---------------------------------------------------------------- framework tools

GOOD = "level,code,parent,name_vi,max_points,method,verified,note\ndomain,1,,A,1,appraisal,no,\ncriterion,1.1,1,B,1,appraisal,no,\n"


def upload(content, name="khung.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")


def test_officer_cannot_import_or_version_frameworks(client, officer_justice):
    client.force_login(officer_justice)
    framework = Framework.objects.get(code="qd2948-tinh")
    assert client.get(reverse("admin:scoring_framework_import")).status_code == 403
    response = client.post(
        reverse("admin:scoring_framework_import"), {"file": upload(GOOD), "code": "x", "title": "X"}
    )
    assert response.status_code == 403
    assert not Framework.objects.filter(code="x").exists()
    assert (
        client.post(
            reverse("admin:scoring_framework_new_version", args=[framework.pk]), {"code": "y"}
        ).status_code
        == 403
    )
    assert not Framework.objects.filter(code="y").exists()


def test_secretariat_imports_a_framework_and_sees_its_integrity(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:scoring_framework_import"),
        {"file": upload(GOOD), "code": "moi", "title": "Bộ mới", "unit_kinds": ["commune"]},
    )
    framework = Framework.objects.get(code="moi")
    assert response.status_code == 302
    assert framework.unit_kinds == ["commune"]
    page = client.get(response["Location"]).content.decode()
    assert "Không phát hiện lỗi" in page
    assert "2</strong> mục chưa đối chiếu văn bản gốc" in page


def test_a_bad_framework_file_shows_every_problem_and_saves_nothing(client, secretariat):
    client.force_login(secretariat)
    bad = GOOD + "criterion,1.2,1,C,abc,appraisal,no,\ncriterion,1.x,1,D,1,appraisal,no,\n"
    response = client.post(
        reverse("admin:scoring_framework_import"), {"file": upload(bad), "code": "hong", "title": "H"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dòng 4, cột «max_points»" in html
    assert "Dòng 5, cột «code»" in html
    assert "không có gì thay đổi" in html
    assert not Framework.objects.filter(code="hong").exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"code": "qd2948-tinh", "title": "Trùng"}, "Mã này đã được dùng"),
        ({"code": "", "title": "X"}, "Nhập mã"),
        ({"code": "x1"}, "Nhập tên"),
    ],
)
def test_import_form_errors_are_in_vietnamese(client, secretariat, data, message):
    client.force_login(secretariat)
    response = client.post(reverse("admin:scoring_framework_import"), {"file": upload(GOOD), **data})
    assert message in response.content.decode()


def test_import_refuses_other_file_types_and_oversized_files(client, secretariat, settings):
    client.force_login(secretariat)
    response = client.post(
        reverse("admin:scoring_framework_import"), {"file": upload(GOOD, "x.pdf"), "code": "p", "title": "P"}
    )
    assert "Chỉ nhận tệp .csv hoặc .xlsx" in response.content.decode()
    settings.FRAMEWORK_IMPORT_MAX_BYTES = 10
    response = client.post(
        reverse("admin:scoring_framework_import"), {"file": upload(GOOD), "code": "q", "title": "Q"}
    )
    assert "Tệp quá lớn" in response.content.decode()
    assert not Framework.objects.filter(code__in=["p", "q"]).exists()


def test_a_frozen_framework_refuses_a_replacement_file(client, secretariat):
    client.force_login(secretariat)
    framework = Framework.objects.get(code="qd2948-tinh")  # frozen by the demo's 2017 period
    response = client.post(
        reverse("admin:scoring_framework_import_into", args=[framework.pk]), {"file": upload(GOOD)}
    )
    assert "đã khóa" in response.content.decode()
    assert FrameworkNode.objects.filter(framework=framework).count() == 127


def test_new_version_from_the_admin(client, secretariat):
    client.force_login(secretariat)
    framework = Framework.objects.get(code="qd2948-tinh")
    assert client.get(reverse("admin:scoring_framework_new_version", args=[framework.pk])).status_code == 200
    response = client.post(
        reverse("admin:scoring_framework_new_version", args=[framework.pk]), {"code": "qd2948-v2"}
    )
    copy = Framework.objects.get(code="qd2948-v2")
    assert response.status_code == 302
    assert copy.previous_version == framework
    again = client.post(
        reverse("admin:scoring_framework_new_version", args=[framework.pk]),
        {"code": "qd2948-v2"},
        follow=True,
    )
    assert "đã có" in again.content.decode()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_framework_export_is_an_attachment(client, officer_justice, fmt):
    client.force_login(officer_justice)
    framework = Framework.objects.get(code="qd2948-tinh")
    response = client.get(reverse("admin:scoring_framework_export", args=[framework.pk, fmt]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="qd2948-tinh.{fmt}"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_unknown_export_format_is_404(client, secretariat):
    client.force_login(secretariat)
    framework = Framework.objects.get(code="qd2948-tinh")
    assert (
        client.get(reverse("admin:scoring_framework_export", args=[framework.pk, "pdf"])).status_code == 404
    )


def test_integrity_page_for_the_shipped_framework(client, officer_justice):
    client.force_login(officer_justice)
    framework = Framework.objects.get(code="qd2948-tinh")
    html = client.get(reverse("admin:scoring_framework_integrity", args=[framework.pk])).content.decode()
    assert "127 mục, 89 mục được chấm điểm" in html
    assert "106</strong> mục chưa đối chiếu" in html


def test_the_secretariat_recomputes_an_open_period_from_its_page(client, secretariat, open_period):
    from scoring.models import AssessmentResult

    client.force_login(secretariat)
    before = (
        AssessmentResult.objects.filter(assessment__period=open_period)
        .values_list("computed_at", flat=True)
        .first()
    )
    response = client.post(reverse("backoffice:period_recompute", args=[open_period.pk]), follow=True)
    assert "Đã tính lại kết quả 19 bản đánh giá" in response.content.decode()
    after = (
        AssessmentResult.objects.filter(assessment__period=open_period)
        .values_list("computed_at", flat=True)
        .first()
    )
    assert after > before


def test_officer_cannot_change_periods(client, officer_justice):
    from scoring.models import Period

    client.force_login(officer_justice)
    period = Period.objects.get(code="2017-huyen")
    response = client.post(reverse("admin:scoring_period_change", args=[period.pk]), {"title": "Đổi"})
    assert response.status_code == 403
    assert Period.objects.get(pk=period.pk).title != "Đổi"


def test_a_frozen_framework_is_shown_read_only_with_vietnamese_kinds(client, secretariat):
    client.force_login(secretariat)
    framework = Framework.objects.get(code="qd2948-tinh")
    html = client.get(reverse("admin:scoring_framework_change", args=[framework.pk])).content.decode()
    assert "Tỉnh, thành phố trực thuộc Trung ương" in html
    assert '["province"]' not in html
    assert 'name="_save"' not in html
    response = client.post(reverse("admin:scoring_framework_change", args=[framework.pk]), {"title": "Đổi"})
    assert response.status_code == 403
    assert Framework.objects.get(pk=framework.pk).title != "Đổi"


def test_a_draft_framework_is_edited_with_unit_kind_checkboxes(client, secretariat):
    from scoring import services

    client.force_login(secretariat)
    draft = services.framework_new_version(
        framework=Framework.objects.get(code="qd2948-tinh"), code="nhap-thu", acting_user=secretariat
    )
    html = client.get(reverse("admin:scoring_framework_change", args=[draft.pk])).content.decode()
    assert 'type="checkbox" name="unit_kinds" value="commune"' in html


def test_incomplete_assessments_show_no_index_in_the_list(client, secretariat, open_period):
    client.force_login(secretariat)
    period = open_period
    html = client.get(changelist(Assessment) + f"?period__id__exact={period.pk}").content.decode()
    assert "chưa đủ điểm" in html


def test_import_page_documents_the_columns_and_offers_a_sample(client, secretariat):
    client.force_login(secretariat)
    html = client.get(reverse("admin:scoring_framework_import")).content.decode()
    assert "Các cột của tệp" in html
    assert "qd2948-tinh.csv" in html
    bad_date = client.post(
        reverse("admin:scoring_framework_import"),
        {"file": upload(GOOD), "code": "d", "title": "D", "decision_date": "31/02/2017"},
    )
    assert "Ngày không hợp lệ" in bad_date.content.decode()


# ---------------------------------------------------------------- workflow in the admin


def test_periods_are_read_only_in_the_admin_and_link_to_their_page(client, secretariat, open_period):
    from scoring.models import Period

    client.force_login(secretariat)
    html = client.get(reverse("admin:scoring_period_change", args=[open_period.pk])).content.decode()
    assert 'name="status"' not in html  # read-only
    assert reverse("backoffice:period", args=[open_period.pk]) in html
    response = client.post(reverse("admin:scoring_period_change", args=[open_period.pk]), {"title": "Đổi"})
    assert response.status_code == 403
    assert Period.objects.get(pk=open_period.pk).title != "Đổi"
    assert client.get(reverse("admin:scoring_period_add"))["Location"] == reverse("backoffice:period_create")


def test_workflow_events_are_scoped_to_the_users_unit(client, officer_justice, secretariat, open_period):
    from scoring import services
    from units.models import Unit

    for code in ("92-stp", "92-syt"):
        services.deadline_extend(
            period=open_period,
            unit=Unit.objects.get(code=code),
            phase="self_assessment",
            deadline=open_period.self_assessment_deadline,
            reason=f"Gia hạn cho {code}",
            acting_user=secretariat,
        )
    client.force_login(officer_justice)
    html = client.get(reverse("admin:scoring_workflowevent_changelist")).content.decode()
    assert "Gia hạn cho 92-stp" in html
    assert "Gia hạn cho 92-syt" not in html
    client.force_login(secretariat)
    html = client.get(reverse("admin:scoring_workflowevent_changelist")).content.decode()
    assert "Gia hạn cho 92-syt" in html
    assert "Gia hạn" in html  # the action's label, not its code


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
@pytest.mark.parametrize(
    "suffix", ["abc/change/", "²/change/", "abc/history/", "1e3/delete/", "abc/history/xyz/"]
)
def test_ids_that_are_not_numbers_are_never_a_server_error(client, secretariat, model, suffix):
    client.force_login(secretariat)
    base = changelist(model)
    response = client.get(base + suffix)
    assert response.status_code in (302, 404), response.status_code


def test_results_and_provenance_read_as_numbers_and_tables_not_raw_values(client, secretariat):
    from scoring.models import AssessmentResult, Publication

    client.force_login(secretariat)
    html = client.get(changelist(AssessmentResult) + "?q=92-stp").content.decode()
    assert "79,60" in html
    assert "79.6000000000" not in html
    result = AssessmentResult.objects.get(assessment__period__code="2017-tinh")
    html = client.get(reverse("admin:scoring_assessmentresult_change", args=[result.pk])).content.decode()
    assert "<table><thead><tr><th>Mã</th><th>Điểm đạt</th>" in html
    assert "82,50" in html  # domain 1 of Cần Thơ 2017
    assert '[["1"' not in html  # no JSON
    publication = Publication.objects.get(period__code="2017-tinh")
    html = client.get(reverse("admin:scoring_publication_change", args=[publication.pk])).content.decode()
    assert "qd2948-tinh" in html
    assert '{"frameworks"' not in html
    assert '"decision_number"' not in html


def test_the_secretariat_creates_a_unit_group_through_the_service(client, secretariat, officer_justice):
    from units.models import Unit, UnitGroup

    units = Unit.objects.filter(code__in=["92-stp", "92-syt"])
    client.force_login(officer_justice)
    response = client.post(
        reverse("admin:units_unitgroup_add"), {"code": "g", "name": "G", "members": [u.pk for u in units]}
    )
    assert response.status_code == 403
    client.force_login(secretariat)
    response = client.post(reverse("admin:units_unitgroup_add"), {"code": "nhom sai", "name": "G"})
    assert "Mã chỉ được gồm chữ cái không dấu" in response.content.decode()
    assert not UnitGroup.objects.filter(name="G").exists()
    response = client.post(
        reverse("admin:units_unitgroup_add"),
        {"code": "nhom-thi-diem", "name": "Thí điểm", "members": [u.pk for u in units]},
    )
    assert response.status_code == 302
    assert set(UnitGroup.objects.get(code="nhom-thi-diem").members.values_list("code", flat=True)) == {
        "92-stp",
        "92-syt",
    }
