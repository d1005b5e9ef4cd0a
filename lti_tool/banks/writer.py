"""Items → a quiz file of our content format, added to a course folder.

A bank becomes one quiz ``quizzes/<pool>.yaml`` whose pools group the items by topic
and points (every question of a pool must be worth the same, content/README.md 6);
each pool is drawn from in full, so the quiz shows every item until its author lowers
the counts. The file is listed in ``course.yaml`` and the course is validated by the
same reader as ``content check``: a course that would not pass is left as it was.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from lti_tool.catalog.common import SLUG_PATTERN
from lti_tool.catalog.course import MANIFEST, read_course
from lti_tool.catalog.errors import Problem
from lti_tool.catalog.schema import Quiz
from lti_tool.banks.model import Bank, BankError, Item

#: Readers write a media reference as ``@@MEDIA@@/name``; the writer decides the file.
MEDIA = "@@MEDIA@@/"
DEFAULT_PASS_PERCENT = 60


def both(text: str | None) -> dict | None:
    """One text in both languages of the content format (a bank has one language)."""
    if text is None or not str(text).strip():
        return None
    return {"zh-CN": str(text).strip(), "en": str(text).strip()}


def option_id(index: int) -> str:
    return string.ascii_lowercase[index] if index < 26 else f"o{index + 1}"


def question_data(item: Item, qid: str, pool: str) -> dict:
    """One item as a question mapping of the content format."""
    data: dict = {"id": qid, "type": item.type}
    if item.type != "case_analysis":
        data["points"] = item.points
    data["stem"] = both(_media(item.stem, pool))
    if item.type in ("single_choice", "multiple_choice"):
        data["options"] = []
        for index, option in enumerate(item.options):
            entry = {"id": option_id(index), "text": both(_media(option.text, pool))}
            if option.feedback:
                entry["feedback"] = both(_media(option.feedback, pool))
            data["options"].append(entry)
        right = [option_id(i) for i, o in enumerate(item.options) if o.correct]
        if item.type == "single_choice":
            data["answer"] = right[0] if right else None
        else:
            data["answers"] = right
            data["scoring"] = "partial" if item.partial else "all_or_nothing"
    elif item.type == "true_false":
        data["answer"] = bool(item.truth)
    elif item.type == "fill_blank":
        data["blanks"] = [{"id": str(i + 1), "accept": list(accept)} for i, accept in enumerate(item.blanks)]
        data["case_sensitive"] = item.case_sensitive
        data["scoring"] = "partial" if item.partial else "all_or_nothing"
    elif item.type == "short_answer":
        if item.reference_answer:
            data["reference_answer"] = both(_media(item.reference_answer, pool))
    elif item.type == "case_analysis":
        data["case"] = both(_media(item.case or "", pool))
        data["questions"] = [question_data(p, f"{qid}-{i + 1}", pool) for i, p in enumerate(item.parts)]
    for key in ("feedback", "explanation"):
        value = getattr(item, key)
        if value:
            data[key] = both(_media(value, pool))
    return data


def _media(text: str, pool: str) -> str:
    return text.replace(MEDIA, f"../media/{pool}-")


def quiz_data(bank: Bank, pool: str, title: str | None = None) -> dict:
    """The quiz mapping for ``bank``: one pool per topic and points, each drawn in full."""
    groups: dict[tuple[str, int], list[tuple[int, Item]]] = {}
    for number, item in enumerate(bank.items, start=1):  # ids follow the file's order
        groups.setdefault((item.topic or "", item.max_points), []).append((number, item))
    name = title or pool
    pools, draws = [], []
    for index, ((topic, points), items) in enumerate(groups.items()):
        pool_id = pool if len(groups) == 1 else f"{pool}-{index + 1}"
        questions = [question_data(item, f"q{number}", pool) for number, item in items]
        label = topic or name
        entry: dict = {"id": pool_id, "title": {"zh-CN": f"{label}（每题 {points} 分）", "en": f"{label} ({points} points each)"}}
        entry["questions"] = questions
        pools.append(entry)
        draws.append({"pool": pool_id, "count": len(questions)})
    return {
        "id": pool,
        "title": {"zh-CN": f"{name}（题库）", "en": f"{name} (question bank)"},
        "settings": {"pass_percent": DEFAULT_PASS_PERCENT},
        "pools": pools,
        "draws": draws,
    }


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml when built with it
    """Texts of several lines as ``|`` blocks, as course writers write them."""


def _text(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value and not value.startswith(" ") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def dump(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)


def validate_quiz(data: dict) -> list[str]:
    """What ``content check`` would say of this quiz alone (media not looked at)."""
    try:
        quiz = Quiz.model_validate(data)
    except ValidationError as exc:
        return [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors(include_url=False)]
    return [f"{'.'.join(str(p) for p in loc)}: {message}" for loc, message in quiz.problems()]


@dataclass
class Written:
    quiz_file: Path
    media_files: list[Path]
    problems: list[Problem]


def write_bank(bank: Bank, course_folder: Path, pool: str, title: str | None = None, replace: bool = False) -> Written:
    """Write ``bank`` into the course at ``course_folder`` as ``quizzes/<pool>.yaml``
    and its media as ``media/<pool>-<name>``, list the quiz in ``course.yaml`` and
    validate the course; on any problem every file is put back as it was."""
    if not re.match(SLUG_PATTERN, pool) or len(pool) > 64:
        raise BankError(f"题库名 {pool!r} 无效：只能用小写字母、数字和单个连字符", f"pool name {pool!r} is not valid: use lowercase letters, digits and single hyphens")
    manifest = course_folder / MANIFEST
    if not manifest.is_file():
        raise BankError(f"{course_folder} 不是课程文件夹（没有 {MANIFEST}）", f"{course_folder} is not a course folder (no {MANIFEST})")
    if not bank.items:
        raise BankError("文件中没有可导入的题目", "the file has no question that can be imported")
    quiz_file = course_folder / "quizzes" / f"{pool}.yaml"
    if quiz_file.exists() and not replace:
        raise BankError(f"{quiz_file.name} 已存在；用 --replace 替换", f"{quiz_file.name} exists already; use --replace to replace it")
    data = quiz_data(bank, pool, title)
    found = validate_quiz(data)
    if found:
        raise BankError("生成的测验未通过校验：" + "; ".join(found[:5]), "the quiz made from the bank does not validate: " + "; ".join(found[:5]))
    saved = {path: path.read_bytes() for path in (manifest, quiz_file) if path.exists()}
    created: list[Path] = []
    try:
        quiz_file.parent.mkdir(exist_ok=True)
        header = f"# {bank.format} 题库导入 / question bank imported from {bank.format}: {Path(bank.source).name}\n"
        quiz_file.write_text(header + dump(data), encoding="utf-8")
        created.append(quiz_file)
        for name, content in bank.media.items():
            target = course_folder / "media" / f"{pool}-{name}"
            target.parent.mkdir(exist_ok=True)
            if not target.exists():
                target.write_bytes(content)
                created.append(target)
        manifest.write_text(list_quiz(manifest.read_text(encoding="utf-8"), f"quizzes/{pool}.yaml"), encoding="utf-8")
        _course, problems = read_course(course_folder)
    except BaseException:
        _restore(saved, created)
        raise
    if problems:
        _restore(saved, created)
    return Written(quiz_file, [p for p in created if p != quiz_file], problems)


def _restore(saved: dict[Path, bytes], created: list[Path]) -> None:
    for path in created:
        if path not in saved:
            path.unlink(missing_ok=True)
    for path, content in saved.items():
        path.write_bytes(content)


def list_quiz(manifest: str, path: str) -> str:
    """``course.yaml`` with ``path`` added to its ``quizzes:`` list, its comments and
    layout kept (a block list gets one more item, a flow list or none a block list)."""
    lines = manifest.splitlines()
    for index, line in enumerate(lines):
        match = re.match(r"^quizzes:\s*(.*?)\s*$", line)
        if not match:
            continue
        rest = match.group(1)
        if rest.startswith("[") and rest.endswith("]"):
            listed = [p.strip().strip("'\"") for p in rest[1:-1].split(",") if p.strip()]
            if path in listed:
                return manifest
            lines[index : index + 1] = ["quizzes:"] + [f"  - {p}" for p in listed + [path]]
            return "\n".join(lines) + "\n"
        end, indent = index + 1, "  "
        while end < len(lines) and (re.match(r"^\s+-\s", lines[end]) or not lines[end].strip()):
            if lines[end].strip():
                indent = lines[end][: len(lines[end]) - len(lines[end].lstrip())]
                if lines[end].strip()[1:].strip().strip("'\"") == path:
                    return manifest
            end += 1
        while end > index + 1 and not lines[end - 1].strip():
            end -= 1
        lines.insert(end, f"{indent}- {path}")
        return "\n".join(lines) + "\n"
    return manifest.rstrip("\n") + f"\nquizzes:\n  - {path}\n"
