"""What the platform saw and stored, for tests to assert on."""

from __future__ import annotations

from collections import Counter


class Records:
    """Mixed into ``TestPlatform``: request logs and the stores tests inspect."""

    def __init__(self) -> None:
        self.pending_launches: dict = {}  # lti_message_hint -> PendingLaunch
        self.pending_deep_links: dict = {}  # id -> PendingDeepLink
        self.sessions: dict[str, str] = {}  # platform session cookie -> user key
        self.auth_requests: list[dict] = []  # every OIDC authentication request, as received
        self.auth_errors: list[dict] = []  # the errors the platform answered them with
        self.token_requests: list[dict] = []  # {"client_id", "scope", "ok", "error"}
        self.access_tokens: dict[str, dict] = {}  # token -> {"client_id", "scopes", "expires_at"}
        self.used_jtis: set[str] = set()
        self.score_log: list[dict] = []  # every accepted score
        self.rejected_scores: list[dict] = []  # {"status", "error", "score"}
        self.latest_scores: dict[tuple[int, str], dict] = {}  # (line item, userId) -> score
        self.registration_tokens: dict[str, dict] = {}  # token -> {"client_id", "used"}
        self.registrations: list[dict] = []  # {"client_id", "deployment_id", "request", "response"}
        self.deep_link_responses: list[dict] = []  # {"context_id", "items", "claims"}
        self.deep_link_errors: list[str] = []
        self.outages: dict[str, int] = {}  # service -> HTTP status
        self.service_delay = 0.0  # seconds every token / AGS / NRPS answer waits
        self.request_log: list[tuple[str, str, int]] = []  # (method, path, status)
        self.arrivals: list[tuple[str, str]] = []  # (method, path) of service requests, on arrival

    # -- requests ------------------------------------------------------------------------
    def count_requests(self, path: str, method: str | None = None) -> int:
        """How many requests hit ``path`` (exactly, or as a prefix when it ends in ``/``)."""
        def hit(p: str) -> bool:
            return p.startswith(path) if path.endswith("/") else p == path
        return sum(1 for m, p, _ in list(self.request_log) if hit(p) and (method is None or m == method))

    def unanswered(self, suffix: str, method: str = "POST") -> int:
        """Service requests whose path ends with ``suffix`` that arrived and are not yet
        answered (waiting out ``service_delay``, say)."""
        arrived = sum(1 for m, p in list(self.arrivals) if m == method and p.endswith(suffix))
        answered = sum(1 for m, p, _ in list(self.request_log) if m == method and p.endswith(suffix))
        return arrived - answered

    @property
    def access_tokens_issued(self) -> int:
        return sum(1 for r in self.token_requests if r["ok"])

    def revoke_access_tokens(self) -> None:
        """Every access token stops working (the tool should get a new one, once)."""
        with self.lock:
            self.access_tokens.clear()

    # -- stores ------------------------------------------------------------------------
    def scores(self, context_id: str | None = None) -> list[dict]:
        """Every score accepted, oldest first, with its line item's label, resourceId and tag."""
        with self.lock:
            return [dict(s) for s in self.score_log if context_id is None or s["context_id"] == context_id]

    def gradebook(self, context_id: str | None = None) -> dict[tuple[str, str], float | None]:
        """What the gradebook shows: (line item label, user key) -> the grade it keeps.

        Moodle keeps a scoreGiven only when gradingProgress is FullyGraded; Canvas also
        for PendingManual."""
        by_sub = {u.sub: k for k, u in self.users.items()}
        with self.lock:
            return {
                (s["label"], by_sub.get(s["userId"], s["userId"])): s["gradebook_score"]
                for s in self.latest_scores.values()
                if context_id is None or s["context_id"] == context_id
            }

    def line_items(self, context_id: str | None = None) -> list[dict]:
        with self.lock:
            items = [i for i in self.lineitems.values() if context_id is None or i.context_id == context_id]
            return [dict(i.to_json(self.lineitem_url(i.context_id, i.id)), context_id=i.context_id) for i in items]

    def deep_link_items(self, context_id: str | None = None) -> list[dict]:
        """The content items tools returned by Deep Linking, in order."""
        with self.lock:
            return [
                dict(item) for r in self.deep_link_responses
                if context_id is None or r["context_id"] == context_id for item in r["items"]
            ]

    def token_scopes_requested(self) -> Counter:
        return Counter(r["scope"] for r in self.token_requests)
