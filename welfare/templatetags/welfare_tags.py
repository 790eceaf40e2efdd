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
