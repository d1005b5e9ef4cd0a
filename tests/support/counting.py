"""A tiny HTTP server on a loopback address that counts the TCP connections it accepts
and answers every request with one fixed response: it stands for a machine of the company
network (or a stranger's host) in the tests of outbound fetches, and proves whether the tool
ever connected to it."""

from __future__ import annotations

import socket
import socketserver
import threading


def response(status: str = "200 OK", body: bytes = b'{"keys": []}', headers: dict | None = None,
             content_length: bool = True) -> bytes:
    """The bytes of an HTTP/1.1 response that closes its connection."""
    lines = [f"HTTP/1.1 {status}", "Content-Type: application/json", "Connection: close"]
    if content_length:
        lines.append(f"Content-Length: {len(body)}")
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class CountingServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str = "127.0.0.1", answer: bytes | None = None) -> None:
        self.connections = 0
        self.requests: list[bytes] = []  # the head of each request received
        self.answer = answer if answer is not None else response()
        self.lock = threading.Lock()
        super().__init__((host, 0), _Handler)
        self.host, self.port = host, self.server_address[1]
        self.thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str = "/", host: str | None = None) -> str:
        return f"http://{host or self.host}:{self.port}{path}"

    def __enter__(self) -> "CountingServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()
        self.server_close()
        self.thread.join(timeout=10)


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server: CountingServer = self.server  # type: ignore[assignment]
        with server.lock:
            server.connections += 1
        self.request.settimeout(5)
        head = b""
        try:
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = self.request.recv(4096)
                if not chunk:
                    break
                head += chunk
            with server.lock:
                server.requests.append(head)
            self.request.sendall(server.answer)
            self.request.shutdown(socket.SHUT_WR)
            while self.request.recv(65536):  # a request body not read: let the client finish
                pass
        except OSError:
            pass
