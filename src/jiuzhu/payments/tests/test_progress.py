"""Live progress of the long runs started from the web (issue #9): the payroll generation and the 提标 apply
report a percentage that moves as they work; the job stores it while it runs, beside its one transaction,
and the job page polls it as JSON."""

import datetime as dt

import pytest
from django.db import connection, connections, transaction  # noqa: F401  (connection: the skipif conditions)
from django.urls import reverse

from jiuzhu.payments import services
from jiuzhu.payments.models import PayrollJob
from jiuzhu.payments.progress import job_progress, job_progress_read, job_progress_save
from jiuzhu.payments.tasks import payroll_generate_job, recompute_job
from jiuzhu.payments.tests.test_recompute import KEY, raise_standard
from jiuzhu.payments.tests.test_views_payroll import login

D = dt.date.fromisoformat


class Heard(list[tuple[int, str]]):
    def __call__(self, percent: int, stage: str) -> None:
        self.append((percent, stage))


def assert_moves(heard: Heard) -> None:
    percents = [p for p, _ in heard]
    assert percents == sorted(percents), percents  # never goes back
    assert percents[0] <= 5 and percents[-1] == 100
    assert len(set(percents)) >= 5  # moves, in steps, not just 0 → 100
    assert all(stage for _, stage in heard)  # every step is named


def test_generating_a_payroll_reports_a_moving_percentage(county, paying, approver):
    heard = Heard()
    payroll = services.payroll_generate(actor=approver, month=D("2026-12-01"), region=county.county, progress=heard)
    assert payroll.line_count == 5
    assert_moves(heard)
    assert any(40 < p < 100 and stage == "写入发放明细" for p, stage in heard)


def test_the_recompute_reports_a_moving_percentage(standards, dibao, admin):
    raise_standard(standards, admin, "600")
    heard = Heard()
    result = services.entitlements_recompute(
        actor=admin, key=KEY, region=standards.county, effective_from=D("2026-04-01"), progress=heard
    )
    assert result.raised == 1
    assert_moves(heard)


def job(user, region, **kw):
    return PayrollJob.objects.create(user=user, region=region, region_code=region.code, month=D("2026-12-01"), **kw)


@pytest.mark.django_db(transaction=True)
def test_progress_outside_a_transaction_is_the_job_row(county, approver):
    j = job(approver, county.county)
    report = job_progress(j.pk)
    report(30, "读取待遇")
    report(30, "读取待遇")  # the same again writes nothing new
    j.refresh_from_db()
    assert (j.percent, j.stage) == (30, "读取待遇")
    job_progress_save(j.pk, 250, "x")  # clipped: the row's constraint allows 0..100
    j.refresh_from_db()
    assert j.percent == 100


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_progress_inside_the_generation_transaction_is_seen_on_sqlite(county, approver):
    """SQLite has one writer: inside the payroll's transaction the worker writes its progress beside it."""
    j = job(approver, county.county, status=PayrollJob.Status.RUNNING)
    with transaction.atomic():
        job_progress_save(j.pk, 64, "写入发放明细")
        j.refresh_from_db()
        assert j.percent == 0  # the row is not touched inside the transaction
    assert job_progress_read(j) == (64, "写入发放明细")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_progress_inside_the_generation_transaction_is_seen_on_postgresql(county, approver):
    """Another connection (the page's) sees the percentage while the generating transaction is still open."""
    j = job(approver, county.county, status=PayrollJob.Status.RUNNING)
    with transaction.atomic():
        job_progress_save(j.pk, 64, "写入发放明细")
        own = connections["default"]
        other = type(own)(dict(own.settings_dict), "default")
        try:
            with other.cursor() as cur:
                cur.execute("SELECT percent, stage FROM payments_payrolljob WHERE id = %s", [j.pk])
                assert cur.fetchone() == (64, "写入发放明细")
        finally:
            other.close()


def test_a_job_ends_at_100_with_its_payroll(county, paying, approver):
    j = job(approver, county.county)
    payroll_generate_job.enqueue(j.pk)
    j.refresh_from_db()
    assert (j.status, j.percent, j.stage) == (PayrollJob.Status.DONE, 100, "")
    assert j.payroll is not None and j.payroll.line_count == 5


def test_the_job_page_shows_the_percentage_and_polls_it(client, county, approver, caseworker_a):
    j = job(approver, county.county, status=PayrollJob.Status.RUNNING, percent=42, stage="写入发放明细")
    login(client, approver)
    page = client.get(reverse("payments:job", args=[j.pk])).content.decode()
    assert 'value="42"' in page and "42%" in page and "写入发放明细" in page
    assert "payments/job.js" in page and reverse("payments:job_progress", args=[j.pk]) in page
    answer = client.get(reverse("payments:job_progress", args=[j.pk])).json()
    assert answer == {
        "status": "running",
        "status_label": "执行中",
        "percent": 42,
        "stage": "写入发放明细",
        "message": "",
        "done_url": "",
    }
    PayrollJob.objects.filter(pk=j.pk).update(percent=77)
    assert client.get(reverse("payments:job_progress", args=[j.pk])).json()["percent"] == 77
    # Someone else's job is not found.
    login(client, caseworker_a)
    assert client.get(reverse("payments:job_progress", args=[j.pk])).status_code == 404


def test_the_recompute_runs_as_a_job_and_its_page_shows_the_result(client, standards, dibao, admin):
    raise_standard(standards, admin, "600")
    login(client, admin)
    answer = client.post(reverse("payments:recompute"), {"effective_from": "2026-04-01"})
    j = PayrollJob.objects.get(kind=PayrollJob.Kind.RECOMPUTE)
    assert answer.status_code == 302 and answer["Location"] == reverse("payments:job", args=[j.pk])
    assert (j.status, j.percent, j.key, j.effective_from) == ("done", 100, KEY, D("2026-04-01"))
    progress = client.get(reverse("payments:job_progress", args=[j.pk])).json()
    assert progress["done_url"] == reverse("payments:job", args=[j.pk])
    page = client.get(answer["Location"]).content.decode()
    assert "调高 1 项待遇" in page
    recompute_job.enqueue(j.pk)  # a second run of a finished job does nothing
    assert PayrollJob.objects.get(pk=j.pk).result == j.result
