"""The Ralph LRS as a real process for tests and benchmarks, on 127.0.0.1.

Ralph pins its own fastapi and click, so it lives in its own virtualenv
(``.venv-ralph``, made by ``.ci/install-ralph``; ``AFTERSALES_TEST_RALPH_VENV``
points elsewhere). Each ``RalphServer`` has a work folder with its data; a pool of
users, each writing to its own target folder, gives every test an empty LRS of its
own without restarting Ralph. ``stored_ids`` reads Ralph's statements file: the count
on Ralph's side.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.support.postgres import free_port

ROOT = Path(__file__).resolve().parents[2]
RALPH_VENV = Path(os.environ.get("AFTERSALES_TEST_RALPH_VENV", ROOT / ".venv-ralph"))
RALPH_PYTHON = RALPH_VENV / "bin" / "python"
LAUNCHER = Path(__file__).with_name("ralph_launcher.py")
MODELS = Path(__file__).with_name("ralph_models.py")
STATEMENTS_FILE = "fs_lrs.jsonl"  # Ralph's FS LRS default file name
INSTALL_HINT = "run .ci/install-ralph (or: python3 -m venv .venv-ralph && " \
               ".venv-ralph/bin/pip install 'ralph-malph[lrs,cli]==5.1.0' requests)"


def require_ralph() -> Path:
    if not RALPH_PYTHON.exists():
        raise RuntimeError(f"Ralph's virtualenv is missing at {RALPH_VENV}: {INSTALL_HINT}")
    return RALPH_PYTHON


@dataclass(frozen=True)
class RalphUser:
    username: str
    password: str
    target: str  # the folder under data/ its statements go to


class RalphServer:
    def __init__(self, users: int = 64, workdir: Path | None = None, port: int | None = None) -> None:
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="aftersales-ralph-"))
        self.port = port or free_port()
        self.users = [RalphUser(f"user{i}", secrets.token_urlsafe(12), f"t{i}") for i in range(users)]
        self._next_user = 0
        self.process: subprocess.Popen | None = None
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def endpoint(self) -> str:
        """The xAPI base an LRS target is configured with."""
        return f"{self.url}/xAPI/"

    def start(self, timeout: float = 60.0) -> "RalphServer":
        python = require_ralph()
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "users.json").write_text(json.dumps([u.__dict__ for u in self.users]))
        self._log = open(self.workdir / "ralph.log", "ab")
        self.process = subprocess.Popen(
            [str(python), "-P", str(LAUNCHER), "--port", str(self.port), "--dir", str(self.workdir),
             "--parent-pid", str(os.getpid())],
            stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"Ralph exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/__heartbeat__", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"Ralph did not start within {timeout} s:\n{self.log_tail()}")
            time.sleep(0.1)

    def stop(self, kill: bool = False) -> None:
        """Stop Ralph (``kill``: at once, as a crash would). Its data stays for a restart."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def restart(self) -> "RalphServer":
        self.stop()
        return self.start()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def log_tail(self, lines: int = 40) -> str:
        path = self.workdir / "ralph.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    # -- users, each with a statement store of its own --------------------------------

    def new_user(self) -> RalphUser:
        if self._next_user >= len(self.users):
            raise RuntimeError("every Ralph test user is taken; start RalphServer with more users")
        user = self.users[self._next_user]
        self._next_user += 1
        return user

    def target_settings(self, user: RalphUser, name: str = "ralph", **extra) -> dict:
        """An ``LrsTarget`` settings value for this user."""
        return {"name": name, "endpoint": self.endpoint, "username": user.username, "password": user.password,
                **extra}

    def stored_ids(self, user: RalphUser) -> list[str]:
        """Ids of the statements Ralph wrote for this user, in file order (duplicates kept)."""
        path = self.workdir / "data" / user.target / STATEMENTS_FILE
        if not path.exists():
            return []
        return [json.loads(line)["id"] for line in path.read_text().splitlines() if line.strip()]

    def get(self, user: RalphUser, **params) -> requests.Response:
        return requests.get(f"{self.endpoint}statements", params=params, auth=(user.username, user.password),
                            headers={"X-Experience-API-Version": "1.0.3"}, timeout=30)

    def statement(self, user: RalphUser, statement_id: str) -> dict:
        """One statement read back through Ralph's API (it answers {"statements": [...]})."""
        response = self.get(user, statementId=statement_id)
        response.raise_for_status()
        body = response.json()
        found = body["statements"] if isinstance(body, dict) and "statements" in body else [body]
        if len(found) != 1:
            raise AssertionError(f"Ralph has {len(found)} statements with id {statement_id}")
        return found[0]


@pytest.fixture(scope="session")
def ralph(tmp_path_factory):
    """One Ralph for the test session, started once, stopped at the end. A test takes
    its own user (``ralph.new_user()``) for an empty statement store of its own."""
    server = RalphServer(users=400, workdir=tmp_path_factory.mktemp("ralph")).start()
    yield server
    server.stop()


def validate_with_ralph_models(statements: dict[str, dict]) -> dict[str, list[str]]:
    """Ralph's pydantic xAPI models on each statement, in one subprocess call."""
    result = subprocess.run([str(require_ralph()), "-P", str(MODELS)], input=json.dumps(statements), text=True,
                            capture_output=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"Ralph's model validator failed:\n{result.stderr}")
    return json.loads(result.stdout)
