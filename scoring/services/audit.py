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


# Field types whose Python value is what the database driver takes as it is.
PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "ForeignKey",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


def _preparer(field):
    """A fast value-to-database conversion for one field (Field.get_db_prep_save costs ~15 µs a call, which is
    most of the time of writing 100 000 rows)."""
    kind = field.get_internal_type()
    if kind in PLAIN_TYPES:
        return None
    if kind == "DecimalField":
        return connection.ops.adapt_decimalfield_value
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    return lambda value: field.get_db_prep_save(value, connection)


def _values(row, fields, preparers, extra=()):
    values = [getattr(row, field.attname) for field in fields]
    for index, prepare in preparers:
        values[index] = prepare(values[index])
    return [*values, *extra]


def bulk_update_logged(rows, model, fields, *, acting_user, reason: str = "") -> None:
    """Update many rows and write one history row each, naming the acting user (what simple-history's
    bulk_update_with_history does, without its cost: Django's bulk_update builds a CASE per field and row and
    bulk_create prepares every value through the field, seconds of Python for 10 000 rows). One UPDATE and one
    INSERT per row through executemany."""
    if not rows:
        return
    quote = connection.ops.quote_name
    changed = [model._meta.get_field(name) for name in fields]
    update_sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(model._meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in changed),
        quote(model._meta.pk.column),
    )
    history = model.history.model
    tracked = [f for f in history._meta.concrete_fields if not f.name.startswith("history_")]
    history_fields = ["history_date", "history_change_reason", "history_type", "history_user"]
    insert_sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(history._meta.db_table),
        ", ".join(quote(f.column) for f in tracked + [history._meta.get_field(n) for n in history_fields]),
        ", ".join(["%s"] * (len(tracked) + len(history_fields))),
    )
    stamp = (
        connection.ops.adapt_datetimefield_value(timezone.now()),
        reason[:100] if reason else None,
        "~",
        acting_user.pk if acting_user is not None else None,
    )
    changed_preparers = [(i, p) for i, p in enumerate(map(_preparer, changed)) if p]
    tracked_preparers = [(i, p) for i, p in enumerate(map(_preparer, tracked)) if p]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(update_sql, [_values(row, changed, changed_preparers, (row.pk,)) for row in rows])
        cursor.executemany(insert_sql, [_values(row, tracked, tracked_preparers, stamp) for row in rows])


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
