"""The household list's rows are written in Python (``households/templatetags/household_rows.py``) for speed; they
must be what the template language drew, value for value and byte for byte, escaping included."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from households.models import Household
from tests.factories import HouseholdFactory, ResidentFactory, UserFactory

pytestmark = pytest.mark.django_db

# The rows as list.html drew them with the template language before they moved to Python.
TEMPLATE_ROWS = """{% load i18n welfare_tags %}{% for h in households %}
    <tr>
      <td><a href="{% url 'households:detail' h.pk %}">{{ h.head_name|default:_("(세대주 없음)") }}</a>{% if h.is_demo %} <span class="tag demo">DEMO</span>{% endif %}</td>
      <td>{{ h.full_address }}</td>
      <td>{{ h.dong.name }}</td>
      <td>{{ h.get_housing_type_display }}</td>
      <td><span class="risk risk-{{ h.risk_level }}">{{ h.get_risk_level_display }}</span></td>
      <td>{{ h.get_status_display }}</td>
      <td>{{ h.assigned_official|person }}</td>
      <td>{{ h.next_contact_on|date:"Y-m-d"|default:"—" }}</td>
    </tr>
{% endfor %}"""


@pytest.fixture
def households(dong):
    named = UserFactory(first_name="민수", last_name="김")
    bare = UserFactory(first_name="", last_name="", username="no<name>")
    hostile = HouseholdFactory(dong=dong, road_address='<script>alert("x")</script> 로 1', address_detail="A&B 101호",
                               risk_level="high", status="under_care", housing_type="semi_basement", is_demo=True,
                               assigned_official=named, next_contact_on=dt.date(2026, 12, 24))
    ResidentFactory(household=hostile, name='홍"길동"<b>')
    headless = HouseholdFactory(dong=dong, address_detail="", risk_level="low", assigned_official=bare)
    plain = HouseholdFactory(dong=dong, housing_type="gosiwon")
    ResidentFactory(household=plain, name="이영희")
    return [hostile.pk, headless.pk, plain.pk]


def as_instances(ids):
    """The households as the template drew them: model instances, head name annotated."""
    return list(Household.objects.filter(pk__in=ids).select_related("dong", "assigned_official")
                .with_head_name().order_by("pk"))


def as_rows(ids):
    """The households as the list reads them for the tag: plain named rows."""
    return list(Household.objects.filter(pk__in=ids).order_by("pk").as_list_rows())


@pytest.mark.parametrize("language", ["ko", "en"])
def test_rows_are_the_templates_byte_for_byte(households, language):
    with translation.override(language):
        expected = Template(TEMPLATE_ROWS).render(Context({"households": as_instances(households)}))
        written = Template("{% load household_rows %}{% household_rows households %}").render(
            Context({"households": as_rows(households)}))
    assert written == expected.lstrip("\n").replace("</tr>\n\n", "</tr>\n")


def test_rows_escape_every_value_and_link_each_household(households):
    with translation.override("ko"):
        html = Template("{% load household_rows %}{% household_rows households %}").render(
            Context({"households": as_rows(households)}))
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "홍&quot;길동&quot;&lt;b&gt;" in html and "A&amp;B 101호" in html and "no&lt;name&gt;" in html
    assert html.count("<tr>") == 3
    for pk in households:
        assert f'href="{reverse("households:detail", args=[pk])}"' in html
    assert '<span class="tag demo">DEMO</span>' in html and "2026-12-24" in html and "—" in html
    assert "(세대주 없음)" in html and '<span class="risk risk-high">' in html


def test_no_households_no_rows():
    assert Template("{% load household_rows %}{% household_rows households %}").render(
        Context({"households": []})) == ""
