"""``manage.py seed_demo``: synthetic demo data (two gu, their dongs, demo users, households)."""

from __future__ import annotations

import unicodedata

from django.core.management.base import BaseCommand, CommandError

from welfare import demo


def display_width(text: str) -> int:
    """Terminal columns: Hangul and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def format_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max(display_width(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = []
    for row in (header, tuple("-" * w for w in widths), *rows):
        lines.append("  ".join(pad(str(cell), w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return lines


def print_report(stdout, style, report: demo.SeedReport) -> None:
    stdout.write("")
    stdout.write(f"{'':<22}{'created':>10}{'present':>10}")
    keys = ["districts", "dongs", "users", "households", "residents"]
    keys += [k for k in report.created if k not in keys]
    for key in keys:
        stdout.write(f"{key:<22}{report.created.get(key, 0):>10}{report.present.get(key, 0):>10}")
    stdout.write("")
    stdout.write(style.MIGRATE_HEADING("Demo accounts (synthetic; the password is public, never use it in production)"))
    for line in format_table(("username", "role", "dongs", "password"), report.users):
        stdout.write(line)
    stdout.write("")
    stdout.write(style.SUCCESS(f"Done in {report.seconds:.1f} s."))


class Command(BaseCommand):
    help = "Create synthetic demo data: 성동구 and 영등포구 with their dongs, one user per role, households."

    def add_arguments(self, parser):
        parser.add_argument(
            "--households", type=int, default=demo.DEFAULT_HOUSEHOLDS,
            help=f"Total demo households wanted; only the missing ones are created (default {demo.DEFAULT_HOUSEHOLDS}).",
        )
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED, help="Random seed (default %(default)s).")
        parser.add_argument("--batch-size", type=int, default=demo.BATCH_SIZE, help="Rows per bulk insert.")

    def handle(self, *args, **options):
        if options["households"] < 0:
            raise CommandError("--households must be 0 or more.")
        verbose = options["verbosity"] >= 1
        try:
            report = demo.seed(
                households=options["households"], seed=options["seed"], batch_size=max(1, options["batch_size"]),
                progress=self.stdout.write if verbose else None,
            )
        except demo.DemoAccountConflict as exc:
            raise CommandError(str(exc)) from exc
        if verbose:
            print_report(self.stdout, self.style, report)
