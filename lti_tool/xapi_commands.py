"""``aftersales-training xapi ...``: see and steer the delivery of statements to LRSs."""

from __future__ import annotations

from datetime import datetime, timezone

import click

from lti_tool.db import get_db


def _ctx_app():
    from lti_tool.cli import AppContext

    return click.get_current_context().find_object(AppContext).app


def _when(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else "-"


@click.group(help="xAPI statements: delivery to the LRSs in AFTERSALES_LRS_TARGETS, and the local store.")
def xapi() -> None:
    pass


@xapi.command("status", help="Statements stored, and per LRS: pending, delivered, parked, backoff, last error.")
@click.option("--parked", "show_parked", is_flag=True, help="List parked statements with the LRS's reason")
@click.option("--limit", default=50, show_default=True, help="How many parked statements to list")
def status(show_parked: bool, limit: int) -> None:
    from lti_tool import events
    from xapi import admin

    app = _ctx_app()
    configured = [t.name for t in events.targets(app)]
    with get_db(app).sessionmaker() as session:
        s = admin.status(session, configured)
        click.echo(f"statements stored: {s.stored} (local store at /xapi/statements); "
                   f"waiting to be queued: {s.waiting_fan_out}")
        if not s.targets:
            click.echo("no LRS target configured (AFTERSALES_LRS_TARGETS): statements stay in the local store")
        for t in s.targets:
            flag = "" if t.configured else " (no longer configured)"
            click.echo(f"{t.name}{flag}  {t.endpoint}")
            click.echo(f"  pending {t.pending}  delivered {t.delivered}  parked {t.parked}  "
                       f"oldest pending {_when(t.oldest_pending_at)}  last success {_when(t.last_success_at)}")
            if t.failures:
                click.echo(f"  failing: {t.failures} in a row, next try {_when(t.next_attempt_at)}: {t.last_error}")
        if show_parked:
            rows = admin.parked(session, limit=limit)
            if not rows:
                click.echo("no parked statements")
            for p in rows:
                click.echo(f"parked  {p.target}  {p.statement_id}  HTTP {p.status or '-'}  {p.reason}")


@xapi.command("retry", help="Queue parked statements again and end every backoff now.")
@click.option("--target", default=None, help="Only this LRS target")
@click.option("--drain/--no-drain", default=True, show_default=True, help="Deliver right away, in this process")
def retry(target: str | None, drain: bool) -> None:
    from xapi import admin

    app = _ctx_app()
    with get_db(app).sessionmaker.begin() as session:
        requeued, reset = admin.retry(session, target)
    click.echo(f"{requeued} parked statements queued again; {reset} targets out of backoff")
    if drain:
        _drain(app)


@xapi.command("replay", help="Send again every statement stored since a time (a new LRS, or one that lost data).")
@click.option("--since", required=True, help="ISO 8601 time, e.g. 2026-01-31 or 2026-01-31T08:00:00+08:00")
@click.option("--target", "names", multiple=True, help="LRS target (repeatable; default: every configured one)")
@click.option("--drain/--no-drain", default=True, show_default=True, help="Deliver right away, in this process")
def replay(since: str, names: tuple[str, ...], drain: bool) -> None:
    from lti_tool import events
    from xapi import admin

    try:
        when = datetime.fromisoformat(since)
    except ValueError as exc:
        raise click.BadParameter(f"not an ISO 8601 time: {since}", param_hint="--since") from exc
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    app = _ctx_app()
    configured = [t.name for t in events.targets(app)]
    unknown = set(names) - set(configured)
    if unknown:
        raise click.ClickException(f"not a configured LRS target: {', '.join(sorted(unknown))}")
    chosen = list(names) or configured
    if not chosen:
        raise click.ClickException("no LRS target configured (AFTERSALES_LRS_TARGETS)")
    with get_db(app).sessionmaker.begin() as session:
        count = admin.replay(session, when, chosen)
    click.echo(f"{count} statements stored since {when.isoformat()} queued for {', '.join(chosen)}")
    if drain:
        _drain(app)


@xapi.command("drain", help="Deliver what is due now, in this process, until nothing is left or a target fails.")
def drain() -> None:
    _drain(_ctx_app())


def _drain(app, max_passes: int = 1000) -> None:
    from lti_tool import events

    drainer = events.drainer(app)
    before = dict(drainer.totals)
    for _ in range(max_passes):
        if not drainer.run_once():
            break
    done = {k: drainer.totals[k] - before[k] for k in before}
    click.echo(f"{done['delivered']} statements delivered, {done['parked']} parked")
