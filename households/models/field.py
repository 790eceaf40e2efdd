"""What the server answered to each item of the field app's queue, kept so that a resend (the first answer was
lost with the connection) gets the same answer, the notes of a conflict included."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from welfare.common.choices import ChoiceLabels


class FieldSyncReceipt(ChoiceLabels, models.Model):
    client_id = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10)
    object_id = models.BigIntegerField(null=True)
    notes = models.JSONField(default=list)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("현장 기록 전송 영수증")
        verbose_name_plural = _("현장 기록 전송 영수증")

    def __str__(self) -> str:
        return f"{self.kind} {self.client_id} {self.status}"
