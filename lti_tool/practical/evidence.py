"""Evidence photos: checked (type, size, pixels), re-encoded as JPEG without any
metadata (EXIF, GPS, maker notes are gone), stored under the instance folder and
served only through an access-checked view.

Accepted: JPEG, PNG and WebP photos up to ``MAX_BYTES`` (10 MB) and ``MAX_PIXELS``
(16 megapixels); stored at most ``MAX_SIDE`` pixels on the long side, with a
``THUMB_SIDE`` thumbnail. A photo is decoded no larger than that needs (a JPEG at
1/2, 1/4 or 1/8 scale by ``Image.draft``; any photo shrunk in place right after
decoding, before the copies that turning it upright and re-encoding make), and only
while it holds its decoded size in the process's ``MemoryBudget``: a small PNG that
claims huge dimensions is refused from its header, and parallel uploads wait their
turn instead of taking the process's memory.
"""

from __future__ import annotations

import hashlib
import secrets
from contextlib import nullcontext
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from lti_tool.practical.budget import Busy, MemoryBudget

MAX_BYTES = 10 * 1024 * 1024
#: A phone's main camera saves 12 MP (4000 x 3000) photos by default and some 16 MP;
#: its 48 to 200 MP modes are opt-in and far more than a photo of a repair needs. 16 MP
#: keeps one decoded photo at 64 MB at most (4 bytes a pixel).
MAX_PIXELS = 16_000_000
MAX_SIDE = 2560
THUMB_SIDE = 320
FORMATS = ("JPEG", "PNG", "WEBP")  # the only decoders Image.open may try
MAX_PER_CRITERION = 10

# Pillow's own decompression-bomb guard, at our cap: above it Pillow warns, above
# twice it refuses to open (DecompressionBombError); both are refused here as "pixels".
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


class EvidenceError(ValueError):
    """The upload is not an acceptable photo; ``reason`` is one of: size, type, pixels,
    busy (the process's image budget stayed full: try again)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Photo:
    data: bytes  # JPEG, no metadata
    thumbnail: bytes
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _bytes_per_pixel(mode: str) -> int:
    """As Pillow holds pixels in memory: one byte for 1/L/P, two for 16-bit grey, else four."""
    if mode in ("1", "L", "P"):
        return 1
    return 2 if mode.startswith("I;16") else 4


def _fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    width, height = size
    scale = min(1.0, side / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=True)  # nothing passed as exif: none is written
    return out.getvalue()


def _open(data: bytes) -> Image.Image:
    try:
        image = Image.open(BytesIO(data), formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise EvidenceError("pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise EvidenceError("type") from None
    if image.format not in FORMATS:  # a multi-picture JPEG opens as "MPO": refused as before
        image.close()
        raise EvidenceError("type")
    if image.width * image.height > MAX_PIXELS:
        image.close()
        raise EvidenceError("pixels")
    return image


def decoded_bytes(image: Image.Image) -> int:
    """What decoding ``image`` (as drafted) and re-encoding it holds at its peak: the
    decoded pixels, the resize's intermediate (it works one axis, then the other), the
    shrunk copy and its RGB conversion. A 16 MP photo: 64 + 35 + 39 MB."""
    stored_width, stored_height = _fit(image.size, MAX_SIDE)
    decoded = image.width * image.height * _bytes_per_pixel(image.mode)
    intermediate = stored_width * image.height * 4 if (stored_width, stored_height) != image.size else 0
    return decoded + intermediate + 2 * stored_width * stored_height * 4


def process(data: bytes, budget: MemoryBudget | None = None, wait_seconds: float = 0.0) -> Photo:
    """The photo re-encoded; ``budget`` (the process's) bounds the memory of decoding,
    waiting up to ``wait_seconds`` for room."""
    if not data:
        raise EvidenceError("type")
    if len(data) > MAX_BYTES:
        raise EvidenceError("size")
    with _open(data) as image:
        if image.format == "JPEG":
            image.draft("RGB", _fit(image.size, MAX_SIDE))  # the decoder scales down by 1/2, 1/4, 1/8
        try:
            hold = budget.hold(decoded_bytes(image), wait_seconds) if budget else nullcontext()
            with hold:
                return _reencode(image)
        except Busy:
            raise EvidenceError("busy") from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise EvidenceError("pixels") from None
        except (OSError, SyntaxError, ValueError) as exc:  # truncated or corrupt data
            if isinstance(exc, EvidenceError):
                raise
            raise EvidenceError("type") from None


def _reencode(image: Image.Image) -> Photo:
    image.load()
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE))  # in place: the full-size pixels are freed here
    ImageOps.exif_transpose(image, in_place=True)  # keep how the camera held it, then drop EXIF
    rgb = image if image.mode == "RGB" else image.convert("RGB")
    width, height = rgb.size
    full = _jpeg(rgb, 85)
    rgb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    return Photo(full, _jpeg(rgb, 75), width, height)


def new_uid() -> str:
    return secrets.token_hex(16)


def folder(instance_path: Path, context_id: int) -> Path:
    return Path(instance_path) / "evidence" / str(int(context_id))


def paths(instance_path: Path, context_id: int, uid: str) -> tuple[Path, Path]:
    if not uid.isalnum():
        raise ValueError("bad evidence id")
    base = folder(instance_path, context_id)
    return base / f"{uid}.jpg", base / f"{uid}.thumb.jpg"


def store(instance_path: Path, context_id: int, uid: str, photo: Photo) -> None:
    full, thumb = paths(instance_path, context_id, uid)
    full.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    for path, data in ((full, photo.data), (thumb, photo.thumbnail)):
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)


def remove(instance_path: Path, context_id: int, uid: str) -> None:
    for path in paths(instance_path, context_id, uid):
        path.unlink(missing_ok=True)
