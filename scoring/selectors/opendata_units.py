"""Open data of a unit's page across the years (/don-vi/<code>/): one row per published result of the unit or
of a direct predecessor."""

from scoring.selectors.opendata_datasets import BOOLEAN, INTEGER, NUMBER, Column, Dataset


def _rows(data: dict) -> list[dict]:
    return [
        {
            **row,
            "unit_code": data["unit"]["code"],
            "result_unit_code": row["unit_code"],
            "result_unit_name": row["unit_name"],
            "group_ranks": "; ".join(f"{g['name']}: {g['rank']}/{g['size']}" for g in row["group_ranks"]),
        }
        for row in data["history"]
    ]


UNIT_DATASETS = (
    Dataset(
        key="unit_history",
        title="Kết quả của một đơn vị qua các năm",
        description="Mỗi dòng là một kết quả đã công bố của đơn vị, hoặc của đơn vị tiền thân (ghi rõ), "
        "với thay đổi so với kỳ đánh giá trước.",
        url_pattern="/don-vi/‹mã đơn vị›/",
        columns=(
            Column("unit_code", "Mã đơn vị", "Mã của đơn vị của trang."),
            Column("year", "Năm đánh giá", "Năm được đánh giá.", INTEGER),
            Column("period_code", "Mã kỳ đánh giá", "Mã của kỳ đánh giá, như trong đường dẫn."),
            Column("period_title", "Kỳ đánh giá", "Tên kỳ đánh giá."),
            Column(
                "publication_version",
                "Phiên bản công bố",
                "Phiên bản công bố mới nhất của kỳ, nơi lấy kết quả.",
                INTEGER,
            ),
            Column("result_unit_code", "Mã đơn vị có kết quả", "Mã của đơn vị hoặc đơn vị tiền thân."),
            Column("result_unit_name", "Đơn vị có kết quả", "Tên đơn vị như khi công bố."),
            Column(
                "own",
                "Kết quả của chính đơn vị",
                "Sai khi đây là kết quả của một đơn vị tiền thân (trước sáp nhập, chia tách).",
                BOOLEAN,
            ),
            Column(
                "lineage_label", "Ghi chú tiền thân", "Ví dụ: kết quả của Sở Kế hoạch và Đầu tư, tiền thân."
            ),
            Column("group_code", "Mã nhóm đơn vị", "Nhóm được xếp hạng cùng nhau."),
            Column("group_name", "Nhóm đơn vị", "Tên nhóm đơn vị."),
            Column("index", "Chỉ số (%)", "Chỉ số đã công bố.", NUMBER),
            Column("rank", "Hạng", "Thứ hạng trong nhóm (đồng chỉ số thì đồng hạng).", INTEGER),
            Column("group_size", "Số đơn vị trong nhóm", "Số đơn vị của nhóm.", INTEGER),
            Column(
                "group_ranks",
                "Hạng trong nhóm xếp hạng riêng",
                "Ví dụ: Khối quận: 2/5 (nhóm: hạng/số đơn vị).",
            ),
            Column("band", "Xếp loại", "Xếp loại theo các ngưỡng của kỳ đánh giá."),
            Column("excluded", "Không xếp hạng", "Đúng khi đơn vị không được xếp hạng trong kỳ.", BOOLEAN),
            Column("previous_period", "Kỳ so sánh", "Mã kỳ đánh giá trước dùng để so sánh."),
            Column(
                "index_change",
                "Thay đổi chỉ số",
                "Chỉ số trừ chỉ số kỳ trước, độ chính xác đầy đủ (làm tròn có thể lệch 0,01 so với hiệu hai số "
                "đã làm tròn).",
                NUMBER,
            ),
            Column(
                "rank_change",
                "Thay đổi thứ hạng",
                "Hạng kỳ trước trừ hạng kỳ này: dương là tăng hạng.",
                INTEGER,
            ),
            Column(
                "previous_label", "Ghi chú so sánh", "Ví dụ: hợp nhất từ …, hoặc so với đơn vị tiền thân."
            ),
            Column("is_demo", "Dữ liệu minh họa", "Đúng khi đây là dữ liệu minh họa.", BOOLEAN),
        ),
        rows=_rows,
        file_name=lambda data: ["don-vi", data["unit"]["code"]],
    ),
)
