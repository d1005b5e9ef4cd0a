"""``.ci/install`` stops, with pip's own error, when pip fails (nothing masks it)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_failing_pip_install_fails_the_script_and_shows_why(tmp_path):
    (tmp_path / ".ci").mkdir()
    shutil.copy(ROOT / ".ci" / "install", tmp_path / ".ci" / "install")
    (tmp_path / "pyproject.toml").write_text("this is [not toml\n")
    env = {**os.environ, "PIP_NO_INDEX": "1"}  # nothing to fetch: pip fails on the project itself
    done = subprocess.run(["bash", str(tmp_path / ".ci" / "install")], capture_output=True, text=True,
                          env=env, timeout=300)
    assert done.returncode != 0
    assert "TOMLDecodeError" in done.stderr or "pyproject.toml" in done.stderr
    assert "pip install -e . failed" in done.stderr
    assert "installed" not in done.stdout.splitlines()
