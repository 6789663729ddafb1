"""Test data builders: periods of any size on the shipped frameworks, written in bulk."""

import random
from decimal import Decimal

from scoring import calculator, services
from scoring.models import Assessment, Band, Framework, FrameworkNode, Period, PeriodStatus, ScoreEntry
from units.models import Unit, UnitGroup

BANDS = [("Rất tốt", "90"), ("Tốt", "80"), ("Khá", "70"), ("Trung bình", "50"), ("Yếu", "0")]


def build_period(
    units: int,
    *,
    code: str = "thu-nghiem",
    status: str = PeriodStatus.PUBLISHED,
    framework_code: str = "qd2948-tinh",
    seed: int = 1,
) -> Period:
    """A period with `units` new units, every scorable node scored at random (quarter points), recomputed."""
    rng = random.Random(seed)
    framework = Framework.objects.get(code=framework_code)
    group = UnitGroup.objects.create(code=f"{code}-nhom", name=f"Nhóm {code}")
    created = Unit.objects.bulk_create(
        Unit(code=f"{code}-{i:05d}", name=f"Đơn vị thử {i:05d}", kind="department") for i in range(units)
    )
    group.members.set(created)
    period = Period.objects.create(code=code, year=2030, title=f"Kỳ thử {code}", status=PeriodStatus.SETUP)
    Band.objects.bulk_create(Band(period=period, name=n, min_index=Decimal(m)) for n, m in BANDS)
    period_group = services.period_group_add(period=period, unit_group=group, framework=framework)
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
        services.publication_create(period=period)
    period.status = status
    period.save()
    return period
