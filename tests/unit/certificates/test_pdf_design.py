"""The certificate's layout with a company's design: company name and logo at the top,
the signatories' row at the bottom with the seal over the first signature, the issuer
line in that row, the verification URL on one line at 8.5 pt; a long name and a long
course title still fit one page, every word of them there, clear of the bottom row."""

from __future__ import annotations

import re
import subprocess
from io import BytesIO

import pytest
from PIL import Image, ImageDraw

from lti_tool.certificates import images, pdf

LONG_EN = "Maximilian Alexander Konstantin Wellingto"  # 41 characters
LONG_ZH_COURSE = "汽车高压电气系统安全操作规范与新能源车辆动力电池故障诊断维修及售后服务标准流程实操培训课程"
LONG_EN_COURSE = ("Safe operation of automotive high-voltage electrical systems, fault diagnosis and repair of "
                  "traction batteries of new energy vehicles, and the standard after-sales service process")


def picture(kind: str) -> str:
    image = Image.new("RGBA", (400, 400) if kind == "seal" else (600, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if kind == "seal":
        draw.ellipse((10, 10, 390, 390), outline=(200, 0, 0, 255), width=20)
    else:
        draw.line((20, 150, 580, 40), fill=(20, 20, 80, 255), width=8)
    out = BytesIO()
    image.save(out, "PNG")
    shown = images.process(out.getvalue())
    return images.data_uri(shown.mime, shown.data)


def designed(holder: str, course_zh: str = "故障诊断与维修", course_en: str = "Fault diagnosis and repair",
             **values) -> pdf.Face:
    return pdf.Face(number="AT20260000042", holder_name=holder, employee_number="E1001", course_title_zh=course_zh,
                    course_title_en=course_en, issued="2026-12-08", valid_until="2027-12-08", hours="8",
                    verify_url="https://training.example.com/verify/vZC7NJWO_NCGOuYx_HHCJfK1_cq_6xIk",
                    company_name_zh="华东汽车服务有限公司", company_name_en="East China Automotive Service Co., Ltd.",
                    logo=picture("signature"), seal=picture("seal"),
                    signatories=(pdf.Signatory("王建国", "总经理 General Manager", picture("signature")),
                                 pdf.Signatory("李红梅", "培训部经理 Training Manager")),
                    primary_colour="#0f766e", accent_colour="#7c2d12", **values)


def words(data: bytes) -> list[tuple[str, float, float, float, float]]:
    """(word, x min, y min, x max, y max) in points, from pdftotext's bounding boxes."""
    out = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return [(w, float(x0), float(y0), float(x1), float(y1)) for x0, y0, x1, y1, w in
            re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]


def pages(data: bytes) -> int:
    out = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))


@pytest.mark.parametrize("holder, course_zh, course_en", [
    ("欧阳娜娜娜娜", "故障诊断与维修", "Fault diagnosis and repair"),
    (LONG_EN, LONG_ZH_COURSE, LONG_EN_COURSE),
    ("欧阳娜娜娜娜" * 4, LONG_ZH_COURSE, LONG_EN_COURSE),
])
def test_long_names_and_titles_fit_one_page_whole_and_clear_of_the_signatures(holder, course_zh, course_en):
    data = pdf.render_one(designed(holder, course_zh, course_en))
    assert pages(data) == 1
    found = words(data)
    joined = "".join(w for w, *_ in found)
    for wanted in (holder, course_zh, course_en, "华东汽车服务有限公司", "王建国", "李红梅", "AT20260000042"):
        assert wanted.replace(" ", "") in joined, wanted
    page_width = 842  # A4 landscape in points
    assert all(0 < x0 and x1 < page_width for _w, x0, _y0, x1, _y1 in found)
    issuer_top = min(y0 for w, _x0, y0, *_ in found if w.startswith("发证单位"))
    url_bottom = max(y1 for w, *_r, y1 in found if "/verify/" in w)
    course_bottom = max(y1 for w, *_r, y1 in found if w and w in course_en.split())
    assert course_bottom < url_bottom < issuer_top  # the flow ends above the bottom row
    signatory_tops = [y0 for w, _x0, y0, *_ in found if w in ("王建国", "李红梅")]
    assert len(signatory_tops) == 2 and abs(signatory_tops[0] - signatory_tops[1]) < 1  # one row
    assert min(signatory_tops) > issuer_top


def test_the_size_shrinks_with_the_length_and_stays_readable():
    assert pdf.fit_pt("欧阳娜娜娜娜", 28, 16) == 28
    long = pdf.fit_pt(LONG_EN, 28, 16)
    assert 16 <= long < 28
    assert pdf.fit_pt("娜" * 200, 28, 16) == 16  # the stylesheet wraps the rest
    assert designed(LONG_EN).holder_pt == long and designed("张伟").holder_pt == 28


def test_the_verification_url_is_one_line_at_a_legible_size():
    data = pdf.render_one(designed("张伟"))
    [url] = [(x0, y0, x1, y1) for w, x0, y0, x1, y1 in words(data) if "/verify/" in w]
    height_pt = url[3] - url[1]
    assert height_pt >= 8 * 1.1, height_pt  # pdftotext's box is the font's ascent + descent: ~1.4 em
    assert "vZC7NJWO_NCGOuYx_HHCJfK1_cq_6xIk" in [w.rsplit("/", 1)[-1] for w, *_ in words(data)]


def test_the_seal_lies_over_the_first_signature(tmp_path):
    data = pdf.render_one(designed("张伟"))
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-singlefile", "-", str(tmp_path / "page")], input=data,
                   check=True)
    found = words(data)
    [name] = [(x0, y0, x1, y1) for w, x0, y0, x1, y1 in found if w == "王建国"]
    with Image.open(tmp_path / "page.png") as page:
        scale = page.width / 842
        rgb = page.convert("RGB")
        # red of the seal's ring in the box above and around the first signatory's name
        box = (int((name[0] - 60) * scale), int((name[1] - 90) * scale), int((name[2] + 90) * scale),
               int((name[3] + 10) * scale))
        red = sum(1 for x in range(box[0], box[2]) for y in range(box[1], box[3])
                  if (lambda p: p[0] > 150 and p[1] < 110 and p[2] < 110)(rgb.getpixel((x, y))))
    assert red > 20, red


def test_without_a_design_the_certificate_keeps_the_default_issuer_and_a_signature_line():
    data = pdf.render_one(pdf.Face(number="AT20260000043", holder_name="张伟", employee_number="",
                                   course_title_zh="故障诊断与维修", course_title_en="Fault diagnosis", issued="2026-12-08",
                                   valid_until=None, hours="", verify_url="https://training.example.com/verify/abc"))
    joined = " ".join(w for w, *_ in words(data))
    assert "售后培训" in joined and "签章" in joined and pages(data) == 1


def test_the_company_and_signatories_are_drawn_from_the_font_cut_and_the_template_text_is_in_it():
    from lti_tool.certificates import fonts

    template = fonts.TEMPLATE.read_text(encoding="utf-8")
    assert {ord(ch) for ch in "发证单位签章证书验证" + template if not ch.isspace()} <= fonts.fonts().cut_chars
    data = pdf.render_one(designed("张伟"))
    out = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=True).stdout.decode()
    [font] = [line for line in out.splitlines()[2:] if line.strip()]  # the cut only: no fallback to the full font
    assert "Certificate-Serif-CJK-SC" in font
