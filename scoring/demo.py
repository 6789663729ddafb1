"""Demo data ("dữ liệu minh họa") for a new installation: Cần Thơ's published 2017 periods, and an open period for
the current year (scoring.demo_current).

The provincial assessment reproduces the published 2017 figures (shared/data/published-facts.md) to the last
digit; the department and district periods reproduce the published band counts and district mean. Leaf
scores the publications do not give are illustrative and labelled as such everywhere they are shown.
Everything is written through scoring.services, acting as the demo's secretariat account.
"""

import csv
import datetime
import random
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.db import transaction

from scoring import calculator, services
from scoring.framework_integrity import DeclaredDomain
from scoring.models import ADJUSTMENT_METHODS, Framework, FrameworkNode, Method, Period
from units.models import Unit, UnitGroup

QD2948_CODE = "qd2948-tinh"
DEMO_FRAMEWORK_CODE = "minh-hoa-so-huyen-2017"
DEMO_FRAMEWORK_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo" / "framework-demo-cap-so-huyen.csv"
CANTHO_2017_LOSSES_FILE = Path(settings.BASE_DIR) / "fixtures" / "sources" / "cantho-2017-losses.csv"
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
# 2018: the same illustrative set, with a bonus part (9, sáng kiến, mô hình CCHC) and a deduction part (10, vi
# phạm bị xử lý) of 5 points each, outside the 100 points; the 2018 periods cap what is added and deducted.
DEMO_FRAMEWORK_2018_CODE = "minh-hoa-so-huyen-2018"
DEMO_FRAMEWORK_2018_FILE = (
    Path(settings.BASE_DIR) / "fixtures" / "demo" / "framework-demo-cap-so-huyen-2018.csv"
)
BONUS_CAP_2018 = Decimal("3")
DEDUCTION_CAP_2018 = Decimal("4")
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
# 2018: illustrative indexes (nothing of 2018 was published at unit level in shared/data), chosen so that units
# move both ways against 2017; Phong Điền and Thới Lai tie to show a shared rank within the khối huyện.
DEPARTMENT_TARGETS_2018 = {
    "92-skhcn": "92.60",
    "92-sct": "93.05",
    "92-svhttdl": "90.40",
    "92-vpubnd": "91.20",
    "92-sgddt": "89.15",
    "92-stttt": "87.30",
    "92-sxd": "83.95",
    "92-snv": "84.60",
    "92-tttp": "82.05",
    "92-stp": "81.40",
    "92-skhdt": "80.25",
    "92-bdt": "79.10",
    "92-syt": "78.65",
    "92-stnmt": "75.90",
    "92-stc": "77.85",
    "92-sngv": "76.30",
    "92-snnptnt": "74.20",
    "92-sldtbxh": "73.95",
    "92-sgtvt": "72.10",
    "92-bqlkcx": "71.35",
}
DISTRICT_TARGETS_2018 = {
    "918": "89.35",
    "923": "86.90",
    "926": "87.10",
    "927": "87.10",
    "916": "85.20",
    "925": "84.45",
    "917": "83.10",
    "924": "80.15",
    "919": "79.60",
}
# The named ranking groups of the district periods from 2018 (fixtures: units_cantho_2017.json).
DISTRICT_BLOCKS = ["cantho-khoi-quan", "cantho-khoi-huyen"]
QUARTER = Decimal("0.25")


class DemoError(Exception):
    pass


def seed(*, actor, accounts=None) -> list[str]:
    """Create whatever part of the demo is missing, acting as `actor` (the demo secretariat account); return
    what was created (empty on a second run). `accounts`: the demo's unit and appraiser accounts by username,
    who enter the current period's demo data (scoring.demo_current)."""
    if not Framework.objects.filter(code=QD2948_CODE).exists() or not Unit.objects.filter(code="92").exists():
        raise DemoError(
            "Chưa nạp dữ liệu tham chiếu: chạy `manage.py load_reference` trước (lệnh `make run` tự làm việc này)."
        )
    created = []
    with transaction.atomic():
        demo_framework = _demo_framework(created, actor)
        qd2948 = Framework.objects.get(code=QD2948_CODE)
        for code, title, group_code, framework, values_for in (
            (
                "2017-tinh",
                "Chỉ số CCHC cấp tỉnh năm 2017 – thành phố Cần Thơ",
                "cantho-tinh",
                qd2948,
                _cantho_provincial_values,
            ),
            (
                "2017-so",
                "Chỉ số CCHC các sở, ban, ngành thành phố Cần Thơ năm 2017",
                "cantho-so-2017",
                demo_framework,
                _targets(DEPARTMENT_TARGETS_2017),
            ),
            (
                "2017-huyen",
                "Chỉ số CCHC các quận, huyện thành phố Cần Thơ năm 2017",
                "cantho-huyen-2017",
                demo_framework,
                _targets(DISTRICT_TARGETS_2017),
            ),
        ):
            _published_period(created, actor, code, title, group_code, framework, values_for)
        framework_2018 = _demo_framework_2018(created, actor)
        for code, title, group, targets, ranking_groups in (
            (
                "2018-so",
                "Chỉ số CCHC các sở, ban, ngành thành phố Cần Thơ năm 2018",
                _group_like(
                    actor, "cantho-so-2018", "Sở, ban, ngành thành phố Cần Thơ (2018)", "cantho-so-2017"
                ),
                DEPARTMENT_TARGETS_2018,
                [],
            ),
            (
                "2018-huyen",
                "Chỉ số CCHC các quận, huyện thành phố Cần Thơ năm 2018",
                _group_like(
                    actor, "cantho-huyen-2018", "Quận, huyện thành phố Cần Thơ (2018)", "cantho-huyen-2017"
                ),
                DISTRICT_TARGETS_2018,
                DISTRICT_BLOCKS,
            ),
        ):
            _published_period(
                created,
                actor,
                code,
                title,
                group.code,
                framework_2018,
                _targets(targets),
                year=2018,
                previous=code.replace("2018", "2017"),
                ranking_groups=ranking_groups,
            )
        if accounts is not None:
            from scoring import demo_current

            demo_current.seed_current_period(
                created, actor=actor, accounts=accounts, framework=demo_framework
            )
    return created


def _demo_framework(created: list[str], actor) -> Framework:
    framework = Framework.objects.filter(code=DEMO_FRAMEWORK_CODE).first()
    if framework is not None:
        return framework
    framework = services.framework_import(
        acting_user=actor,
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
        declared=[DeclaredDomain(c, tc, s, Decimal(m)) for c, tc, s, m in DEMO_DECLARED],
    )
    services.framework_activate(framework=framework, acting_user=actor)
    created.append(f"bộ tiêu chí {DEMO_FRAMEWORK_CODE}")
    return framework


def _demo_framework_2018(created: list[str], actor) -> Framework:
    """The 2018 version of the demo framework: the 2017 set plus its bonus and deduction parts (dữ liệu minh
    họa). Created once, as the next version of the 2017 one; the 2018 periods use it with BONUS_CAP_2018 and
    DEDUCTION_CAP_2018."""
    framework = Framework.objects.filter(code=DEMO_FRAMEWORK_2018_CODE).first()
    if framework is not None:
        return framework
    previous = _demo_framework(created, actor)
    framework = services.framework_import(
        acting_user=actor,
        content=DEMO_FRAMEWORK_2018_FILE.read_bytes(),
        filename=DEMO_FRAMEWORK_2018_FILE.name,
        defaults={
            "code": DEMO_FRAMEWORK_2018_CODE,
            "title": "Bộ tiêu chí minh họa cấp sở, cấp huyện (có điểm thưởng, điểm trừ)",
            "decision_number": "",
            "unit_kinds": ["department", "district"],
            "is_demo": True,
            "version": previous.version + 1,
            "previous_version": previous,
            "source_note": "Dữ liệu minh họa: bộ tiêu chí năm 2017 của parindex thêm phần điểm thưởng (sáng kiến, "
            "mô hình cải cách hành chính) và điểm trừ (vi phạm bị xử lý), theo cấu trúc thường gặp của bộ tiêu "
            "chí cấp sở, cấp huyện; không phải văn bản của cơ quan nào.",
        },
        declared=[DeclaredDomain(c, tc, s, Decimal(m)) for c, tc, s, m in DEMO_DECLARED],
    )
    services.framework_activate(framework=framework, acting_user=actor)
    created.append(f"bộ tiêu chí {DEMO_FRAMEWORK_2018_CODE}")
    return framework


def _group_like(actor, code: str, name: str, source_code: str) -> UnitGroup:
    """A demo year's unit group: the members of an earlier year's group (the units did not change)."""
    from units.services import unit_group_create

    group = UnitGroup.objects.filter(code=code).first()
    if group is not None:
        return group
    return unit_group_create(
        acting_user=actor,
        code=code,
        name=name,
        description=f"Các đơn vị của nhóm {source_code}, dùng cho kỳ đánh giá minh họa.",
        members=list(UnitGroup.objects.get(code=source_code).members.all()),
    )


def _published_period(
    created,
    actor,
    code,
    title,
    group_code,
    framework,
    values_for,
    *,
    year=2017,
    previous=None,
    ranking_groups=(),
) -> None:
    """A past period entered as published (services.historical_results_import): 2017 after the published
    figures, 2018 illustrative, compared with `previous` (a period code) and ranked in `ranking_groups`."""
    if Period.objects.filter(code=code).exists():
        return
    unit_group = UnitGroup.objects.get(code=group_code)
    period = services.period_create(
        acting_user=actor,
        code=code,
        year=year,
        title=title,
        deadlines={"self_assessment_deadline": datetime.date(year + 1, 1, 15)},
        bands=[services.BandSpec(name, Decimal(minimum)) for name, minimum in BANDS_2017],
        groups=[(unit_group, framework)],
        note="Dữ liệu minh họa.",
        previous=Period.objects.get(code=previous) if previous else None,
        is_demo=True,
        **({"bonus_cap": BONUS_CAP_2018, "deduction_cap": DEDUCTION_CAP_2018} if year == 2018 else {}),
    )
    if ranking_groups:
        services.period_ranking_groups_set(
            period=period, acting_user=actor, groups=list(UnitGroup.objects.filter(code__in=ranking_groups))
        )
    nodes = list(FrameworkNode.objects.filter(framework=framework, is_scorable=True).order_by("order"))
    services.historical_results_import(
        period=period,
        acting_user=actor,
        values_by_unit={unit.code: values_for(unit, nodes) for unit in unit_group.members.order_by("code")},
        reason=(
            "Dữ liệu minh họa theo kết quả công bố năm 2017."
            if year == 2017
            else f"Dữ liệu minh họa: chỉ số năm {year} không lấy từ công bố nào."
        ),
    )
    created.append(f"kỳ đánh giá {code}")


def cantho_2017_losses() -> list[dict]:
    """The rows of shared/data/cantho-2017-losses.csv (copied verbatim into fixtures/sources)."""
    with open(CANTHO_2017_LOSSES_FILE, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def loss_reason(row: dict) -> str:
    """The appraisal reason of a lost node as the published analysis gives it: the cause, then what full
    points require. Both are this unit's appraisal for this year (the framework's guidance is the same for
    every unit), so they live in the reason, not on the node."""
    cause = row["cause"].strip().rstrip(".")
    return f"{cause}. Để đạt điểm tối đa: {row['full_points_requires'].strip().rstrip('.')}."


def _cantho_provincial_values(unit, nodes) -> dict[str, dict]:
    reasons = {row["code"]: loss_reason(row) for row in cantho_2017_losses()}
    values = {}
    for node in nodes:
        if node.method == Method.SURVEY:
            values[node.code] = {"survey_points": Decimal(CANTHO_2017_SURVEY[node.code])}
        else:
            appraised = Decimal(CANTHO_2017_APPRAISAL_LOSSES.get(node.code, node.max_points))
            values[node.code] = {"self_points": node.max_points, "appraised_points_r1": appraised}
            if node.code in reasons:
                values[node.code]["appraisal_reason_r1"] = reasons[node.code]
    return values


def _targets(targets: dict[str, str]):
    def values_for(unit, nodes):
        return _values_for_index(Decimal(targets[unit.code]), nodes, seed=unit.code)

    return values_for


def _values_for_index(target: Decimal, nodes, *, seed: str) -> dict[str, dict]:
    """Leaf scores of a 100-point framework summing to `target`: appraisal losses in quarter points spread
    over random nodes, the rest taken from the survey nodes. Deterministic per unit.

    Bonus and deduction nodes (2018) get whole illustrative points from a generator of their own, and the base
    is set so that the final index, once the 2018 caps are applied (calculator.apply_adjustments), is `target`;
    a framework without them gets exactly the values it always had."""
    rng = random.Random(seed)
    adjustments = [n for n in nodes if n.method in ADJUSTMENT_METHODS]
    nodes = [n for n in nodes if n.method not in ADJUSTMENT_METHODS]
    adjusted = _adjustments_for(adjustments, random.Random(f"{seed}-thuong-tru"), target)
    target = target - adjusted.bonus + adjusted.deduction
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
    values.update(adjusted.values)
    return values


class _Adjustments(NamedTuple):
    values: dict
    bonus: Decimal  # as applied: within BONUS_CAP_2018
    deduction: Decimal  # as applied: within DEDUCTION_CAP_2018


def _adjustments_for(nodes, rng: random.Random, target: Decimal) -> _Adjustments:
    """Bonus and deduction values of one unit and what the 2018 caps let through. A deduction larger than
    what the unit lost would need a base above 100: such a unit gets none."""
    values = {node.code: _adjustment_values(node, rng) for node in nodes}

    def applied(method, cap):
        asked = sum(
            (values[n.code]["appraised_points_r1"] for n in nodes if n.method == method), calculator.ZERO
        )
        return min(asked, cap)

    bonus, deduction = applied(Method.BONUS, BONUS_CAP_2018), applied(Method.DEDUCTION, DEDUCTION_CAP_2018)
    if deduction > Decimal(100) - target:
        for node in nodes:
            if node.method == Method.DEDUCTION:
                values[node.code] = {"self_points": calculator.ZERO, "appraised_points_r1": calculator.ZERO}
        deduction = calculator.ZERO
    return _Adjustments(values, bonus, deduction)


def _adjustment_values(node, rng: random.Random) -> dict:
    """Illustrative bonus or deduction points in whole points: a bonus is often claimed in full and appraised
    lower; most units have no deduction."""
    if node.method == Method.BONUS:
        appraised = Decimal(rng.randint(0, int(node.max_points)))
        claimed = node.max_points if rng.random() < 0.5 else appraised
    else:
        appraised = Decimal(rng.randint(1, int(node.max_points))) if rng.random() < 0.3 else Decimal(0)
        claimed = appraised
    return {"self_points": claimed, "appraised_points_r1": appraised}


DEMO_ACCOUNTS = [
    # username, full name, role group, unit code or None, membership role
    ("sonoivu", "Chuyên viên Sở Nội vụ (minh họa)", "secretariat", None, None),
    ("thamdinh", "Thẩm định viên (minh họa)", "appraiser", None, None),
    ("canbo.stp", "Cán bộ đầu mối Sở Tư pháp (minh họa)", "unit", "92-stp", "officer"),
    ("lanhdao.stp", "Lãnh đạo Sở Tư pháp (minh họa)", "unit", "92-stp", "leader"),
    ("canbo.syt", "Cán bộ đầu mối Sở Y tế (minh họa)", "unit", "92-syt", "officer"),
    ("lanhdao.syt", "Lãnh đạo Sở Y tế (minh họa)", "unit", "92-syt", "leader"),
]


def demo_accounts() -> tuple[dict, list[tuple[str, str]]]:
    """The demo accounts by username, creating those missing; and (username, password) of those created.

    Passwords are random per installation and shown once; nothing here is a known default. The secretariat
    account is installed first (as `createsuperuser` would be) and creates the others through the account
    services, each then setting its password through its own one-time link.
    """
    import secrets

    from django.contrib.auth import get_user_model

    from scoring.roles import ensure_roles
    from units import services as accounts

    ensure_roles()
    user_model = get_user_model()
    created = []
    secretariat = user_model.objects.filter(username="sonoivu").first()
    if secretariat is None:
        password = secrets.token_urlsafe(12)
        secretariat = accounts.account_bootstrap(
            username="sonoivu", first_name=DEMO_ACCOUNTS[0][1], password=password
        )
        created.append(("sonoivu", password))
    users = {"sonoivu": secretariat}
    for username, full_name, role, unit_code, unit_role in DEMO_ACCOUNTS[1:]:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            memberships = (
                [accounts.MembershipRow(Unit.objects.get(code=unit_code), unit_role)] if unit_code else []
            )
            user, link = accounts.account_create(
                acting_user=secretariat,
                username=username,
                first_name=full_name,
                role=role,
                memberships=memberships,
                base_url="http://127.0.0.1",
            )
            # The account sets its password through its own one-time link, as a person handed the link would.
            password = secrets.token_urlsafe(12)
            token = link.url.rstrip("/").rsplit("/", 1)[1]
            accounts.password_set(user=user, acting_user=user, token=token, password=password)
            created.append((username, password))
        users[username] = user
    return users, created
