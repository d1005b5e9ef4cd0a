"""Small real servers on 127.0.0.1 for what Ralph does not do: an LRS endpoint that
rejects every statement, one that answers 409 for ids it already holds, and a socket
that accepts connections and never answers."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class StubLrs:
    """``mode``: "reject" answers 400 with a reason; "accept" stores and answers 200;
    "conflict" stores and answers 409 for an id it already holds (some LRSs do, even
    for the identical statement), and serves GET ?statementId=."""

    def __init__(self, mode: str = "reject") -> None:
        self.mode = mode
        self.requests: list[tuple[str, list[str]]] = []  # (method, statement ids)
        self.stored: dict[str, dict] = {}
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, status: int, payload=None):
                body = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                statements = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                statements = statements if isinstance(statements, list) else [statements]
                ids = [s["id"] for s in statements]
                stub.requests.append(("POST", ids))
                if stub.mode == "reject":
                    return self._send(400, {"detail": f"statement {ids[0]} rejected: verb not in our profile"})
                if stub.mode == "conflict" and any(i in stub.stored for i in ids):
                    return self._send(409, {"detail": "statement id already exists"})
                for s in statements:
                    stub.stored[s["id"]] = s
                return self._send(200, ids)

            def do_GET(self):
                statement_id = parse_qs(urlparse(self.path).query).get("statementId", [""])[0]
                stub.requests.append(("GET", [statement_id]))
                if statement_id in stub.stored:
                    return self._send(200, stub.stored[statement_id])
                return self._send(404, {"detail": "not found"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/xAPI/"

    def start(self) -> "StubLrs":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class SilentServer:
    """Accepts TCP connections, reads what comes, and never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.connections: list[socket.socket] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/xAPI/"

    def _accept(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections.append(conn)  # kept open, never answered

    def start(self) -> "SilentServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.thread.join(timeout=5)
        for conn in self.connections:
            conn.close()
        self.sock.close()
