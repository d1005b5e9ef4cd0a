"""``aftersales-training platform invite`` and ``platform invites``: the operator's
one-time Dynamic Registration URLs, the only way an LMS registers itself."""

from __future__ import annotations

from datetime import timedelta

import click

from lti_tool.db import get_db

INVITE_HELP = """Make a one-time Dynamic Registration URL for one LMS of an organisation, and print it.

The LMS administrator pastes it into Moodle's "Add LTI Advantage" (or Canvas's
Dynamic Registration); the LMS joins --organisation. The URL works once, until it
expires; it is shown only now (the tool keeps a hash). `platform invites` lists
invitations; `platform invite --revoke ID` withdraws an unused one."""


class Duration(click.ParamType):
    name = "duration"

    def convert(self, value, param, ctx) -> timedelta:
        from lti_tool.lti import invites

        if isinstance(value, timedelta):
            return value
        try:
            return invites.parse_duration(value)
        except invites.InviteError as exc:
            self.fail(str(exc), param, ctx)


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


@click.command("invite", help=INVITE_HELP)
@click.option("--organisation", default=None, help="The organisation (tenant) slug the LMS joins, made if missing")
@click.option("--expires", "lifetime", type=Duration(), default="7d", show_default=True,
              help="How long the URL stays valid: 30m, 12h, 7d (at most 90d)")
@click.option("--trust-identity", is_flag=True,
              help="The platform becomes an identity source: its accounts join employees by employee number")
@click.option("--issuer", default=None,
              help="The LMS's issuer, when it is not the host that serves its configuration "
                   "(Canvas cloud: https://canvas.instructure.com); then only this issuer may register")
@click.option("--note", default="", help="A note for `platform invites`, e.g. who it is for")
@click.option("--revoke", "revoke_id", type=int, default=None, metavar="ID",
              help="Instead: withdraw the unused invitation ID (see `platform invites`)")
@click.pass_obj
def invite(ctx, organisation, lifetime, trust_identity, issuer, note, revoke_id) -> None:
    from lti_tool.audit import log as audit
    from lti_tool.lti import invites

    if revoke_id is not None:
        if organisation or trust_identity or issuer or note:
            raise click.UsageError("--revoke takes only the invitation id")
        with get_db(ctx.app).sessionmaker.begin() as session:
            try:
                found = invites.revoke(session, revoke_id)
            except invites.InviteError as exc:
                raise click.ClickException(str(exc)) from exc
            audit.record(session, organisation_id=found.organisation_id, action="registration_invite.revoked",
                         subject=f"invitation {found.id}", actor_label=audit.CLI)
        click.echo(f"invitation {revoke_id} revoked: its URL registers nothing")
        return
    if not organisation:
        raise click.UsageError("--organisation is required (or --revoke ID)")
    base = ctx.app.config["SETTINGS"].public_base_url
    with get_db(ctx.app).sessionmaker.begin() as session:
        try:
            made, token = invites.create(session, organisation=organisation, lifetime=lifetime,
                                         trust_identity=trust_identity, expected_issuer=issuer, note=note,
                                         created_by=audit.CLI)
        except invites.InviteError as exc:
            raise click.ClickException(str(exc)) from exc
        audit.record(session, organisation_id=made.organisation_id, action="registration_invite.created",
                     subject=f"invitation {made.id}", actor_label=audit.CLI,
                     details={"expires_at": made.expires_at.isoformat(), "trust_identity": made.trust_identity,
                              "expected_issuer": made.expected_issuer, "note": made.note})
        slug, expires_at = made.organisation.slug, made.expires_at
    click.echo(f"invitation {made.id} for organisation {slug}, one use, valid until {_when(expires_at)}:")
    click.echo(f"  {invites.registration_url(base, token)}")
    click.echo("Give this URL to the LMS administrator: in Moodle, paste it as the tool URL of "
               "\"Add LTI Advantage\". It is shown only now.")


@click.command("invites", help="List registration invitations: open, used, expired or revoked.")
@click.pass_obj
def invite_list(ctx) -> None:
    from lti_tool.audit import log as audit
    from lti_tool.lti import invites

    with get_db(ctx.app).sessionmaker.begin() as session:
        rows = invites.all_invites(session)
        audit.record(session, organisation_id=None, action="registration_invite.listed",
                     subject=f"{len(rows)} invitations", actor_label=audit.CLI)
        if not rows:
            click.echo("no invitations (make one with `platform invite --organisation SLUG`)")
        for row in rows:
            platform = row.used_by_platform_id if row.used_by_platform_id is not None else "-"
            flags = " trust-identity" if row.trust_identity else ""
            issuer = f"\tissuer={row.expected_issuer}" if row.expected_issuer else ""
            click.echo(f"{row.id}\t{row.organisation.slug}\t{invites.state(row)}\texpires={_when(row.expires_at)}\t"
                       f"platform={platform}{flags}{issuer}\t{row.note}".rstrip())
