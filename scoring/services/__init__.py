"""Every write to frameworks, periods, assessments and scores goes through these functions.

Each runs in one transaction, validates before writing and leaves history (django-simple-history) for
changes to frameworks, periods, assessments and score entries. Results are derived and rewritten by
`scores_recompute`.
"""

from scoring.services.appraisal import AppraisalConflict, appraisal_record, survey_waive
from scoring.services.assessments import (
    assessment_open,
    explanation_save,
    period_group_add,
    score_entries_fill,
    score_entry_set,
    self_assessment_save,
    validate_points,
)
from scoring.services.evidence import evidence_add, evidence_link
from scoring.services.frameworks import (
    framework_activate,
    framework_import,
    framework_integrity,
    framework_new_version,
)
from scoring.services.publication import publication_correct, publication_create
from scoring.services.recompute import scores_recompute

__all__ = [
    "AppraisalConflict",
    "appraisal_record",
    "assessment_open",
    "evidence_add",
    "explanation_save",
    "evidence_link",
    "framework_activate",
    "framework_import",
    "framework_integrity",
    "framework_new_version",
    "period_group_add",
    "publication_correct",
    "publication_create",
    "score_entries_fill",
    "score_entry_set",
    "scores_recompute",
    "self_assessment_save",
    "survey_waive",
    "validate_points",
]
