"""The corrections page of a published period: what is reopened, who may change it, the versions so far."""

from scoring import codes, policy
from scoring.models import AppraiserAssignment, CorrectionStatus, Method, ScoreEntry


def corrections_page(period, user, unit_ids=()) -> dict:
    """The open correction with its items (and whether the user may change each), earlier corrections, and
    for opening one: the period's units and the entries of the chosen units."""
    open_correction = period.corrections.filter(status=CorrectionStatus.OPEN).first()
    all_assignments = list(
        AppraiserAssignment.objects.filter(period=period).values_list(
            "appraiser_id", "unit_id", "domain_code"
        )
    )
    assignments = [(unit, domain) for appraiser, unit, domain in all_assignments if appraiser == user.pk]
    anyone = [(unit, domain) for _, unit, domain in all_assignments]
    manages = user.has_perm("scoring.manage_period")
    items, uncovered = [], []
    if open_correction is not None:
        for item in open_correction.items.select_related(
            "entry__node", "entry__assessment__unit", "changed_by"
        ):
            entry = item.entry
            where = {
                "is_survey": entry.node.method == Method.SURVEY,
                "unit_id": entry.assessment.unit_id,
                "domain_code": codes.domain_of(entry.node.code),
            }
            editable = policy.may_correct(assignments, manages=manages, **where)
            items.append({"item": item, "entry": entry, "editable": editable})
            if not policy.may_correct(anyone, manages=True, **where):
                uncovered.append(f"{entry.assessment.unit} – {entry.node.code}")
    candidates = []
    if unit_ids:
        candidates = list(
            ScoreEntry.objects.filter(assessment__period=period, assessment__unit_id__in=unit_ids)
            .exclude(assessment__status=policy.EXCLUDED_STATUS)
            .select_related("node", "assessment__unit")
            .order_by("assessment__unit__name", "node__order")
        )
    return {
        "period": period,
        "open_correction": open_correction,
        "items": items,
        "editable_items": [row["item"] for row in items if row["editable"]],
        "uncovered": uncovered,
        "history": list(
            period.corrections.exclude(status=CorrectionStatus.OPEN).select_related("publication")
        ),
        "may_open": manages and policy.is_published(period.status) and open_correction is None,
        "manages": manages,
        "units": list(
            period.assessments.exclude(status=policy.EXCLUDED_STATUS)
            .select_related("unit")
            .order_by("unit__name")
        ),
        "candidates": candidates,
    }
