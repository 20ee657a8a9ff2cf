import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from jiuzhu.cases import selectors, services
from jiuzhu.cases.models import Case, ReserveFundEntry, Review, ReviewKind, Status
from jiuzhu.cases.tests.conftest import TODAY, at_state
from jiuzhu.core import holidays as core_holidays
from jiuzhu.payments.models import Entitlement, EntitlementStatus
from jiuzhu.registry.models import Person

D = dt.date.fromisoformat


def walk_to_notice(case, caseworker_a, head_a, *, start):
    """The whole township part of the procedure, dated so that the notice has ended before TODAY."""
    d0 = start
    services.case_accept(actor=caseworker_a, case=case, on=d0)
    services.case_investigate(
        actor=caseworker_a,
        case=case,
        visit_date=d0 + dt.timedelta(days=1),
        investigators=["张磊", "李芳"],
        findings="家中无劳动力",
        family_confirmed=True,
        on=d0 + dt.timedelta(days=1),
    )
    services.case_request_check(actor=caseworker_a, case=case, on=d0 + dt.timedelta(days=2))
    services.case_record_check(
        actor=caseworker_a, case=case, result="无车辆房产", passed=True, on=d0 + dt.timedelta(days=3)
    )
    services.case_township_opinion(
        actor=head_a, case=case, recommend=True, text="建议纳入", on=d0 + dt.timedelta(days=4)
    )
    services.case_publish_notice(
        actor=caseworker_a, case=case, start_date=d0 + dt.timedelta(days=5), on=d0 + dt.timedelta(days=5)
    )
    return Case.objects.get(pk=case.pk)


def test_the_whole_dibao_path_ends_with_an_entitlement_from_next_month(new_case, caseworker_a, head_a, approver):
    case = walk_to_notice(new_case(), caseworker_a, head_a, start=D("2025-05-19"))
    assert case.status == Status.NOTICE
    notice = case.notice_entries.get().notice
    assert (notice.start_date, notice.end_date) == (D("2025-05-24"), D("2025-05-30"))
    assert case.notice_entries.get().masked_name == "王*国"
    assert case.notice_entries.get().household_size == 3
    case = services.case_confirm(actor=approver, case=case, on=D("2025-06-03"))
    assert case.status == Status.APPROVED
    assert case.computed_amount and case.computed_amount > 0 and case.approved_amount == case.computed_amount
    assert any("低保标准" in line for line in case.engine_lines)
    ent = Entitlement.objects.get(source_case=case)
    assert ent.start_month == D("2025-07-01")
    assert ent.monthly_amount == case.approved_amount
    assert ent.persons.count() == 3
    review = Review.objects.get(entitlement=ent)
    assert review.due_date == D("2026-06-03")


def test_confirmation_waits_for_the_end_of_the_notice(new_case, caseworker_a, head_a, approver):
    case = walk_to_notice(new_case(), caseworker_a, head_a, start=D("2025-05-19"))
    with pytest.raises(services.IllegalStep, match="公示期"):
        services.case_confirm(actor=approver, case=case, on=D("2025-05-30"))
    assert Case.objects.get(pk=case.pk).status == Status.NOTICE


def test_the_author_of_the_township_opinion_cannot_confirm(new_case, approver):
    case = at_state(new_case(), Status.NOTICE, opinion_by=approver)
    with pytest.raises(PermissionDenied, match="不能同时"):
        services.case_confirm(actor=approver, case=case, on=TODAY)
    with pytest.raises(PermissionDenied):
        services.case_refuse(actor=approver, case=case, reasons="不符合", on=TODAY)
    assert Case.objects.get(pk=case.pk).status == Status.NOTICE


def test_overriding_the_computed_amount_needs_a_reason(new_case, head_a, approver):
    case = at_state(new_case(), Status.NOTICE, opinion_by=head_a)
    with pytest.raises(ValidationError) as exc:
        services.case_confirm(actor=approver, case=case, amount=Decimal("1.00"), on=TODAY)
    assert "override_reason" in exc.value.message_dict
    case = services.case_confirm(
        actor=approver, case=case, amount=Decimal("500.00"), override_reason="申请人自愿按 500 元领取", on=TODAY
    )
    assert case.approved_amount == Decimal("500.00") and case.computed_amount != Decimal("500.00")


def test_refusal_needs_written_reasons(new_case, head_a, approver):
    case = at_state(new_case(), Status.NOTICE, opinion_by=head_a)
    with pytest.raises(ValidationError):
        services.case_refuse(actor=approver, case=case, reasons="  ", on=TODAY)
    case = services.case_refuse(actor=approver, case=case, reasons="家庭人均收入高于低保标准", on=TODAY)
    assert case.status == Status.REFUSED
    assert selectors.refusal_notify_due(case) == D("2025-06-13")
    assert not Entitlement.objects.exists()


def test_two_investigators_and_the_familys_signature_are_required(new_case, caseworker_a):
    case = services.case_accept(actor=caseworker_a, case=new_case(), on=TODAY)
    with pytest.raises(ValidationError) as exc:
        services.case_investigate(
            actor=caseworker_a,
            case=case,
            visit_date=TODAY,
            investigators=["张磊", " "],
            findings="x",
            family_confirmed=False,
            on=TODAY,
        )
    assert {"investigators", "family_confirmed"} <= set(exc.value.message_dict)
    assert Case.objects.get(pk=case.pk).status == Status.ACCEPTED


def test_a_staff_relatives_application_is_flagged_and_investigated_by_the_county(new_case, caseworker_a, approver):
    case = new_case(staff_relative=True, staff_relative_note="申请人系村支书之父")
    case = services.case_accept(actor=caseworker_a, case=case, on=TODAY)
    with pytest.raises(PermissionDenied, match="县级"):
        services.case_investigate(
            actor=caseworker_a,
            case=case,
            visit_date=TODAY,
            investigators=["甲", "乙"],
            findings="x",
            family_confirmed=True,
            on=TODAY,
        )
    case = services.case_investigate(
        actor=approver,
        case=case,
        visit_date=TODAY,
        investigators=["县甲", "县乙"],
        findings="属实",
        family_confirmed=True,
        on=TODAY,
    )
    assert case.status == Status.INVESTIGATED


def test_a_staff_relative_flag_needs_the_relationship_written(new_case):
    with pytest.raises(ValidationError):
        new_case(staff_relative=True)


def test_one_open_application_per_household_and_programme(new_case):
    new_case()
    with pytest.raises(ValidationError):
        new_case()


def test_deadlines_count_working_days_across_national_day(new_case, caseworker_a):
    case = services.case_accept(actor=caseworker_a, case=new_case(), on=D("2025-09-30"))
    assert case.due_date == D("2025-10-11")  # 3 working days: 10-09, 10-10, Saturday 10-11
    assert case.overall_due == D("2025-11-18")  # 30 working days: 3 in Oct 9-11, then 27 weekdays


def test_an_objection_extends_the_overall_limit_and_leads_to_a_new_notice(new_case, caseworker_a, head_a):
    case = at_state(new_case(), Status.NOTICE, opinion_by=head_a)
    case = services.case_record_objection(actor=caseworker_a, case=case, content="该户有轿车", on=TODAY)
    assert case.status == Status.OBJECTED and case.extended
    case = services.case_resolve_objection(
        actor=caseworker_a, case=case, resolution="democratic_review", text="经民主评议，车辆为残疾人代步车", on=TODAY
    )
    assert case.status == Status.TOWNSHIP_DONE
    case = services.case_publish_notice(actor=caseworker_a, case=case, start_date=TODAY, on=TODAY)
    assert case.notice_entries.count() == 2


def test_reinvestigation_after_an_objection_goes_back_to_the_home_visit(new_case, caseworker_a, head_a):
    case = at_state(new_case(), Status.OBJECTED, opinion_by=head_a)
    case = services.case_resolve_objection(
        actor=caseworker_a, case=case, resolution="reinvestigate", text="重新入户", on=TODAY
    )
    assert case.status == Status.ACCEPTED


def test_a_notice_batch_makes_one_notice_per_village(county, make_household, clerk_a, caseworker_a, head_a):
    from jiuzhu.registry.models import Relation

    cases = []
    for village, name in ((county.village_a1, "赵大海"), (county.village_a1, "钱小红"), (county.village_a2, "孙力")):
        hh = make_household(village, [(name, D("1950-01-01"), Relation.SELF, {})])
        c = services.case_submit(
            actor=caseworker_a, household=hh, program="dibao_urban", applicant=hh.members.get(), on=TODAY
        )
        cases.append(at_state(c, Status.TOWNSHIP_DONE, opinion_by=head_a))
    notices = services.notice_publish(actor=caseworker_a, cases=cases, start_date=TODAY, on=TODAY)
    assert sorted(n.entries.count() for n in notices) == [1, 2]
    assert {e.masked_name for n in notices for e in n.entries.all()} == {"赵*海", "钱*红", "孙*"}


def test_emergency_aid_is_paid_from_the_reserve_within_the_cap(new_case, county, caseworker_a, approver):
    case = new_case(program="linshi", linshi_kind="emergency")
    with pytest.raises(ValidationError, match="余额"):
        services.case_emergency_pay(actor=caseworker_a, case=case, amount=Decimal("1500"), on=TODAY)
    services.reserve_fund_topup(actor=approver, township=county.township_a, amount=Decimal("5000"), on=TODAY)
    with pytest.raises(ValidationError, match="额度"):
        services.case_emergency_pay(actor=caseworker_a, case=case, amount=Decimal("2500"), on=TODAY)
    case = services.case_emergency_pay(actor=caseworker_a, case=case, amount=Decimal("1500"), on=TODAY)
    assert selectors.reserve_balance(township_code=county.township_a.code) == Decimal("3500")
    assert ReserveFundEntry.objects.filter(case=case).get().amount == Decimal("-1500")
    with pytest.raises(services.IllegalStep):
        services.case_emergency_pay(actor=caseworker_a, case=case, amount=Decimal("10"), on=TODAY)


def test_expense_type_temporary_aid_cannot_be_paid_first(new_case, caseworker_a):
    case = new_case(program="linshi", linshi_kind="expense")
    with pytest.raises(services.IllegalStep):
        services.case_emergency_pay(actor=caseworker_a, case=case, amount=Decimal("100"), on=TODAY)


def test_single_person_dibao_covers_only_the_applicant(county, make_household, clerk_a, head_a, approver):
    from jiuzhu.registry.models import Relation

    hh = make_household(
        county.village_a1,
        [
            ("周强", D("1975-03-01"), Relation.SELF, {"income_wage": Decimal("1400")}),
            (
                "周丽",
                D("2000-05-05"),
                Relation.DAUGHTER,
                {"disability_kind": "intellectual", "disability_grade": 2, "labor": "none"},
            ),
        ],
    )
    daughter = hh.members.get(name="周丽")
    case = services.case_submit(
        actor=clerk_a, household=hh, program="dibao_urban", applicant=daughter, single_person=True, on=TODAY
    )
    case = at_state(case, Status.NOTICE, opinion_by=head_a)
    result = services.engine_for_case(case=case, on=TODAY)
    assert result.eligible
    case = services.case_confirm(actor=approver, case=case, on=TODAY)
    assert list(Entitlement.objects.get(source_case=case).persons.all()) == [daughter]
    assert any("单人保" in line for line in result.lines)


def test_tekun_self_care_assessment_sets_the_tier(county, make_household, clerk_a, caseworker_a):
    from jiuzhu.registry.models import Relation

    hh = make_household(
        county.village_a2, [("吴老汉", D("1940-01-01"), Relation.SELF, {"labor": "none", "supporter": "none"})]
    )
    person = hh.members.get()
    case = services.case_submit(
        actor=clerk_a.__class__.objects.get(username="caseworker_a"),
        household=hh,
        program="tekun_dispersed",
        applicant=person,
        on=TODAY,
    )
    can = {"eating": True, "dressing": False, "transfer": False, "toileting": False, "walking": False, "bathing": True}
    a = services.case_assess_self_care(
        actor=caseworker_a, case=case, person=person, can_do=can, assessors=["甲", "乙"], assessed_on=TODAY
    )
    assert a.impossible == 4
    with_assessment = services.engine_for_case(case=case, on=TODAY)
    assert with_assessment.program == "tekun_dispersed"


def test_uploads_are_checked_by_type_size_and_content(new_case, clerk_a, settings):
    case = new_case()
    fake = SimpleUploadedFile("申请书.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="不符"):
        services.case_document_add(actor=clerk_a, case=case, kind="application", upload=fake)
    exe = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError, match="PDF"):
        services.case_document_add(actor=clerk_a, case=case, kind="application", upload=exe)
    ok = SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 hello", content_type="application/pdf")
    doc = services.case_document_add(actor=clerk_a, case=case, kind="application", upload=ok)
    assert doc.file.name.startswith(f"cases/{case.pk}/") and doc.original_name == "申请书.pdf"
    assert (settings.MEDIA_ROOT / doc.file.name).exists()


def approved_case(new_case, head_a, approver, on=TODAY):
    case = at_state(new_case(), Status.NOTICE, opinion_by=head_a)
    return services.case_confirm(actor=approver, case=case, on=on)


def test_review_outcomes_take_effect_next_month(new_case, head_a, approver, caseworker_a):
    case = approved_case(new_case, head_a, approver)
    ent = Entitlement.objects.get(source_case=case)
    review = ent.reviews.get()
    with pytest.raises(PermissionDenied):
        services.review_record(actor=caseworker_a, review=review, outcome="stop", reasons="外出务工", on=TODAY)
    services.review_record(
        actor=approver,
        review=review,
        outcome="change",
        reasons="孙子成年就业",
        new_amount=Decimal("300"),
        on=D("2025-08-20"),
    )
    ent.refresh_from_db()
    assert ent.end_month == D("2025-08-01") and ent.status == EntitlementStatus.STOPPED
    new = Entitlement.objects.get(previous=ent)
    assert new.start_month == D("2025-09-01") and new.monthly_amount == Decimal("300")
    nxt = new.reviews.get()
    services.review_record(
        actor=approver, review=nxt, outcome="gradual_exit", reasons="收入超标", exit_months=6, on=D("2025-10-05")
    )
    new.refresh_from_db()
    assert new.gradual_exit and new.end_month == D("2026-04-01")
    assert not new.pays_in(D("2026-05-01")) and new.pays_in(D("2026-04-01"))


def test_gradual_exit_is_at_most_six_months(new_case, head_a, approver):
    case = approved_case(new_case, head_a, approver)
    review = Entitlement.objects.get(source_case=case).reviews.get()
    with pytest.raises(ValidationError):
        services.review_record(
            actor=approver, review=review, outcome="gradual_exit", reasons="x", exit_months=7, on=TODAY
        )


def test_a_recorded_death_creates_one_recheck_due_within_three_months(new_case, head_a, approver, dibao_household):
    case = approved_case(new_case, head_a, approver)
    person = dibao_household.members.get(name="刘桂英")
    Person.objects.filter(pk=person.pk).update(date_of_death=D("2025-07-02"))
    person.refresh_from_db()
    reviews = services.recheck_on_death(person=person, on=D("2025-07-05"))
    assert [(r.kind, r.due_date) for r in reviews] == [(ReviewKind.DEATH, D("2025-10-05"))]
    assert services.recheck_on_death(person=person, on=D("2025-07-06")) == []
    assert Entitlement.objects.get(source_case=case).reviews.count() == 2


def test_review_interval_is_six_months_for_irregular_income_with_capable_members(county, make_household, clerk_a):
    from jiuzhu.registry.models import Relation

    hh = make_household(county.village_a1, [("郑工", D("1985-01-01"), Relation.SELF, {"labor": "full"})])
    case = services.case_submit(
        actor=clerk_a, household=hh, program="dibao_urban", applicant=hh.members.get(), on=TODAY
    )
    case.income_irregular = True
    assert selectors.review_interval_months(case=case, on=TODAY) == 6
    case.income_irregular = False
    assert selectors.review_interval_months(case=case, on=TODAY) == 12


def test_holiday_overrides_are_the_admins(admin, caseworker_a):
    with pytest.raises(PermissionDenied):
        core_holidays.holiday_override_set(actor=caseworker_a, date=D("2027-10-01"), is_workday=False)
    core_holidays.holiday_override_set(actor=admin, date=D("2027-10-01"), is_workday=False, note="国庆节")
    from jiuzhu.core.workdays import is_workday

    assert not is_workday(D("2027-10-01"))
    core_holidays.holiday_override_delete(actor=admin, date=D("2027-10-01"))


@pytest.mark.parametrize(
    ("amount", "problem"),
    [
        (Decimal("35406163257043984"), "超出可记录的范围"),  # found by fuzzing the API: every later read failed
        (Decimal("NaN"), "应为数字"),
        (Decimal("Infinity"), "应为数字"),
        (Decimal("-1"), "不能为负数"),
        (Decimal("12.345"), "两位小数"),
    ],
)
def test_an_amount_that_cannot_be_money_is_refused_and_nothing_is_decided(new_case, head_a, approver, amount, problem):
    case = at_state(new_case(), Status.NOTICE, opinion_by=head_a)
    with pytest.raises(ValidationError) as exc:
        services.case_confirm(actor=approver, case=case, amount=amount, override_reason="核定", on=TODAY)
    assert problem in exc.value.message_dict["amount"][0]
    assert Case.objects.get(pk=case.pk).status == Status.NOTICE
    assert not Entitlement.objects.filter(source_case=case).exists()
