"""The households API: registered on the one router of /api/v1/ (welfare.api.router), which imports this module."""

from welfare.api.router import router

from .attachments import AttachmentViewSet
from .cases import CaseViewSet
from .field import FieldPackViewSet, FieldSessionViewSet, FieldSyncViewSet
from .measurements import MeasurementViewSet
from .views import (
    CheckInViewSet,
    FollowUpViewSet,
    HouseholdViewSet,
    PhraseTemplateViewSet,
    ServiceLinkViewSet,
    VisitViewSet,
)

router.register("households", HouseholdViewSet, basename="households")
router.register("cases", CaseViewSet, basename="cases")
router.register("visits", VisitViewSet, basename="visits")
router.register("follow-ups", FollowUpViewSet, basename="follow-ups")
router.register("service-links", ServiceLinkViewSet, basename="service-links")
router.register("check-ins", CheckInViewSet, basename="check-ins")
router.register("measurements", MeasurementViewSet, basename="measurements")
router.register("field/pack", FieldPackViewSet, basename="field-pack")
router.register("field/sync", FieldSyncViewSet, basename="field-sync")
router.register("field/session", FieldSessionViewSet, basename="field-session")
router.register("phrase-templates", PhraseTemplateViewSet, basename="phrase-templates")
router.register("attachments", AttachmentViewSet, basename="attachments")
