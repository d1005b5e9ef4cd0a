"""The production examples in README.md (Procfile, systemd units) name commands and
options the CLI really has, with values it accepts."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from lti_tool.cli import main

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
PRODUCTION = README[README.index("## Production"):README.index("## Operations")]
# Every command line in the section (not prose such as "aftersales-training workers").
COMMANDS = sorted(set(re.findall(r"aftersales-training ((?:serve|worker|db|keys|xapi|certs)\b[^\n`]*)", PRODUCTION)))


def test_the_production_section_shows_web_worker_and_migrations():
    names = {line.split()[0] for line in COMMANDS}
    assert {"serve", "worker", "db"} <= names


@pytest.mark.parametrize("line", COMMANDS)
def test_each_example_command_parses(line):
    args = shlex.split(line.replace("$PORT", "8000"))
    command, parent, rest = main, None, list(args)
    while isinstance(command, click.Group):
        parent = click.Context(command, parent=parent, info_name=command.name)
        name, rest = rest[0], rest[1:]
        command = command.get_command(parent, name)
        assert command is not None, f"no command {name!r} in {line!r}"
    # Parses every option and value as the real run would (a bad one raises).
    ctx = command.make_context(command.name, rest, parent=parent)
    assert not ctx.args  # nothing left over
