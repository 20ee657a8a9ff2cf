"""The public pages, no login. Views stay thin: forms check input, selectors read what may be published,
services write. Every POST and every status lookup passes the rate limiter first."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from jiuzhu.cases import checklists, engine
from jiuzhu.cases import selectors as case_selectors
from jiuzhu.cases.documents import notice_pdf
from jiuzhu.charity import selectors as charity_selectors
from jiuzhu.grievances.models import Channel as GrievanceChannel
from jiuzhu.grievances.models import Satisfaction
from jiuzhu.grievances.selectors import grievance_public_status
from jiuzhu.grievances.services import grievance_public_feedback, grievance_submit
from jiuzhu.policy.programs import program_rows
from jiuzhu.portal import documents, forms, ratelimit, selectors, selfcheck, services
from jiuzhu.portal.conf import upload_max_bytes
from jiuzhu.regions.models import Region
from jiuzhu.registry.models import Relation

FORM_PROGRAMS = ("dibao_urban", "dibao_rural", "tekun_dispersed", "linshi", "canji_huli")


def _limited(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/limited.html", status=429)


def _file(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "portal/home.html",
        {
            "standards": selectors.standards_in_force(on=today),
            "programs": program_rows(),
            "form_programs": [(code, engine.program_name(code)) for code in FORM_PROGRAMS],
            "today": today,
        },
    )


def form_pdf(_request: HttpRequest, program: str) -> HttpResponse:
    if program not in dict(engine.program_choices()):
        raise Http404
    return _file(documents.application_form_pdf(program), "application/pdf", f"application-{program}.pdf")


def declaration_xlsx(_request: HttpRequest) -> HttpResponse:
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _file(documents.declaration_xlsx(), content_type, "household-declaration.xlsx")


# ── villages: notices and the standing publication ──


def villages(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    groups = []
    for t in selectors.townships():
        notices = selectors.notice_counts(township=t, on=today)
        paid = selectors.publication_counts(township=t, on=today)
        rows = [(v, notices.get(v.code, 0), paid.get(v.code, 0)) for v in selectors.villages_of(township=t)]
        groups.append((t, rows))
    return render(request, "portal/villages.html", {"groups": groups})


def village(request: HttpRequest, code: str) -> HttpResponse:
    today = timezone.localdate()
    place = selectors.village_get(code=code)
    return render(
        request,
        "portal/village.html",
        {
            "village": place,
            "notices": selectors.village_notices(village=place, on=today),
            "publication": selectors.standing_publication(village=place, on=today),
            "today": today,
        },
    )


def notice(request: HttpRequest, public_id: str) -> HttpResponse:
    item = case_selectors.notice_public(public_id=public_id)
    return render(request, "portal/notice.html", {"notice": item, "entries": item.entries.all()})


def notice_print(_request: HttpRequest, public_id: str) -> HttpResponse:
    item = case_selectors.notice_public(public_id=public_id)
    return _file(notice_pdf(item), "application/pdf", f"notice-{item.number}.pdf")


# ── the online application and its status ──


def _declared(form: forms.ApplicationForm, members: list[forms.ApplicationMemberForm]) -> services.DeclaredHousehold:
    c = form.cleaned_data
    return services.DeclaredHousehold(
        village=selectors.village_get(code=c["village"]),
        area=c["area"],
        address=c.get("address") or "",
        phone=c["phone"],
        deposits=c.get("deposits") or Decimal(0),
        vehicles=c.get("vehicles") or 0,
        homes=c["homes"] if c.get("homes") is not None else 1,
        business=bool(c.get("business")),
        members=[
            services.DeclaredMember(m.cleaned_data["name"].strip(), m.cleaned_data["parsed"],
                                    m.cleaned_data["relation"] or Relation.OTHER, m.engine_fields())
            for m in members if m.filled
        ],
    )  # fmt: skip


def _documents(form: forms.ApplicationForm) -> list[tuple[str, Any]]:
    """The uploads with the checklist kind each stands for in the chosen programme ("other" when it has none)."""
    kinds = {k for k, _label in checklists.checklist(form.cleaned_data["program"])}
    wanted = {"doc_id_cards": "id_cards", "doc_income": "income", "doc_other": "other"}
    return [
        (kind if kind in kinds else "other", form.cleaned_data[name])
        for name, kind in wanted.items()
        if form.cleaned_data.get(name)
    ]


def _apply_context(form: forms.ApplicationForm, members: list[Any]) -> dict[str, Any]:
    return {"form": form, "members": members, "max_mb": f"{upload_max_bytes() / (1024 * 1024):g}"}


@never_cache
@sensitive_post_parameters()
@sensitive_variables()
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = forms.ApplicationForm()
        members = forms.member_forms(forms.ApplicationMemberForm)
        return render(request, "portal/apply.html", _apply_context(form, members))
    if not ratelimit.allowed(request, "apply"):
        return _limited(request)
    form = forms.ApplicationForm(request.POST, request.FILES)
    members = forms.member_forms(forms.ApplicationMemberForm, request.POST)
    valid = form.is_valid() & all(m.is_valid() for m in members)
    filled = [m for m in members if m.filled]
    if valid and not filled:
        form.add_error(None, _("请至少填写申请人本人的姓名和身份证号"))
        valid = False
    if valid:
        try:
            done = services.online_application_submit(
                program=form.cleaned_data["program"],
                declared=_declared(form, members),
                reason=form.cleaned_data["reason"],
                documents=_documents(form),
                max_bytes=upload_max_bytes(),
                linshi_kind=form.cleaned_data.get("linshi_kind") or "",
            )
        except ValidationError as e:
            for message in e.messages:
                form.add_error(None, message)
        else:
            return render(request, "portal/apply_done.html", {"done": done})
    return render(request, "portal/apply.html", _apply_context(form, members), status=400)


@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    """POST only for the lookup: the query code never travels in an address, a log line or a history."""
    context: dict[str, Any] = {"asked": False, "number": ""}
    if request.method == "POST":
        number = str(request.POST.get("number", "")).strip()[:24]
        code = str(request.POST.get("code", "")).strip()[:16]
        if not ratelimit.allowed(request, "status", number):
            return _limited(request)
        context = {
            "asked": True,
            "number": number,
            "result": case_selectors.case_public_status(number=number, code=code),
        }
    return render(request, "portal/status.html", context)


# ── the self-check ──


@never_cache
@sensitive_post_parameters()
@sensitive_variables()
@require_http_methods(["GET", "POST"])
def self_check(request: HttpRequest) -> HttpResponse:
    """Nothing typed here is stored or logged: no audit entry, no row, no log line; POST only."""
    if request.method != "POST":
        return render(
            request,
            "portal/self_check.html",
            {"form": forms.SelfCheckForm(), "members": forms.member_forms(forms.SelfCheckMemberForm)},
        )
    if not ratelimit.allowed(request, "selfcheck"):
        return _limited(request)
    form = forms.SelfCheckForm(request.POST)
    members = forms.member_forms(forms.SelfCheckMemberForm, request.POST)
    valid = form.is_valid() & all(m.is_valid() for m in members)
    filled = [m for m in members if m.filled]
    if valid and not filled:
        form.add_error(None, _("请至少填写一名家庭成员的年龄"))
        valid = False
    estimates = None
    if valid:
        described = [
            {"age": m.cleaned_data["age"], "supporter": m.cleaned_data["supporter"] or "capable", **m.engine_fields()}
            for m in filled
        ]
        estimates = selfcheck.estimate(
            village=selectors.village_get(code=form.cleaned_data["village"]),
            household=form.cleaned_data,
            members=described,
            on=timezone.localdate(),
        )
    return render(
        request,
        "portal/self_check.html",
        {"form": form, "members": members, "estimates": estimates},
        status=200 if valid else 400,
    )


# ── complaints (the grievance desk answers; the answer comes back here) ──


@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def complaint(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "portal/complaint.html", {"form": forms.ComplaintForm()})
    if not ratelimit.allowed(request, "complaint"):
        return _limited(request)
    form = forms.ComplaintForm(request.POST)
    if form.is_valid():
        c = form.cleaned_data
        try:
            done = grievance_submit(
                channel=GrievanceChannel.PORTAL,
                kind=c["kind"],
                topic=c["topic"],
                content=c["content"],
                region=Region.objects.filter(code=c["region"]).first(),
                anonymous=bool(c.get("anonymous")),
                contact_name=c.get("contact_name") or "",
                contact_phone=c.get("contact_phone") or "",
                actor=None,
            )
        except ValidationError as e:
            _add_errors(form, e)
        else:
            return render(request, "portal/complaint_done.html", {"number": done.number, "code": done.query_code})
    return render(request, "portal/complaint.html", {"form": form}, status=400)


def _add_errors(form: forms.ComplaintForm, error: ValidationError) -> None:
    """The service's errors on the form's fields where it has them, above the form otherwise."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, messages in error.message_dict.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def complaint_status(request: HttpRequest) -> HttpResponse:
    """The answer by number and query code; once answered, the complainant may rate it (a dissatisfied rating
    goes to the county, which decides on a re-examination)."""
    context: dict[str, Any] = {"asked": False, "number": "", "code": "", "rated": False, "feedback_error": ""}
    if request.method == "POST":
        number = str(request.POST.get("number", "")).strip()[:16]
        code = str(request.POST.get("code", "")).strip()[:16]
        if not ratelimit.allowed(request, "status", number):
            return _limited(request)
        rated, error = False, ""
        if "satisfaction" in request.POST and number and code:
            try:
                rated = grievance_public_feedback(
                    number=number,
                    query_code=code,
                    satisfaction=str(request.POST.get("satisfaction", "")),
                    comment=str(request.POST.get("comment", ""))[:2000],
                )
            except ValidationError as e:
                error = "；".join(e.messages)
        result = grievance_public_status(number=number, query_code=code) if number and code else None
        context = {"asked": True, "number": number, "code": code if result else "", "result": result,
                   "rated": rated, "feedback_error": error, "satisfaction": Satisfaction.choices[1:]}  # fmt: skip
    return render(request, "portal/complaint_status.html", context)


# ── charity: the public account ──


def charity(request: HttpRequest) -> HttpResponse:
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    year = min(max(year, 2000), this_year)
    return render(
        request,
        "portal/charity.html",
        {
            "account": charity_selectors.public_account(year=year),
            "needs": charity_selectors.public_needs(),
            "disbursements": charity_selectors.public_disbursements(year=year),
            "years": list(range(this_year, this_year - 5, -1)),
        },
    )
