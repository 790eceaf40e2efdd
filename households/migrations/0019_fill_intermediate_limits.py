"""Fill the selection (5-day) and plan-agreement (15-day) limits of the cases in conference / planning now, from
the day of their last move into that stage (Asia/Seoul); a case with no recorded move counts from its intake.

Set-based: one UPDATE per distinct entry day (a few hundred at most), never a loop over cases; the date
arithmetic stays in Python so the statement is the same on SQLite and PostgreSQL.
"""

import datetime as dt
import zoneinfo

from django.db import migrations
from django.db.models import DateField, F, OuterRef, Subquery
from django.db.models.functions import Coalesce, TruncDate

LIMITS = (("conference", "selection_due_on", 5), ("planning", "agreement_due_on", 15))
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


def forward(apps, schema_editor):
    Case = apps.get_model("households", "Case")
    CaseStageChange = apps.get_model("households", "CaseStageChange")
    for stage, field, days in LIMITS:
        last_entry = Subquery(
            CaseStageChange.objects.filter(case=OuterRef("pk"), to_stage=stage).order_by("-at", "-id")
            .annotate(day=TruncDate("at", tzinfo=SEOUL)).values("day")[:1], output_field=DateField())
        waiting = Case.objects.filter(stage=stage, **{f"{field}__isnull": True}).annotate(
            entered_on=Coalesce(last_entry, F("opened_on"), output_field=DateField()))
        for day in set(waiting.values_list("entered_on", flat=True)):
            ids = waiting.filter(entered_on=day).values("pk")
            Case.objects.filter(pk__in=ids).update(**{field: day + dt.timedelta(days=days)})


class Migration(migrations.Migration):
    dependencies = [("households", "0018_case_conferences")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
