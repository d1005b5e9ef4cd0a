"""Shared pieces of the benchmarks: servers on 127.0.0.1, a bounded load loop, figures."""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lti_tool.server import KEEPALIVE_SECONDS  # noqa: E402 - the served tool's own setting, for both servers

PLAIN_APP = """
from flask import Flask, redirect, request
app = Flask(__name__)

@app.get("/plain/start")
def start():
    return redirect("/plain/check?state=" + "s" * 43, 302)


@app.get("/plain/check")
def check():
    return redirect("/plain/next?state=" + "s" * 43, 302)

@app.post("/plain/next")
def next_():
    return redirect("/plain/page", 303)

@app.get("/plain/page")
def page():
    return "<!doctype html><title>plain</title><p>plain page</p>"
"""


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def tree_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) used so far by a process and its descendants (Linux
    /proc): a gunicorn master and its workers, a Dramatiq launcher and its worker
    processes, or PostgreSQL's postmaster and its backends."""
    tick, parents, used = os.sysconf("SC_CLK_TCK"), {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        parents[int(entry)] = int(fields[1])  # fields[1]: the parent's pid
        used[int(entry)] = int(fields[11]) + int(fields[12])  # utime, stime
    tree, grew = {pid}, True
    while grew:
        more = {child for child, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return sum(used.get(p, 0) for p in tree) / tick


def gunicorn(app_spec: str, port: int, workers: int, env: dict, cwd: Path | None = None,
             threads: int = 4) -> subprocess.Popen:
    cmd = [
        sys.executable, "-m", "gunicorn", app_spec, "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
        "--log-level", "warning", "--no-control-socket", "--keep-alive", str(KEEPALIVE_SECONDS),
    ]
    return subprocess.Popen(cmd, env={**os.environ, **env}, cwd=cwd or ROOT)


def stop(process: subprocess.Popen, quick: bool = False) -> None:
    """SIGTERM (or, ``quick``, SIGQUIT: gunicorn's immediate stop, for servers whose
    figures are taken) to the process's group when it leads one (serve, worker), else
    to it; killed when it has not stopped within 40 s."""
    if process.poll() is not None:
        return
    group = os.getpgid(process.pid) == process.pid
    sig = signal.SIGQUIT if quick else signal.SIGTERM
    (os.killpg(process.pid, sig) if group else process.send_signal(sig))
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        (os.killpg(process.pid, signal.SIGKILL) if group else process.kill())
        process.wait(timeout=10)


def run_load(one_iteration, concurrency: int, seconds: float, max_iterations: int) -> dict:
    """Run ``one_iteration(session)`` from ``concurrency`` threads for a bounded time."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    counter = {"n": 0}

    def worker() -> None:
        session = requests.Session()
        while time.monotonic() < stop_at:
            with lock:
                if counter["n"] >= max_iterations:
                    return
                counter["n"] += 1
            started = time.perf_counter()
            try:
                one_iteration(session)
            except Exception as exc:  # noqa: BLE001 - counted and reported
                with lock:
                    errors.append(repr(exc)[:200])
                session = requests.Session()
                continue
            with lock:
                latencies.append(time.perf_counter() - started)

    began = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        for _ in range(concurrency):
            pool.submit(worker)
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "done": len(latencies),
        "errors": len(errors),
        "error_samples": errors[:3],
        "per_second": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else float("nan"),
    }
