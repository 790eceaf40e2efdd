"""The scheduled sweeps over households, registered in :mod:`welfare.jobs` and run by ``welfare.run_job``.

Each job takes the moment it runs for (``now``), works out the Asia/Seoul day from it and returns counts for
its JobRun. They are set-based: reads by id range or keyset page, bulk inserts that let the unique constraints
refuse duplicates (one open follow-up per household and reason, one notification per user and key), and
``UPDATE … WHERE`` for the rest; never a query per household. Each batch is one transaction, so a worker killed
mid-run leaves whole batches behind, and the next run finishes the rest. Running any of them twice creates
nothing twice.

Modules: :mod:`.common` (batching, policies, recipients), :mod:`.cadence`, :mod:`.overdue`, :mod:`.silence`,
:mod:`.reassessment`, :mod:`.retention`, and :mod:`.hooks`, where the apps above households add their sweeps and retention parts
(discovery's universal visits are a job of discovery's own: ``discovery.jobs``).
"""

from .cadence import next_cadence_date, schedule_followups  # noqa: F401
from .common import CARE_STATUSES  # noqa: F401
from .overdue import mark_overdue  # noqa: F401
from .reassessment import reassessment_reminders  # noqa: F401
from .reminders import visit_reminders  # noqa: F401,E402
from .retention import anonymise_households, expired_households, retention  # noqa: F401
from .silence import raise_checkin_alert, silence_watch  # noqa: F401
