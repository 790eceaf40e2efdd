"""The discovery policy's form: the district settings section and the Django admin (``discovery.admin``) both
use it. The rules are ``discovery.services.policy``'s."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from welfare.forms import apply_rules, bounded_field

from ..models import DiscoveryPolicy
from ..services.policy import DISCOVERY_BOUNDS, DISCOVERY_FIELDS, discovery_policy_check


class DiscoveryPolicyForm(forms.ModelForm):
    class Meta:
        model = DiscoveryPolicy
        fields = list(DISCOVERY_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in DISCOVERY_BOUNDS.items():
            unit = _("원") if name.endswith("_krw") else ""
            self.fields[name] = bounded_field(self.fields[name], low, high, unit)

    def clean(self):
        return apply_rules(self, super().clean(), discovery_policy_check)
