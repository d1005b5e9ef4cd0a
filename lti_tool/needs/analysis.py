"""The three needs analyses of seed 三(二), computed from what the tool holds, for one
organisation and optionally one year, department and position:

- **task** (任务分析法): each position's required catalogue courses (the organisation's
  map) against the quiz and practical results of the people in that position; a
  group (department and position) falls short on a course when the average of its
  people's results is below the pass threshold (percent of each result's maximum).
- **performance** (绩效分析法): imported customer feedback per employee: complaints
  and mean satisfaction (percent of the scale); an employee is below when their
  complaints reach the complaint threshold or their mean satisfaction is below the
  satisfaction threshold, a department when its mean satisfaction is below it or its
  complaints reach the threshold times the number of its people with feedback; each
  with the fault categories and products involved and the courses mapped to them.
- **forward** (前瞻性分析法): topics from the industry items (weight high 3, medium 2,
  low 1, halved for an item older than a year before the period's end) and from the
  needs surveys (the people who want the topic); priority = weight + wanted by.

``analyses`` returns them as ``Analysis`` values (titles, columns and findings in the
current language; cells plain values, numbers rounded to one decimal) that the page
shows and the needs analysis report includes as they are."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lti_tool.hr.charts import bar_chart
from lti_tool.lti.organisations import platform_ids
from lti_tool.needs import mapping
from lti_tool.needs.analysis_models import (FAULT, POSITION, PRODUCT, SATISFACTION, CustomerFeedback,
                                            IndustryItem)
from lti_tool.needs.models import NeedsResponse, NeedsSurvey
from lti_tool.numbers import shown
from lti_tool.records.models import Employee, EmployeeUser, TrainingRecord

RELEVANCE_WEIGHT = {"high": 3, "medium": 2, "low": 1}
CHART_ROWS = 15


@dataclass
class Analysis:
    key: str
    title: str
    columns: list[str]
    rows: list[list]
    chart_svg: Markup
    findings: list[str]


def analyses(session: Session, organisation_id: int, *, year: int | None = None, department: str | None = None,
             position: str | None = None) -> list[Analysis]:
    settings = mapping.settings_of(session, organisation_id)
    titles = course_titles(organisation_id)
    return [task_analysis(session, organisation_id, settings.pass_threshold, titles, year, department, position),
            performance_analysis(session, organisation_id, settings.satisfaction_threshold,
                                 settings.complaint_threshold, titles, year, department, position),
            forward_analysis(session, organisation_id, titles, year, department, position)]


def course_titles(organisation_id: int) -> dict[str, str]:
    """The catalogue's course titles in the current language (empty outside an app)."""
    from flask import has_app_context

    if not has_app_context():
        return {}
    from lti_tool.plans.views import catalogue

    return catalogue(organisation_id)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _mean(values) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def _employees(session: Session, organisation_id: int, department: str | None, position: str | None):
    query = select(Employee).where(Employee.organisation_id == organisation_id)
    if department:
        query = query.where(Employee.department == department)
    if position:
        query = query.where(Employee.position == position)
    return list(session.scalars(query.order_by(Employee.department, Employee.position, Employee.employee_number)))


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def _group(employee: Employee) -> tuple[str, str]:
    return employee.department or "—", employee.position or "—"


# -- task analysis --------------------------------------------------------------------


def task_analysis(session: Session, organisation_id: int, threshold: float, titles: dict[str, str],
                  year: int | None = None, department: str | None = None, position: str | None = None) -> Analysis:
    required = mapping.links(session, organisation_id, POSITION)
    people = [e for e in _employees(session, organisation_id, department, position) if e.position in required]
    results: dict[tuple[int, str], list[float]] = defaultdict(list)  # (employee, course) -> percents
    courses = sorted({c for e in people for c in required[e.position]})
    if people and courses:
        by_id = {e.id for e in people}
        query = (select(EmployeeUser.employee_id, TrainingRecord.course_id, TrainingRecord.score,
                        TrainingRecord.score_max)
                 .join(TrainingRecord, TrainingRecord.user_id == EmployeeUser.user_id)
                 .join(Employee, Employee.id == EmployeeUser.employee_id)
                 .where(Employee.organisation_id == organisation_id,
                        TrainingRecord.platform_id.in_(platform_ids(organisation_id)),
                        TrainingRecord.kind.in_(("quiz", "practical")), TrainingRecord.course_id.in_(courses),
                        TrainingRecord.score.is_not(None), TrainingRecord.score_max > 0))
        if department:
            query = query.where(Employee.department == department)
        if position:
            query = query.where(Employee.position == position)
        if year:
            start, end = _year_bounds(year)
            when = func.coalesce(TrainingRecord.completed_at, TrainingRecord.updated_at)
            query = query.where(when >= start, when < end)
        for employee_id, course_id, score, score_max in session.execute(query):
            if employee_id in by_id:
                results[(employee_id, course_id)].append(100 * score / score_max)
    groups: dict[tuple[str, str, str], list[float | None]] = defaultdict(list)
    for employee in people:
        for course_id in required[employee.position]:
            groups[(*_group(employee), course_id)].append(_mean(results.get((employee.id, course_id), [])))
    rows, chart, findings = [], [], []
    for (dep, pos, course_id), means in sorted(groups.items()):
        measured = [m for m in means if m is not None]
        average = _mean(measured)
        below = sum(1 for m in measured if m < threshold)
        if average is None:
            state = _("No results")
        elif average < threshold:
            state = _("Falls short")
        else:
            state = _("Meets the threshold")
        topic = titles.get(course_id, course_id)
        rows.append([dep, pos, topic, len(means), len(measured), _round(average), below, state])
        chart.append((f"{dep} · {pos} · {topic}", _round(average)))
        group = f"{dep} · {pos}"
        if average is not None and average < threshold:
            findings.append(_("%(group)s falls short on %(topic)s: average %(average)s%% against the pass threshold "
                              "of %(threshold)s%% (%(below)d of %(n)d people below).", group=group, topic=topic,
                              average=shown(average), threshold=shown(threshold), below=below, n=len(measured)))
        elif average is None:
            findings.append(_("%(group)s has no quiz or practical results in %(topic)s yet.", group=group,
                              topic=topic))
    if not required:
        findings.append(_("No position has required courses yet: map positions to courses on the analysis page."))
    elif not any(r[7] == _("Falls short") for r in rows):
        findings.insert(0, _("No group falls short of the pass threshold of %(threshold)s%%.",
                             threshold=shown(threshold)))
    return Analysis(
        key="task", title=_("Task analysis: required courses of each position against quiz and practical results"),
        columns=[_("Department"), _("Position"), _("Course"), _("People"), _("With results"), _("Average (%)"),
                 _("Below the threshold (people)"), _("Status")],
        rows=rows, chart_svg=bar_chart(_("Average result per group and course (%)"), chart[:CHART_ROWS]),
        findings=findings)


# -- performance analysis -------------------------------------------------------------


@dataclass
class _Measures:
    complaints: int = 0
    ratings: int = 0
    percent_sum: float = 0.0

    @property
    def mean(self) -> float | None:
        return self.percent_sum / self.ratings if self.ratings else None


def performance_analysis(session: Session, organisation_id: int, satisfaction_threshold: float,
                         complaint_threshold: int, titles: dict[str, str], year: int | None = None,
                         department: str | None = None, position: str | None = None) -> Analysis:
    query = select(CustomerFeedback).where(CustomerFeedback.organisation_id == organisation_id)
    if year:
        query = query.where(CustomerFeedback.received_on >= date(year, 1, 1),
                            CustomerFeedback.received_on < date(year + 1, 1, 1))
    feedback = list(session.scalars(query.order_by(CustomerFeedback.received_on, CustomerFeedback.id)))
    staff = {e.employee_number: e for e in _employees(session, organisation_id, department, position)
             if e.employee_number}
    faults, products = mapping.links(session, organisation_id, FAULT), mapping.links(session, organisation_id, PRODUCT)
    people: dict[str, _Measures] = defaultdict(_Measures)
    involved: dict[str, tuple[Counter, Counter]] = defaultdict(lambda: (Counter(), Counter()))
    departments: dict[str, _Measures] = defaultdict(_Measures)
    department_people: dict[str, set[str]] = defaultdict(set)
    for row in feedback:
        employee = staff.get(row.employee_number)
        if employee is None and (department or position):
            continue  # not of the group filtered on (or not known to the roster yet)
        dep = (employee.department or "—") if employee else "—"
        for measures in (people[row.employee_number], departments[dep]):
            if row.kind == SATISFACTION and row.percent is not None:
                measures.ratings += 1
                measures.percent_sum += row.percent
            elif row.kind != SATISFACTION:
                measures.complaints += 1
        department_people[dep].add(row.employee_number)
        poor = row.kind != SATISFACTION or (row.percent is not None and row.percent < satisfaction_threshold)
        if poor:
            if row.fault_category:
                involved[row.employee_number][0][row.fault_category] += 1
            if row.product:
                involved[row.employee_number][1][row.product] += 1

    def is_below(m: _Measures, people_count: int = 1) -> bool:
        return m.complaints >= complaint_threshold * people_count or (
            m.mean is not None and m.mean < satisfaction_threshold)

    def covering(number: str) -> list[str]:
        fault_counts, product_counts = involved.get(number, (Counter(), Counter()))
        found = [c for f in fault_counts for c in faults.get(f, [])] + \
                [c for p in product_counts for c in products.get(p, [])]
        return [titles.get(c, c) for c in dict.fromkeys(found)]

    rows = []
    for number, m in people.items():
        employee = staff.get(number)
        fault_counts, product_counts = involved.get(number, (Counter(), Counter()))
        rows.append([(employee.department or "—") if employee else "—",
                     f"{employee.name} ({number})" if employee and employee.name else number,
                     m.complaints, m.ratings, _round(m.mean), _("Yes") if is_below(m) else _("No"),
                     "、".join(f for f, _n in fault_counts.most_common()),
                     "、".join(p for p, _n in product_counts.most_common()), "、".join(covering(number))])
    rows.sort(key=lambda r: (r[5] != _("Yes"), -r[2], r[4] if r[4] is not None else 101, r[1]))
    findings = []
    for dep, m in sorted(departments.items()):
        if is_below(m, len(department_people[dep])):
            findings.append(_("Department %(department)s is below the thresholds: %(complaints)d complaints, mean "
                              "satisfaction %(mean)s%%.", department=dep, complaints=m.complaints,
                              mean=shown(m.mean, "—")))
    for row in rows:
        if row[5] == _("Yes"):
            covered = row[8] or _("no course mapped to them yet")
            findings.append(_("%(employee)s: %(complaints)d complaints, mean satisfaction %(mean)s%%; involved: "
                              "%(involved)s; courses: %(courses)s.", employee=row[1], complaints=row[2],
                              mean=shown(row[4], "—"), involved="、".join(v for v in (row[6], row[7]) if v) or "—",
                              courses=covered))
    if not feedback:
        findings.append(_("No customer feedback imported for this period."))
    elif not any(r[5] == _("Yes") for r in rows):
        findings.append(_("Nobody is below the thresholds (%(complaints)d complaints, %(mean)s%% mean satisfaction).",
                          complaints=complaint_threshold, mean=shown(satisfaction_threshold)))
    return Analysis(
        key="performance", title=_("Performance analysis: customer feedback per employee and department"),
        columns=[_("Department"), _("Employee"), _("Complaints"), _("Ratings"), _("Mean satisfaction (%)"),
                 _("Below the threshold"), _("Fault categories"), _("Products"), _("Courses that cover them")],
        rows=rows,
        chart_svg=bar_chart(_("Mean satisfaction per department (%)"),
                            [(dep, _round(m.mean)) for dep, m in sorted(departments.items())][:CHART_ROWS]),
        findings=findings)


# -- forward-looking needs ------------------------------------------------------------


def forward_analysis(session: Session, organisation_id: int, titles: dict[str, str], year: int | None = None,
                     department: str | None = None, position: str | None = None) -> Analysis:
    reference = date(year, 12, 31) if year else date.today()
    items_query = select(IndustryItem).where(IndustryItem.organisation_id == organisation_id)
    if year:
        items_query = items_query.where(IndustryItem.noted_on >= date(year, 1, 1),
                                        IndustryItem.noted_on <= reference)
    topics: dict[str, dict] = {}

    def topic(name: str) -> dict:
        return topics.setdefault(name.strip().casefold(), {"name": name.strip(), "items": 0, "weight": 0.0,
                                                           "best": None, "latest": None, "wanted": 0,
                                                           "courses": []})

    order = {r: i for i, r in enumerate(("high", "medium", "low"))}
    for item in session.scalars(items_query.order_by(IndustryItem.noted_on)):
        t = topic(item.topic)
        t["items"] += 1
        t["weight"] += RELEVANCE_WEIGHT.get(item.relevance, 1) * (1 if (reference - item.noted_on).days <= 365 else .5)
        if t["best"] is None or order.get(item.relevance, 3) < order.get(t["best"], 3):
            t["best"] = item.relevance
        t["latest"] = max(filter(None, (t["latest"], item.noted_on)))
        t["courses"].extend(item.course_ids or [])
    answers = (select(NeedsResponse.wanted).join(NeedsSurvey, NeedsSurvey.id == NeedsResponse.survey_id)
               .where(NeedsSurvey.organisation_id == organisation_id))
    if year:
        answers = answers.where(NeedsSurvey.due_on >= date(year, 1, 1), NeedsSurvey.due_on < date(year + 1, 1, 1))
    if department:
        answers = answers.where(NeedsResponse.department == department)
    if position:
        answers = answers.join(Employee, Employee.id == NeedsResponse.employee_id).where(Employee.position == position)
    for wanted in session.scalars(answers):
        for name in dict.fromkeys(wanted or []):
            if name and name.strip():
                topic(name)["wanted"] += 1
    by_title = {title.casefold(): course_id for course_id, title in titles.items()}
    relevance = {"high": _("High"), "medium": _("Medium"), "low": _("Low")}
    rows = []
    for key, t in topics.items():
        courses = list(dict.fromkeys(t["courses"] + ([by_title[key]] if key in by_title else [])))
        rows.append([t["name"], t["items"], relevance.get(t["best"], "—") if t["best"] else "—",
                     t["latest"].isoformat() if t["latest"] else "", _round(t["weight"]), t["wanted"],
                     _round(t["weight"] + t["wanted"]), "、".join(titles.get(c, c) for c in courses)])
    rows.sort(key=lambda r: (-r[6], r[0]))
    findings = [_("%(topic)s: priority %(priority)s (%(items)d industry items, wanted by %(wanted)d people).",
                  topic=r[0], priority=shown(r[6]), items=r[1], wanted=r[5]) for r in rows[:5]]
    findings += [_("No catalogue course covers %(topic)s yet.", topic=r[0]) for r in rows[:5] if not r[7]]
    if not rows:
        findings.append(_("No industry item or wanted topic for this period."))
    top = max([r[6] for r in rows] + [1])
    return Analysis(
        key="forward", title=_("Forward-looking needs: industry and technology items and the topics people want"),
        columns=[_("Topic"), _("Industry items"), _("Highest relevance"), _("Latest item"), _("Industry weight"),
                 _("Wanted by"), _("Priority"), _("Courses")],
        rows=rows, chart_svg=bar_chart(_("Priority per topic"), [(r[0], r[6]) for r in rows[:CHART_ROWS]],
                                       maximum=top, unit=""),
        findings=findings)
