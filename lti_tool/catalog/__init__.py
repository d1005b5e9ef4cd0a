"""The course library: the content format, its validation, and immutable versions.

``content/`` (or ``Settings.content_path``) holds one folder per course; see
``content/README.md`` for the format. :mod:`.library` loads and validates it,
:mod:`.importer` stores immutable versions, :mod:`.render` turns Markdown into safe HTML.
"""

from __future__ import annotations

from pathlib import Path

import lti_tool

#: The course library shipped with the tool.
BUNDLED_CONTENT = Path(lti_tool.__file__).resolve().parents[1] / "content"
