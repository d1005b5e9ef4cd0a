"""The images of a certificate design are checked as evidence photos are and re-encoded:
PNG and JPEG only (SVG, GIF refused), size and pixel caps, nothing but pixels kept
(EXIF, text chunks, a polyglot's second file), a seal's transparency kept."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image

from lti_tool.certificates import images


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def test_a_transparent_seal_stays_a_png_with_its_alpha():
    seal = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    seal.paste((200, 0, 0, 255), (100, 100, 200, 200))
    kept = images.process(encoded(seal, "PNG"))
    assert kept.mime == "image/png"
    with Image.open(BytesIO(kept.data)) as back:
        assert back.mode == "RGBA" and back.getpixel((5, 5))[3] == 0 and back.getpixel((150, 150)) == (200, 0, 0, 255)


def test_a_palette_png_with_a_transparent_colour_keeps_it():
    image = Image.new("P", (50, 50), 0)
    image.putpalette([255, 255, 255, 200, 0, 0] + [0] * 762)
    image.paste(1, (10, 10, 40, 40))
    kept = images.process(encoded(image, "PNG", transparency=0))
    with Image.open(BytesIO(kept.data)) as back:
        assert back.mode == "RGBA" and back.getpixel((0, 0))[3] == 0 and back.getpixel((20, 20))[:3] == (200, 0, 0)


def test_a_jpeg_loses_its_exif_and_is_turned_upright():
    photo = Image.new("RGB", (200, 100), (10, 20, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: shown 100 x 200
    exif[0x013B] = "Secret Author"
    kept = images.process(encoded(photo, "JPEG", exif=exif.tobytes()))
    assert kept.mime == "image/jpeg" and (kept.width, kept.height) == (100, 200)
    assert b"Secret Author" not in kept.data and b"Exif" not in kept.data


def test_a_polyglot_keeps_only_its_pixels():
    png = encoded(Image.new("RGB", (64, 64), (0, 0, 255)), "PNG", pnginfo=None)
    payload = b"<html><script>alert(document.cookie)</script></html>PK\x03\x04zipped"
    kept = images.process(png + payload)
    assert b"<script>" not in kept.data and b"PK\x03\x04" not in kept.data
    with Image.open(BytesIO(kept.data)) as back:
        back.load()
        assert back.format == "PNG" and back.size == (64, 64)
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<svg onload=alert(1)>")
    assert b"onload" not in images.process(encoded(Image.new("RGB", (8, 8)), "PNG", pnginfo=info)).data


@pytest.mark.parametrize("data", [
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    encoded(Image.new("RGB", (8, 8)), "GIF"),
    encoded(Image.new("RGB", (8, 8)), "WEBP"),
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,  # a PNG signature and nothing valid after it
    b"",
])
def test_other_formats_and_broken_files_are_refused_as_type(data):
    with pytest.raises(images.ImageError) as refused:
        images.process(data)
    assert refused.value.reason == "type"


def test_too_large_and_too_many_pixels_are_refused():
    with pytest.raises(images.ImageError) as refused:
        images.process(b"\xff\xd8\xff" + b"\x00" * images.MAX_BYTES)
    assert refused.value.reason == "size"
    wide = encoded(Image.new("L", (4000, 3001)), "PNG")  # small file, 12.004 megapixels
    assert len(wide) < images.MAX_BYTES
    with pytest.raises(images.ImageError) as refused:
        images.process(wide)
    assert refused.value.reason == "pixels"


def test_a_big_scan_is_kept_at_most_max_side():
    kept = images.process(encoded(Image.new("RGB", (3000, 1000), (255, 255, 255)), "PNG"))
    assert max(kept.width, kept.height) == images.MAX_SIDE
