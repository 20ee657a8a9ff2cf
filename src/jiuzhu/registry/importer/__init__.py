"""Bulk import and export of the household roster (家庭成员花名册).

The file is a village's roster as clerks keep it: one row per PERSON, the household columns repeated on
each row (or filled on the head's row only). Every row is checked before anything is written, with
column expressions over the whole file rather than a loop of ORM calls, so 100 000 persons validate in a
few seconds; then the frames go to `households_bulk_create`, which writes all or nothing.

How rows are grouped into families, in this order:
1. 户编号, when filled: rows sharing it are one family (it must be a jiuzhu number, 村代码 + 5 digits).
2. 户主身份证号, when filled: rows naming the same head are one family with that head's row.
3. Otherwise position: a member row belongs to the nearest 户主 row above it (a roster lists the head,
   then the members), and joins whatever family that head's row was given by 1 or 2.

The rooms: `columns` (the columns, declared once), `parsing` (one parser per column kind), `families`
(rows into families, 户编号), `importing` (the all-or-nothing import), `template` and `export`.
"""

from jiuzhu.registry.importer.columns import BY_KEY, COLUMNS, HOUSEHOLD_COLUMNS, Column, choice_labels, choice_map
from jiuzhu.registry.importer.export import EXPORT_HEADERS, ExportResult, roster_export, roster_rows
from jiuzhu.registry.importer.importing import ImportResult, Progress, household_import
from jiuzhu.registry.importer.template import import_template_xlsx

__all__ = [
    "BY_KEY",
    "COLUMNS",
    "EXPORT_HEADERS",
    "HOUSEHOLD_COLUMNS",
    "Column",
    "ExportResult",
    "ImportResult",
    "Progress",
    "choice_labels",
    "choice_map",
    "household_import",
    "import_template_xlsx",
    "roster_export",
    "roster_rows",
]
