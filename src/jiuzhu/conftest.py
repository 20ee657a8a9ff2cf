"""Named personas and a small county, shared by every app's tests.

The county 330727 has township A (two villages) and township B (one village). Personas:
clerk_a (village A1), caseworker_a and head_a (township A), caseworker_b (township B), approver and admin
(county), auditor (county, read-only). Every list, detail, export and API endpoint is tested with someone
who must not see it.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from jiuzhu.accounts.models import Role, User
from jiuzhu.accounts.services import user_create
from jiuzhu.browser import page as page  # the Playwright fixture, for every app's browser tests
from jiuzhu.core.idcard import make_id_number
from jiuzhu.regions.models import Region
from jiuzhu.regions.services import region_ensure
from jiuzhu.registry.models import Area, Household, Relation
from jiuzhu.registry.services import MemberInput, household_register

PASSWORD = "correct-horse-battery-9"

# Tests assert behaviour, not timings: Hypothesis's per-example deadline (200 ms) fails a property on a busy
# machine (CI runs beside the databases), so it is off for the whole suite.
hypothesis_settings.register_profile("jiuzhu", deadline=None)
hypothesis_settings.load_profile("jiuzhu")


@pytest.fixture(autouse=True, scope="session")
def _test_keys() -> None:
    """Fixed keys, whatever a developer's ./var holds (or lacks: importing the settings made none). Set for the
    whole run, not per test: restoring an override reads the original, and an empty SECRET_KEY cannot be read."""
    from django.conf import settings as django_settings

    django_settings.SECRET_KEY = "test-secret-key-" + "x" * 40
    django_settings.PII_KEY = "5a" * 64
    django_settings.PII_KEY_FILE = ""  # never a developer's ./var/pii_key (tests of rotation set their own)
    django_settings.AUDIT_KEY = "a7" * 32
    # No collected static files in a test run: WhiteNoise serves them from the apps (WHITENOISE_USE_FINDERS).
    django_settings.STATIC_ROOT = None


class MissingTemplateVariable(str):
    """string_if_invalid for the tests: a template that reads a missing variable or attribute fails the test
    instead of printing nothing (that is how the household page's self-care cell stayed empty unnoticed).
    `{% if %}`, `{% for %}` and `{% firstof %}` ignore it, as they should; `{{ x.missing|default:"—" }}` does not.
    """

    def __mod__(self, name: object) -> str:
        raise AssertionError(f"template reads a missing variable: {name}")


@pytest.fixture(autouse=True, scope="session")
def _templates_fail_on_missing_variables() -> Iterator[None]:
    from django.conf import settings as django_settings
    from django.test import override_settings

    templates: list[dict[str, Any]] = copy.deepcopy(django_settings.TEMPLATES)
    templates[0]["OPTIONS"]["string_if_invalid"] = MissingTemplateVariable("%s")
    with override_settings(TEMPLATES=templates):
        yield


@pytest.fixture(autouse=True)
def _isolated_data_dir(settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever a test runs (the `jiuzhu` command in-process, a report written) stays in its tmp_path."""
    data = tmp_path / "data"
    monkeypatch.setenv("JIUZHU_DATA_DIR", str(data))
    settings.DATA_DIR = data
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.AUDIT_ANCHOR_FILE = data / "audit_anchor.log"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """Every test starts in Chinese: a request in English leaves its language active in the thread,
    which would turn the next test's messages English on the same worker."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.deactivate()


class County:
    def __init__(self) -> None:
        region_ensure(code="330000000000", name="浙江省")
        region_ensure(code="330700000000", name="金华市")
        self.county = region_ensure(code="330727000000", name="磐安县")
        self.township_a = region_ensure(code="330727100000", name="安文街道")
        self.township_b = region_ensure(code="330727101000", name="尖山镇")
        self.village_a1 = region_ensure(code="330727100001", name="云山社区", urban_rural="111")
        self.village_a2 = region_ensure(code="330727100201", name="花溪村", urban_rural="220")
        self.village_b1 = region_ensure(code="330727101201", name="管头村", urban_rural="220")


@pytest.fixture
def county(db: Any) -> County:
    return County()


@pytest.fixture
def standards(county: County) -> County:
    """The county with the shipped standards (低保 528/396 …) loaded, as the demo and a real county start."""
    from jiuzhu.policy.services import parameters_load_defaults

    parameters_load_defaults(region=county.county)
    return county


def _user(username: str, role: Role, region: Region, **kw: Any) -> User:
    return user_create(
        actor=None, username=username, password=PASSWORD, role=role, region=region, check_password=False, **kw
    )


@pytest.fixture
def clerk_a(county: County) -> User:
    return _user("clerk_a", Role.VILLAGE_CLERK, county.village_a1, full_name="村经办甲")


@pytest.fixture
def caseworker_a(county: County) -> User:
    return _user(
        "caseworker_a",
        Role.TOWNSHIP_CASEWORKER,
        county.township_a,
        full_name="乡镇经办甲",
        can_reveal_pii=True,
    )


@pytest.fixture
def head_a(county: County) -> User:
    return _user("head_a", Role.TOWNSHIP_HEAD, county.township_a, full_name="乡镇审核甲")


@pytest.fixture
def caseworker_b(county: County) -> User:
    return _user(
        "caseworker_b",
        Role.TOWNSHIP_CASEWORKER,
        county.township_b,
        full_name="乡镇经办乙",
        can_reveal_pii=True,
    )


@pytest.fixture
def approver(county: County) -> User:
    return _user("approver", Role.COUNTY_APPROVER, county.county, full_name="县审批", can_reveal_pii=True)


@pytest.fixture
def admin(county: County) -> User:
    return _user("admin", Role.COUNTY_ADMIN, county.county, full_name="县管理员", can_reveal_pii=True)


@pytest.fixture
def auditor(county: County) -> User:
    return _user("auditor", Role.AUDITOR, county.county, full_name="审计员")


@pytest.fixture
def charity_officer(county: County) -> User:
    return _user("charity", Role.CHARITY_OFFICER, county.county, full_name="慈善干事")


_seq = iter(range(1, 10_000))


def id_for(birth: dt.date, *, male: bool = True, region6: str = "330727") -> str:
    return make_id_number(region6, birth, next(_seq) % 500, male=male)


@pytest.fixture
def make_household(admin: User) -> Callable[..., Household]:
    """make_household(village, members=[("张三", date(1950,1,1), Relation.SELF, {fields})...])"""

    def make(
        village: Region,
        members: list[tuple[str, dt.date, str, dict[str, Any]]] | None = None,
        area: str | None = None,
        **household_fields: Any,
    ) -> Household:
        members = members or [("张三", dt.date(1960, 5, 1), Relation.SELF, {})]
        inputs = [
            MemberInput(name=name, id_number=id_for(birth, male=i % 2 == 0), relation=rel, fields=fields)
            for i, (name, birth, rel, fields) in enumerate(members)
        ]
        return household_register(
            actor=admin,
            village=village,
            area=area or (Area.URBAN if village.is_urban else Area.RURAL),
            members=inputs,
            **household_fields,
        )

    return make
