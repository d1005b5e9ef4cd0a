"""The sdist and the wheel, built once per test run from the source tree as ``python -m
build`` makes them (the wheel from the sdist), and a fresh virtualenv with the wheel."""

from __future__ import annotations

import atexit
import functools
import shutil
import subprocess
import sys
import tempfile
import venv
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: What the distribution must carry: every file of these folders of the tree.
SHIPPED = ("lti_tool", "xapi", "content")


@dataclass(frozen=True)
class Built:
    wheel: Path
    sdist: Path


#: Not part of a checkout: virtualenvs, state, and build output (a stale ``*.egg-info``
#: would hand setuptools the file list of an earlier build).
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv*", "instance", "build", "dist", "*.egg-info", "__pycache__",
                                    "*.pyc", ".pytest_cache", ".test-artifacts")


@functools.cache
def build() -> Built:
    """``python -m build`` of a clean copy of the tree, with the test virtualenv's
    setuptools (no download)."""
    work = Path(tempfile.mkdtemp(prefix="aftersales-dist-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    source, out = work / "source", work / "dist"
    shutil.copytree(ROOT, source, symlinks=True, ignore=NOT_SOURCE)
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"python -m build failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return Built(wheel=next(out.glob("*.whl")), sdist=next(out.glob("*.tar.gz")))


def tree_files() -> set[str]:
    """Every file under ``SHIPPED`` (bytecode aside), as a path in the wheel: ``content/``
    ships inside the package as ``lti_tool/content/``."""
    found = set()
    for top in SHIPPED:
        for path in (ROOT / top).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                relative = path.relative_to(ROOT).as_posix()
                found.add(f"lti_tool/{relative}" if top == "content" else relative)
    return found


def install(wheel: Path, where: Path) -> Path:
    """A new virtualenv in ``where`` with the wheel and its dependencies (from the package
    index, through pip's cache); returns its ``bin`` folder."""
    venv.create(where, with_pip=True)
    python = where / "bin" / "python"
    done = subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                           "--find-links", str(wheel.parent), f"aftersales-training @ {wheel.as_uri()}"],
                          capture_output=True, text=True, timeout=900, cwd=where)
    assert done.returncode == 0, f"pip install of the wheel failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return where / "bin"
