from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from welfare.common.people import display_name

register = template.Library()

# The main menu once drawn, by what it depends on (see main_nav). A few entries: roles × flags × languages.
_MAIN_NAV: dict[tuple, SafeString] = {}


@register.filter
def person(user) -> str:
    """A staff member's display name: full name, else username, else a dash (welfare.common.people)."""
    return display_name(user)


@register.filter
def role_can(role: str, capability: str) -> bool:
    """``{% if member.role|role_can:"needs_personal_grant" %}``: asks the permission table about a role."""
    from welfare.permissions import role_can as _role_can

    return _role_can(role, capability)


@register.inclusion_tag("welfare/_saved_filters.html", takes_context=True)
def saved_filters(context, list_key: str):
    """``{% saved_filters "caseload" %}``: the list's saved filters as chips (mine first, then those colleagues
    shared with my dongs), a delete button on mine, and a form saving the current query under a name.

    Two queries whatever the page shows (the filters; the dongs one may share with); nothing at all for a user
    who may not use the list."""
    from welfare.models import Dong
    from welfare.scoping import personal_dong_ids
    from welfare.selectors import saved_filters_for
    from welfare.services.saved_filters import NAME_MAX, filter_query, may_use

    request = context["request"]
    user = request.user
    if not may_use(user, list_key):
        return {"show": False}
    current = filter_query(request.GET)
    filters = list(saved_filters_for(user, list_key))
    for saved in filters:
        saved.active = saved.query == current
    return {
        "show": True, "filters": filters, "list_key": list_key, "current": current, "here": request.path,
        "csrf_token": context.get("csrf_token"), "name_max": NAME_MAX, "user": user,
        "share_dongs": list(Dong.objects.filter(pk__in=personal_dong_ids(user)).order_by("name")),
    }


@register.filter
def phone(value) -> str:
    """``{{ number|phone }}``: one format for every phone number shown (``010-1234-5678``), else as given."""
    from welfare.common.phones import display

    return display(value) if value else ""


@register.simple_tag(takes_context=True)
def main_nav(context) -> SafeString:
    """``{% main_nav %}``: the main menu (``_mainnav.html``), drawn once per process for each role, superuser and
    staff flag, language and URL prefix, and reused: its two dozen links and capability checks cost every page
    about as much as the rest of the header. With DEBUG on it is drawn each time, so an edited template shows."""
    from welfare.permissions import Capabilities

    user, membership = context["user"], context.get("staff_membership")
    key = (membership.role if membership else None, bool(membership), user.is_superuser, user.is_staff,
           get_language(), get_script_prefix())
    html = None if settings.DEBUG else _MAIN_NAV.get(key)
    if html is None:
        html = _MAIN_NAV[key] = SafeString(render_to_string("_mainnav.html", {
            "user": user, "staff_membership": membership, "can": Capabilities(user)}))
    return html


@register.simple_tag
def select_options(choices) -> SafeString:
    """``<option>`` elements for ``(value, label)`` pairs, each escaped: for a list of selects that share their
    choices (one per row), written once and put in every row."""
    return format_html_join("", '<option value="{}">{}</option>', choices)
