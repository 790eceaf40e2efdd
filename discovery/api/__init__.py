"""The discovery API: registered on the one router of /api/v1/ (welfare.api.router), which imports this module."""

from welfare.api.router import router

from .views import CrisisReportViewSet, NetworkMemberViewSet

router.register("crisis-reports", CrisisReportViewSet, basename="crisis-reports")
router.register("network-members", NetworkMemberViewSet, basename="network-members")
