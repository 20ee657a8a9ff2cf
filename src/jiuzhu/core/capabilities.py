"""The vocabulary of what a user may do. It stands in core so that every app, the lowest included, can
name the capability it checks; which role holds which capability is the accounts app's business
(accounts.models.ROLE_CAPABILITIES)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Capability(models.TextChoices):
    """What a role may do; checked by services and views. Region scope is checked separately."""

    EDIT_REGISTRY = "edit_registry", _("登记和修改家庭")
    IMPORT_REGISTRY = "import_registry", _("批量导入")
    EXPORT_REGISTRY = "export_registry", _("导出名册")
    MANAGE_REGIONS = "manage_regions", _("管理行政区划")
    MANAGE_USERS = "manage_users", _("管理用户")
    MANAGE_PARAMETERS = "manage_parameters", _("管理标准与参数")
    # Reading the county-wide effect of a standard before or after it is set: the admin who sets it and
    # the approver who confirms the amounts and budgets the payroll.
    VIEW_IMPACT = "view_impact", _("提标影响测算")
    VIEW_AUDIT = "view_audit", _("查看审计日志")
    SUBMIT_CASE = "submit_case", _("代为提交救助申请")
    ACCEPT_CASE = "accept_case", _("受理救助申请")
    INVESTIGATE = "investigate", _("入户调查与经济状况核对")
    TOWNSHIP_OPINION = "township_opinion", _("签署乡镇审核意见")
    PUBLISH_NOTICE = "publish_notice", _("张贴公示")
    CONFIRM_CASE = "confirm_case", _("审核确认或不予确认")
    REVIEW_ENTITLEMENT = "review_entitlement", _("动态管理复核")
    EMERGENCY_AID = "emergency_aid", _("急难型临时救助先行发放")
    # The month's money (资金发放): one person generates the payroll, another checks it, the county approves it
    # and hands the bank its file; nobody both makes and checks the same payroll (the services enforce it).
    GENERATE_PAYROLL = "generate_payroll", _("生成发放批次")
    CHECK_PAYROLL = "check_payroll", _("复核发放批次")
    APPROVE_PAYROLL = "approve_payroll", _("审批发放批次")
    EXPORT_BANK_FILE = "export_bank_file", _("导出银行代发文件与导入回盘")
    VIEW_PAYROLL = "view_payroll", _("查看资金发放")
    # Cross-checks (数据比对): the county imports the other departments' lists and runs the rules; the township
    # verifies each finding and acts on it.
    RUN_MATCHING = "run_matching", _("导入外部数据并运行比对")
    VERIFY_FINDING = "verify_finding", _("核实和整改疑似问题")
    VIEW_FINDINGS = "view_findings", _("查看疑似问题台账")
    # Low-income monitoring (低收入人口动态监测).
    MANAGE_MONITORING = "manage_monitoring", _("监测预警与帮扶措施")
    VIEW_MONITORING = "view_monitoring", _("查看监测对象")
    # Statistics and targets.
    VIEW_REPORTS = "view_reports", _("查看统计报表")
    MANAGE_TARGETS = "manage_targets", _("设置年度目标任务")
    # Complaints and reports (投诉举报): anyone at a desk records one, the county assigns and closes, the
    # assigned office investigates and answers.
    RECORD_GRIEVANCE = "record_grievance", _("登记投诉举报")
    HANDLE_GRIEVANCE = "handle_grievance", _("调查答复投诉举报")
    ASSIGN_GRIEVANCE = "assign_grievance", _("分派和办结投诉举报")
    VIEW_GRIEVANCES = "view_grievances", _("查看投诉举报")
    # Charity (慈善救助): the charity office records donations and proposes disbursements, the county approves.
    MANAGE_CHARITY = "manage_charity", _("登记捐赠与慈善支出")
    APPROVE_CHARITY = "approve_charity", _("审批慈善支出")
    VIEW_CHARITY = "view_charity", _("查看慈善账目")
