"""Every non-trivial read. Each page's data comes from one function here, in a fixed number of queries."""

from scoring.selectors.appraisal import appraisal_form, appraisal_queue, assessments_for_appraiser
from scoring.selectors.public import (
    DEMO_LABEL,
    UNVERIFIED_LABEL,
    framework_detail,
    framework_specs,
    period_overview,
    public_frameworks,
    public_period,
    public_periods,
    ranking_for_period,
    unit_scorecard,
)
from scoring.selectors.queues import work_queues
from scoring.selectors.self_assessment import self_assessment_form

__all__ = [
    "appraisal_form",
    "appraisal_queue",
    "assessments_for_appraiser",
    "DEMO_LABEL",
    "UNVERIFIED_LABEL",
    "framework_detail",
    "framework_specs",
    "period_overview",
    "public_frameworks",
    "public_period",
    "public_periods",
    "ranking_for_period",
    "self_assessment_form",
    "unit_scorecard",
    "work_queues",
]
