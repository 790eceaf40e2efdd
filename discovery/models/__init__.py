"""Discovery (발굴): crisis reports from every channel, the community network, rewards, list imports."""

from .channels import ReportSource, SourceKind  # noqa: F401
from .collaborators import (  # noqa: F401
    ActivityKind,
    CouncilMeeting,
    HappyProject,
    MemberActivity,
    MemberAppointment,
    MemberSupport,
    SupportKind,
)
from .imports import (  # noqa: F401
    ALL_RESULT_CHOICES,
    ROUND_LISTS,
    ROUNDS_PER_YEAR,
    BigDataRound,
    BigDataTarget,
    ImportBatch,
    ImportKind,
    ImportRowError,
    ImportStatus,
    ListSystem,
    LonelyDeathResult,
    RiskIndicator,
    RiskIndicatorAlias,
    TargetResult,
    UniversalKind,
    UniversalVisitTarget,
    UnmappedIndicator,
    result_choices,
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
from .programmes import (  # noqa: F401
    Attendance,
    Instrument,
    InstrumentItem,
    Measurement,
    Participant,
    Phase,
    Programme,
    ProgrammeSession,
)
from .public import (  # noqa: F401,E402
    CrisisType,
    HouseholdKind,
    PublicRequest,
    PublicStage,
    RequestKind,
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
