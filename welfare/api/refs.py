"""Serializers every app's API shares: references to a dong and a staff member, and choice labels."""

from __future__ import annotations

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
    built once instead of once per row. Translated on output (the labels are lazy)."""

    def __init__(self, choices, **kwargs):
        self.labels = dict(choices)
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return str(self.labels.get(value, value))


class DongRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
