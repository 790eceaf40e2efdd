"""The public front door (issue 20): two doors on /report/, routing by road-name address with suggestions from the
product's own data, an optional photo under the attachment rules, the status page (code + PIN or phone) through
every stage, and the progress messages for those who agreed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from discovery.models import CrisisReport, PublicRequest, ReporterIdentity
from discovery.services import public_requests_notify, route_address
from households.models import Attachment
from tests.factories import HouseholdFactory
from tests.households.factories_attachments import jpeg_with_gps
from welfare.messaging.models import OutboundMessage

pytestmark = pytest.mark.django_db
FORM = reverse("report:create")
STATUS = reverse("report:status")
ADDRESSES = reverse("report:addresses")
NOON = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))


@pytest.fixture
def streets(dong, second_dong):
    """Households on 왕십리로 (왕십리도선동) and 마장로 (마장동); 고산자로 crosses both dongs; 한적한길 has one home."""
    for number in (12, 40, 41):
        HouseholdFactory(dong=dong, road_address=f"서울특별시 성동구 왕십리로 {number}")
    for number in (7, 8, 9):
        HouseholdFactory(dong=second_dong, road_address=f"서울특별시 성동구 마장로 {number}")
    for number in (100, 101, 102):
        HouseholdFactory(dong=dong, road_address=f"서울특별시 성동구 고산자로 {number}")
    for number in (300, 301, 302):
        HouseholdFactory(dong=second_dong, road_address=f"서울특별시 성동구 고산자로 {number}")
    HouseholdFactory(dong=dong, road_address="서울특별시 성동구 한적한길 3")
    return dong, second_dong


def me(**extra) -> dict:
    return {
        "door": "self",
        "subject_name": "김민수",
        "birth_date": "1958-04-02",
        "subject_phone": "010-3456-7890",
        "household_kind": "alone",
        "crisis_types": ["livelihood", "health"],
        "details": "병원비가 걱정돼요.",
        "subject_address": "성동구 왕십리로 12, 2층",
        "where": "",
        "consent": "on",
        "notify": "on",
        **extra,
    }


def neighbour(**extra) -> dict:
    return {
        "door": "neighbour",
        "subject_description": "혼자 사시는 할머니",
        "crisis_types": ["care"],
        "details": "며칠째 불이 꺼져 있어요.",
        "where": "",
        **extra,
    }


def receipt(client) -> tuple[str, str]:
    html = client.get(reverse("report:done")).content.decode()
    report = CrisisReport.objects.latest("id")
    pin = html.split('receipt-pin">')[1].split("<")[0]
    assert report.receipt_code in html
    return report.receipt_code, pin


# --- The two doors ------------------------------------------------------------------------------------------------


def test_report_shows_both_doors_in_plain_korean(client, dong):
    html = client.get(FORM).content.decode()
    assert "도움이 필요해요 (나)" in html and "이웃이 걱정돼요 (이웃)" in html
    assert 'enctype="multipart/form-data"' in html and "잘 모르겠어요" in html
    own = client.get(FORM, {"door": "self"}).content.decode()
    assert 'name="birth_date"' in own and 'name="rrn"' in own and 'name="household_kind"' in own
    assert 'name="reporter_name"' not in own


def test_a_request_for_oneself_is_routed_by_address_with_the_rrn_encrypted(
    client, streets, django_capture_on_commit_callbacks
):
    dong, _other = streets
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(FORM, me(rrn="580402-1234567"))
    assert response.status_code == 302
    report = CrisisReport.objects.get()
    request = report.public_request
    assert report.dong == dong and request.routed_by_address and report.reporter_kind == "self"
    assert report.subject_name == "김민수" and request.birth_date == dt.date(1958, 4, 2)
    assert request.crisis_types == ["livelihood", "health"] and request.household_kind == "alone"
    assert request.rrn_encrypted == "5804021234567" and len(request.rrn_hash) == 64
    assert not ReporterIdentity.objects.exists()  # the person asking is the subject, not a reporter
    from django.db import connection

    with connection.cursor() as cursor:  # encrypted at rest
        cursor.execute("SELECT rrn_encrypted FROM discovery_publicrequest")
        assert "5804021234567" not in cursor.fetchone()[0]
    message = OutboundMessage.objects.get()
    assert message.purpose == "report_received" and message.phone_masked == "010-****-7890"
    assert report.receipt_code in message.body


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"subject_name": ""}, "subject_name", "이름을 적어"),
        ({"birth_date": ""}, "birth_date", "생년월일을 적어"),
        ({"subject_phone": "02-123-4567"}, "subject_phone", "휴대전화"),
        ({"rrn": "580403-1234567"}, "rrn", "생년월일과 다릅니다"),
        ({"consent": ""}, "consent", "동의해 주셔야"),
        ({"crisis_types": []}, "crisis_types", "하나 이상"),
    ],
)
def test_a_request_for_oneself_says_what_is_missing(client, streets, change, field, words):
    response = client.post(FORM, me(**change))
    assert response.status_code == 200 and words in response.content.decode()
    assert not CrisisReport.objects.exists()


def test_an_anonymous_neighbour_report_with_a_photo_has_its_location_stripped(client, streets):
    photo = SimpleUploadedFile("door.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(FORM, neighbour(subject_address="왕십리로 40", photo=photo))
    assert response.status_code == 302
    report = CrisisReport.objects.get()
    assert report.reporter_kind == "anonymous" and report.dong == streets[0]
    assert report.public_request.kind == "neighbour" and report.public_request.crisis_types == ["care"]
    attachment = Attachment.objects.get()
    assert (attachment.owner_kind, attachment.owner_id, attachment.kind) == ("report", report.pk, "photo")
    assert attachment.content_type == "image/jpeg" and attachment.added_by is None
    from households.services.attachments import storage
    from welfare.common.blobs import open_decrypted

    data = b"".join(open_decrypted(storage(), attachment.storage_name))
    assert not Image.open(io.BytesIO(data)).getexif()  # no GPS, no camera
    with storage().open(attachment.storage_name) as raw:
        assert raw.read(3) != b"\xff\xd8\xff"  # stored encrypted


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_is_saved(client, streets):
    fake = SimpleUploadedFile("door.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    response = client.post(FORM, neighbour(subject_address="왕십리로 40", photo=fake))
    assert response.status_code == 200 and "사진 파일" in response.content.decode()
    assert not CrisisReport.objects.exists() and not Attachment.objects.exists()


# --- Routing ------------------------------------------------------------------------------------------------------


def test_routing_by_building_by_road_by_district_name_or_not_at_all(streets):
    dong, second = streets
    assert route_address("서울 성동구 왕십리로 12, 101호").dong == dong
    assert route_address("왕십리로 999").dong == dong  # the road lies in one dong
    assert route_address("마장로 7").dong == second
    assert route_address("고산자로 300").dong == second  # the building is known
    crossing = route_address("성동구 고산자로 200")  # the road spans two dongs: the district queue
    assert crossing.dong is None and crossing.district == dong.district
    assert route_address("어딘가로 5").district is None


def test_an_explicit_dong_wins_and_dont_know_still_works(client, streets):
    dong, second = streets
    client.post(FORM, neighbour(subject_address="왕십리로 12", where=f"dong:{second.pk}"))
    client.post(FORM, neighbour(subject_address="어딘가로 5", where=f"district:{dong.district_id}"))
    first, unknown = CrisisReport.objects.order_by("id")
    assert first.dong == second and not first.public_request.routed_by_address
    assert unknown.dong is None and unknown.district == dong.district
    response = client.post(FORM, neighbour(subject_address="어딘가로 5"))
    assert response.status_code == 200 and "동을 고르세요" in response.content.decode()


def test_suggestions_give_road_names_and_dongs_only(client, streets, django_assert_max_num_queries, settings):
    with django_assert_max_num_queries(3):
        answer = client.get(ADDRESSES, {"q": "고산"}).json()["results"]
    assert {(r["road"], r["dong"]) for r in answer} == {("고산자로", "왕십리도선동"), ("고산자로", "마장동")}
    text = str(client.get(ADDRESSES, {"q": "왕십리로 1"}).json())
    assert "왕십리로" in text and "12" not in text and "40" not in text
    assert client.get(ADDRESSES, {"q": "한적"}).json()["results"] == []  # one home: never suggested
    settings.PUBLIC_ADDRESS_RATE_PER_HOUR = 3
    assert client.get(ADDRESSES, {"q": "마장"}).status_code == 429


# --- Following a request --------------------------------------------------------------------------------------------


def test_the_status_page_follows_every_stage_and_tells_a_neighbour_nothing_private(client, streets, official):
    client.post(FORM, neighbour(subject_address="왕십리로 12", reporter_phone="010-5555-1234", consent="on"))
    code, pin = receipt(client)
    report = CrisisReport.objects.get()

    def look(secret=pin):
        return client.post(STATUS, {"code": code.lower(), "secret": secret}).content.decode()

    assert 'data-stage="received" aria-current="step"' in look()
    assert 'aria-current="step"' in look("010-5555-1234")  # the phone given opens it too
    CrisisReport.objects.filter(pk=report.pk).update(status="screening", assigned_official=official)
    assert 'data-stage="checking" aria-current="step"' in look()
    CrisisReport.objects.filter(pk=report.pk).update(first_contacted_at=timezone.now())
    assert 'data-stage="contacted" aria-current="step"' in look()
    CrisisReport.objects.filter(pk=report.pk).update(
        status="resolved", outcome="refused", resolved_at=timezone.now()
    )
    html = look()
    assert 'data-stage="closed" aria-current="step"' in html and "필요한 조치를 마쳤어요" in html
    assert "원하지 않으신다고" not in html and "혼자 사시는 할머니" not in html


def test_a_wrong_pin_answers_as_an_unknown_code_and_is_rate_limited(client, streets, settings):
    client.post(FORM, me())
    code, pin = receipt(client)
    wrong = "000000" if pin != "000000" else "111111"
    bad_pin = client.post(STATUS, {"code": code, "secret": wrong})
    bad_code = client.post(STATUS, {"code": "RZZZZZZZZZ", "secret": pin})
    strip = lambda r: r.content.decode().replace(code, "").replace("RZZZZZZZZZ", "")  # noqa: E731
    assert bad_pin.status_code == bad_code.status_code == 200
    assert strip(bad_pin).split("<form")[0] == strip(bad_code).split("<form")[0]
    assert "맞지 않아요" in bad_pin.content.decode() and "status-result" not in bad_pin.content.decode()
    settings.PUBLIC_STATUS_RATE_PER_HOUR = 2
    assert client.post(STATUS, {"code": code, "secret": pin}).status_code == 429


def test_a_request_for_oneself_sees_its_own_outcome(client, streets):
    client.post(FORM, me())
    code, pin = receipt(client)
    CrisisReport.objects.update(status="resolved", outcome="linkage_only", resolved_at=timezone.now())
    html = client.post(STATUS, {"code": code, "secret": pin}).content.decode()
    assert "필요한 서비스를 연결해 드렸어요" in html


def test_each_stage_is_messaged_once_to_those_who_agreed(
    client, streets, official, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(FORM, me())
        client.post(FORM, me(notify=""))
    assert OutboundMessage.objects.count() == 1
    assert public_requests_notify(NOON) == 0
    CrisisReport.objects.update(assigned_official=official, status="screening")
    with django_capture_on_commit_callbacks(execute=True):
        assert public_requests_notify(NOON) == 1
        assert public_requests_notify(NOON) == 0
    messages = list(OutboundMessage.objects.order_by("id"))
    assert [m.purpose for m in messages] == ["report_received", "report_status"]
    assert "살펴보고 있어요" in messages[1].body
    assert PublicRequest.objects.filter(notified_stage="checking").count() == 1


def test_the_honeypot_and_rate_limit_still_guard_both_doors(client, streets, settings):
    assert client.post(FORM, me(website="http://spam")).status_code == 302
    assert not CrisisReport.objects.exists()
    settings.PUBLIC_REPORT_RATE_PER_HOUR = 2
    client.post(FORM, me())
    assert client.post(FORM, neighbour(subject_address="왕십리로 12")).status_code == 429


def test_text_is_escaped_on_the_pages(client, streets, official, client_for):
    client.post(FORM, neighbour(subject_address="왕십리로 12", details="<script>alert(1)</script>"))
    report = CrisisReport.objects.get()
    html = client_for(official).get(reverse("discovery:report_detail", args=[report.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


# --- The partners' door -------------------------------------------------------------------------------------------


@pytest.fixture
def partner(dong, official):
    from discovery.models import NetworkMember
    from discovery.services import partner_login_link
    from tests.factories import UserFactory

    member = NetworkMember.objects.create(
        district=dong.district, name="명예 박씨", role="honorary", phone="010-7777-0000"
    )
    member.dongs.set([dong])
    return partner_login_link(member=member, user=UserFactory(username="partner"), by=official)


def test_a_partner_files_under_their_name_and_sees_only_their_reports_stages(
    client, streets, partner, official, django_assert_max_num_queries
):
    client.force_login(partner.user)
    for n in range(3):
        client.post(FORM, neighbour(subject_address="왕십리로 12", subject_description=f"할머니 {n}호"))
    client.logout()
    client.post(FORM, neighbour(subject_address="왕십리로 12"))  # someone else's report
    mine = CrisisReport.objects.filter(network_member=partner).order_by("id")
    assert mine.count() == 3 and {r.channel for r in mine} == {"honorary"}
    CrisisReport.objects.filter(pk=mine[0].pk).update(
        status="resolved", outcome="case_opened", resolved_at=timezone.now()
    )
    client.force_login(partner.user)
    with django_assert_max_num_queries(8):
        html = client.get(reverse("report:mine")).content.decode()
    assert html.count("<tr data-stage=") == 3 and html.count('data-stage="closed"') == 1
    assert "할머니" not in html and "통합사례관리" not in html
    other = CrisisReport.objects.exclude(network_member=partner).get()
    assert other.receipt_code not in html


def test_the_partner_page_is_closed_to_others(client, official, client_for, dong):
    assert client.get(reverse("report:mine")).status_code == 302  # to the login
    assert client_for(official).get(reverse("report:mine")).status_code == 403


def test_only_the_network_keepers_link_a_partner_login(partner, nurse, official):
    from discovery.services import partner_login_link
    from welfare.errors import RuleError

    with pytest.raises(RuleError):
        partner_login_link(member=partner, user=None, by=nurse)
    with pytest.raises(RuleError):
        partner_login_link(member=partner, user=official, by=official)  # a staff account


def test_the_official_sees_the_request_and_its_messages_never_the_number(
    client, streets, official, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(FORM, me(rrn="580402-1234567"))
    report = CrisisReport.objects.get()
    html = client_for(official).get(reverse("discovery:report_detail", args=[report.pk])).content.decode()
    assert 'id="public-request"' in html and "생계 (먹고 사는 일)" in html and "혼자 살아요" in html
    assert "받음 (암호화 보관)" in html and "1234567" not in html
    # The request's section and its message log show the number masked; the subject's own contact line above
    # (the number the official calls back) is the report's, shown to its official as on every report.
    section = html[html.index('id="public-request"'):]
    section = section[: section.index("</section>")]
    assert "010-****-7890" in section and "3456-7890" not in section.replace("010-****-7890", "")


# --- Asking the network to look in ---------------------------------------------------------------------------------


def test_an_official_asks_a_network_member_to_look_in_once(
    client, streets, official, client_for, nurse, django_capture_on_commit_callbacks, settings
):
    from discovery.models import NetworkMember

    settings.MESSAGING_QUIET_HOURS = (0, 0)  # whatever the hour the test runs at: no quiet hours

    dong, second = streets
    client.post(FORM, neighbour(subject_address="왕십리로 12, 302호", subject_name="홍길순"))
    report = CrisisReport.objects.get()
    member = NetworkMember.objects.create(
        district=dong.district, name="이웃 김씨", role="neighbour", phone="010-8888-1111"
    )
    member.dongs.set([dong])
    elsewhere = NetworkMember.objects.create(
        district=dong.district, name="마장 박씨", role="neighbour", phone="010-8888-2222"
    )
    elsewhere.dongs.set([second])
    staff = client_for(official)
    url = reverse("discovery:report_network_look", args=[report.pk])
    page = staff.get(reverse("discovery:report_detail", args=[report.pk])).content.decode()
    assert "이웃 김씨" in page and "마장 박씨" not in page
    assert staff.post(url, {"member": elsewhere.pk}).status_code == 200  # not a member of this dong
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            assert (
                staff.post(url, {"member": member.pk, "note": "불이 며칠째 꺼져 있어요"}).status_code == 302
            )
    message = OutboundMessage.objects.get(purpose="network_look")
    assert message.state == "sent" and message.phone_masked == "010-****-1111"
    assert "왕십리로" in message.body and "불이 며칠째" in message.body
    assert (
        "302" not in message.body and "12" not in message.body.split("]")[1] and "홍길순" not in message.body
    )
    client.logout()
    assert client_for(nurse).post(url, {"member": member.pk}).status_code == 403


def test_a_reporter_who_asked_for_a_reply_is_told_once_when_the_report_closes(
    dong, official, django_capture_on_commit_callbacks
):
    from discovery.services import ReporterInput, ReportInput, report_take

    report = report_take(
        ReportInput(
            channel="phone",
            dong=dong.pk,
            received_at=timezone.now(),
            subject_description="옆집 어르신",
            reporter=ReporterInput(name="이웃", phone="010-4444-5555", wants_reply=True),
        ),
        by=official,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert public_requests_notify() == 0
        CrisisReport.objects.filter(pk=report.pk).update(
            status="resolved", outcome="case_opened", resolved_at=timezone.now()
        )
        assert public_requests_notify() == 1
        assert public_requests_notify() == 0
    message = OutboundMessage.objects.get()
    assert message.phone_masked == "010-****-5555" and "필요한 조치를 마쳤어요" in message.body
    assert "통합사례관리" not in message.body
