"""Choice labels translated once per field and language per process, not once per call.

Django's ``get_FOO_display`` rebuilds and hashes the field's whole choice list, translating every lazy label,
on each call: a 25-row list showing three labelled columns made about 600 ``gettext`` calls. ``ChoiceLabels``
(a mixin on every model, asserted by tests/welfare/test_architecture.py) answers ``get_FOO_display`` from
:func:`choice_labels`, and the API's ``ChoiceDisplayField`` reads the same dictionaries: one home for labels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils.encoding import force_str
from django.utils.translation import get_language

# (id of the choices' owner, language) → (owner, {code: label}). The owners are model fields, which live as long
# as the process and whose choices never change after start-up; the entry holds its owner, so an id is never
# reused while it is a key here, and nothing needs evicting.
_LABELS: dict[tuple[int, str | None], tuple[object, dict]] = {}


def labels_of(owner: object, choices: Iterable, language: str | None = None) -> dict:
    """``{code: label}`` of ``choices`` (pairs; groups flattened) in ``language`` (default: the active one),
    cached under ``owner`` (the model field or the serializer field the choices belong to)."""
    language = language or get_language()
    key = (id(owner), language)
    entry = _LABELS.get(key)
    if entry is None:
        labels: dict = {}
        for code, label in choices:
            if isinstance(label, (list, tuple)):  # an option group: (group name, [(code, label), ...])
                labels.update((c, str(lbl)) for c, lbl in label)
            else:
                labels[code] = str(label)
        _LABELS[key] = entry = (owner, labels)
    return entry[1]


def translated_choices(owner: object, choices: Iterable) -> Callable[[], list[tuple]]:
    """Callable ``choices`` for a form field or filter: ``choices`` (flat pairs, lazy labels) in the active language,
    translated once per language per process under ``owner`` (the enum or filter they belong to). A select of lazy
    labels translates each of them on every render, and a filter set deep-copies the list for every request; a
    callable is neither. The cache is keyed by ``owner``: one owner, one list of pairs."""
    pairs = list(choices)
    return lambda: list(labels_of(owner, pairs).items())


def choice_labels(field) -> dict:
    """``{code: label}`` of a model field's choices in the active language (``flatchoices`` is only read on a miss:
    Django flattens the list anew on each read)."""
    language = get_language()
    entry = _LABELS.get((id(field), language))
    return entry[1] if entry is not None else labels_of(field, field.flatchoices, language)


class ChoiceLabels:
    """Model mixin: ``get_FOO_display`` answered from :func:`choice_labels` (same result as Django's)."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        try:
            label = choice_labels(field).get(value)
        except TypeError:  # an unhashable value (a list in a JSON field) has no label
            label = None
        return label if label is not None else force_str(value, strings_only=True)
