"""The test run's templates refuse missing variables, so a page printing nothing where a value belongs fails."""

import pytest
from django.template import engines


def test_a_template_reading_a_missing_attribute_fails():
    template = engines["django"].from_string("<td>{{ person.get_self_care_display }}</td>")
    with pytest.raises(AssertionError, match=r"person\.get_self_care_display"):
        template.render({"person": object()})


def test_a_default_does_not_excuse_a_missing_attribute():
    template = engines["django"].from_string('{{ region.parent.name|default:"—" }}')
    with pytest.raises(AssertionError, match=r"region\.parent\.name"):
        template.render({"region": {"parent": None}})


def test_if_for_and_firstof_may_still_ask_about_what_is_missing():
    template = engines["django"].from_string(
        '{% if q.actor %}never{% endif %}{% for x in q.rows %}never{% endfor %}{% firstof q.actor "-" %}'
    )
    assert template.render({"q": {}}) == "-"
