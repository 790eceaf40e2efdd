"""The Ministry's risk indicator catalogue (DOMAIN.md §3). Codes are ours."""

from django.db import migrations

INDICATORS = [
    ("elec_cut", "단전", "electricity cut-off", "utility_arrears"),
    ("elec_arrears", "전기요금 체납", "electricity arrears", "utility_arrears"),
    ("water_cut", "단수", "water cut-off", "utility_arrears"),
    ("water_arrears", "수도요금 체납(3개월)", "water arrears (3 months)", "utility_arrears"),
    ("gas_cut", "단가스", "gas cut-off", "utility_arrears"),
    ("gas_arrears", "가스요금 체납", "gas arrears", "utility_arrears"),
    ("elec_usage_drop", "전기 사용량 급감", "sharp fall in power use", "isolation"),
    ("nhi_arrears", "건강보험료 체납", "health-insurance premium arrears", "nhi_arrears"),
    ("nps_arrears", "국민연금보험료 체납", "national pension arrears", "debt"),
    ("nps_emergency_loan", "국민연금 노후긴급자금 대부", "old-age emergency loan", "debt"),
    ("telecom_arrears", "통신비 체납", "telecom arrears", "utility_arrears"),
    ("public_rent_arrears", "공공임대주택 임대료 체납", "public-rental arrears", "utility_arrears"),
    ("mgmt_fee_arrears", "공동주택 관리비 체납", "apartment fee arrears", "utility_arrears"),
    ("financial_delinquency", "금융연체(2천만원 이하)", "consumer-debt delinquency", "debt"),
    ("debt_adjust_suspended", "채무조정 중지자", "dropped out of debt restructuring", "debt"),
    ("employment_crisis", "고용위기(실직·실업급여)", "job loss", "other"),
    ("closure", "휴·폐업", "business closure", "other"),
    ("catastrophic_medical", "재난적 의료비·의료비 과다지출", "catastrophic medical spending", "illness"),
    ("head_death", "세대주 사망", "death of household head", "other"),
    ("benefit_rejected", "기초·긴급 신청 탈락·중지", "benefit application rejected or stopped", "other"),
    ("housing_vulnerable", "주거취약(저가 전월세·비주택)", "poor housing", "eviction"),
    ("alcohol_disease", "알코올질환", "alcohol-related illness", "illness"),
]


def forward(apps, schema_editor):
    RiskIndicator = apps.get_model("discovery", "RiskIndicator")
    for code, ko, en, signal in INDICATORS:
        RiskIndicator.objects.update_or_create(code=code, defaults={"name_ko": ko, "name_en": en, "signal": signal})


def backward(apps, schema_editor):
    apps.get_model("discovery", "RiskIndicator").objects.filter(code__in=[i[0] for i in INDICATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [("discovery", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
