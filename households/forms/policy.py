"""The cadence policy's form: the district settings section and the Django admin (``households.admin``) both use
it, so neither can save 0 or 400 days. The rules are ``households.services.policy``'s."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from welfare.forms import apply_rules, bounded_field

from ..models import CadencePolicy
from ..services.policy import cadence_policy_check


class CadencePolicyForm(forms.ModelForm):
    class Meta:
        model = CadencePolicy
        fields = list(CadencePolicy.FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in CadencePolicy.DAY_FIELDS:
            self.fields[name] = bounded_field(self.fields[name], *CadencePolicy.limits_of(name), _("일"))
        for name in CadencePolicy.MONTH_FIELDS:
            self.fields[name] = bounded_field(self.fields[name], *CadencePolicy.month_limits_of(name), _("개월"))

    def clean(self):
        return apply_rules(self, super().clean(), cadence_policy_check)
