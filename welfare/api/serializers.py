"""The serializer bases every API serializer inherits: DRF's, with a faster way to read a row's plain values.

DRF reads every field of every row through ``Field.get_attribute``: a loop over the source's parts, a Mapping
check, a "simple callable" check by ``inspect``, exception handlers, then the PKOnlyObject test. On a 200-household
page (about 11,000 fields with the residents) that was a fifth of the response. Most fields read one attribute the
row already holds as plain data: a column, an annotation, a ``to_attr`` prefetch, a foreign key's id. Those are
read here from the row's ``__dict__`` (or the dict's key) directly; every other field (a property, a method, a
related object, a dotted source, a missing key, a name the row's class reads through a descriptor of its own, as
Django's ``FileField`` does) goes through DRF's own ``get_attribute``. The output is DRF's:
``tests/api/test_fast_representation.py`` compares both ways over every list and detail endpoint.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from rest_framework import serializers
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject, PrimaryKeyRelatedField

_MISSING = object()
_SELF = "*"  # a field whose source is the whole row (SerializerMethodField, source="*")


def _read_through(row_class: type, name: str) -> bool:
    """Whether the row's class reads ``name`` through a data descriptor (a property, Django's ``FileDescriptor``),
    which may give something other than what ``__dict__`` holds. A foreign key's id descriptor reads ``__dict__``
    as it is."""
    for klass in row_class.__mro__:
        if name in vars(klass):
            attribute = vars(klass)[name]
            return hasattr(attribute, "__set__") and not isinstance(attribute, ForeignKeyDeferredAttribute)
    return False


def _plain_key(field: serializers.Field, model: type[models.Model] | None, row_class: type) -> str | None:
    """The key under which a row of ``row_class`` holds this field's value as plain data, if it has one: its
    one-part source; a foreign key's ``<name>_id`` for a primary-key field of a model's foreign key; ``*`` for the
    whole row."""
    key = _source_key(field, model)
    if key is None or key is _SELF or issubclass(row_class, dict):
        return key
    return None if _read_through(row_class, key) else key


def _source_key(field: serializers.Field, model: type[models.Model] | None) -> str | None:
    if field.source == "*":
        return _SELF
    if len(field.source_attrs) != 1:
        return None
    attr = field.source_attrs[0]
    if isinstance(field, PrimaryKeyRelatedField):
        if field.pk_field is not None or model is None:
            return None
        try:
            model_field = model._meta.get_field(attr)
        except FieldDoesNotExist:  # a property: DRF's way
            return None
        # A foreign key (or a one-to-one held on this side) keeps the other row's id under its attname.
        return model_field.attname if isinstance(model_field, models.ForeignKey) else None
    return attr


class FastRepresentation:
    """``to_representation`` as DRF's ``Serializer`` writes it, reading plain values directly (module docstring)."""

    def _read_plan(self, row_class: type) -> tuple[tuple[str, Any, str | None, bool], ...]:
        """The fields and where each is read, once per response (a serializer lives for one) and kind of row."""
        plans = self.__dict__.setdefault("_fast_read_plans", {})
        plan = plans.get(row_class)
        if plan is None:
            model = getattr(getattr(self, "Meta", None), "model", None)
            plan = plans[row_class] = tuple(
                (field.field_name, field, _plain_key(field, model, row_class),
                 isinstance(field, PrimaryKeyRelatedField))
                for field in self._readable_fields  # type: ignore[attr-defined]  # the serializer this mixes into
            )
        return plan

    def to_representation(self, instance):
        if isinstance(instance, Mapping):  # DRF reads a mapping's keys, never its attributes
            values = instance if isinstance(instance, dict) else {}
        else:
            values = getattr(instance, "__dict__", None) or {}
        ret = {}
        for name, field, key, pk_only in self._read_plan(type(instance)):
            if key is _SELF:
                ret[name] = field.to_representation(instance)
                continue
            value = _MISSING if key is None else values.get(key, _MISSING)
            if value is _MISSING or callable(value):
                try:
                    attribute = field.get_attribute(instance)
                except SkipField:
                    continue
                check_for_none = attribute.pk if isinstance(attribute, PKOnlyObject) else attribute
                ret[name] = None if check_for_none is None else field.to_representation(attribute)
            elif value is None:
                ret[name] = None
            elif pk_only:  # a foreign key's id, as PrimaryKeyRelatedField writes a PKOnlyObject
                ret[name] = field.to_representation(PKOnlyObject(pk=value))
            else:
                ret[name] = field.to_representation(value)
        return ret


class Serializer(FastRepresentation, serializers.Serializer):
    pass


class DateTimeField(serializers.DateTimeField):
    """DRF's, asking the active time zone once per field, not once per value. DRF asks
    ``timezone.get_current_timezone()`` (a context-local read) for every value it writes: 16 µs a value against 5,
    about 1 ms of a 50-case page. A field lives for one response, in which the active time zone does not change."""

    _default_timezone: Any  # a tzinfo or None, set on the first value written

    def default_timezone(self):
        try:
            return self._default_timezone
        except AttributeError:
            self._default_timezone = super().default_timezone()
            return self._default_timezone


# Each model serializer class's fields as DRF builds them, built once per class and process.
_BUILT_FIELDS: dict[type, dict[str, serializers.Field]] = {}


class ModelSerializer(FastRepresentation, serializers.ModelSerializer):
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping,
                                models.DateTimeField: DateTimeField}

    def get_fields(self) -> dict[str, serializers.Field]:
        """DRF's fields, built once per class: DRF builds a model serializer's fields anew for every serializer
        (the model's fields read, every field's arguments worked out: about 2 ms of each API response). What it
        builds depends on the class alone (``Meta`` and the declared fields; no serializer here overrides the
        building hooks), so each serializer gets a deep copy of the first build, as DRF copies declared fields:
        new, unbound field objects of its own. A serializer that changes ``self.fields`` (choices known at run
        time) changes its copy only."""
        built = _BUILT_FIELDS.get(type(self))
        if built is None:
            built = _BUILT_FIELDS[type(self)] = super().get_fields()
        return copy.deepcopy(built)
