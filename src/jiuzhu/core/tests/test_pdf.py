import shutil
import subprocess
from pathlib import Path

import pytest

from jiuzhu.core.pdf import SHIPPED_FONT, Facts, FontMissing, Grid, Heading, Para, Signatures, find_cjk_font, render_pdf


def rasterise(pdf: bytes, tmp_path: Path, name: str) -> Path:
    """The first page as PNG at 80 dpi; also copied next to the screenshots for a human to look at."""
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) not installed")
    src = tmp_path / f"{name}.pdf"
    src.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", str(src), str(tmp_path / name)], check=True)
    png = next(tmp_path.glob(f"{name}*.png"))
    from jiuzhu.browser import SCREENSHOT_DIR

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    shutil.copy(png, SCREENSHOT_DIR / f"{name}.png")
    return png


def ink_ratio(png: Path) -> float:
    """Share of clearly non-white pixels: a page of boxes-or-nothing is almost all white."""
    from PIL import Image

    img = Image.open(png).convert("L")
    histogram = img.histogram()
    return sum(histogram[:160]) / (img.width * img.height)


def test_the_font_is_the_one_jiuzhu_ships_whatever_the_machine_has(monkeypatch):
    monkeypatch.delenv("JIUZHU_CJK_FONT", raising=False)
    assert find_cjk_font() == SHIPPED_FONT and SHIPPED_FONT.stat().st_size > 1_000_000


def test_a_configured_font_that_does_not_exist_is_named(monkeypatch):
    monkeypatch.setenv("JIUZHU_CJK_FONT", "/nowhere/font.ttf")
    with pytest.raises(FontMissing, match=r"/nowhere/font\.ttf"):
        find_cjk_font()


def test_a_chinese_pdf_embeds_its_font_and_renders(tmp_path):
    pdf = render_pdf(
        title="最低生活保障审核确认公示",
        subtitle="磐安县民政局",
        blocks=[
            Heading("一、基本情况"),
            Para("经入户调查和家庭经济状况核对，现将拟纳入最低生活保障的家庭予以公示。"),
            Facts([("申请人", "王*国"), ("保障人数", "3 人"), ("救助项目", "城市最低生活保障"), ("金额", "839 元/月")]),
            Grid(["序号", "姓名", "人数"], [["1", "王*国", "3"], ["2", "李*", "1"]], widths=[20, 60, 30]),
            Signatures(["乡镇人民政府", "县民政局"]),
        ],
    )
    assert pdf.startswith(b"%PDF")
    assert b"/FontFile2" in pdf  # an embedded TrueType font program
    assert b"STSong" not in pdf
    png = rasterise(pdf, tmp_path, "pdf-sample")
    assert png.stat().st_size > 5_000
    assert ink_ratio(png) > 0.01


def page_texts(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page, by pdftotext."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) not installed")
    src = tmp_path / "pages.pdf"
    src.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(src), "-"], capture_output=True, text=True, check=True).stdout
    return text.rstrip("\f").split("\f")


def beside_the_signatures(page: str, labels: list[str]) -> str:
    """What a page holds besides the signature block and the page number."""
    for noise in [*labels, "（签章）", "年", "月", "日", "第", "页"]:
        page = page.replace(noise, "")
    return "".join(c for c in page if not c.isspace() and not c.isdigit())


def test_the_signatures_never_stand_alone_on_a_page(tmp_path):
    """However long the text above them, the signatures share their page with the end of the section they
    close (the 审批表 had pushed its signature block alone onto page 2)."""
    labels = ["乡镇人民政府（街道办事处）", "县民政局"]
    pages_seen = set()
    for n in range(0, 1400, 35):
        pdf = render_pdf(
            title="审核审批表",
            blocks=[
                Facts([("申请编号", "SQ-1"), ("申请人", "王建国")]),
                Heading("一、情况"),
                Para("经入户调查核实。" * (n // 8 + 20)),
                Heading("四、审核意见"),
                Facts(
                    [("乡镇（街道）审核意见", "符合条件" * (n // 4 + 1)), ("审核人 / 日期", "张三 / 2025年07月01日")],
                    columns=1,
                ),
                Signatures(labels),
            ],
        )
        pages = page_texts(pdf, tmp_path)
        pages_seen.add(len(pages))
        signed = [i for i, page in enumerate(pages) if "（签章）" in page]
        assert signed == [len(pages) - 1], n
        assert beside_the_signatures(pages[-1], labels), f"opinion of {n}: the last page holds only the signatures"
        if len(pages) > 1:
            assert "审核人" in pages[-1] or "符合条件" in pages[-1], n
    assert {1, 2} <= pages_seen  # the sweep crossed the page boundary


def test_a_section_taller_than_a_page_still_ends_with_its_signatures(tmp_path):
    labels = ["县民政局"]
    for n in range(2400, 4200, 150):
        pdf = render_pdf(
            title="审核审批表",
            blocks=[
                Heading("四、审核意见"),
                Facts([("乡镇（街道）审核意见", "符合条件。" * (n // 5)), ("审核人 / 日期", "张三")], 1),
                Signatures(labels),
            ],
        )
        pages = page_texts(pdf, tmp_path)
        assert len(pages) >= 2
        assert "（签章）" in pages[-1] and beside_the_signatures(pages[-1], labels), n
