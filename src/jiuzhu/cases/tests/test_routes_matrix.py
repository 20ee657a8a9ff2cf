"""Every cases URL × every persona: the status each must get, GET and (where the route takes one) POST.
Out-of-scope objects answer 404 (caseworker_b works in township B, every object here is in township A);
anonymous users are sent to the login page except on the public notice. A route added to cases/urls.py
without a row here fails test_every_route_is_in_the_matrix."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver
from django.utils import timezone

from jiuzhu.cases import services
from jiuzhu.cases.models import (
    ADL_ACTIVITIES,
    Case,
    CaseNote,
    Review,
    ReviewKind,
    ReviewOutcome,
    Status,
    SupplementRequest,
)
from jiuzhu.cases.tests.conftest import TODAY, at_state
from jiuzhu.cases.workflow import STEPS, step_allowed
from jiuzhu.core.models import HolidayOverride
from jiuzhu.payments.services import entitlement_create

PERSONAS = ["anonymous", "clerk_a", "caseworker_a", "head_a", "caseworker_b", "approver", "admin", "auditor"]
IN_SCOPE = dict.fromkeys(PERSONAS, 200) | {"anonymous": 302, "caseworker_b": 404}
EVERYONE = dict.fromkeys(PERSONAS, 200) | {"anonymous": 302}
PUBLIC = dict.fromkeys(PERSONAS, 200)


def only(statuses: dict[str, int], default: int = 403, *, out_of_scope: int = 404) -> dict[str, int]:
    """`statuses` for the named personas, `default` for the other logged-in ones."""
    base = dict.fromkeys(PERSONAS, default) | {"anonymous": 302, "caseworker_b": out_of_scope}
    return base | statuses


class World:
    """One of every object the routes take, all in township A (village A1)."""

    def __init__(self, request) -> None:
        get = request.getfixturevalue
        approver, caseworker_a, household = get("approver"), get("caseworker_a"), get("dibao_household")
        new_case = get("new_case")
        self.household = household
        self.case = new_case()  # 城市低保, submitted
        self.tekun = new_case("tekun_dispersed")
        applicant = self.tekun.applicant
        services.case_assess_self_care(
            actor=caseworker_a,
            case=self.tekun,
            person=applicant,
            can_do={code: True for code, _label in ADL_ACTIVITIES},
            assessors=["甲", "乙"],
            assessed_on=TODAY,
        )
        self.linshi = new_case("linshi", linshi_kind="emergency")
        county = get("county")
        services.reserve_fund_topup(actor=approver, township=county.township_a, amount=Decimal("5000"))
        self.document = services.case_document_add(
            actor=caseworker_a,
            case=self.case,
            kind=_first_kind(self.case.program),
            upload=SimpleUploadedFile("id.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        )
        self.refused = at_state(new_case("dibao_rural"), Status.NOTICE)
        Case.objects.filter(pk=self.refused.pk).update(
            status=Status.REFUSED, decision_reasons="人均收入高于标准", decided_by=approver, decided_at=TODAY
        )
        self.notice = self.refused.notice_entries.get().notice
        # 不予受理 after a supplement never brought: both papers exist for it.
        self.not_accepted = at_state(new_case("dibao_rural"), Status.NOT_ACCEPTED)
        self.supplement = SupplementRequest.objects.create(
            case=self.not_accepted, items=["id_cards"], requested_on=TODAY, due=TODAY
        )
        ent = entitlement_create(
            actor=approver,
            household=household,
            program="dibao_urban",
            persons=list(household.members.all()),
            monthly_amount=Decimal("800.00"),
            start_month=dt.date(2025, 7, 1),
        )
        self.entitlement = ent
        self.review = Review.objects.create(
            entitlement=ent, region_code=ent.region_code, kind=ReviewKind.SCHEDULED, due_date=TODAY
        )
        self.closed_review = Review.objects.create(
            entitlement=ent,
            region_code=ent.region_code,
            kind=ReviewKind.SCHEDULED,
            due_date=TODAY,
            outcome=ReviewOutcome.CONTINUE,
            decided_by=approver,
            decided_at=TODAY,
        )
        self.township_a = county.township_a


def _first_kind(program: str) -> str:
    from jiuzhu.cases import checklists

    return checklists.checklist(program)[0][0]


ADL = {code: "on" for code, _label in ADL_ACTIVITIES}

# name → (url from the world, GET expectations or None, POST data from the world or None, POST expectations)
ROUTES = {
    "todo": (lambda w: "/cases/", EVERYONE, None, None),
    "list": (lambda w: "/cases/all/", EVERYONE, None, None),
    "create": (
        lambda w: f"/cases/apply/{w.household.pk}/",
        only({"clerk_a": 200, "caseworker_a": 200}),
        lambda w: {"program": "dibao_rural", "applicant": w.case.applicant_id, "channel": "window"},
        only({"clerk_a": 302, "caseworker_a": 302}),
    ),
    "detail": (lambda w: f"/cases/{w.case.pk}/", IN_SCOPE, None, None),
    "step": (
        lambda w: f"/cases/{w.case.pk}/step/accept/",
        None,
        lambda w: {"accept-staff_relative_note": ""},
        only({"caseworker_a": 302}),
    ),
    "decide": (lambda w: f"/cases/{w.case.pk}/decide/", IN_SCOPE, None, None),
    "document_upload": (
        lambda w: f"/cases/{w.case.pk}/documents/",
        None,
        lambda w: {
            "kind": _first_kind(w.case.program),
            "file": SimpleUploadedFile("b.pdf", b"%PDF-1.4 b", content_type="application/pdf"),
        },
        only({"clerk_a": 302, "caseworker_a": 302, "approver": 302}),
    ),
    "document": (lambda w: f"/cases/{w.case.pk}/documents/{w.document.pk}/", IN_SCOPE, None, None),
    "note": (
        lambda w: f"/cases/{w.case.pk}/notes/",
        None,
        lambda w: {"text": "已电话联系"},
        only({"clerk_a": 302, "caseworker_a": 302, "head_a": 302, "approver": 302}),
    ),
    "self_care": (
        lambda w: f"/cases/{w.tekun.pk}/self-care/",
        only({"caseworker_a": 200, "approver": 200}),
        lambda w: {"assessed_on": "2025-06-10", "assessor_1": "甲", "assessor_2": "乙", **ADL},
        only({"caseworker_a": 302, "approver": 302}),
    ),
    "self_care_pdf": (lambda w: f"/cases/{w.tekun.pk}/self-care.pdf", IN_SCOPE, None, None),
    "emergency": (
        lambda w: f"/cases/{w.linshi.pk}/emergency/",
        only({"caseworker_a": 200}),
        lambda w: {"amount": "500", "note": ""},
        only({"caseworker_a": 302}),
    ),
    "approval_pdf": (lambda w: f"/cases/{w.case.pk}/approval-form.pdf", IN_SCOPE, None, None),
    "refusal_pdf": (lambda w: f"/cases/{w.refused.pk}/refusal.pdf", IN_SCOPE, None, None),
    "not_accepted_pdf": (lambda w: f"/cases/{w.not_accepted.pk}/not-accepted.pdf", IN_SCOPE, None, None),
    "supplement_pdf": (
        lambda w: f"/cases/{w.not_accepted.pk}/supplement/{w.supplement.pk}.pdf",
        IN_SCOPE,
        None,
        None,
    ),
    "notices": (lambda w: "/cases/notices/", EVERYONE, None, None),
    # Publishing a case still waiting for acceptance: refused with a message by those who may publish,
    # 403 for the others; township B finds no such case in its scope and is told to choose one.
    "notice_publish": (
        lambda w: "/cases/notices/publish/",
        None,
        lambda w: {"case": [w.case.pk], "start_date": timezone.localdate().isoformat()},
        only({"caseworker_a": 302, "head_a": 302}, out_of_scope=302),
    ),
    "notice": (lambda w: f"/cases/notices/{w.notice.pk}/", IN_SCOPE, None, None),
    "notice_pdf": (lambda w: f"/cases/notices/{w.notice.pk}/notice.pdf", IN_SCOPE, None, None),
    "notice_public": (lambda w: f"/cases/public/notices/{w.notice.public_id}/", PUBLIC, None, None),
    "notice_public_pdf": (lambda w: f"/cases/public/notices/{w.notice.public_id}/notice.pdf", PUBLIC, None, None),
    "timeliness": (lambda w: "/cases/timeliness/", EVERYONE, None, None),
    "reviews": (lambda w: "/cases/reviews/", EVERYONE, None, None),
    "review": (
        lambda w: f"/cases/reviews/{w.review.pk}/",
        IN_SCOPE,
        lambda w: {"outcome": "continue", "reasons": ""},
        only({"caseworker_a": 302, "head_a": 302, "approver": 302}),
    ),
    # 申请停保 is the township's; the county stops at a review.
    "stop_propose": (
        lambda w: f"/cases/entitlements/{w.entitlement.pk}/stop/",
        only({"caseworker_a": 200, "head_a": 200}),
        lambda w: {"reasons": "户主已迁出本县"},
        only({"caseworker_a": 302, "head_a": 302}),
    ),
    "review_pdf": (lambda w: f"/cases/reviews/{w.closed_review.pk}/notice.pdf", IN_SCOPE, None, None),
    "holidays": (
        lambda w: "/cases/holidays/",
        only({"admin": 200}, out_of_scope=403),
        lambda w: {"date": "2027-11-16", "is_workday": "0", "note": "本县"},
        only({"admin": 302}, out_of_scope=403),
    ),
    # Township B sees its own balance; a top-up is the county approver's.
    "reserve_fund": (
        lambda w: "/cases/reserve-fund/",
        only({"caseworker_a": 200, "approver": 200}, out_of_scope=200),
        lambda w: {"township": w.township_a.code, "amount": "1000", "note": ""},
        only({"approver": 302}, out_of_scope=200),
    ),
}


def test_every_route_is_in_the_matrix():
    cases_urls = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "cases")
    assert {p.name for p in cases_urls.url_patterns} == set(ROUTES)


def _client(client, request, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    return client


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", [r for r, spec in ROUTES.items() if spec[1] is not None])
def test_get(standards, client, request, route, persona):
    url, expected, _data, _post = ROUTES[route]
    world = World(request)
    response = _client(client, request, persona).get(url(world))
    assert response.status_code == expected[persona], (route, persona)
    if expected[persona] == 302 and persona == "anonymous":
        assert "/login" in response.url or "/accounts/" in response.url


def _changed(route: str, world: World) -> bool:
    """Whether the POST did its work, for the routes where success is a redirect."""
    return {
        "create": lambda: Case.objects.filter(program="dibao_rural", status=Status.SUBMITTED).exists(),
        "step": lambda: Case.objects.get(pk=world.case.pk).status == Status.ACCEPTED,
        "document_upload": lambda: world.case.documents.count() == 2,
        "note": lambda: CaseNote.objects.filter(case=world.case).exists(),
        "self_care": lambda: world.tekun.self_care.count() == 2,
        "emergency": lambda: Case.objects.get(pk=world.linshi.pk).emergency_paid_at is not None,
        "notice_publish": lambda: Case.objects.get(pk=world.case.pk).status == Status.NOTICE,
        "review": lambda: not Review.objects.get(pk=world.review.pk).is_open,
        "stop_propose": lambda: Review.objects.filter(entitlement=world.entitlement, proposed_outcome="stop").exists(),
        "holidays": lambda: HolidayOverride.objects.exists(),
        "reserve_fund": lambda: services_balance(world) == Decimal("6000.00"),
    }[route]()


def services_balance(world: World) -> Decimal:
    from jiuzhu.cases.selectors import reserve_balance

    return reserve_balance(township_code=world.township_a.code)


# Success is a redirect after the change; these routes redirect also when the service refused (with a message).
REDIRECT_ON_REFUSAL = {
    ("notice_publish", "caseworker_a"),
    ("notice_publish", "head_a"),
    ("notice_publish", "caseworker_b"),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", [r for r, spec in ROUTES.items() if spec[2] is not None])
def test_post(standards, client, request, route, persona):
    url, _get, data, expected = ROUTES[route]
    world = World(request)
    response = _client(client, request, persona).post(url(world), data(world))
    assert response.status_code == expected[persona], (route, persona)
    succeeded = response.status_code == 302 and persona != "anonymous" and (route, persona) not in REDIRECT_ON_REFUSAL
    assert _changed(route, world) == succeeded, (route, persona)


@pytest.mark.parametrize(
    "status", [Status.SUBMITTED, Status.ACCEPTED, Status.CHECKED, Status.TOWNSHIP_DONE, Status.NOTICE, Status.OBJECTED]
)
def test_the_case_page_offers_exactly_the_steps_the_services_accept(standards, client, request, new_case, status):
    from jiuzhu.accounts.models import Role
    from jiuzhu.conftest import _user

    other_head = _user("head_other", Role.TOWNSHIP_HEAD, request.getfixturevalue("head_a").region)
    # The notice ends today: not yet over, so 审核确认 is not offered while 不予确认 is.
    case = at_state(new_case(), status, opinion_by=other_head, notice_end=timezone.localdate())
    for persona in PERSONAS[1:]:
        if persona == "caseworker_b":
            continue
        user = request.getfixturevalue(persona)
        client.force_login(user)
        html = client.get(f"/cases/{case.pk}/").content.decode()
        for action in STEPS:
            if action in ("confirm", "refuse"):
                continue
            shown = f"/cases/{case.pk}/step/{action}/" in html
            assert shown == step_allowed(user, case, action), (status, persona, action)
        decide = step_allowed(user, case, "confirm") or step_allowed(user, case, "refuse")
        assert (f"/cases/{case.pk}/decide/" in html) == decide, (status, persona)
        page = client.get(f"/cases/{case.pk}/decide/").content.decode()
        assert ('name="confirm-amount"' in page) == step_allowed(user, case, "confirm"), (status, persona)
        assert ('name="refuse-reasons"' in page) == step_allowed(user, case, "refuse"), (status, persona)
    if status == Status.NOTICE:
        assert not step_allowed(request.getfixturevalue("approver"), case, "confirm")
        assert step_allowed(request.getfixturevalue("approver"), case, "refuse")
