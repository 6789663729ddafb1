"""Evidence: uploads checked by size, type and content, stored under generated names, downloaded by scope."""

import datetime
import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from scoring import services
from scoring.models import AppraiserAssignment, Assessment, EvidenceDocument, EvidenceLink, Period
from scoring.roles import APPRAISER_GROUP
from units.models import Unit

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name="ke-hoach.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def xlsx_bytes():
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def stp():
    return Unit.objects.get(code="92-stp")


def add(user, unit, upload=None, link=""):
    return services.evidence_add(
        unit=unit,
        acting_user=user,
        title="Kế hoạch cải cách hành chính năm 2018",
        number="12/KH-STP",
        issue_date=datetime.date(2018, 1, 10),
        issuer="Sở Tư pháp",
        upload=upload,
        link=link,
    )


def test_an_officer_registers_a_pdf_under_a_generated_name(officer_justice, stp, settings):
    document = add(officer_justice, stp, pdf())
    assert document.original_name == "ke-hoach.pdf"
    assert document.content_type == "application/pdf"
    assert len(document.sha256) == 64
    assert document.size == len(PDF)
    assert document.file.name.startswith(f"evidence/{stp.pk}/")
    assert "ke-hoach" not in document.file.name
    assert document.file.name.endswith(".pdf")
    assert document.history.count() == 1


def test_office_documents_and_links_are_accepted(officer_justice, stp):
    assert add(officer_justice, stp, SimpleUploadedFile("so-lieu.xlsx", xlsx_bytes())).content_type.endswith(
        "sheet"
    )
    assert add(officer_justice, stp, link="https://sotuphap.cantho.gov.vn/ke-hoach").link


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (pdf("trang.pdf", b"<html><script>alert(1)</script></html>"), "Nội dung tệp không phải là PDF"),
        (SimpleUploadedFile("chay.exe", b"MZ\x90\x00" + b"\0" * 100), "Chỉ nhận tệp"),
        (SimpleUploadedFile("trang.html", b"<html></html>"), "Chỉ nhận tệp"),
        (SimpleUploadedFile("anh.png", PDF), "Nội dung tệp không phải là PNG"),
        (pdf("rong.pdf", b""), "Tệp rỗng"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(officer_justice, stp, settings, upload, message):
    before = EvidenceDocument.objects.count()
    with pytest.raises(ValidationError, match=message):
        add(officer_justice, stp, upload)
    assert EvidenceDocument.objects.count() == before
    assert stored_files(settings) == []


def raw_name(upload, name):
    """Django's UploadedFile strips directories from names; a programmatic caller could still pass one."""
    upload._name = name
    return upload


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "..\\x.pdf", "a/b.pdf", ".."])
def test_a_raw_name_with_a_path_is_refused_by_the_service(officer_justice, stp, settings, name):
    with pytest.raises(ValidationError, match="Tên tệp không hợp lệ"):
        add(officer_justice, stp, raw_name(pdf(), name))
    assert stored_files(settings) == []


def test_an_http_upload_named_with_a_path_stays_inside_the_evidence_folder(
    client, officer_justice, stp, settings
):
    from django.test.client import encode_multipart

    client.force_login(officer_justice)
    boundary = "BoUnDaRy"
    body = encode_multipart(boundary, {"unit": str(stp.pk), "title": "Thử đường dẫn"})
    body = body.replace(
        f"--{boundary}--".encode(),
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; filename="../../etc/passwd.pdf"\r\n'
            f"Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF
        + f"\r\n--{boundary}--\r\n".encode(),
    )
    response = client.post(
        reverse("admin:scoring_evidencedocument_add"),
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert response.status_code == 302
    document = EvidenceDocument.objects.get(title="Thử đường dẫn")
    assert document.original_name == "passwd.pdf"  # the parser kept only the last part
    path = (settings.MEDIA_ROOT / document.file.name).resolve()
    assert path.is_relative_to((settings.MEDIA_ROOT / "evidence" / str(stp.pk)).resolve())
    assert path.name != "passwd.pdf"


def test_an_oversized_file_is_refused(officer_justice, stp, settings):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    big = pdf("lon.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError, match="tối đa 1 MB"):
        add(officer_justice, stp, big)
    assert stored_files(settings) == []


def test_a_document_needs_a_file_or_a_link(officer_justice, stp):
    with pytest.raises(ValidationError, match="tệp đính kèm hoặc đường dẫn"):
        add(officer_justice, stp)


def test_nobody_registers_evidence_for_another_unit(officer_health, stp, settings):
    with pytest.raises(PermissionDenied):
        add(officer_health, stp, pdf())
    assert stored_files(settings) == []


# ---------------------------------------------------------------- download


@pytest.fixture
def document(officer_justice, stp):
    return add(officer_justice, stp, pdf())


def download(client, user, document):
    if user is not None:
        client.force_login(user)
    return client.get(reverse("scoring:evidence_download", args=[document.pk]))


def test_the_unit_and_the_secretariat_download_as_an_attachment(
    client, officer_justice, secretariat, document
):
    for user in (officer_justice, secretariat):
        response = download(client, user, document)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert "ke-hoach.pdf" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF


def test_other_units_and_unassigned_appraisers_get_404(client, officer_health, document):
    assert download(client, officer_health, document).status_code == 404
    stranger = get_user_model().objects.create_user(
        "thamdinh-x", password="irrelevant-in-tests", is_staff=True
    )
    stranger.groups.add(Group.objects.get(name=APPRAISER_GROUP))
    assert download(client, stranger, document).status_code == 404
    assert download(client, stranger, EvidenceDocument(pk=999999)).status_code == 404


def test_an_assigned_appraiser_downloads(client, document):
    appraiser = get_user_model().objects.create_user(
        "thamdinh-y", password="irrelevant-in-tests", is_staff=True
    )
    appraiser.groups.add(Group.objects.get(name=APPRAISER_GROUP))
    AppraiserAssignment.objects.create(
        period=Period.objects.get(code=f"{timezone.localdate().year}-so"),
        appraiser=appraiser,
        domain_code="1",
    )
    assert download(client, appraiser, document).status_code == 200


def test_anonymous_visitors_are_sent_to_login(client, document):
    response = download(client, None, document)
    assert response.status_code == 302
    assert "/quan-tri/login/" in response["Location"]


def test_media_files_are_not_served_by_any_url(client, document):
    assert client.get("/media/" + document.file.name).status_code == 404
    assert client.get("/" + document.file.name).status_code == 404


# ---------------------------------------------------------------- links


@pytest.fixture
def open_assessment():
    period = Period.objects.get(code=f"{timezone.localdate().year}-so")
    period.self_assessment_deadline = timezone.localdate() + datetime.timedelta(days=5)
    period.save()
    return Assessment.objects.get(period=period, unit__code="92-stp")


def test_a_document_is_linked_to_a_node_with_its_page(officer_justice, document, open_assessment):
    entry = open_assessment.entries.get(node__code="1.1.1")
    link = services.evidence_link(
        document=document, entry=entry, acting_user=officer_justice, locator="trang 2, mục I"
    )
    assert link.locator == "trang 2, mục I"
    with pytest.raises(ValidationError, match="đã được liên kết"):
        services.evidence_link(document=document, entry=entry, acting_user=officer_justice)


def test_links_to_another_units_assessment_or_a_closed_form_are_refused(
    officer_justice, officer_health, document, open_assessment
):
    other = Assessment.objects.get(period=open_assessment.period, unit__code="92-syt")
    with pytest.raises(PermissionDenied):
        services.evidence_link(document=document, entry=other.entries.first(), acting_user=officer_justice)
    with pytest.raises(PermissionDenied):
        services.evidence_link(
            document=document, entry=open_assessment.entries.first(), acting_user=officer_health
        )
    Period.objects.filter(pk=open_assessment.period_id).update(
        self_assessment_deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(ValidationError, match="không còn được sửa"):
        services.evidence_link(
            document=document, entry=open_assessment.entries.first(), acting_user=officer_justice
        )
    assert not EvidenceLink.objects.filter(document=document).exists()


# ---------------------------------------------------------------- admin


def test_the_admin_upload_form_shows_content_errors_on_the_field(client, officer_justice, stp, settings):
    client.force_login(officer_justice)
    response = client.post(
        reverse("admin:scoring_evidencedocument_add"),
        {"unit": stp.pk, "title": "Giả mạo", "upload": pdf("gia.pdf", b"<html></html>")},
    )
    assert response.status_code == 200
    assert "Nội dung tệp không phải là PDF" in response.content.decode()
    assert stored_files(settings) == []
    response = client.post(
        reverse("admin:scoring_evidencedocument_add"), {"unit": stp.pk, "title": "Kế hoạch", "upload": pdf()}
    )
    assert response.status_code == 302
    assert EvidenceDocument.objects.get(title="Kế hoạch").uploaded_by == officer_justice


def test_the_admin_offers_only_the_officers_units(client, officer_justice):
    client.force_login(officer_justice)
    html = client.get(reverse("admin:scoring_evidencedocument_add")).content.decode()
    assert "Sở Tư pháp" in html
    assert "Sở Y tế" not in html
    other = Unit.objects.get(code="92-syt")
    response = client.post(
        reverse("admin:scoring_evidencedocument_add"), {"unit": other.pk, "title": "X", "upload": pdf()}
    )
    assert response.status_code == 200  # refused by the form: not a valid choice
    assert not EvidenceDocument.objects.filter(unit=other, title="X").exists()
