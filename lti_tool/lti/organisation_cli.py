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
        click.echo(f"organisation {org.slug}: {org.name}")


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
