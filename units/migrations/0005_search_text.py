"""Unit.search_text: name, short name and code folded (no case, no accents), for accent-insensitive search."""

import unicodedata

from django.db import migrations, models


def _fold(text) -> str:
    # A copy of units.folding.fold as of this migration, so the migration keeps its meaning if fold changes.
    text = unicodedata.normalize("NFC", str(text or "")).strip().lower().replace("đ", "d")
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return " ".join(text.split())


def fill(apps, schema_editor):
    Unit = apps.get_model("units", "Unit")
    units = list(Unit.objects.only("pk", "name", "short_name", "code"))
    for unit in units:
        unit.search_text = " | ".join(
            part for part in (_fold(unit.name), _fold(unit.short_name), _fold(unit.code)) if part
        )
    Unit.objects.bulk_update(units, ["search_text"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("units", "0004_unit_group_in_use")]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="search_text",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="Tên, tên viết tắt và mã viết thường, bỏ dấu (tự điền khi lưu), để tìm không phân biệt dấu.",
                max_length=500,
                verbose_name="văn bản tìm kiếm",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
