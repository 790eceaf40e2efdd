"""Discovery (발굴): crisis reports from every channel, the community network, rewards, list imports."""

from .imports import (  # noqa: F401
    BigDataRound,
    BigDataTarget,
    ImportBatch,
    ImportKind,
    ImportRowError,
    ImportStatus,
    RiskIndicator,
    TargetResult,
    UniversalKind,
    UniversalVisitTarget,
)
from .network import (  # noqa: F401
    REWARD_EXCLUDED_OCCUPATIONS,
    REWARD_EXCLUDED_ROLES,
    DiscoveryPolicy,
    NetworkMember,
    NetworkMemberQuerySet,
    NetworkRole,
    Occupation,
)
from .reports import (  # noqa: F401
    OUTCOMES_NEEDING_REASON,
    AttemptMethod,
    Channel,
    ContactAttempt,
    CrisisReport,
    CrisisReportQuerySet,
    HouseholdMerge,
    ReporterIdentity,
    ReporterKind,
    ReportOutcome,
    ReportStatus,
    RewardDecision,
    RiskSignal,
    Urgency,
    overdue_q,
)
