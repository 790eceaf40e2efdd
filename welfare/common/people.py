"""A staff member's display name, the one rule: "first last" as Django's ``get_full_name`` writes it, else the
username. Pages (``{% person %}``), the household list's rows (from plain columns) and the API
(``PersonSerializer``) all write it from here."""

from __future__ import annotations


def staff_name(first_name: str | None, last_name: str | None, username: str | None) -> str:
    """The name from the account's columns (a row of plain values); a dash for no account (``username`` None)."""
    if username is None:
        return "—"
    return f"{first_name} {last_name}".strip() or username


def display_name(user) -> str:
    """The name of a user object; a dash for none."""
    if user is None:
        return "—"
    return staff_name(user.first_name, user.last_name, user.get_username())
