"""The PAR Index arithmetic: pure functions on plain data, no ORM.

Rules follow the provincial PAR Index method (Quyết định 2948/QĐ-BNV, 28/12/2017, and the unit-level sets
provinces derive from it) as described in DOMAIN.md:

- a scorable node's final points come from appraisal (round 2, else round 1) or from the survey;
- a parent's points and max are the sums over its children, leaving out not-applicable nodes;
- percentage = points / max × 100; the index is the total over the max the unit was assessed on;
- every value keeps full precision; rounding (2 places, half up) is for display only;
- bonus and deduction points (điểm thưởng, điểm trừ) are applied after the base, within the period's caps
  (apply_adjustments);
- bands and ranks use the index as published, i.e. rounded to 2 places; equal published indexes share a
  rank and the next rank skips (1, 2, 2, 4).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import NamedTuple

PERCENT_PLACES = Decimal("1E-10")
HUNDRED = Decimal(100)
ZERO = Decimal(0)

METHOD_SURVEY = "survey"
METHOD_BONUS = "bonus"
METHOD_DEDUCTION = "deduction"


def round_half_up(value: Decimal, places: int = 2) -> Decimal:
    """The one rounding rule: half up (12.045 → 12.05), for display and export only. A value too large to carry
    `places` decimals (1E+999) is returned as it is."""
    try:
        return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return value


def round_display(value: Decimal) -> Decimal:
    """2 decimal places, as indexes and points are published."""
    return round_half_up(value, 2)


def format_display(value: Decimal | None) -> str:
    """Machine display string with a dot (`83.53`); empty when there is no value."""
    if value is None:
        return ""
    return f"{round_display(value):.2f}"


def format_full(value: Decimal | None) -> str:
    """Machine string of the stored value at full precision, never in exponent form (a zero percentage is
    stored as 0E-10 and written `0.0000000000`); empty when there is no value."""
    if value is None:
        return ""
    return format(value, "f")


def final_points(
    *,
    method: str,
    appraised_r1: Decimal | None,
    appraised_r2: Decimal | None,
    survey: Decimal | None,
    not_applicable: bool,
) -> Decimal | None:
    """Points a scorable node earns: None when exempted or not yet scored.

    Survey nodes take the imported survey points. Appraisal nodes take the round-2 appraised score when there
    is one, else round 1 (DOMAIN.md, "Computation"). Self scores never count as final.
    """
    if not_applicable:
        return None
    if method == METHOD_SURVEY:
        return survey
    return appraised_r2 if appraised_r2 is not None else appraised_r1


def percentage(points: Decimal, max_points: Decimal) -> Decimal | None:
    """points / max × 100 at 10 decimal places, from unrounded points (Cần Thơ 2017 domain 5: 12.048 of 16 is
    75.30 %, although 12.05 is shown). None when nothing was assessed (max 0)."""
    if max_points == ZERO:
        return None
    return (points * HUNDRED / max_points).quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TreeNode:
    code: str
    parent_code: str | None
    max_points: Decimal
    is_scorable: bool


@dataclass(frozen=True)
class LeafScore:
    points: Decimal | None
    not_applicable: bool = False


class NodeTotal(NamedTuple):
    """A node's points and the max it was assessed on (a tuple: recompute makes half a million of them)."""

    points: Decimal
    max_points: Decimal

    @property
    def percentage(self) -> Decimal | None:
        return percentage(self.points, self.max_points)


def tree_totals(nodes: Sequence[TreeNode], leaves: Mapping[str, LeafScore]) -> dict[str, NodeTotal]:
    """Points and assessed max of every node of one assessment.

    A scorable node without a score earns 0 of its max; a not-applicable one adds neither points nor max, so
    its parents (and the index) are normalised over what the unit was assessed on. `nodes` must list parents
    before children, as frameworks are stored.
    """
    totals: dict[str, NodeTotal] = {}
    for node in reversed(nodes):
        if node.is_scorable:
            score = leaves.get(node.code, LeafScore(points=None))
            if score.not_applicable:
                own = NodeTotal(ZERO, ZERO)
            else:
                own = NodeTotal(score.points if score.points is not None else ZERO, node.max_points)
            totals[node.code] = own
        else:
            totals.setdefault(node.code, NodeTotal(ZERO, ZERO))
        if node.parent_code is not None:
            parent = totals.get(node.parent_code, NodeTotal(ZERO, ZERO))
            child = totals[node.code]
            totals[node.parent_code] = NodeTotal(
                parent.points + child.points, parent.max_points + child.max_points
            )
    return totals


class PartSums(NamedTuple):
    """Raw sums of one part of a framework (a domain, or a criterion) for one assessment, as the database adds
    them."""

    code: str
    domain_code: str
    max_points: Decimal  # the part's max in the framework
    earned: Decimal  # sum of the final points of its scorable nodes (exempted nodes have none)
    exempted_max: Decimal = ZERO  # sum of the max of its exempted (not applicable) nodes


@dataclass(frozen=True)
class AssessmentTotals:
    parts: dict[str, NodeTotal]
    domains: dict[str, NodeTotal]
    total: NodeTotal

    @property
    def index(self) -> Decimal | None:
        return self.total.percentage


def assessment_totals(parts: Sequence[PartSums], domain_codes: Sequence[str]) -> AssessmentTotals:
    """Every part's, domain's and the whole assessment's points and assessed max from raw sums. Parts are the
    domains themselves, or the criteria, whose sums make their domains'.

    Exempted nodes leave their max out, so a part, its domain and the index are normalised over what the unit
    was assessed on (DOMAIN.md, "Not applicable"). Domains are listed in `domain_codes` order, with zero totals
    for a domain that has no part.
    """
    by_part = {p.code: NodeTotal(p.earned, p.max_points - p.exempted_max) for p in parts}
    domains = {code: NodeTotal(ZERO, ZERO) for code in domain_codes}
    for p in parts:
        domain = domains.get(p.domain_code, NodeTotal(ZERO, ZERO))
        own = by_part[p.code]
        domains[p.domain_code] = NodeTotal(domain.points + own.points, domain.max_points + own.max_points)
    return AssessmentTotals(by_part, domains, total_of(domains.values()))


def total_of(domains: Iterable[NodeTotal]) -> NodeTotal:
    """Sum of the domain totals: the unit's points and the max it was assessed on."""
    points, max_points = ZERO, ZERO
    for domain in domains:
        points += domain.points
        max_points += domain.max_points
    return NodeTotal(points, max_points)


class Adjusted(NamedTuple):
    """An assessment's result once bonus and deduction points are applied to its base."""

    base: NodeTotal  # points and assessed max of the ordinary (appraisal and survey) nodes
    bonus: Decimal  # bonus points actually added
    deduction: Decimal  # points actually deducted
    total: NodeTotal  # final points, over the base's assessed max

    @property
    def index(self) -> Decimal | None:
        return self.total.percentage


def _capped(claimed: Decimal, cap: Decimal | None) -> Decimal:
    claimed = max(claimed, ZERO)
    if cap is None:
        return claimed
    return min(claimed, max(cap, ZERO))


def apply_adjustments(
    base: NodeTotal,
    *,
    bonus: Decimal,
    deduction: Decimal,
    bonus_cap: Decimal | None = None,
    deduction_cap: Decimal | None = None,
) -> Adjusted:
    """Apply bonus and deduction points (điểm thưởng, điểm trừ) after the index's base.

    Rule and order:
    1. The base is the points and assessed max of the ordinary nodes only (appraisal and survey, exemptions
       normalised as usual); bonus and deduction nodes add nothing to the max: they are outside the 100 points.
    2. Bonus: the sum of the bonus nodes' final points (each already at most its node's max), capped by the
       period's bonus cap when one is set, is added to the base points; the sum may not exceed the assessed max
       (an index never passes 100 %), so a bonus beyond what the unit lost is not counted.
    3. Deduction: the sum of the deduction nodes' final points (the points deducted), capped by the period's
       deduction cap, is then subtracted; the total may not fall below 0.
    4. Index = final points / assessed max × 100; bands and ranks use it.
    Because the deduction comes last, a violation always costs its points: a bonus cannot absorb it by first
    taking the total over the max. `bonus` and `deduction` returned are the amounts actually applied, so that
    base points + bonus − deduction = final points always holds as shown.

    Source: provincial unit-level sets carry bonus and deduction parts capped per year, e.g. Quyết định
    2319/QĐ-UBND (05/09/2019, Bà Rịa - Vũng Tàu: Bộ chỉ số theo dõi, đánh giá, xếp hạng kết quả CCHC của các
    đơn vị, địa phương), Quyết định 2071/QĐ-UBND (27/7/2018, Bình Dương: Chỉ số CCHC của sở, ngành, huyện,
    xã) and Quyết định 2712/QĐ-UBND (31/10/2025, Sơn La: tiêu chí và quy trình xác định Chỉ số CCHC năm 2025).
    Their issuing data were checked; the wording of their bonus and deduction clauses could not be read from
    here, so the clamping above is the conservative reading (no index above 100 % or below 0, deductions
    applied in full last) and must be checked against the province's own decision before use.
    """
    bonus_applied = min(_capped(bonus, bonus_cap), max(base.max_points - base.points, ZERO))
    with_bonus = base.points + bonus_applied
    deduction_applied = min(_capped(deduction, deduction_cap), with_bonus)
    final = NodeTotal(with_bonus - deduction_applied, base.max_points)
    return Adjusted(base, bonus_applied, deduction_applied, final)


def band_for(index: Decimal | None, bands: Sequence[tuple[str, Decimal]]) -> str:
    """The band (xếp loại) of an index: the first band, highest threshold first, whose minimum the index as
    published (2 places) reaches. Thresholds are set per period (2017: Rất tốt ≥ 90, Tốt ≥ 80, Khá ≥ 70,
    Trung bình ≥ 50, Yếu below). Empty when no band applies or there is no index."""
    if index is None:
        return ""
    shown = round_display(index)
    for name, minimum in sorted(bands, key=lambda band: band[1], reverse=True):
        if shown >= minimum:
            return name
    return ""


def competition_ranks(indexes: Mapping[object, Decimal | None]) -> dict[object, int | None]:
    """Standard competition ranking (1, 2, 2, 4) by index descending, compared at 2 places as published.

    Keys without an index get no rank.
    """
    shown = {key: round_display(value) for key, value in indexes.items() if value is not None}
    ordered = sorted(shown.values(), reverse=True)
    first_position: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return {key: (first_position[shown[key]] if key in shown else None) for key in indexes}


def year_on_year(
    index: Decimal | None, rank: int | None, previous_index: Decimal | None, previous_rank: int | None
) -> tuple[Decimal | None, int | None]:
    """The change of index (full precision: shown rounded, it may differ by 0.01 from the difference of the two
    rounded indexes, as published percentages do) and of rank, positive when the unit moved up (rank 5 → 2 is
    +3). None where either side is missing."""
    index_change = index - previous_index if index is not None and previous_index is not None else None
    rank_change = previous_rank - rank if rank is not None and previous_rank is not None else None
    return index_change, rank_change


def mean(values: Iterable[Decimal]) -> Decimal | None:
    """Arithmetic mean at full precision (e.g. the mean index of a group); None for no values."""
    items = list(values)
    if not items:
        return None
    return sum(items, ZERO) / len(items)


@dataclass(frozen=True)
class SelfScore:
    points: Decimal | None
    requires_evidence: bool
    has_evidence: bool
    has_explanation: bool

    @property
    def flagged(self) -> bool:
        """Points claimed on a node that requires evidence, with neither evidence nor an explanation."""
        return (
            bool(self.points) and self.requires_evidence and not (self.has_evidence or self.has_explanation)
        )


def provisional_self_total(scores: Iterable[SelfScore]) -> Decimal:
    """The unit's provisional self total under the provinces' rule "no evidence, no points" (không có tài
    liệu kiểm chứng thì không tính điểm, unless explained): flagged self scores are not counted."""
    total = ZERO
    for score in scores:
        if score.points is not None and not score.flagged:
            total += score.points
    return total
