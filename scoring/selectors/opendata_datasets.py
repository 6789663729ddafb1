"""Open data: the one description of each dataset's columns, and each public page's main list as flat rows.

A dataset's columns (key, Vietnamese label, Vietnamese description, kind) make the CSV header (keys), the XLSX
header (labels) and the "Dữ liệu mở" page (all of them), so the three cannot drift. Rows are built from the
page's own data (the dict its selector returns, which the HTML and the JSON twin show), so every format carries
the same published figures; nothing is read or computed again here.

A number column holds the stored Decimal. CSV writes it twice, as JSON does: `<key>` at full precision and
`<key>_display` rounded to 2 places; XLSX writes it once, as a numeric cell keeping full precision and shown
with 2 decimals.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from scoring.models import NodeLevel
from scoring.selectors.public import UNVERIFIED_LABEL

TEXT, NUMBER, INTEGER, BOOLEAN, DATE = "text", "number", "integer", "boolean", "date"
KIND_LABELS = {
    TEXT: "văn bản",
    NUMBER: "số thập phân",
    INTEGER: "số nguyên",
    BOOLEAN: "đúng/sai",
    DATE: "ngày",
}
DOMAIN_MARK = "{domain}"  # in a per-domain column's key and label: one column per domain of the group


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    description: str
    kind: str = TEXT

    @property
    def per_domain(self) -> bool:
        return DOMAIN_MARK in self.key

    def for_domain(self, code: str) -> "Column":
        return replace(self, key=self.key.format(domain=code), label=self.label.format(domain=code))

    @property
    def shown_key(self) -> str:
        """The key as the "Dữ liệu mở" page shows it: `lvN_percentage` for per-domain columns."""
        return self.key.replace(DOMAIN_MARK, "N")

    @property
    def shown_label(self) -> str:
        return self.label.replace(DOMAIN_MARK, "N")

    @property
    def csv_keys(self) -> list[str]:
        return [self.shown_key, f"{self.shown_key}_display"] if self.kind == NUMBER else [self.shown_key]


@dataclass(frozen=True)
class Dataset:
    key: str
    title: str
    description: str
    url_pattern: str
    columns: tuple[Column, ...]
    rows: Callable[[dict], list[dict]]
    file_name: Callable[[dict], list[str]]


def _number(key, label, description):
    return Column(key, label, description, NUMBER)


PERIOD_CODE = Column("period_code", "Mã kỳ đánh giá", "Mã của kỳ đánh giá, như trong đường dẫn.")
VERSION = Column(
    "publication_version",
    "Phiên bản công bố",
    "Số phiên bản của bản công bố mà dữ liệu lấy từ đó; mỗi lần đính chính tạo một phiên bản mới.",
    INTEGER,
)
GROUP_CODE = Column("group_code", "Mã nhóm đơn vị", "Mã của nhóm đơn vị được xếp hạng cùng nhau.")
UNIT_CODE = Column("unit_code", "Mã đơn vị", "Mã của đơn vị được đánh giá.")
# A framework node's place in the tree and its name: the scorecard's and the framework's datasets.
NODE_POSITION = (
    Column("code", "Mã mục", "Mã theo vị trí: 5 là lĩnh vực, 5.1 tiêu chí, 5.1.2 tiêu chí thành phần."),
    Column("level", "Cấp (mã)", "domain, criterion hoặc subcriterion."),
    Column("level_label", "Cấp", "Lĩnh vực, tiêu chí hoặc tiêu chí thành phần."),
)
NODE_NAME = Column("name", "Nội dung", "Tên lĩnh vực, tiêu chí.")
FRAMEWORK_CODE = Column("framework_code", "Mã bộ tiêu chí", "Mã của bộ tiêu chí dùng để chấm điểm.")
IS_DEMO = Column(
    "is_demo", "Dữ liệu minh họa", "Đúng khi đây là dữ liệu minh họa, không phải kết quả chính thức.", BOOLEAN
)
UNIT_COUNT = Column("unit_count", "Số đơn vị", "Số đơn vị được đánh giá trong nhóm.", INTEGER)
VERIFIED = Column(
    "verified",
    "Đã đối chiếu văn bản gốc",
    f"Sai khi tên và điểm tối đa của mục được dựng lại từ các tổng đã công bố, chưa đối chiếu với văn bản "
    f"ban hành; trang web ghi «{UNVERIFIED_LABEL}».",
    BOOLEAN,
)


def _periods_rows(data: dict) -> list[dict]:
    return [
        {
            "period_code": period["code"],
            "year": period["year"],
            "period_title": period["title"],
            "period_status": period["status"],
            "is_demo": period["is_demo"],
            "group_code": group["code"],
            "group_name": group["name"],
            "framework_code": group["framework_code"],
            "unit_count": group["unit_count"],
        }
        for period in data["periods"]
        for group in period["groups"]
    ]


def _period_rows(data: dict) -> list[dict]:
    head = {"period_code": data["period"]["code"], "publication_version": data["publication"]["version"]}
    return [
        {**head, "group_code": group["code"], "group_name": group["name"], **group}
        for group in data["groups"]
    ]


def _ranking_rows(data: dict) -> Iterator[dict]:
    """One flat row per unit, as `data["rows"]` yields them (a list, or an iterator for a streamed file)."""
    head = {
        "period_code": data["period"]["code"],
        "publication_version": data["publication"]["version"],
        "group_code": data["group"]["code"],
    }
    for row in data["rows"]:
        flat = {**head, **{key: value for key, value in row.items() if key != "domains"}}
        for domain in row["domains"]:
            for key in ("points", "max_points", "percentage"):
                flat[f"lv{domain['code']}_{key}"] = domain[key]
        yield flat


def _scorecard_rows(data: dict) -> list[dict]:
    head = {
        "period_code": data["period"]["code"],
        "publication_version": data["publication"]["version"],
        "unit_code": data["unit"]["code"],
    }
    # Bonus and deduction nodes follow the base's nodes, as on the page (their own section).
    nodes = [*data["nodes"], *({"percentage": None, **node} for node in data.get("adjustment_nodes", []))]
    return [{**head, **node, "level_label": NodeLevel(node["level"]).label} for node in nodes]


def _framework_rows(data: dict) -> list[dict]:
    return [{"framework_code": data["framework"]["code"], **node} for node in data["nodes"]]


def _catalogue_rows(data: dict) -> list[dict]:
    return [
        {"dataset": dataset["key"], "dataset_title": dataset["title"], **column}
        for dataset in data["datasets"]
        for column in dataset["columns"]
    ]


def _publication_name(data: dict, *parts: str) -> list[str]:
    demo = ["minh-hoa"] if data["period"]["is_demo"] else []
    return [*demo, *parts, "phien-ban", str(data["publication"]["version"])]


# The national and search datasets use the classes above: imported here, after them.
from scoring.selectors.opendata_gaps import GAP_DATASETS  # noqa: E402
from scoring.selectors.opendata_method import method_dataset  # noqa: E402
from scoring.selectors.opendata_national import NATIONAL_DATASETS  # noqa: E402
from scoring.selectors.opendata_search import SEARCH_DATASETS  # noqa: E402
from scoring.selectors.opendata_units import UNIT_DATASETS  # noqa: E402

DATASETS = {
    dataset.key: dataset
    for dataset in (
        Dataset(
            key="periods",
            title="Các kỳ đánh giá đã công bố",
            description="Mỗi dòng là một nhóm đơn vị của một kỳ đánh giá đã công bố (trang chủ).",
            url_pattern="/",
            columns=(
                PERIOD_CODE,
                Column("year", "Năm đánh giá", "Năm được đánh giá.", INTEGER),
                Column("period_title", "Tên kỳ đánh giá", "Tên đầy đủ của kỳ đánh giá."),
                Column("period_status", "Trạng thái", "Đã công bố hoặc đã lưu trữ."),
                IS_DEMO,
                GROUP_CODE,
                Column("group_name", "Nhóm đơn vị", "Tên nhóm đơn vị."),
                FRAMEWORK_CODE,
                UNIT_COUNT,
            ),
            rows=_periods_rows,
            file_name=lambda data: ["ky-danh-gia"],
        ),
        Dataset(
            key="period",
            title="Các nhóm đơn vị của một kỳ đánh giá",
            description="Mỗi dòng là một nhóm đơn vị được xếp hạng trong kỳ đánh giá.",
            url_pattern="/ky-danh-gia/‹mã kỳ›/",
            columns=(
                PERIOD_CODE,
                VERSION,
                GROUP_CODE,
                Column("group_name", "Nhóm đơn vị", "Tên nhóm đơn vị."),
                FRAMEWORK_CODE,
                Column("framework_title", "Bộ tiêu chí", "Tên bộ tiêu chí dùng để chấm điểm nhóm."),
                UNIT_COUNT,
            ),
            rows=_period_rows,
            file_name=lambda data: _publication_name(data, "ky-danh-gia", data["period"]["code"]),
        ),
        Dataset(
            key="ranking",
            title="Bảng xếp hạng một nhóm đơn vị",
            description=(
                "Mỗi dòng là một đơn vị: tổng điểm, chỉ số, xếp loại, thứ hạng, và điểm, tỷ lệ của từng lĩnh vực "
                "(N là mã lĩnh vực: 1, 2, …)."
            ),
            url_pattern="/ky-danh-gia/‹mã kỳ›/xep-hang/‹mã nhóm›/",
            columns=(
                PERIOD_CODE,
                VERSION,
                GROUP_CODE,
                Column(
                    "rank",
                    "Hạng",
                    "Thứ hạng trong nhóm theo chỉ số làm tròn 2 chữ số; bằng nhau thì cùng hạng, hạng sau "
                    "bỏ số (1, 2, 2, 4). Trống khi đơn vị không được xếp hạng.",
                    INTEGER,
                ),
                UNIT_CODE,
                Column("unit_name", "Đơn vị", "Tên đơn vị."),
                _number(
                    "points",
                    "Tổng điểm",
                    "Tổng điểm đạt: điểm cơ bản cộng điểm thưởng, trừ điểm trừ (trong mức tối đa của kỳ).",
                ),
                _number(
                    "max_points",
                    "Điểm tối đa được đánh giá",
                    "Tổng điểm tối đa của các mục được đánh giá (trừ các mục không áp dụng; không tính điểm "
                    "thưởng, điểm trừ).",
                ),
                _number(
                    "base_points",
                    "Điểm cơ bản",
                    "Tổng điểm các tiêu chí thẩm định và điều tra xã hội học, chưa cộng điểm thưởng, trừ điểm "
                    "trừ; bằng tổng điểm khi bộ tiêu chí không có điểm thưởng, điểm trừ.",
                ),
                _number(
                    "bonus",
                    "Điểm thưởng",
                    "Điểm thưởng được cộng, sau khi áp dụng mức tối đa của kỳ và giới hạn tổng điểm không vượt "
                    "điểm tối đa được đánh giá.",
                ),
                _number(
                    "deduction",
                    "Điểm trừ",
                    "Số điểm bị trừ, sau khi áp dụng mức tối đa của kỳ; trừ sau điểm thưởng, tổng điểm không nhỏ "
                    "hơn 0.",
                ),
                _number("index", "Chỉ số (%)", "Chỉ số = tổng điểm / điểm tối đa được đánh giá × 100."),
                Column("band", "Xếp loại", "Xếp loại theo các ngưỡng chỉ số của kỳ đánh giá."),
                Column("group_size", "Số đơn vị trong nhóm", "Số đơn vị của nhóm.", INTEGER),
                Column(
                    "excluded", "Không xếp hạng", "Đúng khi đơn vị không được xếp loại, xếp hạng.", BOOLEAN
                ),
                Column("exclusion_reason", "Lý do không xếp hạng", "Lý do đơn vị không được xếp hạng."),
                Column(
                    "late_submission",
                    "Nộp muộn",
                    "Đúng khi đơn vị không nộp bản tự đánh giá đúng hạn.",
                    BOOLEAN,
                ),
                Column(
                    "explanation_missed",
                    "Không giải trình",
                    "Đúng khi đơn vị không giải trình trong thời hạn.",
                    BOOLEAN,
                ),
                _number(
                    "index_change",
                    "Thay đổi chỉ số",
                    "Chỉ số năm nay trừ chỉ số của kỳ so sánh năm trước (trống khi không có kỳ so sánh).",
                ),
                Column(
                    "rank_change",
                    "Thay đổi hạng",
                    "Thay đổi thứ hạng so với kỳ so sánh năm trước (trống khi không có kỳ so sánh).",
                    INTEGER,
                ),
                _number(
                    "lv{domain}_percentage",
                    "LV{domain} – tỷ lệ (%)",
                    "Điểm đạt / điểm tối đa × 100 của lĩnh vực N, tính từ điểm chưa làm tròn.",
                ),
                _number("lv{domain}_points", "LV{domain} – điểm đạt", "Điểm đạt của lĩnh vực N."),
                _number(
                    "lv{domain}_max_points",
                    "LV{domain} – điểm tối đa",
                    "Điểm tối đa được đánh giá của lĩnh vực N.",
                ),
            ),
            rows=_ranking_rows,
            file_name=lambda data: _publication_name(
                data, "xep-hang", data["period"]["code"], data["group"]["code"]
            ),
        ),
        Dataset(
            key="scorecard",
            title="Kết quả chi tiết của một đơn vị",
            description="Mỗi dòng là một lĩnh vực, tiêu chí hoặc tiêu chí thành phần của bộ tiêu chí.",
            url_pattern="/ky-danh-gia/‹mã kỳ›/don-vi/‹mã đơn vị›/",
            columns=(
                PERIOD_CODE,
                VERSION,
                UNIT_CODE,
                *NODE_POSITION,
                NODE_NAME,
                Column(
                    "method",
                    "Phương pháp",
                    "Thẩm định, điều tra xã hội học, cả hai; hoặc điểm thưởng, điểm trừ (các mục này ở cuối, "
                    "ngoài điểm tối đa của bộ tiêu chí).",
                ),
                VERIFIED,
                Column(
                    "not_applicable",
                    "Không áp dụng",
                    "Đúng khi mục không áp dụng cho đơn vị (khi đó không có điểm).",
                    BOOLEAN,
                ),
                _number(
                    "points",
                    "Điểm đạt",
                    "Điểm đạt của mục; với mục điểm trừ là số điểm bị trừ. Trống với mục cha của điểm thưởng, "
                    "điểm trừ (tổng được cộng, trừ nằm ở bảng xếp hạng).",
                ),
                _number("max_points", "Điểm tối đa", "Điểm tối đa được đánh giá của mục."),
                _number(
                    "percentage", "Tỷ lệ (%)", "Điểm đạt / điểm tối đa × 100, tính từ điểm chưa làm tròn."
                ),
            ),
            rows=_scorecard_rows,
            file_name=lambda data: _publication_name(
                data, "ket-qua", data["period"]["code"], data["unit"]["code"]
            ),
        ),
        method_dataset(PERIOD_CODE, VERSION, FRAMEWORK_CODE),
        Dataset(
            key="frameworks",
            title="Danh sách bộ tiêu chí",
            description="Mỗi dòng là một bộ tiêu chí đang áp dụng hoặc đã dùng (tìm kiếm bằng ?q=…).",
            url_pattern="/bo-tieu-chi/",
            columns=(
                Column("code", "Mã bộ tiêu chí", "Mã của bộ tiêu chí, như trong đường dẫn."),
                Column("title", "Tên bộ tiêu chí", "Tên đầy đủ."),
                Column("decision_number", "Số quyết định", "Số, ký hiệu văn bản ban hành."),
                Column("decision_date", "Ngày ban hành", "Ngày ban hành văn bản.", DATE),
                Column(
                    "aliases", "Số hiệu khác", "Số hiệu một số tài liệu ghi nhầm, cách nhau bởi dấu phẩy."
                ),
                Column("status", "Trạng thái", "Đang áp dụng, hoặc đã khóa vì đã dùng cho kỳ đánh giá."),
                Column("node_count", "Số mục", "Số lĩnh vực, tiêu chí và tiêu chí thành phần.", INTEGER),
                Column(
                    "unverified_count", "Số mục chưa đối chiếu", "Số mục chưa đối chiếu văn bản gốc.", INTEGER
                ),
                IS_DEMO,
            ),
            rows=lambda data: data["frameworks"],
            file_name=lambda data: ["bo-tieu-chi"],
        ),
        Dataset(
            key="framework",
            title="Một bộ tiêu chí",
            description="Mỗi dòng là một lĩnh vực, tiêu chí hoặc tiêu chí thành phần, theo thứ tự của văn bản.",
            url_pattern="/bo-tieu-chi/‹mã bộ tiêu chí›/",
            columns=(
                FRAMEWORK_CODE,
                *NODE_POSITION,
                Column("parent", "Mã mục cha", "Mã của mục chứa mục này; trống với lĩnh vực."),
                NODE_NAME,
                _number("max_points", "Điểm tối đa", "Điểm tối đa; của mục cha bằng tổng các mục con."),
                Column("method", "Phương pháp (mã)", "appraisal, survey, mixed, bonus hoặc deduction."),
                Column(
                    "method_label",
                    "Phương pháp",
                    "Thẩm định, điều tra xã hội học, cả hai, điểm thưởng hoặc điểm trừ (điểm tối đa của mục "
                    "điểm thưởng, điểm trừ là số điểm được cộng, bị trừ nhiều nhất).",
                ),
                Column(
                    "is_scorable",
                    "Được chấm điểm",
                    "Đúng khi mục được chấm trực tiếp (không có mục con).",
                    BOOLEAN,
                ),
                VERIFIED,
                Column("guidance", "Hướng dẫn chấm điểm", "Cách tính điểm của mục."),
                Column("evidence_requirement", "Tài liệu kiểm chứng", "Tài liệu kiểm chứng yêu cầu."),
                Column("advising_agency", "Cơ quan tham mưu", "Cơ quan chịu trách nhiệm tham mưu về mục."),
                Column("source_note", "Ghi chú nguồn", "Nguồn của tên và điểm của mục."),
            ),
            rows=_framework_rows,
            file_name=lambda data: ["bo-tieu-chi", data["framework"]["code"]],
        ),
        *GAP_DATASETS,
        *NATIONAL_DATASETS,
        *SEARCH_DATASETS,
        *UNIT_DATASETS,
        Dataset(
            key="catalogue",
            title="Danh mục dữ liệu mở",
            description="Mỗi dòng là một trường của một bộ dữ liệu trên trang này (từ điển dữ liệu).",
            url_pattern="/du-lieu-mo/",
            columns=(
                Column("dataset", "Mã bộ dữ liệu", "Mã của bộ dữ liệu."),
                Column("dataset_title", "Bộ dữ liệu", "Tên bộ dữ liệu."),
                Column(
                    "key",
                    "Trường",
                    "Tên trường trong JSON và tiêu đề cột trong CSV; với số thập phân, CSV có thêm cột ‹tên›_display làm tròn 2 chữ số.",
                ),
                Column("label", "Tên cột trong Excel", "Tiêu đề cột trong tệp Excel."),
                Column("kind_label", "Kiểu", "Văn bản, số thập phân, số nguyên, đúng/sai hoặc ngày."),
                Column("description", "Mô tả", "Ý nghĩa của trường."),
            ),
            rows=_catalogue_rows,
            file_name=lambda data: ["du-lieu-mo"],
        ),
    )
}
