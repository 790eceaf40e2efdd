"""The REST API's settings (Django REST framework, drf-spectacular), read by welfare/settings.py."""

from __future__ import annotations


def rest_framework(throttle_rate: str) -> dict:
    """DRF's settings, with the per-token throttle rate (API_THROTTLE_RATE)."""
    return {
        "DEFAULT_AUTHENTICATION_CLASSES": [
            "welfare.api.auth.HashedTokenAuthentication",
            "rest_framework.authentication.SessionAuthentication",
        ],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "welfare.api.permissions.IsEditor"],
        "DEFAULT_PAGINATION_CLASS": "welfare.api.pagination.CursorPage",
        "DEFAULT_FILTER_BACKENDS": [
            "django_filters.rest_framework.DjangoFilterBackend",
            "rest_framework.filters.OrderingFilter",
            "rest_framework.filters.SearchFilter",
        ],
        "DEFAULT_THROTTLE_CLASSES": ["welfare.api.auth.PerTokenThrottle"],
        "DEFAULT_THROTTLE_RATES": {"token": throttle_rate},
        "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
        "EXCEPTION_HANDLER": "welfare.api.errors.error_handler",
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer",
                                     "rest_framework.renderers.BrowsableAPIRenderer"],
    }


SPECTACULAR_SETTINGS = {
    "TITLE": "dong-welfare API",
    "DESCRIPTION": "Case lists and records of the dong outreach welfare teams (찾동). Every list is scoped to what "
                   "the token's user may see; another dong's object answers 404.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Offline docs: no badge fetched from validator.swagger.io (the CSP would block it anyway).
    # No deep links: Swagger UI draws them as links inside the operation buttons (nested interactive, issue 18).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "validatorUrl": None},
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One component name per choice set where field names collide ("status", "source", "to", "domain").
    "ENUM_NAME_OVERRIDES": {
        "VisitKindEnum": "households.models.VisitKind",
        "AttachmentKindEnum": "households.models.AttachmentKind",
        "FieldSyncKindEnum": ["visit", "check_in", "contact_attempt"],
        "CareStatusEnum": "households.models.CareStatus",
        "CaseStageEnum": "households.models.CaseStage",
        "ConferenceKindEnum": "households.models.ConferenceKind",
        "MeasurementKindEnum": "households.models.MeasurementKind",
        "ConferenceBodyEnum": "households.models.ConferenceBody",
        "ConferenceDecisionEnum": "households.models.ConferenceDecision",
        "CaseSourceEnum": "households.models.CaseSource",
        "CheckInSourceEnum": "households.models.CheckInSource",
        "FollowUpStatusEnum": "households.models.FollowUpStatus",
        "LinkStatusEnum": "households.models.LinkStatus",
        "NeedDomainEnum": "households.models.NeedDomain",
        "ReportStatusEnum": "discovery.models.ReportStatus",
        "PlanStatusEnum": "plans.models.PlanStatus",
        "MilestoneStatusEnum": "plans.models.MilestoneStatus",
    },
}
