"""The documents each programme asks for (申请材料清单), listed once to the applicant ([57] 第十条)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

COMMON: tuple[tuple[str, StrOrPromise], ...] = (
    ("application", _("书面申请书")),
    ("id_cards", _("家庭成员身份证、户口簿")),
    ("authorization", _("家庭经济状况核对授权书")),
)

BY_PROGRAM: dict[str, tuple[tuple[str, StrOrPromise], ...]] = {
    "dibao_urban": (("income", _("家庭收入情况说明")), ("assets", _("家庭财产申报"))),
    "dibao_rural": (("income", _("家庭收入情况说明")), ("assets", _("家庭财产申报"))),
    "tekun_central": (("self_care", _("生活自理能力评估表")), ("support", _("赡养抚养扶养情况说明"))),
    "tekun_dispersed": (("self_care", _("生活自理能力评估表")), ("support", _("赡养抚养扶养情况说明"))),
    "linshi": (("hardship", _("困难情况证明（医疗票据、事故证明等）")),),
    "yiliao": (("bills", _("医疗费用票据及医保结算单")),),
    "canji_shenghuo": (("disability_cert", _("残疾人证")),),
    "canji_huli": (("disability_cert", _("残疾人证")),),
    "ertong": (("guardian", _("监护情况证明")), ("parents", _("父母死亡、失踪等证明"))),
}

OTHER: tuple[str, StrOrPromise] = ("other", _("其他材料"))

ALLOWED_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png"}
# File signatures: the extension alone is the uploader's word, the first bytes are the file's.
MAGIC = {".pdf": (b"%PDF",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",), ".png": (b"\x89PNG",)}
MAX_BYTES = 10 * 1024 * 1024


def checklist(program: str) -> list[tuple[str, StrOrPromise]]:
    return [*COMMON, *BY_PROGRAM.get(program, ()), OTHER]
