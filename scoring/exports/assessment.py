"""Workbooks of one assessment: the unit's scorecard, and its self-assessment report for the leader's signature."""

from django.utils import timezone

from scoring.calculator import ZERO
from scoring.formatting import format_fixed, format_points
from scoring.models import NodeLevel
from scoring.workbooks import INTEGER, POINTS, TEXT, Column, SheetWriter, new_workbook, workbook_bytes

UNIT_VIEW_NOTE = (
    "Điểm thẩm định, điểm điều tra xã hội học và điểm đạt được hiện đầy đủ khi kết quả được công bố; trước đó "
    "bảng chỉ hiện điểm thẩm định lần 1 và lý do của các tiêu chí đơn vị được yêu cầu giải trình."
)
NO_EXPLANATION = "Chưa thuyết minh: điểm chưa được tính (không có tài liệu kiểm chứng thì không tính điểm)."


def _now() -> str:
    return timezone.localtime().strftime("%d/%m/%Y %H:%M")


def _result_line(result) -> str:
    """Total, index, band and rank of a stored result, as a sentence."""
    parts = [f"Tổng điểm: {format_points(result.points)}/{format_points(result.max_points)}"]
    if result.bonus or result.deduction:
        parts.append(
            f"điểm cơ bản {format_points(result.base_points)}, điểm thưởng +{format_points(result.bonus)}, "
            f"điểm trừ −{format_points(result.deduction)}"
        )
    if result.missing_count:
        parts.append(f"chưa đủ điểm ({result.missing_count} tiêu chí chưa có điểm)")
    else:
        parts.append(f"chỉ số: {format_fixed(result.index)} %")
        if result.band:
            parts.append(f"xếp loại: {result.band}")
        if result.rank:
            parts.append(f"xếp hạng: {result.rank}/{result.group_size}")
    return "; ".join(parts) + "."


def scorecard_workbook(data: dict) -> bytes:
    """The workbook of scoring.selectors.scorecard_export(assessment, user)."""
    assessment = data["assessment"]
    period = assessment.period
    columns = [
        Column("Mã", 8, TEXT),
        Column("Lĩnh vực, tiêu chí, tiêu chí thành phần", 48, wrap=True),
        Column("Điểm tối đa", 9, POINTS),
        Column("Tự chấm", 9, POINTS),
        Column("Thẩm định lần 1", 10, POINTS),
        Column("Thẩm định lần 2", 10, POINTS),
        Column("Điều tra XHH", 9, POINTS),
        Column("Điểm đạt", 9, POINTS),
        Column("Lý do, ghi chú", 42, wrap=True),
    ]
    workbook = new_workbook()
    sheet = SheetWriter(workbook, "Bảng điểm", columns)
    sheet.title(f"BẢNG ĐIỂM CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {period.year}")
    sheet.title(assessment.unit.name.upper(), size=12)
    sheet.text(
        f"Kỳ đánh giá: {period.title} ({period.get_status_display()}); bản đánh giá: "
        f"{assessment.get_status_display()}; bộ tiêu chí: {assessment.period_group.framework.title}.",
        align="center",
    )
    if data["result"] is not None:
        sheet.text(_result_line(data["result"]), bold=True, align="center")
    if not data["full"]:
        sheet.text(UNIT_VIEW_NOTE, italic=True, size=11)
    sheet.text(f"Xuất lúc {_now()}.", italic=True, size=11, align="right")
    sheet.header()
    for row in data["rows"]:
        sheet.row(
            [
                row["code"],
                row["name"],
                row["max_points"],
                row["self_points"],
                row["r1"],
                row["r2"],
                row["survey"],
                row["final"],
                row["reason"],
            ],
            bold=row["level"] == NodeLevel.DOMAIN,
        )
    sheet.finish()
    return workbook_bytes(workbook)


def report_workbook(data: dict, *, difficulties: str = "", proposals: str = "") -> bytes:
    """The workbook of scoring.selectors.self_assessment_report(assessment, user), with the difficulties and
    proposals the unit typed for it (not stored)."""
    assessment = data["assessment"]
    unit, period, issuer = assessment.unit, assessment.period, data["issuer"]
    page = data["page"]
    columns = [
        Column("STT", 7, TEXT),
        Column("Lĩnh vực", 46, wrap=True),
        Column("Điểm tối đa", 10, POINTS),
        Column("Điểm tự đánh giá", 11, POINTS),
        Column("Điểm được tính tạm", 11, POINTS),
        Column("Tiêu chí đã tự chấm", 11, TEXT, align="center"),
        Column("Thiếu tài liệu kiểm chứng", 12, INTEGER),
    ]
    workbook = new_workbook()
    sheet = SheetWriter(workbook, "Báo cáo tự đánh giá", columns, split=2)
    sheet.letterhead([" ".join(issuer.heading), unit.name.upper()])
    sheet.letterhead(["Số:        /BC-"], [f"{issuer.place or '……'}, ngày …… tháng …… năm ……"], bold=False)
    sheet.title("BÁO CÁO")
    sheet.title(f"Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm {period.year}", size=12)
    sheet.title(f"Kính gửi: Sở Nội vụ {issuer.province}".strip(), bold=False, size=12)
    sheet.blank()
    claimed = sum((row["claimed"] for row in data["summary"]), ZERO)
    sheet.text("I. KẾT QUẢ TỰ ĐÁNH GIÁ", bold=True)
    sheet.text(
        f"Thực hiện {period.title}, {unit.name} đã tự chấm {page['filled']}/{page['scorable']} tiêu chí, tổng "
        f"{format_points(claimed)}/{format_points(page['max_total'])} điểm. Theo quy tắc «không có tài liệu kiểm "
        f"chứng thì không tính điểm», điểm được tính tạm là {format_points(page['total'])} điểm; "
        f"{page['flagged']} tiêu chí chưa có tài liệu kiểm chứng hoặc thuyết minh."
        + (
            f" {data['survey_nodes']} tiêu chí chấm bằng điều tra xã hội học, đơn vị không tự chấm."
            if data["survey_nodes"]
            else ""
        )
    )
    if page.get("has_adjustments"):
        sheet.text(
            f"Điểm thưởng tự khai: {format_points(page['bonus_total'])} điểm; điểm bị trừ tự khai: "
            f"{format_points(page['deduction_total'])} điểm (cộng, trừ sau điểm cơ bản, trong mức tối đa của kỳ)."
        )
    sheet.header(repeat=False)
    for row in data["summary"]:
        sheet.row(
            [
                row["code"],
                row["name"],
                row["max_points"],
                row["claimed"],
                row["counted"],
                f"{row['filled']}/{row['scorable']}",
                row["flagged"],
            ]
        )
    sheet.row(
        [
            "",
            "Tổng cộng",
            page["max_total"],
            claimed,
            page["total"],
            f"{page['filled']}/{page['scorable']}",
            page["flagged"],
        ],
        bold=True,
    )
    sheet.blank()
    sheet.text("II. CÁC TIÊU CHÍ TỰ CHẤM ĐIỂM NHƯNG CHƯA CÓ TÀI LIỆU KIỂM CHỨNG", bold=True)
    if data["unevidenced"]:
        spans = [1, 1, 1, 4]
        sheet.span_row(["Mã", "Tiêu chí", "Điểm tự chấm", "Thuyết minh của đơn vị"], spans, bold=True)
        for row in data["unevidenced"]:
            explanation = row["explanation"] or (NO_EXPLANATION if row["flagged"] else "Chưa thuyết minh.")
            sheet.span_row([row["code"], row["name"], row["self_points"], explanation], spans)
    else:
        sheet.text("Không có: mọi tiêu chí đã tự chấm điểm đều có tài liệu kiểm chứng.")
    sheet.blank()
    sheet.text("III. KHÓ KHĂN, VƯỚNG MẮC", bold=True)
    sheet.text(difficulties.strip() or "Không có.")
    sheet.text("IV. ĐỀ XUẤT, KIẾN NGHỊ", bold=True)
    sheet.text(proposals.strip() or "Không có.")
    sheet.blank()
    sheet.letterhead(["Nơi nhận:"], ["THỦ TRƯỞNG ĐƠN VỊ"], left_align="left")
    sheet.letterhead(
        ["– Sở Nội vụ;", "– Lưu: VT."], ["(Ký, ghi rõ họ tên, đóng dấu)"], bold=False, left_align="left"
    )
    sheet.finish()
    return workbook_bytes(workbook)
