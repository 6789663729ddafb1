"""Demo data ("dữ liệu minh họa") for a new installation: Cần Thơ's 2017 periods and a 2018 period in progress.

The provincial assessment reproduces the published 2017 figures (shared/data/published-facts.md) to the last
digit; the department and district periods reproduce the published band counts and district mean. Leaf
scores the publications do not give are illustrative and labelled as such everywhere they are shown.
Everything is written through scoring.services.
"""

import random
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from scoring import services
from scoring.models import (
    Assessment,
    AssessmentStatus,
    Band,
    DomainSummary,
    Framework,
    FrameworkNode,
    Method,
    Period,
    PeriodStatus,
)
from units.models import Unit, UnitGroup

QD2948_CODE = "qd2948-tinh"
DEMO_FRAMEWORK_CODE = "minh-hoa-so-huyen-2017"
DEMO_FRAMEWORK_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo" / "framework-demo-cap-so-huyen.csv"
DEMO_DECLARED = [
    ("1", 5, 4, "12"),
    ("2", 3, 2, "10"),
    ("3", 4, 5, "20"),
    ("4", 3, 0, "10"),
    ("5", 4, 0, "14"),
    ("6", 3, 0, "10"),
    ("7", 3, 2, "14"),
    ("8", 1, 4, "10"),
]
BANDS_2017 = [("Rất tốt", "90"), ("Tốt", "80"), ("Khá", "70"), ("Trung bình", "50"), ("Yếu", "0")]

# Cần Thơ 2017, provincial index: points lost on appraisal (published-facts.md): node → appraised points.
CANTHO_2017_APPRAISAL_LOSSES = {
    "1.2": "1.75",
    "1.6": "0.5",
    "3.2.3": "0.5",
    "4.1.2": "0.5",
    "8.2.2": "0.5",
    "5.1.2": "0",
    "5.5.2": "0",
    "6.2.3": "0",
    "7.2.1": "0",
    "7.2.2": "0",
    "7.3.1": "0",
}
# Survey points per survey node, chosen so that every domain total and percentage matches the publication:
# domain 2 → 8.73, 4 → 8.83, 5 → 12.048 (shown 12.05, 75.30 %), 6 → 5.21, 7 → 11.9885 (shown 11.99,
# 74.93 %), 8.1 → 11.47. The split between survey nodes inside a criterion is illustrative.
CANTHO_2017_SURVEY = {
    "2.4.1": "1.37",
    "2.4.2": "1.36",
    "4.4.1": "1.00",
    "4.4.2": "0.66",
    "4.4.3": "0.67",
    "5.8.1": "0.70",
    "5.8.2": "0.68",
    "5.8.3": "0.72",
    "5.8.4": "0.66",
    "5.9.1": "1.40",
    "5.9.2": "1.388",
    "6.3.1": "0.70",
    "6.3.2": "0.66",
    "6.3.3": "0.35",
    "7.5.1": "1.05",
    "7.5.2": "0.70",
    "7.5.3": "1.02",
    "7.5.4": "0.70",
    "7.5.5": "1.0185",
    "8.1": "11.47",
}
# Target indexes of the 2017 unit-level periods, in the order of shared/data/cantho-units-2017.csv, giving the
# published 4 Rất tốt, 5 Tốt, 11 Khá for departments and 7 Tốt, 2 Khá with a mean of 83.78 % for districts.
# Two departments share 78.85 to show tied ranks. Individual scores were not published: illustrative.
DEPARTMENT_TARGETS_2017 = {
    "92-skhcn": "93.15",
    "92-sct": "92.40",
    "92-svhttdl": "91.05",
    "92-vpubnd": "90.25",
    "92-sgddt": "88.70",
    "92-stttt": "86.35",
    "92-sxd": "84.50",
    "92-snv": "82.75",
    "92-tttp": "81.10",
    "92-stp": "79.60",
    "92-skhdt": "78.85",
    "92-bdt": "78.85",
    "92-syt": "77.30",
    "92-stnmt": "76.45",
    "92-stc": "75.80",
    "92-sngv": "74.95",
    "92-snnptnt": "73.60",
    "92-sldtbxh": "72.25",
    "92-sgtvt": "71.40",
    "92-bqlkcx": "70.55",
}
DISTRICT_TARGETS_2017 = {
    "918": "88.90",
    "923": "87.65",
    "926": "86.40",
    "927": "85.70",
    "916": "84.95",
    "925": "83.80",
    "917": "82.60",
    "924": "78.60",
    "919": "75.42",
}
QUARTER = Decimal("0.25")


class DemoError(Exception):
    pass


def seed(*, stdout=None) -> list[str]:
    """Create whatever part of the demo is missing; return what was created (empty on a second run)."""
    if not Framework.objects.filter(code=QD2948_CODE).exists() or not Unit.objects.filter(code="92").exists():
        raise DemoError(
            "Chưa nạp dữ liệu tham chiếu: chạy `manage.py loaddata` với các tệp trong fixtures/ trước."
        )
    created = []
    with transaction.atomic():
        demo_framework = _demo_framework(created)
        qd2948 = Framework.objects.get(code=QD2948_CODE)
        _period(
            created,
            "2017-tinh",
            2017,
            "Chỉ số CCHC cấp tỉnh năm 2017 – thành phố Cần Thơ",
            PeriodStatus.PUBLISHED,
            "cantho-tinh",
            qd2948,
            _cantho_provincial_values,
        )
        _period(
            created,
            "2017-so",
            2017,
            "Chỉ số CCHC các sở, ban, ngành thành phố Cần Thơ năm 2017",
            PeriodStatus.PUBLISHED,
            "cantho-so-2017",
            demo_framework,
            _targets(DEPARTMENT_TARGETS_2017),
        )
        _period(
            created,
            "2017-huyen",
            2017,
            "Chỉ số CCHC các quận, huyện thành phố Cần Thơ năm 2017",
            PeriodStatus.PUBLISHED,
            "cantho-huyen-2017",
            demo_framework,
            _targets(DISTRICT_TARGETS_2017),
        )
        _departments_2018()
        _period(
            created,
            "2018-so",
            2018,
            "Chỉ số CCHC các sở, ban, ngành thành phố Cần Thơ năm 2018",
            PeriodStatus.SELF_ASSESSMENT,
            "cantho-so-2018",
            demo_framework,
            _self_assessment_in_progress,
        )
    return created


def _departments_2018() -> None:
    """The 2018 participants: the same 20 departments as in 2017 (no reorganisation that year)."""
    group, created = UnitGroup.objects.get_or_create(
        code="cantho-so-2018",
        defaults={
            "name": "Sở, ban, ngành thành phố Cần Thơ (2018)",
            "description": "Đơn vị được xếp hạng Chỉ số CCHC của thành phố Cần Thơ (dữ liệu minh họa).",
        },
    )
    if created:
        group.members.set(UnitGroup.objects.get(code="cantho-so-2017").members.all())


def _demo_framework(created: list[str]) -> Framework:
    framework = Framework.objects.filter(code=DEMO_FRAMEWORK_CODE).first()
    if framework is not None:
        return framework
    framework = services.framework_import(
        content=DEMO_FRAMEWORK_FILE.read_bytes(),
        filename=DEMO_FRAMEWORK_FILE.name,
        defaults={
            "code": DEMO_FRAMEWORK_CODE,
            "title": "Bộ tiêu chí minh họa cấp sở, cấp huyện",
            "decision_number": "",
            "unit_kinds": ["department", "district"],
            "is_demo": True,
            "source_note": "Dữ liệu minh họa: bộ tiêu chí do parindex soạn để giới thiệu phần mềm theo cấu trúc thường "
            "gặp của bộ tiêu chí cấp sở, cấp huyện; không phải văn bản của cơ quan nào.",
        },
    )
    DomainSummary.objects.bulk_create(
        DomainSummary(
            framework=framework, domain_code=c, criteria_count=tc, subcriteria_count=s, max_points=Decimal(m)
        )
        for c, tc, s, m in DEMO_DECLARED
    )
    services.framework_activate(framework=framework)
    created.append(f"bộ tiêu chí {DEMO_FRAMEWORK_CODE}")
    return framework


def _period(created, code, year, title, status, group_code, framework, values_for) -> None:
    if Period.objects.filter(code=code).exists():
        return
    period = Period.objects.create(
        code=code,
        year=year,
        title=title,
        status=PeriodStatus.SETUP,
        is_demo=True,
        self_assessment_deadline=timezone.datetime(year + 1, 1, 15).date(),
        note="Dữ liệu minh họa.",
    )
    Band.objects.bulk_create(Band(period=period, name=n, min_index=Decimal(m)) for n, m in BANDS_2017)
    unit_group = UnitGroup.objects.get(code=group_code)
    period_group = services.period_group_add(period=period, unit_group=unit_group, framework=framework)
    nodes = list(FrameworkNode.objects.filter(framework=framework, is_scorable=True).order_by("order"))
    for unit in unit_group.members.order_by("code"):
        assessment = services.assessment_open(period_group=period_group, unit=unit)
        services.score_entries_fill(assessment=assessment, values_by_code=values_for(unit, nodes))
    if status == PeriodStatus.PUBLISHED:
        # The demo skips the workflow of the later phases: its published periods hold finalised assessments.
        assessments = list(period.assessments.all())
        for assessment in assessments:
            assessment.status = AssessmentStatus.FINALISED
        bulk_update_with_history(assessments, Assessment, ["status"])
        period.published_at = timezone.now()
    services.scores_recompute(period=period)
    period.status = status
    period.save()
    if status == PeriodStatus.PUBLISHED:
        services.publication_create(period=period)
    created.append(f"kỳ đánh giá {code}")


def _cantho_provincial_values(unit, nodes) -> dict[str, dict]:
    values = {}
    for node in nodes:
        if node.method == Method.SURVEY:
            values[node.code] = {"survey_points": Decimal(CANTHO_2017_SURVEY[node.code])}
        else:
            appraised = Decimal(CANTHO_2017_APPRAISAL_LOSSES.get(node.code, node.max_points))
            values[node.code] = {"self_points": node.max_points, "appraised_points_r1": appraised}
    return values


def _targets(targets: dict[str, str]):
    def values_for(unit, nodes):
        return _values_for_index(Decimal(targets[unit.code]), nodes, seed=unit.code)

    return values_for


def _values_for_index(target: Decimal, nodes, *, seed: str) -> dict[str, dict]:
    """Leaf scores of a 100-point framework summing to `target`: appraisal losses in quarter points spread
    over random nodes, the rest taken from the survey nodes. Deterministic per unit."""
    rng = random.Random(seed)
    appraisal = [n for n in nodes if n.method != Method.SURVEY]
    survey = [n for n in nodes if n.method == Method.SURVEY]
    loss = Decimal(100) - target
    survey_max = sum(n.max_points for n in survey)
    survey_loss = min((loss * Decimal("0.3")).quantize(Decimal("0.01")), survey_max / 2)
    appraisal_loss = ((loss - survey_loss) / QUARTER).to_integral_value(rounding="ROUND_FLOOR") * QUARTER
    survey_loss = loss - appraisal_loss
    appraised = {n.code: n.max_points for n in appraisal}
    remaining = appraisal_loss
    while remaining > 0:
        node = rng.choice(appraisal)
        if appraised[node.code] >= QUARTER:
            appraised[node.code] -= QUARTER
            remaining -= QUARTER
    values = {}
    for node in appraisal:
        self_points = node.max_points if rng.random() < 0.6 else appraised[node.code]
        values[node.code] = {"self_points": self_points, "appraised_points_r1": appraised[node.code]}
    left = survey_loss
    for position, node in enumerate(survey):
        share = (
            left
            if position == len(survey) - 1
            else (survey_loss * node.max_points / survey_max).quantize(Decimal("0.01"))
        )
        left -= share
        values[node.code] = {"survey_points": node.max_points - share}
    return values


def _self_assessment_in_progress(unit, nodes) -> dict[str, dict]:
    """2018: officers have entered self scores on the first nodes only; nothing appraised yet."""
    rng = random.Random(f"2018-{unit.code}")
    filled = nodes[: rng.randint(5, len(nodes) // 2)]
    values = {}
    for node in filled:
        cut = QUARTER * rng.randint(0, 2) if node.max_points >= Decimal("0.5") else Decimal(0)
        values[node.code] = {"self_points": node.max_points - cut}
    return values


DEMO_ACCOUNTS = [
    # username, full name, secretariat?, unit code or None, membership role
    ("sonoivu", "Chuyên viên Sở Nội vụ (minh họa)", True, None, None),
    ("canbo.stp", "Cán bộ đầu mối Sở Tư pháp (minh họa)", False, "92-stp", "officer"),
    ("canbo.syt", "Cán bộ đầu mối Sở Y tế (minh họa)", False, "92-syt", "officer"),
]


def demo_accounts() -> list[tuple[str, str]]:
    """Create the demo accounts that do not exist yet; return (username, password) of those created.

    Passwords are random per installation and shown once; nothing here is a known default."""
    import secrets

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from scoring.roles import OFFICER_GROUP, ensure_roles
    from units.models import Membership
    from units.scope import SECRETARIAT_GROUP

    user_model = get_user_model()
    ensure_roles()
    secretariat = Group.objects.get(name=SECRETARIAT_GROUP)
    officers = Group.objects.get(name=OFFICER_GROUP)
    created = []
    for username, full_name, is_secretariat_user, unit_code, role in DEMO_ACCOUNTS:
        if user_model.objects.filter(username=username).exists():
            continue
        password = secrets.token_urlsafe(12)
        user = user_model.objects.create_user(username=username, password=password, is_staff=True)
        user.first_name = full_name
        user.save(update_fields=["first_name"])
        if is_secretariat_user:
            user.groups.add(secretariat)
        else:
            user.groups.add(officers)
            Membership.objects.create(user=user, unit=Unit.objects.get(code=unit_code), role=role)
        created.append((username, password))
    return created
