"""Files a course ships (images, videos, captions, documents) and embedded videos.

References in Markdown are relative to the file that contains them, like links on a
file system (``../media/diagram.svg`` from ``lessons/``). They must stay inside the
course folder and name a file of an allowed type. Videos are either files in the
course folder (HTML5 ``<video>``) or one of a short list of providers (``<iframe>``).
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import ValidationError, model_validator

from lti_tool.catalog.common import Strict, Text, describe

IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".svg": "image/svg+xml", ".webp": "image/webp"}
VIDEO_TYPES = {".mp4": "video/mp4", ".webm": "video/webm"}
CAPTION_TYPES = {".vtt": "text/vtt"}
DOCUMENT_TYPES = {".pdf": "application/pdf"}
MEDIA_TYPES = IMAGE_TYPES | VIDEO_TYPES | CAPTION_TYPES | DOCUMENT_TYPES
MAX_ASSET_BYTES = 200 * 1024 * 1024

#: Video providers an embedded ``<iframe>`` may come from, with the id each accepts.
PROVIDERS = {
    "bilibili": ("https://player.bilibili.com/player.html?autoplay=0&bvid=", re.compile(r"^BV[0-9A-Za-z]{10}$")),
    "youtube": ("https://www.youtube-nocookie.com/embed/", re.compile(r"^[0-9A-Za-z_-]{11}$")),
    "vimeo": ("https://player.vimeo.com/video/", re.compile(r"^[0-9]{6,12}$")),
}
#: What makes an SVG more than a drawing: scripts, handlers, foreign HTML, outside links.
_ACTIVE_SVG = re.compile(
    r"<\s*script|<\s*foreignObject|\son[a-z]+\s*=|javascript:|(?:href|src)\s*=\s*[\"'](?!#)|<!ENTITY",
    re.IGNORECASE,
)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")


class AssetError(ValueError):
    pass


def is_external(ref: str) -> bool:
    return bool(_SCHEME.match(ref))


def resolve(ref: str, from_folder: str, allowed: dict[str, str], course_dir: Path) -> str:
    """The course-relative path of ``ref`` (written in a file in ``from_folder``), or
    :class:`AssetError` saying what is wrong with it."""
    if is_external(ref) or ref.startswith("/"):
        raise AssetError(f"'{ref}' must be a file in the course folder, given as a relative path")
    path = posixpath.normpath(posixpath.join(from_folder, ref.split("#")[0].split("?")[0]))
    if path == ".." or path.startswith("../"):
        raise AssetError(f"'{ref}' points outside the course folder")
    suffix = posixpath.splitext(path)[1].lower()
    if suffix not in allowed:
        raise AssetError(f"'{ref}' is not an allowed file type ({', '.join(sorted(allowed))})")
    file = course_dir / path
    if not file.is_file():
        raise AssetError(f"'{ref}' does not exist (looked for {path} in the course folder)")
    if not file.resolve().is_relative_to(course_dir.resolve()):
        raise AssetError(f"'{ref}' is a link to a file outside the course folder")
    if file.stat().st_size > MAX_ASSET_BYTES:
        raise AssetError(f"'{ref}' is larger than {MAX_ASSET_BYTES // (1024 * 1024)} MB")
    if suffix == ".svg" and _ACTIVE_SVG.search(file.read_text(encoding="utf-8", errors="replace")):
        raise AssetError(f"'{ref}' contains scripts, event handlers, external references or embedded HTML; an SVG must be a plain drawing")
    return path


class VideoBlock(Strict):
    """The body of a fenced ``video`` block: a file in the course, or a provider's video."""

    title: Text  # read out by screen readers and shown as the caption
    src: str | None = None  # .mp4 / .webm in the course folder
    poster: str | None = None  # an image shown before playing
    captions: str | None = None  # a .vtt subtitle file
    provider: Literal["bilibili", "youtube", "vimeo"] | None = None
    video: str | None = None  # the provider's video id

    @model_validator(mode="after")
    def _one_source(self) -> VideoBlock:
        if (self.src is None) == (self.provider is None):
            raise ValueError("a video needs either src (a file in the course) or provider and video")
        if self.provider is not None:
            prefix, pattern = PROVIDERS[self.provider]
            if not self.video or not pattern.match(self.video):
                raise ValueError(f"'{self.video}' is not a {self.provider} video id")
            if self.poster or self.captions:
                raise ValueError("poster and captions are for video files; the provider shows its own")
        elif self.video is not None:
            raise ValueError("video (an id) goes with provider; a file is given as src")
        return self

    @property
    def embed_url(self) -> str:
        prefix, _pattern = PROVIDERS[self.provider]
        return prefix + self.video

    def files(self) -> list[tuple[str, dict[str, str]]]:
        """``(reference, allowed types)`` of each file this block names."""
        pairs = [(self.src, VIDEO_TYPES), (self.poster, IMAGE_TYPES), (self.captions, CAPTION_TYPES)]
        return [(ref, allowed) for ref, allowed in pairs if ref]


def parse_video(text: str) -> VideoBlock:
    """Parse a ``video`` block; :class:`AssetError` with every problem in one message."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise AssetError(f"video block is not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    try:
        return VideoBlock.model_validate(data)
    except ValidationError as exc:
        parts = []
        for error in exc.errors(include_url=False):
            where = ".".join(str(p) for p in error["loc"])
            parts.append(f"{where}: {describe(error)}" if where else describe(error))
        raise AssetError("video block: " + "; ".join(parts)) from exc


