"""The demo county's cross-checks: synthetic lists from eight departments, built from the demo registry with a
few planted anomalies of every rule among ordinary rows, written as files into the data dir and imported
through the real import path (one of them GBK, one xlsx); a run a month ago whose findings the township has
partly worked, and this month's run.

Deterministic for a seed. Plants are chosen among the county's 低保 households and persons; rows about people
the registry does not know (other counties' ID numbers) make up the rest of each list."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from jiuzhu.accounts.models import User
from jiuzhu.core import pii
from jiuzhu.core.idcard import make_id_number
from jiuzhu.matching.kinds import fields_of
from jiuzhu.matching.models import Finding
from jiuzhu.matching.rules import load_context
from jiuzhu.matching.rules.base import DIBAO
from jiuzhu.matching.services.datasets import dataset_import
from jiuzhu.matching.services.findings import finding_rectify, finding_step
from jiuzhu.matching.services.runs import run_execute
from jiuzhu.payments import services as payments
from jiuzhu.payments.models import Entitlement
from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Person
from jiuzhu.registry.services import person_update

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
_GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "霞")
_OTHER_COUNTIES = (("330724", "东阳市"), ("330782", "义乌市"), ("330726", "浦江县"), ("331081", "温岭市"))


@dataclass
class MatchingSeed:
    datasets: int = 0
    findings: int = 0
    closed: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)


@dataclass
class _Plan:
    """The registry as the lists are built from it, and the rng."""

    rng: random.Random
    persons: pl.DataFrame  # person_id, household_id, name, birth_date, sex, id_number, disability_grade
    dibao: pl.DataFrame  # person_id, household_id, entitlement_id of 低保 paying now
    used: set[int] = field(default_factory=set)
    # The demo caseworkers' townships: every other plant lies there, so their ledgers have work to show.
    prefer: tuple[str, ...] = ()

    def pick(self, frame: pl.DataFrame, n: int) -> list[dict[str, Any]]:
        rows = [r for r in frame.iter_rows(named=True) if r["person_id"] not in self.used]
        near = [r for r in rows if r["region_code"].startswith(self.prefer)] if self.prefer else []
        chosen = self.rng.sample(near, min((n + 1) // 2, len(near)))
        rest = [r for r in rows if r not in chosen]
        chosen += self.rng.sample(rest, min(n - len(chosen), len(rest)))
        self.used.update(r["person_id"] for r in chosen)
        return chosen

    def stranger(self) -> dict[str, Any]:
        """Someone from another county: a valid ID number the registry does not hold."""
        code, _name = self.rng.choice(_OTHER_COUNTIES)
        birth = dt.date(self.rng.randint(1940, 2000), self.rng.randint(1, 12), self.rng.randint(1, 28))
        male = self.rng.random() < 0.5
        return {
            "name": self.rng.choice(_SURNAMES) + "".join(self.rng.sample(_GIVEN, self.rng.randint(1, 2))),
            "id_number": make_id_number(code, birth, self.rng.randint(1, 499), male=male),
            "gender": "男" if male else "女",
            "birth_date": birth.isoformat(),
        }


def _row(p: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": p["name"], "id_number": p["id_number"], "gender": "男" if p["sex"] == "M" else "女",
            "birth_date": p["birth_date"].isoformat(), **extra}  # fmt: skip


def _write(path: Path, kind: str, rows: list[dict[str, Any]], *, encoding: str = "utf-8") -> Path:
    labels = {f.name: f.label for f in fields_of(kind)}
    names = [f.name for f in fields_of(kind) if any(f.name in r for r in rows)]
    table = [[labels[n] for n in names], *[["" if r.get(n) is None else str(r[n]) for n in names] for r in rows]]
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".xlsx":
        wb = Workbook()
        for line in table:
            wb.active.append(line)  # type: ignore[union-attr]
        wb.save(path)
    else:
        buf = io.StringIO()
        csv.writer(buf).writerows(table)
        path.write_bytes(buf.getvalue().encode(encoding))
    return path


def _lists(plan: _Plan, today: dt.date) -> dict[str, tuple[str, str, list[dict[str, Any]]]]:
    """kind → (source, file name, rows)."""
    rng, p = plan.rng, plan.persons
    dibao_people = p.join(plan.dibao.select("person_id"), on="person_id")
    others = p.join(plan.dibao.select("person_id"), on="person_id", how="anti")
    month = today.replace(day=1)

    def died(months: int) -> str:
        return (month - dt.timedelta(days=30 * months - rng.randint(1, 20))).isoformat()

    deaths = [_row(r, death_date=died(rng.randint(3, 5)), record_kind="火化") for r in plan.pick(dibao_people, 3)]
    deaths += [_row(r, death_date=died(2), record_kind="户籍注销") for r in plan.pick(others, 2)]
    no_id = plan.pick(dibao_people, 1)  # the hospital wrote no ID number: linked on name and birth date
    deaths += [{**_row(r, death_date=died(1), record_kind="火化"), "id_number": ""} for r in no_id]
    deaths += [{**plan.stranger(), "death_date": died(rng.randint(1, 4)), "record_kind": "火化"} for _ in range(25)]

    near = pl.col("region_code").str.starts_with(plan.prefer[0]) if plan.prefer else pl.lit(False)
    households = (
        dibao_people.group_by("household_id")
        .agg(pl.col("person_id"), near.any().alias("near"))
        .sort("near", "household_id", descending=[True, False])
    )
    poverty = []
    for i, hh in enumerate(households.head(6).iter_rows(named=True)):
        members = p.filter(pl.col("person_id").is_in(hh["person_id"]))
        number = f"3307271{i:05d}"
        poverty += [_row(r, household_no=number, status="脱贫不稳定户") for r in members.iter_rows(named=True)]
        if i < 2:  # a son away for work, counted by the poverty register, left out of 低保 (保人不保户)
            poverty.append({**plan.stranger(), "household_no": number, "relation": "子", "status": "脱贫不稳定户"})
    poverty += [{**plan.stranger(), "household_no": f"3307249{i:05d}", "status": "监测户"} for i in range(10)]

    disabled = p.filter(pl.col("disability_grade").is_not_null())
    disability = [
        _row(r, cert_no=f"3307{r['person_id']:014d}", disability_kind="肢体残疾", grade=r["disability_grade"],
             issued_on="2019-05-20")
        for r in plan.pick(disabled, 10)
    ] + [{**plan.stranger(), "cert_no": f"3307240{i:011d}", "grade": rng.randint(1, 4)} for i in range(15)]  # fmt: skip

    vehicles = [_row(r, plate=f"浙G{rng.randint(10000, 99999)}", vehicle_type="小型轿车", registered_on="2021-03-02")
                for r in plan.pick(dibao_people, 2)]  # fmt: skip
    vehicles += [_row(r, plate=f"浙G{rng.randint(10000, 99999)}", vehicle_type="残疾人专用车", disability_vehicle="是")
                 for r in plan.pick(dibao_people, 1)]  # fmt: skip
    vehicles += [
        _row(r, plate=f"浙G{rng.randint(10000, 99999)}", vehicle_type="小型轿车") for r in plan.pick(others, 20)
    ]

    business = [_row(r, company=f"磐安县{r['name']}农家乐", credit_code=f"92330727MA{rng.randint(10**7, 10**8 - 1)}",
                     status="存续") for r in plan.pick(dibao_people, 2)]  # fmt: skip
    business += [_row(r, company=f"磐安县{r['name']}小吃店", status="已注销") for r in plan.pick(dibao_people, 1)]
    business += [_row(r, company=f"{r['name']}商行", status="存续") for r in plan.pick(others, 15)]

    two_homes = plan.pick(dibao_people, 1)
    estate = [_row(r, cert_no=f"浙(2020)磐安县不动产权第{rng.randint(10**6, 10**7)}号", location=loc)
              for r in two_homes for loc in ("安文街道新城路 8 号", "尖山镇管头村 21 号")]  # fmt: skip
    estate += [_row(r, cert_no=f"浙(2019)磐安县不动产权第{rng.randint(10**6, 10**7)}号", location="农村宅基地")
               for r in plan.pick(others, 20)]  # fmt: skip

    elderly = p.filter(pl.col("birth_date") < dt.date(today.year - 60, 1, 1))
    pensions = [_row(r, insurance="城乡居民基本养老保险", monthly_amount=f"{rng.randint(180, 260)}.00")
                for r in plan.pick(elderly, 20)]  # fmt: skip

    payroll = [_row(r, employer="磐安县某镇人民政府", monthly_salary="5230.00") for r in plan.pick(dibao_people, 1)]
    payroll += [{**plan.stranger(), "employer": "磐安县教育局", "monthly_salary": "6100.00"} for _ in range(10)]

    rolls = [_row(r, program="农村低保", roll_region=rng.choice(_OTHER_COUNTIES)[1], start_month="2023-01-01")
             for r in plan.pick(dibao_people, 2)]  # fmt: skip
    rolls += [{**plan.stranger(), "program": "农村低保", "roll_region": "东阳市"} for _ in range(15)]
    return {
        "deaths": ("县殡仪馆", "殡仪馆火化名单.csv", deaths),
        "poverty": ("县农业农村局", "防返贫监测对象.xlsx", poverty),
        "disability": ("县残联", "残疾人证名单.csv", disability),
        "vehicles": ("县公安局交警大队", "机动车登记.csv", vehicles),
        "business": ("县市场监管局", "市场主体登记.csv", business),
        "real_estate": ("县自然资源局", "不动产登记.csv", estate),
        "pensions": ("县人力社保局", "养老金领取名单.csv", pensions),
        "payroll": ("县财政局", "财政供养人员.csv", payroll),
        "other_rolls": ("市民政局", "外县救助对象名册.csv", rolls),
    }


def _registry_plants(plan: _Plan, *, approver: User, admin: User, today: dt.date) -> None:
    """The anomalies the registry and the entitlements hold by themselves."""
    dibao_people = plan.persons.join(plan.dibao, on="person_id")
    for r in plan.pick(dibao_people, 1):  # also 特困: two programmes that exclude each other
        person = Person.objects.select_related("household").get(pk=r["person_id"])
        start = today.replace(day=1) - dt.timedelta(days=150)
        payments.entitlement_create(actor=approver, household=person.household, program="tekun_dispersed",
                                    persons=[person], monthly_amount=Decimal("680.00"), start_month=start,
                                    reason="演示：特困供养")  # fmt: skip
    for r in plan.pick(dibao_people, 1):  # a 渐退期 set five months ago for two months, paid on since
        ent = Entitlement.objects.get(pk=r["entitlement_id"])
        payments.entitlement_gradual_exit(actor=approver, entitlement=ent, months=2, reason="演示：就业增收",
                                          on=today - dt.timedelta(days=150))  # fmt: skip
    for r in plan.pick(plan.persons, 1):  # a legacy record whose check digit is wrong
        wrong = r["id_number"][:17] + ("0" if r["id_number"][17] != "0" else "1")
        Person.objects.filter(pk=r["person_id"]).update(id_number_enc=pii.encrypt(wrong))
    others = plan.persons.join(plan.dibao, on="person_id", how="anti")
    for r, other in zip(plan.pick(dibao_people, 1), plan.pick(others, 1), strict=False):
        # Registered a second time in another household under a mistyped number: a duplicate.
        person = Person.objects.get(pk=other["person_id"])
        number = make_id_number("330727", r["birth_date"], 498, male=r["sex"] == "M")
        try:
            person_update(actor=admin, person=person, name=r["name"], id_number=number)
        except ValidationError:
            continue


def _work(findings: list[Finding], *, caseworkers: list[User]) -> int:
    """The townships work last month's findings: some confirmed and corrected, some unfounded, some begun."""
    closed, dismissed = 0, 0
    for i, f in enumerate(findings):
        actor = next((u for u in caseworkers if f.region_code.startswith(u.scope_prefix or "-")), None)
        if actor is None:
            continue
        try:
            if f.rule == "dead_still_paid":
                finding_step(actor=actor, finding=f, action="start")
                finding_step(actor=actor, finding=f, action="confirm", note="入户核实，殡仪馆火化证明属实")
                finding_rectify(actor=actor, finding=f, action="record_death", note="登记死亡，次月停发，多发金额扣回")
                closed += 1
            elif f.rule == "disability_without_subsidy":
                finding_step(actor=actor, finding=f, action="start")
                finding_step(actor=actor, finding=f, action="confirm", note="持证属实，未申请补贴")
                finding_rectify(actor=actor, finding=f, action="apply", note="代为申请困难残疾人生活补贴")
                closed += 1
            elif f.rule == "elderly_without_subsidy" and dismissed < 4 and i % 3 == 0:
                finding_step(actor=actor, finding=f, action="dismiss", note="已于上月提交老年人补贴申请，待审批")
                closed, dismissed = closed + 1, dismissed + 1
            elif f.rule in ("vehicle_in_dibao", "business_in_dibao", "baoren_buhao"):
                finding_step(actor=actor, finding=f, action="start")
        except (ValidationError, PermissionDenied):
            continue
    return closed


def matching_seed(*, county: Region, today: dt.date, seed: int = 0) -> MatchingSeed:
    """Lists, imports, a run a month ago partly worked, and this month's run."""
    approver = User.objects.get(username="approver")
    admin = User.objects.get(username="admin")
    ctx = load_context(prefix=county.code[:6], today=today)
    ids = ctx.id_numbers()
    persons = (
        ctx.persons.filter(pl.col("date_of_death").is_null())
        .join(ids, on="person_id")
        .select(
            "person_id", "household_id", "region_code", "name", "birth_date", "sex", "id_number", "disability_grade"
        )
    )
    dibao = ctx.coverage(DIBAO).select("person_id", "entitlement_id")
    caseworkers = list(User.objects.filter(username__in=["caseworker", "caseworker2"]).select_related("region"))
    prefer = tuple(u.scope_prefix for u in caseworkers if u.scope_prefix)
    plan = _Plan(random.Random(seed), persons, dibao, prefer=prefer)
    report = MatchingSeed()
    _registry_plants(plan, approver=approver, admin=admin, today=today)
    folder = Path(settings.DATA_DIR) / "demo" / "lists"
    for kind, (source, filename, rows) in _lists(plan, today).items():
        path = _write(folder / filename, kind, rows, encoding="gbk" if kind == "deaths" else "utf-8")
        dataset_import(actor=approver, kind=kind, source=source, data=path.read_bytes(), filename=filename,
                       received_on=today - dt.timedelta(days=35))  # fmt: skip
        report.datasets += 1
    earlier = run_execute(actor=approver, today=today - dt.timedelta(days=30))
    report.closed = _work(list(Finding.objects.filter(run=earlier).order_by("id")), caseworkers=caseworkers)
    run_execute(actor=approver, today=today)
    report.findings = Finding.objects.count()
    for rule in Finding.objects.values_list("rule", flat=True):
        report.by_rule[rule] = report.by_rule.get(rule, 0) + 1
    return report
