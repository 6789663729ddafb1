"""The offline self-assessment form: the unit's self-assessment as a workbook to fill in Excel.

One row per node the unit scores itself: code, name, max, guidance, current self score, declared figures,
explanation, and two hidden columns, the row's version at download and the assessment it belongs to. The filled
file is read back by scoring.backoffice.export_forms, against the same HEADERS.
"""

from django.utils import timezone

from scoring.models import Method
from scoring.spreadsheets import header_key
from scoring.workbooks import POINTS, TEXT, Column, SheetWriter, new_workbook, workbook_bytes

HEADERS = {
    "code": "Mã tiêu chí",
    "name": "Tên tiêu chí",
    "max_points": "Điểm tối đa",
    "guidance": "Hướng dẫn chấm điểm",
    "self_points": "Điểm tự chấm",
    "declared_figures": "Số liệu kê khai",
    "explanation": "Thuyết minh",
    "version": "Phiên bản (không sửa)",
    "key": "Bản đánh giá (không sửa)",
}
REQUIRED = {
    header_key(HEADERS[name])
    for name in ("code", "self_points", "declared_figures", "explanation", "version", "key")
}
INSTRUCTIONS = (
    "Chỉ sửa ba cột Điểm tự chấm, Số liệu kê khai, Thuyết minh; không sửa cột Mã tiêu chí, không xóa các cột ẩn. "
    "Điểm nhập 0,75 hoặc 0.75, tối đa 2 chữ số thập phân, không vượt điểm tối đa; để trống nếu chưa chấm. "
    "Không dùng công thức. Có thể xóa các dòng không sửa. Tải lên tại trang «Tự đánh giá» → «Nhập tệp Excel đã "
    "điền»: hệ thống hiện từng thay đổi để xác nhận trước khi lưu."
)


def assessment_key(assessment) -> str:
    """How the file names its assessment (hidden column): unit code and period code, both ASCII."""
    return f"{assessment.unit.code}/{assessment.period.code}"


def offline_workbook(page: dict) -> bytes:
    """The form of scoring.selectors.self_assessment_page(assessment, user) as a workbook."""
    assessment = page["assessment"]
    columns = [
        Column(HEADERS["code"], 9, TEXT),
        Column(HEADERS["name"], 40, wrap=True),
        Column(HEADERS["max_points"], 9, POINTS),
        Column(HEADERS["guidance"], 40, wrap=True),
        Column(HEADERS["self_points"], 10, POINTS),
        Column(HEADERS["declared_figures"], 26, TEXT, wrap=True),
        Column(HEADERS["explanation"], 36, TEXT, wrap=True),
        Column(HEADERS["version"], 8, hidden=True),
        Column(HEADERS["key"], 16, TEXT, hidden=True),
    ]
    sheet = SheetWriter(new_workbook(), "Tự đánh giá", columns)
    sheet.title(f"BẢN TỰ ĐÁNH GIÁ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {assessment.period.year}")
    sheet.title(f"{assessment.unit.name} – {assessment.period.title}", size=12)
    deadline = f"; hạn tự đánh giá {page['deadline']:%d/%m/%Y}" if page["deadline"] else ""
    sheet.text(f"Tải xuống lúc {timezone.localtime():%d/%m/%Y %H:%M}{deadline}.", italic=True, size=11)
    sheet.text(INSTRUCTIONS, italic=True, size=11)
    sheet.header()
    sheet.sheet.freeze_panes = f"C{sheet.current_row + 1}"
    key = assessment_key(assessment)
    for entry in page["entries"]:
        node = entry.node
        sheet.row(
            [
                node.code,
                # A deduction node's self score is the points deducted: the sheet says so (the name is not read back).
                node.name + (" (điểm bị trừ)" if node.method == Method.DEDUCTION else ""),
                node.max_points,
                node.guidance,
                entry.self_points,
                entry.declared_figures,
                entry.explanation,
                entry.version,
                key,
            ]
        )
    sheet.finish()
    return workbook_bytes(sheet.sheet.parent)
