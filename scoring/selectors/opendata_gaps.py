"""Open data of the gap analysis: one row per node below its max, appraisal losses then survey shortfalls."""

from scoring.selectors.opendata_datasets import (
    BOOLEAN,
    INTEGER,
    TEXT,
    Column,
    Dataset,
    _number,
    _publication_name,
)


def _gap_rows(data: dict) -> list[dict]:
    head = {
        "period_code": data["period"]["code"],
        "publication_version": data["publication"]["version"],
        "unit_code": data["unit"]["code"],
        "group_code": data["group"]["code"],
    }
    previous = data["previous"]
    rows = []
    for section, items in (("appraisal", data["appraisal"]), ("survey", data["survey"])):
        for item in items:
            rows.append(
                {
                    **head,
                    "section": section,
                    **item,
                    "previous_period_code": previous["period_code"] if previous else "",
                }
            )
    return rows


GAP_DATASETS = (
    Dataset(
        key="gap_analysis",
        title="Phân tích điểm bị mất của một đơn vị",
        description=(
            "Mỗi dòng là một tiêu chí được chấm mà đơn vị đạt dưới điểm tối đa (trừ tiêu chí không áp dụng): điểm "
            "bị mất, lý do thẩm định, cơ quan tham mưu, loại nguyên nhân, so với bình quân nhóm và kỳ trước. Các "
            "mục thẩm định trước, mục điều tra xã hội học sau; trong mỗi phần, mục khắc phục được ngay trước."
        ),
        url_pattern="/ky-danh-gia/‹mã kỳ›/don-vi/‹mã đơn vị›/phan-tich/",
        columns=(
            Column("period_code", "Mã kỳ đánh giá", "Mã của kỳ đánh giá, như trong đường dẫn."),
            Column("publication_version", "Phiên bản công bố", "Số phiên bản của bản công bố.", INTEGER),
            Column("unit_code", "Mã đơn vị", "Mã của đơn vị được đánh giá."),
            Column("group_code", "Mã nhóm đơn vị", "Mã của nhóm đơn vị được xếp hạng cùng nhau."),
            Column(
                "section", "Phần", "appraisal: điểm bị mất qua thẩm định; survey: qua điều tra xã hội học."
            ),
            Column("code", "Mã mục", "Mã tiêu chí theo vị trí, ví dụ 5.1.2."),
            Column("name", "Tiêu chí", "Tên tiêu chí."),
            Column("domain_code", "Mã lĩnh vực", "Lĩnh vực chứa tiêu chí."),
            _number("max_points", "Điểm tối đa", "Điểm tối đa của tiêu chí."),
            _number("points", "Điểm đạt", "Điểm đạt đã công bố."),
            _number("lost", "Điểm bị mất", "Điểm tối đa trừ điểm đạt."),
            _number(
                "domain_share",
                "% điểm lĩnh vực",
                "Điểm bị mất / điểm tối đa được đánh giá của lĩnh vực × 100.",
            ),
            Column(
                "reason", "Lý do thẩm định", "Lý do của vòng thẩm định cuối (lần 2, nếu không có thì lần 1)."
            ),
            Column(
                "advising_agency", "Cơ quan tham mưu", "Cơ quan tham mưu của tiêu chí, hoặc của lĩnh vực."
            ),
            Column(
                "agency_from_domain",
                "Cơ quan của lĩnh vực",
                "Đúng khi tiêu chí chưa có cơ quan riêng và cơ quan ghi là của lĩnh vực.",
                BOOLEAN,
            ),
            Column("loss_kind", "Loại nguyên nhân (mã)", "process, structural hoặc trống (chưa phân loại)."),
            Column("loss_kind_label", "Loại nguyên nhân", "Thủ tục, tiến độ hoặc cơ cấu, thể chế.", TEXT),
            _number(
                "group_mean",
                "Bình quân nhóm",
                "Điểm bình quân của tiêu chí trong các đơn vị được xếp hạng của nhóm (trống khi nhóm có 1 đơn vị).",
            ),
            _number("from_group_mean", "So với bình quân nhóm", "Điểm đạt trừ điểm bình quân nhóm."),
            Column(
                "previous_period_code",
                "Mã kỳ trước",
                "Kỳ đã công bố trước đó của đơn vị (trống nếu không có).",
            ),
            _number("previous_points", "Điểm kỳ trước", "Điểm của tiêu chí cùng mã ở kỳ trước."),
            _number("previous_change", "Thay đổi so với kỳ trước", "Điểm đạt trừ điểm kỳ trước."),
            Column(
                "previous_note", "Ghi chú kỳ trước", "Khi tiêu chí không có hoặc không áp dụng ở kỳ trước."
            ),
        ),
        rows=_gap_rows,
        file_name=lambda data: _publication_name(
            data, "phan-tich", data["period"]["code"], data["unit"]["code"]
        ),
    ),
)
