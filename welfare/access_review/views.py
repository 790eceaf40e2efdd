"""The access-log review page (/district/access/): filter, the unusual first, mark a month, export with a reason.

District admins for their own district (capability ``review_access_log``), superusers for the district they
pick. The page runs a constant number of queries, whatever the number of entries shown.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..errors import RuleError
from ..models import AccessReview
from ..views_district import district_context, district_for, district_url
from . import services
from .forms import ExportForm, FilterForm, ReviewForm, previous_month
from .selectors import entries, many_exports, many_reveals

CAPABILITY = "review_access_log"
PER_PAGE = 50


def _page(request: HttpRequest, *, review_form: ReviewForm | None = None, export_form: ExportForm | None = None,
          status: int = 200) -> HttpResponse:
    district = district_for(request, CAPABILITY)
    form = FilterForm(request.GET or None, district=district)
    filters = form.filters()
    page = Paginator(entries(district, filters), PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    if request.user.is_superuser:
        params["district"] = str(district.pk)
    today = timezone.localdate()
    reviews = list(AccessReview.objects.filter(district=district).order_by("-month")[:12])
    response = render(request, "welfare/access/review.html", district_context(
        request, district, form=form, filters=filters, page=page, query_string=params.urlencode(),
        reviews=reviews, reviewed_months={r.month for r in reviews},
        review_form=review_form or ReviewForm(initial={"month": previous_month(today)}),
        export_form=export_form or ExportForm(), many_reveals=many_reveals(), many_exports=many_exports(),
    ), status=status)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def review(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
def review_mark(request: HttpRequest) -> HttpResponse:
    district = district_for(request, CAPABILITY)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_mark(district=district, month=form.cleaned_data["month"], by=request.user,
                                 comment=form.cleaned_data["comment"])
        except RuleError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(month)s 접근 기록 검토를 기록했습니다.")
                             % {"month": f"{form.cleaned_data['month']:%Y-%m}"})
            return redirect(district_url(request, district, "district:access"))
    return _page(request, review_form=form, status=400)


@require_POST
def export(request: HttpRequest) -> HttpResponse:
    """The entries the filters (in the query string) select, as CSV; the reason is required and logged."""
    district = district_for(request, CAPABILITY)
    form = ExportForm(request.POST)
    if form.is_valid():
        filters = FilterForm(request.GET or None, district=district).filters()
        try:
            export = services.entries_export(district=district, filters=filters, by=request.user,
                                             reason=form.cleaned_data["reason"])
        except RuleError as error:
            form.add_error(None, error)
        else:
            response = StreamingHttpResponse(export.chunks, content_type=export.content_type)
            response["Content-Disposition"] = f'attachment; filename="{export.name}"'
            response["Cache-Control"] = "no-store"
            return response
    return _page(request, export_form=form, status=400)
