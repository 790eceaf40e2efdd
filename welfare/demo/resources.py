"""Demo resources for a district (DOMAIN.md §4): the public benefits and the private help a dong team links.

The programmes are real and described as the public pages describe them; the providers are named after the
district (``{gu}``, ``{short}``), and contact numbers are placeholders. Seeding is idempotent: a resource is
found by district, name and provider (the unique constraint), so running it twice adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from plans.models import Resource, ResourceCategory, Sector
from welfare.models import District

from .common import short_name


@dataclass(frozen=True)
class DemoResource:
    name: str
    provider: str
    sector: str
    category: str
    funding_source: str
    eligibility: str
    contact: str = ""
    # Serves only the first n dongs of the district (by name), e.g. a welfare centre's catchment; 0 = all.
    first_dongs: int = 0
    is_active: bool = True


P, R = Sector.PUBLIC, Sector.PRIVATE
C = ResourceCategory

RESOURCES: tuple[DemoResource, ...] = (
    DemoResource("국민기초생활보장 생계급여", "{gu}청 복지정책과", P, C.LIVELIHOOD, "국비·시비·구비",
                 "소득인정액이 기준 중위소득 32% 이하인 가구(2025년 기준, 해마다 바뀜). 동 주민센터에서 신청",
                 "동 주민센터 복지팀"),
    DemoResource("국민기초생활보장 의료급여", "{gu}청 복지정책과", P, C.MEDICAL, "국비·시비·구비",
                 "기준 중위소득 40% 이하 가구의 의료비"),
    DemoResource("국민기초생활보장 주거급여", "{gu}청 주택과", P, C.HOUSING, "국비·시비",
                 "기준 중위소득 48% 이하 가구의 임차료·수선유지비"),
    DemoResource("긴급복지지원(생계·의료·주거)", "{gu}청 복지정책과", P, C.EMERGENCY, "국비·구비",
                 "주소득자의 사망·가출·구금·실직, 중한 질병, 가정폭력, 화재, 단전 등 위기 상황의 가구. "
                 "먼저 지원하고 나중에 조사", "보건복지상담센터 129"),
    DemoResource("서울형 긴급복지", "서울특별시 · {gu}청 복지정책과", P, C.EMERGENCY, "시비",
                 "국가 긴급복지 기준에 맞지 않는 위기가구. 생계·의료·주거비 등 최대 300만 원"),
    DemoResource("기초연금", "국민연금공단 · 동 주민센터", P, C.PENSION, "국비·시비·구비",
                 "만 65세 이상, 소득인정액 하위 70%", "국민연금공단 1355"),
    DemoResource("장애인연금", "{gu}청 장애인복지과", P, C.PENSION, "국비·시비·구비",
                 "만 18세 이상 중증장애인, 소득인정액 하위 70%"),
    DemoResource("차상위 본인부담경감", "{gu}청 복지정책과", P, C.MEDICAL, "국비",
                 "기준 중위소득 50% 이하 희귀·중증난치·만성질환자 등의 의료비 본인부담 경감"),
    DemoResource("노인맞춤돌봄서비스", "{short}노인종합복지관(수행기관)", P, C.CARE, "국비·시비",
                 "만 65세 이상 기초생활수급자·차상위·기초연금 수급자 가운데 돌봄이 필요한 분. "
                 "안전확인(방문·전화·ICT), 사회참여, 생활교육, 일상생활 지원, 연계 서비스"),
    DemoResource("방문건강관리", "{gu}보건소", P, C.MEDICAL, "국비·구비",
                 "건강 위험이 있는 취약계층 가정에 방문간호사가 찾아가 만성질환 관리·건강 상담"),
    DemoResource("정신건강복지센터 사례관리", "{gu}정신건강복지센터", P, C.MENTAL_HEALTH, "국비·시비·구비",
                 "우울·자살 위험, 알코올 문제, 중증 정신질환이 있는 주민의 상담과 사례관리",
                 "정신건강위기상담 1577-0199"),
    DemoResource("에너지바우처", "한국에너지공단 · 동 주민센터", P, C.OTHER, "국비",
                 "생계·의료·주거·교육급여 수급 가구 가운데 노인·영유아·장애인·임산부 등이 있는 가구의 냉난방비"),
    DemoResource("국민취업지원제도", "서울{short}고용센터", P, C.EMPLOYMENT, "국비",
                 "취업을 원하는 저소득 구직자에게 취업 지원 서비스와 구직촉진수당"),
    DemoResource("Care SOS 돌봄 긴급지원", "{gu}청 복지정책과", P, C.CARE, "시비·구비",
                 "갑작스러운 사고·질병으로 돌봄이 필요한데 돌볼 사람이 없는 주민. 일시재가·동행지원·식사지원"),
    DemoResource("2024 동절기 난방비 특별지원", "{gu}청 복지정책과", P, C.EMERGENCY, "구비",
                 "2024년 겨울 한시 사업(종료)", is_active=False),
    DemoResource("푸드뱅크·푸드마켓", "{short}푸드뱅크", R, C.FOOD, "기부 식품",
                 "저소득·위기 가구에 월 1회 식품과 생필품 제공"),
    DemoResource("종합사회복지관 사례관리·밑반찬 배달", "{short}종합사회복지관", R, C.CARE, "복지관 자체·후원금",
                 "복지관 권역 동의 홀몸 어르신·장애인 가구. 주 1회 밑반찬, 안부 확인", first_dongs=4),
    DemoResource("지역자활센터 자활근로", "{short}지역자활센터", R, C.EMPLOYMENT, "국비·시비",
                 "조건부 수급자와 차상위 계층의 자활근로·취업 지원"),
    DemoResource("사랑의열매 긴급 생계비", "서울사회복지공동모금회(사랑의열매)", R, C.EMERGENCY, "사회복지공동모금회",
                 "공적 지원을 받지 못하는 위기가구 생계비·의료비. 동 주민센터 추천"),
    DemoResource("{short} 사랑기금 치과 치료비", "{short} 사랑기금 운영위원회", R, C.DENTAL, "구민 성금",
                 "저소득 주민의 치과 치료비 50만~200만 원. 치료 계획서와 견적서 필요"),
    DemoResource("{short} 사랑기금 이사비", "{short} 사랑기금 운영위원회", R, C.MOVING, "구민 성금",
                 "쪽방·고시원·반지하에서 임대주택으로 옮기는 가구의 이사비·초기 정착비"),
    DemoResource("무료 법률상담·소송 지원", "대한법률구조공단", R, C.LEGAL, "공단 예산",
                 "기준 중위소득 125% 이하 주민의 민사·가사 법률상담과 소송 대리", "법률구조 상담 132"),
    DemoResource("채무조정(개인워크아웃)", "신용회복위원회", R, C.LEGAL, "위원회",
                 "과도한 채무로 상환이 어려운 주민의 채무조정 상담", "1600-5500"),
    DemoResource("서민금융 상담", "서민금융진흥원", R, C.LEGAL, "진흥원",
                 "저신용·저소득 주민의 서민금융 상품과 채무 상담", "1397"),
    DemoResource("마을변호사·세무사 자원봉사 상담", "서울특별시 · {gu}청", R, C.LEGAL, "재능 기부",
                 "주민 누구나. 동 주민센터에서 월 1회 무료 상담"),
    DemoResource("주거환경개선(집수리)", "{short}주거복지센터", R, C.HOUSING, "구비·기업 후원",
                 "저소득 가구의 도배·장판·단열·안전손잡이 설치"),
    DemoResource("저장강박 가구 특수청소", "{short}자원봉사센터 · 사회적기업", R, C.HOUSING, "후원금",
                 "쓰레기·물건이 쌓여 생활이 어려운 가구의 청소와 정리, 이후 사례관리 연계"),
    DemoResource("기업 후원 물품(이불·생필품)", "{short}복지재단", R, C.IN_KIND, "기업 후원",
                 "위기·저소득 가구에 계절별 후원 물품"),
)


@transaction.atomic
def seed_resources(district: District) -> int:
    """Create the demo resources of a district; returns how many were new (0 on a second run)."""
    names = {"gu": district.name, "short": short_name(district.name)}
    dong_ids = list(district.dongs.order_by("name").values_list("pk", flat=True))
    created_count = 0
    for item in RESOURCES:
        resource, created = Resource.objects.get_or_create(
            district=district, name=item.name.format(**names), provider=item.provider.format(**names),
            defaults={
                "sector": item.sector, "category": item.category, "funding_source": item.funding_source,
                "eligibility": item.eligibility.format(**names), "contact": item.contact,
                "is_active": item.is_active,
            },
        )
        if created:
            created_count += 1
            if item.first_dongs and dong_ids:
                resource.dongs.set(dong_ids[: item.first_dongs])
    return created_count
