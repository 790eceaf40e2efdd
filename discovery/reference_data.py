"""Discovery's table in the district's reference data pages: the Ministry's risk indicators. Its own page
(discovery.views.indicators) keeps the catalogue: aliases, new indicators and the names waiting to be mapped."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from welfare.reference_data import Table, register

from .models import RiskIndicator
from .services.indicators import risk_indicator_update


class RiskIndicatorForm(forms.ModelForm):
    """The generic edit form (names and signal); the catalogue page edits the lists and aliases too."""

    class Meta:
        model = RiskIndicator
        fields = ["name_ko", "name_en", "signal"]

register(Table(
    key="indicators",
    title=_("위기 지표"),
    order=10,
    rows=lambda: RiskIndicator.objects.order_by("code"),
    columns=((_("코드"), "code"), (_("이름"), "name_ko"), (_("영문"), "name_en"), (_("위기 신호"), "get_signal_display")),
    form=lambda row, data: RiskIndicatorForm(data, instance=RiskIndicator.objects.get(pk=row.pk)),
    save=risk_indicator_update,
    saved_message=_("위기 지표를 저장했습니다."),
    url_name="discovery:indicators",
))
