"""Discovery forms: the report rules live in discovery.services (clean_report_data)."""

from .common import (  # noqa: F401
    DATETIME_INPUT,
    DISTRICT_QUEUE,
    QUICK_OUTCOMES,
    REPORTER_PREFIX,
    StaffChoiceField,
    assignable_staff,
    dong_label,
    my_dongs,
    sees_district_queue,
)
from .front_door import (  # noqa: F401
    FORMS,
    NeighbourReportForm,
    NetworkLookForm,
    SelfRequestForm,
    StatusForm,
)
from .merge import (  # noqa: F401
    MergeForm,
)
from .reports import (  # noqa: F401
    PublicReportForm,
    ReportForm,
    _ReportFieldsForm,
)
from .triage import (  # noqa: F401
    AssignForm,
    AttemptForm,
    QueueFilterForm,
    QuickResolveForm,
    ResolveForm,
)
