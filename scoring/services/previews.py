"""Data imports in two steps: a preview of every change, then the confirmation, all or nothing.

The uploaded file (and what its preview checked) is kept in the database (DataImport) between the two requests,
so the confirmation may reach another app server than the preview. At confirmation the import is rebuilt from
what was kept; if what it would change differs from what the user saw (someone changed the data in between),
nothing is written and the user is asked to look at a new preview.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from scoring.models import DataImport, DataImportStatus
from scoring.services.audit import require_secretariat


@dataclass
class Preview:
    """What an import would do: row errors (nothing can be written), or the changes and a summary."""

    errors: list[str] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    summary: dict = field(default_factory=dict)
    data_import: DataImport | None = None
    payload: object = None  # what the apply step writes (the parsed rows); not part of the digest

    @property
    def ok(self) -> bool:
        return not self.errors

    def digest(self) -> str:
        text = json.dumps([self.changes, self.summary], cls=DjangoJSONEncoder, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def preview_store(
    *,
    kind: str,
    acting_user,
    file_name: str,
    content: bytes,
    preview: Preview,
    period=None,
    year=None,
    options=None,
) -> Preview:
    """Keep a clean preview's file for its confirmation (a preview with errors keeps nothing)."""
    require_secretariat(acting_user, "nhập dữ liệu")
    if preview.ok:
        preview.data_import = DataImport.objects.create(
            kind=kind,
            period=period,
            year=year,
            file_name=file_name[:255],
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            options=options or {},
            preview_digest=preview.digest(),
            summary=json.loads(json.dumps(preview.summary, cls=DjangoJSONEncoder, default=str)),
            uploaded_by=acting_user,
        )
    return preview


def preview_confirm(
    *,
    data_import: DataImport,
    acting_user,
    rebuild: Callable[[DataImport], Preview],
    apply,
    recheck: bool = True,
) -> Preview:
    """`rebuild` the preview from the kept import and `apply` it, then mark the import done, in one transaction.
    With `recheck`, the rebuilt preview (the kept file read again) must change exactly what was previewed;
    without, `apply` itself must refuse values changed since the preview."""
    require_secretariat(acting_user, "nhập dữ liệu")
    with transaction.atomic():
        current = DataImport.objects.select_for_update().get(pk=data_import.pk)
        if current.status != DataImportStatus.PREVIEWED:
            raise ValidationError("Tệp này đã được nhập rồi; tải tệp lên lại nếu muốn nhập lần nữa.")
        preview = rebuild(current)
        if not preview.ok:
            raise ValidationError(preview.errors)
        if recheck and preview.digest() != current.preview_digest:
            raise ValidationError(
                "Dữ liệu đã thay đổi kể từ lúc xem trước (có người vừa nhập hoặc sửa): không nhập gì. "
                "Hãy tải tệp lên lại để xem bản xem trước mới."
            )
        apply(preview)
        current.status = DataImportStatus.APPLIED
        current.applied_at = timezone.now()
        current.save(update_fields=["status", "applied_at"])
        preview.data_import = current
    return preview
