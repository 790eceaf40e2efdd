"""Households' sections of the district settings page: the contact cadence and silence thresholds, and the phrase
templates of the visit form."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from welfare.district_settings import Section, register

from .forms.phrases import PhraseTemplatesForm
from .forms.policy import CadencePolicyForm
from .models import CadencePolicy
from .services.phrases import phrase_templates_save
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

register(Section(
    key="phrases",
    title=_("자주 쓰는 문구"),
    order=30,
    template="households/district/phrase_templates.html",
    form=lambda district, data: PhraseTemplatesForm(data, prefix="phrases", district_id=district.pk),
    save=phrase_templates_save,
    saved_message=_("자주 쓰는 문구를 저장했습니다. 방문 기록 화면에 바로 나옵니다."),
))
