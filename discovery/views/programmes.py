"""The social-network programme pages: the list (with each programme's outcomes), create/edit, the programme page
(sessions, participants, attendance, before/after measures and the outcome chart), the attendance page of a session
and the measure form. Views translate and call discovery.services.programmes; the figures come from
discovery.programme_outcomes (set-based)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from welfare import search
from welfare.audit import log_action, log_list
from welfare.common.dates import seoul_today
from welfare.errors import RuleError, show_on_form
from welfare.permissions import can
from welfare.scoping import membership, personal_dong_ids, visible_dong_ids

from .. import programme_outcomes as outcomes
from ..forms.programmes import EnrolForm, MeasureForm, ProgrammeForm, SessionForm
from ..models import Measurement, Participant, Phase, Programme, ProgrammeSession
from ..selectors import enrol_candidates
from ..services import programmes as services

PER_PAGE = 25
# Residents the enrolment search shows at most (a longer list asks for a more precise name).
ENROL_SHOWN = 20


def _programme_or_404(request: HttpRequest, pk: int) -> Programme:
    """The programme if it runs in a dong the user sees; 404 otherwise, as if it did not exist."""
    return get_object_or_404(Programme.objects.in_dongs(visible_dong_ids(request.user))
                             .select_related("dong", "plan"), pk=pk)


def _runnable_or_404(request: HttpRequest, pk: int) -> Programme:
    """For writes and personal data: a programme of a dong whose personal records the user opens."""
    if not can(request.user, "run_programmes"):
        raise PermissionDenied
    return get_object_or_404(Programme.objects.in_dongs(personal_dong_ids(request.user))
                             .select_related("dong", "plan"), pk=pk)


def _district_id(request: HttpRequest) -> int | None:
    staff = membership(request.user)
    return staff.district_id if staff is not None else None


def programme_list(request: HttpRequest) -> HttpResponse:
    dong_ids = visible_dong_ids(request.user)
    qs = (Programme.objects.in_dongs(dong_ids).select_related("dong")
          .annotate(n_participants=Count("participants", distinct=True), n_sessions=Count("sessions", distinct=True))
          .order_by("-starts_on", "title", "pk"))
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    found = outcomes.by_programme([p.pk for p in page.object_list])
    instruments = outcomes.instruments()
    rows = [{"programme": p, "outcomes": outcomes.rows(found.get(p.pk, []), instruments)} for p in page.object_list]
    return render(request, "discovery/programmes/list.html", {
        "page": page, "rows": rows, "can_run": can(request.user, "run_programmes"),
    })


def _form_save(request: HttpRequest, form: ProgrammeForm, programme: Programme | None) -> Programme | None:
    if not form.is_valid():
        return None
    d = form.cleaned_data
    data = services.ProgrammeInput(
        dong=d["dong"], title=d["title"], place=d["place"], starts_on=d["starts_on"], ends_on=d["ends_on"],
        instruments=list(d["instruments"]), description=d["description"], partners=d["partners"],
        budget_krw=d["budget_krw"], plan=d["plan"])
    try:
        return services.programme_save(by=request.user, data=data, programme=programme)
    except RuleError as error:
        show_on_form(form, error)
        return None


def programme_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "run_programmes"):
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None, dong_ids=personal_dong_ids(request.user),
                         district_id=_district_id(request), initial={"starts_on": seoul_today()})
    if request.method == "POST" and (saved := _form_save(request, form, None)) is not None:
        messages.success(request, _("프로그램을 만들었습니다."))
        return redirect("discovery:programme_detail", saved.pk)
    return render(request, "discovery/programmes/form.html", {"form": form, "programme": None})


def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _runnable_or_404(request, pk)
    form = ProgrammeForm(request.POST or None, instance=programme, dong_ids=personal_dong_ids(request.user),
                         district_id=programme.dong.district_id)
    if request.method == "POST":
        programme = Programme.objects.get(pk=pk)  # the form changed the instance; the service compares
        if (saved := _form_save(request, form, programme)) is not None:
            messages.success(request, _("저장했습니다."))
            return redirect("discovery:programme_detail", saved.pk)
    return render(request, "discovery/programmes/form.html", {"form": form, "programme": programme})


def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme_or_404(request, pk)
    personal = programme.dong_id in personal_dong_ids(request.user) and can(request.user, "run_programmes")
    instruments = outcomes.instruments()
    used = list(programme.instruments.order_by("code"))
    found = outcomes.by_programme([programme.pk]).get(programme.pk, [])
    sessions = list(programme.sessions.annotate(present=Count("attendances")))
    context = {
        "programme": programme, "sessions": sessions, "personal": personal, "instruments": used,
        "outcomes": outcomes.rows(found, instruments),
        "charts": outcomes.charts([(programme.title, found)], instruments, _("사전·사후 평균")),
        "n_participants": programme.participants.count(),
    }
    if personal:
        participants = list(
            Participant.objects.filter(programme=programme).select_related("resident__household")
            .annotate(attended=Count("attendances"))
            .prefetch_related(Prefetch("measurements", queryset=Measurement.objects.order_by("instrument_id")))
            .order_by("resident__name", "pk"))
        for p in participants:
            by_key = {(m.instrument_id, m.phase): m for m in p.measurements.all()}
            p.scores = [(i, by_key.get((i.pk, Phase.BEFORE)), by_key.get((i.pk, Phase.AFTER))) for i in used]
        context.update({
            "participants": participants,
            "session_form": SessionForm(initial={"held_on": seoul_today()}),
            "enrol_form": EnrolForm(programme=programme, initial={"enrolled_on": seoul_today()}),
        })
        log_list("discovery.programme.participants_viewed", user=request.user, params=request.GET, skip=("page", "find"),
                 count=len(participants), obj=programme)
        context.update(_enrol_search(request, programme))
    return render(request, "discovery/programmes/detail.html", context)


def _enrol_search(request: HttpRequest, programme: Programme) -> dict:
    """The residents ``?find=`` names (name or phone) among who may join: at most ENROL_SHOWN, the search logged as
    a list read. The dong's thousands of residents are never written into the page."""
    find = search.parse(request.GET.get("find"))
    if not find.text:
        return {"find": ""}
    if not find.searchable and not find.is_phone:  # one syllable would match a fifth of the dong
        return {"find": find.text, "too_short": True}
    found = list(enrol_candidates(programme, find)[:ENROL_SHOWN + 1])
    log_list("discovery.programme.candidates_searched", user=request.user, params={"find": find.text},
             count=len(found[:ENROL_SHOWN]), obj=programme)
    return {"find": find.text, "candidates": found[:ENROL_SHOWN], "more_candidates": len(found) > ENROL_SHOWN,
            "shown": ENROL_SHOWN}


@require_POST
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _runnable_or_404(request, pk)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            services.session_add(by=request.user, programme=programme, **form.cleaned_data)
            messages.success(request, _("회차를 추가했습니다."))
        except RuleError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("회차 일자를 확인해 주세요."))
    return redirect("discovery:programme_detail", programme.pk)


@require_POST
def participant_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _runnable_or_404(request, pk)
    form = EnrolForm(request.POST, programme=programme)
    if form.is_valid():
        try:
            services.participant_enrol(by=request.user, programme=programme, **form.cleaned_data)
            messages.success(request, _("참여자를 등록했습니다."))
        except RuleError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("discovery:programme_detail", programme.pk)


def session_attendance(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    programme = _runnable_or_404(request, pk)
    session = get_object_or_404(ProgrammeSession, programme=programme, pk=session_pk)
    participants = list(Participant.objects.filter(programme=programme).select_related("resident")
                        .order_by("resident__name", "pk"))
    if request.method == "POST":
        try:
            present = [int(v) for v in request.POST.getlist("present")]
            n = services.attendance_set(by=request.user, session=session, present=present)
            messages.success(request, _("출석 %(n)s명을 저장했습니다.") % {"n": n})
            return redirect("discovery:programme_detail", programme.pk)
        except (ValueError, RuleError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    present_ids = set(session.attendances.values_list("participant_id", flat=True))
    log_list("discovery.programme.attendance_viewed", user=request.user, params=request.GET,
             count=len(participants), obj=programme)
    return render(request, "discovery/programmes/attendance.html", {
        "programme": programme, "session": session, "participants": participants, "present_ids": present_ids,
    })


def measure(request: HttpRequest, pk: int, participant_pk: int, instrument_pk: int) -> HttpResponse:
    programme = _runnable_or_404(request, pk)
    participant = get_object_or_404(Participant.objects.select_related("resident__household"),
                                    programme=programme, pk=participant_pk)
    instrument = get_object_or_404(programme.instruments.all(), pk=instrument_pk)
    phase = request.GET.get("phase") if request.GET.get("phase") in Phase.values else Phase.BEFORE
    form = MeasureForm(request.POST or None, instrument=instrument,
                       initial={"phase": phase, "measured_on": seoul_today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.measurement_record(by=request.user, participant=participant, instrument=instrument,
                                        phase=form.cleaned_data["phase"],
                                        measured_on=form.cleaned_data["measured_on"], answers=form.answers())
            messages.success(request, _("측정 결과를 저장했습니다."))
            return redirect("discovery:programme_detail", programme.pk)
        except RuleError as error:
            show_on_form(form, error)
    log_action(participant, "discovery.programme.participant_viewed", user=request.user)
    return render(request, "discovery/programmes/measure.html", {
        "programme": programme, "participant": participant, "instrument": instrument, "form": form,
    })


urlpatterns = [
    path("programmes/", programme_list, name="programme_list"),
    path("programmes/new/", programme_create, name="programme_create"),
    path("programmes/<int:pk>/", programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", programme_edit, name="programme_edit"),
    path("programmes/<int:pk>/sessions/", session_add, name="programme_session_add"),
    path("programmes/<int:pk>/sessions/<int:session_pk>/attendance/", session_attendance,
         name="programme_attendance"),
    path("programmes/<int:pk>/participants/", participant_enrol, name="programme_enrol"),
    path("programmes/<int:pk>/participants/<int:participant_pk>/measure/<int:instrument_pk>/", measure,
         name="programme_measure"),
]
