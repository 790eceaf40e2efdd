"""Discovery forms: merge."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from households.models import Household


class MergeForm(forms.Form):
    survivor = forms.ChoiceField(label=_("남길 세대"), widget=forms.RadioSelect)
    reason = forms.CharField(label=_("병합 사유"), max_length=300,
                             widget=forms.TextInput(attrs={"placeholder": _("예: 같은 주소·같은 가구원으로 중복 등록")}))

    def __init__(self, *args, a: Household, b: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"].choices = [(str(a.pk), f"#{a.pk} {a.full_address}"),
                                           (str(b.pk), f"#{b.pk} {b.full_address}")]
