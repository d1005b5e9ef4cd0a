"""Evidence photos are checked and re-encoded: only JPEG, PNG and WebP, at most 10 MB
and 40 megapixels, no metadata kept, upright, with a small thumbnail."""

from __future__ import annotations

from io import BytesIO

import pytest
from PIL import Image

from lti_tool.practical import evidence


def encoded(image: Image.Image, fmt: str, **kwargs) -> bytes:
    out = BytesIO()
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def test_exif_and_gps_are_gone_and_the_photo_stays_upright():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = 8  # rotate 90° counter-clockwise to view
    exif.get_ifd(0x8825)[2] = (31.0, 14.0, 0.0)  # GPS latitude
    photo = evidence.process(encoded(Image.new("RGB", (800, 600), "blue"), "JPEG", exif=exif))
    with Image.open(BytesIO(photo.data)) as stored:
        assert stored.format == "JPEG" and not stored.getexif() and not stored.info.get("exif")
        assert stored.size == (600, 800) == (photo.width, photo.height)
    assert b"PhoneMaker" not in photo.data
    with Image.open(BytesIO(photo.thumbnail)) as thumb:
        assert max(thumb.size) == evidence.THUMB_SIDE


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_become_jpeg(fmt):
    image = Image.new("RGBA", (50, 40), (0, 128, 0, 100))
    photo = evidence.process(encoded(image, fmt))
    assert photo.data.startswith(b"\xff\xd8") and (photo.width, photo.height) == (50, 40)


def test_large_photos_are_scaled_down():
    photo = evidence.process(encoded(Image.new("RGB", (4000, 3000), "white"), "JPEG"))
    assert max(photo.width, photo.height) == evidence.MAX_SIDE


@pytest.mark.parametrize("data,reason", [
    (b"", "type"),
    (b"GIF89a" + b"\0" * 50, "type"),
    (b"\xff\xd8\xff\xe0 truncated jpeg", "type"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "type"),
    (b"\0" * (evidence.MAX_BYTES + 1), "size"),
])
def test_what_is_not_an_acceptable_photo_is_refused(data, reason):
    with pytest.raises(evidence.EvidenceError) as refused:
        evidence.process(data)
    assert refused.value.reason == reason


def test_a_gif_is_refused_even_though_pillow_reads_it():
    with pytest.raises(evidence.EvidenceError) as refused:
        evidence.process(encoded(Image.new("RGB", (10, 10)), "GIF"))
    assert refused.value.reason == "type"


def test_too_many_pixels_is_refused_before_decoding():
    bomb = encoded(Image.new("1", (8000, 6000)), "PNG")  # 48 megapixels, a few kB
    assert len(bomb) < 100_000
    with pytest.raises(evidence.EvidenceError) as refused:
        evidence.process(bomb)
    assert refused.value.reason == "pixels"


def test_stored_files_live_in_the_instance_folder_by_context(tmp_path):
    photo = evidence.process(encoded(Image.new("RGB", (30, 20)), "JPEG"))
    uid = evidence.new_uid()
    evidence.store(tmp_path, 7, uid, photo)
    full, thumb = evidence.paths(tmp_path, 7, uid)
    assert full.parent == tmp_path / "evidence" / "7" and full.read_bytes() == photo.data and thumb.is_file()
    with pytest.raises(ValueError):
        evidence.paths(tmp_path, 7, "../../etc/passwd")
    evidence.remove(tmp_path, 7, uid)
    assert not full.exists() and not thumb.exists()
