"""A generated course whose grade is one long quiz of the four objective question types
(single and multiple choice, true/false, fill in the blank): the quiz of the submit
benchmark (``bench/quiz_submit.py``) and of the test that pins its queries."""

from __future__ import annotations

from pathlib import Path

OPTIONS = ("options: [{id: a, text: {zh-CN: 甲, en: A}}, {id: b, text: {zh-CN: 乙, en: B}}, "
           "{id: c, text: {zh-CN: 丙, en: C}}, {id: d, text: {zh-CN: 丁, en: D}}]")


def write_quiz_course(library: Path, course_id: str, quiz_id: str, questions: int = 50) -> dict[str, list[str]]:
    """Write the course into the library folder; returns the form fields (name -> values)
    that answer its quiz fully right (a full-width answer in the blanks, as typed on a
    Chinese keyboard)."""
    folder = library / course_id
    (folder / "quizzes").mkdir(parents=True)
    (folder / "course.yaml").write_text(f"""id: {course_id}
version: "1.0.0"
category: professional
modes: [online]
title: {{zh-CN: 基准课程, en: Benchmark course}}
description: {{zh-CN: 基准测试。, en: Benchmark.}}
hours: 1
quizzes: [quizzes/{quiz_id}.yaml]
completion: {{quizzes: [{quiz_id}]}}
""", encoding="utf-8")
    lines = [f"id: {quiz_id}", "title: {zh-CN: 基准测验, en: Benchmark quiz}",
             "settings: {pass_percent: 60, time_limit_minutes: 60, shuffle_options: true}", "questions:"]
    answers: dict[str, list[str]] = {}
    for n in range(questions):
        qid, stem = f"q{n}", f"stem: {{zh-CN: 第 {n} 题, en: Question {n}}}"
        kind = n % 4
        if kind == 0:
            lines.append(f"  - {{id: {qid}, type: single_choice, points: 2, {stem}, {OPTIONS}, answer: b}}")
            answers[f"a.{qid}"] = ["b"]
        elif kind == 1:
            lines.append(f"  - {{id: {qid}, type: multiple_choice, points: 2, scoring: partial, {stem}, {OPTIONS}, "
                         "answers: [a, c]}")
            answers[f"a.{qid}"] = ["a", "c"]
        elif kind == 2:
            lines.append(f"  - {{id: {qid}, type: true_false, points: 1, {stem}, answer: true}}")
            answers[f"a.{qid}"] = ["true"]
        else:
            lines.append(f"  - {{id: {qid}, type: fill_blank, points: 2, stem: {{zh-CN: '电压 [[v]]', "
                         f"en: 'Voltage [[v]]'}}, blanks: [{{id: v, accept: ['24V', '24 V']}}]}}")
            answers[f"a.{qid}.v"] = ["２４Ｖ"]
    (folder / "quizzes" / f"{quiz_id}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return answers
