"""``esc`` writes what Django's ``conditional_escape`` writes (welfare/common/escaping.py)."""

import datetime as dt

import pytest
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from welfare.common.escaping import esc


class Marked:
    def __repr__(self):  # a stable test id (xdist's workers must collect the same names)
        return "Marked()"

    def __html__(self):
        return "<b>made safe by its owner</b>"


VALUES = [
    '<script>alert("x")</script>', "A&B 101호", "it's", "홍\"길동\"<b>", "", "plain", 42, 3.5, None,
    dt.date(2026, 12, 24), mark_safe("<em>safe</em>"), format_html("<i>{}</i>", "<x>"), Marked(),
    gettext_lazy("(세대주 없음)"),
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
@pytest.mark.parametrize("language", ["ko", "en"])
def test_esc_writes_what_conditional_escape_writes(value, language):
    with override(language):
        assert esc(value) == str(conditional_escape(value))


def test_esc_escapes_every_special_character():
    assert esc("<>&\"'") == "&lt;&gt;&amp;&quot;&#x27;"
