"""A period's ranking in the layout of the published decision: one sheet per unit group, under the decision's
title rows (issuing body, national motto, title, "Kèm theo Quyết định số …").

Written with a write-only workbook: a ranking of 10 000 units streams row by row, each row one list of values
(bench/ranking_export.py compares it with a bare openpyxl loop writing the same cells).
"""

from django.utils import timezone

from scoring.formatting import format_points
from scoring.spreadsheets import fold
from scoring.workbooks import INTEGER, POINTS, Column, SheetWriter, new_workbook, workbook_bytes

BLANK_DECISION = "(Kèm theo Quyết định số …… ngày …… tháng …… năm …… )"


def _local(moment, pattern="%d/%m/%Y"):
    return timezone.localtime(moment).strftime(pattern)


def decision_lines(publications, computed_at) -> list[str]:
    """The lines under the title: the decision the table goes with (noted on the first publication), a
    correction if there is one, or, before publication, a blank decision number and the draft's provenance."""
    if not publications:
        computed = f" lúc {_local(computed_at, '%d/%m/%Y %H:%M')}" if computed_at else ""
        return [BLANK_DECISION, f"DỰ THẢO – kết quả tạm tính{computed}, chưa công bố"]
    first, latest = publications[0], publications[-1]
    note = first.reason.strip()
    if fold(note).startswith("quyet dinh"):
        lines = [f"(Kèm theo {note})"]
    else:
        lines = [f"(Công bố ngày {_local(first.published_at)}{': ' + note if note else ''})"]
    if latest.version > 1:
        lines.append(
            f"(Đính chính, phiên bản {latest.version} ngày {_local(latest.published_at)}: {latest.reason.strip()})"
        )
    return lines


def ranking_workbook(data: dict) -> bytes:
    """The workbook of scoring.selectors.ranking_export(period)."""
    workbook = new_workbook(write_only=True)
    lines = decision_lines(data["publications"], data["computed_at"])
    for group in data["groups"]:
        _group_sheet(workbook, data["period"], group, lines)
    if not data["groups"]:
        sheet = SheetWriter(workbook, "Xếp hạng", [Column("Kết quả", 80)])
        sheet.text("Kỳ đánh giá chưa có nhóm đơn vị nào.")
        sheet.finish()
    return workbook_bytes(workbook)


def _group_sheet(workbook, period, group, lines) -> None:
    domains = group["domains"]
    adjusted = group.get("adjusted", False)
    adjustment_columns = [
        Column("Điểm cơ bản", 9, POINTS),
        Column("Điểm thưởng", 9, POINTS),
        Column("Điểm trừ", 9, POINTS),
    ]
    columns = [
        Column("STT", 6, INTEGER),
        Column("Đơn vị", 34, wrap=True),
        *(Column(f"LV{node.code}\n({format_points(node.max_points)} điểm)", 9, POINTS) for node in domains),
        *(adjustment_columns if adjusted else []),
        Column("Tổng điểm", 9, POINTS),
        Column("Chỉ số (%)", 9, POINTS),
        Column("Xếp hạng", 8, INTEGER),
        Column("Xếp loại", 16, wrap=True),
    ]
    sheet = SheetWriter(workbook, group["group"].name, columns, split=min(3, len(columns) - 1))
    sheet.letterhead(group["issuer"].heading)
    sheet.blank()
    sheet.title(
        f"KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {period.year} CỦA {group['group'].name.upper()}"
    )
    for line in lines:
        sheet.title(line, bold=line.startswith("DỰ THẢO"), italic=True, size=12)
    sheet.blank()
    sheet.header()
    for number, row in enumerate(group["rows"], start=1):
        adjustments = [row["base_points"], row["bonus"], row["deduction"]] if adjusted else []
        sheet.row(
            [
                number,
                row["unit"].name,
                *row["domains"],
                *adjustments,
                row["points"],
                row["index"],
                row["rank"],
                row["band"],
            ]
        )
    if not group["rows"]:
        sheet.text("Chưa có kết quả: Sở Nội vụ chọn «Tính lại kết quả tạm tính» trên trang kỳ đánh giá.")
    sheet.blank()
    sheet.text(
        "Ghi chú: " + "; ".join(f"LV{node.code}: {node.name}" for node in domains) + ".", italic=True, size=11
    )
    if adjusted:
        sheet.text(
            "Tổng điểm = điểm cơ bản + điểm thưởng − điểm trừ, trong mức tối đa của kỳ đánh giá.",
            italic=True,
            size=11,
        )
    sheet.finish()
