"""Course versions remembered per process: served without a query once a committed
transaction read them, never remembered from a transaction that rolled back."""

from __future__ import annotations

from lti_tool.catalog import cache
from lti_tool.catalog.importer import import_library
from lti_tool.catalog.models import CourseVersion
from lti_tool.db import get_db
from tests.support.queries import count_queries


def test_a_version_read_in_a_committed_transaction_is_served_from_memory(app, db_session, sample):
    (imported,) = import_library(db_session, sample.root)
    db_session.commit()
    sessions, engine = get_db(app).sessionmaker, get_db(app).engine
    with sessions() as first:
        with count_queries(engine) as cold:
            found = cache.version(first, imported.version_id)
        assert cold.count == 1 and found.slug == "basics"  # the course comes in the same query
        first.commit()
    with sessions() as second, count_queries(engine) as warm:
        again = cache.version(second, imported.version_id)
        by_name = cache.stored_version(second, "basics", "1.0.0")
        assert again is by_name and again in second  # attached to this session, one object
        assert (again.slug, again.version, again.quiz("check")["settings"]["pass_percent"]) == ("basics", "1.0.0", 60)
        assert again.title("en") == "Basics"
        assert not second.dirty  # nothing to write back
    assert warm.count == 0, str(warm)


def test_nothing_read_in_a_rolled_back_transaction_is_remembered(app, sample, tmp_path):
    sessions, engine = get_db(app).sessionmaker, get_db(app).engine
    with sessions() as first:
        (imported,) = import_library(first, sample.root)
        assert cache.version(first, imported.version_id).slug == "basics"
        first.rollback()  # the import is undone: its row (and, on SQLite, its id) is gone
    sample.edit("course.yaml", "id: basics", "id: another")
    (sample.root / "basics").rename(sample.root / "another")
    with sessions() as second:
        (other,) = import_library(second, sample.root)
        second.commit()
    with sessions() as third, count_queries(engine) as queries:
        found = cache.version(third, other.version_id)
        assert found.slug == "another"  # never the rolled-back "basics", whatever the id
        assert cache.stored_version(third, "basics", "1.0.0") is None
    assert queries.count == 2  # both read from the database
    with sessions() as fourth:
        assert fourth.get(CourseVersion, other.version_id).slug == "another"
