"""``aftersales-training organisation``: list, add and rename organisations (tenants).
Moving a platform is ``platform move``."""

from __future__ import annotations

import click

from lti_tool.db import get_db


@click.group(help="Organisations (tenants): the platforms of one share employees, training files and HR.")
def organisation() -> None:
    pass


@organisation.command("list", help="List organisations with their number of platforms.")
@click.pass_obj
def organisation_list(ctx) -> None:
    from lti_tool.lti import organisations

    with get_db(ctx.app).sessionmaker.begin() as session:
        for org, platforms in organisations.with_platform_counts(session):
            click.echo(f"{org.slug}\t{org.name}\tplatforms={platforms}")


def _change(ctx, change) -> None:
    """Run ``change(session)`` in a transaction and show the organisation it returns."""
    from lti_tool.lti import organisations

    with get_db(ctx.app).sessionmaker.begin() as session:
        try:
            org = change(session)
        except organisations.OrganisationError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"organisation {org.slug}: {org.name} (time zone {org.timezone})")


@organisation.command("add", help="Add an organisation (nothing changes if the slug exists).")
@click.argument("slug")
@click.option("--name", default="", help="A name to show admins")
@click.pass_obj
def organisation_add(ctx, slug: str, name: str) -> None:
    from lti_tool.lti import organisations

    _change(ctx, lambda session: organisations.get_or_create(session, slug, name))


@organisation.command("rename", help="Change an organisation's name (the slug stays).")
@click.argument("slug")
@click.argument("name")
@click.pass_obj
def organisation_rename(ctx, slug: str, name: str) -> None:
    from lti_tool.lti import organisations

    _change(ctx, lambda session: organisations.rename(session, slug, name))


@organisation.command("hr-roles", help="Show which LTI roles make a launch HR in the organisation, or set them "
                                       "(--set, repeatable: full role URIs or short names) or go back to the "
                                       "built-in ones (--reset: institution or system Administrator and "
                                       "AFTERSALES_HR_ROLES). Takes effect at the next launch.")
@click.argument("slug")
@click.option("--set", "new_roles", multiple=True, metavar="ROLE", help="An LTI role that grants HR (repeatable)")
@click.option("--reset", is_flag=True, help="Use the built-in HR roles again")
@click.pass_obj
def organisation_hr_roles(ctx, slug: str, new_roles: tuple[str, ...], reset: bool) -> None:
    from lti_tool.audit import log as audit
    from lti_tool.lti import organisations
    from lti_tool.lti.roles import hr_roles_of

    if new_roles and reset:
        raise click.UsageError("give --set ROLE ... or --reset, not both")
    extra = ctx.app.config["SETTINGS"].hr_roles
    with get_db(ctx.app).sessionmaker.begin() as session:
        org = organisations.find(session, slug)
        if org is None:
            raise click.ClickException(f"no organisation {slug!r}")
        if new_roles or reset:
            before = hr_roles_of(org.hr_roles, extra)
            try:
                organisations.set_hr_roles(session, slug, None if reset else list(new_roles))
            except organisations.OrganisationError as exc:
                raise click.ClickException(str(exc)) from exc
            audit.record(session, organisation_id=org.id, action="organisation.hr_roles_changed",
                         subject=f"organisation {org.slug}", actor_label=audit.CLI,
                         details={"before": before, "after": hr_roles_of(org.hr_roles, extra),
                                  "built_in": org.hr_roles is None})
        origin = "built-in" if org.hr_roles is None else "the organisation's own"
        click.echo(f"organisation {org.slug}: HR roles ({origin}):")
        for role in hr_roles_of(org.hr_roles, extra):
            click.echo(f"  {role}")


@organisation.command("timezone", help="Show or set the time zone (IANA name, e.g. Asia/Shanghai) in which the "
                                       "organisation's HR reads times, such as the audit log's.")
@click.argument("slug")
@click.argument("zone", required=False)
@click.pass_obj
def organisation_timezone(ctx, slug: str, zone: str | None) -> None:
    from lti_tool.lti import organisations

    def change(session):
        found = organisations.find(session, slug)
        if zone is None and found is not None:
            return found
        return organisations.set_timezone(session, slug, zone or "")

    _change(ctx, change)


@organisation.command("currency", help="Show or set the currency (ISO 4217 code, e.g. CNY) of the organisation's "
                                       "training budgets and expense claims.")
@click.argument("slug")
@click.argument("code", required=False)
@click.pass_obj
def organisation_currency(ctx, slug: str, code: str | None) -> None:
    from lti_tool.lti import organisations

    def change(session):
        found = organisations.find(session, slug)
        if code is None and found is not None:
            click.echo(f"currency {found.currency}")
            return found
        changed = organisations.set_currency(session, slug, code or "")
        click.echo(f"currency {changed.currency}")
        return changed

    _change(ctx, change)
