"""A valid sample library copied into tmp_path, and helpers to break it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from lti_tool.cli import main

SAMPLE = Path(__file__).parent / "sample"


class SampleLibrary:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.course = root / "basics"

    def edit(self, rel: str, old: str, new: str) -> Path:
        """Replace ``old`` (which must occur exactly once) in a course file."""
        file = self.course / rel
        text = file.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
        file.write_text(text.replace(old, new), encoding="utf-8")
        return file

    def line_of(self, rel: str, needle: str, occurrence: int = 1) -> int:
        seen = 0
        for number, line in enumerate((self.course / rel).read_text(encoding="utf-8").splitlines(), start=1):
            if needle in line:
                seen += 1
                if seen == occurrence:
                    return number
        raise AssertionError(f"{needle!r} not found {occurrence} time(s) in {rel}")


@pytest.fixture
def sample(tmp_path) -> SampleLibrary:
    shutil.copytree(SAMPLE, tmp_path / "library")
    return SampleLibrary(tmp_path / "library")


def content_check(path: Path):
    return CliRunner().invoke(main, ["content", "check", str(path)])
