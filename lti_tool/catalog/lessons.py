"""Lesson files: YAML front matter, then one Markdown body per language.

```
---
id: diagnosis-method
title: {zh-CN: 系统化故障诊断方法, en: A systematic diagnosis method}
minutes: 40
---
<!-- lang: zh-CN -->
# 中文正文 …
<!-- lang: en -->
# English body …
```
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from lti_tool.catalog.common import LANGUAGES, schema_problems
from lti_tool.catalog.errors import Problem
from lti_tool.catalog.media import IMAGE_TYPES, MEDIA_TYPES, AssetError, is_external, parse_video, resolve
from lti_tool.catalog.render import parser
from lti_tool.catalog.schema import LessonMeta
from lti_tool.catalog.source import load_yaml, split_front_matter

MARKER = re.compile(r"^<!--\s*lang:\s*(\S*)\s*-->\s*$")


@dataclass
class LessonFile:
    meta: LessonMeta | None
    id_line: int = 1
    body: dict[str, str] = field(default_factory=dict)
    assets: set[str] = field(default_factory=set)  # course-relative paths
    problems: list[Problem] = field(default_factory=list)

    def as_data(self) -> dict:
        data = self.meta.model_dump(mode="json", by_alias=True, exclude_none=True)
        return {**data, "body": dict(self.body)}


def read_lesson(file: Path, course_dir: Path) -> LessonFile:
    text = file.read_text(encoding="utf-8")
    parts = split_front_matter(text)
    lesson = LessonFile(None)
    if parts.yaml is None:
        lesson.problems.append(Problem(file, 1, "a lesson starts with front matter: a line ---, id, title, minutes, and a line ---"))
    elif not parts.closed:
        lesson.problems.append(Problem(file, 1, "the front matter has no closing --- line"))
    else:
        source = load_yaml(file, parts.yaml, first_line=2)
        lesson.problems += source.problems
        if not source.problems:
            try:
                lesson.meta = LessonMeta.model_validate(source.data)
                lesson.id_line = source.line(("id",))
            except ValidationError as exc:
                lesson.problems += schema_problems(source, exc)
    folder = posixpath.dirname(file.relative_to(course_dir).as_posix())
    sections = _sections(file, parts.body, parts.body_line, lesson.problems)
    for language, (body, first_line) in sections.items():
        lesson.body[language] = body.strip() + "\n"
        _check_markdown(file, body, first_line, folder, course_dir, lesson)
    return lesson


def _sections(file: Path, body: str, first_line: int, problems: list[Problem]) -> dict[str, tuple[str, int]]:
    """``{language: (markdown, first line)}`` from the ``<!-- lang: xx -->`` markers."""
    sections: dict[str, tuple[list[str], int]] = {}
    current: list[str] | None = None
    seen_marker = False
    for number, line in enumerate(body.splitlines(keepends=True), start=first_line):
        match = MARKER.match(line.strip())
        if match:
            seen_marker = True
            language = match.group(1)
            if language not in LANGUAGES:
                problems.append(Problem(file, number, f"unknown language '{language}' in the marker; use zh-CN or en"))
                current = None
            elif language in sections:
                problems.append(Problem(file, number, f"a second <!-- lang: {language} --> section"))
                current = None
            else:
                current = []
                sections[language] = (current, number + 1)
        elif current is not None:
            current.append(line)
        elif line.strip() and not seen_marker:
            problems.append(Problem(file, number, "text before the first <!-- lang: zh-CN --> marker"))
            seen_marker = True  # said once
    result = {}
    for language in LANGUAGES:
        if language not in sections:
            problems.append(Problem(file, first_line, f"missing the {language} body (a section starting <!-- lang: {language} -->)"))
            continue
        lines, start = sections[language]
        if not "".join(lines).strip():
            problems.append(Problem(file, start - 1, f"the {language} body is empty"))
        result[language] = ("".join(lines), start)
    return result


def _check_markdown(file: Path, body: str, first_line: int, folder: str, course_dir: Path, lesson: LessonFile) -> None:
    """Images, document links and videos must name files that exist in the course."""
    lines = body.splitlines()

    def line_of(block_map, needle: str) -> int:
        start, end = block_map or (0, 1)
        for offset in range(start, min(end, len(lines))):
            if needle in lines[offset]:
                return first_line + offset
        return first_line + start

    def use(ref: str, allowed: dict[str, str], at: int) -> None:
        try:
            lesson.assets.add(resolve(ref, folder, allowed, course_dir))
        except AssetError as exc:
            lesson.problems.append(Problem(file, at, str(exc)))

    for token in parser().parse(body):
        if token.type == "fence" and token.info.strip() == "video":
            try:
                video = parse_video(token.content)
            except AssetError as exc:
                lesson.problems.append(Problem(file, first_line + token.map[0], str(exc)))
                continue
            for ref, allowed in video.files():
                use(ref, allowed, line_of(token.map, ref))
        for child in token.children or ():
            if child.type == "image":
                src = child.attrGet("src") or ""
                use(src, IMAGE_TYPES, line_of(token.map, src))
                if not child.content.strip():
                    lesson.problems.append(Problem(file, line_of(token.map, src), f"image '{src}' needs alt text: ![what it shows]({src})"))
            elif child.type == "link_open":
                href = child.attrGet("href") or ""
                if not is_external(href) and not href.startswith("#"):
                    use(href, MEDIA_TYPES, line_of(token.map, href))
