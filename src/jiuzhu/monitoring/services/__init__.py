"""Every write of the monitoring app, named after the business step: the scan (candidates found and levels
recomputed in bulk), the poverty register's enrolment, and a caseworker's re-assessment, elimination and
measures on one monitored household."""

from jiuzhu.monitoring.services.household import (
    measure_add,
    monitored_eliminate,
    monitored_reassess,
    monitoring_recompute,
)
from jiuzhu.monitoring.services.scan import (
    RegisterResult,
    ScanResult,
    monitoring_scan,
    poverty_register_enrol,
)

__all__ = [
    "RegisterResult",
    "ScanResult",
    "measure_add",
    "monitored_eliminate",
    "monitored_reassess",
    "monitoring_recompute",
    "monitoring_scan",
    "poverty_register_enrol",
]
