"""The printed papers of the procedure: notice, approval form (审批表), refusal notice, self-care form,
review decision notice. Each returns PDF bytes built with core.pdf (embedded CJK font)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from jiuzhu.cases import engine
from jiuzhu.cases.models import (
    ADL_ACTIVITIES,
    Case,
    NotAcceptedReason,
    Notice,
    Review,
    SelfCareAssessment,
    SupplementRequest,
)
from jiuzhu.cases.selectors import supplement_labels
from jiuzhu.core.messages import translated
from jiuzhu.core.money import format_yuan
from jiuzhu.core.pdf import Block, Facts, Grid, Heading, Para, Signatures, render_pdf
from jiuzhu.policy.rules.frames import COUNTED_INCOME_FIELDS
from jiuzhu.policy.rules.programs.tekun import PARTLY_MAX
from jiuzhu.policy.selectors import parameter_value
from jiuzhu.registry.models import DisabilityKind, Relation


def _d(day: dt.date | None) -> str:
    return day.strftime("%Y年%m月%d日") if day else "—"


def _county_name(region_code: str) -> str:
    from jiuzhu.regions.models import Region

    county = Region.objects.filter(code=region_code[:6] + "000000").first()
    return county.name if county else ""


def notice_pdf(notice: Notice) -> bytes:
    entries = list(notice.entries.all())
    rows = [
        [str(i), e.masked_name, str(e.household_size), e.program_name, format_yuan(e.amount) if e.amount else "—"]
        for i, e in enumerate(entries, 1)
    ]
    township = notice.village.parent
    blocks: list[Block] = [
        Para(
            _(
                "根据《最低生活保障审核确认办法》等规定，经家庭经济状况调查核对和乡镇（街道）审核，"
                "现将拟给予救助的对象予以公示。公示期自 %(s)s 起至 %(e)s 止。"
            )
            % {"s": _d(notice.start_date), "e": _d(notice.end_date)}
        ),
        Grid(
            [_("序号"), _("申请人"), _("保障人数"), _("救助项目"), _("拟保障金额（元/月）")],
            rows,
            widths=[16, 40, 24, 62, 32],
        ),
        Para(
            _("公示期内，如对上述对象有异议，请向%(t)s民政办（所）或县民政局反映。我们将依法保护反映人的个人信息。")
            % {"t": township.name if township else ""}
        ),
        Signatures([_("%(t)s人民政府（街道办事处）") % {"t": township.name if township else ""}]),
    ]
    return render_pdf(
        title=_("社会救助审核公示"),
        subtitle=f"{township.name if township else ''} {notice.village.name} · {notice.number}",
        blocks=blocks,
    )


def approval_form_pdf(case: Case) -> bytes:
    """审批表: the application, the household as it stood, the steps, and the calculation."""
    snap = case.snapshot
    hh = snap.get("household", {})
    members = snap.get("members", [])
    investigation = case.investigations.order_by("-id").first()
    check = case.checks.order_by("-id").first()
    relation = dict(Relation.choices)
    member_rows = [
        [
            m["name"],
            str(relation.get(m["relation"], m["relation"])),
            m.get("id_masked", ""),
            m["birth_date"],
            str(dict(DisabilityKind.choices).get(m.get("disability_kind") or "", ""))
            + (f"{m['disability_grade']}级" if m.get("disability_grade") else ""),
            format_yuan(sum((Decimal(str(m.get(k) or 0)) for k in COUNTED_INCOME_FIELDS), Decimal(0))),
        ]
        for m in members
    ]
    lines = case.engine_lines or []
    blocks: list[Block] = [
        Facts(
            [
                (_("申请编号"), case.number),
                (_("救助项目"), engine.program_name(case.program)),
                (_("申请人"), case.applicant.name),
                (_("户编号"), hh.get("number", "")),
                (_("申请方式"), case.get_channel_display()),
                (_("申请日期"), _d(case.submitted_at)),
                (_("受理日期"), _d(case.accepted_at)),
                (_("城乡类别"), _("城镇") if hh.get("area") == "urban" else _("农村")),
                (_("存款（元）"), format_yuan(Decimal(str(hh.get("deposits", 0))))),
                (_("车辆 / 房产"), f"{hh.get('vehicles', 0)} / {hh.get('homes', 0)}"),
            ]
        ),
        Heading(_("一、家庭成员（申请时）")),
        Grid(
            [_("姓名"), _("关系"), _("身份证号"), _("出生日期"), _("残疾"), _("月收入（元）")],
            member_rows,
            widths=[24, 18, 40, 26, 24, 28],
        ),
        Heading(_("二、入户调查与经济状况核对")),
        Para(
            _("入户调查：%(d)s，调查人 %(p)s。%(f)s")
            % {
                "d": _d(investigation.visit_date) if investigation else "—",
                "p": "、".join(investigation.investigators) if investigation else "—",
                "f": investigation.findings if investigation else "",
            }
        ),
        Para(_("经济状况核对：%(r)s") % {"r": check.result if check and check.result else "—"}),
        Heading(_("三、测算过程")),
        *[Para(f"{i}. {translated(line)}") for i, line in enumerate(lines, 1)],
        Facts(
            [
                (
                    _("系统测算金额"),
                    _("%(a)s 元/月") % {"a": format_yuan(case.computed_amount)}
                    if case.computed_amount is not None
                    else "—",
                ),
                (
                    _("确认金额"),
                    _("%(a)s 元/月") % {"a": format_yuan(case.approved_amount)}
                    if case.approved_amount is not None
                    else "—",
                ),
                (_("调整理由"), case.override_reason or "—"),
                (_("享受起始月份"), _first_month(case)),
            ]
        ),
        Heading(_("四、审核意见")),
        Facts(
            [
                (_("乡镇（街道）审核意见"), case.opinion_text or "—"),
                (_("审核人 / 日期"), f"{case.opinion_by or '—'} / {_d(case.opinion_at)}"),
                (
                    _("县级民政部门审核确认意见"),
                    _("同意") if case.status == "approved" else (case.decision_reasons or "—"),
                ),
                (_("审批人 / 日期"), f"{case.decided_by or '—'} / {_d(case.decided_at)}"),
            ],
            columns=1,
        ),
        Signatures([_("乡镇人民政府（街道办事处）"), _("县民政局")]),
    ]
    return render_pdf(
        title=_("%(p)s审核审批表") % {"p": engine.program_name(case.program)},
        subtitle=_county_name(case.region_code),
        blocks=blocks,
    )


def _first_month(case: Case) -> str:
    ent = case.entitlements.order_by("id").first()
    return ent.start_month.strftime("%Y年%m月") if ent else "—"


def refusal_notice_pdf(case: Case) -> bytes:
    blocks: list[Block] = [
        Para(_("%(n)s：") % {"n": case.applicant.name}),
        Para(
            _("您于 %(d)s 提出的%(p)s申请（编号 %(c)s），经调查核实和审核，决定不予确认。理由如下：")
            % {"d": _d(case.submitted_at), "p": engine.program_name(case.program), "c": case.number}
        ),
        Para(case.decision_reasons),
        Para(
            _(
                "如对本决定不服，可以自收到本通知之日起六十日内向本级人民政府或上一级民政部门申请行政复议，"
                "或者在六个月内依法向人民法院提起行政诉讼。"
            )
        ),
        Signatures([_("县民政局")]),
        Para(_("决定日期：%(d)s") % {"d": _d(case.decided_at)}, small=True),
    ]
    return render_pdf(title=_("不予确认通知书"), subtitle=_county_name(case.region_code), blocks=blocks)


def _township_name(case: Case) -> str:
    from jiuzhu.regions.models import Region

    township = Region.objects.filter(code=case.township_code).first()
    return township.name if township else ""


def supplement_notice_pdf(case: Case, supplement: SupplementRequest) -> bytes:
    """补正材料一次性告知书: everything to supply, and by when."""
    township = _township_name(case)
    items = supplement_labels(case, supplement)
    blocks: list[Block] = [
        Para(_("%(n)s：") % {"n": case.applicant.name}),
        Para(
            _("您于 %(d)s 提出的%(p)s申请（编号 %(c)s），经审查，申请材料不齐全。现一次性告知，请补齐以下材料：")
            % {"d": _d(case.submitted_at), "p": engine.program_name(case.program), "c": case.number}
        ),
        Grid(
            [_("序号"), _("需补正的材料")],
            [[str(i), label] for i, (_c, label) in enumerate(items, 1)],
            widths=[16, 158],
        ),
        Para(
            _(
                "请于 %(due)s 前将上述材料交村（居）委会或%(t)s民政办。材料补齐之日起，我们将在规定时限内受理；"
                "逾期未补齐的，将依法作出不予受理的决定。"
            )
            % {"due": _d(supplement.due), "t": township}
        ),
        Signatures([_("%(t)s人民政府（街道办事处）") % {"t": township}]),
        Para(_("告知日期：%(d)s") % {"d": _d(supplement.requested_on)}, small=True),
    ]
    return render_pdf(title=_("补正材料一次性告知书"), subtitle=_county_name(case.region_code), blocks=blocks)


def not_accepted_notice_pdf(case: Case) -> bytes:
    """不予受理告知书: the township's decision, its reason and the family's remedies."""
    township = _township_name(case)
    reason = NotAcceptedReason(case.not_accepted_reason).label if case.not_accepted_reason else ""
    blocks: list[Block] = [
        Para(_("%(n)s：") % {"n": case.applicant.name}),
        Para(
            _("您于 %(d)s 提出的%(p)s申请（编号 %(c)s），经审查，不符合受理条件，决定不予受理。")
            % {"d": _d(case.submitted_at), "p": engine.program_name(case.program), "c": case.number}
        ),
        Facts([(_("不予受理原因"), str(reason)), (_("具体理由"), case.not_accepted_text)], columns=1),
        Para(
            _(
                "如您的情况发生变化或具备受理条件，可以重新提出申请。如对本决定不服，可以自收到本告知书之日起"
                "六十日内申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。"
            )
        ),
        Signatures([_("%(t)s人民政府（街道办事处）") % {"t": township}]),
        Para(_("决定日期：%(d)s") % {"d": _d(case.not_accepted_at)}, small=True),
    ]
    return render_pdf(title=_("不予受理告知书"), subtitle=_county_name(case.region_code), blocks=blocks)


def self_care_pdf(assessment: SelfCareAssessment) -> bytes:
    # The county's own line between partly and fully dependent, as the engine pays the care allowance by it.
    value = parameter_value(PARTLY_MAX, assessment.case.household.region, assessment.assessed_on)
    partly_max = 3 if value is None else int(value)
    n = assessment.impossible
    tier = _("生活自理") if n == 0 else _("部分失能") if n <= partly_max else _("完全失能")
    rows = [[str(label), _("能") if getattr(assessment, code) else _("不能")] for code, label in ADL_ACTIVITIES]
    blocks: list[Block] = [
        Facts(
            [
                (_("被评估人"), assessment.person.name),
                (_("评估日期"), _d(assessment.assessed_on)),
                (_("申请编号"), assessment.case.number),
                (_("评估人员"), "、".join(assessment.assessors)),
            ]
        ),
        Grid([_("日常生活活动"), _("能否独立完成")], rows, widths=[80, 60]),
        Para(_("不能独立完成 %(k)d 项，评估结论：%(t)s") % {"k": assessment.impossible, "t": tier}),
        Para(_("六项全部能完成为生活自理；1至3项不能完成为部分失能；4项及以上不能完成为完全失能。"), small=True),
        Signatures([_("评估人员"), _("被评估人或监护人")]),
    ]
    return render_pdf(
        title=_("特困人员生活自理能力评估表"), subtitle=_county_name(assessment.case.region_code), blocks=blocks
    )


def review_notice_pdf(review: Review) -> bytes:
    ent = review.entitlement
    blocks: list[Block] = [
        Para(_("%(h)s户：") % {"h": ent.household.head_name}),
        Para(
            _("经对您家享受的%(p)s进行复核，结论为：%(o)s。")
            % {"p": engine.program_name(ent.program), "o": review.get_outcome_display()}
        ),
    ]
    if review.new_amount is not None:
        blocks.append(Para(_("自下月起每月救助金额调整为 %(a)s 元。") % {"a": format_yuan(review.new_amount)}))
    if review.exit_months:
        blocks.append(Para(_("给予 %(m)d 个月渐退期，期满后停止发放。") % {"m": review.exit_months}))
    if review.reasons:
        blocks.append(Para(_("理由：%(r)s") % {"r": review.reasons}))
    blocks += [
        Para(_("以上决定自下月起执行。如有异议，可依法申请行政复议或提起行政诉讼。")),
        Signatures([_("县民政局")]),
    ]
    return render_pdf(title=_("动态管理复核决定通知书"), subtitle=_county_name(ent.region_code), blocks=blocks)
