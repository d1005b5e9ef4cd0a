"""A course run (one catalogue course in one LMS course): its summary report (seed
六(四)2) and its archive (六(四)3): notice, materials list, roster, attendance sheet,
quiz papers and scores, practical results, questionnaire summary and the summary
report, as one ZIP. Built from plain values."""

from __future__ import annotations

import io
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool import spreadsheet
from lti_tool.catalog.importer import latest_version
from lti_tool.catalog.models import CourseVersion
from lti_tool.lti.models import Context, User
from lti_tool.practical.helpers import local_time
from lti_tool.questionnaires.services import Summary, summary
from lti_tool.records.employees import employee_of
from lti_tool.records.models import TrainingRecord
from lti_tool.sessions.models import Attendance, ClassSession


@dataclass
class ItemStats:
    item_id: str
    title: dict
    kind: str
    results: int = 0
    passed: int = 0
    scores: list[float] = field(default_factory=list)

    @property
    def pass_rate(self) -> float | None:
        return round(100.0 * self.passed / self.results, 1) if self.results else None

    @property
    def average(self) -> float | None:
        return round(sum(self.scores) / len(self.scores), 1) if self.scores else None


@dataclass
class Run:
    context: Context
    course_id: str
    version: CourseVersion | None
    learners: list[User]
    records: list[TrainingRecord]
    sessions: list[ClassSession]
    attendance: dict[int, dict[int, str]]  # session id -> user id -> status
    questionnaire: Summary

    @property
    def title(self) -> dict:
        return dict(self.version.manifest["title"]) if self.version else {"zh-CN": self.course_id, "en": self.course_id}

    @property
    def completed(self) -> int:
        return len({r.user_id for r in self.records if r.kind == "course" and r.status == "completed"})

    def items(self) -> list[ItemStats]:
        stats: dict[str, ItemStats] = {}
        for r in self.records:
            if r.kind not in ("quiz", "practical") or r.status not in ("passed", "failed"):
                continue
            item = stats.setdefault(r.item_id, ItemStats(r.item_id, r.title or {}, r.kind))
            item.results += 1
            item.passed += r.status == "passed"
            if r.score is not None and r.score_max:
                item.scores.append(100.0 * r.score / r.score_max)
        return sorted(stats.values(), key=lambda s: (s.kind, s.item_id))

    def attendance_counts(self) -> list[tuple[ClassSession, Counter]]:
        return [(s, Counter(self.attendance.get(s.id, {}).values())) for s in self.sessions]


def load(session: Session, context: Context, course_id: str) -> Run:
    from lti_tool.practical.roster import all_learners

    records = list(session.scalars(select(TrainingRecord).where(
        TrainingRecord.context_id == context.id, TrainingRecord.course_id == course_id)
        .order_by(TrainingRecord.user_id, TrainingRecord.kind, TrainingRecord.item_id)))
    versions = [r.course_version_id for r in records if r.course_version_id]
    version = session.get(CourseVersion, max(versions)) if versions else latest_version(session, course_id)
    if version is not None and not version.visible_to(context.deployment.platform.organisation_id):
        version = None  # another organisation's own course: its content is not shown here
    sessions = list(session.scalars(select(ClassSession).where(
        ClassSession.context_id == context.id, ClassSession.course_id == course_id).order_by(ClassSession.starts_at)))
    attendance: dict[int, dict[int, str]] = defaultdict(dict)
    if sessions:
        for row in session.scalars(select(Attendance).where(Attendance.session_id.in_([s.id for s in sessions]))):
            attendance[row.session_id][row.user_id] = row.status
    learners = all_learners(session, context.id)
    known = {u.id for u in learners}
    learners += [session.get(User, uid) for uid in sorted({r.user_id for r in records} - known)]
    return Run(context, course_id, version, learners, records, sessions, dict(attendance),
               summary(session, context.id, course_id))


_csv = spreadsheet.csv_bytes  # every cell neutralised: names, titles and places come from users


def _notice(run: Run) -> str:
    title = run.title
    lines = [f"{title.get('zh-CN', '')} / {title.get('en', '')}", f"LMS: {run.context.title}", ""]
    if run.version:
        description = run.version.manifest.get("description") or {}
        lines += [description.get("zh-CN", ""), description.get("en", ""), ""]
    for s in run.sessions:
        lines.append(f"- {s.title}: {local_time(s.starts_at, s.timezone)} – {local_time(s.ends_at, s.timezone, '%H:%M')}"
                     f" ({s.timezone}), {s.place}, {s.trainer_name}{' [cancelled]' if s.cancelled_at else ''}")
        if s.materials:
            lines.append(f"  {s.materials}")
    return "\n".join(lines) + "\n"


def _quiz_paper(quiz: dict) -> str:
    lines = [f"{quiz['title'].get('zh-CN', '')} / {quiz['title'].get('en', '')}", ""]
    for number, q in enumerate(quiz.get("questions") or [], start=1):
        lines.append(f"{number}. [{q['type']}, {q.get('points', 1)}] {q['stem'].get('zh-CN', '')} / {q['stem'].get('en', '')}")
        for option in q.get("options") or []:
            lines.append(f"   {option['id']}) {option['text'].get('zh-CN', '')} / {option['text'].get('en', '')}")
        if "answer" in q:
            lines.append(f"   answer: {q['answer']}")
    return "\n".join(lines) + "\n"


def archive(session: Session, run: Run, summary_pdf: bytes) -> bytes:
    people = {u.id: u for u in run.learners}

    def who(user_id: int) -> list[str]:
        user = people.get(user_id) or session.get(User, user_id)
        employee = employee_of(session, user_id)
        return [user.name or user.sub, (employee.employee_number if employee else None) or user.person_sourcedid or "",
                employee.department if employee else ""]

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("01-notice.txt", _notice(run))
        lessons = run.version.lessons if run.version else []
        z.writestr("02-materials.csv", _csv(["lesson", "title_zh", "title_en", "minutes"], [
            [lesson["id"], lesson["title"].get("zh-CN", ""), lesson["title"].get("en", ""), lesson.get("minutes", "")]
            for lesson in lessons] + [["session-materials", s.title, "", s.materials] for s in run.sessions
                                     if s.materials]))
        z.writestr("03-roster.csv", _csv(["name", "employee_number", "department"], [who(u.id) for u in run.learners]))
        z.writestr("04-attendance.csv", _csv(["session", "starts", "name", "employee_number", "department", "status"], [
            [s.title, local_time(s.starts_at, s.timezone), *who(uid), status]
            for s in run.sessions for uid, status in sorted(run.attendance.get(s.id, {}).items())]))
        for quiz in (run.version.quizzes if run.version else []):
            z.writestr(f"05-quiz-papers/{quiz['id']}.txt", _quiz_paper(quiz))
        results = [r for r in run.records if r.kind in ("quiz", "practical")]
        for kind, name in (("quiz", "05-quiz-scores.csv"), ("practical", "06-practical-results.csv")):
            z.writestr(name, _csv(["item", "name", "employee_number", "department", "status", "score", "score_max",
                                   "completed"], [
                [r.item_id, *who(r.user_id), r.status, "" if r.score is None else f"{r.score:g}",
                 "" if r.score_max is None else f"{r.score_max:g}", local_time(r.completed_at)]
                for r in results if r.kind == kind]))
        q = run.questionnaire
        z.writestr("07-questionnaire-summary.csv", _csv(
            ["question", "average", "1", "2", "3", "4", "5"],
            [[k, v, *q.distribution[k]] for k, v in q.averages.items()] if q.shown
            else [[f"{q.count} answers: results show from 5 answers on", "", "", "", "", "", ""]]))
        z.writestr("08-summary-report.pdf", summary_pdf)
    return out.getvalue()
