"""Crisis reports take attachments (a letter from a landlord, a photo of the door): discovery registers the kind in
households' registry (households.attachment_owners), so households keeps no foreign key to discovery."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from households.attachment_owners import OwnerKind, register_owner

from .models import CrisisReport

REPORT = register_owner(OwnerKind(
    key="report", model=CrisisReport, label=_("위기가구 제보"),
    visible=lambda user: CrisisReport.objects.visible_to(user),
    household_id=lambda r: r.household_id,
    url=lambda r: reverse("discovery:report_detail", args=[r.pk]) + "#attachments",
    describe=lambda r: f"{_('제보')} {r.receipt_code}",
    capability="triage_reports",
))
