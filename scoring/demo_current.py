"""The demo's open period for the current year, with deadlines relative to the day it is seeded, so that every
demo account can act at once: officers fill, leaders submit (Sở Y tế has submitted and may withdraw), the
secretariat runs the period, the appraiser is assigned and sees the queue.

All of it is entered through the services, as the demo accounts themselves would through the screens.
"""

import datetime
import random
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q

from scoring import policy, services
from scoring.demo import QUARTER
from scoring.models import Assessment, Method, Period
from units.models import Unit, UnitGroup

GROUP_CODE = "cantho-so-minh-hoa"
# A one-page PDF saying what it is; enough for the upload checks (content sniffing) and a download.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<<>>>>endobj\n"
    b"4 0 obj<</Length 44>>stream\nBT /F1 12 Tf 72 770 Td (Du lieu minh hoa) Tj ET\nendstream endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def current_code(year: int) -> str:
    return f"{year}-so"


def seed_current_period(created: list[str], *, actor, accounts: dict, framework) -> None:
    today = policy.today()
    year = today.year
    code = current_code(year)
    if Period.objects.filter(code=code).exists():
        return
    period = services.period_create(
        acting_user=actor,
        code=code,
        year=year,
        title=f"Chỉ số CCHC các sở, ban, ngành năm {year} (minh họa)",
        deadlines={
            "self_assessment_deadline": today + datetime.timedelta(days=14),
            "appraisal_deadline": today + datetime.timedelta(days=35),
            "explanation_deadline": today + datetime.timedelta(days=49),
            "final_appraisal_deadline": today + datetime.timedelta(days=63),
        },
        bands=[services.BandSpec(name, Decimal(minimum)) for name, minimum in BANDS],
        groups=[(_group(actor), framework)],
        note="Dữ liệu minh họa: hạn của kỳ được đặt theo ngày cài đặt để mọi vai trò dùng thử được ngay.",
        previous=Period.objects.filter(code="2018-so").first(),
        is_demo=True,
    )
    services.period_advance(period=period, acting_user=actor, expected_status=period.status)
    services.appraisers_assign(period=period, acting_user=actor, appraiser=accounts["thamdinh"])
    _submitted(period, "92-syt", officer=accounts["canbo.syt"], leader=accounts["lanhdao.syt"], year=year)
    _in_progress(period, "92-stp", officer=accounts["canbo.stp"])
    created.append(f"kỳ đánh giá {code} (đang tự đánh giá, hạn {period.self_assessment_deadline:%d/%m/%Y})")


# Bands of the unit-level sets Cần Thơ uses since 2022 (illustrative thresholds for the demo).
BANDS = [("Xuất sắc", "90"), ("Tốt", "80"), ("Khá", "65"), ("Trung bình", "50"), ("Yếu", "0")]


def _group(actor) -> UnitGroup:
    """The departments of 2017 still in existence, and the units formed from the others by the 2025 mergers."""
    from units.services import unit_group_create

    group = UnitGroup.objects.filter(code=GROUP_CODE).first()
    if group is not None:
        return group
    departments = Unit.objects.filter(unit_groups__code="cantho-so-2017")
    in_year = policy.units_in_year_q(policy.today().year)
    return unit_group_create(
        acting_user=actor,
        code=GROUP_CODE,
        name="Sở, ban, ngành thành phố Cần Thơ (minh họa)",
        description="Các đơn vị của năm 2017 còn hoạt động và đơn vị hợp nhất từ các đơn vị khác năm 2025, dùng cho "
        "kỳ đánh giá minh họa năm hiện tại (dữ liệu minh họa).",
        members=list(
            Unit.objects.filter(in_year)
            .filter(Q(pk__in=departments) | Q(predecessors__in=departments))
            .distinct()
        ),
    )


def _self_values(assessment, *, share: float, seed: str) -> tuple[dict, dict]:
    """Self scores for the first `share` of the appraisal nodes (deterministic), with a demo explanation."""
    rng = random.Random(seed)
    entries = list(
        assessment.entries.select_related("node").exclude(node__method=Method.SURVEY).order_by("node__order")
    )
    chosen = entries[: max(1, round(len(entries) * share))]
    values, versions = {}, {}
    for entry in chosen:
        cut = QUARTER * rng.randint(0, 2) if entry.node.max_points >= Decimal("0.5") else Decimal(0)
        values[entry.node.code] = {
            "self_points": entry.node.max_points - cut,
            "declared_figures": "",
            "explanation": "Dữ liệu minh họa.",
        }
        versions[entry.node.code] = entry.version
    return values, versions


def _submitted(period, unit_code, *, officer, leader, year) -> None:
    assessment = Assessment.objects.get(period=period, unit__code=unit_code)
    document = services.evidence_add(
        unit=assessment.unit,
        acting_user=officer,
        title=f"Kế hoạch cải cách hành chính năm {year} (minh họa)",
        number=f"15/KH-{unit_code.split('-')[-1].upper()}",
        issue_date=datetime.date(year, 1, 20),
        issuer=str(assessment.unit),
        upload=SimpleUploadedFile("ke-hoach-cchc-minh-hoa.pdf", DEMO_PDF, content_type="application/pdf"),
    )
    values, versions = _self_values(assessment, share=1.0, seed=f"{year}-{unit_code}")
    services.self_assessment_save(
        assessment=assessment,
        acting_user=officer,
        values=values,
        versions=versions,
        links=[("1.1.1", document, "trang 1")],
    )
    services.self_assessment_submit(assessment=assessment, acting_user=leader, values={}, versions={})


def _in_progress(period, unit_code, *, officer) -> None:
    assessment = Assessment.objects.get(period=period, unit__code=unit_code)
    values, versions = _self_values(assessment, share=0.3, seed=f"{period.year}-{unit_code}")
    services.self_assessment_save(
        assessment=assessment, acting_user=officer, values=values, versions=versions
    )
