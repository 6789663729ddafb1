"""Test data builders: periods of any size on the shipped frameworks, written in bulk (size tests only;
behaviour tests build their data through the services, see tests/conftest.py)."""

import random
from decimal import Decimal

from django.contrib.auth import get_user_model

from scoring import calculator, services
from scoring.models import Assessment, Framework, FrameworkNode, PeriodStatus, ScoreEntry
from scoring.services.publication import publication_write
from units.models import Unit, UnitGroup

BANDS = [("Rất tốt", "90"), ("Tốt", "80"), ("Khá", "70"), ("Trung bình", "50"), ("Yếu", "0")]


def build_period(
    units: int,
    *,
    code: str = "thu-nghiem",
    status: str = PeriodStatus.PUBLISHED,
    framework_code: str = "qd2948-tinh",
    seed: int = 1,
):
    """A period with `units` new units, every scorable node scored at random (quarter points), recomputed."""
    rng = random.Random(seed)
    actor = get_user_model().objects.get(username="sonoivu")
    framework = Framework.objects.get(code=framework_code)
    group = UnitGroup.objects.create(code=f"{code}-nhom", name=f"Nhóm {code}")
    created = Unit.objects.bulk_create(
        Unit(code=f"{code}-{i:05d}", name=f"Đơn vị thử {i:05d}", kind="department") for i in range(units)
    )
    group.members.set(created)
    period = services.period_create(
        acting_user=actor,
        code=code,
        year=2030,
        title=f"Kỳ thử {code}",
        bands=[services.BandSpec(n, Decimal(m)) for n, m in BANDS],
        groups=[(group, framework)],
    )
    period_group = period.groups.get()
    assessments = Assessment.objects.bulk_create(
        Assessment(period=period, period_group=period_group, unit=unit) for unit in created
    )
    nodes = list(FrameworkNode.objects.filter(framework=framework, is_scorable=True))
    entries = []
    for assessment in assessments:
        for node in nodes:
            steps = int(node.max_points / Decimal("0.25"))
            value = Decimal("0.25") * rng.randint(0, steps)
            fields = {"survey_points": value} if node.method == "survey" else {"appraised_points_r1": value}
            final = calculator.final_points(
                method=node.method,
                appraised_r1=fields.get("appraised_points_r1"),
                appraised_r2=None,
                survey=fields.get("survey_points"),
                not_applicable=False,
            )
            entries.append(ScoreEntry(assessment=assessment, node=node, final_points=final, **fields))
    ScoreEntry.objects.bulk_create(entries, batch_size=2000)
    services.scores_recompute(period=period)
    if status == PeriodStatus.PUBLISHED:
        Assessment.objects.filter(period=period).update(status="finalised")
        publication_write(period, acting_user=actor)
    period.status = status
    period.save()
    return period
