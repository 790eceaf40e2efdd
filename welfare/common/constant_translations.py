"""``{% translate "…" %}`` of a literal rendered once per language.

:func:`install` (from ``WelfareConfig.ready``) puts this module's ``translate`` (and its old name ``trans``) into
Django's own ``i18n`` template library, so every template's ``{% load i18n %}`` gets it with Django's other tags
and filters. (A library of the project loaded under the name ``i18n`` would work too, but Django's system check
reports a name used twice.) Django's node resolves its literal into a lazy translation and renders that proxy on
every render: about 90 Python calls for a constant string, and the household page has some 120 of them. A literal's
translation depends on the active language alone (a template literal is safe text, so neither escaping nor
localisation changes it), so :class:`ConstantTranslateNode` keeps what Django's node rendered, per language, on the
node itself: the cached template loader keeps the nodes for the life of the process. A translated variable, a
filter or a ``context`` goes through Django's node unchanged. tests/welfare/test_constant_tags.py compares the two.
"""

from __future__ import annotations

from django.templatetags import i18n as django_i18n
from django.utils import translation


class ConstantTranslateNode(django_i18n.TranslateNode):
    """Django's ``TranslateNode``; for a literal without filters or context, its output is kept per language."""

    def __init__(self, filter_expression, noop, asvar=None, message_context=None):
        super().__init__(filter_expression, noop, asvar, message_context)
        constant = (message_context is None and not self.filter_expression.filters
                    and getattr(self.filter_expression.var, "lookups", True) is None)
        self.rendered: dict[tuple[str | None, bool], str] = {}
        # For a constant, renders the value itself, whatever this tag does with it (``as``): no state of this node
        # changes. None: not a constant, Django's node renders it every time.
        self.value_node = django_i18n.TranslateNode(self.filter_expression, noop) if constant else None

    @property
    def constant(self) -> bool:
        return self.value_node is not None

    def render(self, context):
        if self.value_node is None:
            return super().render(context)
        key = (translation.get_language(), context.autoescape)
        value = self.rendered.get(key)
        if value is None:
            value = self.rendered[key] = self.value_node.render(context)
        if self.asvar:
            context[self.asvar] = value
            return ""
        return value


def do_translate(parser, token):
    """Django's ``{% translate %}`` parsed by Django's own function, as a :class:`ConstantTranslateNode`."""
    node = django_i18n.do_translate(parser, token)
    return ConstantTranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)


def install() -> None:
    """Once, at start-up: Django's ``i18n`` library's ``translate`` and ``trans`` parse into the node above."""
    django_i18n.register.tags["translate"] = django_i18n.register.tags["trans"] = do_translate
