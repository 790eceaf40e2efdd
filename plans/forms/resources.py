"""Forms of the resource directory. They parse input; the rules live in plans.services.resources."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from welfare.models import District, Dong

from ..models import LifeStage, RecipientType, Resource, ResourceCategory, Sector

ACTIVE_CHOICES = (("1", _("사용 중")), ("0", _("사용 중지")), ("all", _("전체")))


class ResourceFilterForm(forms.Form):
    q = forms.CharField(label=_("검색"), required=False, max_length=100)
    sector = forms.ChoiceField(label=_("구분"), required=False, choices=[("", _("전체")), *Sector.choices])
    category = forms.ChoiceField(label=_("분류"), required=False, choices=[("", _("전체")), *ResourceCategory.choices])
    dong = forms.ModelChoiceField(label=_("대상 동"), required=False, queryset=None, empty_label=_("전체 동"))
    active = forms.ChoiceField(label=_("상태"), required=False, choices=ACTIVE_CHOICES)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The dongs of the user's district(s): a dong official may look up what a neighbouring dong has.
        districts = Dong.objects.visible_to(user).values("district_id")
        self.fields["dong"].queryset = Dong.objects.filter(district_id__in=districts).order_by("name")

    def apply(self, queryset):
        """The directory filtered by the valid fields; an invalid field filters nothing."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        text = (data.get("q") or "").strip()
        if text:
            queryset = queryset.filter(
                Q(name__icontains=text) | Q(provider__icontains=text) | Q(eligibility__icontains=text)
            )
        if data.get("sector"):
            queryset = queryset.filter(sector=data["sector"])
        if data.get("category"):
            queryset = queryset.filter(category=data["category"])
        if data.get("dong"):
            # Open to the dong: it is listed, or no dong is (the whole district).
            queryset = queryset.filter(Q(dongs__isnull=True) | Q(dongs=data["dong"]))
        active = data.get("active") or "1"
        if active != "all":
            queryset = queryset.filter(is_active=active == "1")
        return queryset


class ResourceForm(forms.ModelForm):
    class Meta:
        model = Resource
        fields = ["name", "provider", "sector", "category", "funding_source", "eligibility", "contact", "dongs",
                  "life_stages", "recipients", "is_active"]
        widgets = {
            "eligibility": forms.Textarea(attrs={"rows": 4}),
            "dongs": forms.CheckboxSelectMultiple,
        }

    # The welfare guide's groupings (issue 17): none ticked means every life stage / anyone.
    life_stages = forms.MultipleChoiceField(label=_("생애주기"), choices=LifeStage.choices, required=False,
                                            widget=forms.CheckboxSelectMultiple, help_text=_("비워 두면 모든 생애주기"))
    recipients = forms.MultipleChoiceField(label=_("대상"), choices=RecipientType.choices, required=False,
                                           widget=forms.CheckboxSelectMultiple, help_text=_("비워 두면 누구나"))

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        # Only this district's dongs; another district's id is "not a valid choice".
        self.fields["dongs"].queryset = Dong.objects.filter(district=district).order_by("name")
        self.fields["funding_source"].widget.attrs["placeholder"] = _("예: 국비·시비·구비, 사회복지공동모금회")
        self.fields["contact"].widget.attrs["placeholder"] = _("예: 02-0000-0000 (담당 부서)")

    def _post_clean(self):  # the service validates and saves; the instance stays as it was read
        pass
