from .households import (
    ConsentForm,
    HeadForm,
    HouseholdForm,
    ResidentForm,
    RevealForm,
    SensitiveProfileForm,
)

__all__ = ["ConsentForm", "HeadForm", "HouseholdForm", "ResidentForm", "RevealForm", "SensitiveProfileForm"]
