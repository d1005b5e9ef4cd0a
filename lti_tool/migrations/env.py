"""Alembic environment: the engine comes from the app's settings, never from an ini file."""

from __future__ import annotations

from alembic import context

from lti_tool.migrations.metadata import target_metadata

config = context.config


def run_migrations_online() -> None:
    connectable = config.attributes["connection"]
    context.configure(
        connection=connectable,
        target_metadata=target_metadata(),
        render_as_batch=connectable.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
