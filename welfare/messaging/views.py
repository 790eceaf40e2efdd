"""구 설정 › 메시지 문구 and 발송 기록: the district's wording of each purpose, and the log of every message.

Thin: the forms translate, :func:`~.services.template_save` decides. The log shows the masked number only; the
page runs a constant number of queries whatever the page size.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..errors import RuleError, show_on_form
from ..views_district import district_context, district_for, district_url
from . import templates
from .models import MessageChannel, MessagePurpose, MessageState, MessageTemplate, OutboundMessage
from .services import template_save

PAGE_SIZE = 50


class TemplateForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("문구"), widget=forms.Textarea(attrs={"rows": 4}), max_length=templates.BODY_MAX
    )
    channel = forms.ChoiceField(label=gettext_lazy("채널"), choices=MessageChannel.choices)
    alimtalk_code = forms.CharField(label=gettext_lazy("알림톡 템플릿 코드"), required=False, max_length=30)
    active = forms.BooleanField(label=gettext_lazy("사용 (끄면 기본 문구로 보냅니다)"), required=False)


class LogFilterForm(forms.Form):
    purpose = forms.ChoiceField(
        label=gettext_lazy("용도"),
        required=False,
        choices=[("", gettext_lazy("전체"))] + list(MessagePurpose.choices),
    )
    state = forms.ChoiceField(
        label=gettext_lazy("상태"),
        required=False,
        choices=[("", gettext_lazy("전체"))] + list(MessageState.choices),
    )


def template_list(request: HttpRequest) -> HttpResponse:
    district = district_for(request, "manage_message_templates")
    own = {t.purpose: t for t in MessageTemplate.objects.filter(district=district)}
    rows = [
        {
            "purpose": value,
            "label": label,
            "template": own.get(value),
            "body": own[value].body if value in own and own[value].active else _(templates.DEFAULTS[value]),
            "placeholders": ["{" + n + "}" for n in templates.PLACEHOLDERS[value]],
        }
        for value, label in MessagePurpose.choices
    ]
    return render(
        request,
        "welfare/district/messages.html",
        district_context(request, district, rows=rows, tab="messages"),
    )


def template_edit(request: HttpRequest, purpose: str) -> HttpResponse:
    district = district_for(request, "manage_message_templates")
    if purpose not in MessagePurpose.values:
        raise Http404
    current = MessageTemplate.objects.filter(district=district, purpose=purpose).first()
    initial = (
        {
            "body": current.body,
            "channel": current.channel,
            "alimtalk_code": current.alimtalk_code,
            "active": current.active,
        }
        if current
        else {"body": _(templates.DEFAULTS[purpose]), "channel": MessageChannel.SMS, "active": True}
    )
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            template_save(district=district, purpose=purpose, by=request.user, **form.cleaned_data)
        except RuleError as error:
            show_on_form(form, error)
        else:
            messages.success(request, _("메시지 문구를 저장했습니다."))
            return redirect(district_url(request, district, "district:messages"))
    return render(
        request,
        "welfare/district/message_form.html",
        district_context(
            request,
            district,
            form=form,
            title=MessagePurpose(purpose).label,
            tab="messages",
            placeholders=["{" + n + "}" for n in templates.PLACEHOLDERS[purpose]],
            back=district_url(request, district, "district:messages"),
        ),
    )


def message_log(request: HttpRequest) -> HttpResponse:
    district = district_for(request, "read_message_log")
    form = LogFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    queryset = OutboundMessage.objects.filter(district=district).select_related("template").defer("phone")
    if data.get("purpose"):
        queryset = queryset.filter(purpose=data["purpose"])
    if data.get("state"):
        queryset = queryset.filter(state=data["state"])
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    if request.user.is_superuser:
        params["district"] = str(district.pk)
    return render(
        request,
        "welfare/district/message_log.html",
        district_context(
            request, district, form=form, page=page, query_string=params.urlencode(), tab="message_log"
        ),
    )
