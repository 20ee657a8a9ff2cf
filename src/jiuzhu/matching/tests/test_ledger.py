"""The findings ledger: idempotent runs, the workflow, its actions through the other apps, and scope."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from jiuzhu.cases.models import Case, Review
from jiuzhu.core.models import AuditEntry
from jiuzhu.matching.models import Finding, FindingStatus
from jiuzhu.matching.services.findings import IllegalFindingStep, finding_rectify, finding_step
from jiuzhu.matching.services.runs import run_execute
from jiuzhu.matching.tests.conftest import months_ago, person_row, years_ago
from jiuzhu.payments.models import Entitlement, EntitlementStatus


@pytest.fixture
def dead(family, entitle, load):
    hh = family(("张大山", years_ago(70)))
    entitle(hh)
    load("deaths", [person_row(hh.members.get(), death_date=months_ago(3).replace(day=10).isoformat())])
    return hh


def test_running_again_adds_nothing_while_a_finding_is_open(approver, dead):
    first = run_execute(actor=approver, rules=["dead_still_paid"])
    second = run_execute(actor=approver, rules=["dead_still_paid"])
    assert first.summary["dead_still_paid"] == {"found": 1, "new": 1}
    assert second.summary["dead_still_paid"] == {"found": 1, "new": 0}
    assert Finding.objects.count() == 1


def test_a_finding_judged_unfounded_is_not_raised_again(approver, caseworker_a, dead):
    run_execute(actor=approver, rules=["dead_still_paid"])
    finding = Finding.objects.get()
    with pytest.raises(ValidationError):
        finding_step(actor=caseworker_a, finding=finding, action="dismiss", note="")
    finding_step(actor=caseworker_a, finding=finding, action="dismiss", note="同名同生日，殡仪馆登记错误")
    run_execute(actor=approver, rules=["dead_still_paid"])
    assert Finding.objects.count() == 1
    assert Finding.objects.get().status == FindingStatus.UNFOUNDED


def test_recording_the_death_stops_payment_from_the_month_after_and_closes_the_finding(approver, caseworker_a, dead):
    run_execute(actor=approver, rules=["dead_still_paid"])
    finding = Finding.objects.get()
    finding_step(actor=caseworker_a, finding=finding, action="start")
    finding_step(actor=caseworker_a, finding=finding, action="confirm", note="入户核实，确已死亡")
    with pytest.raises(IllegalFindingStep):
        finding_step(actor=caseworker_a, finding=finding, action="confirm", note="again")
    finding_rectify(actor=caseworker_a, finding=finding, action="record_death", note="登记死亡并停发")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.RECTIFIED and finding.closed_at is not None
    ent = Entitlement.objects.get(household=dead)
    assert ent.status == EntitlementStatus.STOPPED
    assert ent.end_month == months_ago(3)  # the month of death is the last one paid
    assert [s.action for s in finding.steps.all()] == ["start", "confirm", "rectify"]
    assert AuditEntry.objects.filter(object_type="finding", object_id=str(finding.pk)).count() == 3


def test_stopping_is_the_county_s_and_opens_nothing_for_the_township(approver, caseworker_a, family, entitle):
    both = family(("沈双", years_ago(70)))
    dibao = entitle(both)
    entitle(both, program="tekun_dispersed", amount="600")
    run_execute(actor=approver, rules=["exclusive_programs"])
    finding = Finding.objects.get()
    finding_step(actor=caseworker_a, finding=finding, action="start")
    finding_step(actor=caseworker_a, finding=finding, action="confirm", note="属实")
    with pytest.raises(PermissionDenied):
        finding_rectify(actor=caseworker_a, finding=finding, action="stop", note="停低保")
    finding.refresh_from_db()
    assert finding.status == FindingStatus.CONFIRMED
    finding_rectify(actor=approver, finding=finding, action="review", note="复核")
    assert Review.objects.filter(entitlement=dibao).exists()


def test_applying_for_the_missed_subsidy_submits_a_case(approver, caseworker_a, family, entitle, load):
    poor = family(("陈残", years_ago(40)))
    entitle(poor)
    load("disability", [person_row(poor.members.get(), grade=3, cert_no="C1")])
    run_execute(actor=approver, rules=["disability_without_subsidy"])
    finding = Finding.objects.get()
    for action, note in (("start", ""), ("confirm", "持证属实")):
        finding_step(actor=caseworker_a, finding=finding, action=action, note=note)
    finding_rectify(actor=caseworker_a, finding=finding, action="apply", note="代为申请")
    case = Case.objects.get(household=poor)
    assert case.program == "canji_shenghuo"


def test_a_township_cannot_work_another_township_s_finding(approver, caseworker_b, dead):
    run_execute(actor=approver, rules=["dead_still_paid"])
    from django.http import Http404

    with pytest.raises(Http404):
        finding_step(actor=caseworker_b, finding=Finding.objects.get(), action="start")


def test_the_run_command_prints_the_summary(approver, dead):
    out = io.StringIO()
    call_command("match", "run", "--rules", "dead_still_paid,dead_member_counted", stdout=out)
    assert "dead_still_paid" in out.getvalue() and "新增 1" in out.getvalue()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="未知的比对规则"):
        call_command("match", "run", "--rules", "nonsense", stdout=io.StringIO())
