"""The two default outcome instruments of the social-network programmes, as data: the Lubben Social Network
Scale's six-item form (LSNS-6) and the UCLA Loneliness Scale's three-item short form (Hughes et al. 2004). The Korean
wording is the project's working translation (see README, 성과 측정 척도). The migration
``0013_programme_instruments`` loads them; a district loads its own instruments in the admin (측정 척도), or in a data
file passed to :func:`ensure` in the same shape."""

from __future__ import annotations

LSNS6 = {
    "code": "lsns6",
    "name": "사회관계망 지수 (Lubben Social Network Scale, LSNS-6)",
    "short_name": "사회관계망 지수",
    "higher_is_better": True,
    "min_value": 0,
    "choice_labels": ["없음", "1명", "2명", "3~4명", "5~8명", "9명 이상"],
    "source": ("Lubben J, Blozik E, Gillmann G, et al. Performance of an abbreviated version of the Lubben Social "
               "Network Scale among three European community-dwelling older adult populations. The Gerontologist "
               "2006;46(4):503-513. 점수 0~30, 12점 미만은 사회적 고립 위험. 한국어 문구는 이 시스템의 실무 번역이며 "
               "타당도 검증본이 아닙니다."),
    "items": [
        "한 달에 한 번 이상 만나거나 연락하는 가족·친척은 몇 명입니까?",
        "사적인 일을 편하게 이야기할 수 있는 가족·친척은 몇 명입니까?",
        "도움이 필요할 때 부탁할 수 있을 만큼 가까운 가족·친척은 몇 명입니까?",
        "한 달에 한 번 이상 만나거나 연락하는 친구·이웃은 몇 명입니까?",
        "사적인 일을 편하게 이야기할 수 있는 친구·이웃은 몇 명입니까?",
        "도움이 필요할 때 부탁할 수 있을 만큼 가까운 친구·이웃은 몇 명입니까?",
    ],
}
UCLA3 = {
    "code": "ucla3",
    "name": "외로움 척도 (UCLA Loneliness Scale 3문항 단축형)",
    "short_name": "외로움 척도",
    "higher_is_better": False,
    "min_value": 1,
    "choice_labels": ["거의 없다", "가끔 있다", "자주 있다"],
    "source": ("Hughes ME, Waite LJ, Hawkley LC, Cacioppo JT. A short scale for measuring loneliness in large "
               "surveys. Research on Aging 2004;26(6):655-672; 원척도 Russell DW, UCLA Loneliness Scale (Version 3), "
               "Journal of Personality Assessment 1996;66(1):20-40. 점수 3~9, 높을수록 외로움. 한국어 문구는 이 "
               "시스템의 실무 번역이며 타당도 검증본이 아닙니다."),
    "items": [
        "함께 어울릴 사람이 없다고 얼마나 자주 느끼십니까?",
        "소외되어 있다고 얼마나 자주 느끼십니까?",
        "다른 사람들로부터 고립되어 있다고 얼마나 자주 느끼십니까?",
    ],
}


DEFAULTS = (LSNS6, UCLA3)


def ensure(instrument_model, item_model, instruments=DEFAULTS) -> int:
    """Create each instrument (and its items) that is not there yet, shared by every district; returns how many
    were made. Takes the model classes, so the migration runs it with its historical models."""
    made = 0
    for data in instruments:
        fields = {k: v for k, v in data.items() if k != "items"}
        instrument, created = instrument_model.objects.get_or_create(district=None, code=data["code"],
                                                                     defaults=fields)
        if created:
            made += 1
            item_model.objects.bulk_create([item_model(instrument=instrument, order=i, text=text)
                                            for i, text in enumerate(data["items"], start=1)])
    return made
