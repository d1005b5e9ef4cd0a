"""Fixtures for the xAPI unit tests: every sample statement, judged once by Ralph's models."""

from __future__ import annotations

import copy

import pytest

from tests.support.ralph import validate_with_ralph_models
from tests.unit.xapi.samples import samples
from xapi.store import to_dict


def broken_statements(good: dict) -> dict[str, dict]:
    """Statements that break a rule, to show the validators are not vacuous."""
    base = good["attempt-passed"]
    scaled = copy.deepcopy(base)
    scaled["result"]["score"]["scaled"] = 1.5
    no_actor = {k: v for k, v in base.items() if k != "actor"}
    bad_timestamp = dict(copy.deepcopy(base), timestamp="yesterday")
    bad_lang = copy.deepcopy(base)
    bad_lang["verb"]["display"] = {"not a tag!": "passed"}
    return {"broken/scaled-1.5": scaled, "broken/no-actor": no_actor, "broken/timestamp": bad_timestamp,
            "broken/language-tag": bad_lang}


@pytest.fixture(scope="session")
def sample_statements() -> dict[str, dict]:
    return {name: to_dict(s) for name, s in samples().items()}


@pytest.fixture(scope="session")
def ralph_verdicts(sample_statements) -> dict[str, list[str]]:
    """Ralph's ``BaseXapiStatement`` and ``LaxStatement`` on every sample, in one call."""
    return validate_with_ralph_models({**sample_statements, **broken_statements(sample_statements)})
