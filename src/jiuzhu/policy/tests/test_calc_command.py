import json

import pytest
from django.core.management import call_command

from jiuzhu.policy.rules import MONTHLY_PROGRAMS

HOUSEHOLD = {
    "id": "H1",
    "area": "urban",
    "assets": {"deposits": 1000, "vehicles": 0, "disability_vehicle": False, "homes": 1, "business": False},
    "members": [
        {"id": "M1", "relation": "self", "birth_date": "1980-01-01", "income": {"wage": 1041.67}},
        {"id": "M2", "relation": "spouse", "birth_date": "1982-01-01",
         "disability": {"kind": "physical", "grade": 1}, "labor": "none"},
        {"id": "M3", "relation": "son", "birth_date": "2000-01-01", "student": True},
    ],
}  # fmt: skip


def calc(tmp_path, capsys, data, *args):
    path = tmp_path / "in.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command("calc", str(path), *args)
    return json.loads(capsys.readouterr().out)


def test_it_prints_every_monthly_programme_for_every_household(tmp_path, capsys):
    out = calc(tmp_path, capsys, {"date": "2025-03-01", "households": [HOUSEHOLD]})
    h = out["households"][0]
    assert h["id"] == "H1" and h["class"] == "dibao" and h["per_capita_income"] == 312.5
    assert set(h["programs"]) == set(MONTHLY_PROGRAMS)
    dibao = h["programs"]["dibao_urban"]
    assert dibao["eligible"] is True and dibao["monthly"] == 753 and dibao["persons"] == ["M1", "M2", "M3"]
    assert h["programs"]["canji_huli"]["persons"] == ["M2"]


def test_parameter_overrides_in_the_file_apply(tmp_path, capsys):
    data = {"date": "2025-03-01", "parameters": {"dibao.standard.urban": 600}, "households": [HOUSEHOLD]}
    # 287.50 × 3 + 20 % of 600 = 982.50 → 983
    assert calc(tmp_path, capsys, data)["households"][0]["programs"]["dibao_urban"]["monthly"] == 983


def test_the_date_option_wins_over_the_file(tmp_path, capsys):
    member = {"id": "A", "birth_date": "1945-06-01"}
    data = {"date": "2025-01-01", "households": [{"id": 1, "area": "rural", "members": [member]}]}
    assert calc(tmp_path, capsys, data)["households"][0]["programs"]["gaoling"]["eligible"] is False
    later = calc(tmp_path, capsys, data, "--date", "2025-06-01")
    assert later["households"][0]["programs"]["gaoling"]["monthly"] == 50


@pytest.mark.parametrize(
    ("mutate", "needle"),
    [
        (
            lambda d: d["households"][0]["members"][1].update(income={"wage": "abc"}),
            "家庭 'H1' 成员 'M2' 字段 income.wage",
        ),
        (lambda d: d["households"][0]["members"][0].update(birth_date="1980-13-01"), "成员 'M1' 字段 birth_date"),
        (
            lambda d: d["households"][0]["members"][2].update(disability={"kind": "blind", "grade": 1}),
            "成员 'M3' 字段 disability.kind",
        ),
        (lambda d: d["households"][0].update(area="town"), "家庭 'H1' 字段 area"),
        (lambda d: d["households"][0]["assets"].update(vehicles=-1), "家庭 'H1' 字段 assets.vehicles"),
        (lambda d: d["households"][0]["members"][0].update(adl_impossible=7), "字段 adl_impossible"),
        (lambda d: d.update(parameters={"dibao.rounding": "up"}), "parameters.dibao.rounding"),
        (lambda d: d.update(parameters={"no.such.key": 1}), "parameters.no.such.key"),
    ],
)
def test_malformed_input_names_household_member_and_field_and_exits_2(tmp_path, capsys, mutate, needle):
    data = {"date": "2025-03-01", "households": [json.loads(json.dumps(HOUSEHOLD))]}
    mutate(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("calc", str(path))
    assert exit_info.value.code == 2
    assert needle in capsys.readouterr().err


def test_a_file_that_is_not_json_exits_2(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("calc", str(path))
    assert exit_info.value.code == 2
