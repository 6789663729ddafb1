"""The national table of a year as the secretariat hands it to the council: every province with its points,
index, rank and distance from the national mean, the province's own row in bold; and a second sheet with the
province against the country (its national rank, its rank in each group of provinces, every component
against its mean, its earlier years)."""

from scoring.workbooks import INTEGER, POINTS, Column, SheetWriter, new_workbook, workbook_bytes


def national_workbook(data: dict) -> bytes:
    """The workbook of scoring.selectors.national_export(year, province_code)."""
    workbook = new_workbook(write_only=True)
    _table_sheet(workbook, data)
    if data["comparison"] is not None:
        _comparison_sheet(workbook, data)
    return workbook_bytes(workbook)


def _table_sheet(workbook, data) -> None:
    table, year = data["table"], data["table"]["national_year"]["year"]
    components = table["components"]
    columns = [
        Column("Xếp hạng", 8, INTEGER),
        Column("Tỉnh, thành phố", 24, wrap=True),
        *(Column(c["label"], 11, POINTS) for c in components),
        Column("Tổng điểm", 10, POINTS),
        Column("Chỉ số PAR INDEX (%)", 11, POINTS),
        Column("So với bình quân", 11, POINTS),
    ]
    sheet = SheetWriter(workbook, f"Toàn quốc {year}", columns)
    sheet.title(f"CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year} CỦA CÁC TỈNH, THÀNH PHỐ TRỰC THUỘC TRUNG ƯƠNG")
    if table["national_year"]["source"]:
        sheet.title(f"(Nguồn: {table['national_year']['source']})", bold=False, italic=True, size=12)
    sheet.blank()
    sheet.header()
    for row in table["rows"]:
        sheet.row(
            [row["rank"], row["name"], *row["components"], row["total"], row["index"], row["from_mean"]],
            bold=row["unit_code"] == data["province_code"],
        )
    sheet.row(
        [None, "Bình quân cả nước", *(c["mean"] for c in components), None, table["mean_index"], None],
        bold=True,
    )
    sheet.blank()
    sheet.text(
        "Ghi chú: tỉnh, thành phố có chỉ số bằng nhau (làm tròn 2 chữ số) cùng thứ hạng; «So với bình quân» là "
        "chỉ số trừ chỉ số bình quân cả nước.",
        italic=True,
        size=11,
    )
    sheet.finish()


def _comparison_sheet(workbook, data) -> None:
    comparison, name = data["comparison"], data["province_name"]
    year = comparison["national_year"]["year"]
    sheet = SheetWriter(
        workbook,
        f"{name} so với cả nước",
        [
            Column("Nội dung", 48, wrap=True),
            Column("Điểm, thứ hạng", 16, POINTS),
            Column("Bình quân cả nước", 16, POINTS),
            Column("Chênh lệch", 14, POINTS),
        ],
    )
    sheet.title(f"{name.upper()} TRONG CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {year}")
    sheet.blank()
    sheet.header()
    sheet.row(["Xếp hạng toàn quốc", f"{comparison['rank']}/{comparison['of']}", None, None], bold=True)
    for group in comparison["groups"]:
        sheet.row([f"Xếp hạng trong {group['name']}", f"{group['rank']}/{group['size']}", None, None])
    for component in comparison["components"]:  # the index last, in bold
        sheet.row(
            [component["label"], component["points"], component["mean"], component["from_mean"]],
            bold=component["key"] == "index",
        )
    for item in comparison["history"]:
        if item["year"] == year and not item["predecessor"]:
            continue
        tail = " (đơn vị tiền thân)" if item["predecessor"] else ""
        sheet.row(
            [
                f"Năm {item['year']}: {item['name']}{tail}, hạng {item['rank']}/{item['of']}",
                item["index"],
                None,
                None,
            ]
        )
    sheet.finish()
