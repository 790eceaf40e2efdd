"""``manage.py seed_demo``: synthetic demo data (two gu, their dongs, demo users, households); see welfare.demo."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from welfare.demo import seeding
from welfare.demo.households import BATCH_SIZE
from welfare.demo.organisation import DemoAccountConflict
from welfare.demo.report import print_report


class Command(BaseCommand):
    help = "Create synthetic demo data: 성동구 and 영등포구 with their dongs, one user per role, households."

    def add_arguments(self, parser):
        parser.add_argument(
            "--households", type=int, default=seeding.DEFAULT_HOUSEHOLDS,
            help=f"Total demo households wanted; only the missing ones are created "
                 f"(default {seeding.DEFAULT_HOUSEHOLDS}).",
        )
        parser.add_argument("--seed", type=int, default=seeding.DEFAULT_SEED,
                            help="Random seed (default %(default)s).")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="Rows per bulk insert.")

    def handle(self, *args, **options):
        if options["households"] < 0:
            raise CommandError("--households must be 0 or more.")
        verbose = options["verbosity"] >= 1
        try:
            report = seeding.seed(
                households=options["households"], seed=options["seed"], batch_size=max(1, options["batch_size"]),
                progress=self.stdout.write if verbose else None,
            )
        except DemoAccountConflict as exc:
            raise CommandError(str(exc)) from exc
        if verbose:
            print_report(self.stdout, self.style, report)
