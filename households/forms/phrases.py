"""The district settings section "자주 쓰는 문구": one box per need domain, one phrase per line. The rules are
``households.services.phrases``'s; this form only splits the lines."""

from __future__ import annotations

from django import forms

from welfare.forms import apply_rules

from ..models import NeedDomain, PhraseTemplate
from ..selectors import PhraseSet, phrase_set
from ..services.phrases import phrase_templates_check

# A box holds PER_DOMAIN_MAX lines of TEXT_MAX characters and their line breaks; more is refused by the service.
BOX_MAX = (PhraseTemplate.TEXT_MAX + 2) * PhraseTemplate.PER_DOMAIN_MAX * 2


class PhraseLinesField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value):
        return [line for line in (super().to_python(value) or "").splitlines() if line.strip()]


class PhraseTemplatesForm(forms.Form):
    """Each domain's phrases, shown with the district's saved ones (or the defaults it uses until it saves)."""

    def __init__(self, *args, district_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.phrases: PhraseSet = phrase_set(district_id)
        texts = self.phrases.texts()
        for domain, label in NeedDomain.choices:
            self.fields[domain] = PhraseLinesField(label=label, required=False, max_length=BOX_MAX, strip=False)
            self.initial.setdefault(domain, "\n".join(texts[domain]))

    @property
    def customised(self) -> bool:
        return self.phrases.customised

    def clean(self):
        return apply_rules(self, super().clean(), phrase_templates_check)
