"""The columns of a list: the fields each kind of list needs, the header names that mean each field, and
matching a header row to fields."""

from __future__ import annotations

from django.utils.translation import gettext as _

from welfare.common.textkeys import header_key

from ..models import ImportKind

NAME, BIRTH, SEX, ADDRESS, DETAIL, DONG, PHONE, INDICATORS, PRIORITY, PARENT, CHILD, REFERENCE = (
    "name", "birth_date", "sex", "address", "address_detail", "dong", "phone", "indicators", "priority",
    "parent", "child_name", "ssis_ref",
)

# Header names, already normalised by :func:`header_key` (no spaces, underscores, brackets; lower case).
SYNONYMS: dict[str, tuple[str, ...]] = {
    NAME: ("성명", "이름", "대상자명", "대상자성명", "대상자", "수급자명", "name", "fullname", "personname"),
    BIRTH: ("생년월일", "생일", "출생일", "출생일자", "출생년월일", "birthdate", "birth", "dateofbirth", "dob",
            "born", "bornon", "birthday"),
    SEX: ("성별", "sex", "gender"),
    ADDRESS: ("주소", "도로명주소", "주소지", "거주지", "거주지주소", "도로명", "address", "roadaddress", "addr"),
    DETAIL: ("상세주소", "주소상세", "동호수", "동호", "addressdetail", "detailaddress", "detail", "address2"),
    DONG: ("행정동", "동", "행정동명", "동명", "관할동", "관할행정동", "dong", "admindong", "dongname"),
    PHONE: ("연락처", "전화번호", "전화", "휴대전화", "휴대폰", "핸드폰", "휴대전화번호", "phone", "mobile", "tel",
            "telephone", "phonenumber", "contact"),
    INDICATORS: ("위기지표", "지표", "위기정보", "위기지표명", "발굴지표", "위기유형", "indicators", "indicator",
                 "riskindicators", "riskindicator", "risks"),
    PRIORITY: ("우선순위", "우선순위점수", "우선순위등급", "위기도점수", "priority", "priorityscore", "score"),
    PARENT: ("보호자", "보호자명", "보호자성명", "부모", "부모성명", "산모", "산모성명", "parent", "parentname",
             "guardian", "guardianname", "mother"),
    REFERENCE: ("행복e음관리번호", "관리번호", "대상자관리번호", "발굴관리번호", "행복e음번호", "사회보장정보시스템관리번호",
                "ssisref", "ssisid", "referenceno", "reference"),
    CHILD: ("아동명", "아동성명", "출생아", "출생아성명", "출생아명", "아기이름", "영아성명", "child", "childname", "baby",
            "babyname", "newborn"),
}
# On a newborn list the child's birth date is what matters; a "생년월일" column may be the parent's.
NEWBORN_BIRTH = ("출생일", "출생일자", "출생아생년월일", "아동생년월일", "birthdate", "birth", "bornon", "born",
                 "생년월일", "dateofbirth", "dob")

REQUIRED: dict[str, tuple[str, ...]] = {
    ImportKind.CRISIS_LIST: (NAME, BIRTH, ADDRESS, DONG, INDICATORS),
    ImportKind.LONELY_DEATH_LIST: (NAME, BIRTH, ADDRESS, DONG, INDICATORS),
    ImportKind.TURNING_65: (NAME, BIRTH, ADDRESS, DONG),
    ImportKind.NEWBORN: (PARENT, BIRTH, ADDRESS, DONG),
}


def field_label(field: str, kind: str = "") -> str:
    labels = {
        NAME: _("성명"), BIRTH: _("출생일") if kind == ImportKind.NEWBORN else _("생년월일"), SEX: _("성별"),
        ADDRESS: _("주소"), DETAIL: _("상세주소"), DONG: _("행정동"), PHONE: _("연락처"), INDICATORS: _("위기지표"),
        PRIORITY: _("우선순위"), PARENT: _("보호자"), CHILD: _("아동명"), REFERENCE: _("행복e음 관리번호"),
    }
    return str(labels[field])


def match_columns(cells: list[str], kind: str) -> dict[str, int]:
    """Field → column index for the header cells; a field's earliest synonym wins over a later one."""
    synonyms = {**SYNONYMS, BIRTH: NEWBORN_BIRTH} if kind == ImportKind.NEWBORN else SYNONYMS
    rank: dict[str, tuple[int, int]] = {}
    for index, cell in enumerate(cells):
        key = header_key(cell)
        if not key:
            continue
        for field, names in synonyms.items():
            if key in names:
                candidate = (names.index(key), index)
                if field not in rank or candidate < rank[field]:
                    rank[field] = candidate
    taken: dict[int, str] = {}
    columns: dict[str, int] = {}
    for field, (_r, index) in sorted(rank.items(), key=lambda item: item[1]):
        if index not in taken:  # one column answers one field
            taken[index] = field
            columns[field] = index
    return columns
