"""Korean is the default UI language; English comes from the committed catalogue in welfare/locale/en.

The catalogue checks read the .po and .mo files with the standard library only (CI installs only the
project's dependencies, so no polib): every entry is translated and not fuzzy, the compiled .mo matches
the .po, and the glossary terms use the official English names from DOMAIN.md.
"""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LC_MESSAGES = Path(settings.BASE_DIR) / "welfare" / "locale" / "en" / "LC_MESSAGES"
PO = LC_MESSAGES / "django.po"
MO = LC_MESSAGES / "django.mo"


# --- A small .po reader ------------------------------------------------------------------------------------


def _po_entries(path: Path) -> list[dict]:
    """Entries of a gettext-written .po file (blank-line separated) as dicts of flags and keywords; no obsolete ones."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry: dict = {"flags": set()}
        key = None
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,"):
                entry["flags"].update(f.strip() for f in line[2:].split(","))
            elif line.startswith("#"):
                continue  # comments, references and obsolete (#~) lines
            elif m := re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")$', line):
                key = m.group(1)
                entry[key] = ast.literal_eval(m.group(2))
            elif line.startswith('"') and key:
                entry[key] += ast.literal_eval(line)
        if "msgid" in entry:
            entries.append(entry)
    return entries


def _messages() -> list[dict]:
    return [e for e in _po_entries(PO) if e["msgid"]]  # the header has an empty msgid


def _translations(e: dict) -> list[str]:
    if "msgid_plural" in e:
        return [v for k, v in sorted(e.items()) if k.startswith("msgstr[")]
    return [e.get("msgstr", "")]


# --- The catalogue -------------------------------------------------------------------------------------------


def test_catalogue_has_many_entries():
    assert len(_messages()) > 500


def test_every_entry_is_translated_and_checked():
    untranslated = [e["msgid"] for e in _messages() if not all(_translations(e))]
    fuzzy = [e["msgid"] for e in _messages() if "fuzzy" in e["flags"]]

    assert untranslated == [], f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_plural_entries_have_both_english_forms():
    for e in _messages():
        if "msgid_plural" in e:
            assert "msgstr[0]" in e and "msgstr[1]" in e, e["msgid"]


def test_placeholders_are_kept():
    pattern = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
    for e in _messages():
        wanted = sorted(pattern.findall(e["msgid"]))
        for text in _translations(e):
            assert sorted(pattern.findall(text)) == wanted, (e["msgid"], text)


def test_compiled_catalogue_matches_the_po():
    """The .mo is committed (the servers need it) and must be rebuilt with compilemessages after each .po edit."""
    with MO.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    stale = []
    for e in _messages():
        ctx = f"{e['msgctxt']}\x04" if "msgctxt" in e else ""
        if "msgid_plural" in e:
            for n, text in enumerate(_translations(e)):
                if mo._catalog.get((ctx + e["msgid"], n)) != text:
                    stale.append(e["msgid"])
        elif mo._catalog.get(ctx + e["msgid"]) != e["msgstr"]:
            stale.append(e["msgid"])
    assert stale == [], f"django.mo is out of date for {len(stale)} entries; run compilemessages. e.g. {stale[:5]}"


GLOSSARY = {
    "세대 목록": "Households",
    "세대": "Household",
    "세대주": "Head of household",
    "가구원": "Household member",
    "주민등록번호": "Resident registration number",
    "위기도": "Risk level",
    "고위험": "High risk",
    "중위험": "Medium risk",
    "저위험": "Low risk",
    "통합사례관리": "Integrated case management",
    "사례회의": "Case conference",
    "종결": "Closed",
    "사후관리": "Follow-up",
    "명예사회복지공무원": "Honorary social welfare official",
    "우리동네돌봄단": "Neighbourhood care team",
    "복지사각지대 빅데이터": "Welfare blind spot big data",
    "행정동": "Dong",
}


def test_glossary_terms_use_the_official_english_names():
    with MO.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    for korean, english in GLOSSARY.items():
        assert mo.gettext(korean) == english, korean
    assert mo.ngettext("%(total)s세대", "%(total)s세대", 1) == "%(total)s household"
    assert mo.ngettext("%(total)s세대", "%(total)s세대", 3) == "%(total)s households"


def test_django_uses_the_catalogue():
    with translation.override("en"):
        assert translation.gettext("세대 목록") == "Households"
    with translation.override("ko"):
        assert translation.gettext("세대 목록") == "세대 목록"


# --- Pages -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_household_list_is_korean_by_default(official, household, client_for):
    response = client_for(official).get(reverse("households:list"))

    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="ko">' in body
    assert "세대 목록" in body
    assert "Households" not in body


@pytest.mark.django_db
def test_set_language_switches_the_household_list_to_english(official, household, client_for):
    client = client_for(official)

    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("households:list")})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    body = client.get(reverse("households:list")).content.decode()
    assert '<html lang="en">' in body
    assert "Households" in body
    assert "Head of household" in body
    assert "1 household" in body  # the plural form from blocktranslate count
    assert "세대 목록" not in body
    assert "김순자" in body  # data stays as entered


@pytest.mark.django_db
def test_language_cookie_selects_english_and_back(official, household, client_for):
    client = client_for(official)

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Households" in client.get(reverse("households:list")).content.decode()

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    body = client.get(reverse("households:list")).content.decode()
    assert "세대 목록" in body
    assert "Households" not in body
