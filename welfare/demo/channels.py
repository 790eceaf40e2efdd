"""Demo reporting channels (issue 17): in each district, a dozen daily-life businesses (management offices,
realtors, convenience stores, pharmacies) keep memo pads and posters; a few of the demo's web and Kakao tips are
attributed to them, so the counts per business and channel show. A district that has businesses gets none."""

from __future__ import annotations

import random
from collections.abc import Iterable

from django.db import transaction

from discovery.models import Channel, CrisisReport, ReportSource, SourceKind
from welfare.models import District

BUSINESSES = (
    (SourceKind.MANAGEMENT_OFFICE, "{dong} 푸른아파트 관리사무소", 300),
    (SourceKind.REALTOR, "{dong} 으뜸공인중개사사무소", 150),
    (SourceKind.CONVENIENCE_STORE, "행복편의점 {dong}점", 200),
    (SourceKind.PHARMACY, "{dong} 온누리약국", 150),
)


def seed_channels(*, rng: random.Random, districts: Iterable[District]) -> int:
    made = 0
    for district in districts:
        if ReportSource.objects.filter(district=district).exists():
            continue
        with transaction.atomic():
            dongs = list(district.dongs.order_by("name")[:3])
            sources = ReportSource.objects.bulk_create([
                ReportSource(district=district, dong=dong, kind=kind, name=name.format(dong=dong.name),
                             pads_given=pads, token=f"demo{district.pk}-{dong.pk}-{i}")
                for dong in dongs for i, (kind, name, pads) in enumerate(BUSINESSES)])
            made += len(sources)
            by_dong: dict[int, list[ReportSource]] = {}
            for s in sources:
                by_dong.setdefault(s.dong_id, []).append(s)
            tips = list(CrisisReport.objects.filter(district=district, dong__in=dongs,
                                                    channel__in=[Channel.WEB, Channel.KAKAO])
                        .order_by("pk")[:40])
            for tip in tips:
                tip.source = rng.choice(by_dong[tip.dong_id])
            CrisisReport.objects.bulk_update(tips, ["source"])
    return made
