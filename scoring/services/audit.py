"""What every write shares: the permission check, the period row lock and the audit records."""

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone

from scoring import policy
from scoring.models import Assessment, Period, WorkflowEvent


def require(user, permission: str, obj=None, *, message: str) -> None:
    """Refuse with a Vietnamese message unless the (active) user holds the permission on the object."""
    if user is None or not user.is_authenticated or not user.is_active or not user.has_perm(permission, obj):
        raise PermissionDenied(message)


def require_secretariat(user, what: str) -> None:
    """Refuse unless the user runs the periods (the secretariat): "Chỉ Sở Nội vụ được {what}."."""
    require(user, "scoring.manage_period", message=f"Chỉ Sở Nội vụ được {what}.")


def lock_period(period) -> Period:
    """Take the period's row lock (inside the caller's transaction), so period-wide writes queue instead of
    failing half-way; SQLite's IMMEDIATE transactions already serialise writers. Returns a fresh copy."""
    return Period.objects.select_for_update().get(pk=period.pk)


def event(
    *, period, actor, action: str, assessment=None, from_status="", to_status="", reason=""
) -> WorkflowEvent:
    return WorkflowEvent.objects.create(
        period=period,
        assessment=assessment,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason.strip(),
        actor=actor,
    )


def save_with_history(instance, *, acting_user, fields=None, reason: str = "") -> None:
    """Save one row so that its history names the acting user (outside a request too)."""
    instance._history_user = acting_user
    if reason:
        instance._change_reason = reason[:100]
    instance.save(update_fields=fields)


def bulk_update_logged(rows, model, fields, *, acting_user, reason: str = "") -> None:
    """Update many rows and write one history row each, naming the acting user (what simple-history's
    bulk_update_with_history does). One UPDATE per row through executemany: Django's bulk_update builds a CASE
    per field and row, which costs seconds of Python for a few thousand rows."""
    if not rows:
        return
    concrete = [model._meta.get_field(name) for name in fields]
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        connection.ops.quote_name(model._meta.db_table),
        ", ".join(f"{connection.ops.quote_name(field.column)} = %s" for field in concrete),
        connection.ops.quote_name(model._meta.pk.column),
    )
    params = [
        [field.get_db_prep_save(getattr(row, field.attname), connection) for field in concrete] + [row.pk]
        for row in rows
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, params)
        model.history.bulk_history_create(
            rows,
            batch_size=500,
            update=True,
            default_user=acting_user,
            default_change_reason=reason[:100] if reason else None,
        )


def move(assessment, action: str, *, acting_user, reason: str = "") -> None:
    """Write an assessment transition the caller has checked (policy.ASSESSMENT_TRANSITIONS), with its
    history and WorkflowEvent. The assessment must have been read with its period inside the transaction."""
    transition = policy.ASSESSMENT_TRANSITIONS[action]
    previous = assessment.status
    assessment.status = transition.target
    save_with_history(assessment, acting_user=acting_user, reason=reason)
    event(
        period=assessment.period,
        assessment=assessment,
        actor=acting_user,
        action=action,
        from_status=previous,
        to_status=transition.target,
        reason=reason,
    )


def bulk_move(
    period, assessments, *, to_status, action: str, acting_user, reason: str = "", fields=()
) -> None:
    """Move many assessments to one status at once (checked by the caller): history rows naming the acting user
    and a WorkflowEvent each. `fields`: other fields the caller set on them (marks) to save too."""
    now = timezone.now()
    events = []
    for assessment in assessments:
        events.append(
            WorkflowEvent(
                period=period,
                assessment=assessment,
                action=action,
                from_status=assessment.status,
                to_status=to_status,
                reason=reason.strip(),
                actor=acting_user,
            )
        )
        assessment.status = to_status
        assessment.updated_at = now
    bulk_update_logged(assessments, Assessment, ["status", "updated_at", *fields], acting_user=acting_user)
    WorkflowEvent.objects.bulk_create(events)
