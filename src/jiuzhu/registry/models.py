from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from jiuzhu.core import pii
from jiuzhu.core.idcard import age_on
from jiuzhu.core.models import ChoiceLabels
from jiuzhu.regions.models import Region


def money_field(label: StrOrPromise) -> models.DecimalField:  # type: ignore[type-arg]
    """Yuan with two decimals; the engine converts to integer fen."""
    return models.DecimalField(label, max_digits=12, decimal_places=2, default=Decimal("0.00"))


class Area(models.TextChoices):
    URBAN = "urban", _("城镇")
    RURAL = "rural", _("农村")


class Relation(models.TextChoices):
    SELF = "self", _("户主")
    SPOUSE = "spouse", _("配偶")
    SON = "son", pgettext_lazy("relation to the head", "子")
    DAUGHTER = "daughter", pgettext_lazy("relation to the head", "女")
    FATHER = "father", _("父亲")
    MOTHER = "mother", _("母亲")
    GRANDSON = "grandson", _("孙子")
    GRANDDAUGHTER = "granddaughter", _("孙女")
    SON_IN_LAW = "son_in_law", _("女婿")
    DAUGHTER_IN_LAW = "daughter_in_law", _("儿媳")
    GRANDPARENT = "grandparent", _("祖父母")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class DisabilityKind(models.TextChoices):
    VISUAL = "visual", _("视力残疾")
    HEARING = "hearing", _("听力残疾")
    SPEECH = "speech", _("言语残疾")
    PHYSICAL = "physical", _("肢体残疾")
    INTELLECTUAL = "intellectual", _("智力残疾")
    MENTAL = "mental", _("精神残疾")
    MULTIPLE = "multiple", _("多重残疾")


class Labor(models.TextChoices):
    FULL = "full", _("有劳动能力")
    PARTIAL = "partial", _("部分丧失劳动能力")
    NONE = "none", _("无劳动能力")


class SelfCare(models.TextChoices):
    SELF_SUFFICIENT = "self_sufficient", _("生活自理")
    PARTLY = "partly_dependent", _("部分失能")
    FULLY = "fully_dependent", _("完全失能")


class Employment(models.TextChoices):
    EMPLOYED = "employed", _("务工/受雇")
    SELF_EMPLOYED = "self_employed", _("个体经营")
    FARMING = "farming", _("务农")
    UNEMPLOYED = "unemployed", _("失业")
    RETIRED = "retired", _("退休")
    STUDENT = "student", _("在校学生")
    NONE = "none", _("无")


class Supporter(models.TextChoices):
    NONE = "none", _("无法定赡养抚养扶养人")
    INCAPABLE = "incapable", _("有，但无赡养抚养扶养能力")
    CAPABLE = "capable", _("有，且有能力")


class OrphanKind(models.TextChoices):
    NONE = "none", _("否")
    ORPHAN = "orphan", _("孤儿")
    DEFACTO = "defacto", _("事实无人抚养儿童")


class Household(ChoiceLabels):
    number = models.CharField(_("户编号"), max_length=20, unique=True)
    # The two keys of the registry's bulk writes (region here, household on Person) are checked per statement,
    # not by deferred constraints at COMMIT, on PostgreSQL (core.refs, migration 0008).
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="households", verbose_name=_("村（社区）"), db_constraint=False
    )
    # Denormalised from region: scope filters are a range scan on this column (core.scope.prefix_q). Indexed in
    # Meta.indexes: a field's db_index would add PostgreSQL's LIKE twin, which no scope asks for (migration 0009).
    region_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    area = models.CharField(_("城乡类别"), max_length=5, choices=Area.choices)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    head_name = models.CharField(_("户主姓名"), max_length=50, blank=True, db_index=True)
    phone_enc = models.TextField(blank=True, editable=False)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True, editable=False)
    bank_name = models.CharField(_("开户银行"), max_length=60, blank=True)
    bank_account_enc = models.TextField(blank=True, editable=False)
    bank_account_masked = models.CharField(_("银行账号"), max_length=40, blank=True, editable=False)
    # Assets (家庭财产), as the economic check needs them.
    deposits = money_field(_("存款及有价证券（元）"))
    vehicles = models.PositiveSmallIntegerField(_("机动车辆数"), default=0)
    disability_vehicle = models.BooleanField(_("车辆为残疾人功能性补偿代步机动车"), default=False)
    homes = models.PositiveSmallIntegerField(_("房产套数"), default=1)
    business = models.BooleanField(_("有工商登记"), default=False)
    notes = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["number"]
        indexes = [models.Index(fields=["region_code"], name="registry_household_region")]
        verbose_name = _("家庭")
        verbose_name_plural = _("家庭")

    def __str__(self) -> str:
        return f"{self.number} {self.head_name}"

    @property
    def phone(self) -> str:
        return pii.decrypt(self.phone_enc)

    @property
    def bank_account(self) -> str:
        return pii.decrypt(self.bank_account_enc)


class Person(ChoiceLabels):
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="members", verbose_name=_("家庭"), db_constraint=False
    )
    # The household's region, copied so that a scoped search filters inside one index without a join.
    region_code = models.CharField(_("区划代码"), max_length=12, editable=False)
    name = models.CharField(_("姓名"), max_length=50)
    # Lower-case pinyin initials ("zs" for 张三) and full pinyin, for searching without Chinese input.
    name_initials = models.CharField(max_length=20, editable=False)
    name_pinyin = models.CharField(max_length=120, editable=False)
    id_number_enc = models.TextField(editable=False)
    # Unique through Meta.constraints, not unique=True: on PostgreSQL a unique CharField also gets a
    # varchar_pattern_ops twin for LIKE, which no one runs on a hash and which every insert paid for (issue #11).
    id_number_hash = models.CharField(max_length=32, editable=False)
    id_masked = models.CharField(_("身份证号"), max_length=18, editable=False)
    birth_date = models.DateField(_("出生日期"))
    sex = models.CharField(_("性别"), max_length=1, choices=[("M", _("男")), ("F", _("女"))])
    relation = models.CharField(_("与户主关系"), max_length=20, choices=Relation.choices)
    disability_kind = models.CharField(_("残疾类别"), max_length=15, choices=DisabilityKind.choices, blank=True)
    disability_grade = models.PositiveSmallIntegerField(
        _("残疾等级"), null=True, blank=True, choices=[(g, f"{g}") for g in (1, 2, 3, 4)]
    )
    # 残疾证号 is the ID number plus the kind and grade digits: stored encrypted and shown masked like it.
    disability_cert_enc = models.TextField(blank=True, editable=False)
    disability_cert_masked = models.CharField(_("残疾证号"), max_length=30, blank=True, editable=False)
    serious_illness = models.BooleanField(_("患重特大疾病"), default=False)
    illness_name = models.CharField(_("疾病名称"), max_length=60, blank=True)
    labor = models.CharField(_("劳动能力"), max_length=10, choices=Labor.choices, default=Labor.FULL)
    adl_impossible = models.PositiveSmallIntegerField(
        _("六项日常活动中不能完成的项数"), default=0, help_text=_("吃饭、穿衣、上下床、如厕、室内行走、洗澡")
    )
    student = models.BooleanField(_("在校学生"), default=False)
    employment = models.CharField(_("就业状况"), max_length=15, choices=Employment.choices, default=Employment.NONE)
    supporter = models.CharField(
        _("赡养抚养扶养人"), max_length=10, choices=Supporter.choices, default=Supporter.CAPABLE
    )
    orphan = models.CharField(_("孤儿情况"), max_length=10, choices=OrphanKind.choices, default=OrphanKind.NONE)
    institution = models.BooleanField(_("机构集中供养/养育"), default=False)
    prefers_dibao = models.BooleanField(_("自愿选择低保"), default=False)
    excluded = models.BooleanField(_("不计入共同生活家庭成员"), default=False)
    excluded_reason = models.CharField(_("不计入原因"), max_length=100, blank=True)
    date_of_death = models.DateField(_("死亡日期"), null=True, blank=True)
    # Monthly income by type, yuan (家庭收入).
    income_wage = money_field(_("工资性收入"))
    income_business = money_field(_("经营净收入"))
    income_property = money_field(_("财产净收入"))
    income_transfer = money_field(_("转移净收入"))
    income_other = money_field(_("其他收入"))
    income_exempt = money_field(_("豁免收入"))
    rigid_medical = money_field(_("刚性医疗支出"))
    rigid_rehab = money_field(_("刚性康复支出"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["household_id", "id"]
        # Search orders matches by initials then name: the index gives the order without sorting.
        constraints = [models.UniqueConstraint(fields=["id_number_hash"], name="person_id_number_hash_unique")]
        indexes = [
            models.Index(fields=["name_initials", "name"]),
            # Counting a township's matches for "zs" (or for "王") reads only these indexes. (name, region_code)
            # also serves every search by name: a county's name search is a range scan of it, region filtered
            # inside the index (a name-only index left the county's filter to the table: a thousand table
            # pages for a common name in a province of ten million), so there is no index on name alone.
            models.Index(fields=["name_initials", "region_code"]),
            models.Index(fields=["name", "region_code"]),
            # The home page's counts of disabled and deceased persons in a region: a few index entries each
            # instead of reading every person of the county.
            models.Index(fields=["region_code"], condition=~Q(disability_kind=""), name="person_disabled_region_idx"),
            models.Index(
                fields=["region_code"], condition=Q(date_of_death__isnull=False), name="person_deceased_region_idx"
            ),
            models.Index(fields=["region_code"]),
        ]
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")

    def __str__(self) -> str:
        return self.name

    @property
    def id_number(self) -> str:
        return pii.decrypt(self.id_number_enc)

    @property
    def disability_cert(self) -> str:
        return pii.decrypt(self.disability_cert_enc)

    @disability_cert.setter
    def disability_cert(self, value: str) -> None:
        """Encrypts and masks; Person(disability_cert=…) and setattr go through here. The format is checked by
        the services (registry.services.disability_cert_problem)."""
        value = (value or "").strip().upper()
        self.disability_cert_enc = pii.encrypt(value)
        self.disability_cert_masked = pii.mask_id(value) if value else ""

    @property
    def alive(self) -> bool:
        return self.date_of_death is None

    def age_on(self, day: dt.date) -> int:
        return age_on(self.birth_date, day)

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    @property
    def self_care(self) -> SelfCare:
        if self.adl_impossible == 0:
            return SelfCare.SELF_SUFFICIENT
        return SelfCare.PARTLY if self.adl_impossible <= 3 else SelfCare.FULLY

    @property
    def monthly_income(self) -> Decimal:
        return self.income_wage + self.income_business + self.income_property + self.income_transfer + self.income_other


class ImportJob(models.Model):
    """A roster file uploaded through the web page, imported in the background by registry.tasks."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已导入")
        INVALID = "invalid", _("有错误，未导入")
        FAILED = "failed", _("导入失败")

    user = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="import_jobs", verbose_name=_("上传人")
    )
    # The uploader's region when uploading: who else may see the job and its error report follows from it.
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    filename = models.CharField(_("文件名"), max_length=255)
    stored_path = models.CharField(max_length=255, editable=False)  # relative to MEDIA_ROOT
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(_("步骤"), max_length=40, blank=True)
    percent = models.PositiveSmallIntegerField(_("进度"), default=0)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    households = models.PositiveIntegerField(_("户数"), default=0)
    persons = models.PositiveIntegerField(_("人数"), default=0)
    upgraded = models.PositiveIntegerField(_("升级的15位身份证号"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    errors = models.JSONField(_("错误（前200条）"), default=list, blank=True)
    report_path = models.CharField(max_length=255, blank=True, editable=False)  # relative to MEDIA_ROOT
    message = models.TextField(_("说明"), blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.INVALID, self.Status.FAILED)
