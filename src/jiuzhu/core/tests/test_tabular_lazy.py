"""A lazily translated label in a row is written as its text (the findings export failed on 高/中/低)."""

from django.utils.translation import gettext_lazy

from jiuzhu.core.tabular import safe_cell, write_xlsx


def test_a_lazy_label_is_written_as_text(tmp_path):
    assert safe_cell(gettext_lazy("高")) == "高"
    path = write_xlsx(tmp_path / "x.xlsx", ["严重程度"], [[gettext_lazy("高")]])
    from openpyxl import load_workbook

    assert load_workbook(path).active["A2"].value == "高"
