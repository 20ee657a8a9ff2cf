import datetime as dt
import time
from decimal import Decimal
from typing import Any

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile

from jiuzhu.conftest import id_for
from jiuzhu.payments.services import entitlement_create
from jiuzhu.portal.spam import SALT
from jiuzhu.registry.models import Relation

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def shown(seconds_ago: float = 60) -> str:
    """The signed moment the form was shown, as if the visitor took `seconds_ago` to fill it in."""
    return signing.dumps(time.time() - seconds_ago, salt=SALT)


def member(i: int, name: str, id_number: str, relation: str = Relation.SELF, **extra: Any) -> dict[str, Any]:
    data = {
        f"m{i}-name": name,
        f"m{i}-id_number": id_number,
        f"m{i}-relation": relation,
        f"m{i}-labor": "full",
        f"m{i}-disability_kind": "",
        f"m{i}-disability_grade": "",
        f"m{i}-serious_illness": "",
        f"m{i}-student": "",
        f"m{i}-income_wage": "",
        f"m{i}-income_other": "",
        f"m{i}-rigid_medical": "",
    }
    data.update({f"m{i}-{k}": v for k, v in extra.items()})
    return data


def application(village_code: str, *, applicant_id: str | None = None, program: str = "dibao_rural", **extra: Any):
    data: dict[str, Any] = {
        "program": program,
        "linshi_kind": "",
        "village": village_code,
        "area": "rural",
        "address": "花溪村下街 3 号",
        "phone": "13912345678",
        "reason": "丈夫去世，无稳定收入",
        "deposits": "2000",
        "vehicles": "0",
        "homes": "1",
        "business": "",
        "agree": "on",
        "website": "",
        "shown": shown(),
    }
    data.update(member(0, "赵春花", applicant_id or id_for(dt.date(1975, 3, 4), male=False), income_other="150"))
    data.update(member(1, "钱小宝", id_for(dt.date(2014, 8, 1)), Relation.SON, student="1"))
    data.update(extra)
    return data


def upload(content: bytes = PNG, name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def paid_household(standards, make_household, approver):
    """A 低保 household of 花溪村 paid this month: 孙大伟 and his wife, 780 元."""
    hh = make_household(
        standards.village_a2,
        [("孙大伟", dt.date(1950, 1, 1), Relation.SELF, {}), ("李秀兰", dt.date(1952, 2, 2), Relation.SPOUSE, {})],
        address="花溪村上街 18 号",
        phone="13800001111",
    )
    start = dt.date.today().replace(day=1) - dt.timedelta(days=40)
    entitlement_create(
        actor=approver,
        household=hh,
        program="dibao_rural",
        persons=list(hh.members.all()),
        monthly_amount=Decimal("780.00"),
        start_month=start.replace(day=1),
    )
    return hh


@pytest.fixture
def phone(live_server: Any, settings: Any) -> Any:
    """A Playwright page on a 390×844 phone screen, in Chinese, against the live test server. The minimum fill
    time is off: a test types faster than any person."""
    import os

    from playwright.sync_api import sync_playwright

    from jiuzhu.browser import ARGS, chromium_or_skip

    executable = chromium_or_skip()
    settings.PORTAL_MIN_FILL_SECONDS = 0
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=ARGS)
        context = browser.new_context(
            locale="zh-CN", viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
            has_touch=True,
        )  # fmt: skip
        pg = context.new_page()
        pg.set_default_timeout(15_000)
        pg.base = live_server.url
        try:
            yield pg
        finally:
            context.close()
            browser.close()
            from django.db import connections

            connections.close_all()
