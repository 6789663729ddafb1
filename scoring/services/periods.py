"""Setting a period up: create it (from scratch or from last year's), its deadlines, bands and unit groups,
per-unit deadline extensions and appraiser assignments. Every function is one decision of the secretariat."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from scoring import policy
from scoring.models import (
    AppraiserAssignment,
    Assessment,
    Band,
    DeadlineExtension,
    Framework,
    FrameworkNode,
    FrameworkStatus,
    NodeLevel,
    Period,
    PeriodGroup,
)
from scoring.services.audit import event, lock_period, require_secretariat, save_with_history
from units.models import Unit, UnitGroup

SETUP = "thiết lập kỳ đánh giá"
# The deadline fields in phase order, with their labels.
DEADLINE_LABELS = {field: policy.deadline_label(field) for field in policy.PHASE_DEADLINE_FIELDS.values()}


@dataclass(frozen=True)
class BandSpec:
    name: str
    min_index: Decimal


def _check_deadlines(deadlines: dict) -> None:
    """Deadlines, where set, follow the order of the phases."""
    fields = list(DEADLINE_LABELS)
    previous = None
    for field in fields:
        value = deadlines.get(field)
        if value is None:
            continue
        if previous is not None and value < deadlines[previous]:
            raise ValidationError(
                {field: f"{DEADLINE_LABELS[field]} phải sau {DEADLINE_LABELS[previous].lower()}."}
            )
        previous = field


def _check_bands(bands: list[BandSpec]) -> None:
    names, thresholds = set(), set()
    for band in bands:
        if not band.name.strip():
            raise ValidationError("Mỗi mức xếp loại cần có tên.")
        if band.name.strip() in names:
            raise ValidationError(f"Tên mức xếp loại «{band.name}» bị trùng.")
        if band.min_index in thresholds:
            raise ValidationError(f"Hai mức xếp loại cùng ngưỡng {band.min_index}.")
        if not Decimal(0) <= band.min_index <= Decimal(100):
            raise ValidationError(f"Ngưỡng của «{band.name}» phải từ 0 đến 100.")
        names.add(band.name.strip())
        thresholds.add(band.min_index)


CAP_LABELS = {"bonus_cap": "Điểm thưởng tối đa", "deduction_cap": "Điểm trừ tối đa"}
CAP_LIMIT = Decimal(100)


def _check_caps(caps: dict) -> None:
    """Caps on bonus and deduction points, where set: on the 100-point scale of the index, 0 to 100."""
    for field, value in caps.items():
        if value is None:
            continue
        if not isinstance(value, Decimal) or not value.is_finite():
            raise ValidationError({field: f"{CAP_LABELS[field]} phải là số."})
        if value < 0:
            raise ValidationError({field: f"{CAP_LABELS[field]} không được âm."})
        if value > CAP_LIMIT:
            raise ValidationError({field: f"{CAP_LABELS[field]} không được vượt 100 điểm."})


def _check_group(period: Period, unit_group, framework: Framework) -> None:
    if framework.status == FrameworkStatus.DRAFT:
        raise ValidationError(
            f"Bộ tiêu chí «{framework.code}» còn là dự thảo; hãy kiểm tra và áp dụng trước khi dùng."
        )
    if period.pk and period.groups.filter(unit_group=unit_group).exists():
        raise ValidationError(f"Nhóm «{unit_group}» đã tham gia kỳ đánh giá này.")
    if period.pk:
        # Two filter() calls: two joins, so a unit must belong to this group and to one already in the period.
        shared = Unit.objects.filter(unit_groups=unit_group).filter(
            unit_groups__in=[g.unit_group_id for g in period.groups.all()]
        )
        if shared.exists():
            raise ValidationError(
                f"Đơn vị «{shared.first()}» đã thuộc một nhóm khác của kỳ đánh giá; mỗi đơn vị chỉ được đánh "
                "giá một lần trong kỳ."
            )


def _add_group(period: Period, unit_group, framework: Framework) -> PeriodGroup:
    _check_group(period, unit_group, framework)
    group = PeriodGroup.objects.create(period=period, unit_group=unit_group, framework=framework)
    if framework.status != FrameworkStatus.FROZEN:
        framework.status = FrameworkStatus.FROZEN  # a framework in use never changes again
        framework.save(update_fields=["status", "updated_at"])
    return group


def period_create(
    *,
    acting_user,
    code: str,
    year: int,
    title: str,
    deadlines: dict | None = None,
    bands: list[BandSpec] = (),
    groups: list[tuple] = (),
    note: str = "",
    previous: Period | None = None,
    is_demo: bool = False,
    bonus_cap: Decimal | None = None,
    deduction_cap: Decimal | None = None,
) -> Period:
    """Create a period in setup with its deadlines, bands, (unit group, framework) pairs and the caps on bonus
    and deduction points (None: no cap beyond the nodes' maxima)."""
    require_secretariat(acting_user, SETUP)
    deadlines = deadlines or {}
    _check_deadlines(deadlines)
    _check_bands(list(bands))
    _check_caps({"bonus_cap": bonus_cap, "deduction_cap": deduction_cap})
    period = Period(
        code=code.strip(),
        year=year,
        title=title.strip(),
        note=note.strip(),
        previous=previous,
        is_demo=is_demo,
        bonus_cap=bonus_cap,
        deduction_cap=deduction_cap,
        **deadlines,
    )
    period.full_clean()
    with transaction.atomic():
        save_with_history(period, acting_user=acting_user)
        Band.objects.bulk_create(
            Band(period=period, name=b.name.strip(), min_index=b.min_index) for b in bands
        )
        for unit_group, framework in groups:
            _add_group(period, unit_group, framework)
    return period


def _shift_years(value: datetime.date | None, years: int) -> datetime.date | None:
    if value is None:
        return None
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February in a year that has none
        return value.replace(year=value.year + years, day=28)


def period_create_from_previous(*, acting_user, previous: Period, code: str, year: int, title: str) -> Period:
    """A new period like `previous`: the same unit groups and frameworks, its bands and caps, and its deadlines
    moved by the difference in years. The secretariat then reviews it while it is in setup."""
    years = year - previous.year
    return period_create(
        acting_user=acting_user,
        code=code,
        year=year,
        title=title,
        deadlines={field: _shift_years(getattr(previous, field), years) for field in DEADLINE_LABELS},
        bands=[BandSpec(b.name, b.min_index) for b in previous.bands.all()],
        groups=[
            (g.unit_group, g.framework) for g in previous.groups.select_related("unit_group", "framework")
        ],
        previous=previous,
        bonus_cap=previous.bonus_cap,
        deduction_cap=previous.deduction_cap,
    )


def period_update(
    *, period: Period, acting_user, title: str, deadlines: dict, note: str = "", caps: dict | None = None
) -> Period:
    """Change a period's title, note and deadlines (deadlines until final appraisal ends), and its caps on bonus
    and deduction points (`caps`: bonus_cap and/or deduction_cap, None for no cap; setup only, like the bands:
    they decide the results)."""
    require_secretariat(acting_user, SETUP)
    caps = caps or {}
    _check_caps(caps)
    with transaction.atomic():
        current = lock_period(period)
        changed_deadlines = {f: v for f, v in deadlines.items() if getattr(current, f) != v}
        if changed_deadlines and not policy.may_change_deadlines(current.status):
            raise ValidationError("Kỳ đánh giá đã công bố: không đổi hạn được nữa.")
        changed_caps = [f for f, v in caps.items() if getattr(current, f) != v]
        if changed_caps and not policy.may_configure(current.status):
            raise ValidationError(
                {
                    changed_caps[
                        0
                    ]: "Chỉ đổi điểm thưởng, điểm trừ tối đa khi kỳ đánh giá đang thiết lập: mức "
                    "tối đa quyết định kết quả của mọi đơn vị."
                }
            )
        _check_deadlines({**{f: getattr(current, f) for f in DEADLINE_LABELS}, **deadlines})
        current.title = title.strip()
        current.note = note.strip()
        for field, value in [*deadlines.items(), *caps.items()]:
            setattr(current, field, value)
        current.full_clean()
        save_with_history(current, acting_user=acting_user)
    return current


def period_bands_set(*, period: Period, acting_user, bands: list[BandSpec]) -> Period:
    """Replace the period's classification bands (setup only: bands decide published results)."""
    require_secretariat(acting_user, SETUP)
    _check_bands(bands)
    with transaction.atomic():
        current = lock_period(period)
        if not policy.may_configure(current.status):
            raise ValidationError("Chỉ đổi mức xếp loại khi kỳ đánh giá đang thiết lập.")
        current.bands.all().delete()
        Band.objects.bulk_create(
            Band(period=current, name=b.name.strip(), min_index=b.min_index) for b in bands
        )
        event(
            period=current,
            actor=acting_user,
            action="bands",
            reason="; ".join(f"{b.name} ≥ {b.min_index}" for b in bands),
        )
    return current


def period_group_add(*, period: Period, acting_user, unit_group, framework: Framework) -> PeriodGroup:
    """Let a unit group take part in a period under a framework (setup only); the framework is frozen."""
    require_secretariat(acting_user, SETUP)
    with transaction.atomic():
        current = lock_period(period)
        if not policy.may_configure(current.status):
            raise ValidationError("Chỉ thêm nhóm đơn vị khi kỳ đánh giá đang thiết lập.")
        return _add_group(current, unit_group, framework)


def period_group_remove(*, period_group: PeriodGroup, acting_user) -> None:
    require_secretariat(acting_user, SETUP)
    with transaction.atomic():
        current = lock_period(period_group.period)
        if not policy.may_configure(current.status) or period_group.assessments.exists():
            raise ValidationError("Chỉ bỏ nhóm đơn vị khi kỳ đánh giá đang thiết lập.")
        period_group.delete()


def period_ranking_groups_set(*, period: Period, acting_user, groups) -> Period:
    """Set the period's named ranking groups (nhóm xếp hạng riêng), until publication. Each must be in use in
    the period's year, must not be one of the period's own groups (its ranking already exists) and must hold
    at least two units of the period. One history row of the period records the new set."""
    require_secretariat(acting_user, SETUP)
    groups = list(groups)
    with transaction.atomic():
        current = lock_period(period)
        if not policy.may_set_ranking_groups(current.status):
            raise ValidationError("Kỳ đánh giá đã công bố: nhóm xếp hạng riêng không đổi được nữa.")
        own = set(current.groups.values_list("unit_group_id", flat=True))
        taking_part = Unit.objects.filter(unit_groups__in=own).filter(policy.units_in_year_q(current.year))
        start, end = datetime.date(current.year, 1, 1), datetime.date(current.year, 12, 31)
        members = dict(
            UnitGroup.objects.filter(pk__in=[g.pk for g in groups])
            .annotate(n=Count("members", filter=Q(members__in=taking_part), distinct=True))
            .values_list("pk", "n")
        )
        for group in groups:
            if group.pk in own:
                raise ValidationError(
                    {"ranking_groups": f"«{group}» là nhóm đánh giá của kỳ: thứ hạng trong nhóm này đã có."}
                )
            if (group.valid_to and group.valid_to <= start) or (group.valid_from and group.valid_from > end):
                raise ValidationError(
                    {"ranking_groups": f"Nhóm «{group}» không dùng trong năm {current.year}."}
                )
            if members[group.pk] < 2:
                raise ValidationError(
                    {
                        "ranking_groups": f"Nhóm «{group}» có ít hơn 2 đơn vị tham gia kỳ đánh giá: không xếp hạng "
                        "riêng được."
                    }
                )
        # One history row with the new set and the acting user (not one per added and removed group).
        current.skip_history_when_saving = True
        try:
            current.ranking_groups.set(groups)
        finally:
            del current.skip_history_when_saving
        save_with_history(
            current,
            acting_user=acting_user,
            reason="Nhóm xếp hạng riêng: " + (", ".join(sorted(str(g) for g in groups)) or "không có"),
        )
    return current


def deadline_extend(*, period: Period, unit, phase: str, deadline: datetime.date, reason: str, acting_user):
    """Give one unit its own deadline for a phase (secretariat only; a reason is required)."""
    require_secretariat(acting_user, "gia hạn cho đơn vị")
    if not reason.strip():
        raise ValidationError({"reason": "Nhập lý do gia hạn."})
    if phase not in policy.UNIT_PHASES:
        raise ValidationError({"phase": "Giai đoạn không hợp lệ."})
    assessment = Assessment.objects.filter(period=period, unit=unit).first()
    if assessment is None:
        raise ValidationError(f"{unit} không tham gia {period}.")
    with transaction.atomic():
        current = lock_period(period)
        base = policy.period_deadline(current, policy.UNIT_PHASES[phase])
        if base is not None and deadline < base:
            raise ValidationError({"deadline": f"Hạn mới phải từ {base:%d/%m/%Y} (hạn chung của kỳ) trở đi."})
        extension, _ = DeadlineExtension.objects.update_or_create(
            period=current,
            unit=unit,
            phase=phase,
            defaults={"deadline": deadline, "reason": reason.strip(), "granted_by": acting_user},
        )
        event(
            period=current,
            assessment=assessment,
            actor=acting_user,
            action="extend",
            reason=f"Gia hạn {extension.get_phase_display().lower()} đến {deadline:%d/%m/%Y}: {reason.strip()}",
        )
    return extension


def appraisers_assign(*, period: Period, acting_user, appraiser, units=(), domain_codes=()) -> int:
    """Assign an appraiser to units (none: every unit) and domains (none: every domain) of a period.

    Creates the missing (unit, domain) pairs; returns how many were added."""
    from scoring.roles import is_appraiser

    require_secretariat(acting_user, SETUP)
    if not is_appraiser(appraiser):
        raise ValidationError({"appraiser": f"{appraiser} không có vai trò thẩm định viên."})
    if not policy.may_assign(period.status):
        raise ValidationError("Kỳ đánh giá đã lưu trữ: không phân công thêm được.")
    known = set(
        FrameworkNode.objects.filter(
            framework__in=period.groups.values("framework"), level=NodeLevel.DOMAIN
        ).values_list("code", flat=True)
    )
    unknown = [code for code in domain_codes if code not in known]
    if unknown:
        raise ValidationError({"domain_codes": f"Không có lĩnh vực {', '.join(unknown)} trong kỳ đánh giá."})
    outside = [unit for unit in units if not period.groups.filter(unit_group__members=unit).exists()]
    if outside:
        raise ValidationError({"units": f"{outside[0]} không thuộc nhóm nào của kỳ đánh giá."})
    pairs = [(unit, code) for unit in (units or [None]) for code in (domain_codes or [""])]
    added = 0
    with transaction.atomic():
        for unit, code in pairs:
            _, created = AppraiserAssignment.objects.get_or_create(
                period=period, appraiser=appraiser, unit=unit, domain_code=code
            )
            added += created
        if added:
            event(
                period=period,
                actor=acting_user,
                action="assign",
                reason=f"Phân công {appraiser.get_full_name() or appraiser.username}: "
                + ", ".join(
                    f"{u or 'mọi đơn vị'} / {('lĩnh vực ' + c) if c else 'mọi lĩnh vực'}" for u, c in pairs
                ),
            )
    return added


def appraiser_assignment_remove(*, assignment: AppraiserAssignment, acting_user) -> None:
    require_secretariat(acting_user, SETUP)
    with transaction.atomic():
        event(period=assignment.period, actor=acting_user, action="unassign", reason=str(assignment))
        assignment.delete()
