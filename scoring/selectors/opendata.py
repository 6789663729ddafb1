"""Open data: a page's data as a table ready for a file (with its provenance), and the "Dữ liệu mở" page.

The datasets and their columns are described once, in scoring.selectors.opendata_datasets.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from scoring.models import Publication, PublishedUnit
from scoring.selectors.opendata_datasets import DATASETS, KIND_LABELS, Column, Dataset
from scoring.selectors.public import public_frameworks, public_periods


@dataclass(frozen=True)
class Table:
    """One page's data ready for a file: columns (per-domain ones expanded), rows keyed by column key, and the
    provenance lines an XLSX file carries on its second sheet."""

    title: str
    file_name: str
    columns: list[Column]
    rows: Iterable[dict]
    about: list[tuple[str, str]]


def open_data_table(dataset_key: str, data: dict, *, source_url: str, lazy: bool = False) -> Table:
    """A page's data (as its selector returned it) as one flat table, with provenance lines for the file.

    `lazy`: the rows stay an iterator (a streamed CSV reads them once); otherwise a list."""
    dataset = DATASETS[dataset_key]
    domain_codes = [domain["code"] for domain in data.get("domains", [])]
    columns = []
    for column in dataset.columns:
        columns += [column.for_domain(code) for code in domain_codes] if column.per_domain else [column]
    return Table(
        title=dataset.title,
        file_name=slugify("-".join(dataset.file_name(data))),
        columns=columns,
        rows=dataset.rows(data) if lazy else list(dataset.rows(data)),
        about=_about(dataset, data, source_url),
    )


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else "–"


def open_data_licence() -> dict:
    return settings.OPEN_DATA_LICENCE


def _about(dataset: Dataset, data: dict, source_url: str) -> list[tuple[str, str]]:
    lines = [("Bộ dữ liệu", dataset.title), ("Trang nguồn", source_url)]
    period, publication = data.get("period"), data.get("publication")
    if period:
        lines.append(("Kỳ đánh giá", f"{period['title']} (mã {period['code']})"))
    if publication:
        lines += [
            ("Phiên bản công bố", str(publication["version"])),
            ("Công bố lúc", _local(publication["published_at"])),
            ("Kết quả tính lúc", _local(publication["computed_at"])),
            ("Mã kiểm tra nội dung (SHA-256)", publication["content_hash"]),
        ]
    if (period or data.get("framework") or {}).get("is_demo"):
        lines.append(("Lưu ý", "Dữ liệu minh họa, không phải kết quả chính thức."))
    if data.get("unverified_count"):
        lines.append(("Chưa đối chiếu", f"{data['unverified_count']} mục chưa đối chiếu văn bản gốc."))
    licence = open_data_licence()
    lines += [
        ("Giấy phép", f"{licence['name']} – {licence['url']}"),
        ("Số liệu", "Ô số giữ nguyên độ chính xác đã lưu và hiển thị làm tròn 2 chữ số thập phân."),
    ]
    return lines


# ---------------------------------------------------------------- the "Dữ liệu mở" page


def open_data_catalogue() -> dict:
    """Every dataset with its fields and a live example address (when something is published), and the
    licence. A fixed number of queries."""
    examples = _example_urls()
    return {
        "licence": open_data_licence(),
        "datasets": [
            {
                "key": dataset.key,
                "title": dataset.title,
                "description": dataset.description,
                "url_pattern": dataset.url_pattern,
                "example_url": examples.get(dataset.key),
                "columns": [
                    {
                        "key": column.shown_key,
                        "csv_keys": column.csv_keys,
                        "label": column.shown_label,
                        "kind": column.kind,
                        "kind_label": KIND_LABELS[column.kind],
                        "description": column.description,
                    }
                    for column in dataset.columns
                ],
            }
            for dataset in DATASETS.values()
        ],
    }


def _example_urls() -> dict[str, str]:
    urls = {
        "periods": reverse("scoring:home"),
        "frameworks": reverse("scoring:frameworks"),
        "catalogue": reverse("scoring:open_data"),
        "search": reverse("scoring:search") + "?q=can+tho",
    }
    frameworks = public_frameworks()
    if frameworks:
        urls["framework"] = reverse("scoring:framework", args=[frameworks[0].code])
    periods = public_periods()
    publication = (
        periods and Publication.objects.filter(period=periods[0]).defer("groups").order_by("-version").first()
    )
    if publication:
        period_code = periods[0].code
        urls["period"] = reverse("scoring:period", args=[period_code])
        first = (
            PublishedUnit.objects.filter(publication=publication)
            .order_by("group_code", "position")
            .values("group_code", "unit_code")
            .first()
        )
        if first:
            urls["ranking"] = reverse("scoring:ranking", args=[period_code, first["group_code"]])
            urls["scorecard"] = reverse("scoring:scorecard", args=[period_code, first["unit_code"]])
            urls["gap_analysis"] = reverse("scoring:gap_analysis", args=[period_code, first["unit_code"]])
            urls["unit_history"] = reverse("scoring:unit", args=[first["unit_code"]])
        urls["method"] = reverse("scoring:period_method", args=[period_code])
    return urls
