"""Browser tests run once, on PostgreSQL (the production database): what they add is a
person's view of a workflow, not the database; every workflow's requests run on
SQLite and PostgreSQL in tests/functional."""

from __future__ import annotations

import pytest


@pytest.fixture
def database_url(postgres_database_url):
    return postgres_database_url
