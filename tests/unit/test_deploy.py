"""``aftersales-training deploy systemd``: units that run this installation's own command
lines with the operator's settings file."""

from __future__ import annotations

import sys
from pathlib import Path

from click.testing import CliRunner

from lti_tool.cli import main
from lti_tool.deploy import WEB, WORKER, exec_lines, executable


def test_the_units_run_this_installations_commands():
    result = CliRunner().invoke(main, ["deploy", "systemd", "--env-file", "/etc/at/env", "--port", "8123",
                                       "--workers", "3", "--worker-processes", "5"])
    assert result.exit_code == 0, result.output
    web, worker = result.output.split(f"# /etc/systemd/system/{WORKER}\n")
    assert web.startswith(f"# /etc/systemd/system/{WEB}\n")
    cli = executable()
    assert Path(cli).parent == Path(sys.executable).parent  # the virtualenv's own command
    assert exec_lines(web) == [[cli, "db", "upgrade"],
                               [cli, "serve", "--host", "127.0.0.1", "--port", "8123", "--workers", "3",
                                "--threads", "4"]]
    assert exec_lines(worker) == [[cli, "worker", "--processes", "5", "--threads", "4"]]
    for unit in (web, worker):
        assert "EnvironmentFile=/etc/at/env\n" in unit and "User=aftersales\n" in unit
        assert "WantedBy=multi-user.target" in unit
    assert "KillMode=mixed" in worker  # SIGTERM to Dramatiq's parent: its workers finish their tasks


def test_out_writes_one_file_per_unit(tmp_path):
    result = CliRunner().invoke(main, ["deploy", "systemd", "--out", str(tmp_path / "units"), "--user", "lms"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "units").iterdir()) == sorted([WEB, WORKER])
    assert "User=lms\n" in (tmp_path / "units" / WORKER).read_text()
    assert f"systemctl enable --now {WEB} {WORKER}" in result.output
