from tests.unit.certificates.conftest import settings_overrides, world  # noqa: F401  (fixtures)
