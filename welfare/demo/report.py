"""What a seeding made and found, and the terminal tables the seed_demo and bench commands print."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    present: dict[str, int] = field(default_factory=dict)
    users: list[tuple[str, str, str, str]] = field(default_factory=list)  # username, role, dongs, password
    seconds: float = 0.0


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


def print_report(stdout, style, report: SeedReport) -> None:
    """The counts made and found, then the demo accounts with their (public) password."""
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


