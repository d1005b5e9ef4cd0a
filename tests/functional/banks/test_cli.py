"""``content import-bank``, ``bank-template`` and ``export-bank`` as an author runs them."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from lti_tool.cli import main

FILES = Path(__file__).parents[2] / "unit" / "banks" / "files"
SAMPLE = Path(__file__).parents[2] / "unit" / "catalog" / "sample"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def library(tmp_path) -> Path:
    shutil.copytree(SAMPLE, tmp_path / "library")
    return tmp_path / "library"


def test_template_then_import_then_content_check(tmp_path):
    lib = library(tmp_path)
    result = run("content", "bank-template", tmp_path / "t.xlsx")
    assert result.exit_code == 0, result.output
    result = run("content", "import-bank", tmp_path / "t.xlsx", "--course", "basics", "--pool", "imported", "--library", lib)
    assert result.exit_code == 0, result.output
    assert "单选题 / single_choice: 1" in result.output and "判断题 / true_false: 1" in result.output
    assert (lib / "basics" / "quizzes" / "imported.yaml").is_file()
    check = run("content", "check", lib)
    assert check.exit_code == 0 and check.output.startswith("ok: 1 course(s)"), check.output


def test_dry_run_reports_counts_and_every_error_and_writes_nothing(tmp_path):
    lib = library(tmp_path)
    before = (lib / "basics" / "course.yaml").read_bytes()
    result = run("content", "import-bank", FILES / "moodle.xml", "--course", "basics", "--pool", "m", "--library", lib, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "12 question(s) found, 8 importable" in result.output
    assert "多选题 / multiple_choice: 2" in result.output
    assert "错误 / error: 第 9 题 / question 9 (Match tools): 题型“配对题”" in result.output
    assert "dry run: nothing written" in result.output
    assert (lib / "basics" / "course.yaml").read_bytes() == before
    assert not (lib / "basics" / "quizzes" / "m.yaml").exists()


def test_hostile_xml_fails_with_a_clear_message(tmp_path):
    result = run("content", "import-bank", FILES / "billion_laughs.xml", "--course", "basics", "--pool", "x", "--library", library(tmp_path))
    assert result.exit_code != 0
    assert "refused: the XML has a DTD, entities or external references" in result.output


def test_gift_and_aiken_by_sniffing(tmp_path):
    lib = library(tmp_path)
    for name, pool in (("bank.gift", "g"), ("bank.txt", "a")):
        result = run("content", "import-bank", FILES / name, "--course", "basics", "--pool", pool, "--library", lib)
        assert result.exit_code == 0, result.output
    assert "GIFT" in run("content", "import-bank", FILES / "bank.gift", "--course", "basics", "--pool", "g2", "--library", lib, "--dry-run").output
    assert run("content", "check", lib).exit_code == 0


def test_export_each_format_and_import_it_back(tmp_path):
    lib = library(tmp_path)
    for fmt, suffix in (("moodle", ".xml"), ("gift", ".gift"), ("xlsx", ".xlsx"), ("qti", ".zip")):
        out = tmp_path / f"out{suffix}"
        result = run("content", "export-bank", out, "--course", "basics", "--format", fmt, "--library", lib)
        assert result.exit_code == 0, result.output
        assert "not exported: check-case" in result.output
        back = run("content", "import-bank", out, "--course", "basics", "--pool", f"back-{fmt}", "--library", lib)
        assert back.exit_code == 0, back.output
    assert run("content", "check", lib).exit_code == 0


def test_unknown_course_and_existing_pool_fail_cleanly(tmp_path):
    lib = library(tmp_path)
    result = run("content", "import-bank", FILES / "bank.txt", "--course", "nope", "--pool", "a", "--library", lib)
    assert result.exit_code != 0 and "not a course folder" in result.output
    run("content", "import-bank", FILES / "bank.txt", "--course", "basics", "--pool", "a", "--library", lib)
    again = run("content", "import-bank", FILES / "bank.txt", "--course", "basics", "--pool", "a", "--library", lib)
    assert again.exit_code != 0 and "--replace" in again.output
    assert run("content", "export-bank", tmp_path / "o.xml", "--course", "nope", "--format", "moodle", "--library", lib).exit_code != 0
