"""Certificate PDFs from the bulk path: each split PDF states its own holder only, is
text-extractable, embeds the CJK font, and its QR code decodes to its verification URL;
names outside the font cut come from the full font, names no font can draw are refused."""

from __future__ import annotations

import logging
import subprocess

import pytest
import zxingcpp
from PIL import Image

from lti_tool.certificates import fonts, pdf


def face(i: int, name: str) -> pdf.Face:
    return pdf.Face(number=f"AT2026{i:07d}", holder_name=name, employee_number=f"E{i}",
                    course_title_zh="故障诊断与维修", course_title_en="Fault diagnosis and repair",
                    issued="2026-11-23", valid_until=None, hours="8",
                    verify_url=f"https://training.example.com/verify/{i:032x}")


def text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout
    return out.decode()


def embedded_fonts(data: bytes) -> list[str]:
    out = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return [line for line in out.splitlines()[2:] if line.strip()]


def qr_codes(data: bytes, folder) -> list[str]:
    subprocess.run(["pdftoppm", "-r", "100", "-png", "-singlefile", "-", str(folder / "page")], input=data,
                   check=True)
    with Image.open(folder / "page.png") as page:
        return [code.text for code in zxingcpp.read_barcodes(page)]


def test_each_pdf_of_a_batch_states_its_own_holder_and_its_qr_code_decodes_to_its_url(caplog, tmp_path):
    faces = [face(1, "张伟伟"), face(2, "欧阳明月"), face(3, "Zhāng Lǜ")]
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        datas = pdf.render_many(faces)
    assert len(datas) == 3 and not [r for r in caplog.records if ".notdef" in r.getMessage()]
    for i, (data, shown) in enumerate(zip(datas, faces, strict=True)):
        words = text(data)
        assert shown.holder_name in words and shown.number in words and "长期有效" in words
        assert all(other.holder_name not in words and other.number not in words for other in faces if other != shown)
        assert qr_codes(data, tmp_path) == [shown.verify_url]
        [font] = embedded_fonts(data)  # one face, the cut: CJK, embedded, subset
        assert "Certificate-Serif-CJK-SC" in font and " yes yes yes " in font, font
        assert len(data) < 80_000, (i, len(data))  # was ~155 KB from the full system font


def test_a_name_outside_the_cut_is_drawn_from_the_full_font():
    assert ord("堃") not in fonts.fonts().cut_chars  # GBK, not GB 2312
    [data] = pdf.render_many([face(4, "王堃")])
    assert "王堃" in text(data)
    names = " ".join(embedded_fonts(data))
    assert "Certificate-Serif-CJK-SC" in names and "Noto-Serif-CJK-SC" in names


def test_a_name_no_font_can_draw_is_refused_not_rendered_as_empty_boxes():
    unknown = "\U000e01ef\u0d81"  # a variation selector outside every font here, Sinhala
    assert fonts.fonts().missing("张" + unknown) == "".join(sorted(unknown))
    with pytest.raises(pdf.RenderError, match="AT20260000005"):
        pdf.render_many([face(1, "张伟"), face(5, "张" + unknown)])
    assert len(pdf.render_many([face(1, "张伟")])) == 1  # the others render on their own (store retries one by one)


def test_the_cut_holds_gb2312_latin_and_the_template_and_is_far_smaller_than_the_system_font():
    cut = fonts.fonts()
    template = fonts.TEMPLATE.read_text(encoding="utf-8")
    wanted = "结业证书兹证明工号扫码验证换发自ǜāé" + template
    assert {ord(ch) for ch in wanted if not ch.isspace()} <= cut.cut_chars
    assert len([c for c in cut.cut_chars if 0x4E00 <= c <= 0x9FFF]) >= 6763
    source, _index = fonts.system_font()
    assert cut.cut.stat().st_size < source.stat().st_size / 5
