import datetime as dt
from decimal import Decimal

import pytest

from jiuzhu.cases import services
from jiuzhu.cases.models import Case, EconomicCheck, Notice, NoticeEntry, Objection, Status, SupplementRequest
from jiuzhu.registry.models import Relation

TODAY = dt.date(2025, 6, 10)  # a Tuesday, no holiday near


@pytest.fixture
def dibao_household(county, make_household):
    """Three people in 云山社区 (village A1), urban, little income: eligible for 城市低保."""
    return make_household(
        county.village_a1,
        [
            (
                "王建国",
                dt.date(1948, 2, 3),
                Relation.SELF,
                {"disability_kind": "physical", "disability_grade": 2, "labor": "none"},
            ),
            ("刘桂英", dt.date(1950, 7, 9), Relation.SPOUSE, {"income_transfer": Decimal("180.00"), "labor": "none"}),
            ("王小明", dt.date(2012, 9, 1), Relation.GRANDSON, {"student": True}),
        ],
        address="云山社区幸福路 12 号",
    )


def at_state(
    case: Case, status: Status, *, opinion_by=None, notice_end: dt.date = TODAY - dt.timedelta(days=3)
) -> Case:
    """Put a freshly submitted case into `status` with the records that state implies."""
    fields: dict = {"status": status}
    if status not in (Status.SUBMITTED, Status.SUPPLEMENT, Status.NOT_ACCEPTED):
        fields["accepted_at"] = TODAY - dt.timedelta(days=20)
    if status == Status.SUPPLEMENT:
        SupplementRequest.objects.create(
            case=case, items=["id_cards"], requested_on=TODAY - dt.timedelta(days=5), due=TODAY + dt.timedelta(days=5)
        )
    if status == Status.NOT_ACCEPTED:
        fields.update(not_accepted_reason="registration", not_accepted_text="户籍不在本镇", not_accepted_at=TODAY)
    if status == Status.CHECKING:
        EconomicCheck.objects.create(case=case, requested_at=TODAY - dt.timedelta(days=5))
    if status in (Status.TOWNSHIP_DONE, Status.NOTICE, Status.OBJECTED, Status.APPROVED, Status.REFUSED):
        fields.update(
            opinion_recommend=True,
            opinion_text="符合条件",
            opinion_amount=Decimal("800.00"),
            opinion_by=opinion_by,
            opinion_at=TODAY - dt.timedelta(days=12),
        )
    if status in (Status.NOTICE, Status.OBJECTED):
        notice = Notice.objects.create(
            number=f"GS-T{case.pk}",
            village=case.household.region,
            region_code=case.region_code,
            start_date=notice_end - dt.timedelta(days=6),
            end_date=notice_end,
        )
        NoticeEntry.objects.create(
            notice=notice,
            case=case,
            masked_name="王*国",
            household_size=3,
            program_name="城市最低生活保障",
            amount=Decimal("800.00"),
        )
    if status == Status.OBJECTED:
        Objection.objects.create(case=case, received_on=TODAY - dt.timedelta(days=4), content="有车")
    Case.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    return case


@pytest.fixture
def new_case(clerk_a, dibao_household):
    def make(program: str = "dibao_urban", **kw) -> Case:
        applicant = dibao_household.members.get(relation=Relation.SELF)
        return services.case_submit(
            actor=clerk_a,
            household=dibao_household,
            program=program,
            applicant=applicant,
            channel="entrusted",
            reason="老两口无收入",
            on=TODAY - dt.timedelta(days=22),
            **kw,
        )

    return make


@pytest.fixture(autouse=True)
def _county_standards(request):
    """Decisions are computed with the county's dated standards: every cases test starts with them loaded."""
    if "county" in request.fixturenames:
        request.getfixturevalue("standards")
