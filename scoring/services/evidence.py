"""Evidence writes: upload a document (validated by size, extension and content), link it to a node."""

import hashlib
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from scoring.models import EvidenceDocument, EvidenceLink, ScoreEntry
from scoring.services.audit import require, save_with_history

# Extension → what the content must be (filetype's detection of the first bytes).
ALLOWED_TYPES = {
    ".pdf": "pdf",
    ".doc": "doc",
    ".docx": "docx",
    ".xls": "xls",
    ".xlsx": "xlsx",
    ".odt": "odt",
    ".ods": "ods",
    ".jpg": "jpg",
    ".jpeg": "jpg",
    ".png": "png",
}
ALLOWED_LABEL = ", ".join(sorted({ext.lstrip(".") for ext in ALLOWED_TYPES}))


def validate_upload(upload) -> tuple[str, str]:
    """Refuse a file that is too large, of a type not allowed, whose content is not what its extension says,
    or whose name carries a path. Returns (content type, sha256)."""
    name = upload.name or ""
    if "/" in name or "\\" in name or ".." in name or not name.strip():
        raise ValidationError({"file": "Tên tệp không hợp lệ (không được chứa đường dẫn hoặc «..»)."})
    limit = settings.EVIDENCE_MAX_UPLOAD_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError({"file": f"Tệp quá lớn: tối đa {settings.EVIDENCE_MAX_UPLOAD_MB} MB."})
    if upload.size == 0:
        raise ValidationError({"file": "Tệp rỗng."})
    extension = PurePath(name).suffix.lower()
    if extension not in ALLOWED_TYPES:
        raise ValidationError({"file": f"Chỉ nhận tệp {ALLOWED_LABEL}."})
    upload.seek(0)
    head = upload.read(8192)
    kind = filetype.guess(head)
    if kind is None or kind.extension != ALLOWED_TYPES[extension]:
        raise ValidationError(
            {"file": f"Nội dung tệp không phải là {extension.lstrip('.').upper()} như phần mở rộng."}
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return kind.mime, digest.hexdigest()


def evidence_add(
    *,
    unit,
    acting_user,
    title: str,
    number="",
    issue_date=None,
    issuer="",
    upload=None,
    link="",
    cite=None,
) -> EvidenceDocument:
    """Register a document of a unit (its officers or leader, or the secretariat): a file, a link or both.

    `cite`: (entry, locator) to cite the new document for a node at once, as one decision; allowed while the
    unit's self-assessment or explanation is open.
    """
    require(
        acting_user,
        "scoring.manage_evidence",
        unit,
        message="Bạn không có quyền nhập tài liệu kiểm chứng cho đơn vị này.",
    )
    if upload is None and not link:
        raise ValidationError("Cần có tệp đính kèm hoặc đường dẫn tới tài liệu.")
    document = EvidenceDocument(
        unit=unit,
        title=title.strip(),
        number=number.strip(),
        issue_date=issue_date,
        issuer=issuer.strip(),
        link=link.strip(),
        uploaded_by=acting_user,
    )
    if upload is not None:
        document.content_type, document.sha256 = validate_upload(upload)
        document.original_name = PurePath(upload.name).name[:255]
        document.size = upload.size
    document.full_clean(exclude=["file"])
    with transaction.atomic():
        if upload is not None:
            document.file.save(upload.name, upload, save=False)
        save_with_history(document, acting_user=acting_user)
        if cite is not None:
            entry, locator = cite
            evidence_link(document=document, entry=entry, acting_user=acting_user, locator=locator)
    return document


def evidence_update(*, document: EvidenceDocument, acting_user, title, number, issue_date, issuer, link):
    """Correct a registered document's description (its unit and file never change: links rely on them)."""
    current = EvidenceDocument.objects.get(pk=document.pk)
    require(
        acting_user,
        "scoring.manage_evidence",
        current.unit,
        message="Bạn không có quyền sửa tài liệu kiểm chứng của đơn vị này.",
    )
    current.title, current.number, current.issuer, current.link = (
        title.strip(),
        number.strip(),
        issuer.strip(),
        link.strip(),
    )
    current.issue_date = issue_date
    if not current.file and not current.link:
        raise ValidationError({"link": "Tài liệu không có tệp thì cần đường dẫn."})
    current.full_clean(exclude=["file"])
    with transaction.atomic():
        save_with_history(current, acting_user=acting_user)
    return current


def link_problems(assessment, entries: dict, links) -> dict[str, list[str]]:
    """Problems of the (code, document, locator) citations a page asks for: the node must be one of `entries`
    and the document the assessment's unit's."""
    problems: dict[str, list[str]] = {}
    for code, document, _locator in links:
        if code not in entries or document.unit_id != assessment.unit_id:
            problems.setdefault(code, []).append(
                f"Tài liệu «{document}» không thể liên kết với tiêu chí {code}."
            )
    return problems


def links_write(entries: dict, links, *, acting_user) -> None:
    """Write the citations link_problems accepted, each once, with history naming the acting user."""
    for code, document, locator in links:
        if not EvidenceLink.objects.filter(document=document, entry=entries[code]).exists():
            link = EvidenceLink(
                document=document, entry=entries[code], locator=locator.strip(), created_by=acting_user
            )
            save_with_history(link, acting_user=acting_user)


def evidence_link(
    *, document: EvidenceDocument, entry: ScoreEntry, acting_user, locator: str = ""
) -> EvidenceLink:
    """Cite a document for a node; the document must belong to the assessment's unit."""
    from scoring.models import Assessment
    from scoring.services.explanation import explanation_open
    from scoring.services.self_assessment import self_assessment_editable

    # Read the assessment and its period afresh: deadlines and statuses decide, not a cached copy.
    assessment = Assessment.objects.select_related("period").get(pk=entry.assessment_id)
    require(
        acting_user,
        "scoring.edit_self_assessment",
        assessment,
        message="Bạn không có quyền sửa bản đánh giá này.",
    )
    if document.unit_id != assessment.unit_id:
        raise ValidationError("Tài liệu thuộc đơn vị khác.")
    if not (self_assessment_editable(assessment) or explanation_open(assessment)):
        raise ValidationError("Bản đánh giá không còn được sửa (đã nộp hoặc đã quá hạn).")
    link = EvidenceLink(document=document, entry=entry, locator=locator.strip(), created_by=acting_user)
    link.full_clean()
    save_with_history(link, acting_user=acting_user)
    return link
