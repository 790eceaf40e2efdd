"""Password validators (``AUTH_PASSWORD_VALIDATORS``): the rule a Korean public institution applies.

At least 10 characters of two kinds, or 8 of three, the kinds being letters, digits and symbols; never the
username inside it. Django's own validators add "not like the user's name or e-mail" and "not a common password".
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

KINDS = ("letters", "digits", "symbols")


def character_kinds(password: str) -> set[str]:
    """Which of letters, digits and symbols ``password`` has (a space counts as a symbol)."""
    kinds = set()
    for char in password:
        if char.isdigit():
            kinds.add("digits")
        elif char.isalpha():
            kinds.add("letters")
        else:
            kinds.add("symbols")
    return kinds


class CharacterKindsValidator:
    """10+ characters of two kinds, or 8+ of three (letters, digits, symbols)."""

    def __init__(self, two_kinds_length: int = 10, three_kinds_length: int = 8) -> None:
        self.two_kinds_length = two_kinds_length
        self.three_kinds_length = three_kinds_length

    def validate(self, password: str, user=None) -> None:
        kinds = len(character_kinds(password))
        if kinds >= 3 and len(password) >= self.three_kinds_length:
            return
        if kinds >= 2 and len(password) >= self.two_kinds_length:
            return
        raise ValidationError(self._message(), code="password_character_kinds")

    def _message(self) -> str:
        return _("비밀번호는 영문자·숫자·특수문자 중 두 종류 이상으로 %(two)d자 이상, 또는 세 종류 모두로 "
                 "%(three)d자 이상이어야 합니다.") % {"two": self.two_kinds_length, "three": self.three_kinds_length}

    def get_help_text(self) -> str:
        return self._message()


class NotUsernameValidator:
    """The username (3+ characters) may not appear in the password, in any case or reversed."""

    def validate(self, password: str, user=None) -> None:
        username = (user.get_username() if user is not None else "") or ""
        username = username.lower()
        if len(username) < 3:
            return
        lowered = password.lower()
        if username in lowered or username[::-1] in lowered:
            raise ValidationError(_("비밀번호에 아이디를 넣을 수 없습니다."), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("아이디나 이름과 비슷하거나 흔히 쓰이는 비밀번호는 쓸 수 없습니다.")
