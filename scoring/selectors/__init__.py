"""Every non-trivial read. Each page's data comes from one function here, in a fixed number of queries."""

from scoring.selectors.appraisal import appraisal_page, appraisal_queue, assessments_for_appraiser
from scoring.selectors.corrections import corrections_page
from scoring.selectors.deadlines import unit_deadline_of
from scoring.selectors.explanation import explanation_page
from scoring.selectors.exports import ranking_export, scorecard_export, self_assessment_report
from scoring.selectors.gaps import gap_analysis
from scoring.selectors.method import period_method
from scoring.selectors.national import national_export, national_table, national_years, province_comparison
from scoring.selectors.opendata import open_data_catalogue, open_data_table
from scoring.selectors.periods import (
    advance_preview,
    advance_problems,
    assignments_page,
    domain_choices,
    exclusions_page,
    extensions_page,
    finalise_preview,
    period_dashboard,
    publish_preview,
)
from scoring.selectors.public import (
    DEMO_LABEL,
    UNVERIFIED_LABEL,
    framework_detail,
    framework_specs,
    period_overview,
    public_frameworks,
    public_period,
    public_periods,
    unit_scorecard,
)
from scoring.selectors.queues import work_queues
from scoring.selectors.ranking import Listing, ranking_for_period
from scoring.selectors.search import site_search
from scoring.selectors.self_assessment import last_changes, self_assessment_page
from scoring.selectors.survey import survey_grid
from scoring.selectors.units import unit_history

__all__ = [
    "DEMO_LABEL",
    "Listing",
    "UNVERIFIED_LABEL",
    "advance_preview",
    "advance_problems",
    "appraisal_page",
    "appraisal_queue",
    "assessments_for_appraiser",
    "assignments_page",
    "corrections_page",
    "domain_choices",
    "exclusions_page",
    "explanation_page",
    "extensions_page",
    "finalise_preview",
    "last_changes",
    "framework_detail",
    "gap_analysis",
    "national_export",
    "national_table",
    "national_years",
    "province_comparison",
    "framework_specs",
    "open_data_catalogue",
    "open_data_table",
    "period_dashboard",
    "period_method",
    "period_overview",
    "public_frameworks",
    "public_period",
    "public_periods",
    "publish_preview",
    "ranking_export",
    "ranking_for_period",
    "scorecard_export",
    "self_assessment_page",
    "self_assessment_report",
    "site_search",
    "survey_grid",
    "unit_deadline_of",
    "unit_history",
    "unit_scorecard",
    "work_queues",
]
