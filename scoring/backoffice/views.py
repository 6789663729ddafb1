"""The pages of one assessment: self-assessment (with evidence upload and withdrawal), appraisal, explanation.

Each view: scope (404 outside the user's objects) → form or formset → one service → message and redirect, or
the page again with every error next to its field and nothing changed.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from scoring import services
from scoring.backoffice.common import (
    REFUSED,
    assessment_or_404,
    attach_forms,
    attach_refusal,
    refusal_messages,
    render,
)
from scoring.backoffice.export_forms import ReportForm
from scoring.backoffice.forms import (
    AppraisalRowForm,
    EvidenceUploadForm,
    ExplanationRowForm,
    ReasonForm,
    ReturnForm,
    RoundForm,
    SelfAssessmentRowForm,
    SendForm,
    entry_formset,
)
from scoring.selectors import UNVERIFIED_LABEL, appraisal_page, explanation_page, self_assessment_page


def self_assessment_crumbs(assessment, here: str | None = None) -> list[tuple]:
    """Breadcrumbs of an assessment's page; `here` names a page below its self-assessment (e.g. an import)."""
    crumbs = [("Bản đánh giá", reverse("admin:scoring_assessment_changelist"))]
    label = f"{assessment.unit} – {assessment.period}"
    if here is None:
        return [*crumbs, (label, None)]
    return [*crumbs, (label, reverse("backoffice:self_assessment", args=[assessment.pk])), (here, None)]


# ---------------------------------------------------------------- self-assessment


def _self_formset(page, data=None):
    links = {
        row["entry"].pk: row["links"]
        for domain in page["domains"]
        for row in domain["rows"]
        if "entry" in row
    }
    per_row = {
        entry.pk: {"documents": page["documents"], "links": links[entry.pk]} for entry in page["entries"]
    }
    return entry_formset(SelfAssessmentRowForm, data, entries=page["entries"], per_row=per_row)


def _citations(formset, documents) -> list[tuple]:
    """(code, document, locator) of every row of a valid formset where a document was chosen."""
    by_id = {document.pk: document for document in documents}
    return [
        (form.entry.node.code, by_id[form.cleaned_data["document"]], form.cleaned_data["locator"])
        for form in formset.forms
        if form.cleaned_data["document"] is not None
    ]


def _versions(formset) -> dict:
    return {form.entry.node.code: form.cleaned_data["version"] for form in formset.forms}


def _self_payload(formset, documents):
    """values, versions, links and unlinks for the services, from a valid formset."""
    return {
        "values": {form.entry.node.code: form.values() for form in formset.forms},
        "versions": _versions(formset),
        "links": _citations(formset, documents),
        "unlinks": [pk for form in formset.forms for pk in form.cleaned_data["unlink"]],
    }


def self_assessment_response(request, assessment, *, page=None, formset=None, problems=(), **forms):
    """The self-assessment page, with whichever of its forms came back with errors (`forms`)."""
    page = page or self_assessment_page(assessment, request.user)
    formset = formset or _self_formset(page)
    attach_forms([row for domain in page["domains"] for row in domain["rows"]], formset.forms, key="entry")
    return render(
        request,
        "scoring/backoffice/self_assessment.html",
        {
            "page": page,
            "formset": formset,
            "problems": problems,
            "upload_form": forms.get("upload_form") or EvidenceUploadForm(entries=page["entries"]),
            "withdraw_form": forms.get("withdraw_form") or ReasonForm(),
            "report_form": forms.get("report_form") or ReportForm(),
            "unverified_label": UNVERIFIED_LABEL,
        },
        title=f"Tự đánh giá: {assessment.unit} – {assessment.period}",
        crumbs=self_assessment_crumbs(assessment),
    )


@require_http_methods(["GET", "POST"])
def self_assessment(request, pk):
    assessment = assessment_or_404(request, pk)
    page = self_assessment_page(assessment, request.user)
    problems = []
    formset = _self_formset(page, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        submit = "_submit" in request.POST
        if not (page["may_submit"] if submit else page["may_edit"]):
            problems = ["Bạn không thể lưu hoặc nộp bản tự đánh giá này lúc này."]
        elif formset.is_valid():
            payload = _self_payload(formset, page["documents"])
            service = services.self_assessment_submit if submit else services.self_assessment_save
            try:
                changed = service(assessment=assessment, acting_user=request.user, **payload)
            except REFUSED as exc:
                problems = attach_refusal(exc, formset=formset)
            else:
                if submit:
                    messages.success(
                        request, f"Bản tự đánh giá đã được nộp (lưu thay đổi ở {changed} tiêu chí)."
                    )
                else:
                    messages.success(request, f"Đã lưu {changed} tiêu chí.")
                return redirect("backoffice:self_assessment", assessment.pk)
    return self_assessment_response(request, assessment, page=page, formset=formset, problems=problems)


@require_POST
def evidence_upload(request, pk):
    """A new document uploaded from the self-assessment or explanation page, cited for a node at once if one is
    chosen; back to that page."""
    assessment = assessment_or_404(request, pk)
    on_explanation = request.POST.get("trang") == "giai-trinh"
    page = (explanation_page if on_explanation else self_assessment_page)(assessment, request.user)
    form = EvidenceUploadForm(request.POST, request.FILES, entries=page["entries"])
    if form.is_valid():
        data = form.cleaned_data
        try:
            document = services.evidence_add(
                unit=assessment.unit,
                acting_user=request.user,
                title=data["title"],
                number=data["number"],
                issue_date=data["issue_date"],
                issuer=data["issuer"],
                upload=data["upload"],
                link=data["link"],
                cite=form.cite(),
            )
        except REFUSED as exc:
            for message in attach_refusal(exc, form=form):
                form.add_error(None, message)
        else:
            cited = f" và liên kết với tiêu chí {data['node']}" if data["node"] else ""
            messages.success(request, f"Đã lưu tài liệu «{document}»{cited}.")
            back = "backoffice:explanation" if on_explanation else "backoffice:self_assessment"
            return redirect(back, assessment.pk)
    if on_explanation:
        return _explanation_response(request, assessment, page=page, upload_form=form)
    return self_assessment_response(request, assessment, page=page, upload_form=form)


@require_POST
def withdraw(request, pk):
    assessment = assessment_or_404(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.self_assessment_withdraw(
                assessment=assessment, acting_user=request.user, reason=form.cleaned_data["reason"]
            )
        except REFUSED as exc:
            for message in attach_refusal(exc, form=form):
                form.add_error(None, message)
        else:
            messages.success(request, "Đã rút bản tự đánh giá; đơn vị có thể sửa và nộp lại trước hạn.")
            return redirect("backoffice:self_assessment", assessment.pk)
    return self_assessment_response(request, assessment, withdraw_form=form)


# ---------------------------------------------------------------- appraisal


def _appraisal_decisions(formset):
    decisions = []
    for form in formset.forms:
        if not form.has_changed():
            continue
        data = form.cleaned_data
        decisions.append(
            services.Decision(
                code=form.entry.node.code,
                expected_version=data["version"],
                points=data["points"],
                reason=data["reason"],
                explanation_request=data.get("explanation_request", form.entry.explanation_request),
                not_applicable=data["not_applicable"],
                not_applicable_reason=data["not_applicable_reason"],
            )
        )
    return decisions


@require_http_methods(["GET", "POST"])
def appraisal(request, pk):
    assessment = assessment_or_404(request, pk)
    page = appraisal_page(assessment, request.user)
    round_ = page["round"] or 1
    data = request.POST if request.method == "POST" and "_save" in request.POST else None
    formset = entry_formset(
        AppraisalRowForm, data, entries=page["editable_entries"], form_kwargs={"round_": round_}
    )
    round_form = RoundForm(request.POST or None, initial={"round": round_})
    return_form = ReturnForm(request.POST if "_return" in request.POST else None)
    problems = []
    if request.method == "POST":
        if not page["assigned"]:
            raise PermissionDenied("Bạn không được phân công thẩm định bản đánh giá này.")
        if not round_form.is_valid():
            problems = ["Dữ liệu của trang không hợp lệ; vui lòng tải lại trang."]
        elif "_save" in request.POST and formset.is_valid():
            try:
                changed = services.appraisal_round_record(
                    assessment=assessment,
                    acting_user=request.user,
                    round=round_form.cleaned_data["round"],
                    decisions=_appraisal_decisions(formset),
                )
            except REFUSED as exc:
                problems = attach_refusal(exc, formset=formset)
            else:
                messages.success(request, f"Đã lưu kết quả thẩm định của {changed} tiêu chí.")
                return redirect("backoffice:appraisal", assessment.pk)
        elif "_proposals" in request.POST:
            try:
                changed = services.appraisal_accept_proposals(
                    assessment=assessment, acting_user=request.user, round=round_form.cleaned_data["round"]
                )
            except REFUSED as exc:
                problems = refusal_messages(exc)
            else:
                messages.success(
                    request, f"Đã ghi điểm đề xuất cho {changed} tiêu chí; hãy rà soát từng tiêu chí."
                )
                return redirect("backoffice:appraisal", assessment.pk)
        elif "_return" in request.POST and return_form.is_valid():
            try:
                services.appraisal_return(
                    assessment=assessment, acting_user=request.user, note=return_form.cleaned_data["note"]
                )
            except REFUSED as exc:
                problems = refusal_messages(exc)
            else:
                messages.success(request, "Đã gửi yêu cầu giải trình cho đơn vị.")
                return redirect("backoffice:appraisal", assessment.pk)
    attach_forms(page["rows"], formset.forms, key="entry")
    return render(
        request,
        "scoring/backoffice/appraisal.html",
        {
            "page": page,
            "formset": formset,
            "round_form": round_form,
            "return_form": return_form,
            "problems": problems,
            "unverified_label": UNVERIFIED_LABEL,
        },
        title=f"Thẩm định: {assessment.unit} – {assessment.period}",
        crumbs=self_assessment_crumbs(assessment),
    )


# ---------------------------------------------------------------- explanation


def _explanation_response(
    request, assessment, *, page=None, formset=None, send_form=None, problems=(), **forms
):
    page = page or explanation_page(assessment, request.user)
    formset = formset or entry_formset(
        ExplanationRowForm, None, entries=page["entries"], form_kwargs={"documents": page["documents"]}
    )
    attach_forms(page["rows"], formset.forms, key="entry")
    return render(
        request,
        "scoring/backoffice/explanation.html",
        {
            "page": page,
            "formset": formset,
            "send_form": send_form or SendForm(),
            "problems": problems,
            "upload_form": forms.get("upload_form") or EvidenceUploadForm(entries=page["entries"]),
        },
        title=f"Giải trình: {assessment.unit} – {assessment.period}",
        crumbs=self_assessment_crumbs(assessment),
    )


@require_http_methods(["GET", "POST"])
def explanation(request, pk):
    assessment = assessment_or_404(request, pk)
    page = explanation_page(assessment, request.user)
    data = request.POST if request.method == "POST" else None
    formset = entry_formset(
        ExplanationRowForm, data, entries=page["entries"], form_kwargs={"documents": page["documents"]}
    )
    send_form = SendForm(data)
    problems = []
    if request.method == "POST":
        if not page["may_explain"]:
            problems = ["Không trong thời gian giải trình của đơn vị, hoặc bạn không có quyền giải trình."]
        elif formset.is_valid() and send_form.is_valid():
            common = {
                "assessment": assessment,
                "acting_user": request.user,
                "responses": {form.entry.node.code: form.cleaned_data["response"] for form in formset.forms},
                "versions": _versions(formset),
                "links": _citations(formset, page["documents"]),
            }
            try:
                if "_send" in request.POST:
                    services.explanation_send(
                        **common, confirm_unanswered=send_form.cleaned_data["confirm_unanswered"]
                    )
                else:
                    services.explanation_save(**common)
            except REFUSED as exc:
                problems = attach_refusal(exc, form=send_form, formset=formset)
            else:
                sent = "_send" in request.POST
                messages.success(request, "Đã gửi giải trình." if sent else "Đã lưu giải trình (chưa gửi).")
                return redirect("backoffice:explanation", assessment.pk)
    return _explanation_response(
        request, assessment, page=page, formset=formset, send_form=send_form, problems=problems
    )
