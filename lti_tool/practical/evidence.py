"""Evidence photos: checked (type, size, pixels), re-encoded as JPEG without any
metadata (EXIF, GPS, maker notes are gone), stored under the instance folder and
served only through an access-checked view.

Accepted: JPEG, PNG and WebP photos up to ``MAX_BYTES`` (10 MB) and ``MAX_PIXELS``
(40 megapixels); stored at most ``MAX_SIDE`` pixels on the long side, with a
``THUMB_SIDE`` thumbnail.
"""

from __future__ import annotations

import hashlib
import secrets
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2560
THUMB_SIDE = 320
FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PER_CRITERION = 10


class EvidenceError(ValueError):
    """The upload is not an acceptable photo; ``reason`` is one of: size, type, pixels."""

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


def _encode(image: Image.Image, side: int, quality: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((side, side))
    out = BytesIO()
    copy.save(out, "JPEG", quality=quality, optimize=True)  # nothing passed as exif: none is written
    return out.getvalue()


def process(data: bytes) -> Photo:
    if not data:
        raise EvidenceError("type")
    if len(data) > MAX_BYTES:
        raise EvidenceError("size")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(BytesIO(data)) as probe:
                if probe.format not in FORMATS:
                    raise EvidenceError("type")
                if probe.width * probe.height > MAX_PIXELS:
                    raise EvidenceError("pixels")
                probe.verify()
            with Image.open(BytesIO(data)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)  # keep how the camera held it, then drop EXIF
                rgb = upright.convert("RGB")
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise EvidenceError("pixels") from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            if isinstance(exc, EvidenceError):
                raise
            raise EvidenceError("type") from None
    full = _encode(rgb, MAX_SIDE, 85)
    with Image.open(BytesIO(full)) as stored:
        width, height = stored.size
    return Photo(full, _encode(rgb, THUMB_SIDE, 75), width, height)


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
