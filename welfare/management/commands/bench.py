"""``manage.py bench``: response times of key pages on the demo data; the scenarios live in welfare.demo.bench."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from welfare.demo.bench import SCENARIOS
from welfare.demo.bench.run import run
from welfare.demo.organisation import DemoAccountConflict
from welfare.demo.seeding import DEFAULT_SEED


class Command(BaseCommand):
    help = "Time key pages on the demo data beside raw baselines (prints figures; not a test)."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=100_000,
                            help="Demo households needed at least; seed_demo tops up if fewer (default %(default)s).")
        parser.add_argument("--runs", type=int, default=30, help="Timed runs per figure (default %(default)s).")
        parser.add_argument("--warmup", type=int, default=3, help="Untimed runs first (default %(default)s).")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Seed for seed_demo.")
        parser.add_argument("--volume", action="store_true",
                            help="Top up to realistic volume first: ~10 visits per household, a year of crisis "
                                 "reports at DOMAIN.md's rates (set-based; safe to run again).")
        parser.add_argument("--scenario", default="all",
                            help="Which scenarios to run, comma-separated (default: all): "
                                 + ", ".join(SCENARIOS) + ".")

    def handle(self, *args, **options):
        if options["runs"] < 1:
            raise CommandError("--runs must be at least 1.")
        names = list(SCENARIOS) if options["scenario"] == "all" else [
            n.strip() for n in options["scenario"].split(",") if n.strip()]
        unknown = [n for n in names if n not in SCENARIOS]
        if unknown or not names:
            raise CommandError(f"Unknown scenario {', '.join(unknown) or '(none)'}; choose from all, "
                               + ", ".join(SCENARIOS) + ".")
        try:
            run(households=options["households"], seed=options["seed"], runs=options["runs"],
                warmup=options["warmup"], names=names, write=self.stdout.write,
                volume=options["volume"])
        except DemoAccountConflict as exc:
            raise CommandError(str(exc)) from exc
