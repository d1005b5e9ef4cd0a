"""One broken course does not take the catalogue away; strict loading still refuses it."""

import shutil
from pathlib import Path

import pytest

from lti_tool.catalog.errors import ContentError
from lti_tool.catalog.library import load_library

SAMPLE = Path(__file__).parent / "sample"


def test_a_broken_course_is_left_out_and_reported(tmp_path):
    library_path = tmp_path / "library"
    shutil.copytree(SAMPLE, library_path)
    good = {item.id for item in load_library(library_path).items()}
    (library_path / "half-written").mkdir()
    (library_path / "half-written" / "course.yaml").write_text("id: half-written\nversion: [unclosed\n")
    with pytest.raises(ContentError):
        load_library(library_path)
    lenient = load_library(library_path, strict=False)
    assert {item.id for item in lenient.items()} == good
    assert any("half-written" in str(problem) for problem in lenient.problems)
