"""``{% select_options %}``: the options of selects that share their choices (the triage queue's quick-resolve
form on every row), written once, each value and label escaped as Django's own select writes them."""

from __future__ import annotations

from django.template import Context, Template


def test_the_options_are_escaped_and_the_same_in_every_row():
    template = Template('{% load welfare_tags %}{% select_options choices as options %}'
                        '{% for row in rows %}<select name="s{{ row }}">{{ options }}</select>{% endfor %}')

    html = template.render(Context({"choices": [("dup", "중복"), ('"x"', "<b>&</b>")], "rows": [1, 2]}))

    options = '<option value="dup">중복</option><option value="&quot;x&quot;">&lt;b&gt;&amp;&lt;/b&gt;</option>'
    assert html == f'<select name="s1">{options}</select><select name="s2">{options}</select>'
