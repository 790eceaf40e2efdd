"""Discovery services: intake from every channel, assignment, matching to households, contact attempts."""

from welfare.errors import RuleError, StaleVersion  # noqa: F401  (the views catch services.RuleError)

from .access import (  # noqa: F401
    MAX_LENGTHS,
    OFFICIAL_CHANNELS,
    RECEIPT_ALPHABET,
    RECEIPT_LENGTH,
    REPORT_FIELDS,
    REPORTER_FIELDS,
    REPORTER_MAX_LENGTHS,
    SUBJECT_FIELDS,
    _require_editor,
    _require_open,
    _require_visible,
    can_edit_reports,
    can_view_reporter,
)
from .assignment import (  # noqa: F401
    AssignResult,
    dong_staff_ids,
    report_set_dong,
    reports_assign,
)
from .front_door import (  # noqa: F401
    Submitted,
    public_request_lookup,
    public_request_submit,
    public_requests_notify,
    public_result,
    public_stage,
)
from .intake import (  # noqa: F401
    _reporter_kind,
    clean_report_data,
    clean_reporter,
    new_receipt_code,
    report_create,
)
from .matching import (  # noqa: F401
    MIN_PREFIX,
    ROAD_AND_NUMBER,
    RRN_IN_TEXT,
    SCORES,
    Candidate,
    _address_relation,
    _rrn_hashes,
    _screening,
    _similar_prefix,
    _visible_household,
    building_key,
    look_alike_pairs,
    report_candidates,
    report_create_household,
    report_link_household,
)
from .merge import (  # noqa: F401
    _CARE_ORDER,
    _RISK_ORDER,
    _household_relations,
    household_merge,
    merge_counts,
)
from .outreach import (  # noqa: F401
    network_look_request,
    network_members_for,
)
from .partners import partner_login_link, partner_of, partner_reports  # noqa: F401
from .resolution import (  # noqa: F401
    attempts_needed,
    contact_attempt_record,
    report_resolve,
)
from .routing import (  # noqa: F401
    Route,
    address_suggestions,
    route_address,
)
from .taking import (  # noqa: F401
    REPORTER_ERROR_PREFIX,
    PublicReportInput,
    ReporterInput,
    ReportInput,
    report_submit_public,
    report_take,
)
