"""Claim attachments (notice, invoice, summary report), checked by their content, not
their name: a PDF by its magic bytes, its end marker and the absence of active content
(JavaScript, launch actions, embedded files), kept as sent; a JPEG or PNG photo by the
evidence photos' checks (``practical.evidence``), re-encoded as JPEG without metadata.
The name must agree with the content (a PDF named .png is refused). Files live under
the instance folder, per organisation, served only through an access-checked view."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from lti_tool.practical import evidence

MAX_BYTES = 10 * 1024 * 1024
MAX_PER_CLAIM = 10
PDF, JPEG = "application/pdf", "image/jpeg"
# Active content a receipt never needs: refused wherever it appears in the file.
ACTIVE = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia", b"/XFA")
SUFFIXES = {".pdf": "pdf", ".jpg": "image", ".jpeg": "image", ".png": "image"}


class AttachmentError(ValueError):
    """``reason``: size, type (not a PDF, JPEG or PNG, or not what its name says),
    active (a PDF with scripts or embedded files), pixels, busy."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Checked:
    data: bytes
    media_type: str
    suffix: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def check(data: bytes, filename: str, budget=None, wait_seconds: float = 0.0) -> Checked:
    if not data:
        raise AttachmentError("type")
    if len(data) > MAX_BYTES:
        raise AttachmentError("size")
    named = SUFFIXES.get(Path(filename or "").suffix.lower())
    if named is None:
        raise AttachmentError("type")
    if data.startswith(b"%PDF-"):
        if named != "pdf":
            raise AttachmentError("type")
        if b"%%EOF" not in data[-2048:]:
            raise AttachmentError("type")
        if any(marker in data for marker in ACTIVE):
            raise AttachmentError("active")
        return Checked(data, PDF, ".pdf")
    if named != "image":
        raise AttachmentError("type")
    if evidence.MAX_BYTES < len(data):
        raise AttachmentError("size")
    try:
        photo = evidence.process(data, budget, wait_seconds)
    except evidence.EvidenceError as exc:
        raise AttachmentError(exc.reason) from None
    return Checked(photo.data, JPEG, ".jpg")


def new_uid() -> str:
    return secrets.token_hex(16)


def path(instance_path: Path, organisation_id: int, uid: str, media_type: str) -> Path:
    if not uid.isalnum():
        raise ValueError("bad attachment id")
    suffix = ".pdf" if media_type == PDF else ".jpg"
    return Path(instance_path) / "claims" / str(int(organisation_id)) / f"{uid}{suffix}"


def store(instance_path: Path, organisation_id: int, uid: str, checked: Checked) -> None:
    target = path(instance_path, organisation_id, uid, checked.media_type)
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(checked.data)
    tmp.replace(target)


def remove(instance_path: Path, organisation_id: int, uid: str, media_type: str) -> None:
    path(instance_path, organisation_id, uid, media_type).unlink(missing_ok=True)
