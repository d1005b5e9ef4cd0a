"""Count the SQL statements an engine runs, e.g. to catch N+1 queries on a page.

    with count_queries(engine) as queries:
        client.get("/hr/employees")
    assert queries.count <= 12, queries.statements

The listener sees every connection of the engine, so a page served by the live
server's thread is counted too; it is removed when the block ends.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.engine import Engine

# Statements that belong to the connection, not to the page: transaction control and
# SQLite's per-connection pragmas.
_HOUSEKEEPING = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA|SELECT 1\b)", re.I)


@dataclass
class QueryLog:
    statements: list[str] = field(default_factory=list)
    parameters: list = field(default_factory=list)  # each statement's parameters, in the same order
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def count(self) -> int:
        return len(self.statements)

    def add(self, statement: str, parameters=None) -> None:
        if not _HOUSEKEEPING.match(statement):
            with self._lock:
                self.statements.append(statement)
                self.parameters.append(parameters)

    def __str__(self) -> str:
        return "\n".join(f"{n:3}: {' '.join(s.split())[:300]}" for n, s in enumerate(self.statements, 1))


@contextmanager
def count_queries(engine: Engine) -> Iterator[QueryLog]:
    """Yield a log of the statements ``engine`` executes inside the block."""
    log = QueryLog()

    def before_cursor_execute(_conn, _cursor, statement, parameters, _context, executemany):
        log.add(statement, None if executemany else parameters)

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)
