"""``content check``: every problem of a broken library as ``file:line: message``."""

from __future__ import annotations

import pytest

from lti_tool.catalog.library import check_library
from tests.unit.catalog.conftest import content_check

Q = "quizzes/check.yaml"
P = "practical/task.yaml"
L = "lessons/intro.md"
C = "course.yaml"

# name: (edits [(file, old, new)], expected (file, line needle, occurrence, line offset, message))
CASES = {
    "missing language": (
        [(Q, "      zh-CN: 选哪个？\n      en: Which one?\n", "      zh-CN: 选哪个？\n")],
        (Q, "zh-CN: 选哪个？", 1, -1, "questions[0].stem: missing the English text (en)"),
    ),
    "text in one language only": (
        [(C, "title:\n  zh-CN: 基础课程\n  en: Basics\n", "title: 基础课程\n")],
        (C, "title: 基础课程", 1, 0, "title: expected the text in each language: {zh-CN: ..., en: ...}"),
    ),
    "unknown language key": (
        [(C, "  en: Basics\n", "  english: Basics\n")],
        (C, "title:", 1, 0, "title: unknown language 'english'; use zh-CN and en"),
    ),
    "unknown question type": (
        [(Q, "type: true_false\n    points: 1", "type: essay\n    points: 1")],
        (Q, "- id: fact", 1, 0, "questions[2]: 'essay' is not a question type allowed here"),
    ),
    "case analysis inside a case analysis": (
        [(Q, "      - id: explain\n        type: short_answer", "      - id: explain\n        type: case_analysis")],
        (Q, "- id: explain", 1, 0, "questions[5].questions[1]: 'case_analysis' is not a question type allowed here"),
    ),
    "correct answer not among the options": (
        [(Q, "    answer: a\n", "    answer: z\n")],
        (Q, "answer: z", 1, 0, "questions[0].answer: answer 'z' is not one of the options (a, b)"),
    ),
    "multiple-choice answer not among the options": (
        [(Q, "answers: [a, c]", "answers: [a, d]")],
        (Q, "answers: [a, d]", 1, 0, "questions[1].answers[1]: answer 'd' is not one of the options (a, b, c)"),
    ),
    "draw count larger than the pool": (
        [(Q, "count: 1", "count: 3")],
        (Q, "count: 3", 1, 0, "draws[0].count: draws 3 questions from pool 'extra', which has 2"),
    ),
    "draw from a pool that does not exist": (
        [(Q, "  - pool: extra", "  - pool: extras")],
        (Q, "pool: extras", 1, 0, "draws[0].pool: there is no pool 'extras'"),
    ),
    "pool questions worth different points": (
        [(Q, "        points: 1\n        stem: {zh-CN: 二", "        points: 2\n        stem: {zh-CN: 二")],
        (Q, "    questions:", 2, 0, "pools[0].questions: every question in a pool must be worth the same points"),
    ),
    "duplicate question ids": (
        [(Q, "  - id: fact", "  - id: one")],
        (Q, "- id: one", 2, 0, "questions[2].id: duplicate question id 'one'"),
    ),
    "duplicate id across files": (
        [(P, "id: task\n", "id: check\n")],
        (P, "id: check", 1, 0, "duplicate id 'check' (also the quiz at quizzes/check.yaml:1)"),
    ),
    "duplicate YAML key": (
        [(C, "hours: 2.5\n", "hours: 2.5\nhours: 3\n")],
        (C, "hours: 3", 1, 0, "duplicate key 'hours'"),
    ),
    "missing lesson file": (
        [(C, "  - lessons/intro.md", "  - lessons/missing.md")],
        (C, "lessons/missing.md", 1, 0, "lesson file lessons/missing.md does not exist"),
    ),
    "file not listed in the manifest": (
        [(C, "quizzes:\n  - quizzes/check.yaml\n", "quizzes: []\n"), (C, "  quizzes: [check]\n", ""),
         (C, "  check: 50\n  task: 50\n", "  task: 100\n")],
        (Q, "id: check", 1, 0, "not listed under quizzes: in course.yaml"),
    ),
    "manifest path leaving its folder": (
        [(C, "  - lessons/intro.md", "  - lessons/../../elsewhere/intro.md")],
        (C, "lessons/../../", 1, 0, "'lessons/../../elsewhere/intro.md' must be a .md file in lessons/"),
    ),
    "completion names a quiz that does not exist": (
        [(C, "quizzes: [check]", "quizzes: [exam]")],
        (C, "quizzes: [exam]", 1, 0, "completion.quizzes[0]: there is no quiz 'exam' in this course"),
    ),
    "bad YAML syntax": (
        [(P, "        weight: 40\n", "        weight: [40\n")],
        (P, "critical: true", 1, 0, "YAML syntax error: while parsing a flow sequence expected ',' or ']'"),
    ),
    "colon inside an unquoted text": (
        [(P, "  en: Watch and grade.", "  en: Step 1: watch and grade.")],
        (P, "Step 1: watch", 1, 0, "(is there a ': ' inside a text? put the text in quotes)"),
    ),
    "unquoted version": (
        [(C, 'version: "1.0.0"', "version: 1.0")],
        (C, "version: 1.0", 1, 0, "version: expected text, found float 1.0 (put it in quotes)"),
    ),
    "version not MAJOR.MINOR.PATCH": (
        [(C, 'version: "1.0.0"', 'version: "1.0"')],
        (C, "version:", 1, 0, "version: '1.0' is not valid: a version is MAJOR.MINOR.PATCH"),
    ),
    "unknown category": (
        [(C, "category: general", "category: sales")],
        (C, "category: sales", 1, 0, "category: 'sales' is not allowed; use one of: 'general', 'professional', 'management' or 'frontier'"),
    ),
    "missing required field": (
        [(C, "category: general\n", "")],
        (C, "id: basics", 1, 0, "missing required field 'category'"),
    ),
    "misspelt field": (
        [(Q, "  pass_percent: 60", "  pass_percnt: 60")],
        (Q, "pass_percnt", 1, 0, "settings.pass_percnt: unknown field 'pass_percnt'"),
    ),
    "course id differs from the folder": (
        [(C, "id: basics", "id: basic")],
        (C, "id: basic", 1, 0, "id: the id 'basic' must be the folder name 'basics'"),
    ),
    "missing image": (
        [(L, "![A figure](../media/figure.svg)", "![A figure](../media/nothere.png)")],
        (L, "nothere.png", 1, 0, "'../media/nothere.png' does not exist (looked for media/nothere.png in the course folder)"),
    ),
    "image outside the course": (
        [(L, "![示意图](../media/figure.svg)", "![示意图](../../figure.svg)")],
        (L, "../../figure.svg", 1, 0, "'../../figure.svg' points outside the course folder"),
    ),
    "image from the web": (
        [(L, "![示意图](../media/figure.svg)", "![示意图](https://example.com/x.png)")],
        (L, "example.com", 1, 0, "must be a file in the course folder"),
    ),
    "image without alt text": (
        [(L, "![示意图](../media/figure.svg)", "![](../media/figure.svg)")],
        (L, "![](../media/figure.svg)", 1, 0, "needs alt text"),
    ),
    "video from an unknown source": (
        [(L, "src: ../media/clip.mp4", "src: https://evil.example/x.mp4")],
        (L, "evil.example", 1, 0, "must be a file in the course folder"),
    ),
    "video provider id malformed": (
        [(L, "video: BV1xx411c7mD", "video: x\"><script>")],
        (L, "```video", 2, 0, "is not a bilibili video id"),
    ),
    "unknown language marker": (
        [(L, "<!-- lang: en -->", "<!-- lang: english -->")],
        (L, "<!-- lang: english -->", 1, 0, "unknown language 'english' in the marker; use zh-CN or en"),
    ),
    "lesson without front matter": (
        [(L, "---\nid: intro\n", "id: intro\n")],
        (L, "id: intro", 1, 0, "a lesson starts with front matter"),
    ),
    "blank missing from a stem": (
        [(Q, "电压 [[volt]]", "电压 [[vol]]")],
        (Q, "zh-CN: 电压", 1, 0, "blank [[volt]] is missing from the zh-CN stem"),
    ),
    "rubric points do not add up": (
        [(Q, "      - points: 3\n", "      - points: 2\n")],
        (Q, "rubric:", 1, 0, "questions[4].rubric: rubric points add up to 2, the question is worth 3"),
    ),
    "case points differ from its sub-questions": (
        [(Q, "    type: case_analysis\n", "    type: case_analysis\n    points: 5\n")],
        (Q, "points: 5", 1, 0, "questions[5].points: points is 5 but the sub-questions add up to 6"),
    ),
    "review after the last attempt without a last attempt": (
        [(Q, "  max_attempts: 2\n", "")],
        (Q, "review: after_last_attempt", 1, 0, "after_last_attempt needs max_attempts"),
    ),
    "critical item with zero weight": (
        [(P, "        weight: 40\n", "        weight: 0\n"), (P, "        weight: 60\n", "        weight: 100\n")],
        (P, "weight: 0", 1, 0, "sections[0].criteria[0].weight: a critical criterion must carry weight (it has 0)"),
    ),
    "critical item without a failing level": (
        [(P, "        critical: true\n", "        critical: true\n        levels:\n          - {id: half, percent: 50, label: {zh-CN: 半, en: Half}, descriptor: {zh-CN: 半, en: Half}}\n          - {id: full, percent: 100, label: {zh-CN: 全, en: Full}, descriptor: {zh-CN: 全, en: Full}}\n")],
        (P, "        levels:", 1, 0, "a critical criterion needs a 0 % level"),
    ),
    "weights do not add up to 100": (
        [(P, "        weight: 60\n", "        weight: 50\n")],
        (P, "sections:", 1, 0, "sections: criterion weights must add up to 100 (they add up to 90)"),
    ),
    "rubric without a top level": (
        [(P, "            percent: 100\n", "            percent: 90\n")],
        (P, "        levels:", 1, 0, "the top level must give 100 %"),
    ),
    "session mode not among the course's modes": (
        [(C, "    mode: classroom", "    mode: external")],
        (C, "mode: external", 1, 0, "sessions[0].mode: mode 'external' is not among the course's modes"),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_broken_content_is_reported_at_its_line(sample, name):
    edits, (rel, needle, occurrence, offset, message) = CASES[name]
    for file, old, new in edits:
        sample.edit(file, old, new)
    line = sample.line_of(rel, needle, occurrence) + offset
    result = content_check(sample.root)
    assert result.exit_code == 1, result.output
    prefix = f"{sample.course / rel}:{line}: "
    matching = [out for out in result.output.splitlines() if out.startswith(prefix) and message in out]
    assert matching, f"expected {prefix}…{message}\n--- got:\n{result.output}"


def test_a_non_course_folder_needs_a_manifest(sample):
    (sample.root / "notes").mkdir()
    (sample.root / "_drafts").mkdir()  # ignored, like .hidden folders
    result = content_check(sample.root)
    assert result.exit_code == 1
    assert f"{sample.root / 'notes' / 'course.yaml'}:1: missing: every course folder needs a course.yaml" in result.output
    assert "_drafts" not in result.output


def test_a_yml_file_is_named_as_such(sample):
    (sample.course / "quizzes" / "check.yaml").rename(sample.course / "quizzes" / "check.yml")
    result = content_check(sample.root)
    assert f"{sample.course / 'quizzes' / 'check.yml'}:1: content files end in .yaml: rename it" in result.output


def test_a_symlink_out_of_the_course_is_refused(sample, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for learners")
    (sample.course / "media" / "figure.svg").unlink()
    (sample.course / "media" / "figure.svg").symlink_to(secret)
    result = content_check(sample.root)
    assert "'../media/figure.svg' is a link to a file outside the course folder" in result.output


def test_an_svg_with_a_script_is_refused(sample):
    (sample.course / "media" / "figure.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', encoding="utf-8"
    )
    result = content_check(sample.root)
    assert result.exit_code == 1
    assert "'../media/figure.svg' contains scripts" in result.output


def test_every_problem_is_printed_with_a_summary(sample):
    sample.edit(Q, "    answer: a\n", "    answer: z\n")
    sample.edit(P, "        weight: 60\n", "        weight: 50\n")
    sample.edit(L, "![A figure](../media/figure.svg)", "![A figure](../media/nothere.png)")
    sample.edit(C, "category: general", "category: sales")
    result = content_check(sample.root)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    problems = [line for line in lines if line.startswith(str(sample.course))]
    assert len(problems) == 4, result.output
    # Sorted by file, then line.
    assert [p.split(":")[0] for p in problems] == sorted(p.split(":")[0] for p in problems)
    assert lines[-1] == f"Error: 4 problem(s) in 4 file(s) under {sample.root}"


def test_one_syntax_error_gives_one_message(sample):
    sample.edit(Q, "    answer: a\n", "    answer: [a\n")
    _courses, problems = check_library(sample.root)
    assert len(problems) == 1 and "YAML syntax error" in problems[0].message


def test_the_sample_library_is_clean_and_summarised(sample):
    result = content_check(sample.root)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        f"ok: 1 course(s), 1 lesson(s), 1 quiz(zes) with 8 question(s), 1 practical task(s), "
        f"1 session(s) in {sample.root}"
    )


def test_a_single_course_folder_can_be_checked(sample):
    result = content_check(sample.course)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: 1 course(s)")


def test_a_missing_folder_is_an_error(tmp_path):
    result = content_check(tmp_path / "nowhere")
    assert result.exit_code != 0
