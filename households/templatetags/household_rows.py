"""``{% household_rows page.object_list %}``: the household list's table rows, written in Python.

The list is the page officials open most. Drawn by the template language, its 25 rows cost more than the rest of
the page together (each cell a variable lookup, a filter chain and an escape: about 700 calls a row); written here
they cost one ``format_html`` a row. The markup is the template's (``tests/households/test_household_rows.py``
compares the two), and every value is escaped by ``format_html``.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from welfare.templatetags.welfare_tags import person

register = template.Library()

ROW = """    <tr>
      <td><a href="{}">{}</a>{}</td>
      <td>{}</td>
      <td>{}</td>
      <td>{}</td>
      <td><span class="risk risk-{}">{}</span></td>
      <td>{}</td>
      <td>{}</td>
      <td>{}</td>
    </tr>
"""
DEMO_TAG = mark_safe(' <span class="tag demo">DEMO</span>')
ID_MARK = 987654321  # reversed once per page in place of an id, then replaced by each row's (not 25 reverse() calls)


@register.simple_tag
def household_rows(households) -> SafeString:
    """One ``<tr>`` per household of the page (each with ``head_name`` annotated, ``dong`` and ``assigned_official``
    selected, as the list view reads them)."""
    no_head = gettext("(세대주 없음)")
    before, after = reverse("households:detail", args=[ID_MARK]).split(str(ID_MARK))
    return format_html_join("", ROW, (
        (f"{before}{h.pk}{after}", h.head_name or no_head, DEMO_TAG if h.is_demo else "",
         h.full_address, h.dong.name, h.get_housing_type_display(), h.risk_level, h.get_risk_level_display(),
         h.get_status_display(), person(h.assigned_official),
         h.next_contact_on.isoformat() if h.next_contact_on else "—")
        for h in households
    ))
