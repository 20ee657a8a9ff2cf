"""Every programme, one entry each, in the order a caseworker reads them (POLICY.md).

To add a per-person monthly programme: write its entry (a module here, like elderly.py), list it below,
declare its parameters in params.py and policy/defaults/parameters.yaml, and add its golden file.
"""

from __future__ import annotations

from jiuzhu.policy.rules.entry import Program
from jiuzhu.policy.rules.programs import children, dibao, disability, elderly, occasional, tekun

PROGRAMS: tuple[Program, ...] = (
    dibao.URBAN,
    dibao.RURAL,
    tekun.CENTRAL,
    tekun.DISPERSED,
    occasional.LINSHI,
    occasional.YILIAO,
    disability.SHENGHUO,
    disability.HULI,
    elderly.GAOLING,
    elderly.LAONIAN,
    children.ERTONG,
    occasional.WEIWEN,
    occasional.JIAGE,
)
