"""The programmes as pages show them: names, labels and documents through the translation catalogue."""

from django.utils import translation

from jiuzhu.cases import checklists
from jiuzhu.policy.programs import checklist, program_choices, program_name, program_rows
from jiuzhu.policy.rules import PROGRAMS


def test_names_are_chinese_by_default_and_english_in_english():
    assert program_name("dibao_urban") == "城市最低生活保障"
    with translation.override("en"):
        assert program_name("dibao_urban") == "Urban minimum living allowance (dibao)"
        assert all(str(name) != p.name for p, (_, name) in zip(PROGRAMS, program_choices(), strict=True))
        row = program_rows()[0]
        assert (row["unit"], row["periodicity"]) == ("Per household", "Monthly")


def test_an_unknown_code_is_shown_as_it_is():
    assert program_name("nope") == "nope"


def test_what_payroll_pays_without_an_application_has_a_name_too():
    """The household page's ledger showed the yearly 资助参保 line as `zizhu_canbao`, in both languages."""
    assert program_name("zizhu_canbao") == "资助参保"
    with translation.override("en"):
        assert program_name("zizhu_canbao") == "Insurance subsidy"


def test_every_programme_asks_for_the_common_documents_and_its_own():
    kinds = [code for code, _ in checklist("ertong")]
    assert kinds == ["application", "id_cards", "authorization", "guardian", "parents", "other"]
    assert [code for code, _ in checklist("gaoling")] == ["application", "id_cards", "authorization", "other"]
    assert checklists.checklist is checklist
    with translation.override("en"):
        assert str(dict(checklist("canji_huli"))["disability_cert"]) != "残疾人证"
