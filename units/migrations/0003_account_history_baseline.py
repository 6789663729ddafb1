"""A first history row for every account and membership that existed before their history was recorded, so
that the first change recorded afterwards shows what it changed (before → after)."""

from django.db import migrations
from django.utils import timezone

REASON = "Trạng thái khi bắt đầu ghi lịch sử"
USER_FIELDS = [
    "id",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "is_superuser",
    "date_joined",
]


def baseline(apps, schema_editor):
    from django.conf import settings

    app_label, model_name = settings.AUTH_USER_MODEL.split(".")
    User = apps.get_model(app_label, model_name)
    HistoricalUser = apps.get_model("units", "HistoricalUser")
    HistoricalUserGroups = apps.get_model("units", "HistoricalUser_groups")
    Membership = apps.get_model("units", "Membership")
    HistoricalMembership = apps.get_model("units", "HistoricalMembership")
    now = timezone.now()

    Through = User._meta.get_field("groups").remote_field.through
    recorded = set(HistoricalUser.objects.values_list("id", flat=True))
    for user in User.objects.exclude(pk__in=recorded).iterator(chunk_size=500):
        row = HistoricalUser.objects.create(
            history_date=now,
            history_type="~",
            history_change_reason=REASON,
            **{name: getattr(user, name) for name in USER_FIELDS},
        )
        HistoricalUserGroups.objects.bulk_create(
            [
                HistoricalUserGroups(history=row, id=link.pk, user_id=link.user_id, group_id=link.group_id)
                for link in Through.objects.filter(user_id=user.pk)
            ]
        )

    recorded = set(HistoricalMembership.objects.values_list("id", flat=True))
    HistoricalMembership.objects.bulk_create(
        [
            HistoricalMembership(
                id=membership.pk,
                user_id=membership.user_id,
                unit_id=membership.unit_id,
                role=membership.role,
                history_date=now,
                history_type="~",
                history_change_reason=REASON,
            )
            for membership in Membership.objects.exclude(pk__in=recorded)
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("units", "0002_accounts_history_and_slug_codes"),
    ]

    operations = [migrations.RunPython(baseline, migrations.RunPython.noop)]
