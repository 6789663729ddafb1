"""Every write. Each service takes keyword-only arguments with `acting_user`, checks permission inside, runs in
one transaction, validates before writing and leaves its audit record (history naming the acting user, or a
WorkflowEvent) in that transaction. Period-wide writes lock the period row first. Refusals raise
ValidationError or PermissionDenied with a Vietnamese message and change nothing.
"""

from scoring.services.appraisal import (
    AppraisalConflict,
    Decision,
    appraisal_accept_proposals,
    appraisal_proposals,
    appraisal_return,
    appraisal_round_record,
)
from scoring.services.corrections import (
    CorrectionDecision,
    correction_cancel,
    correction_open,
    correction_publish,
    correction_record,
)
from scoring.services.cycle import (
    assessment_exclude,
    assessment_include,
    assessments_finalise,
    period_advance,
    period_recompute,
)
from scoring.services.evidence import evidence_add, evidence_link, evidence_update
from scoring.services.explanation import explanation_save, explanation_send
from scoring.services.frameworks import (
    framework_activate,
    framework_import,
    framework_integrity,
    framework_new_version,
    framework_node_classify,
)
from scoring.services.historical import historical_results_import
from scoring.services.imports import data_import_confirm, national_upload_preview, survey_upload_preview
from scoring.services.national import national_table_import
from scoring.services.periods import (
    BandSpec,
    appraiser_assignment_remove,
    appraisers_assign,
    deadline_extend,
    period_bands_set,
    period_create,
    period_create_from_previous,
    period_group_add,
    period_group_remove,
    period_ranking_groups_set,
    period_update,
)
from scoring.services.publication import period_publish
from scoring.services.recompute import scores_recompute
from scoring.services.scores import score_entries_fill, validate_points
from scoring.services.self_assessment import (
    self_assessment_save,
    self_assessment_submit,
    self_assessment_withdraw,
)
from scoring.services.survey import SurveyValue, survey_points_record

__all__ = [
    "data_import_confirm",
    "national_table_import",
    "national_upload_preview",
    "survey_upload_preview",
    "AppraisalConflict",
    "BandSpec",
    "CorrectionDecision",
    "Decision",
    "SurveyValue",
    "appraisal_accept_proposals",
    "appraisal_proposals",
    "appraisal_return",
    "appraisal_round_record",
    "appraiser_assignment_remove",
    "appraisers_assign",
    "assessment_exclude",
    "assessment_include",
    "assessments_finalise",
    "correction_cancel",
    "correction_open",
    "correction_publish",
    "correction_record",
    "deadline_extend",
    "evidence_add",
    "evidence_link",
    "evidence_update",
    "explanation_save",
    "explanation_send",
    "framework_activate",
    "framework_import",
    "framework_integrity",
    "framework_new_version",
    "framework_node_classify",
    "historical_results_import",
    "period_advance",
    "period_bands_set",
    "period_create",
    "period_create_from_previous",
    "period_group_add",
    "period_group_remove",
    "period_publish",
    "period_ranking_groups_set",
    "period_recompute",
    "period_update",
    "score_entries_fill",
    "scores_recompute",
    "self_assessment_save",
    "self_assessment_submit",
    "self_assessment_withdraw",
    "survey_points_record",
    "validate_points",
]
