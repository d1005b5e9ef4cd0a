"""Training files and course runs: the shared HR test setup."""

from tests.functional.hr.conftest import course_link, hr_link, people, settings_overrides  # noqa: F401  (fixtures)
