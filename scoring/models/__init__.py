"""What is scored and how: frameworks, periods, assessments, score entries and stored results.

Points are DecimalFields with 4 decimal places; percentages keep 10. Rounding to 2 places happens only for
display (scoring.calculator.round_display).
"""

from scoring.models.base import CODE_VALIDATOR, NON_NEGATIVE, PERCENT, POINTS, TEXT_MAX_LENGTH, ByCodeManager
from scoring.models.corrections import Correction, CorrectionItem, CorrectionStatus
from scoring.models.evidence import EvidenceDocument, EvidenceLink
from scoring.models.frameworks import (
    ADJUSTMENT_METHODS,
    DomainSummary,
    DomainSummaryManager,
    Framework,
    FrameworkNode,
    FrameworkNodeManager,
    FrameworkStatus,
    LossKind,
    Method,
    NodeLevel,
)
from scoring.models.national import (
    DataImport,
    DataImportKind,
    DataImportStatus,
    NationalRow,
    NationalYear,
)
from scoring.models.periods import (
    Assessment,
    AssessmentStatus,
    Band,
    Period,
    PeriodGroup,
    PeriodStatus,
    ScoreEntry,
)
from scoring.models.publication import Publication, PublishedUnit
from scoring.models.results import AssessmentResult
from scoring.models.workflow import (
    AppraiserAssignment,
    DeadlineExtension,
    Phase,
    WorkflowAction,
    WorkflowEvent,
)

__all__ = [
    "ADJUSTMENT_METHODS",
    "DataImport",
    "DataImportKind",
    "DataImportStatus",
    "NationalRow",
    "NationalYear",
    "CODE_VALIDATOR",
    "TEXT_MAX_LENGTH",
    "Correction",
    "CorrectionItem",
    "CorrectionStatus",
    "Publication",
    "PublishedUnit",
    "EvidenceDocument",
    "EvidenceLink",
    "AppraiserAssignment",
    "DeadlineExtension",
    "Phase",
    "WorkflowAction",
    "WorkflowEvent",
    "NON_NEGATIVE",
    "PERCENT",
    "POINTS",
    "Assessment",
    "AssessmentResult",
    "AssessmentStatus",
    "Band",
    "ByCodeManager",
    "DomainSummary",
    "DomainSummaryManager",
    "Framework",
    "FrameworkNode",
    "FrameworkNodeManager",
    "FrameworkStatus",
    "LossKind",
    "Method",
    "NodeLevel",
    "Period",
    "PeriodGroup",
    "PeriodStatus",
    "ScoreEntry",
]
