"""Areas (통) of a dong and who answers for them: each 통 has a responsible official and a deputy; a household carries
its 통 (and 반), derived from its road-name address with the 통's street list or set by hand. Work that arrives
without an owner goes to the area's official (``households.ownership``), else to the dong's queue."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from welfare.common.choices import ChoiceLabels
from welfare.models import Dong
from welfare.scoping import ScopedQuerySet


class AreaQuerySet(ScopedQuerySet):
    dong_path = "dong"


class Area(ChoiceLabels, models.Model):
    """통: a numbered part of a dong (반 are numbered within it, on the household)."""

    dong = models.ForeignKey(Dong, on_delete=models.CASCADE, related_name="areas", verbose_name=_("행정동"))
    number = models.PositiveSmallIntegerField(_("통"))
    name = models.CharField(_("이름"), max_length=50, blank=True, help_text=_("예: 왕십리 1통 (비워 두면 번호로 표시)"))
    official = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="areas_led", verbose_name=_("담당 공무원"))
    deputy = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="areas_deputised", verbose_name=_("부담당"))
    # One line each: a road name ("왕십리로": every building on it), a building ("왕십리로 222") or a range of
    # building numbers ("왕십리로 200-250"). The most precise line that matches an address decides.
    streets = models.TextField(_("도로명·건물번호"), blank=True,
                               help_text=_("한 줄에 하나: 도로명, 도로명 건물번호, 또는 도로명 시작번호-끝번호"))

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("통")
        verbose_name_plural = _("통")
        ordering = ["dong_id", "number"]
        constraints = [models.UniqueConstraint(fields=["dong", "number"], name="area_unique_number_in_dong")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name or _("%(n)s통") % {"n": self.number}
