"""The ``url`` tag, with a URL of literals only reversed once per URLconf (loaded as a template builtin after
Django's, so every ``{% url %}`` reaches it).

``{% url 'households:list' %}`` names the same path on every render, yet Django's tag reverses it each time: about
100 Python calls (the namespace walk, the resolver's candidates, the quoting), some fifteen times on every page's
header alone. When the view name and every argument are literals, the URL depends only on the URLconf, the script
prefix, the language (translated URL patterns) and the current application (a namespaced URL's instance): :class:`ConstantURLNode` keeps it per those on
the node itself (the cached template loader keeps the nodes for the life of the process). A URL with a variable
argument (``household.pk``) goes through Django's node unchanged. tests/welfare/test_constant_tags.py compares the
two.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.html import conditional_escape

register = template.Library()


def _literal(expression) -> bool:
    """A quoted string or a number, without filters (``_("…")`` is a lazy translation: not a literal here)."""
    return not expression.is_var and not expression.filters and not isinstance(expression.var, Promise)


def _current_app(context) -> str | None:
    """The current application as Django's ``URLNode`` reads it."""
    try:
        return context.request.current_app
    except AttributeError:
        try:
            return context.request.resolver_match.namespace
        except AttributeError:
            return None


class ConstantURLNode(defaulttags.URLNode):
    """Django's ``URLNode``; for a view name and arguments that are all literals, its URL is kept per URLconf,
    script prefix, language and current application."""

    def __init__(self, view_name, args, kwargs, asvar):
        super().__init__(view_name, args, kwargs, asvar)
        self.constant = all(_literal(e) for e in (view_name, *args, *kwargs.values()))
        self.reversed: dict[tuple, str] = {}

    def render(self, context):
        if not self.constant:
            return super().render(context)
        current_app = _current_app(context)
        # What a reversal depends on: the URLconf (a request's own, else the settings'), the script prefix, the
        # language (URL patterns may be translated) and the current application.
        key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), translation.get_language(), current_app)
        url = self.reversed.get(key)
        if url is None:
            try:
                url = reverse(self.view_name.resolve(context), args=[arg.resolve(context) for arg in self.args],
                              kwargs={k: v.resolve(context) for k, v in self.kwargs.items()}, current_app=current_app)
            except NoReverseMatch:
                if self.asvar is None:
                    raise
                url = ""
            self.reversed[key] = url
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    return ConstantURLNode(node.view_name, node.args, node.kwargs, node.asvar)
