"""What is scored and how: frameworks, periods, assessments, score entries and stored results.

Points are DecimalFields with 4 decimal places; percentages keep 10. Rounding to 2 places happens only for
display (scoring.calculator.round_display).
"""

from scoring.models.base import NON_NEGATIVE, PERCENT, POINTS, ByCodeManager
from scoring.models.evidence import EvidenceDocument, EvidenceLink
from scoring.models.frameworks import (
    DomainSummary,
    DomainSummaryManager,
    Framework,
    FrameworkNode,
    FrameworkNodeManager,
    FrameworkStatus,
    Method,
    NodeLevel,
)
from scoring.models.periods import (
    PUBLIC_PERIOD_STATUSES,
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
from scoring.models.workflow import AppraiserAssignment, DeadlineExtension, Phase, WorkflowEvent

__all__ = [
    "Publication",
    "PublishedUnit",
    "EvidenceDocument",
    "EvidenceLink",
    "AppraiserAssignment",
    "DeadlineExtension",
    "Phase",
    "WorkflowEvent",
    "NON_NEGATIVE",
    "PERCENT",
    "POINTS",
    "PUBLIC_PERIOD_STATUSES",
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
    "Method",
    "NodeLevel",
    "Period",
    "PeriodGroup",
    "PeriodStatus",
    "ScoreEntry",
]
