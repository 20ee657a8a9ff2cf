"""The parameters as pages show them: labels, units and rounding modes through the translation catalogue."""

import re

from django.urls import reverse
from django.utils import translation

from jiuzhu.conftest import PASSWORD
from jiuzhu.policy.parameters import parameter_choices, parameter_label, parameter_shown, parameter_unit
from jiuzhu.policy.rules import PARAMETER_SPECS, ParameterError, parse_value
from jiuzhu.policy.rules.params import ROUNDING_LABELS
from jiuzhu.policy.services import parameters_load_defaults

CJK = re.compile(r"[\u4e00-\u9fff]")


# A row of the table: the label cell with the key under it, the value, the unit.
ROW = re.compile(
    r'<td>(?P<label>[^<]*)<div class="muted"[^>]*>(?P<key>[^<]+)</div></td>\s*'
    r'<td class="num[^"]*">(?P<value>.*?)</td>\s*<td[^>]*>(?P<unit>[^<]*)</td>',
    re.S,
)
OPTION = re.compile(r'<option value="(?P<key>[^"]+)"[^>]*>(?P<label>[^<]*)</option>')


def _page(client, county, **headers):
    parameters_load_defaults(region=county.county)
    assert client.login(username="admin", password=PASSWORD)
    response = client.get(reverse("policy:parameters"), **headers)
    assert response.status_code == 200
    html = response.content.decode()
    rows = {m["key"]: m for m in ROW.finditer(html)}
    assert list(rows) == list(PARAMETER_SPECS)
    options = {m["key"]: m["label"] for m in OPTION.finditer(html) if m["key"] in PARAMETER_SPECS}
    assert list(options) == list(PARAMETER_SPECS)
    return html, rows, options


def test_every_label_and_unit_has_an_english_translation():
    with translation.override("en"):
        for key, spec in PARAMETER_SPECS.items():
            assert parameter_label(key) != spec.label and not CJK.search(parameter_label(key)), key
            assert not CJK.search(parameter_unit(key)), key
        assert not any(CJK.search(label) for _, label in parameter_choices())
        assert {parameter_shown("dibao.rounding", r) for r in ROUNDING_LABELS} == {
            "Round up to the yuan",
            "Round to the nearest yuan",
            "Keep to the fen",
        }


def test_chinese_by_default_and_codes_outside_rounding_as_they_are():
    assert parameter_label("dibao.standard.urban") == "城市低保标准"
    assert parameter_unit("dibao.standard.urban") == "元/人/月"
    assert parameter_unit("dibao.rounding") == ""  # not gettext(""), the catalogue's header
    assert parameter_shown("dibao.rounding", "ceil_yuan") == "向上取整到元"
    assert parameter_shown("dibao.standard.urban", "560") == "560"
    assert parameter_label("no.such.key") == "no.such.key"


def test_the_rules_errors_keep_the_chinese_label_in_any_language():
    with translation.override("en"):
        try:
            parse_value("dibao.standard.urban", "六百")
        except ParameterError as exc:
            assert str(exc).startswith("城市低保标准应为数字")
        else:
            raise AssertionError("not a number, yet parsed")


def test_the_standards_page_in_english_shows_english_labels_only(client, county, admin):
    _, rows, options = _page(client, county, HTTP_ACCEPT_LANGUAGE="en")
    urban = rows["dibao.standard.urban"]
    assert (urban["label"], urban["unit"]) == ("Urban minimum living standard (dibao)", "yuan/person/month")
    assert rows["case.days.notice"]["label"] == "Time limit: public notice period"
    assert "<strong>Round up to the yuan</strong>" in rows["dibao.rounding"]["value"]
    # No Chinese in a label or a unit cell, nor in the add form's choices: the sources (document
    # references, data) may quote a label, so the page as a whole is not the test.
    assert not [k for k, m in rows.items() if CJK.search(m["label"] + m["unit"])]
    assert not [k for k, label in options.items() if CJK.search(label)]
    assert options["dibao.standard.urban"] == "Urban minimum living standard (dibao)（dibao.standard.urban）"


def test_the_standards_page_in_chinese_is_unchanged(client, county, admin):
    html, rows, options = _page(client, county)
    for key, spec in PARAMETER_SPECS.items():
        assert (rows[key]["label"], rows[key]["unit"]) == (spec.label, spec.unit)
        assert options[key] == f"{spec.label}（{key}）"
    assert "<strong>向上取整到元</strong>" in rows["dibao.rounding"]["value"]
    assert "ceil_yuan" not in rows["dibao.rounding"]["value"]
    assert "<strong>528</strong>" in rows["dibao.standard.urban"]["value"]
    assert "Urban minimum living standard" not in html
