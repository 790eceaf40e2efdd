"""``{% field_one field %}``: one form field (label, widget, help, errors) written in Python.

Every form of the product draws its fields this way: a single check box before its label, a group of check boxes
or radio buttons as a fieldset with a legend, anything else as label then widget. Drawn by the template language
(an ``{% include %}`` per field, often two deep) a field cost about 0.4 ms; the household page draws six and the
visit form fifteen. The markup is the one the template ``_field_one.html`` held (``tests/welfare/test_form_fields.py``
compares the two, errors, help texts and hostile labels included); every value is escaped by ``format_html``.
"""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

GROUPS = frozenset({"checkboxselectmultiple", "radioselect"})
FIELDSET = '\n\n<fieldset class="field choices{}"{}>\n  <legend>{}</legend>\n  {}\n  {}\n  {}\n</fieldset>\n\n'
BOX = '\n\n<div class="field{}{}">\n  {} {}\n  {}\n  {}\n</div>\n\n'
EMPTY = mark_safe("")


@register.simple_tag
def field_one(field: BoundField) -> SafeString:
    errors = format_html_join("", '<p class="error">{}</p>', ((error,) for error in field.errors))
    has_error = " has-error" if field.errors else ""
    help_text = (format_html('<small class="help" id="{}_help">{}</small>', field.auto_id, field.help_text)
                 if field.help_text else EMPTY)
    kind = field.widget_type
    if kind in GROUPS:
        described = format_html(' aria-describedby="{}_help"', field.auto_id) if field.help_text else EMPTY
        return format_html(FIELDSET, has_error, described, field.label, field, help_text, errors)
    if kind == "checkbox":
        return format_html(BOX, has_error, " check", field, field.label_tag(), help_text, errors)
    return format_html(BOX, has_error, "", field.label_tag(), field, help_text, errors)
