"""The bank check page runs against the sample library, launched as the HR tests launch."""

from tests.functional.hr.conftest import course_link, hr_link, people  # noqa: F401  (fixtures)
from tests.functional.practical.conftest import settings_overrides  # noqa: F401  (fixture)
