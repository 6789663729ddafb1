"""Survey points from a survey team's file: long or wide form, units by code or name, a preview with row errors
and a reconciliation, then a confirmation that writes all or nothing with history and one recompute."""

import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from scoring import services
from scoring.models import AssessmentResult, DataImport, DataImportStatus, ScoreEntry
from tests.scenarios import PASSWORD

pytestmark = pytest.mark.django_db

CODES = ["8.1.1", "8.1.2", "8.1.3", "8.1.4"]


def csv_bytes(lines) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def survey_of(period, unit_code):
    return {
        e.node.code: e.survey_points
        for e in ScoreEntry.objects.filter(
            assessment__period=period, assessment__unit__code=unit_code, node__method="survey"
        ).select_related("node")
    }


def preview(period, user, content, name="dieu-tra.csv"):
    return services.survey_upload_preview(period=period, acting_user=user, file_name=name, content=content)


def test_a_long_form_file_previews_every_change_then_imports_with_history(open_period, secretariat):
    content = csv_bytes(
        [
            "Mã đơn vị;Mã tiêu chí;Điểm",
            "92-stp;8.1.1;2,25",
            "SỞ Y TẾ;8.1.2;1.1234",  # by name, another case, no code
            "92-stp;8.1.2;0",
        ]
    )
    result = preview(open_period, secretariat, content)
    assert result.ok, result.errors
    assert [(c["unit"], c["node"], c["old"], c["new"]) for c in result.changes] == [
        ("Sở Tư pháp", "8.1.1", None, D("2.25")),
        ("Sở Y tế", "8.1.2", None, D("1.1234")),
        ("Sở Tư pháp", "8.1.2", None, D("0")),
    ]
    assert result.changes[1]["matched_by"] == "tên «SỞ Y TẾ»"
    # the period's other departments (19 since the 2025 merger in the demo), for reconciliation
    assert len(result.summary["missing_units"]) == 17
    assert survey_of(open_period, "92-stp")["8.1.1"] is None  # the preview wrote nothing
    services.data_import_confirm(data_import=result.data_import, acting_user=secretariat)
    assert survey_of(open_period, "92-stp")["8.1.1"] == D("2.25")
    assert survey_of(open_period, "92-syt")["8.1.2"] == D("1.1234")
    entry = ScoreEntry.objects.get(
        assessment__period=open_period, assessment__unit__code="92-stp", node__code="8.1.1"
    )
    assert entry.history.first().history_user == secretariat
    assert AssessmentResult.objects.get(assessment=entry.assessment).computed_at >= entry.updated_at


def test_a_wide_form_workbook_as_survey_teams_send_it_imports(open_period, secretariat):
    content = xlsx_bytes(
        [
            ["KẾT QUẢ ĐIỀU TRA XÃ HỘI HỌC"],
            ["Đơn vị", *CODES],
            ["Sở Tư pháp", 2.5, "2,4", None, 1],
            ["92-syt", 0.5, 0.75, 1.25, 2],
        ]
    )
    result = preview(open_period, secretariat, content, "dieu-tra.xlsx")
    assert result.ok, result.errors
    assert result.summary["rows"] == 7  # the empty cell is no value
    services.data_import_confirm(data_import=result.data_import, acting_user=secretariat)
    assert survey_of(open_period, "92-stp") == {
        "8.1.1": D("2.5"),
        "8.1.2": D("2.4"),
        "8.1.3": None,
        "8.1.4": D("1"),
    }


def test_every_bad_row_is_named_by_row_and_column_and_nothing_is_written(open_period, secretariat):
    content = csv_bytes(
        [
            "Mã đơn vị,Mã tiêu chí,Điểm",
            "92-khong-co,8.1.1,1",  # unknown unit
            "01,8.1.1,1",  # a unit outside the period (Hà Nội)
            "92-stp,1.1,1",  # not a survey node
            "92-stp,8.1.1,3",  # over the max 2.5
            "92-stp,8.1.2,-1",  # negative
            "92-stp,8.1.3,nhiều",  # not a number
            "92-stp,8.1.4,1",
            "92-stp,8.1.4,2",  # duplicate
            "92-syt,8.1.1,1.12345",  # 5 decimals
        ]
    )
    result = preview(open_period, secretariat, content)
    assert result.data_import is None
    assert result.errors == [
        "Dòng 2, cột A «Mã đơn vị»: không tìm thấy đơn vị «92-khong-co» (theo mã hoặc tên).",
        "Dòng 3, cột A «Mã đơn vị»: Thành phố Hà Nội không thuộc kỳ đánh giá này.",
        "Dòng 4, cột B «Mã tiêu chí»: «1.1» không phải tiêu chí điều tra xã hội học của kỳ đánh giá.",
        "Dòng 5, cột C «Điểm»: 3 vượt điểm tối đa 2,5 của tiêu chí 8.1.1.",
        "Dòng 6, cột C «Điểm»: «-1» là số âm.",
        "Dòng 7, cột C «Điểm»: «nhiều» không phải là số (chỉ dùng chữ số 0–9 và một dấu phẩy hoặc dấu chấm).",
        "Dòng 9, cột B «Mã tiêu chí»: Sở Tư pháp, tiêu chí 8.1.4 đã có ở dòng 8.",
        "Dòng 10, cột C «Điểm»: «1.12345» có quá 4 chữ số thập phân.",
    ]
    assert result.summary["outside_units"] == ["Thành phố Hà Nội"]
    assert not DataImport.objects.exists()
    assert survey_of(open_period, "92-stp")["8.1.4"] is None


def test_a_file_in_neither_form_or_with_a_foreign_column_is_refused(open_period, secretariat):
    with pytest.raises(ValidationError, match="Không nhận ra dạng tệp"):
        preview(open_period, secretariat, csv_bytes(["Mã đơn vị,Ghi chú", "92-stp,x"]))
    with pytest.raises(ValidationError, match="không phải tiêu chí điều tra của kỳ đánh giá: 1.1"):
        preview(open_period, secretariat, csv_bytes(["Mã đơn vị,8.1.1,1.1", "92-stp,1,1"]))


def test_a_cell_changed_after_the_preview_stops_the_confirmation(open_period, secretariat):
    result = preview(open_period, secretariat, csv_bytes(["Mã đơn vị,Mã tiêu chí,Điểm", "92-stp,8.1.1,2"]))
    entry = ScoreEntry.objects.get(
        assessment__period=open_period, assessment__unit__code="92-stp", node__code="8.1.1"
    )
    services.survey_points_record(
        period=open_period,
        acting_user=secretariat,
        values=[services.SurveyValue(entry.pk, entry.version, D("1"))],
    )
    with pytest.raises(ValidationError, match="đã thay đổi kể từ lúc xem trước"):
        services.data_import_confirm(data_import=result.data_import, acting_user=secretariat)
    assert survey_of(open_period, "92-stp")["8.1.1"] == D("1")
    assert DataImport.objects.get().status == DataImportStatus.PREVIEWED


def test_only_the_secretariat_imports_survey_points(open_period, officer_justice, secretariat):
    with pytest.raises(PermissionDenied):
        preview(open_period, officer_justice, csv_bytes(["Mã đơn vị,Mã tiêu chí,Điểm", "92-stp,8.1.1,2"]))
    result = preview(open_period, secretariat, csv_bytes(["Mã đơn vị,Mã tiêu chí,Điểm", "92-stp,8.1.1,2"]))
    with pytest.raises(PermissionDenied):
        services.data_import_confirm(data_import=result.data_import, acting_user=officer_justice)
    client = Client()
    client.login(username=officer_justice.username, password=PASSWORD)
    assert client.get(reverse("backoffice:survey_import", args=[open_period.pk])).status_code == 404
    assert client.post(reverse("backoffice:import_confirm", args=[result.data_import.pk])).status_code == 404


def test_the_secretariat_uploads_previews_and_confirms_on_the_page(client, open_period, secretariat):
    client.login(username=secretariat.username, password=PASSWORD)
    page = client.get(reverse("backoffice:survey", args=[open_period.pk])).content.decode()
    assert reverse("backoffice:survey_import", args=[open_period.pk]) in page
    upload = io.BytesIO(xlsx_bytes([["Mã đơn vị", "Mã tiêu chí", "Điểm"], ["92-stp", "8.1.1", "1,5"]]))
    upload.name = "dieu-tra.xlsx"
    page = client.post(reverse("backoffice:survey_import", args=[open_period.pk]), {"data_file": upload})
    text = page.content.decode()
    assert "1 điểm sẽ thay đổi" in text
    assert "Xác nhận nhập điểm điều tra" in text
    pending = DataImport.objects.get()
    done = client.post(reverse("backoffice:import_confirm", args=[pending.pk]), follow=True)
    assert "Đã nhập 1 điểm điều tra xã hội học." in done.content.decode()
    assert survey_of(open_period, "92-stp")["8.1.1"] == D("1.5")


def test_a_bad_upload_on_the_page_is_a_message_and_changes_nothing(client, open_period, secretariat):
    client.login(username=secretariat.username, password=PASSWORD)
    upload = io.BytesIO("Mã đơn vị,Mã tiêu chí,Điểm\n92-stp,8.1.1,=2+1\n".encode())
    upload.name = "dieu-tra.csv"
    text = client.post(
        reverse("backoffice:survey_import", args=[open_period.pk]), {"data_file": upload}
    ).content.decode()
    assert "Ô C2 chứa công thức" in text
    assert not DataImport.objects.exists()


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    unit=st.sampled_from(["92-stp", "Sở Y tế", "", "x", "01"]),
    node=st.sampled_from([*CODES, "", "1.1", "8.1"]),
    points=st.one_of(st.text(max_size=10), st.decimals(allow_nan=False, places=5, min_value=-3, max_value=5)),
)
def test_any_row_is_previewed_or_refused_with_a_message(open_period, secretariat, unit, node, points):
    content = csv_bytes(["Mã đơn vị;Mã tiêu chí;Điểm", f"{unit};{node};{str(points).replace(';', '')}"])
    try:
        result = preview(open_period, secretariat, content)
        messages = result.errors or [str(result.summary["changed"])]
    except ValidationError as error:
        messages = error.messages
    assert all(messages)


@pytest.mark.parametrize("persona", ["officer_justice", "appraiser", None])
def test_the_survey_import_refuses_all_but_the_secretariat(
    client, open_period, secretariat, persona, request
):
    pending = preview(open_period, secretariat, csv_bytes(["Mã đơn vị,Mã tiêu chí,Điểm", "92-stp,8.1.1,2"]))
    if persona:
        client.force_login(request.getfixturevalue(persona))
    upload = io.BytesIO(csv_bytes(["Mã đơn vị,Mã tiêu chí,Điểm", "92-stp,8.1.1,1"]))
    upload.name = "dieu-tra.csv"
    url = reverse("backoffice:survey_import", args=[open_period.pk])
    assert client.get(url).status_code == (404 if persona else 302)
    assert client.post(url, {"data_file": upload}).status_code == (404 if persona else 302)
    confirm = client.post(reverse("backoffice:import_confirm", args=[pending.data_import.pk]))
    assert confirm.status_code == (404 if persona else 302)
    assert survey_of(open_period, "92-stp")["8.1.1"] is None
    assert DataImport.objects.count() == 1  # only the secretariat's own preview


def test_after_the_period_closes_the_survey_file_is_refused(open_period, secretariat):
    from scoring.models import PeriodStatus

    pending = preview(open_period, secretariat, csv_bytes(["Mã đơn vị,Mã tiêu chí,Điểm", "92-stp,8.1.1,2"]))
    open_period.status = PeriodStatus.PUBLISHED
    open_period.save(update_fields=["status"])
    with pytest.raises(ValidationError, match="Chỉ nhập điểm điều tra khi kỳ đánh giá đang diễn ra"):
        preview(open_period, secretariat, csv_bytes(["Mã đơn vị,Mã tiêu chí,Điểm", "92-stp,8.1.1,2"]))
    with pytest.raises(ValidationError, match="Chỉ nhập điểm điều tra khi kỳ đánh giá đang diễn ra"):
        services.data_import_confirm(data_import=pending.data_import, acting_user=secretariat)
    assert survey_of(open_period, "92-stp")["8.1.1"] is None
