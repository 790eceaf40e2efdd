"""Households services: in a transaction, audited."""

from welfare.errors import RuleError, StaleVersion  # noqa: F401  (the views catch services.RuleError)

from .aftercare import (  # noqa: F401
    AftercareOutcome,
    AftercareResult,
    RelapsePath,
    aftercare_record,
)
from .attachments import (  # noqa: F401
    AttachmentInput,
    attachment_add,
    attachment_delete,
    attachment_read,
    attachments_purge,
    remove_deleted_files,
)
from .cases import (  # noqa: F401
    CASE_EDITABLE,
    _bump,
    case_goal_achieve,
    case_goal_add,
    case_move,
    case_needs_save,
    case_open,
    case_reopen,
    case_transition,
    case_update,
)
from .composition import (  # noqa: F401
    head_change,
    resident_join,
    resident_leave,
)
from .conferences import (  # noqa: F401
    PartnerInput,
    PlanItemInput,
    conference_errors,
    conference_record,
)
from .consents import (  # noqa: F401
    SignedConsentInput,
    consent_without_evidence,
    consents_sign,
    unsigned_consents,
    with_evidence,
)
from .followups import (  # noqa: F401
    _close_follow_ups,
    checkin_record,
    followup_cancel,
    followup_schedule,
    not_in_future,
    propose_next_contact,
)
from .households import (  # noqa: F401
    HOUSEHOLD_FIELDS,
    RESIDENT_FIELDS,
    consent_record,
    consent_withdraw,
    household_create,
    household_update,
    resident_add,
    resident_update,
    rrn_reveal,
    sensitive_profile_save,
)
from .isolation import (  # noqa: F401
    isolation_screening_record,
)
from .links import (  # noqa: F401
    LINK_FIELDS,
    service_link_create,
    service_link_transition,
)
from .measurements import (  # noqa: F401
    MeasurementBatch,
    MeasurementInput,
    checkin_record_with_measurements,
    measurement_rules,
    measurements_record,
)
from .risk import (  # noqa: F401
    household_clear_emergency,
    household_set_emergency,
    risk_after_emergency,
)
from .rules import (  # noqa: F401
    CONTACT_MADE,
    has_active_consent,
)
from .transfers import (  # noqa: F401
    hand_back_official,
    team_members,
    transfer_accept,
    transfer_hand_back,
    transfer_request,
    transfer_return,
    transfer_take,
)
from .visits import (  # noqa: F401
    HEALTH_NEED_DOMAINS,
    HEALTH_VISIT_KINDS,
    VisitData,
    VisitOutcome,
    VisitScope,
    _leave_without_successor,
    _visit_record,
    needs_errors,
    staff_of,
    visit_record,
    visit_scope,
    visit_validate,
)
from .worklists import (  # noqa: F401
    BulkResult,
    _bulk_targets,
    households_reassign,
    households_reschedule,
)
