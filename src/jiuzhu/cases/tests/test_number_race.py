"""Numbers under a crowd (PostgreSQL, where transactions really run in parallel): 20 applications in one
township and 20 notice publications in one village at the same moment all succeed, with distinct numbers; a
double submit makes one application, not two."""

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction

from jiuzhu.cases import services
from jiuzhu.cases.models import Case, Notice, Status
from jiuzhu.cases.tests.conftest import TODAY, at_state
from jiuzhu.registry.models import Relation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def parallel(fn: Callable[[Any], Any], args: list[Any]) -> list[str]:
    """Run fn(arg) for every arg in its own thread and connection, all released at once; each outcome."""
    barrier = threading.Barrier(len(args))
    results: list[str] = []

    def run(arg: Any) -> None:
        try:
            barrier.wait()
            fn(arg)
            results.append("ok")
        except ValidationError:
            results.append("refused")
        except Exception as exc:  # noqa: BLE001 — the test reports every other failure by its type
            results.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in args]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def _households(make_household, county, n):
    return [
        make_household(county.village_a1, [(f"并发{i}", dt.date(1960, 1, 1) + dt.timedelta(days=i), Relation.SELF, {})])
        for i in range(n)
    ]


def test_twenty_parallel_applications_get_distinct_numbers(county, make_household, clerk_a):
    households = _households(make_household, county, 20)

    def submit(hh):
        services.case_submit(actor=clerk_a, household=hh, program="linshi", linshi_kind="expense",
                             applicant=hh.members.get(), on=TODAY)  # fmt: skip

    assert parallel(submit, households) == ["ok"] * 20
    numbers = list(Case.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 20


def test_twenty_parallel_notices_in_one_village_get_distinct_numbers(
    county, make_household, clerk_a, caseworker_a, head_a
):
    cases = []
    for hh in _households(make_household, county, 20):
        case = services.case_submit(actor=clerk_a, household=hh, program="linshi", linshi_kind="expense",
                                    applicant=hh.members.get(), on=TODAY - dt.timedelta(days=5))  # fmt: skip
        cases.append(at_state(case, Status.TOWNSHIP_DONE, opinion_by=head_a))

    def publish(case):
        services.notice_publish(actor=caseworker_a, cases=[case], start_date=TODAY, on=TODAY)

    assert parallel(publish, cases) == ["ok"] * 20
    numbers = list(Notice.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 20


def test_a_double_submit_makes_one_application(county, dibao_household, clerk_a):
    applicant = dibao_household.members.get(relation=Relation.SELF)

    def submit(_):
        services.case_submit(actor=clerk_a, household=dibao_household, program="linshi", linshi_kind="emergency",
                             applicant=applicant, on=TODAY)  # fmt: skip

    assert sorted(parallel(submit, [1, 2, 3])) == ["ok", "refused", "refused"]
    assert Case.objects.filter(household=dibao_household, program="linshi").count() == 1


def test_the_database_refuses_a_second_open_application(county, dibao_household, clerk_a):
    applicant = dibao_household.members.get(relation=Relation.SELF)
    case = services.case_submit(actor=clerk_a, household=dibao_household, program="linshi", linshi_kind="emergency",
                                applicant=applicant, on=TODAY)  # fmt: skip
    with pytest.raises(IntegrityError, match="cases_one_open_case_per_programme"), transaction.atomic():
        Case.objects.create(number="X1", household=dibao_household, region_code=case.region_code,
                            program="linshi", applicant=applicant, snapshot={}, submitted_at=TODAY)  # fmt: skip
