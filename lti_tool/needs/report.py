"""The needs analysis report (seed 三(三)) on plain values: its computed tables (today
the needs surveys of the year; the analyses join the same list), a draft of its four
texts from them, edits while no version waits or has been approved, submission through
the one approval mechanism (head of the training department, then management), and the
annual plans that name it (seed 四(一))."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from flask_babel import force_locale, gettext as _, lazy_gettext
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lti_tool.approvals import flows, services as approvals
from lti_tool.approvals.models import APPROVED, MANAGEMENT, REJECTED, TRAINING_HEAD, ApprovalRequest
from lti_tool.db import owned, utcnow
from lti_tool.errors import UserError
from lti_tool.hr import charts
from lti_tool.needs import services as surveys
from lti_tool.needs.models import DRAFT, NeedsSurvey
from lti_tool.needs.report_models import SECTIONS, NeedsReport, PlanNeedsReport
from lti_tool.numbers import shown

KIND = "needs.report"
STEPS = (TRAINING_HEAD, MANAGEMENT)  # seed 三(三): reviewed by the department's head, approved by management
LOCALES = ("zh_CN", "en")
MAX_TEXT = 20000


@dataclass
class ReportTable:
    key: str
    title: str
    columns: list[str]
    rows: list[list]
    chart_svg: Markup = field(default_factory=Markup)
    findings: list[str] = field(default_factory=list)


def register_kind() -> None:
    flows.register(flows.DocumentKind(KIND, STEPS, label=lambda: str(lazy_gettext("Needs analysis report")),
                                      endpoint="needs.report", preview=preview))


def preview(session: Session, report_id: int):
    """The whole report as its approvers read it on the approval page."""
    from flask import render_template

    report = session.get(NeedsReport, report_id)
    if report is None:
        return None
    return Markup(render_template("needs/report_preview.html", report=report, tables=tables_of(report),
                                  sections=section_labels(), text=render_text))


def section_labels() -> dict[str, str]:
    return {"overview": _("Overview of the training needs"), "methods": _("Methods and process of the analysis"),
            "main_needs": _("Main training needs"), "recommendations": _("Training recommendations")}


def render_text(text: str) -> Markup:
    """A section's Markdown as safe HTML: no raw HTML, no image or other fetched URL
    (a report has no files of its own: relative links and images lead nowhere)."""
    from lti_tool import i18n
    from lti_tool.catalog.render import render_markdown

    return Markup(render_markdown(text or "", asset_url=lambda path: "", asset_prefixes=(),
                                  language="en" if i18n.current() == "en" else "zh-CN"))


# -- the computed tables ----------------------------------------------------------------

def surveys_of(session: Session, organisation_id: int, year: int) -> list[NeedsSurvey]:
    """The needs surveys of the year: those whose deadline falls in it (drafts asked nobody)."""
    return list(session.scalars(select(NeedsSurvey).where(
        NeedsSurvey.organisation_id == organisation_id, NeedsSurvey.status != DRAFT,
        NeedsSurvey.due_on >= date(year, 1, 1), NeedsSurvey.due_on <= date(year, 12, 31))
        .order_by(NeedsSurvey.due_on, NeedsSurvey.id)))


def survey_charts(s: surveys.Summary) -> list[Markup]:
    """The survey summary's charts: response rate per department, self-rating and wanted count per topic."""
    return [
        charts.bar_chart(_("Response rate per department"),
                         [(d, round(100 * n / asked, 1) if asked else None) for d, asked, n in s.by_department]),
        charts.bar_chart(_("Self-rating per topic (1–5)"), [(t, avg) for t, avg, _n in s.topics], maximum=5, unit=""),
        charts.bar_chart(_("Wanted by (people) per topic"), [(t, n) for t, _avg, n in s.topics],
                         maximum=max([n for _t, _a, n in s.topics] + [1]), unit=""),
    ]


def survey_tables(survey: NeedsSurvey, s: surveys.Summary) -> list[ReportTable]:
    rate, rating, wanted = survey_charts(s)
    departments = ReportTable(
        key=f"survey-{survey.id}-departments", title=_("%(survey)s: response rate per department", survey=survey.title),
        columns=[_("Department"), _("Asked"), _("Answered"), _("Response rate (%)")],
        rows=[[d, asked, n, round(100 * n / asked, 1) if asked else None] for d, asked, n in s.by_department],
        chart_svg=rate)
    if s.rate is not None:
        departments.findings.append(_("%(answered)d of %(asked)d answered (%(rate)s%%).", answered=s.answered,
                                      asked=s.asked, rate=shown(s.rate)))
    low = [(d, asked, n) for d, asked, n in s.by_department if asked and n / asked < 0.5]
    if low:
        departments.findings.append(_("Fewer than half answered in: %(departments)s.",
                                      departments="、".join(d for d, _a, _n in low)))
    topics = ReportTable(
        key=f"survey-{survey.id}-topics", title=_("%(survey)s: self-rating and wanted count per topic",
                                                  survey=survey.title),
        columns=[_("Topic"), _("Self-rating (1–5)"), _("Wanted by")], rows=[list(t) for t in s.topics],
        chart_svg=Markup(rating + wanted))
    rated = [(t, avg) for t, avg, _n in s.topics if avg is not None]
    if rated:
        t, avg = min(rated, key=lambda pair: pair[1])
        topics.findings.append(_("Lowest self-rating: %(topic)s (%(value)s).", topic=t, value=shown(avg)))
    most = sorted(((n, t) for t, _a, n in s.topics if n), key=lambda pair: -pair[0])[:3]
    if most:
        listed = "、".join(f"{t} ({n})" for n, t in most)
        topics.findings.append(_("Most wanted: %(topics)s.", topics=listed))
    found = [departments, topics]
    if s.heads:
        found.append(ReportTable(
            key=f"survey-{survey.id}-heads", title=_("%(survey)s: department heads", survey=survey.title),
            columns=[_("Department"), _("Needs of the department"), _("Suggestions")],
            rows=[[r.department, r.department_needs, r.suggestions] for r in s.heads]))
    return found


def computed_tables(session: Session, organisation_id: int, year: int) -> list[ReportTable]:
    """The report's tables for the year, in the current language."""
    found: list[ReportTable] = []
    for survey in surveys_of(session, organisation_id, year):
        found.extend(survey_tables(survey, surveys.summary(session, survey)))
    for a in _analyses(session, organisation_id, year):
        rows = [[_plain(v) for v in row] for row in a.rows[:MAX_ROWS]]
        findings = list(a.findings)
        if len(a.rows) > MAX_ROWS:
            findings.append(_("The first %(n)d of %(total)d rows; the needs analysis page shows them all.",
                              n=MAX_ROWS, total=len(a.rows)))
        found.append(ReportTable(key=a.key, title=a.title, columns=list(a.columns), rows=rows,
                                 chart_svg=a.chart_svg, findings=findings))
    return found


# A report's analysis table holds at most this many rows (the analysis page pages them all).
MAX_ROWS = 200


def _analyses(session: Session, organisation_id: int, year: int):
    """The task, performance and forward-looking analyses of the year (seed 三(二))."""
    from lti_tool.needs.analysis import analyses

    return analyses(session, organisation_id, year=year)


def _plain(value):
    """A table cell as stored with the report (JSON): numbers and text as they are."""
    return value if value is None or isinstance(value, (str, int, float)) else str(value)


def snapshot(session: Session, organisation_id: int, year: int) -> dict:
    """The tables in every language, as stored on the report."""
    kept = {}
    for locale in LOCALES:
        with force_locale(locale):
            kept[locale] = [{**asdict(t), "chart_svg": str(t.chart_svg)}
                            for t in computed_tables(session, organisation_id, year)]
    return kept


def tables_of(report: NeedsReport) -> list[ReportTable]:
    """The report's stored tables in the current language (the other one if missing)."""
    from lti_tool import i18n

    stored = report.tables or {}
    rows = stored.get(i18n.current()) or next(iter(stored.values()), [])
    # chart_svg was made by our own chart code (labels escaped) when the tables were computed
    return [ReportTable(**{**t, "chart_svg": Markup(t.get("chart_svg", ""))}) for t in rows]


# -- the draft --------------------------------------------------------------------------

def draft(session: Session, organisation_id: int, year: int) -> dict[str, str]:
    """The four texts, pre-filled from the year's surveys, for the training department to edit."""
    found = [(survey, surveys.summary(session, survey)) for survey in surveys_of(session, organisation_id, year)]
    if not found:
        none = _("No needs survey of %(year)d was answered yet.", year=year)
        return {"overview": none, "methods": none, "main_needs": "", "recommendations": ""}
    asked = sum(s.asked for _v, s in found)
    answered = sum(s.answered for _v, s in found)
    overview = _("In %(year)d the training department asked %(asked)d employees about their training needs in "
                 "%(n)d surveys; %(answered)d answered.", year=year, asked=asked, n=len(found), answered=answered)
    methods = [_("Needs surveys (employees rate themselves on each topic and choose what they want to learn; "
                 "department heads add their department's needs):"), ""]
    for survey, s in found:
        methods.append("- " + _("%(title)s: %(start)s to %(due)s, %(answered)d of %(asked)d answered",
                                title=survey.title, start=survey.created_at.date().isoformat(),
                                due=survey.due_on.isoformat(), answered=s.answered, asked=s.asked)
                       + (f" ({shown(s.rate)}%)" if s.rate is not None else ""))
    wanted, ratings = {}, {}
    for _v, s in found:
        for topic, avg, n in s.topics:
            wanted[topic] = wanted.get(topic, 0) + n
            if avg is not None:
                ratings.setdefault(topic, []).append(avg)
    methods += ["", _("Task analysis (the results of each position's required courses), performance analysis "
                      "(imported customer feedback) and forward-looking analysis (industry and technology items "
                      "with the wanted topics): see their tables.")]
    most = [t for t, n in sorted(wanted.items(), key=lambda pair: -pair[1]) if n][:5]
    weakest = sorted(((sum(v) / len(v), t) for t, v in ratings.items()))[:3]
    needs = ["- " + _("%(topic)s: wanted by %(n)d", topic=t, n=wanted[t]) for t in most]
    needs += ["- " + _("%(topic)s: self-rating %(value)s of 5", topic=t, value=shown(avg)) for avg, t in weakest]
    for _v, s in found:
        needs += ["- " + f"{r.department}: {r.department_needs}" for r in s.heads if r.department_needs]
    needs += ["- " + finding for a in _analyses(session, organisation_id, year) for finding in a.findings]
    recommendations = [_("Plan training in the next annual plan on: %(topics)s.",
                         topics="、".join(dict.fromkeys(most + [t for _a, t in weakest])) or "—")]
    for _v, s in found:
        recommendations += ["- " + f"{r.department}: {r.suggestions}" for r in s.heads if r.suggestions]
    return {"overview": overview, "methods": "\n".join(methods), "main_needs": "\n".join(needs),
            "recommendations": "\n".join(recommendations)}


# -- the document -----------------------------------------------------------------------

class Invalid(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def parse_year(value: str) -> int:
    try:
        year = int((value or "").strip())
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        raise Invalid({"year": _("Write the year as four digits, e.g. 2027.")})
    return year


def parse_texts(form) -> dict[str, str]:
    errors, values = {}, {}
    values["title"] = (form.get("title") or "").strip()[:255]
    if not values["title"]:
        errors["title"] = _("Give the report a title.")
    for name in SECTIONS:
        values[name] = (form.get(name) or "").replace("\r\n", "\n").strip()
        if len(values[name]) > MAX_TEXT:
            errors[name] = _("A section holds at most %(n)d characters.", n=MAX_TEXT)
    if errors:
        raise Invalid(errors)
    return values


def report_of(session: Session, organisation_id: int, report_id: int) -> NeedsReport:
    return owned(session, NeedsReport, report_id, organisation_id, _("This needs analysis report was not found."))


def create(session: Session, organisation_id: int, year: int, user_id: int | None) -> NeedsReport:
    """A report for the year, its texts drafted and its tables computed; refused while
    another report of that year is not rejected."""
    for other in session.scalars(select(NeedsReport).where(NeedsReport.organisation_id == organisation_id,
                                                           NeedsReport.year == year)):
        found = approvals.latest(session, KIND, other.id)
        if found is None or found.state != REJECTED:
            raise Invalid({"year": _("There is already a needs analysis report for %(year)d.", year=year)})
    report = NeedsReport(organisation_id=organisation_id, year=year, created_by=user_id,
                         title=_("Training needs analysis report %(year)d", year=year),
                         **draft(session, organisation_id, year))
    report.tables, report.tables_at = snapshot(session, organisation_id, year), utcnow()
    session.add(report)
    session.flush()
    return report


def editable(session: Session, report: NeedsReport) -> bool:
    return approvals.editable(session, KIND, report.id)


def _unlocked(session: Session, report: NeedsReport) -> None:
    if not editable(session, report):
        raise UserError(_("This report is waiting for approval or has been decided: it cannot change. "
                          "An approver can return it for changes."), 409)


def update(session: Session, report: NeedsReport, values: dict[str, str]) -> NeedsReport:
    _unlocked(session, report)
    for name, value in values.items():
        setattr(report, name, value)
    session.flush()
    return report


def refresh(session: Session, report: NeedsReport) -> NeedsReport:
    """Compute the tables again from today's data (the texts stay as written)."""
    _unlocked(session, report)
    report.tables, report.tables_at = snapshot(session, report.organisation_id, report.year), utcnow()
    session.flush()
    return report


def submit(session: Session, report: NeedsReport, who: approvals.Person) -> ApprovalRequest:
    """Put the report forward as it stands, its tables computed anew (a new version after a return)."""
    _unlocked(session, report)
    if not any((getattr(report, name) or "").strip() for name in SECTIONS):
        raise UserError(_("Write the report before submitting it."), 422)
    refresh(session, report)
    return approvals.submit(session, who, KIND, report.id, report.title, report.overview[:4000])


def reports_page(session: Session, organisation_id: int, page: int = 1, per_page: int = 50):
    query = select(NeedsReport).where(NeedsReport.organisation_id == organisation_id)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(NeedsReport.year.desc(), NeedsReport.id.desc())
                           .offset((page - 1) * per_page).limit(per_page))
    return list(rows), total


def latest_requests(session: Session, reports: list[NeedsReport]) -> dict[int, ApprovalRequest]:
    """Each report's latest approval request, in one query."""
    if not reports:
        return {}
    newest = (select(ApprovalRequest.document_id, func.max(ApprovalRequest.version).label("version"))
              .where(ApprovalRequest.kind == KIND, ApprovalRequest.document_id.in_([r.id for r in reports]))
              .group_by(ApprovalRequest.document_id).subquery())
    rows = session.scalars(select(ApprovalRequest).join(newest, (newest.c.document_id == ApprovalRequest.document_id)
                                                        & (newest.c.version == ApprovalRequest.version))
                           .where(ApprovalRequest.kind == KIND))
    return {r.document_id: r for r in rows}


# -- annual plans that answer an approved report ----------------------------------------

def approved_reports(session: Session, organisation_id: int, limit: int = 200) -> list[NeedsReport]:
    """The organisation's approved reports, newest year first (what a plan may name)."""
    done = select(ApprovalRequest.document_id).where(ApprovalRequest.kind == KIND,
                                                     ApprovalRequest.organisation_id == organisation_id,
                                                     ApprovalRequest.state == APPROVED)
    return list(session.scalars(select(NeedsReport).where(NeedsReport.organisation_id == organisation_id,
                                                          NeedsReport.id.in_(done))
                                .order_by(NeedsReport.year.desc(), NeedsReport.id.desc()).limit(limit)))


def linked(session: Session, plan_id: int) -> list[NeedsReport]:
    return list(session.scalars(select(NeedsReport).join(PlanNeedsReport, PlanNeedsReport.report_id == NeedsReport.id)
                                .where(PlanNeedsReport.plan_id == plan_id).order_by(NeedsReport.year.desc())))


def plans_answering(session: Session, report_id: int):
    from lti_tool.plans.models import TrainingPlan

    return list(session.scalars(select(TrainingPlan).join(PlanNeedsReport, PlanNeedsReport.plan_id == TrainingPlan.id)
                                .where(PlanNeedsReport.report_id == report_id).order_by(TrainingPlan.year.desc())))


def link(session: Session, plan, report_id: int) -> NeedsReport:
    """The annual plan names the approved report it answers (while the plan may change)."""
    from lti_tool.plans import services as plans
    from lti_tool.plans.models import ANNUAL

    report = report_of(session, plan.organisation_id, report_id)
    if not plans.editable(session, plan):
        raise UserError(_("This plan is waiting for approval or has been approved: it cannot change. "
                          "An approver can return it for changes."), 409)
    if plan.kind != ANNUAL:
        raise Invalid({"report": _("Only an annual plan names the needs analysis report it answers.")})
    if not approvals.approved(approvals.latest(session, KIND, report.id)):
        raise Invalid({"report": _("Only an approved needs analysis report can be named.")})
    if session.get(PlanNeedsReport, (plan.id, report.id)) is None:
        session.add(PlanNeedsReport(plan_id=plan.id, report_id=report.id, added_at=utcnow()))
        session.flush()
    return report


def unlink(session: Session, plan, report_id: int) -> None:
    from lti_tool.plans import services as plans

    if not plans.editable(session, plan):
        raise UserError(_("This plan is waiting for approval or has been approved: it cannot change. "
                          "An approver can return it for changes."), 409)
    found = session.get(PlanNeedsReport, (plan.id, report_id))
    if found is None:
        raise UserError(_("This needs analysis report was not found."), 404)
    session.delete(found)
    session.flush()
