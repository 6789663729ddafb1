"""The gap analysis of a published assessment inside the back office, for the unit's own officers and leaders,
the secretariat and the appraisers who may see the assessment (backoffice.common.visible_assessments); a 404
for anyone else and before the results are published."""

from django.http import Http404
from django.views.decorators.http import require_GET

from scoring import policy, selectors
from scoring.backoffice.common import assessment_or_404, render
from scoring.backoffice.views import self_assessment_crumbs


@require_GET
def gap_analysis(request, pk):
    assessment = assessment_or_404(request, pk)
    if not policy.is_public(assessment.period.status):
        raise Http404("Kết quả của kỳ đánh giá này chưa được công bố nên chưa có phân tích điểm bị mất.")
    data = selectors.gap_analysis(assessment.period.code, assessment.unit.code)
    return render(
        request,
        "scoring/backoffice/gap_analysis.html",
        {**data, "assessment": assessment, "table_class": "bo-table bo-cards"},
        title=f"Phân tích điểm bị mất: {assessment.unit} – {assessment.period}",
        crumbs=self_assessment_crumbs(assessment, "Phân tích điểm bị mất"),
    )
