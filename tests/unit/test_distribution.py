"""The sdist and the wheel carry every file the tool needs at run time: each package
(setuptools' find), template, static file, translation, migration and the course library."""

from __future__ import annotations

import tarfile
import zipfile

import pytest

from tests.support.wheel import build, tree_files


@pytest.fixture(scope="module")
def built():
    return build()


def test_the_wheel_holds_every_file_of_the_tree(built):
    with zipfile.ZipFile(built.wheel) as wheel:
        names = set(wheel.namelist())
    missing = sorted(tree_files() - names)
    assert not missing, f"{len(missing)} files of the tree are not in the wheel, e.g. {missing[:10]}"
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_the_wheel_ships_nothing_outside_the_packages(built):
    with zipfile.ZipFile(built.wheel) as wheel:
        tops = {name.split("/", 1)[0] for name in wheel.namelist()}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"lti_tool", "xapi"}


def test_the_sdist_holds_every_file_of_the_tree(built):
    with tarfile.open(built.sdist) as sdist:
        prefix = sdist.getnames()[0].split("/", 1)[0]
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
        assert not [m.name for m in sdist.getmembers() if m.issym()], "the sdist must carry files, not links"
    missing = sorted(tree_files() - names)
    assert not missing, f"{len(missing)} files are not in {prefix}, e.g. {missing[:10]}"
    assert {"pyproject.toml", "README.md"} <= names


def test_the_tree_walk_sees_each_kind_of_file():
    # The comparisons above are only as good as the tree walk.
    files = tree_files()
    for expected in ("lti_tool/lti/templates/lti/landing.html", "lti_tool/static/app.css",
                     "lti_tool/translations/zh_Hans_CN/LC_MESSAGES/messages.mo",
                     "lti_tool/translations/zh_Hans_CN/LC_MESSAGES/messages.po",
                     "lti_tool/migrations/script.py.mako", "lti_tool/content/README.md", "xapi/__init__.py"):
        assert expected in files
    assert any(f.startswith("lti_tool/migrations/versions/") for f in files)
    assert len([f for f in files if f.startswith("lti_tool/content/")]) > 50
