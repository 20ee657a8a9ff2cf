"""The self-check form's POST for a golden case of policy/golden: ages on the case's date, as a family types."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jiuzhu.core.idcard import age_on
from jiuzhu.policy import casebook


def golden(program: str, name: str) -> dict[str, Any]:
    return next(c for c in casebook.load(f"{program}.yaml") if c["name"] == name)


def selfcheck_post(case: dict[str, Any], village_code: str) -> dict[str, Any]:
    hh = case["household"]
    on = case.get("date", casebook.DEFAULT_DATE)
    assets = hh.get("assets", {})
    data: dict[str, Any] = {
        "village": village_code,
        "area": hh["area"],
        "deposits": str(assets.get("deposits", "")),
        "vehicles": str(assets.get("vehicles", 0)),
        "homes": str(assets.get("homes", 1)),
        "business": "1" if assets.get("business") else "",
    }
    for i, m in enumerate(hh["members"]):
        birth = m["birth_date"] if isinstance(m["birth_date"], dt.date) else dt.date.fromisoformat(m["birth_date"])
        income = m.get("income", {})
        disability = m.get("disability", {})
        other = sum(income.get(k, 0) for k in ("business", "property", "transfer", "other"))
        data.update({
            f"m{i}-age": str(age_on(birth, on)),
            f"m{i}-labor": m.get("labor", "full"),
            f"m{i}-supporter": m.get("supporter", "capable"),
            f"m{i}-disability_kind": disability.get("kind", ""),
            f"m{i}-disability_grade": str(disability.get("grade", "")),
            f"m{i}-serious_illness": "1" if m.get("serious_illness") else "",
            f"m{i}-student": "1" if m.get("student") else "",
            f"m{i}-income_wage": str(income.get("wage", "")),
            f"m{i}-income_other": str(other or ""),
            f"m{i}-rigid_medical": "",
        })  # fmt: skip
    return data
