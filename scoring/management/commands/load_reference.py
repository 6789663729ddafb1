"""Load the reference fixtures, adding only what is missing.

Unlike `loaddata`, rows that already exist are left alone, so a second run changes nothing: a framework a
period has frozen stays frozen, and units edited in the admin keep their edits.
"""

from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.management.base import BaseCommand
from django.db import transaction

from scoring.models import FrameworkNode

NODE_HISTORY_REASON = "Nạp dữ liệu tham chiếu"

REFERENCE_FIXTURES = [
    "units_provinces.json",
    "units_cantho_2017.json",
    "units_cantho_2025.json",
    "framework_qd2948_provincial.json",
    "national_par_index_2017.json",
]


class Command(BaseCommand):
    help = "Nạp dữ liệu tham chiếu (đơn vị, nhóm, bộ tiêu chí QĐ 2948/QĐ-BNV, bảng PAR INDEX 2017); chỉ thêm những gì còn thiếu."

    def handle(self, *args, **options):
        added = 0
        nodes = []
        with transaction.atomic():
            for name in REFERENCE_FIXTURES:
                path = Path(settings.BASE_DIR) / "fixtures" / name
                with open(path, encoding="utf-8") as handle:
                    for item in serializers.deserialize("json", handle, handle_forward_references=True):
                        if item.object.pk is None:
                            item.save()
                            added += 1
                            if isinstance(item.object, FrameworkNode):
                                nodes.append(item.object)
            # Fixture rows are saved raw, without history: the nodes get their first record here, so that a
            # later change (a loss kind, on a frozen framework too) shows what it changed.
            FrameworkNode.history.bulk_history_create(nodes, default_change_reason=NODE_HISTORY_REASON)
        self.stdout.write(
            f"Dữ liệu tham chiếu: thêm {added} đối tượng." if added else "Dữ liệu tham chiếu đã đủ."
        )
