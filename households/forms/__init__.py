from .attachments import (
    AttachmentDeleteForm,
    AttachmentForm,
    SignedConsentForm,
)
from .households import (
    HeadForm,
    HouseholdForm,
    ResidentForm,
    RevealForm,
    SensitiveProfileForm,
)

__all__ = ["AttachmentDeleteForm", "AttachmentForm", "HeadForm", "HouseholdForm", "ResidentForm", "RevealForm",
           "SensitiveProfileForm", "SignedConsentForm"]
