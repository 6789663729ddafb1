"""Open data of the site search: one row per unit result, period, framework or framework node found."""

from scoring.selectors.opendata_datasets import BOOLEAN, INTEGER, NUMBER, Column, Dataset

KIND_UNIT, KIND_PERIOD, KIND_FRAMEWORK, KIND_NODE = "unit", "period", "framework", "node"


def _search_rows(data: dict) -> list[dict]:
    rows = []
    for unit in data["units"]:
        for result in unit["results"]:
            rows.append(
                {
                    "kind": KIND_UNIT,
                    "code": unit["code"],
                    "name": unit["name"],
                    "period_code": result["period_code"],
                    "rank": result["rank"],
                    "index": result["index"],
                    "band": result["band"],
                    "is_demo": result["is_demo"],
                    "url": result["url"],
                }
            )
    for period in data["periods"]:
        rows.append(
            {
                "kind": KIND_PERIOD,
                "code": period["code"],
                "name": period["title"],
                "period_code": period["code"],
                "is_demo": period["is_demo"],
                "url": period["url"],
            }
        )
    for framework in data["frameworks"]:
        rows.append(
            {
                "kind": KIND_FRAMEWORK,
                "code": framework["code"],
                "name": framework["title"],
                "framework_code": framework["code"],
                "is_demo": framework["is_demo"],
                "url": framework["url"],
            }
        )
    for node in data["nodes"]:
        rows.append(
            {
                "kind": KIND_NODE,
                "code": node["code"],
                "name": node["name"],
                "framework_code": node["framework_code"],
                "url": node["url"],
            }
        )
    return rows


SEARCH_DATASETS = (
    Dataset(
        key="search",
        title="Kết quả tìm kiếm",
        description=(
            "Mỗi dòng là một thứ tìm thấy bằng ?q=… (không phân biệt dấu, hoa thường): kết quả của một đơn vị "
            "trong một kỳ đã công bố, một kỳ đánh giá, một bộ tiêu chí hoặc một lĩnh vực, tiêu chí; tối đa 50 "
            "thứ mỗi loại."
        ),
        url_pattern="/tim-kiem/?q=‹từ khóa›",
        columns=(
            Column(
                "kind",
                "Loại",
                "unit (đơn vị), period (kỳ đánh giá), framework (bộ tiêu chí) hoặc node (mục).",
            ),
            Column("code", "Mã", "Mã của đơn vị, kỳ đánh giá, bộ tiêu chí hoặc mục (5, 5.1, 5.1.2)."),
            Column("name", "Tên", "Tên đơn vị, kỳ đánh giá, bộ tiêu chí hoặc nội dung của mục."),
            Column("period_code", "Mã kỳ đánh giá", "Kỳ có kết quả của đơn vị (với dòng đơn vị)."),
            Column("framework_code", "Mã bộ tiêu chí", "Bộ tiêu chí chứa mục (với dòng bộ tiêu chí, mục)."),
            Column("rank", "Hạng", "Thứ hạng đã công bố của đơn vị trong nhóm.", INTEGER),
            Column("index", "Chỉ số (%)", "Chỉ số đã công bố của đơn vị.", NUMBER),
            Column("band", "Xếp loại", "Xếp loại đã công bố của đơn vị."),
            Column(
                "is_demo",
                "Dữ liệu minh họa",
                "Đúng khi đây là dữ liệu minh họa, không phải kết quả chính thức.",
                BOOLEAN,
            ),
            Column("url", "Đường dẫn", "Trang của thứ tìm thấy trên trang web này."),
        ),
        rows=_search_rows,
        file_name=lambda data: ["tim-kiem"],
    ),
)
