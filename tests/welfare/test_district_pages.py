"""The district admin's pages (구 설정): staff accounts and the district's cadence and discovery policies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from discovery.models import DiscoveryPolicy
from households import services as household_services
from households.models import CadencePolicy
from households.services.policy import cadence_policy_save
from tests.factories import DongFactory, UserFactory, staff_user
from welfare import services as welfare_services
from welfare.errors import RuleError
from welfare.models import AccessLog, Role, StaffMembership

pytestmark = pytest.mark.django_db

User = get_user_model()

STAFF = reverse("district:staff")
CREATE = reverse("district:staff_create")
POLICIES = reverse("district:policies")
GOOD_PASSWORD = "봄날-산책-2024-welfare"


def edit_url(user) -> str:
    return reverse("district:staff_edit", args=[user.staff.pk])


def password_url(user) -> str:
    return reverse("district:staff_password", args=[user.staff.pk])


def staff_post(**overrides) -> dict:
    data = {"username": "newofficial", "first_name": "김민지", "email": "", "role": Role.DONG_OFFICIAL,
            "dongs": [], "password": GOOD_PASSWORD, "password_confirm": GOOD_PASSWORD}
    data.update(overrides)
    return data


def edit_post(user, **overrides) -> dict:
    staff = user.staff
    data = {"first_name": user.get_full_name(), "email": user.email, "role": staff.role,
            "dongs": [d.pk for d in staff.dongs.all()], "personal_access": "on" if staff.personal_access else "",
            "is_active": "on" if user.is_active else ""}
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def cadence_post(**overrides) -> dict:
    data = {"high_days": 7, "medium_days": 14, "low_days": 30, "in_service_days": 30,
            "silence_high_days": 7, "silence_medium_days": 14, "silence_low_days": 30,
            "emergency_days": 2, "general_days": 365, "silence_emergency_days": 2,
            "aftercare_first_months": 1, "aftercare_last_months": 3, "reassessment_months": 6}
    data.update(overrides)
    return {"which": "cadence", **{f"cadence-{k}": v for k, v in data.items()}}


def discovery_post(**overrides) -> dict:
    data = {"urgent_first_contact_hours": 24, "normal_first_contact_days": 7, "unreachable_attempts": 3,
            "reward_amount_krw": 20_000, "reward_yearly_cap_krw": 200_000, "min_care_team_per_dong": 1,
            "min_care_team_high_risk_dong": 3, "min_honorary_per_dong": 20}
    data.update(overrides)
    return {"which": "discovery", **{f"discovery-{k}": v for k, v in data.items()}}


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def elsewhere_official(other_district_dong):
    return staff_user(Role.DONG_OFFICIAL, district=other_district_dong.district, dongs=[other_district_dong],
                      username="ydp-official")


def field_errors(response, form: str = "form") -> dict:
    return {name: list(errors) for name, errors in response.context[form].errors.items()}


# Who may open the pages -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["official", "lead", "planner"])
def test_everyone_but_district_admins_gets_403(client_for, request, actor, other_dong_official):
    # given a staff member who is not a district admin
    web = client_for(request.getfixturevalue(actor))

    # then every page and every form answers 403, and nothing changes
    for url in (STAFF, CREATE, POLICIES, edit_url(other_dong_official)):
        assert web.get(url).status_code == 403, url
    assert web.post(CREATE, staff_post()).status_code == 403
    assert web.post(edit_url(other_dong_official), edit_post(other_dong_official, is_active="")).status_code == 403
    assert web.post(password_url(other_dong_official), {"password": GOOD_PASSWORD,
                                                        "password_confirm": GOOD_PASSWORD}).status_code == 403
    assert web.post(POLICIES, cadence_post(high_days=3)).status_code == 403
    assert not User.objects.filter(username="newofficial").exists()
    assert not CadencePolicy.objects.exists()
    other_dong_official.refresh_from_db()
    assert other_dong_official.is_active


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(STAFF)

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_another_districts_staff_member_is_404_when_editing(client_for, district_admin, elsewhere_official):
    web = client_for(district_admin)

    assert web.get(edit_url(elsewhere_official)).status_code == 404
    assert web.post(edit_url(elsewhere_official), edit_post(elsewhere_official, is_active="")).status_code == 404
    assert web.post(password_url(elsewhere_official), {"password": GOOD_PASSWORD,
                                                       "password_confirm": GOOD_PASSWORD}).status_code == 404
    elsewhere_official.refresh_from_db()
    assert elsewhere_official.is_active
    assert elsewhere_official.check_password("pass-for-tests-1")


def test_a_district_admin_ignores_another_district_in_the_query(client_for, district_admin, seongdong,
                                                               yeongdeungpo, elsewhere_official):
    response = client_for(district_admin).get(STAFF, {"district": yeongdeungpo.pk})

    assert response.context["district"] == seongdong
    assert "ydp-official" not in response.content.decode()


def test_superuser_picks_a_district_and_defaults_to_the_first(client_for, superuser, district_admin, seongdong,
                                                             yeongdeungpo, elsewhere_official):
    web = client_for(superuser)

    first = web.get(STAFF)
    chosen = web.get(STAFF, {"district": yeongdeungpo.pk})

    assert first.status_code == 200 and first.context["district"] == seongdong  # 성동구 sorts before 영등포구
    assert chosen.status_code == 200 and chosen.context["district"] == yeongdeungpo
    assert [s.user.username for s in chosen.context["page"].object_list] == ["ydp-official"]
    assert web.get(STAFF, {"district": "999999"}).status_code == 404
    assert web.get(edit_url(elsewhere_official)).status_code == 200
    assert web.get(POLICIES, {"district": yeongdeungpo.pk}).status_code == 200


def test_the_nav_link_shows_for_district_admins_only(client_for, district_admin, planner, official):
    link = f'href="{STAFF}"'

    assert link in client_for(district_admin).get(reverse("home")).content.decode()
    assert link not in client_for(planner).get(reverse("home")).content.decode()
    assert link not in client_for(official).get(reverse("home")).content.decode()


# The staff list ---------------------------------------------------------------------------------------------------


def test_the_list_shows_the_districts_staff_with_their_dongs(client_for, district_admin, official, planner,
                                                            elsewhere_official, dong):
    response = client_for(district_admin).get(STAFF)

    rows = {s.user.username: s for s in response.context["page"].object_list}
    assert set(rows) == {"districtadmin", "official", "planner"}
    assert [d.name for d in rows["official"].dongs.all()] == [dong.name]
    body = response.content.decode()
    assert "동 담당 공무원" in body and "왕십리도선동" in body and "집계만" in body


def test_search_finds_by_name_username_or_dong(client_for, district_admin, official, other_dong_official,
                                               second_dong):
    # names fixed here: the factories draw random Korean names, which might contain the one searched for
    for person, name in ((official, "이서연"), (other_dong_official, "박준호"), (district_admin, "최지훈")):
        person.first_name, person.last_name = name, ""
        person.save()
    web = client_for(district_admin)

    def found(q):
        return {s.user.username for s in web.get(STAFF, {"q": q}).context["page"].object_list}

    assert found("서연") == {"official"}
    assert found("other") == {"other"}
    assert found(second_dong.name) == {"other"}


def test_inactive_staff_are_listed_only_when_asked(client_for, district_admin, official):
    official.is_active = False
    official.save()
    web = client_for(district_admin)

    assert "official" not in {s.user.username for s in web.get(STAFF).context["page"].object_list}
    assert "official" in {s.user.username
                          for s in web.get(STAFF, {"active": "0"}).context["page"].object_list}
    assert "official" in {s.user.username
                          for s in web.get(STAFF, {"active": "all"}).context["page"].object_list}


def test_an_empty_search_says_so(client_for, district_admin):
    response = client_for(district_admin).get(STAFF, {"q": "없는사람"})

    assert "조건에 맞는 직원이 없습니다" in response.content.decode()


def test_the_staff_list_runs_a_constant_number_of_queries(client_for, district_admin, seongdong, dong, second_dong):
    web = client_for(district_admin)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert web.get(STAFF).status_code == 200
        return len(queries)

    for n in range(4):
        staff_user(Role.DONG_OFFICIAL, district=seongdong, dongs=[dong, second_dong], username=f"few{n}")
    few = count_queries()
    for n in range(20):
        staff_user(Role.DONG_LEAD, district=seongdong, dongs=[dong], username=f"many{n}")
    many = count_queries()

    # 8 queries whether the page holds 5 rows or 25: session, user, the admin's membership, its district, the
    # page's COUNT, the bell's unread COUNT, the rows with their users (one join), their dongs (one prefetch).
    assert few == many == 8


# Creating an account ----------------------------------------------------------------------------------------------


def test_a_district_admin_creates_an_official(client_for, district_admin, dong, seongdong):
    response = client_for(district_admin).post(CREATE, staff_post(dongs=[dong.pk], email="minji@example.go.kr"))

    assert response.status_code == 302 and response.url == STAFF
    user = User.objects.get(username="newofficial")
    assert user.first_name == "김민지" and user.get_full_name() == "김민지"
    assert user.email == "minji@example.go.kr" and user.check_password(GOOD_PASSWORD)
    assert not user.is_staff and not user.is_superuser
    assert user.staff.district == seongdong and user.staff.role == Role.DONG_OFFICIAL
    assert list(user.staff.dongs.all()) == [dong]
    entry = AccessLog.objects.get(verb="welfare.staffmembership.created")
    assert entry.user == district_admin and entry.object_id == str(user.staff.pk)
    assert entry.changes["dongs"] == [dong.name] and GOOD_PASSWORD not in str(entry.changes)


def test_an_account_without_a_password_cannot_log_in_until_one_is_set(client_for, district_admin, dong):
    client_for(district_admin).post(CREATE, staff_post(dongs=[dong.pk], password="", password_confirm=""))

    user = User.objects.get(username="newofficial")
    assert not user.has_usable_password()


def test_a_dong_role_without_dongs_is_refused(client_for, district_admin):
    response = client_for(district_admin).post(CREATE, staff_post(role=Role.DONG_LEAD, dongs=[]))

    assert response.status_code == 200
    assert "담당 동을 하나 이상" in " ".join(field_errors(response)["dongs"])
    assert response.context["form"]["username"].value() == "newofficial"  # what was typed is kept
    assert not User.objects.filter(username="newofficial").exists()


def test_a_district_role_with_dongs_is_refused(client_for, district_admin, dong):
    response = client_for(district_admin).post(CREATE, staff_post(role=Role.DISTRICT_PLANNER, dongs=[dong.pk]))

    assert response.status_code == 200
    assert "구 전체" in " ".join(field_errors(response)["dongs"])
    assert not User.objects.filter(username="newofficial").exists()


def test_another_districts_dong_is_not_a_valid_choice(client_for, district_admin, other_district_dong):
    response = client_for(district_admin).post(CREATE, staff_post(dongs=[other_district_dong.pk]))

    assert response.status_code == 200 and "dongs" in field_errors(response)
    assert not User.objects.filter(username="newofficial").exists()


@pytest.mark.parametrize("password", ["12345678", "password", "newofficial1", "짧은비번"])
def test_a_weak_password_is_refused(client_for, district_admin, dong, password):
    response = client_for(district_admin).post(CREATE, staff_post(dongs=[dong.pk], password=password,
                                                                   password_confirm=password))

    assert response.status_code == 200 and field_errors(response)["password"]
    assert not User.objects.filter(username="newofficial").exists()


def test_mismatched_passwords_are_refused(client_for, district_admin, dong):
    response = client_for(district_admin).post(CREATE, staff_post(dongs=[dong.pk], password_confirm="다른-비밀번호-99"))

    assert "password_confirm" in field_errors(response)
    assert not User.objects.filter(username="newofficial").exists()


@pytest.mark.parametrize("username", ["official", "OFFICIAL"])
def test_a_duplicate_username_is_refused(client_for, district_admin, official, dong, username):
    response = client_for(district_admin).post(CREATE, staff_post(username=username, dongs=[dong.pk]))

    assert response.status_code == 200
    assert field_errors(response)["username"] == ["이미 사용 중인 아이디입니다."]
    assert User.objects.filter(username__iexact="official").count() == 1


def test_personal_access_is_kept_for_planners_only(client_for, district_admin, dong):
    web = client_for(district_admin)

    web.post(CREATE, staff_post(username="newplanner", role=Role.DISTRICT_PLANNER, personal_access="on"))
    web.post(CREATE, staff_post(username="newlead", role=Role.DONG_LEAD, dongs=[dong.pk], personal_access="on"))

    assert StaffMembership.objects.get(user__username="newplanner").personal_access
    assert not StaffMembership.objects.get(user__username="newlead").personal_access


# Editing an account -----------------------------------------------------------------------------------------------


def test_the_admin_moves_an_official_to_another_dong_and_it_is_audited(client_for, district_admin, official,
                                                                       dong, second_dong):
    response = client_for(district_admin).post(edit_url(official), edit_post(
        official, role=Role.DONG_LEAD, dongs=[second_dong.pk]))

    assert response.status_code == 302
    official.staff.refresh_from_db()
    assert official.staff.role == Role.DONG_LEAD and list(official.staff.dongs.all()) == [second_dong]
    entry = AccessLog.objects.get(verb="welfare.staffmembership.updated")
    assert entry.user == district_admin
    assert entry.changes["role"] == [Role.DONG_OFFICIAL, Role.DONG_LEAD]
    assert entry.changes["dongs"] == [[dong.name], [second_dong.name]]


def test_renaming_keeps_the_whole_name_in_one_field(client_for, district_admin, official):
    # given an account made elsewhere with the name split in two
    official.first_name, official.last_name = "민지", "김"
    official.save()

    web = client_for(district_admin)

    # when the admin opens the edit form and saves it as shown
    shown = web.get(edit_url(official)).context["form"]["first_name"].value()
    web.post(edit_url(official), edit_post(official, first_name=shown))

    # then the name is shown in Korean order and stored once, not doubled
    official.refresh_from_db()
    assert shown == "김민지"
    assert (official.first_name, official.last_name, official.get_full_name()) == ("김민지", "", "김민지")


def test_deactivating_keeps_the_account_but_ends_its_sessions(client, district_admin, official):
    # given the official is signed in on a tablet
    client.force_login(official)
    assert client.get(reverse("home")).status_code == 200
    admin_web = Client()
    admin_web.force_login(district_admin)

    # when the admin deactivates the account
    response = admin_web.post(edit_url(official), edit_post(official, is_active=""))

    # then the account stays, its sessions no longer work, and the change is logged
    assert response.status_code == 302
    official.refresh_from_db()
    assert not official.is_active and StaffMembership.objects.filter(user=official).exists()
    assert client.get(reverse("home")).status_code == 302
    assert AccessLog.objects.get(verb="welfare.staffmembership.deactivated").changes["is_active"] == [True, False]


def test_a_district_admin_cannot_demote_themselves(client_for, district_admin):
    response = client_for(district_admin).post(edit_url(district_admin), edit_post(
        district_admin, role=Role.DISTRICT_PLANNER))

    assert response.status_code == 200
    assert "자신의 역할" in " ".join(field_errors(response)["role"])
    district_admin.staff.refresh_from_db()
    assert district_admin.staff.role == Role.DISTRICT_ADMIN


def test_a_district_admin_cannot_deactivate_themselves(client_for, district_admin):
    response = client_for(district_admin).post(edit_url(district_admin), edit_post(district_admin, is_active=""))

    assert response.status_code == 200 and field_errors(response)["is_active"]
    district_admin.refresh_from_db()
    assert district_admin.is_active


def test_a_district_admin_may_demote_another_admin(client_for, district_admin, seongdong):
    colleague = staff_user(Role.DISTRICT_ADMIN, district=seongdong, username="colleague")

    response = client_for(district_admin).post(edit_url(colleague), edit_post(colleague,
                                                                               role=Role.DISTRICT_PLANNER))

    assert response.status_code == 302
    colleague.staff.refresh_from_db()
    assert colleague.staff.role == Role.DISTRICT_PLANNER


def test_an_admin_site_account_is_left_to_superusers(client_for, district_admin, seongdong):
    # given a staff member who also has Django admin rights
    powerful = staff_user(Role.DISTRICT_PLANNER, district=seongdong, username="powerful")
    powerful.is_staff = True
    powerful.save()

    # when the district admin tries to take over the account by resetting its password
    response = client_for(district_admin).post(password_url(powerful), {
        "password": GOOD_PASSWORD, "password_confirm": GOOD_PASSWORD})

    # then it is refused
    assert response.status_code == 200 and response.context["password_form"].non_field_errors()
    powerful.refresh_from_db()
    assert not powerful.check_password(GOOD_PASSWORD)


# Resetting a password ---------------------------------------------------------------------------------------------


def test_the_admin_sets_a_new_password(client_for, district_admin, official):
    response = client_for(district_admin).post(password_url(official), {
        "password": GOOD_PASSWORD, "password_confirm": GOOD_PASSWORD})

    assert response.status_code == 302 and response.url == edit_url(official)
    official.refresh_from_db()
    assert official.check_password(GOOD_PASSWORD)
    entry = AccessLog.objects.get(verb="welfare.staffmembership.password_reset")
    assert entry.user == district_admin and entry.changes == {"password": "(changed)"}


def test_a_weak_new_password_is_refused_beside_the_field(client_for, district_admin, official):
    response = client_for(district_admin).post(password_url(official), {
        "password": "official", "password_confirm": "official"})

    assert response.status_code == 200 and field_errors(response, "password_form")["password"]
    official.refresh_from_db()
    assert official.check_password("pass-for-tests-1")


def test_the_password_reset_is_post_only(client_for, district_admin, official):
    assert client_for(district_admin).get(password_url(official)).status_code == 405


# Policies ---------------------------------------------------------------------------------------------------------


def test_the_policies_page_shows_the_defaults_before_the_first_save(client_for, district_admin):
    response = client_for(district_admin).get(POLICIES)

    assert response.status_code == 200
    assert response.context["cadence"]["high_days"].value() == 7
    assert response.context["discovery"]["reward_amount_krw"].value() == 20_000
    body = response.content.decode()
    assert "기본값" in body and "schedule_followups" in body


def test_saving_the_cadence_creates_the_row_and_changes_the_proposed_next_contact(client_for, district_admin,
                                                                                  household, seongdong):
    after = dt.date(2025, 5, 1)
    assert household_services.propose_next_contact(household=household, risk_level="high",
                                                   after=after) == after + dt.timedelta(days=7)

    response = client_for(district_admin).post(POLICIES, cadence_post(high_days=3, silence_high_days=5))

    assert response.status_code == 302 and response.url == POLICIES
    policy = CadencePolicy.objects.get(district=seongdong)
    assert (policy.high_days, policy.silence_high_days, policy.low_days) == (3, 5, 30)
    assert household_services.propose_next_contact(household=household, risk_level="high",
                                                   after=after) == after + dt.timedelta(days=3)
    entry = AccessLog.objects.get(verb="households.cadencepolicy.created")
    assert entry.user == district_admin and entry.changes == {"high_days": [7, 3], "silence_high_days": [7, 5]}


def test_a_second_save_updates_and_logs_only_what_changed(client_for, district_admin, seongdong):
    CadencePolicy.objects.create(district=seongdong, high_days=5)

    client_for(district_admin).post(POLICIES, cadence_post(high_days=5, low_days=45))

    assert CadencePolicy.objects.get(district=seongdong).low_days == 45
    assert AccessLog.objects.get(verb="households.cadencepolicy.updated").changes == {"low_days": [30, 45]}


@pytest.mark.parametrize("value", [0, 366, -1, "abc", ""])
def test_cadence_days_outside_1_to_365_are_refused_with_a_clear_message(client_for, district_admin, value):
    response = client_for(district_admin).post(POLICIES, cadence_post(medium_days=value))

    assert response.status_code == 200
    assert field_errors(response, "cadence")["medium_days"] == ["1일에서 365일 사이로 입력하세요."]
    assert response.context["cadence"]["low_days"].value() == "30"  # what was typed is kept
    assert not CadencePolicy.objects.exists()


def test_a_high_risk_cadence_longer_than_the_low_risk_one_is_refused(client_for, district_admin):
    response = client_for(district_admin).post(POLICIES, cadence_post(high_days=40, medium_days=14, low_days=30))

    assert response.status_code == 200
    assert "고위험 ≤ 중위험" in " ".join(field_errors(response, "cadence")["medium_days"])
    assert not CadencePolicy.objects.exists()


def test_saving_the_discovery_policy(client_for, district_admin, seongdong):
    response = client_for(district_admin).post(POLICIES, discovery_post(
        urgent_first_contact_hours=12, reward_amount_krw=30_000, reward_yearly_cap_krw=300_000))

    assert response.status_code == 302
    policy = DiscoveryPolicy.for_district(seongdong.pk)
    assert (policy.urgent_first_contact_hours, policy.reward_amount_krw, policy.reward_yearly_cap_krw) == (
        12, 30_000, 300_000)
    received = dt.datetime(2025, 5, 1, 9, tzinfo=dt.UTC)
    assert policy.first_contact_due(received_at=received, urgent=True) == received + dt.timedelta(hours=12)
    entry = AccessLog.objects.get(verb="discovery.discoverypolicy.created")
    assert entry.changes["reward_amount_krw"] == [20_000, 30_000]


def test_a_yearly_cap_below_the_reward_amount_is_refused(client_for, district_admin, seongdong):
    response = client_for(district_admin).post(POLICIES, discovery_post(reward_amount_krw=50_000,
                                                                        reward_yearly_cap_krw=40_000))

    assert response.status_code == 200
    assert field_errors(response, "discovery")["reward_yearly_cap_krw"] == ["연간 한도는 건당 포상금보다 적을 수 없습니다."]
    assert not DiscoveryPolicy.objects.filter(district=seongdong).exists()


def test_discovery_values_out_of_range_are_refused(client_for, district_admin):
    response = client_for(district_admin).post(POLICIES, discovery_post(unreachable_attempts=0,
                                                                        urgent_first_contact_hours=500))

    errors = field_errors(response, "discovery")
    assert set(errors) == {"unreachable_attempts", "urgent_first_contact_hours"}
    assert errors["unreachable_attempts"] == ["1에서 10 사이로 입력하세요."]


def test_one_forms_errors_leave_the_other_form_unbound(client_for, district_admin):
    response = client_for(district_admin).post(POLICIES, cadence_post(high_days=0))

    assert response.context["cadence"].is_bound and not response.context["discovery"].is_bound


def test_a_superuser_saves_the_policy_of_the_chosen_district(client_for, superuser, seongdong, yeongdeungpo):
    response = client_for(superuser).post(f"{POLICIES}?district={yeongdeungpo.pk}", cadence_post(high_days=2))

    assert response.status_code == 302 and response.url == f"{POLICIES}?district={yeongdeungpo.pk}"
    assert CadencePolicy.objects.get(district=yeongdeungpo).high_days == 2
    assert not CadencePolicy.objects.filter(district=seongdong).exists()


# The services, as other callers (the API, scripts) meet them -----------------------------------------------------


def test_the_service_refuses_another_districts_dong(district_admin, seongdong, other_district_dong):
    with pytest.raises(RuleError) as refused:
        welfare_services.staff_create(district=seongdong, by=district_admin, data=welfare_services.NewStaff(
            username="sneaky", first_name="박서준", role=Role.DONG_OFFICIAL, dongs=(other_district_dong,)))

    assert "dongs" in refused.value.message_dict
    assert not User.objects.filter(username="sneaky").exists()


def test_the_service_refuses_a_username_the_form_would_refuse(district_admin, seongdong):
    with pytest.raises(RuleError) as refused:
        welfare_services.staff_create(district=seongdong, by=district_admin, data=welfare_services.NewStaff(
            username="김 민지", first_name="김민지", role=Role.DISTRICT_PLANNER))

    assert "username" in refused.value.message_dict


def test_the_service_checks_the_policy_ranges_itself(district_admin, seongdong):
    with pytest.raises(RuleError) as refused:
        cadence_policy_save(district=seongdong, by=district_admin, data={
            "high_days": 0, "medium_days": 14, "low_days": 400, "in_service_days": 30, "silence_high_days": 7,
            "silence_medium_days": 14, "silence_low_days": True, "emergency_days": 2, "general_days": 365,
            "silence_emergency_days": 2})

    assert set(refused.value.message_dict) == {"high_days", "low_days", "silence_low_days"}
    assert not CadencePolicy.objects.exists()


# The Django admin -------------------------------------------------------------------------------------------------


def test_the_django_admin_adds_a_cadence_policy_through_the_service(client_for, superuser, seongdong):
    url = reverse("admin:households_cadencepolicy_add")
    values = {"high_days": 5, "medium_days": 14, "low_days": 30, "in_service_days": 30, "silence_high_days": 7,
              "silence_medium_days": 14, "silence_low_days": 30, "emergency_days": 2, "general_days": 365,
              "silence_emergency_days": 2, "aftercare_first_months": 1, "aftercare_last_months": 3,
              "reassessment_months": 6}
    web = client_for(superuser)

    refused = web.post(url, {"district": seongdong.pk, **values, "low_days": 0})
    saved = web.post(url, {"district": seongdong.pk, **values})

    assert refused.status_code == 200 and not CadencePolicy.objects.filter(high_days=0).exists()
    assert saved.status_code == 302
    assert CadencePolicy.objects.get(district=seongdong).high_days == 5
    assert AccessLog.objects.filter(verb="households.cadencepolicy.created", user=superuser).exists()
    assert web.get(reverse("admin:households_cadencepolicy_changelist")).status_code == 200


def test_the_cadence_policy_admin_is_for_superusers_only(client_for, seongdong):
    clerk = UserFactory(username="clerk", is_staff=True)

    assert client_for(clerk).get(reverse("admin:households_cadencepolicy_changelist")).status_code == 403


def test_a_new_dong_appears_among_the_choices(client_for, district_admin, seongdong):
    DongFactory(district=seongdong, name="성수1가1동")

    response = client_for(district_admin).get(CREATE)

    assert "성수1가1동" in response.content.decode()


def test_the_policies_page_assembles_the_sections_the_apps_register():
    from welfare.district_settings import sections

    assert [(s.key, s.template) for s in sections()] == [
        ("cadence", "households/district/cadence_policy.html"),
        ("discovery", "discovery/district/discovery_policy.html"),
        ("phrases", "households/district/phrase_templates.html"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("district", ["abc", "9" * 20, "9" * 5000])
def test_a_superuser_asking_for_a_district_that_is_not_an_id_gets_404(client, district):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    assert client.get("/district/", {"district": district}).status_code == 404
