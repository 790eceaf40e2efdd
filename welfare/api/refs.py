"""Serializers every app's API shares: references to a dong and a staff member, and choice labels."""

from __future__ import annotations

from django.utils.translation import get_language
from rest_framework import serializers


def person_name(user) -> str:
    return user.get_full_name() or user.get_username()


class PersonSerializer(serializers.Serializer):
    """A staff member: id and display name."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return person_name(user)


class ChoiceDisplayField(serializers.CharField):
    """The label of a choice field's code (``source`` is the code): what ``get_FOO_display`` gives, from a dict
    translated once per response and language instead of once per row (``get_FOO_display`` rebuilds and hashes
    the whole choice list on every call). ``choices`` may be left out on a ModelSerializer: the model field's."""

    def __init__(self, choices=None, **kwargs):
        self.choices = None if choices is None else list(choices)
        self._labels: dict[str | None, dict] = {}
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        if self.choices is None:
            self.choices = list(parent.Meta.model._meta.get_field(self.source).flatchoices)

    def labels(self) -> dict:
        language = get_language()
        labels = self._labels.get(language)
        if labels is None:
            labels = self._labels[language] = {code: str(label) for code, label in self.choices or ()}
        return labels

    def to_representation(self, value):
        label = self.labels().get(value)
        return str(value) if label is None else label


class DongRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
