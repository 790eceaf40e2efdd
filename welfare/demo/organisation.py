"""The demo organisation (DOMAIN.md §8): two gu with their admin dongs, and one demo account per role."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from welfare.models import District, Dong, Role, StaffMembership

from .people import PUBLIC_FIGURES
from .report import SeedReport

DEMO_PASSWORD = "demo-pass-2026"
DEMO_EMAIL_DOMAIN = "demo.invalid"

# --- Geography (DOMAIN.md §8) ---------------------------------------------------------------------------

DISTRICTS: dict[str, tuple[str, ...]] = {
    "성동구": (
        "왕십리도선동", "왕십리2동", "마장동", "사근동", "행당1동", "행당2동", "응봉동", "금호1가동",
        "금호2·3가동", "금호4가동", "옥수동", "성수1가1동", "성수1가2동", "성수2가1동", "성수2가3동",
        "송정동", "용답동",
    ),
    "영등포구": (
        "영등포본동", "영등포동", "여의동", "당산1동", "당산2동", "도림동", "문래동", "양평1동", "양평2동",
        "신길1동", "신길3동", "신길4동", "신길5동", "신길6동", "신길7동", "대림1동", "대림2동", "대림3동",
    ),
}
HIGH_RISK_DONGS = {("성동구", "왕십리도선동"), ("영등포구", "영등포동")}
ROADS: dict[str, tuple[str, ...]] = {
    "성동구": ("왕십리로", "고산자로", "마조로", "무학로", "독서당로", "성수이로", "아차산로"),
    "영등포구": ("영중로", "도림로", "신길로", "대림로", "당산로", "국회대로"),
}
# Dongs with more 쪽방 and other non-housing (영등포동 쪽방촌, §9).
NON_HOUSING_DONGS = {("영등포구", "영등포동")}

# --- Demo users -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str | None  # None: a superuser without a membership
    district: str = ""
    dongs: tuple[str, ...] = ()
    is_staff: bool = False
    is_superuser: bool = False
    caseworker: bool = False  # the households under care in its dongs are assigned to it

    @property
    def role_label(self) -> str:
        return "superuser" if self.role is None else str(self.role)


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("official", Role.DONG_OFFICIAL, "성동구", ("왕십리도선동", "왕십리2동"), caseworker=True),
    DemoUser("lead", Role.DONG_LEAD, "성동구", ("왕십리도선동", "왕십리2동")),
    DemoUser("planner", Role.DISTRICT_PLANNER, "성동구"),
    DemoUser("admin", Role.DISTRICT_ADMIN, "성동구", is_staff=True),
    DemoUser("official_ydp", Role.DONG_OFFICIAL, "영등포구", ("영등포동",), caseworker=True),
    # 영등포구's plans (issue 16 item 10): drafted by its planner, approved by its admin.
    DemoUser("planner_ydp", Role.DISTRICT_PLANNER, "영등포구"),
    DemoUser("admin_ydp", Role.DISTRICT_ADMIN, "영등포구", is_staff=True),
    DemoUser("nurse", Role.VISITING_NURSE, "성동구", ("왕십리도선동", "왕십리2동")),
    # 영등포구's visiting nurse: the health-measurement alerts of 영등포동 (issue 17 item 7).
    DemoUser("nurse_ydp", Role.VISITING_NURSE, "영등포구", ("영등포동",)),
    DemoUser("hope_team", Role.CASE_TEAM, "성동구"),
    DemoUser("superadmin", None, is_staff=True, is_superuser=True),
)


class DemoAccountConflict(Exception):
    """A user with a demo username exists and is not a demo account: it is never overwritten."""


def ensure_geography(report: SeedReport) -> dict[tuple[str, str], Dong]:
    dongs: dict[tuple[str, str], Dong] = {}
    made = {"districts": 0, "dongs": 0}
    for district_name, dong_names in DISTRICTS.items():
        district, created = District.objects.get_or_create(name=district_name)
        made["districts"] += created
        for name in dong_names:
            high = (district_name, name) in HIGH_RISK_DONGS
            dong, created = Dong.objects.get_or_create(district=district, name=name, defaults={"is_high_risk": high})
            if high and not dong.is_high_risk:
                dong.is_high_risk = True
                dong.save(update_fields=["is_high_risk"])
            made["dongs"] += created
            dongs[(district_name, name)] = dong
    total = {"districts": len(DISTRICTS), "dongs": sum(len(v) for v in DISTRICTS.values())}
    for key in made:
        report.created[key] = made[key]
        report.present[key] = total[key] - made[key]
    return dongs


def ensure_users(report: SeedReport, dongs: dict[tuple[str, str], Dong], seed: int) -> dict[str, object]:
    from faker import Faker

    User = get_user_model()
    fake = Faker("ko_KR")
    fake.seed_instance(seed)
    hashed = make_password(DEMO_PASSWORD)  # hashed once: the demo password is shared and public
    districts = {d.name: d for d in District.objects.filter(name__in=list(DISTRICTS))}
    users = {}
    created_count = 0
    for spec in DEMO_USERS:
        full_name = fake.last_name() + fake.first_name()
        while full_name in PUBLIC_FIGURES:
            full_name = fake.last_name() + fake.first_name()
        email = f"{spec.username}@{DEMO_EMAIL_DOMAIN}"
        user = User.objects.filter(username=spec.username).first()
        if user is not None and user.email != email:
            raise DemoAccountConflict(
                f"A user '{spec.username}' already exists and is not a demo account (e-mail {user.email!r}); "
                f"seed_demo will not change its password. Rename or remove it first."
            )
        created = user is None
        if created:
            user = User(username=spec.username)
        # Korean order in one field: get_full_name() shows "김민준", not "민준 김".
        user.first_name, user.last_name, user.email = full_name, "", email
        user.is_staff, user.is_superuser, user.is_active = spec.is_staff, spec.is_superuser, True
        user.password = hashed
        user.save()
        created_count += created
        if spec.role is not None:
            membership, _ = StaffMembership.objects.update_or_create(
                user=user, defaults={"role": spec.role, "district": districts[spec.district]}
            )
            membership.dongs.set([dongs[(spec.district, name)] for name in spec.dongs])
        else:
            StaffMembership.objects.filter(user=user).delete()
        users[spec.username] = user
        dong_label = ", ".join(spec.dongs) or (f"{spec.district} 전체" if spec.district else "전체")
        report.users.append((spec.username, spec.role_label, dong_label, DEMO_PASSWORD))
    report.created["users"] = created_count
    report.present["users"] = len(DEMO_USERS) - created_count
    return users

