"""The offline self-assessment: download the form as XLSX, fill it in a spreadsheet, upload it, preview every
change, confirm; all or nothing through the web form's service, refused by row and column when a cell is wrong,
by name when someone else changed a row since the download, and as a whole for a bad file."""

import datetime
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from scoring import policy, selectors, services
from scoring.backoffice.export_forms import read_upload
from scoring.exports.offline import REQUIRED, assessment_key, offline_workbook
from scoring.models import Period, ScoreEntry
from scoring.roles import APPRAISER_GROUP
from scoring.spreadsheets import read_table
from tests.scenarios import make_user

pytestmark = pytest.mark.django_db
CODE, POINTS, FIGURES, EXPLANATION, VERSION, KEY = (
    "Mã tiêu chí",
    "Điểm tự chấm",
    "Số liệu kê khai",
    "Thuyết minh",
    "Phiên bản (không sửa)",
    "Bản đánh giá (không sửa)",
)


def download_url(assessment):
    return reverse("backoffice:offline_download", args=[assessment.pk])


def import_url(assessment):
    return reverse("backoffice:offline_import", args=[assessment.pk])


def confirm_url(assessment):
    return reverse("backoffice:offline_confirm", args=[assessment.pk])


class Form:
    """A downloaded form opened in a spreadsheet: cells edited by node code and header."""

    def __init__(self, content: bytes):
        self.book = openpyxl.load_workbook(io.BytesIO(content))
        self.sheet = self.book.worksheets[0]
        self.header = next(row[0].row for row in self.sheet.iter_rows() if row[0].value == CODE)
        self.columns = {cell.value: cell.column for cell in self.sheet[self.header]}

    def row_of(self, code) -> int:
        for row in self.sheet.iter_rows(min_row=self.header + 1):
            if row[0].value == code:
                return row[0].row
        raise KeyError(code)

    def cell(self, code, header):
        return self.sheet.cell(self.row_of(code), self.columns[header])

    def set(self, code, header, value):
        self.cell(code, header).value = value
        return self

    def add_row(self, values: dict):
        row = self.sheet.max_row + 1
        for header, value in values.items():
            self.sheet.cell(row, self.columns[header], value)
        return self

    def content(self) -> bytes:
        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()


def download(client, assessment) -> Form:
    response = client.get(download_url(assessment))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="tu-danh-gia-{assessment.unit.code}-{assessment.period.code}.xlsx"'
    )
    return Form(response.content)


def upload(client, assessment, content: bytes, name="tu-danh-gia.xlsx"):
    return client.post(import_url(assessment), {"upload": SimpleUploadedFile(name, content)})


def entry(assessment, code):
    return ScoreEntry.objects.get(assessment=assessment, node__code=code)


def snapshot(assessment):
    return sorted(
        assessment.entries.values_list("id", "self_points", "declared_figures", "explanation", "version")
    )


# ---------------------------------------------------------------- the round trip


def test_the_officer_downloads_fills_previews_and_confirms(client, officer_justice, justice):
    client.force_login(officer_justice)
    form = download(client, justice)
    current = entry(justice, "1.2")
    assert form.cell("1.2", POINTS).value == float(current.self_points)
    assert form.cell("1.2", POINTS).number_format == "0.00"
    assert form.cell("1.2", VERSION).value == current.version
    assert form.cell("1.2", KEY).value == assessment_key(justice)
    assert form.sheet.column_dimensions["H"].hidden
    assert "8.1.1" not in [row[0].value for row in form.sheet.iter_rows()]  # survey nodes are not self-scored
    form.set("1.2", POINTS, "0,5").set("1.2", EXPLANATION, "- Gửi thiếu báo cáo quý IV")
    form.set("1.1.2", POINTS, 1.25).set("1.1.2", FIGURES, "412/430 hồ sơ")
    before = snapshot(justice)

    response = upload(client, justice, form.content())
    html = response.content.decode()
    assert response.status_code == 200
    changes = response.context["upload"].changes
    assert {(c["code"], f["field"], f["new"]) for c in changes for f in c["fields"]} == {
        ("1.2", "Điểm tự chấm", "0,5"),
        ("1.2", "Thuyết minh", "- Gửi thiếu báo cáo quý IV"),
        ("1.1.2", "Điểm tự chấm", "1,25"),
        ("1.1.2", "Số liệu kê khai", "412/430 hồ sơ"),
    }
    assert "Xác nhận lưu các thay đổi" in html
    assert snapshot(justice) == before  # the preview saves nothing

    payload = response.context["confirm_form"].initial["payload"]
    response = client.post(confirm_url(justice), {"payload": payload})
    assert response.status_code == 302
    saved = entry(justice, "1.2")
    assert (saved.self_points, saved.explanation, saved.version) == (
        D("0.5"),
        "- Gửi thiếu báo cáo quý IV",
        current.version + 1,
    )
    assert entry(justice, "1.1.2").declared_figures == "412/430 hồ sơ"
    assert saved.history.first().history_user == officer_justice
    assert "Đã lưu 2 tiêu chí từ tệp Excel." in client.get(response["Location"]).content.decode()
    again = download(client, justice)
    assert again.cell("1.2", EXPLANATION).value == "'- Gửi thiếu báo cáo quý IV"  # escaped in the file
    assert "Tệp không có thay đổi nào" in upload(client, justice, again.content()).content.decode()


def test_the_self_assessment_page_leads_to_the_file_and_back(client, officer_justice, justice):
    client.force_login(officer_justice)
    html = client.get(reverse("backoffice:self_assessment", args=[justice.pk])).content.decode()
    assert download_url(justice) in html
    assert import_url(justice) in html
    page = client.get(import_url(justice)).content.decode()
    assert download_url(justice) in page
    assert 'enctype="multipart/form-data"' in page


def test_an_unchanged_file_has_nothing_to_save(client, officer_justice, justice):
    client.force_login(officer_justice)
    response = upload(client, justice, download(client, justice).content())
    assert "Tệp không có thay đổi nào" in response.content.decode()
    assert response.context["confirm_form"] is None


def test_a_row_changed_by_someone_else_after_the_download_is_refused_by_name(
    client, officer_justice, leader_justice, justice
):
    client.force_login(officer_justice)
    form = download(client, justice).set("1.2", POINTS, "0,5").set("1.1.1", POINTS, 0)
    services.self_assessment_save(
        assessment=justice,
        acting_user=leader_justice,
        values={"1.2": {"self_points": D("1.75"), "explanation": "Lãnh đạo sửa"}},
        versions={"1.2": entry(justice, "1.2").version},
    )
    before = snapshot(justice)
    response = upload(client, justice, form.content())
    refusals = " ".join(response.context["upload"].refusals)
    assert (
        f"tiêu chí 1.2 đã được {leader_justice.get_full_name() or leader_justice.username} sửa lúc"
        in refusals
    )
    assert "sau khi bạn tải tệp" in refusals
    assert response.context["confirm_form"] is None  # all or nothing: 1.1.1 is not saved either
    assert snapshot(justice) == before


def test_a_save_between_the_preview_and_the_confirmation_refuses_everything(
    client, officer_justice, leader_justice, justice
):
    client.force_login(officer_justice)
    response = upload(client, justice, download(client, justice).set("1.2", POINTS, "0,5").content())
    payload = response.context["confirm_form"].initial["payload"]
    services.self_assessment_save(
        assessment=justice,
        acting_user=leader_justice,
        values={"1.2": {"self_points": D("1.75")}},
        versions={"1.2": entry(justice, "1.2").version},
    )
    before = snapshot(justice)
    response = client.post(confirm_url(justice), {"payload": payload})
    assert "vừa được người khác lưu" in response.content.decode()
    assert snapshot(justice) == before


@pytest.mark.parametrize("tamper", ["other-user", "altered", "garbage"])
def test_a_tampered_confirmation_is_refused(client, officer_justice, leader_justice, justice, tamper):
    client.force_login(officer_justice)
    response = upload(client, justice, download(client, justice).set("1.2", POINTS, "0,5").content())
    payload = response.context["confirm_form"].initial["payload"]
    if tamper == "altered":
        payload = payload[:-3] + ("aaa" if not payload.endswith("aaa") else "bbb")
    elif tamper == "garbage":
        payload = "x" * 40
    else:
        client.force_login(leader_justice)
    before = snapshot(justice)
    response = client.post(confirm_url(justice), {"payload": payload})
    assert response.status_code == 200
    assert "hãy tải tệp lên lại" in response.content.decode()
    assert snapshot(justice) == before


# ---------------------------------------------------------------- read-only assessments


def test_a_submitted_assessment_refuses_the_file(client, officer_justice, justice, leader_justice):
    client.force_login(officer_justice)
    content = download(client, justice).set("1.2", POINTS, "0,5").content()
    from tests.scenarios import self_values

    values, versions = self_values(justice)
    services.self_assessment_submit(
        assessment=justice, acting_user=leader_justice, values=values, versions=versions
    )
    before = snapshot(justice)
    response = upload(client, justice, content)
    assert "không còn được sửa" in response.content.decode()
    assert response.context["upload"] is None
    assert snapshot(justice) == before
    response = client.get(download_url(justice))
    assert response.status_code == 302  # back to the page, which says why
    assert "Không nhận tệp Excel nữa" in client.get(response["Location"]).content.decode()


def test_after_the_deadline_the_file_is_refused(client, officer_justice, justice):
    client.force_login(officer_justice)
    content = download(client, justice).set("1.2", POINTS, "0,5").content()
    response = upload(client, justice, content)
    payload = response.context["confirm_form"].initial["payload"]
    Period.objects.filter(pk=justice.period_id).update(
        self_assessment_deadline=policy.today() - datetime.timedelta(days=1)
    )
    before = snapshot(justice)
    assert "không còn được sửa" in upload(client, justice, content).content.decode()
    response = client.post(confirm_url(justice), {"payload": payload})
    assert "không còn được sửa" in response.content.decode()
    assert snapshot(justice) == before


# ---------------------------------------------------------------- who may


def test_only_the_units_officers_and_leader_may_use_the_file(
    client, justice, officer_health, secretariat, appraiser, leader_justice
):
    urls = [download_url(justice), import_url(justice)]
    for url in [*urls, confirm_url(justice)]:
        assert client.get(url).status_code == 302  # anonymous: to the login page
    content = b"PK\x03\x04"
    for user in (officer_health, secretariat, appraiser, make_user("thamdinh-khac", APPRAISER_GROUP)):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
        assert upload(client, justice, content).status_code == 404
        assert client.post(confirm_url(justice), {"payload": "x"}).status_code == 404
    client.force_login(leader_justice)
    assert client.get(download_url(justice)).status_code == 200


# ---------------------------------------------------------------- bad files and bad rows


def xlsx(rows, merge=None) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    if merge:
        book.active.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HEADER = [CODE, POINTS, FIGURES, EXPLANATION, VERSION, KEY]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "tu-danh-gia.xlsx",
            "<!doctype html><html><body>Đăng nhập</body></html>".encode(),
            "không phải là bảng tính Excel",
        ),
        ("tu-danh-gia.xlsx", b"", "Tệp trống"),
        ("tu-danh-gia.xlsx", xlsx([HEADER, ["1.2", "=1+1", "", "", 1, "x"]]), "Ô B2 chứa công thức"),
        ("tu-danh-gia.xlsx", xlsx([HEADER, ["1.2", 1, "", "", 1, "x"]], merge="A1:B1"), "ô gộp A1:B1"),
        ("tu-danh-gia.csv", "Mã tiêu chí;Điểm\n1.2;Sở\n".encode("utf-16"), "không phải là tệp văn bản CSV"),
        ("tu-danh-gia.csv", b"Ma tieu chi,Diem tu cham\nS\xf5\xd2 T\xfd ph\xe1p,1\n", "không ở mã UTF-8"),
        ("tu-danh-gia.pdf", b"%PDF-1.4", "Chỉ nhận tệp Excel (.xlsx) hoặc CSV"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message_and_changes_nothing(
    client, officer_justice, justice, name, content, message
):
    client.force_login(officer_justice)
    before = snapshot(justice)
    response = upload(client, justice, content, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["upload"] is None
    assert snapshot(justice) == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.set("1.2", CODE, "9.9"), "Dòng {row}, cột A «Mã tiêu chí»: không có tiêu chí mã «9.9»"),
        (lambda f: f.set("1.2", CODE, "1"), "1 là lĩnh vực hoặc tiêu chí có tiêu chí thành phần"),
        (lambda f: f.set("1.2", CODE, "8.1.1"), "tiêu chí 8.1.1 chấm bằng điều tra xã hội học"),
        (lambda f: f.set("1.2", CODE, 1.2), "mã tiêu chí phải là văn bản"),
        (
            lambda f: f.set("1.2", POINTS, 5),
            "Dòng {row} (tiêu chí 1.2), cột E «Điểm tự chấm»: Điểm 5 vượt điểm tối đa 2",
        ),
        (lambda f: f.set("1.2", POINTS, -1), "Điểm -1 âm"),
        (lambda f: f.set("1.2", POINTS, "-0,5"), "Điểm -0,5 âm"),
        (lambda f: f.set("1.2", POINTS, "một"), "«một» không phải là số"),
        (lambda f: f.set("1.2", POINTS, "0,125"), "có quá 2 chữ số thập phân"),
        (lambda f: f.set("1.2", POINTS, 0.125), "có quá 2 chữ số thập phân"),
        (lambda f: f.set("1.2", POINTS, True), "không phải là số"),
        (lambda f: f.set("1.2", VERSION, "x"), "cột ẩn này đã bị sửa"),
        (
            lambda f: f.set("1.2", EXPLANATION, "a" * 5001),
            "cột G «Thuyết minh»: Giá trị chỉ được có tối đa 5000 ký tự",
        ),
        (lambda f: f.add_row({CODE: "1.2", POINTS: 1, VERSION: 1, KEY: f.cell("1.2", KEY).value}), "lặp lại"),
        (lambda f: f.set("1.2", KEY, "92-syt/2026-so"), "không thuộc bản tự đánh giá này"),
    ],
)
def test_a_bad_row_is_refused_by_row_and_column_and_nothing_is_saved(
    client, officer_justice, justice, change, message
):
    client.force_login(officer_justice)
    form = download(client, justice)
    row = form.row_of("1.2")
    change(form.set("1.1.1", POINTS, 0))  # a good change beside it is not saved either
    before = snapshot(justice)
    response = upload(client, justice, form.content())
    refusals = response.context["upload"].refusals
    assert any(message.format(row=row) in refusal for refusal in refusals), refusals
    assert response.context["confirm_form"] is None
    assert "Không lưu gì" in response.content.decode()
    assert snapshot(justice) == before


# ---------------------------------------------------------------- any cell


CELLS = st.one_of(
    st.none(),
    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=40),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(min_value=datetime.date(1900, 3, 1)),
    st.sampled_from(
        ["0,75", "1.5", " 2 ", "-0", "1e2", "１", "0,5 ", "=1", "'=1", "'-1", "1.10", "8.1.1", "1"]
    ),
    st.sampled_from(["1.2", "1.1.1", "1.1.2", 1, 2, 0.5]),  # real codes, versions and points: some rows save
)


@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,  # the same examples every run, as the other property tests
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_cells_are_saved_or_refused_with_a_message_never_an_error(officer_justice, justice, data):
    """Whatever a spreadsheet holds in the code, points, figures, explanation and version columns (rows drawn
    from real ones with any cell replaced, or made of anything): the file is refused as a whole by read_table,
    or each row is read or refused with a message, and what is read is saved or refused by the service."""
    page = selectors.self_assessment_page(justice, officer_justice)
    form = Form(offline_workbook(page))
    form.sheet.delete_rows(form.header + 1, form.sheet.max_row)  # the header and the drawn rows only
    chosen = st.lists(
        st.sampled_from(page["entries"]), min_size=1, max_size=4, unique_by=lambda entry: entry.pk
    )
    for entry in data.draw(chosen):
        plausible = [
            entry.node.code,
            data.draw(st.sampled_from([None, 0, "0,5", float(entry.node.max_points)])),
            "",
            data.draw(st.sampled_from(["", "Theo báo cáo năm.", "- gạch đầu dòng"])),
            entry.version,
        ]
        # each cell kept about three times in four, else anything
        values = [value if data.draw(st.integers(0, 3)) < 3 else data.draw(CELLS) for value in plausible]
        form.add_row(
            {
                **dict(zip([CODE, POINTS, FIGURES, EXPLANATION, VERSION], values, strict=True)),
                KEY: assessment_key(justice),
            }
        )
    table, messages = None, []
    try:
        table = read_table(form.content(), "tu-danh-gia.xlsx", required=REQUIRED)
    except ValidationError as refusal:
        messages = refusal.messages
    if table is None:
        assert messages
        assert all(messages)
        event("file refused")
        return
    domains = page["domains"]
    nodes = {row["node"].code: row["node"] for domain in domains for row in domain["rows"]}
    nodes.update({domain["node"].code: domain["node"] for domain in domains})
    result = read_upload(
        table,
        key=assessment_key(justice),
        nodes=nodes,
        entries={entry.node.code: entry for entry in page["entries"]},
    )
    assert all(isinstance(message, str) and message for message in result.refusals)
    event("rows refused" if result.refusals else "rows read")
    if result.values and not result.refusals and not result.stale:
        with transaction.atomic():  # undone after each example: the next one starts from the same entries
            services.self_assessment_save(
                assessment=justice,
                acting_user=officer_justice,
                values=result.values,
                versions=result.versions,
            )
            event("saved")
            transaction.set_rollback(True)


def test_posting_without_a_file_asks_for_one(client, officer_justice, justice):
    client.force_login(officer_justice)
    response = client.post(import_url(justice), {})
    assert response.status_code == 200
    assert "Trường này là bắt buộc" in response.content.decode()
    assert response.context["upload"] is None
