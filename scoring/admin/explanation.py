"""The unit's explanation page: the appraisers' requests with their reasons, the unit's answers, evidence."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from scoring import services, workflow
from scoring.admin.self_assessment import unit_documents
from scoring.models import EvidenceDocument, EvidenceLink, ScoreEntry


def explanation_view(model_admin, request, pk):
    assessment = get_object_or_404(model_admin.get_queryset(request).select_related("period", "unit"), pk=pk)
    may_explain = request.user.has_perm("scoring.explain_assessment", assessment)
    entries = list(
        ScoreEntry.objects.filter(assessment=assessment)
        .exclude(explanation_request="")
        .select_related("node")
        .order_by("node__order")
    )
    problems, posted = [], None
    if request.method == "POST":
        if not may_explain:
            raise PermissionDenied("Bạn không có quyền giải trình cho đơn vị này.")
        responses = {
            e.node.code: request.POST.get(f"response_{e.node.code}", "")
            for e in entries
            if f"version_{e.node.code}" in request.POST
        }
        versions = {
            e.node.code: int(request.POST[f"version_{e.node.code}"])
            for e in entries
            if request.POST.get(f"version_{e.node.code}", "").isdigit()
        }
        try:
            by_code = {e.node.code: e for e in entries}
            raw_links = [
                (code, request.POST[f"link_doc_{code}"], request.POST.get(f"link_loc_{code}", ""))
                for code in by_code
                if request.POST.get(f"link_doc_{code}")
            ]
            resolved, refused = unit_documents(assessment, raw_links)
            if refused:
                raise ValidationError(refused)
            links = [(by_code[code], document, locator) for code, document, locator in resolved]
            with transaction.atomic():  # answers, new evidence and sending: all or nothing
                services.explanation_save(
                    assessment=assessment, acting_user=request.user, responses=responses, versions=versions
                )
                for e, document, locator in links:
                    if not EvidenceLink.objects.filter(document=document, entry=e).exists():
                        services.evidence_link(
                            document=document, entry=e, acting_user=request.user, locator=locator
                        )
                if "_send" in request.POST:
                    workflow.assessment_transition(
                        assessment=assessment, action="explain", acting_user=request.user
                    )
        except ValidationError as exc:
            problems = exc.messages
        except PermissionDenied as exc:
            problems = [str(exc)]
        else:
            text = "Đã gửi giải trình." if "_send" in request.POST else "Đã lưu giải trình."
            model_admin.message_user(request, text, messages.SUCCESS)
            return redirect("admin:scoring_assessment_explain", assessment.pk)
        posted = request.POST
    assessment.refresh_from_db()
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": f"Giải trình: {assessment.unit} – {assessment.period}",
        "assessment": assessment,
        "entries": entries,
        "documents": EvidenceDocument.objects.filter(unit=assessment.unit).order_by("-issue_date", "title"),
        "editable": may_explain and workflow.explanation_open(assessment),
        "deadline": workflow.unit_deadline(assessment, "explanation"),
        "problems": problems,
        "posted": posted,
    }
    return TemplateResponse(request, "admin/scoring/assessment/explanation.html", context)
