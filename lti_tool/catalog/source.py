"""YAML with line numbers: every key and list item keeps the line it was written on.

PyYAML's composer gives nodes with marks; we build plain Python data from them and a
map from each path (``("questions", 3, "answer")``) to its line, so a schema error
found later can be reported as ``file:line``. Duplicate keys, which PyYAML would
silently overwrite, are reported too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from lti_tool.catalog.errors import Problem

Loc = tuple[str | int, ...]


@dataclass
class Source:
    """Data parsed from one file, with the line of every key and list item."""

    file: Path
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def resolve(self, loc: Loc) -> Loc:
        """The longest prefix of ``loc`` that exists in the data (schema tags skipped)."""
        node, path = self.data, ()
        for part in loc:
            if isinstance(node, dict) and not isinstance(part, int) and part in node:
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                continue  # a union tag or validator name in a pydantic location
            path += (part,)
        return path

    def line(self, loc: Loc) -> int:
        path = self.resolve(loc)
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)

    def problem(self, loc: Loc, message: str) -> Problem:
        where = format_loc(self.resolve(loc))
        return Problem(self.file, self.line(loc), f"{where}: {message}" if where else message)


def format_loc(loc: Loc) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _compose(text: str) -> Node | None:
    """The node tree of ``text``: by libyaml when PyYAML has it (a 5,000-question bank
    composes in a second instead of fifteen), with PyYAML's own parser's error for a
    text libyaml refuses, so a syntax error reads the same on every machine."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def load_yaml(file: Path, text: str | None = None, first_line: int = 1) -> Source:
    """Parse YAML text (or the file); a syntax error becomes the only problem."""
    if text is None:
        text = file.read_text(encoding="utf-8")
    source = Source(file, None, {(): first_line})
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        what = " ".join(part for part in (exc.context, exc.problem) if part)
        if exc.problem and "mapping values are not allowed" in exc.problem:
            what += " (is there a ': ' inside a text? put the text in quotes)"
        elif exc.context and "flow" in exc.context:
            what += " (in a one-line {…} or […], put texts containing , ? : # [ ] { } in quotes)"
        source.problems.append(Problem(file, line, f"YAML syntax error: {what}"))
        return source
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML parse error is marked
        source.problems.append(Problem(file, first_line, f"YAML syntax error: {exc}"))
        return source
    if node is not None:
        source.data = _Builder(source, first_line).build(node, ())
    return source


class _Builder:
    def __init__(self, source: Source, first_line: int) -> None:
        self.source = source
        self.offset = first_line
        self.constructor = SafeConstructor()

    def line(self, node: Node) -> int:
        return node.start_mark.line + self.offset

    def build(self, node: Node, path: Loc) -> Any:
        if isinstance(node, MappingNode):
            result: dict = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    self.source.problems.append(
                        Problem(self.source.file, self.line(key_node), "a key must be plain text")
                    )
                    continue
                key = self.constructor.construct_object(key_node)
                if key in result:
                    self.source.problems.append(
                        Problem(self.source.file, self.line(key_node), f"duplicate key '{key}'")
                    )
                    continue
                self.source.lines[path + (key,)] = self.line(key_node)
                result[key] = self.build(value_node, path + (key,))
            return result
        if isinstance(node, SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.source.lines[path + (index,)] = self.line(item)
                items.append(self.build(item, path + (index,)))
            return items
        return self.constructor.construct_object(node)


@dataclass
class FrontMatter:
    """A Markdown file split into its YAML front matter and its body."""

    yaml: str | None  # None: the file has no front matter
    body: str
    body_line: int  # the line the body starts on
    closed: bool = True  # False: the front matter has no closing ``---`` line


def split_front_matter(text: str) -> FrontMatter:
    """Front matter is the block between a first line ``---`` and the next ``---`` line.
    Its YAML starts on line 2."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        return FrontMatter(None, text, 1)
    for index in range(1, len(lines)):
        if lines[index].rstrip() == "---":
            return FrontMatter("".join(lines[1:index]), "".join(lines[index + 1 :]), index + 2)
    return FrontMatter("".join(lines[1:]), "", len(lines) + 1, closed=False)
