"""Households models: households."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from welfare.common.addresses import address_key
from welfare.common.choices import ChoiceLabels
from welfare.common.phones import digits
from welfare.models import Dong
from welfare.scoping import ScopedQuerySet, whole_district_id


class HousingType(models.TextChoices):
    APARTMENT = "apartment", _("아파트")
    MULTI_FAMILY = "multi_family", _("다세대·연립·다가구")
    DETACHED = "detached", _("단독주택")
    JJOKBANG = "jjokbang", _("쪽방")
    GOSIWON = "gosiwon", _("고시원")
    SEMI_BASEMENT = "semi_basement", _("반지하")
    ROOFTOP = "rooftop", _("옥탑방")
    PUBLIC_RENTAL = "public_rental", _("공공임대")
    OTHER = "other", _("기타(비주택 등)")


class RiskLevel(models.TextChoices):
    """Most urgent first. 긴급 is set and cleared by an official (``households.services.risk``), never computed
    from the isolation checklist; 일반 is the checklist's score 0 (a yearly check, no regular follow-ups)."""

    EMERGENCY = "emergency", _("긴급")
    HIGH = "high", _("고위험")
    MEDIUM = "medium", _("중위험")
    LOW = "low", _("저위험")
    GENERAL = "general", _("일반")


class BenefitStatus(models.TextChoices):
    """The household's public benefit (DOMAIN §4): each 기초생활보장 benefit has its own cut-off, so the status
    names the widest one received (생계 recipients also get 의료, and so on). 한부모 is a household
    characteristic (``is_single_parent``), not a benefit status."""

    NONE = "none", _("해당 없음")
    LIVELIHOOD = "livelihood", _("생계급여 수급")
    MEDICAL = "medical", _("의료급여 수급")
    HOUSING = "housing", _("주거급여 수급")
    EDUCATION = "education", _("교육급여 수급")
    NEAR_POOR = "near_poor", _("차상위")
    OTHER_PUBLIC = "other_public", _("기타 공공급여")


# The 국민기초생활보장 benefits (수급자), as opposed to 차상위 and other benefits.
BASIC_LIVELIHOOD_BENEFITS = frozenset({BenefitStatus.LIVELIHOOD, BenefitStatus.MEDICAL, BenefitStatus.HOUSING,
                                       BenefitStatus.EDUCATION})


class CareStatus(models.TextChoices):
    UNDER_CARE = "under_care", _("관리 중")
    MONITORING = "monitoring", _("모니터링")
    NOT_UNDER_CARE = "not_under_care", _("관리 안 함")


CHARACTERISTIC_FIELDS = (
    "is_single_person",
    "is_elderly_only",
    "is_single_parent",
    "is_grandparent_headed",
    "has_disabled_member",
    "has_young_carer",
)


TRIGRAM = 3  # pg_trgm's trigrams: a shorter text cannot use a trigram index


def _leads_with(ordering, column: str) -> bool:
    """Whether an ``order_by`` starts with ``column`` (a name, ``-name`` or an ``F(name).asc()/desc()``)."""
    first = ordering[0] if ordering else None
    name = getattr(getattr(first, "expression", first), "name", first)
    return isinstance(name, str) and name.lstrip("-") == column


class HouseholdQuerySet(ScopedQuerySet):
    dong_path = "dong"

    def within_district_of(self, user) -> HouseholdQuerySet:
        """For a user who sees a whole district, also ``district = …``: the same rows as ``visible_to`` already
        gives, said so that the address sort reads its (district, road_address, id, dong) index instead of walking
        every other district's addresses from the far end. Only there: elsewhere the extra condition would keep
        the planner from the dong indexes' index-only scans (a district's COUNT became a sequential scan)."""
        district_id = whole_district_id(user)
        return self if district_id is None else self.filter(district_id=district_id)

    def read_in_order(self, user) -> HouseholdQuerySet:
        """The rows as they are, read in their order through the cheapest index: sorted by address, a whole
        district's reader also says its district (``within_district_of``). For the rows of a page, never for
        their COUNT: counting the district's 473,219 households through that wide index took 75–94 ms
        against 40 ms through the dong index (1,000,000 households)."""
        return self.within_district_of(user) if _leads_with(self.query.order_by, "road_address") else self

    def search(self, text: str) -> HouseholdQuerySet:
        """Name, address or phone, without a join that multiplies rows. From 3 characters, one ``IN`` over the
        union of the address matches and the matching residents' households, each read through its trigram
        index (of ``UPPER(...)``, as icontains compares: migration 0020); shorter text has no trigram to look
        up, so the page walks its order and asks one EXISTS per row until it is full."""
        text = (text or "").strip()
        if not text:
            return self
        members = Q(name__icontains=text)
        number = digits(text)
        if len(number) >= 3:
            members |= Q(phone__contains=number)
        from .residents import Resident  # residents.py imports this module

        by_address = Q(road_address__icontains=text) | Q(address_detail__icontains=text)
        if len(text) < TRIGRAM:
            return self.filter(by_address | Exists(Resident.objects.filter(members, household=OuterRef("pk"))))
        by_member = Resident.objects.filter(members).order_by().values("household_id")
        return self.filter(pk__in=Household.objects.filter(by_address).order_by().values("pk").union(by_member))

    def with_head_name(self) -> HouseholdQuerySet:
        from .residents import Relation, Resident  # residents.py imports this module

        head = Resident.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD, left_on__isnull=True)
        return self.annotate(head_name=models.Subquery(head.values("name")[:1]))

    def as_list_rows(self) -> models.QuerySet:
        """The columns the household list's rows show (``{% household_rows %}``), with the head's name, the dong
        and the assigned official joined, as named rows of plain values (``LIST_COLUMNS``): no timestamps, flags
        or the official's password hash are read and converted for 25 rows that never show them, and no model
        instances are built for the rows, their dongs and officials (about 2,200 Python calls a page)."""
        return self.with_head_name().values_list(*LIST_COLUMNS, named=True)


# What a filtered list's page needs of each matching household to sort it and take its ids (PostgreSQL INCLUDE
# columns; SQLite makes plain indexes of the same keys).
LIST_SORT_COVER = ["updated_at", "next_contact_on", "last_contact_on", "id"]
LIST_ROW_FIELDS = (
    "road_address", "address_detail", "housing_type", "risk_level", "status", "next_contact_on", "is_demo",
    "dong__name", "assigned_official__first_name", "assigned_official__last_name", "assigned_official__username",
)
LIST_COLUMNS = ("pk", *LIST_ROW_FIELDS, "head_name")


def full_address(road_address: str, address_detail: str) -> str:
    """The address as every page writes it: the road address, then the detail (unit, floor) if any."""
    return f"{road_address}, {address_detail}" if address_detail else road_address


class Household(ChoiceLabels, models.Model):
    dong = models.ForeignKey(Dong, on_delete=models.PROTECT, related_name="households", verbose_name=_("행정동"))
    # The dong's district, kept equal to it by the database (triggers of migration 0025, on every insert and change
    # of dong), never written by the code: it leads the district-scope sort index of the address.
    district = models.ForeignKey("welfare.District", null=True, blank=True, editable=False,
                                 on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
                                 verbose_name=_("구"))
    road_address = models.CharField(
        _("도로명주소"), max_length=200, help_text=_("예: 서울특별시 성동구 왕십리로 123")
    )
    address_detail = models.CharField(_("상세주소"), max_length=100, blank=True, help_text=_("동·층·호"))
    postal_code = models.CharField(_("우편번호"), max_length=5, blank=True)
    housing_type = models.CharField(_("주거 형태"), max_length=20, choices=HousingType.choices)
    is_single_person = models.BooleanField(_("1인 가구"), default=False)
    is_elderly_only = models.BooleanField(_("노인 단독·부부"), default=False)
    is_single_parent = models.BooleanField(_("한부모"), default=False)
    is_grandparent_headed = models.BooleanField(_("조손"), default=False)
    has_disabled_member = models.BooleanField(_("장애인 가구원"), default=False)
    has_young_carer = models.BooleanField(_("가족돌봄 청년"), default=False)
    benefit_status = models.CharField(_("수급 상태"), max_length=20, choices=BenefitStatus.choices,
                                      default=BenefitStatus.NONE)
    # Derived from the address on every save (and by the bulk writers); indexed for report matching.
    address_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    risk_level = models.CharField(_("위기도"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.LOW)
    status = models.CharField(
        _("관리 상태"), max_length=20, choices=CareStatus.choices, default=CareStatus.NOT_UNDER_CARE
    )
    assigned_official = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="assigned_households", verbose_name=_("담당 공무원"),
    )
    # 통 and 반: from the address with the 통's street list (households.services.areas), or set by hand.
    area = models.ForeignKey("households.Area", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="households", verbose_name=_("통"))
    ban = models.PositiveSmallIntegerField(_("반"), null=True, blank=True)
    last_contact_on = models.DateField(_("최근 접촉일"), null=True, blank=True)
    next_contact_on = models.DateField(_("다음 접촉 예정일"), null=True, blank=True)
    is_demo = models.BooleanField(_("가상 데이터"), default=False, help_text=_("seed_demo가 만든 가상 세대"))
    anonymised_at = models.DateTimeField(_("익명화 일시"), null=True, blank=True,
                                         help_text=_("보존기간이 지나 개인정보를 지운 시각"))
    created_at = models.DateTimeField(_("등록일시"), auto_now_add=True)
    # No index of its own: household_updated_id_idx (updated_at, id, dong) leads with it and also gives the API's
    # "-updated_at, -id" order without a sort. With both, the planner took this one and sorted the tie group of a
    # bulk update (28,000 rows at 1,000,000 households: a 200-row API page took 0.1 s in that query).
    updated_at = models.DateTimeField(_("수정일시"), auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("세대")
        verbose_name_plural = _("세대")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["dong", "-updated_at"], name="household_dong_updated_idx"),
            models.Index(fields=["dong", "next_contact_on"], name="household_dong_next_idx"),
            # The list's filters within the user's dongs, covering every sortable date and the id: a filtered page
            # is an index-only scan of the matching entries and a top-25 sort (at 1,000,000 households the official's
            # `?risk_level=medium&page=2` had walked 27,000 rows of the date index through the heap, 95 ms → 3 ms).
            models.Index(fields=["dong", "risk_level", "status"], name="household_dong_risk_idx",
                         include=LIST_SORT_COVER),
            models.Index(fields=["dong", "housing_type"], name="household_dong_housing_idx", include=LIST_SORT_COVER),
            # The team's load (selectors.team_load, the team page and the lead's today page): the households under
            # care of the team's dongs, counted per official with their overdue contacts, from the index alone.
            models.Index(fields=["dong", "status"], name="household_dong_status_idx",
                         include=["assigned_official", "next_contact_on", "id"]),
            # One index per sort the list offers (households.filters), across dongs: the sort column, the id
            # tie-breaker, then the dong so the district scope's "dong IN (...)" is checked in the index while it
            # walks in order. The nullable dates' NULLS LAST indexes are PostgreSQL-only (migration 0020,
            # HOUSEHOLD_SORT): SQLite's CREATE INDEX has no NULLS LAST.
            models.Index(fields=["updated_at", "id", "dong"], name="household_updated_id_idx"),
            models.Index(fields=["road_address", "id", "dong"], name="household_address_id_idx"),
            # The address sort at district scope: addresses cluster by district ("서울특별시 성동구 …"), so the
            # index above, walked from its far end, passed every other district's households first.
            models.Index(fields=["district", "road_address", "id", "dong"], name="household_district_address_idx"),
        ]

    def __str__(self) -> str:
        return self.full_address

    def save(self, *args, **kwargs):
        self.address_key = address_key(self.road_address, self.address_detail)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"road_address", "address_detail"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "address_key"}
        super().save(*args, **kwargs)

    @property
    def full_address(self) -> str:
        return full_address(self.road_address, self.address_detail)

    @property
    def characteristics(self) -> list[str]:
        return [str(self._meta.get_field(f).verbose_name) for f in CHARACTERISTIC_FIELDS if getattr(self, f)]
