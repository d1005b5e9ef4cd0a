"""Budgets and expense claims on plain values, through the one approval mechanism:
a budget is approved by management; a claim by the claimant's department head, then
finance, and then paid by finance. Every check is here, on the server."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lti_tool.approvals import flows, services as approvals
from lti_tool.approvals.models import APPROVED, DEPARTMENT_HEAD, FINANCE, MANAGEMENT, PENDING, Approver
from lti_tool.costs import money
from lti_tool.costs.models import CATEGORIES, DRAFT, PAID, Budget, BudgetLine, ExpenseClaim
from lti_tool.db import owned
from lti_tool.errors import UserError
from lti_tool.plans.models import ANNUAL, PlanItem, TrainingPlan

BUDGET_KIND, CLAIM_KIND = "budget", "expense_claim"
SPENT = (APPROVED, PAID)  # claims that count against the budget


class Invalid(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def money_errors() -> dict[str, str]:
    return {"empty": _("Write the amount."), "format": _("Write the amount as digits, e.g. 12,345.60."),
            "decimals": _("An amount has at most two decimals (fen)."),
            "negative": _("An amount cannot be negative."), "zero": _("An amount is more than 0."),
            "large": _("This amount is too large.")}


def parse_amount(text: str) -> Decimal:
    try:
        return money.parse(text)
    except money.MoneyError as exc:
        raise Invalid({"amount": money_errors()[exc.reason]}) from None


def _on_decided(session: Session, request) -> None:
    model = Budget if request.kind == BUDGET_KIND else ExpenseClaim
    row = session.get(model, request.document_id)
    if row is not None:
        row.status = request.state


def register_kinds() -> None:
    flows.register(flows.DocumentKind(BUDGET_KIND, (MANAGEMENT,), label=lambda: str(lazy_gettext("Training budget")),
                                      endpoint="budget.show", preview=budget_preview, on_decided=_on_decided))
    flows.register(flows.DocumentKind(CLAIM_KIND, (DEPARTMENT_HEAD, FINANCE),
                                      label=lambda: str(lazy_gettext("Expense claim")),
                                      endpoint="claims_manage.show", preview=claim_preview, on_decided=_on_decided))


def budget_preview(session: Session, budget_id: int):
    from flask import render_template
    from markupsafe import Markup

    budget = session.get(Budget, budget_id)
    if budget is None:
        return None
    from lti_tool.costs.views import labels

    return Markup(render_template("costs/_budget_preview.html", budget=budget, items=plan_items_of(session, budget),
                                  **labels()))


def claim_preview(session: Session, claim_id: int):
    from flask import render_template
    from markupsafe import Markup

    from lti_tool.costs.claims import target_label
    from lti_tool.costs.views import labels

    claim = session.get(ExpenseClaim, claim_id)
    if claim is None:
        return None
    return Markup(render_template("costs/_claim_preview.html", claim=claim, check=over_budget(session, [claim])[claim.id],
                                  target=target_label(session, claim), **labels()))


# -- who --------------------------------------------------------------------------------

def is_finance(session: Session, organisation_id: int, employee_id: int | None) -> bool:
    return employee_id is not None and session.scalar(select(func.count()).select_from(Approver).where(
        Approver.organisation_id == organisation_id, Approver.employee_id == employee_id,
        Approver.role == FINANCE)) > 0


# -- budgets ----------------------------------------------------------------------------

def parse_budget(form) -> dict:
    errors = {}
    try:
        year = int((form.get("year") or "").strip())
        if not 2000 <= year <= 2100:
            raise ValueError
    except ValueError:
        year = 0
        errors["year"] = _("Write the year as four digits, e.g. 2027.")
    title = (form.get("title") or "").strip()
    if not title:
        errors["title"] = _("Give the budget a title.")
    try:
        plan_id = int(form.get("plan_id") or 0) or None
    except ValueError:
        plan_id = None
    if errors:
        raise Invalid(errors)
    return {"year": year, "title": title[:255], "plan_id": plan_id, "note": (form.get("note") or "").strip()}


def _check_plan(session: Session, organisation_id: int, values: dict) -> None:
    if values["plan_id"] is not None:
        plan = session.get(TrainingPlan, values["plan_id"])
        if plan is None or plan.organisation_id != organisation_id or plan.kind != ANNUAL:
            raise Invalid({"plan_id": _("Choose one of your organisation's annual plans.")})


def budget_of(session: Session, organisation_id: int, budget_id: int) -> Budget:
    return owned(session, Budget, budget_id, organisation_id, _("This budget was not found."))


def create_budget(session: Session, organisation_id: int, values: dict, user_id: int | None, currency: str) -> Budget:
    _check_plan(session, organisation_id, values)
    if session.scalar(select(Budget.id).where(Budget.organisation_id == organisation_id, Budget.year == values["year"])):
        raise Invalid({"year": _("This year already has a budget: open it to change it.")})
    budget = Budget(organisation_id=organisation_id, created_by=user_id, currency=currency, status=DRAFT, **values)
    session.add(budget)
    session.flush()
    return budget


def budget_editable(session: Session, budget: Budget) -> bool:
    return approvals.editable(session, BUDGET_KIND, budget.id)


def _unlocked(session: Session, budget: Budget) -> None:
    if not budget_editable(session, budget):
        raise UserError(_("This budget is waiting for approval or has been approved: it cannot change. "
                          "An approver can return it for changes."), 409)


def update_budget(session: Session, budget: Budget, values: dict) -> Budget:
    _unlocked(session, budget)
    _check_plan(session, budget.organisation_id, values)
    if values["year"] != budget.year and session.scalar(select(Budget.id).where(
            Budget.organisation_id == budget.organisation_id, Budget.year == values["year"])):
        raise Invalid({"year": _("This year already has a budget: open it to change it.")})
    for name, value in values.items():
        setattr(budget, name, value)
    session.flush()
    return budget


def plan_items_of(session: Session, budget: Budget) -> dict[int, PlanItem]:
    if budget.plan_id is None:
        return {}
    return {i.id: i for i in session.scalars(select(PlanItem).where(PlanItem.plan_id == budget.plan_id))}


def parse_line(form, budget: Budget, items: dict[int, PlanItem]) -> dict:
    errors = {}
    category = (form.get("category") or "").strip()
    if category not in CATEGORIES:
        errors["category"] = _("Choose a cost category.")
    try:
        amount = parse_amount(form.get("amount", ""))
    except Invalid as exc:
        errors.update(exc.errors)
        amount = None
    try:
        item_id = int(form.get("plan_item_id") or 0) or None
    except ValueError:
        item_id = -1
    if item_id is not None and item_id not in items:
        errors["plan_item_id"] = _("Choose an item of the budget's plan.")
    if errors:
        raise Invalid(errors)
    return {"category": category, "amount": amount, "plan_item_id": item_id,
            "note": (form.get("note") or "").strip()[:255]}


def add_line(session: Session, budget: Budget, values: dict) -> BudgetLine:
    _unlocked(session, budget)
    line = BudgetLine(**values)
    budget.lines.append(line)
    session.flush()
    return line


def remove_line(session: Session, budget: Budget, line_id: int) -> None:
    _unlocked(session, budget)
    line = session.get(BudgetLine, line_id)
    if line is None or line.budget_id != budget.id:
        raise UserError(_("This budget line was not found."), 404)
    budget.lines.remove(line)
    session.flush()


def submit_budget(session: Session, budget: Budget, who: approvals.Person):
    if not budget.lines:
        raise UserError(_("Add at least one line before submitting the budget."), 422)
    summary = _("Total: %(total)s", total=money.shown(money.total(line.amount for line in budget.lines), budget.currency))
    request = approvals.submit(session, who, BUDGET_KIND, budget.id, budget.title, summary)
    budget.status = PENDING
    return request


def budgets_page(session: Session, organisation_id: int, page: int, per_page: int):
    query = select(Budget).where(Budget.organisation_id == organisation_id)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Budget.year.desc()).offset((page - 1) * per_page).limit(per_page))
    return list(rows), total


def annual_plans(session: Session, organisation_id: int) -> list[TrainingPlan]:
    return list(session.scalars(select(TrainingPlan).where(TrainingPlan.organisation_id == organisation_id,
                                                           TrainingPlan.kind == ANNUAL)
                                .order_by(TrainingPlan.year.desc()).limit(200)))


# -- budget vs actual -------------------------------------------------------------------

def _year_range(year: int):
    return date(year, 1, 1), date(year, 12, 31)


def budgeted(session: Session, organisation_id: int, year: int) -> dict[str, Decimal]:
    """The approved budget of the year, per category (nothing without an approved budget)."""
    rows = session.execute(select(BudgetLine.category, func.sum(BudgetLine.amount))
                           .join(Budget, Budget.id == BudgetLine.budget_id)
                           .where(Budget.organisation_id == organisation_id, Budget.year == year,
                                  Budget.status == APPROVED).group_by(BudgetLine.category))
    return {category: money.exact(amount) for category, amount in rows}


def spent(session: Session, organisation_id: int, year: int) -> dict[str, Decimal]:
    """Approved and paid claims of the year, per category."""
    first, last = _year_range(year)
    rows = session.execute(select(ExpenseClaim.category, func.sum(ExpenseClaim.amount))
                           .where(ExpenseClaim.organisation_id == organisation_id, ExpenseClaim.status.in_(SPENT),
                                  ExpenseClaim.spent_on >= first, ExpenseClaim.spent_on <= last)
                           .group_by(ExpenseClaim.category))
    return {category: money.exact(amount) for category, amount in rows}


def over_budget(session: Session, claims: list[ExpenseClaim]) -> dict[int, dict]:
    """For each claim: the remaining approved budget of its category and year without
    it (approved budget − other approved or paid claims), and whether it is over."""
    cache: dict[tuple[int, int], tuple[dict, dict]] = {}
    found = {}
    for claim in claims:
        key = (claim.organisation_id, claim.spent_on.year)
        if key not in cache:
            cache[key] = (budgeted(session, *key), spent(session, *key))
        budget, used = cache[key]
        others = used.get(claim.category, money.ZERO) - (money.exact(claim.amount) if claim.status in SPENT else 0)
        remaining = budget.get(claim.category, money.ZERO) - others
        found[claim.id] = {"remaining": money.exact(remaining), "over": money.exact(claim.amount) > remaining,
                           "budgeted": claim.category in budget}
    return found


def versus(session: Session, budget: Budget) -> dict:
    """Budget vs actual of the budget's year: per category and per plan item."""
    first, last = _year_range(budget.year)
    lines = budget.lines
    by_category = {c: {"budget": money.total(l.amount for l in lines if l.category == c), "actual": money.ZERO}
                   for c in CATEGORIES}
    by_item: dict = defaultdict(lambda: {"budget": money.ZERO, "actual": money.ZERO})
    for line in lines:
        if line.plan_item_id is not None:
            by_item[line.plan_item_id]["budget"] += money.exact(line.amount)
    rows = session.execute(select(ExpenseClaim.category, ExpenseClaim.plan_item_id, func.sum(ExpenseClaim.amount))
                           .where(ExpenseClaim.organisation_id == budget.organisation_id,
                                  ExpenseClaim.status.in_(SPENT), ExpenseClaim.spent_on >= first,
                                  ExpenseClaim.spent_on <= last)
                           .group_by(ExpenseClaim.category, ExpenseClaim.plan_item_id))
    for category, item_id, amount in rows:
        if category in by_category:
            by_category[category]["actual"] += money.exact(amount)
        if item_id is not None:
            by_item[item_id]["actual"] += money.exact(amount)
    return {"categories": by_category, "items": dict(by_item),
            "budget": money.total(v["budget"] for v in by_category.values()),
            "actual": money.total(v["actual"] for v in by_category.values())}
