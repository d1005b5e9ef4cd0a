"""The trainer pool's rules, on plain values in the caller's transaction: proposing a
candidate (themselves, a department head for their department, the training
department), the assessment, approval through the one approval mechanism, and which
approved trainers may teach a course. Every check is here, on the server."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from lti_tool.approvals import flows
from lti_tool.approvals import services as approvals
from lti_tool.approvals.models import APPROVED, DEPARTMENT_HEAD, TRAINING_HEAD, ApprovalRequest
from lti_tool.db import owned, utcnow
from lti_tool.errors import UserError
from lti_tool.plans.assignments import split_values
from lti_tool.plans.services import Invalid
from lti_tool.records.models import Employee
from lti_tool.trainers.models import ADDED, CRITERIA, EXTERNAL, INTERNAL, KINDS, RECOMMENDED, SELF_NOMINATED, Trainer

APPROVAL_KIND = "trainer"
LABEL = lazy_gettext("Trainer")
# The criteria's part of the overall score; the trial lecture's is the rest.
CRITERIA_WEIGHT = 0.6


def register_kind() -> None:
    flows.register(flows.DocumentKind(APPROVAL_KIND, (TRAINING_HEAD,), label=lambda: str(LABEL),
                                      endpoint="trainers.show", preview=preview, concerns=candidate))


def candidate(session: Session, trainer_id: int) -> int | None:
    """The employee a candidacy is about: they may not approve themselves."""
    trainer = session.get(Trainer, trainer_id)
    return trainer.employee_id if trainer else None


def preview(session: Session, trainer_id: int):
    """The candidate as the head of the training department reads them when deciding."""
    from flask import render_template
    from markupsafe import Markup

    from lti_tool.plans.views import catalogue
    from lti_tool.trainers.views import labels

    trainer = session.get(Trainer, trainer_id)
    if trainer is None:
        return None
    return Markup(render_template("trainers/_preview.html", t=trainer, courses=catalogue(), score=overall(trainer),
                                  **labels()))


def overall(trainer: Trainer) -> float | None:
    """The assessment on 0-100: the criteria's mean (1-5 → 20-100) weighted with the
    trial lecture; None until assessed."""
    if not trainer.assessed or trainer.trial_lecture is None or not trainer.scores:
        return None
    criteria = 20 * sum(trainer.scores.values()) / len(trainer.scores)
    return round(CRITERIA_WEIGHT * criteria + (1 - CRITERIA_WEIGHT) * trainer.trial_lecture, 1)


def trainer_of(session: Session, organisation_id: int, trainer_id: int) -> Trainer:
    return owned(session, Trainer, trainer_id, organisation_id, _("This trainer was not found."))


def editable(session: Session, trainer: Trainer) -> bool:
    return approvals.editable(session, APPROVAL_KIND, trainer.id)


def _unlocked(session: Session, trainer: Trainer) -> None:
    if not editable(session, trainer):
        raise UserError(_("This candidate is waiting for approval or has been approved: it cannot change. "
                          "An approver can return it for changes."), 409)


@dataclass
class Proposal:
    kind: str
    name: str = ""
    employee_number: str = ""
    agency: str = ""
    contact: str = ""
    fee_terms: str = ""
    statement: str = ""
    courses: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


def parse(form, courses: set[str], kind: str | None = None) -> Proposal:
    """A proposal from a form; :class:`Invalid` with every problem."""
    errors = {}
    kind = kind or form.get("kind", INTERNAL)
    if kind not in KINDS:
        errors["kind"] = _("Choose internal or external.")
    chosen = tuple(dict.fromkeys(c for c in form.getlist("courses") if c))
    if set(chosen) - courses:
        errors["courses"] = _("Choose courses of the catalogue.")
    proposal = Proposal(kind=kind, name=form.get("name", "").strip()[:255],
                        employee_number=form.get("employee_number", "").strip()[:64],
                        agency=form.get("agency", "").strip()[:255], contact=form.get("contact", "").strip()[:255],
                        fee_terms=form.get("fee_terms", "").strip()[:4000],
                        statement=form.get("statement", "").strip()[:10000], courses=chosen,
                        topics=tuple(split_values(form.get("topics", "")))[:50])
    if kind == EXTERNAL and not proposal.name:
        errors["name"] = _("Give the external trainer's name.")
    if not proposal.courses and not proposal.topics:
        errors["courses"] = _("Name at least one course or topic the trainer would teach.")
    if errors:
        raise Invalid(errors)
    return proposal


def _employee_by_number(session: Session, organisation_id: int, number: str) -> Employee:
    employee = session.scalars(select(Employee).where(Employee.organisation_id == organisation_id,
                                                      Employee.employee_number == number)).first() if number else None
    if employee is None:
        raise Invalid({"employee_number": _("No employee of your organisation has the number %(n)s.", n=number or "—")})
    return employee


def _new(session: Session, organisation_id: int, proposal: Proposal, source: str, user_id: int | None,
         employee: Employee | None) -> Trainer:
    if employee is not None:
        existing = session.scalars(select(Trainer).where(Trainer.organisation_id == organisation_id,
                                                         Trainer.employee_id == employee.id)).first()
        if existing is not None:
            raise Invalid({"employee_number": _("%(name)s is already in the trainer pool.", name=employee.name)})
    trainer = Trainer(organisation_id=organisation_id, kind=INTERNAL if employee else EXTERNAL,
                      employee_id=employee.id if employee else None,
                      name=(employee.name or employee.employee_number or "") if employee else proposal.name,
                      agency="" if employee else proposal.agency, contact=proposal.contact,
                      fee_terms="" if employee else proposal.fee_terms, source=source, proposed_by=user_id,
                      statement=proposal.statement, courses=list(proposal.courses), topics=list(proposal.topics),
                      scores={})
    session.add(trainer)
    session.flush()
    return trainer


def nominate_self(session: Session, employee: Employee, proposal: Proposal, user_id: int) -> Trainer:
    """An employee puts themselves forward (个人自荐)."""
    return _new(session, employee.organisation_id, proposal, SELF_NOMINATED, user_id, employee)


def headed_departments(session: Session, who: approvals.Person) -> list[str]:
    return sorted({a.department for a in approvals.roles_of(session, who) if a.role == DEPARTMENT_HEAD})


def recommend(session: Session, who: approvals.Person, proposal: Proposal) -> Trainer:
    """A department head recommends an employee of their own department (部门推荐)."""
    employee = _employee_by_number(session, who.organisation_id, proposal.employee_number)
    if employee.department not in headed_departments(session, who):
        raise Invalid({"employee_number": _("You may recommend employees of the departments you head only.")})
    return _new(session, who.organisation_id, proposal, RECOMMENDED, who.user_id, employee)


def add(session: Session, organisation_id: int, proposal: Proposal, user_id: int) -> Trainer:
    """The training department adds an internal (by employee number) or external trainer."""
    employee = (_employee_by_number(session, organisation_id, proposal.employee_number)
                if proposal.kind == INTERNAL else None)
    return _new(session, organisation_id, proposal, ADDED, user_id, employee)


def update(session: Session, trainer: Trainer, proposal: Proposal) -> Trainer:
    _unlocked(session, trainer)
    trainer.statement, trainer.courses, trainer.topics = proposal.statement, list(proposal.courses), list(proposal.topics)
    trainer.contact = proposal.contact
    if trainer.kind == EXTERNAL:
        trainer.name, trainer.agency, trainer.fee_terms = proposal.name, proposal.agency, proposal.fee_terms
    return trainer


def assess(session: Session, trainer: Trainer, form, user_id: int) -> Trainer:
    """The training department's assessment (培训管理部门考核): each criterion 1-5 and
    the trial lecture 0-100."""
    _unlocked(session, trainer)
    errors, scores = {}, {}
    for criterion in CRITERIA:
        try:
            scores[criterion] = int(form.get(criterion, ""))
            if not 1 <= scores[criterion] <= 5:
                raise ValueError
        except ValueError:
            errors[criterion] = _("Rate each criterion from 1 to 5.")
    try:
        trial = int(form.get("trial_lecture", ""))
        if not 0 <= trial <= 100:
            raise ValueError
    except ValueError:
        errors["trial_lecture"] = _("The trial lecture's score is a whole number from 0 to 100.")
    if errors:
        raise Invalid(errors)
    trainer.scores, trainer.trial_lecture = scores, trial
    trainer.assessment_note = form.get("assessment_note", "").strip()[:10000]
    trainer.assessed_by, trainer.assessed_at = user_id, utcnow()
    return trainer


def submit(session: Session, trainer: Trainer, who: approvals.Person) -> ApprovalRequest:
    if not trainer.assessed:
        raise UserError(_("Assess the candidate before submitting them for approval."), 422)
    summary = _("Assessment %(score)s / 100", score=overall(trainer))
    return approvals.submit(session, who, APPROVAL_KIND, trainer.id, trainer.name, summary)


def states(session: Session, trainers: list[Trainer]) -> dict[int, ApprovalRequest]:
    """Each trainer's latest approval request, in one query."""
    if not trainers:
        return {}
    newest = (select(ApprovalRequest.document_id, func.max(ApprovalRequest.version).label("version"))
              .where(ApprovalRequest.kind == APPROVAL_KIND,
                     ApprovalRequest.document_id.in_([t.id for t in trainers]))
              .group_by(ApprovalRequest.document_id).subquery())
    rows = session.scalars(select(ApprovalRequest).join(newest, (ApprovalRequest.document_id == newest.c.document_id)
                                                        & (ApprovalRequest.version == newest.c.version))
                           .where(ApprovalRequest.kind == APPROVAL_KIND))
    return {r.document_id: r for r in rows}


def _approved_ids(organisation_id: int):
    return (select(ApprovalRequest.document_id)
            .where(ApprovalRequest.organisation_id == organisation_id, ApprovalRequest.kind == APPROVAL_KIND,
                   ApprovalRequest.state == APPROVED))


def pool_page(session: Session, organisation_id: int, page: int, per_page: int, kind: str = "", status: str = "",
              q: str = "") -> tuple[list[Trainer], int]:
    query = select(Trainer).where(Trainer.organisation_id == organisation_id)
    if kind in KINDS:
        query = query.where(Trainer.kind == kind)
    if status == "approved":
        query = query.where(Trainer.id.in_(_approved_ids(organisation_id)))
    elif status == "candidate":
        query = query.where(Trainer.id.not_in(_approved_ids(organisation_id)))
    if q:
        like = f"%{q}%"
        query = query.where(or_(Trainer.name.ilike(like), Trainer.agency.ilike(like)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(session.scalars(query.order_by(Trainer.name, Trainer.id).offset((page - 1) * per_page).limit(per_page)))
    return rows, total


def approved_for(session: Session, organisation_id: int, course_ids) -> dict[str, list[Trainer]]:
    """For each of the courses, the approved trainers who may teach it (it is among
    their courses), by name; one query."""
    wanted = {c: [] for c in course_ids}
    rows = session.scalars(select(Trainer).where(Trainer.organisation_id == organisation_id,
                                                 Trainer.id.in_(_approved_ids(organisation_id)))
                           .order_by(Trainer.name)) if wanted else []
    for trainer in rows:
        for course_id in trainer.courses or []:
            if course_id in wanted:
                wanted[course_id].append(trainer)
    return wanted


def own_candidacy(session: Session, employee: Employee) -> Trainer | None:
    return session.scalars(select(Trainer).where(Trainer.organisation_id == employee.organisation_id,
                                                 Trainer.employee_id == employee.id)).first()
