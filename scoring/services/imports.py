"""The two-step data imports of the secretariat, by kind: the national table of a year, a period's survey
points. Each kind reads its file, previews, and on confirmation reads the kept file again and writes."""

from decimal import Decimal

from scoring.models import DataImport, DataImportKind
from scoring.services.audit import require_secretariat
from scoring.services.national import check_year, national_parse, national_preview, national_table_import
from scoring.services.previews import Preview, preview_confirm, preview_store
from scoring.services.survey_import import kept_values, survey_apply, survey_preview, values_kept


def national_upload_preview(
    *,
    acting_user,
    file_name: str,
    content: bytes,
    year: int,
    title: str = "",
    source: str = "",
    published_means=None,
) -> Preview:
    """Read a year's national table and show what importing it would write; keep the file if it is clean."""
    require_secretariat(acting_user, "nhập bảng xếp hạng toàn quốc")
    check_year(year)
    preview = _national(content, file_name, year, published_means or {})
    options = {
        "title": title,
        "source": source,
        "means": {k: str(v) for k, v in (published_means or {}).items()},
    }
    return preview_store(
        kind=DataImportKind.NATIONAL,
        acting_user=acting_user,
        file_name=file_name,
        content=content,
        preview=preview,
        year=year,
        options=options,
    )


def _national(content: bytes, file_name: str, year: int, means: dict) -> Preview:
    parse = national_parse(content, file_name, year=year, published_means=means)
    preview = national_preview(parse)
    preview.payload = parse
    preview.summary["done"] = (
        f"Đã nhập bảng xếp hạng toàn quốc năm {year}: {len(parse.rows)} tỉnh, thành phố."
    )
    return preview


def survey_upload_preview(*, period, acting_user, file_name: str, content: bytes) -> Preview:
    """Read a survey team's sheet for the period and show every change; keep the file if it is clean."""
    require_secretariat(acting_user, "nhập điểm điều tra xã hội học")
    preview = survey_preview(period, content, file_name)
    return preview_store(
        kind=DataImportKind.SURVEY,
        acting_user=acting_user,
        file_name=file_name,
        content=content,
        preview=preview,
        period=period,
        options={"values": kept_values(preview.payload)} if preview.ok else None,
    )


def data_import_confirm(*, data_import: DataImport, acting_user) -> Preview:
    """Write a previewed import, all or nothing: the national table if its kept file still changes exactly
    what was previewed; survey points as previewed if none of their cells changed since."""
    if data_import.kind == DataImportKind.NATIONAL:
        content = bytes(data_import.content)
        options = data_import.options
        means = {key: Decimal(value) for key, value in options.get("means", {}).items()}

        def rebuild(current):
            return _national(content, current.file_name, current.year, means)

        def apply(preview):
            national_table_import(
                year=data_import.year,
                title=options.get("title", ""),
                source=options.get("source", ""),
                parse=preview.payload,
                acting_user=acting_user,
            )

        return preview_confirm(data_import=data_import, acting_user=acting_user, rebuild=rebuild, apply=apply)

    # Survey points: the values checked at the preview are kept with the file and written as they are, unless a
    # cell changed since (its version): a 100 000-row file is not read and checked a second time.
    def rebuild_survey(current):
        return Preview(summary=current.summary, payload=values_kept(current.options["values"]))

    def apply_survey(preview):
        survey_apply(data_import.period, preview, acting_user=acting_user)

    return preview_confirm(
        data_import=data_import,
        acting_user=acting_user,
        rebuild=rebuild_survey,
        apply=apply_survey,
        recheck=False,
    )
