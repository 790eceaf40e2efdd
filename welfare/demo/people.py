"""Invented people (DOMAIN.md §9): names by surname weight and syllable pools, birth dates, phones, RRNs.

Names never match a public figure (a block-list); phones use the unassigned ``010-0xxx`` block; registration
numbers carry random serials (no check digit is computed).
"""

from __future__ import annotations

import datetime as dt
import random

from households.models import Sex

# 2015 census shares for the ten commonest surnames; twenty more share the remaining 36.1 %.
_TOP_SURNAMES = (
    ("김", 21.5), ("이", 14.7), ("박", 8.4), ("최", 4.7), ("정", 4.3),
    ("강", 2.4), ("조", 2.1), ("윤", 2.1), ("장", 2.0), ("임", 1.7),
)
_OTHER_SURNAMES = (
    "한", "오", "서", "신", "권", "황", "안", "송", "전", "홍",
    "유", "고", "문", "양", "손", "배", "백", "허", "노", "남",
)
_OTHER_RAW = [2.0 - 0.07 * i for i in range(len(_OTHER_SURNAMES))]  # gently decreasing
SURNAMES: tuple[tuple[str, float], ...] = _TOP_SURNAMES + tuple(
    (name, w * 36.1 / sum(_OTHER_RAW)) for name, w in zip(_OTHER_SURNAMES, _OTHER_RAW, strict=True)
)
_SURNAME_LIST = [s for s, _ in SURNAMES]
_SURNAME_CUM: list[float] = []
for _s, _w in SURNAMES:
    _SURNAME_CUM.append((_SURNAME_CUM[-1] if _SURNAME_CUM else 0.0) + _w)

# Given-name syllables: the §9 pool, by sex, with older-style syllables (순, 자, 숙, 철 ...) for 65+.
GIVEN_SYLLABLES = {
    ("M", False): "민준현우진호서도윤재성훈영수지건석",
    ("F", False): "서지민현영은하연수진윤유예아희경미",
    ("M", True): "철호수영식석남길용춘만상동기종순철호",
    ("F", True): "순자숙영옥희분례말정덕금화순자숙",
}
# Full names of public figures that a random draw must never produce (§9: block-list).
PUBLIC_FIGURES = frozenset({
    "김대중", "노무현", "이명박", "박근혜", "문재인", "윤석열", "이재명", "김영삼", "전두환", "노태우",
    "박정희", "이승만", "최규하", "김정은", "김정일", "김일성", "한동훈", "오세훈", "박원순", "이낙연",
    "안철수", "김연아", "손흥민", "박지성", "이순신", "유재석", "강호동", "김건희", "정은경", "조국",
})



def person_name(rng: random.Random, sex: str, age: int, surname: str | None = None) -> str:
    pool = GIVEN_SYLLABLES[(sex, age >= 65)]
    family = surname or random_surname(rng)
    while True:
        first = rng.choice(pool)
        second = rng.choice(pool)
        if second == first:
            second = rng.choice(pool)
        name = family + first + second
        if name not in PUBLIC_FIGURES:
            return name


def random_surname(rng: random.Random) -> str:
    return rng.choices(_SURNAME_LIST, cum_weights=_SURNAME_CUM)[0]


def birth_date_for(rng: random.Random, today: dt.date, age: int) -> dt.date:
    """A birth date that makes the person exactly ``age`` today."""
    try:
        latest = today.replace(year=today.year - age)
    except ValueError:  # 29 February
        latest = today.replace(year=today.year - age, day=28)
    return latest - dt.timedelta(days=rng.randint(0, 364))


def demo_phone(rng: random.Random) -> str:
    """010-0xxx-xxxx (the unassigned 0xxx block), digits only."""
    return f"0100{rng.randint(0, 999):03d}{rng.randint(0, 9999):04d}"


def demo_rrn(rng: random.Random, birth: dt.date, sex: str) -> str:
    """``YYMMDDG`` + 6 random digits matching birth date and sex; the check digit is not computed."""
    gender = (1 if sex == Sex.MALE else 2) + (2 if birth.year >= 2000 else 0)
    return f"{birth:%y%m%d}{gender}{rng.randint(0, 999999):06d}"

