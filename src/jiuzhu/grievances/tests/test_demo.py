"""The demo's desk: every state, every channel, some overdue and escalated, one report about a case with its
re-check opened."""

import datetime as dt

import pytest

from jiuzhu.cases import services as cases
from jiuzhu.cases.models import Status
from jiuzhu.cases.tests.conftest import at_state
from jiuzhu.grievances.demo import grievances_seed
from jiuzhu.grievances.models import Channel, Grievance, State

pytestmark = pytest.mark.django_db


def test_the_demo_desk_shows_everything_the_desk_does(county, approver, caseworker_a, caseworker_b, head_a, new_case):
    case = cases.case_confirm(
        actor=approver, case=at_state(new_case(), Status.NOTICE, opinion_by=head_a), on=dt.date(2025, 6, 9)
    )
    counts = grievances_seed(county=county.county, today=dt.date(2025, 9, 15), rng_seed=1)
    assert set(counts) == set(State.values)
    rows = Grievance.objects.all()
    assert {g.channel for g in rows} == set(Channel.values)
    assert rows.filter(escalated_on=dt.date(2025, 9, 15)).exists()
    about = rows.get(subject_case=case)
    assert about.review is not None
    assert {g.region_code[:9] for g in rows} == {"330727100", "330727101"}
    assert all(g.events.count() >= 1 for g in rows)
