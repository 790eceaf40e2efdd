"""``{% household_rows page.object_list %}``: the household list's table rows, written in Python.

The list is the page officials open most. Drawn by the template language, its 25 rows cost more than the rest of
the page together (each cell a variable lookup, a filter chain and an escape: about 700 calls a row); written here
they cost one ``str.format`` a row, from the row's plain values (``HouseholdQuerySet.as_list_rows``: no model
instances), each cell escaped by :func:`welfare.common.escaping.esc` and each label read from the field's label
dictionary, looked up once a page (``format_html`` and ``get_FOO_display`` still made 270 calls a row). The markup
is the template's (``tests/households/test_household_rows.py`` compares the two), and every value is escaped.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from welfare.common.choices import choice_labels
from welfare.common.escaping import esc
from welfare.common.people import staff_name

from ..models import Household
from ..models.households import full_address

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
    """One ``<tr>`` per household of the page: the named rows of ``HouseholdQuerySet.as_list_rows``."""
    no_head = gettext("(세대주 없음)")
    before, after = (esc(part) for part in reverse("households:detail", args=[ID_MARK]).split(str(ID_MARK)))
    fields = Household._meta
    housing, risk, status = (choice_labels(fields.get_field(name)) for name in ("housing_type", "risk_level", "status"))
    rows = []
    for h in households:
        official = staff_name(h.assigned_official__first_name, h.assigned_official__last_name,
                              h.assigned_official__username)
        rows.append(ROW.format(
            f"{before}{h.pk}{after}", esc(h.head_name or no_head), DEMO_TAG if h.is_demo else "",
            esc(full_address(h.road_address, h.address_detail)), esc(h.dong__name),
            esc(housing.get(h.housing_type, h.housing_type)), esc(h.risk_level),
            esc(risk.get(h.risk_level, h.risk_level)), esc(status.get(h.status, h.status)), esc(official),
            h.next_contact_on.isoformat() if h.next_contact_on else "—"))
    return mark_safe("".join(rows))
