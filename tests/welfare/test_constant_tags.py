"""The project's ``{% translate %}`` and ``{% url %}`` (welfare.common.constant_translations and
welfare.templatetags.constant_urls) print
what Django's print, in every language, URLconf and script prefix, and they are the ones templates use."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.template import Context, Engine, Library, engines
from django.templatetags import i18n as django_i18n
from django.test import override_settings
from django.urls import NoReverseMatch, include, path, set_script_prefix
from django.utils import translation

from welfare.common import constant_translations
from welfare.common.constant_translations import ConstantTranslateNode
from welfare.templatetags.constant_urls import ConstantURLNode

# A URLconf of its own (this module), for a template rendered under two URLconfs.
urlpatterns = [
    path("elsewhere/", include(([path("<int:pk>/", lambda request, pk: HttpResponse(), name="detail")], "households"))),
    path("only-here/", lambda request: HttpResponse(), name="only-here"),
]

TRANSLATIONS = [
    '{% translate "세대 목록" %}',
    '{% trans "세대 목록" %}',
    '{% translate "세대 목록" as title %}[{{ title }}]',
    '{% translate "세대 목록" noop %}',
    '{% translate word %}',
    '{% translate "세대 목록"|upper %}',
    '{% translate "May" context "month name" %}',
    '{% translate "<b>50%</b>" %}',
    '{% autoescape off %}{% translate "세대 목록" %}{% endautoescape %}',
]
URLS = [
    "{% url 'households:list' %}",
    "{% url 'households:detail' 7 %}",
    "{% url 'households:detail' pk=7 %}",
    "{% url 'households:detail' pk %}",
    "{% url 'households:list' as where %}[{{ where }}]",
    "{% url 'nowhere' as where %}[{{ where }}]",
    "{% autoescape off %}{% url 'households:list' %}{% endautoescape %}",
]


def djangos(source: str):
    """The template as Django's own tags render it: an engine without the project's ``url`` builtin, its ``i18n``
    library with Django's own ``translate`` parser (the project installs its own into that library)."""
    engine = Engine(builtins=["welfare.templatetags.dates"], libraries={"i18n": "django.templatetags.i18n"})
    library = Library()
    library.tags.update(engine.template_libraries["i18n"].tags, translate=django_i18n.do_translate,
                        trans=django_i18n.do_translate)
    library.filters.update(engine.template_libraries["i18n"].filters)
    engine.template_libraries = {**engine.template_libraries, "i18n": library}
    return engine.from_string("{% load i18n %}" + source)


def ours(source: str):
    return engines["django"].from_string("{% load i18n %}" + source)


@pytest.mark.parametrize("source", TRANSLATIONS)
def test_a_translation_prints_as_djangos_in_every_language_on_every_render(source):
    template, reference = ours(source), djangos(source)
    for language in ("ko", "en", "ko", "en"):  # the same template object again: what it kept is per language
        for word in ("세대 목록", "알림"):
            with translation.override(language):
                assert template.render({"word": word}) == reference.render(Context({"word": word})), (language, word)


def test_a_literal_is_translated_once_per_language_and_a_variable_every_time():
    template = ours('{% translate "세대 목록" %}|{% translate word %}')
    with translation.override("en"):
        assert template.render({"word": "알림"}) == "Households|Notification"
        assert template.render({"word": "세대 목록"}) == "Households|Households"
    with translation.override("ko"):
        assert template.render({"word": "알림"}) == "세대 목록|알림"
    nodes = [n for n in template.template.nodelist if isinstance(n, ConstantTranslateNode)]
    assert [n.constant for n in nodes] == [True, False]
    assert set(nodes[0].rendered) == {("en", True), ("ko", True)}


@pytest.mark.parametrize("source", URLS)
def test_a_url_prints_as_djangos(source):
    template, reference = ours(source), djangos(source)
    for pk in (3, 41):
        assert template.render({"pk": pk}) == reference.render(Context({"pk": pk}))


def test_a_url_of_literals_is_reversed_once_and_one_with_a_variable_every_time():
    template = ours("{% url 'households:list' %}|{% url 'households:detail' pk %}")
    assert template.render({"pk": 3}) == "/households/|/households/3/"
    assert template.render({"pk": 41}) == "/households/|/households/41/"
    nodes = [n for n in template.template.nodelist if isinstance(n, ConstantURLNode)]
    assert [n.constant for n in nodes] == [True, False]
    assert len(nodes[0].reversed) == 1


def test_an_unknown_url_name_fails_as_djangos_does_every_time():
    template = ours("{% url 'nowhere' %}")
    for _ in range(2):
        with pytest.raises(NoReverseMatch):
            template.render({})


def test_a_url_follows_the_script_prefix_and_the_urlconf():
    template = ours("{% url 'households:detail' 7 %}")
    assert template.render({}) == "/households/7/"
    set_script_prefix("/district/")
    try:
        assert template.render({}) == "/district/households/7/"
    finally:
        set_script_prefix("/")
    with override_settings(ROOT_URLCONF=__name__):
        assert template.render({}) == "/elsewhere/7/"
        assert ours("{% url 'only-here' %}").render({}) == "/only-here/"
    assert template.render({}) == "/households/7/"
    with pytest.raises(NoReverseMatch):
        ours("{% url 'only-here' %}").render({})


def test_the_project_templates_use_them():
    engine = engines["django"].engine
    with_url = [library for library in engine.template_builtins if "url" in library.tags]
    assert with_url[-1].tags["url"].__module__ == "welfare.templatetags.constant_urls"
    i18n = engine.template_libraries["i18n"]
    assert i18n.tags["translate"] is i18n.tags["trans"] is constant_translations.do_translate
    # and the reference above is Django's own
    reference = djangos('{% translate "세대 목록" %}')
    assert reference.engine.template_libraries["i18n"].tags["translate"] is django_i18n.do_translate
    assert [type(node) for node in reference.nodelist[1:]] == [django_i18n.TranslateNode]
