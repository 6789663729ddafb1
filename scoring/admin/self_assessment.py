"""The self-assessment page: the whole framework on one form, saved as a draft any time, submitted by the leader."""

from decimal import InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from scoring import services, workflow
from scoring.framework_io import parse_decimal
from scoring.models import EvidenceDocument
from scoring.selectors import UNVERIFIED_LABEL, self_assessment_form


def parse_form(post, codes) -> tuple[dict, dict, list, list, list]:
    """Read the posted form: values and versions per node code, links to add and remove, and the problems
    of values that are not numbers. Anything else posted (appraisal fields, exemptions) is ignored."""
    values, versions, links, problems = {}, {}, [], []
    for code in codes:
        if f"version_{code}" not in post:
            continue
        raw = post.get(f"self_{code}", "").strip()
        points = None
        if raw:
            try:
                points = parse_decimal(raw)
            except (InvalidOperation, ValueError):
                problems.append(f"Điểm tự đánh giá của tiêu chí {code} («{raw}») không phải là số.")
        values[code] = {
            "self_points": points,
            "declared_figures": post.get(f"figures_{code}", ""),
            "explanation": post.get(f"explanation_{code}", ""),
        }
        try:
            versions[code] = int(post.get(f"version_{code}"))
        except (TypeError, ValueError):
            problems.append(f"Dữ liệu của tiêu chí {code} không hợp lệ; vui lòng tải lại trang.")
        document_id = post.get(f"link_doc_{code}", "").strip()
        if document_id:
            links.append((code, document_id, post.get(f"link_loc_{code}", "")))
    unlinks = [value for value in post.getlist("unlink") if value.isdigit()]
    return values, versions, links, unlinks, problems


def unit_documents(assessment, raw_links) -> tuple[list, list[str]]:
    """Resolve (code, posted document id, locator) to the unit's own documents; ids of any other unit's
    documents (or not ids at all) become problems."""
    documents = {
        str(d.pk): d
        for d in EvidenceDocument.objects.filter(
            unit_id=assessment.unit_id, pk__in=[d for _, d, _ in raw_links if d.isdigit()]
        )
    }
    links, problems = [], []
    for code, document_id, locator in raw_links:
        if document_id in documents:
            links.append((code, documents[document_id], locator))
        else:
            problems.append(f"Tài liệu đã chọn cho tiêu chí {code} không thuộc đơn vị.")
    return links, problems


def self_assessment_view(model_admin, request, pk):
    assessment = get_object_or_404(
        model_admin.get_queryset(request).select_related("period", "unit", "period_group__framework"), pk=pk
    )
    may_edit = request.user.has_perm("scoring.edit_self_assessment", assessment)
    problems, posted = [], None
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied("Bạn không có quyền sửa bản tự đánh giá của đơn vị này.")
        codes = list(assessment.entries.values_list("node__code", flat=True))
        values, versions, raw_links, unlinks, problems = parse_form(request.POST, codes)
        links, refused = unit_documents(assessment, raw_links)
        problems.extend(refused)
        if not problems:
            try:
                changed = services.self_assessment_save(
                    assessment=assessment,
                    acting_user=request.user,
                    values=values,
                    versions=versions,
                    links=links,
                    unlinks=unlinks,
                )
                if "_submit" in request.POST:
                    workflow.assessment_transition(
                        assessment=assessment, action="submit", acting_user=request.user
                    )
            except ValidationError as exc:
                problems = exc.messages
            except PermissionDenied as exc:
                problems = [str(exc)]
            else:
                text = f"Đã lưu {changed} tiêu chí."
                if "_submit" in request.POST:
                    text += " Bản tự đánh giá đã được nộp."
                model_admin.message_user(request, text, messages.SUCCESS)
                return redirect("admin:scoring_assessment_self", assessment.pk)
        posted = request.POST
    assessment.refresh_from_db()
    data = self_assessment_form(assessment)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": f"Tự đánh giá: {assessment.unit} – {assessment.period}",
        "form": data,
        "may_edit": may_edit and data["editable"],
        "may_submit": request.user.has_perm("scoring.submit_assessment", assessment) and data["editable"],
        "problems": problems,
        "posted": posted,
        "unverified_label": UNVERIFIED_LABEL,
    }
    return TemplateResponse(request, "admin/scoring/assessment/self_assessment.html", context)
