"""``aftersales-training xapi ...``: see and steer the delivery of statements to LRSs."""

from __future__ import annotations

from datetime import datetime, timezone

import click
from sqlalchemy import select

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


@xapi.group("credentials", help="Keys and secrets of the local Statements API (/xapi/statements), per organisation.")
def credentials() -> None:
    pass


@credentials.command("add", help="Make a credential; its key and secret are printed this once.")
@click.option("--organisation", "slug", required=True, help="Organisation slug: the statements it reads")
@click.option("--name", required=True, help="What it is for, e.g. the company's LRS")
def credentials_add(slug: str, name: str) -> None:
    from lti_tool import xapi_credentials
    from lti_tool.audit.log import CLI
    from lti_tool.lti import organisations

    app = _ctx_app()
    with get_db(app).sessionmaker.begin() as session:
        organisation = organisations.find(session, slug)
        if organisation is None:
            raise click.ClickException(f"no organisation {slug!r}")
        credential, secret = xapi_credentials.create(session, organisation_id=organisation.id, name=name,
                                                     actor_label=CLI)
    url = f"{app.config['SETTINGS'].public_base_url}/xapi/statements"
    click.echo(f"credential {credential.id} for {organisation.slug}: {credential.name}")
    click.echo(f"  url:    {url}")
    click.echo(f"  key:    {credential.key}")
    click.echo(f"  secret: {secret}")
    click.echo("The secret is shown this once; HTTP Basic auth: the key as user name, the secret as password.")


@credentials.command("list", help="Credentials (never their secrets): id, organisation, key, name, state.")
@click.option("--organisation", "slug", default=None, help="Only this organisation")
def credentials_list(slug: str | None) -> None:
    from lti_tool import xapi_credentials
    from lti_tool.lti import organisations
    from lti_tool.lti.models import Organisation

    with get_db(_ctx_app()).sessionmaker() as session:
        organisation_id = None
        if slug is not None:
            organisation = organisations.find(session, slug)
            if organisation is None:
                raise click.ClickException(f"no organisation {slug!r}")
            organisation_id = organisation.id
        found = xapi_credentials.listed(session, organisation_id)
        slugs = dict(session.execute(select(Organisation.id, Organisation.slug)).all())
        if not found:
            click.echo("no credentials")
        for c in found:
            state = f"revoked {_when(c.revoked_at)}" if c.revoked_at else f"last used {_when(c.last_used_at)}"
            click.echo(f"{c.id}  {slugs.get(c.organisation_id, '?')}  {c.key}  {c.name}  "
                       f"created {_when(c.created_at)}  {state}")


@credentials.command("revoke", help="Revoke a credential: it opens nothing from now on.")
@click.argument("credential_id", type=int)
def credentials_revoke(credential_id: int) -> None:
    from lti_tool import xapi_credentials
    from lti_tool.audit.log import CLI

    with get_db(_ctx_app()).sessionmaker.begin() as session:
        credential = session.get(xapi_credentials.XapiCredential, credential_id)
        if credential is None:
            raise click.ClickException(f"no credential {credential_id}")
        xapi_credentials.revoke(session, credential, actor_label=CLI)
    click.echo(f"credential {credential_id} ({credential.key}) revoked")
