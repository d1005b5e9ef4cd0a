"""``aftersales-training deploy systemd``: the systemd units of a production deployment
(web processes, workers), with the command lines of this installation.

The units start this installation's own ``aftersales-training`` (the one next to the
running Python, e.g. ``/srv/aftersales-training/venv/bin/aftersales-training``) and
read the settings from an environment file, so what the units run is what an operator
runs by hand from the same virtualenv.
"""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

import click

UNIT = """# {path}
[Unit]
Description={description}
After=network-online.target postgresql.service redis-server.service
Wants=network-online.target

[Service]
User={user}
EnvironmentFile={env_file}
WorkingDirectory={working_directory}
{exec_lines}
Restart=always
{stop_lines}

[Install]
WantedBy=multi-user.target
"""

WEB, WORKER = "aftersales-web.service", "aftersales-worker.service"


def executable() -> str:
    """This installation's ``aftersales-training``: next to the running Python (a
    virtualenv's ``bin``), else the one on PATH."""
    beside = Path(sys.executable).with_name("aftersales-training")
    if beside.exists():
        return str(beside)
    return shutil.which("aftersales-training") or str(beside)


def units(*, user: str, env_file: str, working_directory: str, host: str, port: int, workers: int, threads: int,
          worker_processes: int, worker_threads: int) -> dict[str, str]:
    """The unit files by name."""
    cli = executable()

    def line(*args) -> str:
        return shlex.join([cli, *map(str, args)])

    common = {"user": user, "env_file": env_file, "working_directory": working_directory}
    serve = line("serve", "--host", host, "--port", port, "--workers", workers, "--threads", threads)
    web = UNIT.format(
        path=f"/etc/systemd/system/{WEB}", description="aftersales-training web processes (gunicorn)", **common,
        exec_lines=f"ExecStartPre={line('db', 'upgrade')}\n"
                   f"ExecStart={serve}",
        stop_lines="KillSignal=SIGTERM\nTimeoutStopSec=30",
    )
    # SIGTERM to Dramatiq's parent process alone: it passes it on to its workers, which
    # finish their running tasks (30 s at most); whatever is left at 40 s is killed.
    worker = UNIT.format(
        path=f"/etc/systemd/system/{WORKER}", description="aftersales-training workers (Dramatiq on Redis)", **common,
        exec_lines=f"ExecStart={line('worker', '--processes', worker_processes, '--threads', worker_threads)}",
        stop_lines="KillMode=mixed\nTimeoutStopSec=40",
    )
    return {WEB: web, WORKER: worker}


def exec_lines(unit: str) -> list[list[str]]:
    """The command lines a unit runs, in order (``ExecStartPre``, then ``ExecStart``)."""
    found = [line.split("=", 1) for line in unit.splitlines() if line.startswith(("ExecStartPre=", "ExecStart="))]
    found.sort(key=lambda pair: pair[0] != "ExecStartPre")
    return [shlex.split(command) for _key, command in found]


@click.group(help="Deployment files for production.")
def deploy() -> None:
    pass


@deploy.command("systemd", help="Print the systemd units of the web processes and the workers, with this "
                                "installation's command lines (or write them into --out).")
@click.option("--user", default="aftersales", show_default=True, help="The system user the processes run as")
@click.option("--env-file", default="/etc/aftersales-training/env", show_default=True,
              help="The file of AFTERSALES_* settings (mode 600)")
@click.option("--working-directory", default="/var/lib/aftersales-training", show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Where gunicorn listens (behind the proxy)")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=4, show_default=True, type=int, help="Web processes")
@click.option("--threads", default=4, show_default=True, type=int, help="Threads per web process")
@click.option("--worker-processes", default=2, show_default=True, type=int, help="Dramatiq worker processes")
@click.option("--worker-threads", default=4, show_default=True, type=int, help="Threads per worker process")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write the unit files into this folder instead of printing them")
def systemd(out: Path | None, **options) -> None:
    made = units(**options)
    if out is None:
        click.echo("\n".join(made.values()), nl=False)
        return
    out.mkdir(parents=True, exist_ok=True)
    for name, text in made.items():
        (out / name).write_text(text, encoding="utf-8")
        click.echo(f"wrote {out / name}")
    click.echo(f"then: systemctl daemon-reload && systemctl enable --now {' '.join(made)}")
