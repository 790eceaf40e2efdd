"""Issue 18 (item 16): the English catalogue is complete — no message left untranslated or fuzzy — and the compiled
catalogue (.mo) carries every translation of the .po (compilemessages was run)."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "welfare" / "locale" / "en" / "LC_MESSAGES"


def _entries(text: str) -> list[dict]:
    """A small reader of the .po format: flags, msgid, msgid_plural, msgstr / msgstr[n] of each entry."""
    entries: list[dict] = []
    for block in text.split("\n\n"):
        entry: dict = {"flags": set(), "msgstr": {}}
        field = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
            elif line.startswith("#,"):
                entry["flags"] |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith(("msgid_plural ", "msgid ", "msgctxt ")):
                field, _sep, rest = line.partition(" ")
                entry[field] = ast.literal_eval(rest)
            elif line.startswith("msgstr"):
                head, _sep, rest = line.partition(" ")
                index = int(head[7:-1]) if "[" in head else 0
                field = ("msgstr", index)
                entry["msgstr"][index] = ast.literal_eval(rest)
            elif line.startswith('"') and field is not None:
                if isinstance(field, tuple):
                    entry["msgstr"][field[1]] += ast.literal_eval(line)
                else:
                    entry[field] += ast.literal_eval(line)
        if "msgid" in entry and entry["msgid"] and not entry.get("obsolete"):
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def entries():
    return _entries((LOCALE / "django.po").read_text(encoding="utf-8"))


def test_the_catalogue_has_many_entries(entries):
    assert len(entries) > 2000


def test_no_message_is_untranslated(entries):
    missing = [e["msgid"] for e in entries if not e["msgstr"] or not all(e["msgstr"].values())]
    assert missing == [], f"{len(missing)} untranslated, e.g. {missing[:5]}"


def test_no_message_is_fuzzy(entries):
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert fuzzy == [], f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_the_compiled_catalogue_matches_the_po(entries):
    with (LOCALE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = [
        e["msgid"]
        for e in entries
        if "msgid_plural" not in e and "msgctxt" not in e and compiled.gettext(e["msgid"]) != e["msgstr"][0]
    ]
    assert stale == [], f"run compilemessages: {len(stale)} differ, e.g. {stale[:3]}"


def test_english_is_served():
    with translation.override("en"):
        assert translation.gettext("본문으로 건너뛰기") == "Skip to content"
        assert translation.gettext("다음 항목을 확인해 주세요") == "Please check the following"
