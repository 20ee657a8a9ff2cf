from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuzhu.core.capabilities import Capability
from jiuzhu.core.models import ChoiceLabels
from jiuzhu.regions.models import Level, Region

__all__ = ["ROLE_CAPABILITIES", "ROLE_LEVEL", "ApiToken", "Capability", "Role", "User"]


class Role(models.TextChoices):
    VILLAGE_CLERK = "village_clerk", _("村居经办")
    TOWNSHIP_CASEWORKER = "township_caseworker", _("乡镇经办")
    TOWNSHIP_HEAD = "township_head", _("乡镇审核")
    COUNTY_APPROVER = "county_approver", _("县级审批")
    COUNTY_ADMIN = "county_admin", _("县级管理员")
    AUDITOR = "auditor", _("监督审计")
    CHARITY_OFFICER = "charity_officer", _("慈善工作人员")


# The level of region each role is bound to.
ROLE_LEVEL = {
    Role.VILLAGE_CLERK: Level.VILLAGE,
    Role.TOWNSHIP_CASEWORKER: Level.TOWNSHIP,
    Role.TOWNSHIP_HEAD: Level.TOWNSHIP,
    Role.COUNTY_APPROVER: Level.COUNTY,
    Role.COUNTY_ADMIN: Level.COUNTY,
    Role.AUDITOR: Level.COUNTY,
    Role.CHARITY_OFFICER: Level.COUNTY,
}


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.VILLAGE_CLERK: frozenset(
        {Capability.EDIT_REGISTRY, Capability.SUBMIT_CASE, Capability.VIEW_MONITORING, Capability.RECORD_GRIEVANCE}
    ),
    Role.TOWNSHIP_CASEWORKER: frozenset(
        {
            Capability.EDIT_REGISTRY,
            Capability.IMPORT_REGISTRY,
            Capability.EXPORT_REGISTRY,
            Capability.SUBMIT_CASE,
            Capability.ACCEPT_CASE,
            Capability.INVESTIGATE,
            Capability.PUBLISH_NOTICE,
            Capability.REVIEW_ENTITLEMENT,
            Capability.EMERGENCY_AID,
            Capability.VIEW_PAYROLL,
            Capability.VERIFY_FINDING,
            Capability.VIEW_FINDINGS,
            Capability.MANAGE_MONITORING,
            Capability.VIEW_MONITORING,
            Capability.VIEW_REPORTS,
            Capability.RECORD_GRIEVANCE,
            Capability.HANDLE_GRIEVANCE,
            Capability.VIEW_GRIEVANCES,
        }
    ),
    Role.TOWNSHIP_HEAD: frozenset(
        {
            Capability.EXPORT_REGISTRY,
            Capability.TOWNSHIP_OPINION,
            Capability.PUBLISH_NOTICE,
            # The head records a review's finding and proposes a change or stop to the county, as the caseworker.
            Capability.REVIEW_ENTITLEMENT,
            Capability.VIEW_PAYROLL,
            Capability.VIEW_FINDINGS,
            Capability.VIEW_MONITORING,
            Capability.VIEW_REPORTS,
            Capability.VIEW_GRIEVANCES,
        }
    ),
    # The county investigates the applications of staff relatives itself ([57]), hence INVESTIGATE.
    Role.COUNTY_APPROVER: frozenset(
        {
            Capability.EXPORT_REGISTRY,
            Capability.INVESTIGATE,
            Capability.CONFIRM_CASE,
            Capability.REVIEW_ENTITLEMENT,
            Capability.VIEW_IMPACT,
            Capability.GENERATE_PAYROLL,
            Capability.CHECK_PAYROLL,
            Capability.APPROVE_PAYROLL,
            Capability.EXPORT_BANK_FILE,
            Capability.VIEW_PAYROLL,
            Capability.RUN_MATCHING,
            Capability.VERIFY_FINDING,
            Capability.VIEW_FINDINGS,
            Capability.MANAGE_MONITORING,
            Capability.VIEW_MONITORING,
            Capability.VIEW_REPORTS,
            Capability.RECORD_GRIEVANCE,
            Capability.HANDLE_GRIEVANCE,
            Capability.ASSIGN_GRIEVANCE,
            Capability.VIEW_GRIEVANCES,
            Capability.APPROVE_CHARITY,
            Capability.VIEW_CHARITY,
        }
    ),
    Role.COUNTY_ADMIN: frozenset(
        {
            Capability.EDIT_REGISTRY,
            Capability.IMPORT_REGISTRY,
            Capability.EXPORT_REGISTRY,
            Capability.MANAGE_REGIONS,
            Capability.MANAGE_USERS,
            Capability.MANAGE_PARAMETERS,
            Capability.VIEW_IMPACT,
            # The county admin may prepare or check a payroll (maker-checker needs two people at the county);
            # approving the money stays with the approver.
            Capability.GENERATE_PAYROLL,
            Capability.CHECK_PAYROLL,
            Capability.VIEW_PAYROLL,
            Capability.VIEW_FINDINGS,
            Capability.VIEW_MONITORING,
            Capability.VIEW_REPORTS,
            Capability.MANAGE_TARGETS,
            Capability.VIEW_GRIEVANCES,
            Capability.VIEW_CHARITY,
        }
    ),
    Role.AUDITOR: frozenset(
        {
            Capability.VIEW_AUDIT,
            Capability.VIEW_PAYROLL,
            Capability.VIEW_FINDINGS,
            Capability.VIEW_MONITORING,
            Capability.VIEW_REPORTS,
            Capability.VIEW_GRIEVANCES,
            Capability.VIEW_CHARITY,
        }
    ),
    # The county's charity office (慈善总会/慈善工作站) keeps the donations and proposes the disbursements.
    Role.CHARITY_OFFICER: frozenset(
        {Capability.MANAGE_CHARITY, Capability.VIEW_CHARITY, Capability.VIEW_REPORTS, Capability.RECORD_GRIEVANCE}
    ),
}


class User(ChoiceLabels, AbstractUser):
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name=_("所属区划"),
    )
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    # "Show in full" is granted person by person by the county admin, never implied by a role.
    can_reveal_pii = models.BooleanField(_("可查看完整身份证号、电话、账号"), default=False)
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    def has_capability(self, capability: Capability) -> bool:
        return self.is_active and capability in ROLE_CAPABILITIES.get(self.role, frozenset())

    @property
    def scope_prefix(self) -> str | None:
        """The region-code prefix of everything this user may see; None means nothing."""
        if self.region_id is None or not self.role:
            return None
        return self.region.prefix  # type: ignore[union-attr]

    @property
    def is_county_level(self) -> bool:
        return self.region is not None and self.region.level <= Level.COUNTY


class ApiToken(models.Model):
    """A bearer token for the HTTP API. Only its hash is stored; the key is shown once when created."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("用户"))
    name = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(_("已吊销"), default=False)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"


class LoginThrottle(models.Model):
    """Password attempts for one (username as typed, client address): counted before the password is checked,
    by one conditional UPDATE, so parallel guesses cannot get past the limit; locked for a while once the limit
    is reached. Keyed by address too, so nobody can lock a colleague out from elsewhere; and by the name as
    typed, known or not, so that a lock does not tell whether an account exists."""

    key = models.CharField(max_length=64, unique=True)  # sha256 of username and address
    address = models.CharField(max_length=45, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"LoginThrottle {self.address} {self.attempts}"
