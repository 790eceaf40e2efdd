"""Households' section of the district settings page: the contact cadence and silence thresholds."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from welfare.district_settings import Section, register

from .forms.policy import CadencePolicyForm
from .models import CadencePolicy
from .services.policy import cadence_policy_save

register(Section(
    key="cadence",
    title=_("접촉 주기 정책"),
    order=10,
    template="households/district/cadence_policy.html",
    form=lambda district, data: CadencePolicyForm(data, prefix="cadence",
                                                  instance=CadencePolicy.for_district(district.pk)),
    save=cadence_policy_save,
    saved_message=_("접촉 주기 정책을 저장했습니다. 다음 야간 정기 접촉 예정 생성부터 적용됩니다."),
))
