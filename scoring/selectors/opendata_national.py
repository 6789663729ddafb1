"""Open data of the national tables: the years stored, and one year's ranking of all provinces."""

from scoring.selectors.opendata_datasets import INTEGER, NUMBER, Column, Dataset

YEAR = Column("year", "Năm đánh giá", "Năm được đánh giá (PAR INDEX 2017 được công bố năm 2018).", INTEGER)

NATIONAL_DATASETS = (
    Dataset(
        key="national_years",
        title="Các năm có bảng xếp hạng toàn quốc",
        description="Mỗi dòng là một năm có bảng PAR INDEX các tỉnh, thành phố do Bộ Nội vụ công bố.",
        url_pattern="/toan-quoc/",
        columns=(
            YEAR,
            Column("title", "Tên bảng", "Tên bảng xếp hạng."),
            Column("province_count", "Số tỉnh, thành phố", "Số tỉnh, thành phố trong bảng.", INTEGER),
            Column("mean_index", "Chỉ số bình quân (%)", "Chỉ số bình quân cả nước đã công bố.", NUMBER),
        ),
        rows=lambda data: data["years"],
        file_name=lambda data: ["toan-quoc"],
    ),
    Dataset(
        key="national_table",
        title="Bảng xếp hạng toàn quốc của một năm",
        description="Mỗi dòng là một tỉnh, thành phố với điểm, chỉ số và thứ hạng như Bộ Nội vụ công bố.",
        url_pattern="/toan-quoc/<năm>/",
        columns=(
            YEAR,
            Column("rank", "Xếp hạng", "Thứ hạng đã công bố (đồng chỉ số thì đồng hạng).", INTEGER),
            Column("unit_code", "Mã tỉnh", "Mã đơn vị hành chính (Quyết định 124/2004/QĐ-TTg)."),
            Column("name", "Tỉnh, thành phố", "Tên tỉnh, thành phố."),
            Column("published_name", "Tên trong bảng công bố", "Tên như trong bảng của Bộ Nội vụ."),
            Column("appraisal_points", "Điểm thẩm định LV1–7", "Điểm thẩm định các lĩnh vực 1–7.", NUMBER),
            Column("impact_8_1", "Tác động 8.1", "Điểm tác động 8.1 (trống nếu năm đó không có).", NUMBER),
            Column(
                "survey_points", "Điểm điều tra LV1–7", "Điểm điều tra xã hội học các lĩnh vực 1–7.", NUMBER
            ),
            Column("impact_8_2", "Tác động 8.2", "Điểm tác động 8.2 (trống nếu năm đó không có).", NUMBER),
            Column("total", "Tổng điểm", "Tổng điểm đạt được.", NUMBER),
            Column("index", "Chỉ số PAR INDEX (%)", "Chỉ số cải cách hành chính.", NUMBER),
            Column("from_mean", "So với bình quân", "Chỉ số trừ chỉ số bình quân cả nước.", NUMBER),
        ),
        rows=lambda data: [{"year": data["national_year"]["year"], **row} for row in data["rows"]],
        file_name=lambda data: ["toan-quoc", str(data["national_year"]["year"])],
    ),
)
