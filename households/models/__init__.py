"""Households and the people in them, with their consents and sensitive details."""

from .areas import Area, AreaQuerySet  # noqa: F401
from .attachments import (  # noqa: F401
    Attachment,
    AttachmentKind,
    AttachmentQuerySet,
)
from .cases import (  # noqa: F401
    AFTERCARE_MOVES,
    AGREEMENT_DAYS,
    ASSESSMENT_DAYS,
    BEFORE_ASSESSMENT_DONE,
    BEFORE_PLAN_DONE,
    CLOSED_STAGES,
    CONFERENCE_MOVES,
    OPEN_STAGES,
    PLAN_DAYS,
    REASSESSMENT_SOON_DAYS,
    SELECTION_DAYS,
    TRANSITIONS,
    Case,
    CaseClass,
    CaseGoal,
    CaseNeed,
    CaseQuerySet,
    CaseSource,
    CaseStage,
    CaseStageChange,
    ClosingReason,
    NeedDomain,
    Severity,
)
from .composition import (  # noqa: F401
    MemberEvent,
    MemberEventKind,
)
from .conferences import (  # noqa: F401
    DECISION_CLASS,
    CaseConference,
    CaseConferenceQuerySet,
    ConferenceBody,
    ConferenceDecision,
    ConferenceKind,
    ConferencePartner,
    ConferencePlanItem,
)
from .field import FieldSyncReceipt  # noqa: F401
from .households import (  # noqa: F401
    BASIC_LIVELIHOOD_BENEFITS,
    CHARACTERISTIC_FIELDS,
    BenefitStatus,
    CareStatus,
    Household,
    HouseholdQuerySet,
    HousingType,
    RiskLevel,
    digits,  # welfare.common.phones.digits; discovery/services/intake.py still imports it from here
)
from .isolation import (  # noqa: F401
    ISOLATION_BANDS,
    ISOLATION_ITEMS,
    IsolationItemWording,
    IsolationScreening,
    isolation_band,
    isolation_items,
    isolation_risk,
)
from .links import (  # noqa: F401
    LINK_STATUSES_NEEDING_REASON,
    LINK_TRANSITIONS,
    LinkStatus,
    ServiceLink,
    ServiceLinkQuerySet,
)
from .measurements import (  # noqa: F401
    Measurement,
    MeasurementKind,
    MeasurementQuerySet,
)
from .phrases import (  # noqa: F401
    DEFAULT_PHRASES,
    PhraseTemplate,
)
from .policy import (  # noqa: F401
    CadencePolicy,
)
from .residents import (  # noqa: F401
    Consent,
    ConsentMethod,
    ConsentQuerySet,
    ConsentScope,
    DisabilitySeverity,
    LeftReason,
    Relation,
    Resident,
    ResidentQuerySet,
    SensitiveProfile,
    SensitiveProfileQuerySet,
    Sex,
)
from .transfers import (  # noqa: F401
    OPEN_TRANSFER_STATUSES,
    CaseTransfer,
    CaseTransferQuerySet,
    TransferStatus,
)
from .visits import (  # noqa: F401
    AFTERCARE_REASONS,
    NOT_MET_BY_VISIT,
    CheckIn,
    CheckInSource,
    ContactResult,
    FollowUp,
    FollowUpPriority,
    FollowUpQuerySet,
    FollowUpReason,
    FollowUpStatus,
    Visit,
    VisitKind,
    VisitNeed,
    VisitQuerySet,
)
