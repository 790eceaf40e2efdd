"""The welfare guide pages: the printable booklet, its HTML download and the PDF (issue 17)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe

from welfare.scoping import membership

from ..guide import guide_pdf, welfare_guide


def welfare_guide_page(request: HttpRequest) -> HttpResponse:
    staff = membership(request.user)
    if staff is None:
        raise PermissionDenied
    guide = welfare_guide(staff.district)
    fmt = request.GET.get("format")
    filename = f"{guide.district.name}_복지안내_{guide.on:%Y%m%d}"
    if fmt == "pdf":
        response = HttpResponse(guide_pdf(guide), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(True, f"{filename}.pdf")
        return response
    if fmt == "html":
        # A file that opens anywhere (from disk, outside the site's CSP): the stylesheet inline, no link back to
        # the server. The <style> element is made here, so no template served as a page carries one.
        css = (Path(settings.BASE_DIR) / "static" / "css" / "guide.css").read_text(encoding="utf-8")
        style = mark_safe(f"<style>{css}</style>")  # noqa: S308 - our own static file
        html = render_to_string("plans/guide.html", {"guide": guide, "standalone": True, "inline_css": style},
                                request=request)
        response = HttpResponse(html, content_type="text/html; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, f"{filename}.html")
        return response
    return render(request, "plans/guide.html", {"guide": guide, "standalone": False})
