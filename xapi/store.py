"""The local statement store: every statement we record, kept in our own database.

``append`` runs in the caller's transaction. Reading follows the xAPI Statements API
(xAPI 1.0.3 Communication §2.1.3): a single statement by id or voided id, or a filtered
page in ``stored`` order with a cursor for the next page.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import tincan
from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session

from xapi import schema
from xapi.schema import statement as t
from xapi.validation import parse_timestamp
from xapi.vocabulary import Verb

MAX_PAGE = 500


def to_dict(value: tincan.Statement | dict) -> dict:
    """A statement as the JSON object we store and send. tincan's default version
    (1.0.3) is dropped: providers should not set it (xAPI 1.0.3 §2.4.10.s4)."""
    if isinstance(value, tincan.Statement):
        # What ``to_json`` would write, without writing and parsing it again: tincan
        # builds fresh dicts and lists at every level (ids, times and durations as text).
        data = value.as_version()
        data.pop("version", None)
        return data
    if isinstance(value, dict):
        return json.loads(json.dumps(value))  # a deep, JSON-clean copy
    raise TypeError(f"a statement is a tincan.Statement or a dict, not {type(value).__name__}")


def dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def actor_key(agent: dict) -> str:
    """One string per agent identity (its inverse functional identifier)."""
    if "account" in agent:
        account = agent["account"]
        return f"account|{account.get('homePage', '')}|{account.get('name', '')}"
    for key in ("mbox", "mbox_sha1sum", "openid"):
        if key in agent:
            return f"{key}|{str(agent[key]).lower() if key == 'mbox' else agent[key]}"
    members = sorted(actor_key(m) for m in agent.get("member", []))
    return "group|" + ";".join(members)


def row_values(data: dict, stored: datetime, organisation_id: int | None = None) -> dict[str, Any]:
    obj = data["object"]
    object_type = obj.get("objectType", "Activity")
    return {
        "id": data["id"].lower(),
        "actor_key": actor_key(data["actor"])[:1024],
        "verb_id": data["verb"]["id"],
        "activity_id": obj["id"] if object_type == "Activity" else None,
        "object_statement_id": obj["id"].lower() if object_type == "StatementRef" else None,
        "registration": (data.get("context") or {}).get("registration"),
        "voided": False,
        "timestamp": parse_timestamp(data.get("timestamp")) or stored,
        "stored": stored,
        "body": dumps(data),
        "organisation_id": organisation_id,
    }


def _insert_ignoring_duplicates(session: Session, table, key: Sequence[str]):
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - the app supports SQLite and PostgreSQL
        raise NotImplementedError(f"xapi tables need SQLite or PostgreSQL, not {dialect}")
    return insert(table).on_conflict_do_nothing(index_elements=list(key))


_APPEND: dict = {}


@dataclass(frozen=True)
class Added:
    seq: int
    id: str
    actor_key: str


def append(session: Session, statements: Iterable[dict], stored: datetime, *,
           organisation_id: int | None) -> list[Added]:
    """Insert statements of one organisation in the caller's transaction; an id already
    stored is skipped (a resend of the same event). Returns what was new."""
    rows = [row_values(s, stored, organisation_id) for s in statements]
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    insert = _APPEND.get(dialect)
    if insert is None:  # built once: every recorded statement goes through here
        insert = _insert_ignoring_duplicates(session, t, ["id"]).returning(t.c.seq, t.c.id, t.c.actor_key)
        _APPEND[dialect] = insert
    added = [Added(r.seq, r.id, r.actor_key) for r in session.execute(insert, rows)]
    voids = [r["object_statement_id"] for r in rows
             if r["verb_id"] == Verb.VOIDED and r["object_statement_id"] and r["id"] in {a.id for a in added}]
    if voids:  # a voiding statement cannot itself be voided (xAPI 1.0.3 Data §2.3.2)
        session.execute(update(t).where(t.c.id.in_(voids), t.c.verb_id != Verb.VOIDED.value).values(voided=True))
    return sorted(added, key=lambda a: a.seq)


def for_output(row: Row, authority: dict | None) -> dict:
    """A stored statement as the API returns it: with ``stored``, ``authority`` and
    ``version`` set by us as the LRS (xAPI 1.0.3 Data §2.4.8-2.4.10)."""
    data = json.loads(row.body)
    data["stored"] = row.stored.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if authority and "authority" not in data:
        data["authority"] = authority
    data.setdefault("version", "1.0.0")
    return data


def get(session: Session, statement_id: str, *, voided: bool, organisation_id: int) -> Row | None:
    """The statement with this id, of this organisation: ``voided=True`` finds it only if
    it was voided, ``voided=False`` only if it was not (xAPI 1.0.3 Communication §2.1.4)."""
    return session.execute(
        select(t.c.seq, t.c.body, t.c.stored).where(t.c.id == statement_id.lower(), t.c.voided.is_(voided),
                                                    t.c.organisation_id == organisation_id)
    ).first()


@dataclass
class Query:
    agent_key: str | None = None
    verb: str | None = None
    activity: str | None = None
    registration: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 0
    ascending: bool = False
    after_seq: int | None = None  # the cursor: continue after this statement
    organisation_id: int | None = None  # whose statements: the reader's organisation (required)


def find(session: Session, q: Query) -> tuple[list[Row], int | None]:
    """A page of the organisation's statements, and the cursor of the next page (None on
    the last page). Voided statements are left out; voiding statements are included."""
    if q.organisation_id is None:
        raise ValueError("a query reads the statements of one organisation: set Query.organisation_id")
    limit = MAX_PAGE if q.limit <= 0 else min(q.limit, MAX_PAGE)
    query = select(t.c.seq, t.c.body, t.c.stored).where(t.c.voided.is_(False),
                                                        t.c.organisation_id == q.organisation_id)
    for column, value in ((t.c.actor_key, q.agent_key), (t.c.verb_id, q.verb), (t.c.activity_id, q.activity),
                          (t.c.registration, q.registration)):
        if value is not None:
            query = query.where(column == value)
    if q.since is not None:
        query = query.where(t.c.stored > q.since)
    if q.until is not None:
        query = query.where(t.c.stored <= q.until)
    if q.after_seq is not None:
        query = query.where(t.c.seq > q.after_seq if q.ascending else t.c.seq < q.after_seq)
    query = query.order_by(t.c.seq.asc() if q.ascending else t.c.seq.desc()).limit(limit + 1)
    rows = list(session.execute(query))
    more = rows[limit - 1].seq if len(rows) > limit else None
    return rows[:limit], more


def count(session: Session) -> int:
    from sqlalchemy import func

    return session.scalar(select(func.count()).select_from(schema.statement)) or 0
