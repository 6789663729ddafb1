"""The gap analysis of one unit's published assessment as an official workbook (A4 portrait), the table the
Sở Nội vụ wrote by hand: nodes below their max, points lost, why, who answers for it, per domain."""

from django.utils import timezone

from scoring.formatting import format_fixed, format_points
from scoring.workbooks import POINTS, TEXT, Column, SheetWriter, new_workbook, workbook_bytes

PREVIOUS_COLUMN = "Kỳ trước"
GROUP_COLUMN = "Bình quân nhóm"


def _columns(data: dict) -> list[Column]:
    columns = [
        Column("Mã", 7, TEXT),
        Column("Tiêu chí", 28, wrap=True),
        Column("Điểm tối đa", 7, POINTS),
        Column("Điểm đạt", 7, POINTS),
        Column("Điểm bị mất", 7, POINTS),
        Column("% điểm lĩnh vực", 8, POINTS),
        Column("Lý do (thẩm định)", 32, wrap=True),
        Column("Cơ quan tham mưu", 16, wrap=True),
        Column("Loại nguyên nhân", 12, wrap=True),
    ]
    if data["compare_group"]:
        columns.append(Column(GROUP_COLUMN, 8, POINTS))
    if data["previous"]:
        columns.append(Column(PREVIOUS_COLUMN, 8, POINTS))
    return columns


def _item_row(data: dict, item: dict) -> list:
    row = [
        item["code"],
        item["name"],
        item["max_points"],
        item["points"],
        item["lost"],
        item["domain_share"],
        item["reason"],
        item["advising_agency"] + (" (của lĩnh vực)" if item["agency_from_domain"] else ""),
        item["loss_kind_label"],
    ]
    if data["compare_group"]:
        row.append(item["group_mean"])
    if data["previous"]:
        row.append(item["previous_points"] if item["previous_points"] is not None else item["previous_note"])
    return row


def _summary(data: dict) -> str:
    result, totals = data["result"], data["totals"]
    parts = [
        f"Tổng điểm {format_points(result['points'])}/{format_points(result['max_points'])}",
        f"chỉ số {format_fixed(result['index'])} %" if result["index"] is not None else "chưa có chỉ số",
    ]
    if result["band"]:
        parts.append(f"xếp loại {result['band']}")
    if result["rank"] and result["group_size"] > 1:
        parts.append(f"xếp hạng {result['rank']}/{result['group_size']}")
    parts.append(
        f"mất {format_points(result['lost'])} điểm: {totals['appraisal_count']} mục thẩm định "
        f"({format_points(totals['appraisal_lost'])} điểm), {totals['survey_count']} mục điều tra xã hội học "
        f"({format_points(totals['survey_lost'])} điểm)"
    )
    return "; ".join(parts) + "."


def gap_workbook(data: dict) -> bytes:
    """The workbook of scoring.selectors.gap_analysis(period, unit)."""
    period, publication = data["period"], data["publication"]
    columns = _columns(data)
    workbook = new_workbook()
    sheet = SheetWriter(workbook, "Phân tích điểm bị mất", columns)
    sheet.sheet.page_setup.orientation = "portrait"  # a unit's analysis reads top to bottom on A4
    sheet.title(f"PHÂN TÍCH ĐIỂM BỊ MẤT – CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {period['year']}")
    sheet.title(data["unit"]["name"].upper(), size=12)
    sheet.text(
        f"{period['title']}; phiên bản công bố {publication['version']}; bộ tiêu chí: {data['framework']['title']}.",
        align="center",
    )
    if period["is_demo"]:
        sheet.text("Dữ liệu minh họa, không phải kết quả chính thức.", italic=True, align="center")
    sheet.text(_summary(data), bold=True)
    sheet.text(
        "Thứ tự: các mục mất điểm vì thủ tục, tiến độ (khắc phục được ngay) trước, rồi các mục chưa phân loại, "
        "sau cùng các mục vì cơ cấu, thể chế (cần thời gian); trong mỗi loại, mục mất nhiều điểm trước. "
        "«% điểm lĩnh vực»: điểm bị mất so với điểm tối đa của lĩnh vực."
        + (
            f" «{PREVIOUS_COLUMN}»: điểm của mục ở {data['previous']['period_title']}."
            if data["previous"]
            else " Không có kỳ trước đã công bố để so sánh."
        ),
        italic=True,
        size=11,
    )
    sheet.text(
        f"Xuất lúc {timezone.localtime().strftime('%d/%m/%Y %H:%M')}.", italic=True, size=11, align="right"
    )
    for number, title, items in (
        ("I", "ĐIỂM BỊ MẤT QUA THẨM ĐỊNH", data["appraisal"]),
        ("II", "ĐIỂM THẤP HƠN TỐI ĐA QUA ĐIỀU TRA XÃ HỘI HỌC", data["survey"]),
    ):
        sheet.blank()
        sheet.text(f"{number}. {title} ({len(items)} mục)", bold=True)
        if not items:
            sheet.text("Không có mục nào dưới điểm tối đa.")
            continue
        sheet.header(repeat=number == "I")
        for item in items:
            sheet.row(_item_row(data, item))
    sheet.blank()
    sheet.text("III. ĐIỂM BỊ MẤT THEO LĨNH VỰC", bold=True)
    extra = [""] * (len(columns) - 9)  # the comparison columns stay empty in this table
    labels = ["Mã", "Lĩnh vực", "Điểm tối đa", "Điểm đạt", "Điểm bị mất", "% điểm lĩnh vực", "Trong đó"]
    sheet.header([*labels, "Cơ quan tham mưu", "", *extra], repeat=False)
    for domain in data["domain_totals"]:
        detail = (
            f"Thẩm định: {format_points(domain['appraisal_lost'])}; "
            f"điều tra: {format_points(domain['survey_lost'])}"
        )
        sheet.row(
            [
                domain["code"],
                domain["name"],
                domain["max_points"],
                domain["points"],
                domain["lost"],
                domain["lost_share"],
                detail,
                domain["advising_agency"],
                "",
                *[None] * len(extra),
            ]
        )
    sheet.finish()
    return workbook_bytes(workbook)
