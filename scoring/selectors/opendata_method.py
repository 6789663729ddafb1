"""Open data of the method page: the weight of each scoring method (per framework, overall and per domain) and
every change of the frameworks since the previous comparable period, as one flat table with a `section` column.
Bands, formula and deadlines are in the page's JSON twin."""

from scoring.selectors.opendata_datasets import NUMBER, Column, Dataset

WEIGHTS, CHANGES = "trọng số", "thay đổi so với kỳ trước"
CHANGE_LABELS = {
    "added": "thêm",
    "removed": "bỏ",
    "renamed": "đổi tên",
    "max_changed": "đổi điểm tối đa",
    "method_changed": "đổi phương pháp",
}


def _weight_rows(head: dict, framework: dict) -> list[dict]:
    scopes = [("", "Toàn bộ tiêu chí", framework["max_points"], framework["methods"])] + [
        (d["code"], d["name"], d["max_points"], d["methods"]) for d in framework["domains"]
    ]
    return [
        {
            **head,
            "section": WEIGHTS,
            "framework_code": framework["code"],
            "code": code,
            "name": name,
            "method_label": method["label"],
            "max_points": method["max_points"],
            "scope_max_points": scope_max,
            "share": method["share"],
        }
        for code, name, scope_max, methods in scopes
        for method in methods
    ]


def _change_rows(head: dict, comparison: dict) -> list[dict]:
    previous = comparison["previous"]
    if previous is None:
        return []
    common = {
        **head,
        "section": CHANGES,
        "group_code": comparison["group_code"],
        "framework_code": comparison["framework_code"],
        "previous_period_code": previous["period_code"],
        "previous_framework_code": previous["framework_code"],
    }
    rows = []
    for kind, label in CHANGE_LABELS.items():
        for item in comparison[kind]:
            if kind in ("added", "removed"):
                values = {
                    "name": item["name"],
                    "method_label": item["method"],
                    "max_points": item["max_points"],
                }
                old_value = new_value = ""
            else:
                values = {"name": item.get("name", item.get("new", ""))}
                old_value, new_value = str(item["old"]), str(item["new"])
            rows.append(
                {
                    **common,
                    **values,
                    "change": label,
                    "code": item["code"],
                    "old_value": old_value,
                    "new_value": new_value,
                }
            )
    return rows


def _method_rows(data: dict) -> list[dict]:
    head = {"period_code": data["period"]["code"], "publication_version": data["publication"]["version"]}
    rows = []
    for framework in data["frameworks"]:
        rows += _weight_rows(head, framework)
    for comparison in data.get("comparisons", []):
        rows += _change_rows(head, comparison)
    return rows


def method_dataset(period_code: Column, version: Column, framework_code: Column) -> Dataset:
    return Dataset(
        key="method",
        title="Cách tính điểm của một kỳ đánh giá",
        description=(
            f"Mỗi dòng «{WEIGHTS}» là điểm tối đa của một phương pháp chấm (thẩm định, điều tra xã hội học, …) "
            f"trong toàn bộ tiêu chí hoặc một lĩnh vực; mỗi dòng «{CHANGES}» là một tiêu chí được thêm, bỏ, đổi "
            "tên, đổi điểm tối đa hoặc đổi phương pháp so với kỳ trước. Công thức, xếp loại và thời hạn có trong "
            "bản JSON của trang."
        ),
        url_pattern="/ky-danh-gia/‹mã kỳ›/phuong-phap/",
        columns=(
            period_code,
            version,
            Column("section", "Phần", f"«{WEIGHTS}» hoặc «{CHANGES}»."),
            Column("group_code", "Mã nhóm đơn vị", "Nhóm đơn vị được so sánh (dòng thay đổi)."),
            framework_code,
            Column("code", "Mã mục", "Mã lĩnh vực hoặc tiêu chí; trống với dòng toàn bộ tiêu chí."),
            Column("name", "Nội dung", "Tên lĩnh vực hoặc tiêu chí."),
            Column("method_label", "Phương pháp", "Phương pháp chấm."),
            Column(
                "max_points",
                "Điểm tối đa",
                "Dòng trọng số: tổng điểm tối đa của các tiêu chí chấm theo phương pháp; dòng thêm, bỏ: điểm "
                "tối đa của tiêu chí.",
                NUMBER,
            ),
            Column(
                "scope_max_points",
                "Điểm tối đa của phạm vi",
                "Điểm tối đa của lĩnh vực, hoặc của toàn bộ tiêu chí.",
                NUMBER,
            ),
            Column(
                "share",
                "Tỷ trọng (%)",
                "Điểm tối đa của phương pháp / điểm tối đa của phạm vi × 100.",
                NUMBER,
            ),
            Column("previous_period_code", "Mã kỳ trước", "Kỳ đánh giá được so sánh."),
            Column("previous_framework_code", "Bộ tiêu chí kỳ trước", "Mã bộ tiêu chí của kỳ trước."),
            Column("change", "Thay đổi", ", ".join(CHANGE_LABELS.values()) + "."),
            Column("old_value", "Giá trị cũ", "Tên, điểm tối đa hoặc phương pháp trước thay đổi."),
            Column("new_value", "Giá trị mới", "Tên, điểm tối đa hoặc phương pháp sau thay đổi."),
        ),
        rows=_method_rows,
        file_name=lambda data: [
            *(["minh-hoa"] if data["period"]["is_demo"] else []),
            "cach-tinh-diem",
            data["period"]["code"],
            "phien-ban",
            str(data["publication"]["version"]),
        ],
    )
