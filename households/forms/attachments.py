"""Forms of attachments and of the signed consent: they turn the request into the services' input
(households.services.attachments, households.services.consents), which check every rule."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from welfare.common.bounds import counter_attrs
from welfare.errors import RuleError

from ..consent_texts import CONSENT_TEXTS
from ..models import AttachmentKind, ConsentMethod, ConsentScope
from ..services.consents import signature_from_data_url
from .households import DATE_INPUT

ACCEPT = "application/pdf,image/jpeg,image/png,image/heic,image/heif,.heic,.heif"


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("문서 종류"), choices=AttachmentKind.choices)
    title = forms.CharField(label=_("제목"), max_length=200,
                            widget=forms.TextInput(attrs=counter_attrs(200)))
    document_date = forms.DateField(label=_("문서 일자"), required=False, widget=DATE_INPUT,
                                    help_text=_("문서에 적힌 날짜(사진은 찍은 날)."))
    file = forms.FileField(label=_("파일"), required=False, allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
                           help_text=_("PDF, JPEG, PNG, HEIC. 사진의 위치·기기 정보(EXIF)는 지우고 저장합니다."))
    photo = forms.FileField(label=_("카메라로 찍기"), required=False, allow_empty_file=True,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
                            help_text=_("태블릿의 카메라로 바로 찍어 올립니다."))
    # A retried upload with the same id (a dropped connection, the offline queue) makes one attachment.
    client_id = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        chosen = [f for f in (data.get("file"), data.get("photo")) if f is not None]
        if not chosen and "file" not in self.errors:
            self.add_error("file", _("올릴 파일을 고르거나 카메라로 찍어 주세요."))
        elif len(chosen) == 2:
            self.add_error("file", _("파일 하나만 올려 주세요."))
        data["upload"] = chosen[0] if len(chosen) == 1 else None
        return data


class AttachmentDeleteForm(forms.Form):
    reason = forms.CharField(label=_("삭제 사유"), max_length=300, min_length=1,
                             widget=forms.TextInput(attrs={"maxlength": 300, "autocomplete": "off"}),
                             help_text=_("5자 이상. 접근 기록에 남습니다."))


class SignedConsentForm(forms.Form):
    """The consent form on the tablet: the scopes (each with its legal text), the date and method, the
    representative, the signature drawn on screen and/or a scanned paper form."""

    scope = forms.MultipleChoiceField(label=_("동의 범위"), choices=ConsentScope.choices,
                                      widget=forms.CheckboxSelectMultiple)
    granted_on = forms.DateField(label=_("동의일"), widget=DATE_INPUT)
    method = forms.ChoiceField(label=_("동의 방법"), choices=ConsentMethod.choices, initial=ConsentMethod.ELECTRONIC)
    recipients = forms.CharField(label=_("제공받는 자"), required=False, max_length=200,
                                 help_text=_("제3자 제공일 때: 기관 이름"))
    expires_on = forms.DateField(label=_("보유 기한"), required=False, widget=DATE_INPUT)
    representative_name = forms.CharField(label=_("대리인 성명"), required=False, max_length=50,
                                          help_text=_("본인이 서명하기 어려워 대리인(법정대리인·보호자)이 서명할 때"))
    representative_relation = forms.CharField(label=_("대리인과의 관계"), required=False, max_length=30,
                                              help_text=_("예: 배우자, 자녀, 후견인"))
    signature = forms.CharField(required=False, widget=forms.HiddenInput)
    scan = forms.FileField(label=_("스캔한 동의서"), required=False, allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
                           help_text=_("종이 동의서에 서명받았다면 스캔본이나 사진을 올리세요."))

    def scope_texts(self) -> list[dict]:
        """Each scope's checkbox beside its legal text, in the form's order (the template shows them)."""
        boxes = {str(box.data["value"]): box for box in self["scope"]}
        return [{"box": boxes[value], "text": CONSENT_TEXTS[value], "sections": CONSENT_TEXTS[value].sections()}
                for value, _label in ConsentScope.choices]

    def clean_signature(self) -> bytes | None:
        try:
            return signature_from_data_url(self.cleaned_data.get("signature") or "")
        except RuleError as error:  # the service names its field; here the message belongs beside this one
            raise ValidationError(error.messages) from error

