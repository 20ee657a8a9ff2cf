"""`jiuzhu demo`: migrate, build a synthetic county (unless one is there), print the logins and serve it."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from jiuzhu.demo.services import DemoError, demo_build, demo_logins, demo_reset, demo_state


class Command(BaseCommand):
    help = _(
        "生成一个演示县（磐安县：乡镇、村社区、家庭和成员、各角色登录账号）并启动网站。"
        "数据库中已有完整的演示县时直接启动；--reset 先清空数据库（SQLite 文件直接删除，其他数据库用 flush），"
        "数据库中有演示县以外的数据时拒绝清空。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--households", type=int, default=20_000, help=_("家庭户数（默认 20000）"))
        parser.add_argument("--seed", type=int, default=1, help=_("随机种子：同一种子生成相同的数据（默认 1）"))
        parser.add_argument("--no-serve", action="store_true", help=_("只生成数据，不启动网站"))
        parser.add_argument("--reset", action="store_true", help=_("先清空数据库再重建演示县"))
        parser.add_argument("--addr", default="127.0.0.1:8000", help=_("网站监听地址（默认 127.0.0.1:8000）"))

    def handle(self, *args: Any, **options: Any) -> None:
        households: int = options["households"]
        if households < 1:
            raise CommandError(_("--households 至少为 1"))
        if not options["no_serve"]:
            self._check_addr(options["addr"])  # before a build that may take minutes
        started = time.perf_counter()
        self._migrate()
        try:
            if options["reset"]:
                demo_reset()
                self.stdout.write(_("已清空数据库"))
                self._migrate()
            state = demo_state()
            if state == "occupied":
                raise CommandError(
                    _(
                        "数据库中已有数据，但不是完整的演示县（也许上次生成被中断）。"
                        "请加 --reset 清空后重建，或换一个 JIUZHU_DATA_DIR。"
                    )
                )
            if state == "complete":
                self.stdout.write(_("数据库中已有演示县，直接使用（要重新生成请加 --reset）。"))
            else:
                self._build(households, options["seed"])
        except DemoError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(_("总用时 %(s).1f 秒") % {"s": time.perf_counter() - started})
        self._print_logins(options["addr"])
        if not options["no_serve"]:
            self._serve(options["addr"])

    def _migrate(self) -> None:
        t = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(_("数据库迁移完成（%(s).1f 秒）") % {"s": time.perf_counter() - t})

    def _build(self, households: int, seed: int) -> None:
        labels = {
            "generate": _("生成数据"),
            "regions": _("写入行政区划"),
            "households": _("写入家庭和成员"),
            "cases": _("载入标准参数、生成救助申请"),
            "users": _("创建账号"),
            "intake": _("乡镇窗口：补正材料与不予受理"),
            "payroll": _("生成资金发放批次"),
            "grievances": _("生成投诉举报"),
            "reports": _("生成统计快照和目标任务"),
            "monitoring": _("低收入人口监测筛查"),
            "matching": _("导入外部数据、运行数据比对"),
            "charity": _("生成慈善捐赠与支出"),
            "portal": _("生成网上申请"),
            "review_proposals": _("生成乡镇复核提请"),
            "evaluations": _("测算并保存各户救助资格"),
        }
        self.stdout.write(_("正在生成演示县：%(n)d 户，随机种子 %(s)d …") % {"n": households, "s": seed})
        bar = tqdm(total=households, unit=_("户"), desc=_("写入家庭"), disable=None, file=sys.stderr)
        try:
            report = demo_build(
                households=households,
                seed=seed,
                today=timezone.localdate(),
                progress=bar.update,
                on_step=lambda name: bar.write(labels[name]) if name != "households" else None,
            )
        finally:
            bar.close()
        for name, label in labels.items():
            self.stdout.write(_("  %(l)s：%(s).1f 秒") % {"l": label, "s": report.seconds.get(name, 0.0)})
        self.stdout.write(
            _("已生成 %(r)d 个行政区划、%(h)d 户、%(p)d 人。")
            % {"r": report.regions, "h": report.households, "p": report.persons}
        )
        self.stdout.write(
            _("载入标准参数 %(n)d 项；救助申请 %(c)d 件（各办理环节均有，部分已逾期）。")
            % {"n": report.parameters, "c": sum(report.cases.values())}
        )
        self.stdout.write(
            _("资金发放：%(p)s（上月已对账，本月待复核）。")
            % {"p": "，".join(_("%(m)s 共 %(n)d 笔") % {"m": m, "n": n} for m, n in report.payrolls.lines.items())}
        )
        self.stdout.write(
            _("统计报表：%(m)d 个月的统计快照（%(r)d 行），年度目标任务 %(t)d 项。")
            % {k: report.reports.get(name, 0) for k, name in (("m", "months"), ("r", "rows"), ("t", "targets"))}
        )
        money = report.payrolls
        self.stdout.write(
            _(
                "  接入前在册低保 %(o)d 户；上月银行回盘失败 %(f)d 笔：已更正账号 %(k)d 户，待更正 %(w)d 户；"
                "提标调高待遇 %(u)d 项；发放后发现死亡 %(d)d 人；上月价格临时补贴 %(j)d 笔，"
                "退回后本月重发一次性发放 %(r)d 笔。"
            )
            % {
                "o": money.roll,
                "f": money.failed,
                "k": money.corrected,
                "w": money.waiting,
                "u": money.raised,
                "d": money.deaths,
                "j": money.jiage,
                "r": money.repaid_one_off,
            }
        )
        self.stdout.write(
            _("  本月批次：按月发放 %(r)d 笔，补发 %(b)d 笔，扣回 %(x)d 笔，列入追缴 %(c)d 笔。")
            % {
                "r": money.kinds.get("regular", 0),
                "b": money.kinds.get("backpay", 0),
                "x": money.kinds.get("recovery", 0),
                "c": money.collections,
            }
        )

    def _print_logins(self, addr: str) -> None:
        logins = demo_logins()
        headers = (_("角色"), _("账号"), _("密码"), _("所属区划"))
        rows = [headers, *((x.role, x.username, x.password, x.region) for x in logins)]
        widths = [max(_width(r[i]) for r in rows) for i in range(4)]
        self.stdout.write("")
        self.stdout.write(_("演示账号："))
        for row in rows:
            self.stdout.write("  " + "  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip())
        self.stdout.write("")
        self.stdout.write(_("网址：http://%(a)s/") % {"a": addr})

    def _check_addr(self, addr: str) -> None:
        host, _sep, port = addr.rpartition(":")
        if not port.isdigit():
            raise CommandError(_("--addr 应为 主机:端口，例如 127.0.0.1:8000"))
        if not _port_free(host or "127.0.0.1", int(port)):
            raise CommandError(_("地址 %(a)s 已被占用：请先停止占用它的程序，或用 --addr 换一个端口") % {"a": addr})

    def _serve(self, addr: str) -> None:
        """The development server in this process and the background-task worker beside it, stopped together."""
        self._check_addr(addr)
        worker = None
        # A plain `kill` must also stop the worker: turn SIGTERM into an exit that runs the finally below.
        signal.signal(signal.SIGTERM, lambda _sig, _frame: sys.exit(0))
        if "DatabaseBackend" in settings.TASKS["default"]["BACKEND"]:
            # The worker runs the web page's long jobs (imports, recomputes) queued in the database.
            worker = subprocess.Popen(
                [sys.executable, "-m", "jiuzhu", "db_worker"], env=os.environ.copy(), preexec_fn=_die_with_parent
            )
        try:
            call_command("runserver", addr, use_reloader=False)
        finally:
            if worker is not None:
                worker.terminate()
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()


def _port_free(host: str, port: int) -> bool:
    # runserver leaves with os._exit() when it cannot bind, which skips every cleanup: check first.
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        try:
            sock.bind((host.strip("[]"), port))
        except OSError:
            return False
    return True


def _die_with_parent() -> None:
    """In the worker, before it starts: on Linux ask for SIGTERM when the demo process ends, however it ends."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters are two wide."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))
