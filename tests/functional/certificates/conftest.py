"""Certificate pages: the shared HR test setup (sample library, launched people)."""

from tests.functional.hr.conftest import course_link, hr_link, people, settings_overrides  # noqa: F401  (fixtures)
