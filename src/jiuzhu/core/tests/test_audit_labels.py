"""The audit log reads as staff read: every key an entry records is labelled, by its model's field or by the
labels the recording app registered, and summaries read as words (issue #10's auditor)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from jiuzhu.core.audit import audit_record
from jiuzhu.core.models import AuditAction


def _record(object_type: str, after: dict) -> None:
    audit_record(actor="system", action=AuditAction.UPDATE, object_type=object_type, object_id=1, summary="x",
                 after=after)  # fmt: skip


def test_the_audit_page_labels_every_key_it_shows(client, auditor):
    _record("payroll", {"layout": "yikatong", "paid": 120, "failed": 3, "reconciled": True})
    _record("monitored_household", {"level": "red", "factors": "因病"})  # a model named MonitoredHousehold
    _record("charity_donation", {"amount": "500.00"})  # charity's Donation
    _record("matching_run", {"dead_still_paid": {"found": 2, "new": 1}})
    client.force_login(auditor)
    html = client.get(reverse("core:audit")).content.decode()
    for raw in ("layout：", "paid：", "failed：", "factors：", "level：", "amount：", "dead_still_paid", "'found'"):
        assert raw not in html, raw
    labels = ("银行文件格式：", "发放成功笔数：120", "发放失败笔数：3", "风险因素：", "预警等级：", "发现 2", "新增 1")
    for label in labels:
        assert label in html, label
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        html = client.get(reverse("core:audit"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Lines paid" in html and "Lines failed" in html
