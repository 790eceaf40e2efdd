"""The public front door (/report/, issue 20): a request for oneself or a tip about a neighbour, routed by its
road-name address, with an optional photo; a receipt code and a PIN to follow it; a text message on each change
when the person agreed.

* :func:`public_request_submit` checks everything at once (one RuleError naming every field) and records the
  crisis report, its :class:`PublicRequest`, the reporter (never for a request for oneself: the person *is* the
  subject) and the photo, in one transaction.
* :func:`public_stage` / :func:`public_result`: the four plain steps and a result that never reveals another
  person's data (a neighbour learns only that the report was looked at and closed).
* :func:`public_request_lookup`: the receipt code with the PIN or the phone given; a wrong PIN and an unknown code
  answer the same (None) and take the same work.
* :func:`public_requests_notify`: the sweep that sends one message per changed stage (welfare.messaging; the
  idempotency key is the request and the stage, so a stage is told once).
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from households import rrn
from households.models import AttachmentKind
from households.services.attachments import AttachmentInput, attachment_add_public, collect_files
from welfare.common import phones
from welfare.errors import RuleError
from welfare.messaging.models import MessagePurpose, OutboundMessage
from welfare.messaging.services import MessageRequest, is_mobile, message_send
from welfare.models import District, Dong

from ..models import (
    Channel,
    CrisisReport,
    CrisisType,
    HouseholdKind,
    NetworkMember,
    NetworkRole,
    PublicRequest,
    PublicStage,
    ReporterKind,
    ReportOutcome,
    ReportSource,
    ReportStatus,
    RequestKind,
)
from .access import SUBJECT_FIELDS
from .intake import clean_report_data, clean_reporter, report_create
from .routing import route_address
from .taking import REPORTER_ERROR_PREFIX, PublicReportInput

PIN_LENGTH = 6
OLDEST_BIRTH_YEAR = 1900


@dataclass(frozen=True)
class Submitted:
    report: CrisisReport
    pin: str  # shown once on the receipt page; only its hash is kept


def _add(errors: dict[str, list[str]], name: str, messages) -> None:
    errors.setdefault(name, []).extend(str(m) for m in messages)


def _secret_hash(code: str, secret: str) -> str:
    """The keyed hash (RRN_HASH_KEY) of a receipt code with its PIN or phone: a stolen table reveals neither."""
    return rrn.keyed_hash(f"{code.upper()}:{secret}")


def _where(given: PublicReportInput, errors) -> tuple[District | None, Dong | None, bool]:
    """(district, dong, routed by address): the chosen dong; else the dong the address routes to; else the
    district queue chosen or named in the address."""
    if given.dong is not None:
        dong = Dong.objects.select_related("district").filter(pk=given.dong).first()
        if dong is not None:
            return dong.district, dong, False
    route = route_address(given.subject_address) if given.subject_address else None
    if route is not None and route.found:
        return route.district, route.dong, True
    district = District.objects.filter(pk=given.district).first() if given.district is not None else None
    district = district or (route.district if route is not None else None)
    if district is None:
        _add(errors, "dong", [_("동을 고르세요. 모르면 '잘 모르겠어요'를 고르세요.")])
    return district, None, False


def _check_self(given: PublicReportInput, errors) -> dict:
    """A request for oneself: name, birth date, a mobile phone; the registration number optional (and then its
    birth date must be the one given); the consent box."""
    out: dict = {"rrn": "", "rrn_hash": ""}
    if not " ".join(given.subject_name.split()):
        _add(errors, "subject_name", [_("이름을 적어 주세요.")])
    today = timezone.localdate()
    if given.birth_date is None:
        _add(errors, "birth_date", [_("생년월일을 적어 주세요. 예: 1950-03-01")])
    elif given.birth_date > today or given.birth_date.year < OLDEST_BIRTH_YEAR:
        _add(errors, "birth_date", [_("생년월일을 다시 확인해 주세요.")])
    if not is_mobile(given.subject_phone):
        _add(errors, "subject_phone", [_("연락받을 휴대전화 번호를 적어 주세요. 예: 010-1234-5678")])
    if given.rrn.strip():
        try:
            value = rrn.normalize(given.rrn)
        except Exception as error:  # noqa: BLE001 - rrn.normalize raises ValidationError with the sentence
            _add(errors, "rrn", getattr(error, "messages", [str(error)]))
        else:
            if given.birth_date is not None and rrn.birth_date(value) != given.birth_date:
                _add(errors, "rrn", [_("주민등록번호의 생년월일이 적어 주신 생년월일과 다릅니다.")])
            out = {"rrn": value, "rrn_hash": rrn.keyed_hash(value)}
    if given.household_kind and given.household_kind not in HouseholdKind.values:
        _add(errors, "household_kind", [_("가구 형태를 목록에서 고르세요.")])
    if not given.consent:
        _add(errors, "consent", [_("도움을 드리려면 개인정보 수집·이용에 동의해 주셔야 해요.")])
    return out


def public_request_submit(given: PublicReportInput) -> Submitted:
    """Check the whole request and record it; see the module's text. RuleError names every field at fault."""
    errors: dict[str, list[str]] = {}
    if given.kind not in RequestKind.values:
        raise RuleError(_("알 수 없는 신청 구분입니다."))
    is_self = given.kind == RequestKind.SELF
    district, dong, routed = _where(given, errors)
    data = {name: getattr(given, name) for name in (*SUBJECT_FIELDS, "details")}
    data["risk_signals"] = list(given.risk_signals)
    try:
        clean_report_data(data)
    except RuleError as error:
        for name, messages in error.message_dict.items():
            _add(errors, name, messages)
    crisis_types = list(dict.fromkeys(given.crisis_types))
    if any(t not in CrisisType.values for t in crisis_types):
        _add(errors, "crisis_types", [_("어려움의 종류를 목록에서 고르세요.")])
    who: dict = {}
    identity = {"rrn": "", "rrn_hash": ""}
    channel = Channel.WEB
    if is_self:
        identity = _check_self(given, errors)
        if not crisis_types:
            _add(errors, "crisis_types", [_("어떤 도움이 필요한지 하나 이상 골라 주세요.")])
        data["reporter_kind"] = ReporterKind.SELF
        notify_phone = given.subject_phone
    elif given.partner is not None:
        member = NetworkMember.objects.filter(pk=given.partner, active_to__isnull=True).first()
        if member is None or (district is not None and member.district_id != district.pk):
            _add(
                errors,
                "dong",
                [_("활동하는 구의 이웃만 이 계정으로 알릴 수 있어요. 로그아웃하고 알려 주세요.")],
            )
        data["network_member"] = member
        channel = (
            Channel.HONORARY
            if member is not None and member.role == NetworkRole.HONORARY
            else Channel.NETWORK
        )
        notify_phone = member.phone if member is not None else ""
    else:
        reporter = asdict(given.reporter) if given.reporter is not None else None
        try:
            who = clean_reporter(reporter)
        except RuleError as error:
            for name, messages in error.message_dict.items():
                _add(errors, f"{REPORTER_ERROR_PREFIX}{name}", messages)
        if who and (who.get("name") or who.get("phone")) and not given.consent:
            _add(
                errors,
                "consent",
                [
                    _(
                        "연락처를 남기시려면 개인정보 수집·이용에 동의해 주세요. "
                        "동의하지 않으시면 이름과 연락처를 지우고 익명으로 제보할 수 있어요."
                    )
                ],
            )
        notify_phone = (who or {}).get("phone", "")
    if given.notify and not is_mobile(notify_phone):
        _add(errors, "notify", [_("문자로 알려 드리려면 휴대전화 번호를 남겨 주세요.")])
    if errors:
        raise RuleError(errors)
    if who and given.notify:
        who["wants_reply"] = True
    pin = "".join(secrets.choice("0123456789") for _i in range(PIN_LENGTH))
    with transaction.atomic(), collect_files():
        # A tip sent through a business's memo pad or poster QR code is counted for that business (issue 17).
        source = ReportSource.objects.filter(token=given.source_token).first() if given.source_token else None
        report = report_create(
            district=district, dong=dong, by=None, channel=channel, data=data, reporter=who, source=source
        )
        phone = phones.digits(notify_phone)
        request = PublicRequest.objects.create(
            report=report,
            kind=given.kind,
            crisis_types=[t for t in CrisisType.values if t in crisis_types],
            birth_date=given.birth_date if is_self else None,
            rrn_encrypted=identity["rrn"],
            rrn_hash=identity["rrn_hash"],
            household_kind=given.household_kind if is_self else "",
            routed_by_address=routed,
            pin_hash=_secret_hash(report.receipt_code, pin),
            phone_hash=_secret_hash(report.receipt_code, phone) if phone else "",
            notify_phone=phone if given.notify else "",
            notify_consent=bool(given.notify),
            notified_stage=PublicStage.RECEIVED if given.notify else "",
        )
        if given.photo is not None:
            attachment_add_public(
                data=AttachmentInput(
                    owner=report,
                    kind=AttachmentKind.PHOTO,
                    title=_("신고와 함께 보낸 사진"),
                    file=given.photo,
                )
            )
        if given.notify:
            _send_stage(request, PublicStage.RECEIVED)
    return Submitted(report=report, pin=pin)


# --- Following a request ------------------------------------------------------------------------------------------


def stage_q(prefix: str = "report__") -> Case:
    """The stage as a SQL expression (the same rule as :func:`public_stage`), over a PublicRequest's report
    (``prefix="report__"``) or over a CrisisReport itself (``prefix=""``)."""
    return Case(
        When(**{f"{prefix}status": ReportStatus.RESOLVED}, then=Value(PublicStage.CLOSED)),
        When(**{f"{prefix}first_contacted_at__isnull": False}, then=Value(PublicStage.CONTACTED)),
        When(
            Q(**{f"{prefix}status": ReportStatus.SCREENING})
            | Q(**{f"{prefix}assigned_official__isnull": False})
            | Q(**{f"{prefix}household__isnull": False}),
            then=Value(PublicStage.CHECKING),
        ),
        default=Value(PublicStage.RECEIVED),
        output_field=CharField(),
    )


def public_stage(report: CrisisReport) -> str:
    if report.status == ReportStatus.RESOLVED:
        return PublicStage.CLOSED
    if report.first_contacted_at is not None:
        return PublicStage.CONTACTED
    if report.status == ReportStatus.SCREENING or report.assigned_official_id or report.household_id:
        return PublicStage.CHECKING
    return PublicStage.RECEIVED


_SELF_RESULTS: dict[str, str] = {  # keyed by ReportOutcome (a str): looked up with the report's outcome
    ReportOutcome.CASE_OPENED: gettext_noop("담당자가 계속 함께하며 필요한 도움을 드리고 있어요."),
    ReportOutcome.LINKAGE_ONLY: gettext_noop("필요한 서비스를 연결해 드렸어요."),
    ReportOutcome.REFERRED: gettext_noop("더 알맞은 기관에 연결해 드렸어요."),
    ReportOutcome.NO_NEED: gettext_noop("살펴본 결과, 지금은 따로 지원할 내용이 없는 것으로 정리했어요."),
    ReportOutcome.UNREACHABLE: gettext_noop(
        "연락이 닿지 않았어요. 주민센터로 연락 주시면 다시 도와드릴게요."
    ),
    ReportOutcome.DUPLICATE: gettext_noop("먼저 접수된 신청과 함께 처리하고 있어요."),
    ReportOutcome.REFUSED: gettext_noop(
        "도움을 원하지 않으신다고 하셔서 마무리했어요. 언제든 다시 신청하실 수 있어요."
    ),
}
_STAGE_TEXTS: dict[str, str] = {  # keyed by PublicStage (a str): looked up with public_stage()'s str
    PublicStage.RECEIVED: gettext_noop("접수했어요. 동 주민센터 복지 담당자에게 전달되었어요."),
    PublicStage.CHECKING: gettext_noop("담당자가 내용을 살펴보고 있어요."),
    PublicStage.CONTACTED: gettext_noop("담당자가 연락을 드렸거나 찾아뵈었어요."),
}
NEIGHBOUR_CLOSED = gettext_noop(
    "담당자가 살펴보고 필요한 조치를 마쳤어요. 알려 주셔서 고맙습니다. 이웃의 개인정보는 알려 드릴 수 없어요."
)


def public_result(request: PublicRequest) -> str:
    """The plain-language result: the stage's sentence; when closed, the outcome for a request for oneself, and
    only "it was looked at" for a neighbour's report (another person's case is never told)."""
    stage = public_stage(request.report)
    if stage != PublicStage.CLOSED:
        return _(_STAGE_TEXTS[stage])
    if request.kind == RequestKind.SELF and request.report.outcome in _SELF_RESULTS:
        return _(_SELF_RESULTS[request.report.outcome])
    return _(NEIGHBOUR_CLOSED)


_DUMMY = "0" * 64


def public_request_lookup(code: str, secret: str) -> PublicRequest | None:
    """The request of receipt ``code`` if ``secret`` is its PIN or the phone given with it, else None — the same
    answer, and the same hashing work, for an unknown code and a wrong PIN."""
    code = "".join((code or "").split()).upper()[:16]
    digits = phones.digits(secret)
    request = (
        PublicRequest.objects.select_related("report", "report__dong", "report__district")
        .filter(report__receipt_code=code)
        .first()
        if code
        else None
    )
    pin_hash = request.pin_hash if request is not None else _DUMMY
    phone_hash = (request.phone_hash if request is not None else "") or _DUMMY
    pin_ok = hmac.compare_digest(_secret_hash(code, digits), pin_hash) if len(digits) == PIN_LENGTH else False
    phone_ok = (
        hmac.compare_digest(_secret_hash(code, digits), phone_hash) if len(digits) > PIN_LENGTH else False
    )
    return request if request is not None and (pin_ok or phone_ok) else None


def status_link(code: str) -> str:
    return f"{settings.SITE_URL}{reverse('report:status')}?code={code}"


_STAGE_MESSAGE: dict[str, str] = {  # keyed by PublicStage (a str): looked up with _send_stage()'s stage
    PublicStage.RECEIVED: gettext_noop("접수했어요"),
    PublicStage.CHECKING: gettext_noop("담당자가 살펴보고 있어요"),
    PublicStage.CONTACTED: gettext_noop("담당자가 연락드렸어요"),
    PublicStage.CLOSED: gettext_noop("마무리되었어요"),
}


def _send_stage(request: PublicRequest, stage: str, now: dt.datetime | None = None) -> None:
    report = request.report
    purpose = (
        MessagePurpose.REPORT_RECEIVED if stage == PublicStage.RECEIVED else MessagePurpose.REPORT_STATUS
    )
    message_send(
        MessageRequest(
            purpose=purpose,
            phone=request.notify_phone,
            consent=request.notify_consent,
            idempotency_key=f"discovery.report:{report.pk}:stage:{stage}",
            district_id=report.district_id,
            context={
                "receipt": report.receipt_code,
                "dong": report.dong.name if report.dong_id and report.dong is not None else _("주민센터"),
                "status": _(_STAGE_MESSAGE[stage]),
                "link": status_link(report.receipt_code),
            },
            recipient_label=_("본인 신청자") if request.kind == RequestKind.SELF else _("신고자"),
            ref=f"discovery.crisisreport:{report.pk}",
        ),
        now=now,
    )


REPLY_WINDOW = dt.timedelta(days=2)


def reporter_replies(now: dt.datetime) -> int:
    """The reply a reporter asked for when an official took their report (처리 결과 회신 희망): one message when
    the report is closed, saying only that it was looked at (reports from the public door are told by stage
    instead). Reports closed in the last two days that have no such message yet, in one query."""
    told = OutboundMessage.objects.filter(
        ref=Concat(Value("discovery.crisisreport:"), Cast(OuterRef("pk"), CharField())),
        purpose=MessagePurpose.REPORT_STATUS,
    )
    reports = list(
        CrisisReport.objects.filter(
            status=ReportStatus.RESOLVED,
            resolved_at__gte=now - REPLY_WINDOW,
            reporter__wants_reply=True,
            public_request__isnull=True,
        )
        .exclude(Exists(told))
        .select_related("reporter", "dong")[:2_000]
    )
    sent = 0
    for report in reports:
        if not is_mobile(report.reporter.phone):
            continue
        message_send(
            MessageRequest(
                purpose=MessagePurpose.REPORT_STATUS,
                phone=report.reporter.phone,
                consent=True,
                idempotency_key=f"discovery.report:{report.pk}:reply",
                district_id=report.district_id,
                context={
                    "receipt": report.receipt_code,
                    "dong": report.dong.name if report.dong_id else "",
                    "status": _(NEIGHBOUR_CLOSED),
                    "link": "",
                },
                recipient_label=_("신고자"),
                ref=f"discovery.crisisreport:{report.pk}",
            ),
            now=now,
        )
        sent += 1
    return sent


def public_requests_notify(now: dt.datetime | None = None) -> int:
    """One message for each request whose stage changed since it was last told (those who agreed only), and the
    replies reporters asked for (:func:`reporter_replies`); returns how many were sent. One query finds each
    set (the stage computed in SQL)."""
    now = now or timezone.now()
    replied = reporter_replies(now)
    changed = list(
        PublicRequest.objects.filter(notify_consent=True)
        .annotate(stage=stage_q())
        .exclude(notified_stage=F("stage"))
        .select_related("report", "report__dong")[:2_000]
    )
    for request in changed:
        with transaction.atomic():
            _send_stage(request, request.stage, now=now)
            PublicRequest.objects.filter(pk=request.pk).update(notified_stage=request.stage)
    return len(changed) + replied
