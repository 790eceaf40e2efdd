"""The project's form renderer: Django's ``TemplatesSetting`` (so templates/django/forms/ overrides win), with
``<select>``, ``<input>`` and ``<label>`` written in Python.

A select renders one template include per option: the filter bar of the household list (five selects) took
about 3 ms of a 35 ms page in templates. :func:`render_select` writes the same markup as Django's
``select.html`` + ``select_option.html`` (with this project's "— 선택 —" for the empty choice, as
templates/django/forms/widgets/select_option.html does). Inputs (every widget whose template only includes
input.html) and labels went the same way: the household page's visit form drew a dozen of each through three
nested includes apiece; radio buttons and checkbox lists (multiple_input.html, an include per option, two more
inside it) too. tests/welfare/test_form_renderer.py renders each widget, label, whole forms in every
layout and the product's forms both ways and compares them byte for byte.
"""

from __future__ import annotations

from html import escape  # what django.utils.html.escape calls, without its lazy-argument wrapper

from django.forms.renderers import TemplatesSetting
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.safestring import SafeData
from django.utils.timezone import template_localtime  # type: ignore[attr-defined]  # in Django, not in django-stubs
from django.utils.translation import gettext as _

from .escaping import esc

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
EMPTY_LABEL = "---------"
LABEL = "django/forms/label.html"
# The widgets whose template is only ``{% include "django/forms/widgets/multiple_input.html" %}``, and the
# templates of their options (each only ``{% include "django/forms/widgets/input_option.html" %}``).
MULTIPLE = frozenset({"django/forms/widgets/radio.html", "django/forms/widgets/checkbox_select.html"})
MULTIPLE_OPTIONS = frozenset({"django/forms/widgets/radio_option.html", "django/forms/widgets/checkbox_option.html"})
# The widgets whose template is only ``{% include "django/forms/widgets/input.html" %}``.
INPUTS = frozenset(f"django/forms/widgets/{name}.html" for name in (
    "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "search", "tel", "color",
    "checkbox", "file"))


def _stringformat(value) -> str:
    """What ``{{ value|stringformat:'s' }}`` prints: ``"%s" % value``, escaped unless the value was safe."""
    text = str(value)  # what "%s" % value gives for anything but a tuple, and stringformat takes str() of a tuple
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """attrs.html: `` name="value"`` for each attribute, a bare name for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {esc(name)}" if value is True else f' {esc(name)}="{_stringformat(value)}"')
    return "".join(out)


def _shown(value) -> str:
    """What ``{{ value }}`` prints: localised, escaped unless already safe. Text (labels, names, most values) is
    neither localised nor converted to local time, so it goes straight to :func:`esc`."""
    if isinstance(value, (str, Promise)):
        return esc(value)
    return esc(localize(template_localtime(value)))


def render_select(widget: dict) -> str:
    """The markup of select.html for a widget context whose options all use select_option.html."""
    out = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in options:
            label = option["label"]
            label = _("— 선택 —") if label == EMPTY_LABEL else _shown(label)
            out.append(f'\n  <option value="{escape(str(option["value"]))}"{_attrs(option["attrs"])}>{label}</option>\n')
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def render_input(widget: dict) -> str:
    """The markup of input.html."""
    value = f' value="{_stringformat(widget["value"])}"' if widget["value"] is not None else ""
    return f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def render_multiple(widget: dict) -> str:
    """The markup of multiple_input.html (radio.html and checkbox_select.html include it) with each option's
    input_option.html (the radio and checkbox options include it), as the templates write them."""
    attrs = widget["attrs"]
    out = ["<div"]
    if attrs.get("id"):
        out.append(f' id="{_shown(attrs["id"])}"')
    if attrs.get("class"):
        out.append(f' class="{_shown(attrs["class"])}"')
    out.append(">")
    for group, options, _index in widget["optgroups"]:
        if group:
            out.append(f"\n  <div><label>{_shown(group)}</label>")
        for option in options:
            out.append("<div>\n    ")
            # Each included template ends with a newline, kept inside the option's <div>.
            if option["wrap_label"]:
                option_id = option["attrs"].get("id")
                out.append(f'<label for="{_shown(option_id)}">' if option_id else "<label>")
                out.append(f"{render_input(option)}\n {_shown(option['label'])}</label>\n\n</div>")
            else:
                out.append(f"{render_input(option)}\n\n\n</div>")
        if group:
            out.append("\n  </div>")
    out.append("\n</div>")
    return "".join(out)


def render_label(context: dict) -> str:
    """The markup of label.html."""
    if not context["use_tag"]:
        return _shown(context["label"])
    tag = _shown(context["tag"])
    return f"<{tag}{_attrs(context['attrs'] or {})}>{_shown(context['label'])}</{tag}>"


def _options_are(widget: dict, templates: frozenset[str]) -> bool:
    return all(option["template_name"] in templates for _g, options, _i in widget["optgroups"] for option in options)


def _plain(widget: dict) -> bool:
    return _options_are(widget, frozenset({OPTION}))


class FormRenderer(TemplatesSetting):
    def render(self, template_name, context, request=None):
        if request is None:
            if template_name == SELECT and _plain(context["widget"]):
                return render_select(context["widget"])
            if template_name in INPUTS:
                return render_input(context["widget"])
            if template_name in MULTIPLE and _options_are(context["widget"], MULTIPLE_OPTIONS):
                return render_multiple(context["widget"])
            if template_name == LABEL:
                return render_label(context)
        return super().render(template_name, context, request)
