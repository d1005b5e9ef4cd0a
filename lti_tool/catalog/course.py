"""One course folder: read every file, check each against the schema and all of them
against each other, and produce the validated content of one course version."""

from __future__ import annotations

import hashlib
import json
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from lti_tool.catalog.common import located, schema_problems
from lti_tool.catalog.errors import Problem
from lti_tool.catalog.lessons import LessonFile, read_lesson
from lti_tool.catalog.media import IMAGE_TYPES, MEDIA_TYPES, AssetError, is_external, resolve
from lti_tool.catalog.render import parser
from lti_tool.catalog.schema import CourseManifest, PracticalTask, Quiz
from lti_tool.catalog.source import Source, load_yaml

MANIFEST = "course.yaml"
#: Manifest key → (folder, file suffix, model) of the files it lists.
PARTS = {
    "lessons": ("lessons", ".md", None),
    "quizzes": ("quizzes", ".yaml", Quiz),
    "practical": ("practical", ".yaml", PracticalTask),
}
NOUNS = {"lessons": "lesson", "quizzes": "quiz", "practical": "practical task"}


@dataclass
class CourseContent:
    """A valid course: the manifest and every file it lists, parsed."""

    folder: Path
    manifest: CourseManifest
    lessons: list[LessonFile]
    quizzes: list[Quiz]
    practical: list[PracticalTask]
    assets: dict[str, Path]  # course-relative path → file

    @property
    def id(self) -> str:
        return self.manifest.id

    def payload(self) -> dict:
        """Everything a version stores, as JSON-ready data (assets by their hash)."""
        return {
            "manifest": _dump(self.manifest),
            "lessons": [lesson.as_data() for lesson in self.lessons],
            "quizzes": [_dump(quiz) for quiz in self.quizzes],
            "practical": [_dump(task) for task in self.practical],
            "assets": {path: _asset_info(file) for path, file in sorted(self.assets.items())},
        }

    def content_hash(self) -> str:
        canonical = json.dumps(self.payload(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _dump(model: BaseModel) -> dict:
    return model.model_dump(mode="json", by_alias=True)


def _asset_info(file: Path) -> dict:
    data = file.read_bytes()
    return {
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "media_type": MEDIA_TYPES[file.suffix.lower()],
    }


@dataclass
class _Reader:
    folder: Path
    problems: list[Problem] = field(default_factory=list)
    assets: dict[str, Path] = field(default_factory=dict)
    ids: dict[str, tuple[str, Path, int]] = field(default_factory=dict)  # id → kind, file, line
    unreadable: set[str] = field(default_factory=set)  # kinds with a file whose id is unknown

    def claim_id(self, item_id: str, kind: str, file: Path, line: int) -> None:
        if item_id in self.ids:
            other_kind, other_file, other_line = self.ids[item_id]
            where = f"{other_file.relative_to(self.folder).as_posix()}:{other_line}"
            self.problems.append(Problem(file, line, f"duplicate id '{item_id}' (also the {other_kind} at {where})"))
        else:
            self.ids[item_id] = (kind, file, line)


def read_course(folder: Path) -> tuple[CourseContent | None, list[Problem]]:
    reader = _Reader(folder)
    manifest_file = folder / MANIFEST
    if not manifest_file.is_file():
        return None, [Problem(manifest_file, 1, f"missing: every course folder needs a {MANIFEST}")]
    source = load_yaml(manifest_file)
    reader.problems += source.problems
    if source.problems:
        return None, reader.problems
    manifest = None
    try:
        manifest = CourseManifest.model_validate(source.data)
    except ValidationError as exc:
        reader.problems += schema_problems(source, exc)
    if manifest is not None:
        reader.problems += located(source, (), manifest.problems())
        if manifest.id != folder.name:
            reader.problems.append(source.problem(("id",), f"the id '{manifest.id}' must be the folder name '{folder.name}'"))
        for index, session in enumerate(manifest.sessions):
            reader.claim_id(session.id, "session", manifest_file, source.line(("sessions", index, "id")))
    lessons, quizzes, tasks = _read_parts(reader, source)
    if manifest is not None:
        _check_references(reader, source, manifest)
    _check_markdown_in_yaml(reader, source)
    if reader.problems or manifest is None:
        return None, reader.problems
    content = CourseContent(folder, manifest, lessons, quizzes, tasks, dict(sorted(reader.assets.items())))
    return content, []


def _read_parts(reader: _Reader, source: Source):
    data = source.data if isinstance(source.data, dict) else {}
    results: dict[str, list] = {}
    for key, (subfolder, suffix, model) in PARTS.items():
        results[key] = []
        listed = data.get(key) if isinstance(data.get(key), list) else []
        listed_files = set()
        for index, rel in enumerate(listed):
            if not isinstance(rel, str):
                continue  # the schema reports it
            file = reader.folder / rel
            listed_files.add(file.resolve())
            at = source.line((key, index))
            if not rel.startswith(subfolder + "/") or not rel.endswith(suffix) or ".." in rel.split("/"):
                reader.problems.append(Problem(source.file, at, f"'{rel}' must be a {suffix} file in {subfolder}/"))
            elif not file.is_file():
                reader.problems.append(Problem(source.file, at, f"{NOUNS[key]} file {rel} does not exist"))
                reader.unreadable.add(NOUNS[key])
            elif model is None:
                lesson = read_lesson(file, reader.folder)
                reader.problems += lesson.problems
                reader.assets.update({path: reader.folder / path for path in lesson.assets})
                if lesson.meta is None:
                    reader.unreadable.add(NOUNS[key])
                else:
                    reader.claim_id(lesson.meta.id, "lesson", file, lesson.id_line)
                    if not lesson.problems:
                        results[key].append(lesson)
            else:
                item = _read_yaml_part(reader, file, model, key)
                if item is not None:
                    results[key].append(item)
        _unlisted(reader, subfolder, suffix, listed_files, key)
    return results["lessons"], results["quizzes"], results["practical"]


def _read_yaml_part(reader: _Reader, file: Path, model, key: str):
    source = load_yaml(file)
    reader.problems += source.problems
    if source.problems:
        reader.unreadable.add(NOUNS[key])
        return None
    try:
        item = model.model_validate(source.data)
    except ValidationError as exc:
        reader.problems += schema_problems(source, exc)
        item_id = source.data.get("id") if isinstance(source.data, dict) else None
        if isinstance(item_id, str):
            reader.claim_id(item_id, NOUNS[key], file, source.line(("id",)))
        else:
            reader.unreadable.add(NOUNS[key])
        return None
    reader.claim_id(item.id, NOUNS[key], file, source.line(("id",)))
    found = located(source, (), item.problems())
    reader.problems += found
    before = len(reader.problems)
    _check_markdown_in_yaml(reader, source)
    return None if found or len(reader.problems) > before else item


def _unlisted(reader: _Reader, subfolder: str, suffix: str, listed: set[Path], key: str) -> None:
    directory = reader.folder / subfolder
    if not directory.is_dir():
        return
    for file in sorted(directory.iterdir()):
        if file.suffix == suffix and file.resolve() not in listed:
            reader.problems.append(Problem(file, 1, f"not listed under {key}: in {MANIFEST}"))
        elif suffix == ".yaml" and file.suffix == ".yml":
            reader.problems.append(Problem(file, 1, "content files end in .yaml: rename it"))


def _check_references(reader: _Reader, source: Source, manifest: CourseManifest) -> None:
    """Completion rules and grade weights name items of this course. (An item whose
    file has errors counts as known: its own errors are reported already; a kind with
    an unreadable file is not checked, so one syntax error gives one message.)"""
    known = {kind: {i for i, (k, _file, _line) in reader.ids.items() if k == kind} for kind in NOUNS.values()}
    known = {kind: ids if kind not in reader.unreadable else _Anything() for kind, ids in known.items()}
    completion = manifest.completion
    if completion.lessons != "all":
        _refs(reader, source, ("completion", "lessons"), completion.lessons, known["lesson"], "lesson")
    _refs(reader, source, ("completion", "quizzes"), completion.quizzes, known["quiz"], "quiz")
    _refs(reader, source, ("completion", "practical"), completion.practical, known["practical task"], "practical task")
    graded = known["quiz"] | known["practical task"]
    for item_id in manifest.grade_weights or {}:
        if item_id not in graded:
            reader.problems.append(source.problem(("grade_weights", item_id), f"'{item_id}' is not a quiz or practical task of this course"))


class _Anything:
    def __contains__(self, _item) -> bool:
        return True

    def __or__(self, _other):
        return self

    def __ror__(self, _other):
        return self


def _refs(reader, source, loc, ids, known, kind) -> None:
    for index, item_id in enumerate(ids):
        if item_id not in known:
            reader.problems.append(source.problem(loc + (index,), f"there is no {kind} '{item_id}' in this course"))


def _check_markdown_in_yaml(reader: _Reader, source: Source) -> None:
    """Images and file links inside texts of a YAML file (stems, cases, instructions)."""
    folder = posixpath.dirname(source.file.relative_to(reader.folder).as_posix())

    def walk(value, path) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, path + (key,))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, path + (index,))
        elif isinstance(value, str) and "](" in value:
            for token in parser().parse(value):
                for child in token.children or ():
                    ref = child.attrGet("src") if child.type == "image" else child.attrGet("href")
                    if ref is None or is_external(ref) or ref.startswith("#"):
                        continue
                    try:
                        path_in_course = resolve(ref, folder, IMAGE_TYPES if child.type == "image" else MEDIA_TYPES, reader.folder)
                    except AssetError as exc:
                        reader.problems.append(source.problem(path, str(exc)))
                    else:
                        reader.assets[path_in_course] = reader.folder / path_in_course

    walk(source.data, ())
