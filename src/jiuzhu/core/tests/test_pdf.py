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
