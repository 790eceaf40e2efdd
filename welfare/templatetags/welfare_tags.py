from django import template

register = template.Library()


@register.filter
def person(user) -> str:
    """A staff member's display name: full name, else username, else a dash."""
    if user is None:
        return "—"
    return user.get_full_name() or user.get_username()


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
