import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jiuzhu.core.models import AuditEntry
from jiuzhu.policy.models import Parameter
from jiuzhu.policy.rules import PARAMETER_SPECS
from jiuzhu.policy.selectors import parameter_value
from jiuzhu.policy.services import parameter_add, parameters_load_defaults


def test_loading_defaults_installs_every_key_once(county):
    created = parameters_load_defaults(region=county.county)
    assert created >= len(PARAMETER_SPECS)
    assert parameters_load_defaults(region=county.county) == 0
    assert set(Parameter.objects.values_list("key", flat=True)) == set(PARAMETER_SPECS)
    assert all(p.source for p in Parameter.objects.all())


def test_a_township_without_its_own_value_uses_the_county_value(county, admin):
    parameters_load_defaults(region=county.county)
    assert parameter_value("dibao.standard.urban", county.village_a1, dt.date(2025, 1, 1)) == Decimal("528")
    parameter_add(actor=admin, region=county.township_a, key="dibao.standard.urban", value="560",
                  effective_from=dt.date(2025, 1, 1), source="安文街道试点")  # fmt: skip
    assert parameter_value("dibao.standard.urban", county.village_a1, dt.date(2025, 1, 1)) == Decimal("560")
    assert parameter_value("dibao.standard.urban", county.village_b1, dt.date(2025, 1, 1)) == Decimal("528")


def test_raising_the_standard_keeps_the_history_and_is_audited(county, admin):
    parameters_load_defaults(region=county.county)
    parameter_add(actor=admin, region=county.county, key="dibao.standard.urban", value="600",
                  effective_from=dt.date(2025, 7, 1), source="县民〔2025〕8号")  # fmt: skip
    assert parameter_value("dibao.standard.urban", county.village_a1, dt.date(2025, 6, 30)) == Decimal("528")
    assert parameter_value("dibao.standard.urban", county.village_a1, dt.date(2025, 7, 1)) == Decimal("600")
    entry = AuditEntry.objects.filter(object_type="parameter").latest("seq")
    assert entry.actor_name == "admin" and "县民〔2025〕8号" in entry.summary


@pytest.mark.parametrize(
    ("key", "value", "source", "field"),
    [
        ("dibao.standard.urban", "abc", "文号", "value"),
        ("dibao.standard.urban", "-1", "文号", "value"),
        ("dibao.standard.urban", "528.123", "文号", "value"),
        ("dibao.rounding", "up", "文号", "value"),
        ("no.such.key", "1", "文号", "key"),
        ("dibao.standard.urban", "600", "  ", "source"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_written(county, admin, key, value, source, field):
    with pytest.raises(ValidationError) as info:
        parameter_add(actor=admin, region=county.county, key=key, value=value,
                      effective_from=dt.date(2025, 7, 1), source=source)  # fmt: skip
    assert field in info.value.message_dict
    assert not Parameter.objects.exists()


def test_a_second_value_on_the_same_date_is_refused(county, admin):
    kw = {"region": county.county, "key": "dibao.standard.urban", "effective_from": dt.date(2025, 7, 1)}
    kw["source"] = "文号"
    parameter_add(actor=admin, value="600", **kw)
    with pytest.raises(ValidationError):
        parameter_add(actor=admin, value="610", **kw)


def test_a_caseworker_may_not_change_parameters(county, caseworker_a):
    with pytest.raises(PermissionDenied):
        parameter_add(actor=caseworker_a, region=county.township_a, key="dibao.standard.urban", value="600",
                      effective_from=dt.date(2025, 7, 1), source="文号")  # fmt: skip
    assert not Parameter.objects.exists()
