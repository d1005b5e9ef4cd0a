"""xAPI for the after-sales training tool: statements, the local store and LRS forwarding.

Nothing here imports the Flask application (``lti_tool``): the app passes plain values,
a SQLAlchemy session and its settings in.

- ``vocabulary``  verb, activity-type and extension IRIs; activity ids
- ``statements``  pure builders of ``tincan`` statements from plain values
- ``validation``  the xAPI 1.0.3 rules a statement must meet before it is recorded
- ``schema``      the tables (own ``MetaData``, migrated by the app's Alembic)
- ``store``       the local statement store and its queries
- ``outbox``      recording in the caller's transaction; the drainer to LRSs
- ``lrs``         one LRS endpoint: auth, timeouts, what its answers mean
- ``api``         the ``/xapi/statements`` blueprint (a Statements API subset)
"""
