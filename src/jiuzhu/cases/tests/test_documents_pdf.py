"""The printed notice and approval form, rasterised: Chinese must render (a human looks at the PNGs in
var/screenshots/ too: cases-notice.png, cases-approval-form.png, cases-refusal.png)."""

import subprocess

from jiuzhu.cases import documents, services
from jiuzhu.cases.models import Status
from jiuzhu.cases.tests.conftest import TODAY, at_state
from jiuzhu.core.tests.test_pdf import ink_ratio, rasterise


def pdf_text(pdf: bytes, tmp_path) -> str:
    src = tmp_path / "t.pdf"
    src.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(src), "-"], capture_output=True, text=True, check=True).stdout


def test_the_printed_notice_shows_masked_names_in_chinese(tmp_path, new_case, head_a):
    case = at_state(new_case(), Status.NOTICE, opinion_by=head_a)
    pdf = documents.notice_pdf(case.notice_entries.get().notice)
    png = rasterise(pdf, tmp_path, "cases-notice")
    assert ink_ratio(png) > 0.005
    text = pdf_text(pdf, tmp_path)
    assert "社会救助审核公示" in text and "王*国" in text and "王建国" not in text


def test_the_approval_form_prints_the_calculation(tmp_path, new_case, head_a, approver):
    case = at_state(new_case(), Status.NOTICE, opinion_by=head_a)
    case = services.case_confirm(actor=approver, case=case, on=TODAY)
    pdf = documents.approval_form_pdf(case)
    png = rasterise(pdf, tmp_path, "cases-approval-form")
    assert ink_ratio(png) > 0.005
    text = pdf_text(pdf, tmp_path)
    assert "审核审批表" in text and "测算过程" in text and "低保标准" in text and "2025年07月" in text


def test_the_refusal_notice_states_the_reasons(tmp_path, new_case, head_a, approver):
    case = at_state(new_case(), Status.NOTICE, opinion_by=head_a)
    case = services.case_refuse(actor=approver, case=case, reasons="家庭人均收入高于当地低保标准", on=TODAY)
    pdf = documents.refusal_notice_pdf(case)
    rasterise(pdf, tmp_path, "cases-refusal")
    assert "家庭人均收入高于当地低保标准" in pdf_text(pdf, tmp_path).replace("\n", "")


def test_the_approval_form_keeps_its_signatures_with_the_opinions(tmp_path, new_case, head_a, approver):
    """However long the township's opinion, the signature block shares its page with the 审核意见 it closes."""
    from jiuzhu.core.tests.test_pdf import beside_the_signatures, page_texts

    case = at_state(new_case(), Status.NOTICE, opinion_by=head_a)
    case = services.case_confirm(actor=approver, case=case, on=TODAY)
    labels = ["乡镇人民政府（街道办事处）", "县民政局"]
    page_counts = set()
    for n in range(0, 2600, 80):
        case.opinion_text = "经入户调查和经济状况核对，家庭人均收入低于当地低保标准，符合条件。" * (n // 32) + "同意。"
        pdf = documents.approval_form_pdf(case)
        pages = page_texts(pdf, tmp_path)
        page_counts.add(len(pages))
        assert [i for i, p in enumerate(pages) if "（签章）" in p] == [len(pages) - 1], n
        last = pages[-1]
        assert beside_the_signatures(last, labels), f"opinion of {n} characters: signatures alone on the last page"
        if len(pages) > 1:
            assert "审批人" in last, n  # the end of the 审核意见 goes with the signatures
    assert {1, 2} <= page_counts or {2, 3} <= page_counts  # the sweep crossed a page boundary
