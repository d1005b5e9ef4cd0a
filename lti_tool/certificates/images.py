"""The images of a certificate design (logo, signatures, seal): checked as evidence
photos are (practical/evidence.py: Pillow opens only the listed decoders, size and
pixel caps, decoding held in the process's image budget) and re-encoded, so nothing
but pixels is kept: metadata (EXIF, text chunks) and whatever a polyglot file carried
after or inside the image are gone.

Accepted: PNG and JPEG up to ``MAX_BYTES`` (2 MB) and ``MAX_PIXELS`` (12 megapixels, a
signature scanned at 600 dpi is ~4), kept at most ``MAX_SIDE`` pixels on the long side
(a 40 mm seal printed at 600 dpi is ~950). A picture with transparency stays PNG with
its alpha channel (a seal or signature over the paper); one without becomes a JPEG if
it came as one, else a PNG. SVG, GIF, WebP and anything else are refused (``type``).
"""

from __future__ import annotations

import base64
import hashlib
from contextlib import nullcontext
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

from lti_tool.practical.budget import Busy, MemoryBudget
from lti_tool.practical.evidence import EvidenceError

MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 12_000_000
MAX_SIDE = 1200
FORMATS = ("PNG", "JPEG")
ImageError = EvidenceError  # reason: size, type, pixels, busy


@dataclass(frozen=True)
class Picture:
    data: bytes
    mime: str  # image/png or image/jpeg
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _open(data: bytes) -> Image.Image:
    try:
        image = Image.open(BytesIO(data), formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError("pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ImageError("type") from None
    if image.format not in FORMATS:  # a multi-picture JPEG opens as "MPO"
        image.close()
        raise ImageError("type")
    if image.width * image.height > MAX_PIXELS:
        image.close()
        raise ImageError("pixels")
    return image


def process(data: bytes, budget: MemoryBudget | None = None, wait_seconds: float = 0.0) -> Picture:
    """The upload re-encoded, or ``ImageError`` saying why not."""
    if not data:
        raise ImageError("type")
    if len(data) > MAX_BYTES:
        raise ImageError("size")
    with _open(data) as image:
        try:
            hold = budget.hold(image.width * image.height * 4 * 3, wait_seconds) if budget else nullcontext()
            with hold:
                return _reencode(image)
        except Busy:
            raise ImageError("busy") from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageError("pixels") from None
        except (OSError, SyntaxError, ValueError) as exc:  # truncated or corrupt data
            if isinstance(exc, ImageError):
                raise
            raise ImageError("type") from None


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _reencode(image: Image.Image) -> Picture:
    source_format = image.format
    image.load()
    ImageOps.exif_transpose(image, in_place=True)
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = BytesIO()
    if _has_alpha(image):
        clean = image.convert("RGBA")
        clean.save(out, "PNG", optimize=True)  # no pnginfo passed: no text chunks written
        mime = "image/png"
    elif source_format == "JPEG":
        clean = image.convert("RGB")
        clean.save(out, "JPEG", quality=90, optimize=True)  # no exif passed: none written
        mime = "image/jpeg"
    else:
        clean = image.convert("RGB")
        clean.save(out, "PNG", optimize=True)
        mime = "image/png"
    return Picture(out.getvalue(), mime, clean.width, clean.height)
