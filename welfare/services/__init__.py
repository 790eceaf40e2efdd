"""The core's writes: staff accounts and API tokens; checks the apps' district settings share."""

from .staff import (  # noqa: F401
    NewStaff,
    StaffChanges,
    membership_check,
    staff_create,
    staff_set_password,
    staff_update,
)
from .tokens import token_issue, tokens_revoke  # noqa: F401
