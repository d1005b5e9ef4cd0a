"""One declarative base, one engine per app, one session per request.

The request boundary commits once when the response is a success (status < 400) and
rolls back otherwise, so a rejected request writes nothing. Services only ``flush()``.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, g
from sqlalchemy import MetaData, bindparam, create_engine, event, inspect, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, make_transient_to_detached, sessionmaker

# One naming convention and one UTC datetime type for every table; xapi/ (which
# imports nothing from the app) defines them, the app reuses them.
from xapi.schema import NAMING_CONVENTION, UTCDateTime, utcnow  # noqa: F401

__all__ = ["Base", "UTCDateTime", "utcnow", "upsert", "insert_once", "insert_new", "session", "get_db", "init_app"]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


@dataclass
class Database:
    engine: Engine
    sessionmaker: sessionmaker[Session]


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def init_app(app: Flask) -> None:
    settings = app.config["SETTINGS"]
    engine = make_engine(settings.resolved_database_url)
    app.extensions["db"] = Database(engine, sessionmaker(engine, expire_on_commit=False))

    @app.after_request
    def _commit_on_success(response):
        session = g.pop("db_session", None)
        if session is not None:
            try:
                if response.status_code < 400:
                    session.commit()
                else:
                    session.rollback()
            finally:
                session.close()
        return response

    @app.teardown_request
    def _close(_exc):
        session = g.pop("db_session", None)
        if session is not None:  # an exception skipped after_request
            session.rollback()
            session.close()


def get_db(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["db"]


def _dialect_insert(session: Session):
    name = session.get_bind().dialect.name
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the tool runs on PostgreSQL or SQLite
        raise NotImplementedError(f"no upsert for {name}")
    return insert


def upsert(session: Session, model, keys: dict, values: dict):
    """Insert the row with ``keys`` or update its ``values``, in one statement
    (``INSERT … ON CONFLICT … DO UPDATE … RETURNING``); returns the ORM object.
    Concurrent first writes of the same row both succeed and meet in one row.

    The statement is built once per model and set of columns (a launch runs four); the
    values travel as parameters."""
    dialect = session.get_bind().dialect.name
    shape = (dialect, model, tuple(keys), tuple(values))
    statement = _UPSERT.get(shape)
    if statement is None:
        statement = _dialect_insert(session)(model)
        changed = values or keys  # DO UPDATE needs a column to set for RETURNING to answer
        statement = statement.on_conflict_do_update(
            index_elements=list(keys), set_={name: statement.excluded[name] for name in changed}
        ).returning(model)
        _UPSERT[shape] = statement
    return session.scalars(statement, [{**keys, **values}], execution_options={"populate_existing": True}).one()


_UPSERT: dict = {}


def upsert_changed(session: Session, model, keys: dict, values: dict):
    """``upsert`` for a row many requests share (an LMS course, a resource link): read
    first, and written only when it is missing or one of ``values`` differs. An upsert
    locks its row until the transaction ends, so a class launching together would queue
    on it; a read takes no lock."""
    statement = _BY_KEYS.get((model, tuple(keys)))
    if statement is None:
        columns = model.__table__.c
        statement = _BY_KEYS[(model, tuple(keys))] = select(model).where(
            *(columns[name] == bindparam(name) for name in keys))
    found = session.scalars(statement, keys).first()
    if found is not None and all(getattr(found, name) == value for name, value in values.items()):
        return found
    return upsert(session, model, keys, values)


_BY_KEYS: dict = {}


def insert_once(session: Session, model, values: dict, keys: list[str]) -> bool:
    """Insert unless a row with the same ``keys`` exists; True when this call inserted it."""
    insert = _dialect_insert(session)
    statement = insert(model).values(**values).on_conflict_do_nothing(index_elements=keys)
    return session.execute(statement.returning(*model.__table__.primary_key.columns)).first() is not None


def insert_one(session: Session, model, values: dict):
    """Insert a row of ``model`` in one ``INSERT … RETURNING`` of its key, without the
    ORM's unit of work; returns its ORM object, in the session (see ``insert_new``)."""
    return insert_new(session, model, values, ())


def insert_new(session: Session, model, values: dict, keys):
    """Insert the row unless one with the same ``keys`` exists, in one statement
    (``INSERT … ON CONFLICT DO NOTHING RETURNING`` its primary key); returns the new
    ORM object, or None when the row existed (another transaction won the race).

    The object holds ``values`` as written, as a query would load it; give every column
    (a column left out loads when first read)."""
    table, dialect = model.__table__, session.get_bind().dialect.name
    statement = _INSERT_NEW.get((dialect, table, tuple(keys)))
    if statement is None:  # built once; the values travel as parameters (hot paths: starting, scoring)
        statement = _dialect_insert(session)(table)
        if keys:
            statement = statement.on_conflict_do_nothing(index_elements=list(keys))
        statement = statement.returning(*table.primary_key.columns)
        _INSERT_NEW[(dialect, table, tuple(keys))] = statement
    row = session.execute(statement, values).first()
    if row is None:
        return None
    mapper = inspect(model)
    found = model(**{key: value for key, value in values.items() if key in mapper.column_attrs},
                  **{mapper.get_property_by_column(column).key: value
                     for column, value in zip(table.primary_key.columns, row)})
    make_transient_to_detached(found)  # as if loaded: no history, nothing left to flush
    session.add(found)
    return found


_INSERT_NEW: dict = {}


def context_is(column, outside: bool):
    """For a statement built once: ``column`` equals the bound ``context_id``, or, for
    rows outside any LMS course, is NULL (a bound value cannot say ``IS NULL``)."""
    return column.is_(None) if outside else column == bindparam("context_id")


def insert_rows(session: Session, table, rows: list[dict]) -> None:
    """Insert many rows of ``table`` in the session's transaction, in one round trip:
    PostgreSQL's COPY (a third of the CPU of a 50-row executemany), elsewhere an
    executemany. JSON columns are stored as SQLAlchemy stores them (None as JSON null)."""
    if not rows:
        return
    if session.get_bind().dialect.name != "postgresql":
        session.execute(table.insert(), rows)
        return
    from psycopg import sql
    from psycopg.types.json import Json
    from sqlalchemy.types import JSON

    names = list(rows[0])
    json = {name for name in names if isinstance(table.c[name].type, JSON)}
    copy = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table.name),
                                                     sql.SQL(", ").join(map(sql.Identifier, names)))
    with session.connection().connection.driver_connection.cursor() as cursor, cursor.copy(copy) as out:
        for row in rows:
            out.write_row([Json(row[name]) if name in json else row[name] for name in names])


def session() -> Session:
    """The current request's session (created on first use). It holds on to the rows it
    loads, so a row looked up twice in one request is read once (SQLAlchemy's identity
    map alone forgets a row nothing refers to any more)."""
    if "db_session" not in g:
        g.db_session = get_db().sessionmaker()
        g.db_session.info[_HELD] = {}
    return g.db_session


_HELD = "request_rows"


@event.listens_for(Session, "loaded_as_persistent")
@event.listens_for(Session, "pending_to_persistent")
@event.listens_for(Session, "detached_to_persistent")
def _hold(db_session: Session, instance) -> None:
    held = db_session.info.get(_HELD)
    if held is not None:  # only the request's session: workers' loops keep their memory bounded
        held[id(instance)] = instance  # by identity: a model may define __eq__


@event.listens_for(Session, "persistent_to_detached")
@event.listens_for(Session, "persistent_to_deleted")
@event.listens_for(Session, "persistent_to_transient")
def _release(db_session: Session, instance) -> None:
    held = db_session.info.get(_HELD)
    if held is not None:
        held.pop(id(instance), None)


def owned(session: Session, model, key, organisation_id: int, not_found: str):
    """The ``model`` row ``key`` if it belongs to the organisation; otherwise a 404 that
    says ``not_found`` (a row of another organisation is as unknown as a missing one)."""
    from lti_tool.errors import UserError

    found = session.get(model, key) if key is not None else None
    if found is None or found.organisation_id != organisation_id:
        raise UserError(not_found, 404)
    return found
