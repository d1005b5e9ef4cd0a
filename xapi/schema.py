"""xAPI tables, on their own ``MetaData`` (the app's Alembic migrates them with its own).

- ``xapi_statement``: every statement we recorded (the local store), in ``seq`` order.
- ``xapi_outbox``: statements recorded but not yet handed to the LRS targets.
- ``xapi_delivery``: one row per (target, statement): pending, delivered or parked.
- ``xapi_target``: per-target state: backoff after failures, last success.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.types import TypeDecorator

# The same naming convention as the application's tables.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)

PENDING, DELIVERED, PARKED = "pending", "delivered", "parked"

# SQLite only auto-increments an INTEGER PRIMARY KEY.
SeqType = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a UTC column")
            value = value.astimezone(timezone.utc)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


statement = Table(
    "xapi_statement",
    metadata,
    Column("seq", SeqType, primary_key=True, autoincrement=True),
    Column("id", String(36), nullable=False, unique=True),  # the statement id (UUID)
    Column("actor_key", String(1024), nullable=False),  # the actor's identifier, see store.actor_key
    Column("verb_id", String(1024), nullable=False),
    Column("activity_id", String(2048)),  # the object's id when it is an Activity
    Column("object_statement_id", String(36)),  # the statement a voiding statement voids
    Column("registration", String(36)),
    Column("voided", Boolean, nullable=False, default=False),
    Column("timestamp", UTCDateTime, nullable=False),
    Column("stored", UTCDateTime, nullable=False),
    Column("body", Text, nullable=False),  # the statement as sent to LRSs (JSON)
    # The organisation (tenant) whose event it records: the one whose credentials read it.
    # NULL only for a statement recorded before organisations were kept here and not
    # traceable to one (readable by no credential).
    Column("organisation_id", Integer),
)
Index("ix_xapi_statement_actor_seq", statement.c.actor_key, statement.c.seq)
Index("ix_xapi_statement_verb_seq", statement.c.verb_id, statement.c.seq)
Index("ix_xapi_statement_activity_seq", statement.c.activity_id, statement.c.seq)
Index("ix_xapi_statement_registration_seq", statement.c.registration, statement.c.seq)
Index("ix_xapi_statement_stored", statement.c.stored)
Index("ix_xapi_statement_organisation_seq", statement.c.organisation_id, statement.c.seq)

outbox = Table(
    "xapi_outbox",
    metadata,
    Column("seq", SeqType, ForeignKey("xapi_statement.seq", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    Column("organisation_id", Integer),  # the statement's organisation
)

delivery = Table(
    "xapi_delivery",
    metadata,
    Column("target", String(100), primary_key=True),
    Column("seq", SeqType, ForeignKey("xapi_statement.seq", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("actor_key", String(1024), nullable=False),  # deliveries keep each actor's order
    Column("status", String(16), nullable=False, default=PENDING),
    Column("attempts", Integer, nullable=False, default=0),
    Column("lease_owner", String(64)),  # the drainer sending it now
    Column("lease_until", UTCDateTime),
    Column("last_status", Integer),  # the LRS's HTTP status, if it answered
    Column("last_error", Text),  # the LRS's reason, or what went wrong
    Column("created_at", UTCDateTime, nullable=False, default=utcnow),
    Column("updated_at", UTCDateTime, nullable=False, default=utcnow),
    Column("delivered_at", UTCDateTime),
)
Index("ix_xapi_delivery_due", delivery.c.target, delivery.c.status, delivery.c.seq)
Index("ix_xapi_delivery_actor", delivery.c.target, delivery.c.actor_key, delivery.c.seq)

target_state = Table(
    "xapi_target",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("endpoint", String(2048), nullable=False, default=""),
    Column("failures", Integer, nullable=False, default=0),  # consecutive failed sends
    Column("next_attempt_at", UTCDateTime),  # backing off until then
    Column("last_error", Text),
    Column("last_attempt_at", UTCDateTime),
    Column("last_success_at", UTCDateTime),
)
