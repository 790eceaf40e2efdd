"""The page in front of every Excel export (welfare.common.export): GET asks the reason, POST sends the file.

An app's view passes ``make(reason) -> ExportFile`` (its service: checks, rows, access log); the list's filters
stay in the address, so the file holds what the list showed."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .common.export import ExportFile
from .errors import RuleError, show_on_form
from .forms import ExportReasonForm


def export_page(
    request: HttpRequest, *, title: str, back: str, count: int, make: Callable[[str], ExportFile]
) -> HttpResponse:
    form = ExportReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            export = make(form.cleaned_data["reason"])
        except RuleError as error:
            show_on_form(form, error)
        else:
            response = HttpResponse(export.content, content_type=export.content_type)
            response["Content-Disposition"] = f"attachment; filename*=utf-8''{quote(export.name)}"
            response["Cache-Control"] = "no-store"
            return response
    return render(
        request, "welfare/export_form.html", {"form": form, "title": title, "back": back, "count": count}
    )
