import datetime as dt

import pytest

from jiuzhu.cases.tests.conftest import dibao_household, new_case  # noqa: F401 (fixtures)
from jiuzhu.grievances import services
from jiuzhu.grievances.models import Channel, Kind

TODAY = dt.date(2025, 6, 10)  # a Tuesday, no holiday near


@pytest.fixture(autouse=True)
def _county_standards(request):
    """Deadlines come from the county's dated parameters: every test with a county has them loaded."""
    if "county" in request.fixturenames:
        request.getfixturevalue("standards")


@pytest.fixture
def submit(county):
    """submit(kind=…, region=…, …): a portal complaint about township A by default."""

    def make(**kw) -> services.Submitted:
        args = {
            "channel": Channel.PORTAL,
            "kind": Kind.COMPLAINT,
            "content": "村里有人开着小轿车还在领低保，请核查。",
            "region": county.township_a,
            "anonymous": True,
            "on": TODAY,
        } | kw
        return services.grievance_submit(**args)

    return make
