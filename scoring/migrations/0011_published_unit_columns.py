"""Columns for fast public pages and accent-insensitive search.

- Publication.group_summaries: each group without its rows (one-unit and period pages stop loading every
  unit's row);
- PublishedUnit: the row's figures as indexed columns (ranking pages sort, search and page in the database);
- Framework.search_text, FrameworkNode.search_text: folded text (no case, no accents) for search.

Existing publications and frameworks are filled from what they hold. The helpers below are copies of
scoring.publication_rows and units.folding as of this migration, so it keeps its meaning if those change.
"""

import unicodedata
from decimal import Decimal, InvalidOperation

from django.db import migrations, models


def _fold(text) -> str:
    text = unicodedata.normalize("NFC", str(text or "")).strip().lower().replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return " ".join(text.split())


def _folded_parts(*parts) -> str:
    return " | ".join(folded for folded in (_fold(part) for part in parts) if folded)


def _decimal(value):
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _integer(value):
    try:
        return None if value is None or value == "" else int(value)
    except (TypeError, ValueError):
        return None


def _summary(group: dict) -> dict:
    rows = group["rows"]
    counts = {}
    for row in rows:
        if row["band"]:
            counts[row["band"]] = counts.get(row["band"], 0) + 1
    indexes = [Decimal(row["index"]) for row in rows if row["index"] is not None and not row.get("excluded")]
    mean = sum(indexes, Decimal(0)) / len(indexes) if indexes else None
    return {
        "code": group["code"],
        "name": group["name"],
        "framework_code": group["framework_code"],
        "framework_title": group["framework_title"],
        "domains": group["domains"],
        "bands": group["bands"],
        "unit_count": len(rows),
        "mean_index": None if mean is None else str(mean),
        "band_counts": counts,
        "has_changes": any(
            row.get(key) is not None for row in rows for key in ("index_change", "rank_change")
        ),
        "has_adjustments": bool(group.get("adjustments")),
    }


def _columns(row: dict, position: int) -> dict:
    return {
        "position": position,
        "unit_name": row["unit_name"],
        "search_name": _folded_parts(row["unit_name"], row["unit_code"]),
        "rank": row["rank"],
        "points": _decimal(row["points"]),
        "max_points": _decimal(row["max_points"]),
        "index": _decimal(row["index"]),
        "band": row["band"] or "",
        "excluded": bool(row.get("excluded", False)),
        "domain_percentages": {f"lv{code}": percentage for code, _, _, percentage in row["domains"]},
        "index_change": _decimal(row.get("index_change")),
        "rank_change": _integer(row.get("rank_change")),
    }


COLUMNS = list(
    _columns(
        {
            "unit_name": "",
            "unit_code": "",
            "rank": None,
            "points": None,
            "max_points": None,
            "index": None,
            "band": "",
            "domains": [],
        },
        0,
    )
)


def fill(apps, schema_editor):
    Publication = apps.get_model("scoring", "Publication")
    PublishedUnit = apps.get_model("scoring", "PublishedUnit")
    for publication in Publication.objects.order_by("pk").iterator(chunk_size=10):
        publication.group_summaries = [_summary(group) for group in publication.groups]
        publication.save(update_fields=["group_summaries"])
        positions = {
            row["unit_code"]: place for group in publication.groups for place, row in enumerate(group["rows"])
        }
        units = list(PublishedUnit.objects.filter(publication=publication).only("pk", "unit_code", "row"))
        for unit in units:
            for name, value in _columns(unit.row, positions.get(unit.unit_code, 0)).items():
                setattr(unit, name, value)
        PublishedUnit.objects.bulk_update(units, COLUMNS, batch_size=500)
    for model, sources in (
        ("Framework", ("code", "title", "decision_number", "aliases")),
        ("FrameworkNode", ("code", "name")),
    ):
        Model = apps.get_model("scoring", model)
        rows = list(Model.objects.only("pk", *sources))
        for row in rows:
            row.search_text = _folded_parts(*(getattr(row, name) for name in sources))
        Model.objects.bulk_update(rows, ["search_text"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0010_gap_analysis"),
    ]

    operations = [
        migrations.AddField(
            model_name="framework",
            name="search_text",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="Các trường tìm kiếm viết thường, bỏ dấu (tự điền khi lưu), để tìm không phân biệt dấu.",
                verbose_name="văn bản tìm kiếm",
            ),
        ),
        migrations.AddField(
            model_name="frameworknode",
            name="search_text",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="Các trường tìm kiếm viết thường, bỏ dấu (tự điền khi lưu), để tìm không phân biệt dấu.",
                verbose_name="văn bản tìm kiếm",
            ),
        ),
        migrations.AddField(
            model_name="publication",
            name="group_summaries",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Mỗi nhóm, không có danh sách đơn vị: mã, tên, bộ tiêu chí, lĩnh vực, mức xếp loại, số đơn vị, chỉ số bình quân, số đơn vị theo xếp loại. Lấy từ «bảng xếp hạng theo nhóm» khi công bố, để các trang của một đơn vị hay của kỳ không phải đọc kết quả của mọi đơn vị.",
                verbose_name="tóm tắt các nhóm",
            ),
        ),
        migrations.AddField(
            model_name="publishedunit",
            name="band",
            field=models.CharField(blank=True, max_length=64, verbose_name="xếp loại"),
        ),
        migrations.AddField(
            model_name="publishedunit",
            name="domain_percentages",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="{lv‹mã lĩnh vực›: tỷ lệ (%) hoặc null}",
                verbose_name="tỷ lệ theo lĩnh vực",
            ),
        ),
        migrations.AddField(
            model_name="publishedunit",
            name="excluded",
            field=models.BooleanField(default=False, verbose_name="không xếp hạng"),
        ),
        migrations.AddField(
            model_name="publishedunit",
            name="index",
            field=models.DecimalField(
                blank=True, decimal_places=10, max_digits=16, null=True, verbose_name="chỉ số (%)"
            ),
        ),
        migrations.AddField(
            model_name="publishedunit",
            name="index_change",
            field=models.DecimalField(
                blank=True, decimal_places=10, max_digits=16, null=True, verbose_name="thay đổi chỉ số"
            ),
        ),
        migrations.AddField(
            model_name="publishedunit",
            name="max_points",
            field=models.DecimalField(
                blank=True,
                decimal_places=4,
                max_digits=12,
                null=True,
                verbose_name="điểm tối đa được đánh giá",
            ),
        ),
        migrations.AddField(
            model_name="publishedunit",
            name="points",
            field=models.DecimalField(
                blank=True, decimal_places=4, max_digits=12, null=True, verbose_name="tổng điểm"
            ),
        ),
        migrations.AddField(
            model_name="publishedunit",
            name="position",
            field=models.PositiveIntegerField(default=0, verbose_name="thứ tự trong bảng công bố"),
        ),
        migrations.AddField(
            model_name="publishedunit",
            name="rank",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="thứ hạng"),
        ),
        migrations.AddField(
            model_name="publishedunit",
            name="rank_change",
            field=models.IntegerField(blank=True, null=True, verbose_name="thay đổi hạng"),
        ),
        migrations.AddField(
            model_name="publishedunit",
            name="search_name",
            field=models.CharField(
                blank=True,
                help_text="Tên và mã đơn vị viết thường, bỏ dấu.",
                max_length=500,
                verbose_name="tên để tìm kiếm",
            ),
        ),
        migrations.AddField(
            model_name="publishedunit",
            name="unit_name",
            field=models.CharField(blank=True, max_length=255, verbose_name="tên đơn vị"),
        ),
        migrations.AddIndex(
            model_name="publishedunit",
            index=models.Index(
                fields=["publication", "group_code", "position"], name="published_unit_position"
            ),
        ),
        migrations.AddIndex(
            model_name="publishedunit",
            index=models.Index(fields=["publication", "group_code", "index"], name="published_unit_index"),
        ),
        migrations.AddIndex(
            model_name="publishedunit",
            index=models.Index(fields=["publication", "group_code", "points"], name="published_unit_points"),
        ),
        migrations.AddIndex(
            model_name="publishedunit",
            index=models.Index(
                fields=["publication", "group_code", "search_name"], name="published_unit_name"
            ),
        ),
        migrations.AddIndex(
            model_name="publishedunit",
            index=models.Index(fields=["unit_code"], name="published_unit_code"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
