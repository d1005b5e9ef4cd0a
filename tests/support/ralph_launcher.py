"""Start the Ralph LRS (file-system backend) for the tests. Run with Ralph's own Python.

    .venv-ralph/bin/python -P tests/support/ralph_launcher.py --port 8100 --dir /tmp/ralph

(``-P``: this folder must not shadow the ``ralph`` package with ``ralph.py``.)

``--dir`` holds ``users.json`` (username, password, target) written by
``tests/support/ralph.py``; this script hashes the passwords into Ralph's auth file,
makes one data folder per target, and serves on 127.0.0.1.

Ralph 5.1.0's statements router writes without an operation type, so the file-system
backend uses its default (create) and every write after the first to the same file
fails with 500. Here the default becomes append, the mode a statements file needs.
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from pathlib import Path


def watch_parent(pid: int) -> None:
    """Ralph must not outlive the test run or benchmark that started it."""

    def watch() -> None:
        while True:
            time.sleep(0.5)
            try:
                os.kill(pid, 0)
            except OSError:
                os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--max-hits", type=int, default=100000)
    parser.add_argument("--parent-pid", type=int, default=None, help="exit when this process is gone")
    args = parser.parse_args()
    if args.parent_pid:
        watch_parent(args.parent_pid)
    work = args.dir.resolve()
    data = work / "data"
    users = json.loads((work / "users.json").read_text())

    os.environ.update({
        "RALPH_APP_DIR": str(work / "app"),
        "RALPH_AUTH_FILE": str(work / "auth.json"),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_RUNSERVER_AUTH_BACKENDS": "basic",
        "RALPH_RUNSERVER_MAX_SEARCH_HITS_COUNT": str(args.max_hits),
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(data),
    })
    (work / "app").mkdir(parents=True, exist_ok=True)

    import bcrypt

    credentials = []
    for user in users:
        (data / user["target"]).mkdir(parents=True, exist_ok=True)
        credentials.append({
            "agent": {"objectType": "Agent", "name": user["username"],
                      "account": {"homePage": "http://ralph.test", "name": user["username"]}},
            "scopes": ["all"],
            "target": user["target"],
            "username": user["username"],
            "hash": bcrypt.hashpw(user["password"].encode(), bcrypt.gensalt(rounds=4)).decode(),
        })
    (work / "auth.json").write_text(json.dumps(credentials))

    from ralph.backends.data.base import BaseOperationType
    from ralph.backends.data.fs import FSDataBackend

    FSDataBackend.default_operation_type = BaseOperationType.APPEND

    import uvicorn

    uvicorn.run("ralph.api:app", host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
