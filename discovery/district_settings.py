"""Discovery's section of the district settings page: first contact, unreachable retries, rewards, network."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from welfare.district_settings import Section, register

from .forms.policy import DiscoveryPolicyForm
from .models import DiscoveryPolicy
from .services.policy import discovery_policy_save

register(Section(
    key="discovery",
    title=_("발굴 정책"),
    order=20,
    template="discovery/district/discovery_policy.html",
    form=lambda district, data: DiscoveryPolicyForm(data, prefix="discovery",
                                                    instance=DiscoveryPolicy.for_district(district.pk)),
    save=discovery_policy_save,
    saved_message=_("발굴 정책을 저장했습니다."),
))
