"""``{% field_one %}`` (welfare/templatetags/form_fields.py) writes a form field in Python for speed; it must be
what the template language drew from ``_field_one.html``, byte for byte: every widget kind, help texts, errors
and hostile labels, in Korean and English."""

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe

from households.forms import HouseholdForm, ResidentForm
from households.forms.visits import CheckInForm, FollowUpForm
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# templates/_field_one.html, included once per field before the tag replaced it.
REFERENCE = Template("""{# One field: a single check box before its label; a group of check boxes or radio buttons as a fieldset. #}
{% if field.widget_type == 'checkboxselectmultiple' or field.widget_type == 'radioselect' %}
<fieldset class="field choices{% if field.errors %} has-error{% endif %}"{% if field.help_text %} aria-describedby="{{ field.auto_id }}_help"{% endif %}>
  <legend>{{ field.label }}</legend>
  {{ field }}
  {% if field.help_text %}<small class="help" id="{{ field.auto_id }}_help">{{ field.help_text }}</small>{% endif %}
  {% for error in field.errors %}<p class="error">{{ error }}</p>{% endfor %}
</fieldset>
{% else %}
<div class="field{% if field.errors %} has-error{% endif %}{% if field.widget_type == 'checkbox' %} check{% endif %}">
  {% if field.widget_type == 'checkbox' %}{{ field }} {{ field.label_tag }}{% else %}{{ field.label_tag }} {{ field }}{% endif %}
  {% if field.help_text %}<small class="help" id="{{ field.auto_id }}_help">{{ field.help_text }}</small>{% endif %}
  {% for error in field.errors %}<p class="error">{{ error }}</p>{% endfor %}
</div>
{% endif %}
""")
TAG = Template("{% load form_fields %}{% field_one field %}")

CHOICES = [("a", "가 & 나"), ("b", "<b>다</b>")]


class EveryKind(forms.Form):
    text = forms.CharField(label='이름 <script>"x"</script>', help_text="A & B <i>도움말</i>", max_length=5)
    safe_help = forms.CharField(label="안전", help_text=mark_safe("<em>강조</em>"), required=False)
    number = forms.IntegerField(label="수", min_value=1)
    box = forms.BooleanField(label="확인 <동의>", help_text="체크", required=True)
    pick = forms.ChoiceField(label="고르기", choices=CHOICES)
    radio = forms.ChoiceField(label="라디오 & 선택", choices=CHOICES, widget=forms.RadioSelect, help_text="하나")
    boxes = forms.MultipleChoiceField(label="여럿", choices=CHOICES, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label="메모", widget=forms.Textarea, required=False)
    day = forms.DateField(label="날짜", widget=forms.DateInput(attrs={"type": "date"}), required=False)


def forms_to_draw():
    user = UserFactory(is_superuser=True)
    bad = {"text": "<너무 긴 값>", "number": "0", "pick": "z", "radio": "z", "boxes": ["z"], "day": "어제"}
    return [EveryKind(), EveryKind(data=bad), EveryKind(data={"text": "ok", "number": "3", "box": "on", "pick": "a",
                                                               "radio": "b", "boxes": ["a", "b"]}),
            HouseholdForm(user=user), HouseholdForm(data={}, user=user), ResidentForm(), ResidentForm(data={}),
            FollowUpForm(), CheckInForm(), CheckInForm(data={"at": "x"})]


@pytest.mark.parametrize("language", ["ko", "en"])
def test_the_tag_writes_what_the_template_drew(language):
    with translation.override(language):
        drawn = 0
        for form in forms_to_draw():
            form.is_bound and form.is_valid()
            for field in form.visible_fields():
                expected = REFERENCE.render(Context({"field": field}))
                assert TAG.render(Context({"field": field})) == expected, (type(form).__name__, field.name)
                drawn += 1
    assert drawn > 40


def test_hostile_values_are_escaped_and_errors_listed():
    form = EveryKind(data={"text": "<너무 긴 값>", "number": "0"})
    form.is_valid()
    html = TAG.render(Context({"field": form["text"]}))
    assert '&lt;script&gt;&quot;x&quot;&lt;/script&gt;' in html and "<script>" not in html
    assert 'class="field has-error"' in html and html.count('<p class="error">') == 1
    assert "A &amp; B &lt;i&gt;도움말&lt;/i&gt;" in html
    assert "<em>강조</em>" in TAG.render(Context({"field": form["safe_help"]}))
