"""Steps of the yearly cycle through the services, shared by the scenario fixtures and the tests."""

from decimal import Decimal as D

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from scoring import services
from scoring.models import Method
from units.models import Membership, Unit

PASSWORD = "Mat-khau-kiem-thu-2026"


def make_user(username, group_name, *, unit_code=None, role="officer"):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, is_staff=True, first_name=username
    )
    user.groups.add(Group.objects.get(name=group_name))
    if unit_code is not None:
        Membership.objects.create(user=user, unit=Unit.objects.get(code=unit_code), role=role)
    return user


def self_values(assessment, points=None):
    """Every appraisal node self-scored (its max unless `points`), with an explanation, and the versions."""
    values, versions = {}, {}
    for entry in assessment.entries.select_related("node").exclude(node__method=Method.SURVEY):
        values[entry.node.code] = {
            "self_points": entry.node.max_points if points is None else min(D(points), entry.node.max_points),
            "declared_figures": "",
            "explanation": "Theo báo cáo năm.",
        }
        versions[entry.node.code] = entry.version
    return values, versions


PHASE_ORDER = [
    "self_assessment_deadline",
    "appraisal_deadline",
    "explanation_deadline",
    "final_appraisal_deadline",
]


def let_deadline_pass(period, actor):
    """Time passes: the current phase's deadline (and earlier ones) becomes yesterday, through the secretariat's
    own service, as if the secretariat had moved it."""
    import datetime

    from scoring import policy

    period.refresh_from_db()
    field = policy.PHASE_DEADLINE_FIELDS.get(period.status)
    if field is None:
        return
    yesterday = policy.today() - datetime.timedelta(days=1)
    position = PHASE_ORDER.index(field)
    deadlines = {
        f: yesterday - datetime.timedelta(days=position - i)
        for i, f in enumerate(PHASE_ORDER[: position + 1])
    }
    services.period_update(
        period=period, acting_user=actor, title=period.title, deadlines=deadlines, note=period.note
    )


def advance(period, actor, *, wait=True):
    """Move the period to its next phase, after its deadline has passed (`wait`), as the secretariat would."""
    if wait:
        let_deadline_pass(period, actor)
    period.refresh_from_db()
    return services.period_advance(period=period, acting_user=actor, expected_status=period.status).period


def appraise_all(assessment, appraiser, round_=1, changes=None):
    """Record every pending appraisal node of the assessment in a round (its self score, or 0), with `changes`
    {code: Decision kwargs} applied on top."""
    decisions = []
    changes = changes or {}
    for entry in (
        assessment.entries.select_related("node").exclude(node__method=Method.SURVEY).order_by("node__order")
    ):
        code = entry.node.code
        base = {"points": entry.self_points if entry.self_points is not None else D(0), "reason": ""}
        if base["points"] != (entry.self_points if round_ == 1 else entry.appraised_points_r1):
            base["reason"] = "Theo hồ sơ."
        if round_ == 2 and code not in changes:
            continue
        base.update(changes.get(code, {}))
        decisions.append(services.Decision(code=code, expected_version=entry.version, **base))
    return services.appraisal_round_record(
        assessment=assessment, acting_user=appraiser, round=round_, decisions=decisions
    )


def formset_data(rows, prefix="tc", **management):
    """POST data of a back-office formset: `rows` is a list of dicts of field → value, in the page's order."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(len(rows)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        **management,
    }
    for index, row in enumerate(rows):
        for field, value in row.items():
            data[f"{prefix}-{index}-{field}"] = value
    return data


def points_text(value):
    return "" if value is None else format(value.normalize(), "f")


def body(response) -> bytes:
    """A response's bytes, streamed (a whole ranking's JSON or CSV) or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def json_body(response):
    """A response's JSON, streamed or not (the test client's .json() reads only unstreamed responses)."""
    import json

    return json.loads(body(response))
