"""The benefit status names the 기초생활보장 benefit (생계·의료·주거·교육) instead of one "기초생활수급"
(issue 16 item 5). A household recorded as 기초생활수급 becomes 생계급여 수급, the usual case; officials correct
the others on the household page."""

from django.db import migrations, models


def forward(apps, schema_editor):
    Household = apps.get_model("households", "Household")
    Household.objects.filter(benefit_status="basic_livelihood").update(benefit_status="livelihood")


def backward(apps, schema_editor):
    Household = apps.get_model("households", "Household")
    Household.objects.filter(benefit_status__in=["livelihood", "medical", "housing", "education"]).update(
        benefit_status="basic_livelihood")


class Migration(migrations.Migration):
    dependencies = [("households", "0009_attachments_signed_consents")]

    operations = [
        migrations.AlterField(
            model_name="household",
            name="benefit_status",
            field=models.CharField(
                choices=[("none", "해당 없음"), ("livelihood", "생계급여 수급"), ("medical", "의료급여 수급"),
                         ("housing", "주거급여 수급"), ("education", "교육급여 수급"), ("near_poor", "차상위"),
                         ("other_public", "기타 공공급여")],
                default="none", max_length=20, verbose_name="수급 상태"),
        ),
        migrations.RunPython(forward, backward),
    ]
