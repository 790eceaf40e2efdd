"""Serializers every app's API shares: references to a dong and a staff member, and choice labels."""

from __future__ import annotations

from django.utils.translation import get_language
from rest_framework import serializers

from welfare.common.choices import labels_of
from welfare.common.people import display_name

from .serializers import Serializer


def person_name(user) -> str:
    """A staff member's display name (welfare.common.people)."""
    return display_name(user)


# What ``PersonSerializer`` reads of a user: a queryset that selects a staff member for it reads these alone.
PERSON_COLUMNS = ("id", "username", "first_name", "last_name")


def person_columns(path: str) -> list[str]:
    """``PERSON_COLUMNS`` under a relation (``"assigned_official"``), for ``QuerySet.only``."""
    return [f"{path}__{name}" for name in PERSON_COLUMNS]


def person_deferred(path: str) -> list[str]:
    """Every other column of the user under a relation, for ``QuerySet.defer``: not the password hash, the login
    times or the flags, which no API row shows (two timestamps a row to parse, on a 200-row page 400)."""
    from django.contrib.auth import get_user_model

    return [f"{path}__{field.name}" for field in get_user_model()._meta.concrete_fields
            if field.name not in PERSON_COLUMNS]


def with_people(queryset, *paths: str):
    """``queryset`` with the staff members under ``paths`` joined, each read for ``PersonSerializer`` alone."""
    return queryset.select_related(*paths).defer(*(column for path in paths for column in person_deferred(path)))


class PersonSerializer(Serializer):
    """A staff member: id and display name."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return display_name(user)


class ChoiceDisplayField(serializers.CharField):
    """The label of a choice field's code (``source`` is the code): what ``get_FOO_display`` gives, from a dict
    translated once per language (per process for a model field's choices, per response for choices given here)
    instead of once per row (``get_FOO_display`` rebuilds and hashes
    the whole choice list on every call). ``choices`` may be left out on a ModelSerializer: the model field's."""

    def __init__(self, choices=None, **kwargs):
        self.choices = None if choices is None else list(choices)
        self._owner: object = self  # the model field once bound to one: its labels are cached per process
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        if self.choices is None:
            field = parent.Meta.model._meta.get_field(self.source)
            self.choices, self._owner = field.flatchoices, field

    def labels(self) -> dict:
        if self._owner is self:  # choices given in code: translated once per response (this field's life)
            labels = self.__dict__.setdefault("_labels", {})
            language = get_language()
            if language not in labels:
                labels[language] = {code: str(label) for code, label in self.choices or ()}
            return labels[language]
        return labels_of(self._owner, self.choices or ())  # the model field's: once per process (welfare.common.choices)

    def to_representation(self, value):
        # The field lives for one response (DRF copies it per serializer), in one language: the dictionary is
        # looked up once, not once per row (get_language alone was a fifth of a 200-household page).
        labels = self.__dict__.get("_response_labels")
        if labels is None:
            labels = self.__dict__["_response_labels"] = self.labels()
        label = labels.get(value)
        return str(value) if label is None else label


class DongRefSerializer(Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
