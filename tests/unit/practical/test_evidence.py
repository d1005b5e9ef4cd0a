"""Evidence photos are checked and re-encoded: only JPEG, PNG and WebP, at most 10 MB
and 16 megapixels (decoded at reduced size, within the image budget), no metadata
kept, upright, with a small thumbnail."""

from __future__ import annotations

import warnings
from io import BytesIO

import pytest
from PIL import Image

from lti_tool.practical import evidence
from lti_tool.practical.budget import MemoryBudget


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


def test_a_photo_just_over_the_cap_is_refused_whether_or_not_warnings_are_errors():
    over = encoded(Image.new("L", (5000, 4000)), "PNG")  # 20 MP: Pillow only warns, we refuse
    for action in ("error", "ignore"):
        with warnings.catch_warnings():
            warnings.simplefilter(action)
            with pytest.raises(evidence.EvidenceError) as refused:
                evidence.process(over)
        assert refused.value.reason == "pixels"
    assert Image.MAX_IMAGE_PIXELS == evidence.MAX_PIXELS  # Pillow's own bomb guard, at our cap


class Recorded(MemoryBudget):
    """The real budget, remembering what each photo held."""

    def __init__(self) -> None:
        super().__init__(256 * 1024 * 1024)
        self.held: list[int] = []

    def hold(self, amount, timeout):
        self.held.append(amount)
        return super().hold(amount, timeout)


def test_a_large_jpeg_is_decoded_at_reduced_scale():
    budget = Recorded()
    photo = evidence.process(encoded(Image.new("RGB", (5120, 2880), "white"), "JPEG"), budget, 1)
    assert (photo.width, photo.height) == (evidence.MAX_SIDE, 1440)
    full_decode = 5120 * 2880 * 4
    assert budget.held[0] < full_decode  # decoded at half scale: 2560 x 1440
    assert budget.used == 0  # given back


def test_a_photo_holds_its_decoded_size_while_it_is_processed():
    budget = Recorded()
    evidence.process(encoded(Image.new("RGBA", (4608, 3456)), "PNG"), budget, 1)
    assert 100 * 2**20 < budget.held[0] <= 150 * 2**20  # 64 MB decoded, the resize and the copies
    evidence.process(encoded(Image.new("RGB", (300, 200)), "PNG"), budget, 1)
    assert budget.held[1] < 2 * 2**20


def test_a_full_budget_makes_the_photo_busy():
    budget = MemoryBudget(1024)
    with budget.hold(1024, 0), pytest.raises(evidence.EvidenceError) as refused:
        evidence.process(encoded(Image.new("RGB", (30, 20)), "JPEG"), budget, 0.05)
    assert refused.value.reason == "busy" and budget.used == 0
