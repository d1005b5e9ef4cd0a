"""The course library: the content format, its validation, and immutable versions.

``content/`` (or ``Settings.content_path``) holds one folder per course; see
``content/README.md`` for the format. :mod:`.library` loads and validates it,
:mod:`.importer` stores immutable versions, :mod:`.render` turns Markdown into safe HTML.
"""

from __future__ import annotations

from lti_tool.settings import BUNDLED_CONTENT

__all__ = ["BUNDLED_CONTENT"]
