"""From LTI role URIs and short names to the tool's three roles.

Platforms send full URIs (``http://purl.imsglobal.org/vocab/lis/v2/membership#Learner``);
Moodle's NRPS and older platforms send short names (``Learner``, ``Instructor``).
"""

from __future__ import annotations

from collections.abc import Iterable

LEARNER = "learner"
INSTRUCTOR = "instructor"
HR = "hr"

_LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
# The roles that make a launch HR in an organisation that chose none of its own
# (``Organisation.hr_roles`` is None), besides ``AFTERSALES_HR_ROLES``.
DEFAULT_HR_ROLES = (
    f"{_LIS}institution/person#Administrator",
    f"{_LIS}system/person#Administrator",
)
_INSTRUCTOR_ROLES = {
    f"{_LIS}membership#Instructor",
    f"{_LIS}membership/Instructor#TeachingAssistant",
    f"{_LIS}membership#Administrator",
    f"{_LIS}membership#ContentDeveloper",
    "Instructor",
    "TeachingAssistant",
    "urn:lti:role:ims/lis/Instructor",
    "urn:lti:role:ims/lis/TeachingAssistant",
}
_LEARNER_ROLES = {
    f"{_LIS}membership#Learner",
    f"{_LIS}membership/Learner#Learner",
    "Learner",
    "Student",
    "urn:lti:role:ims/lis/Learner",
}


def _normalise(role: str) -> str:
    role = role.strip()
    # Some platforms send the TA sub-role as ...membership#TeachingAssistant.
    if role.endswith("#TeachingAssistant"):
        return f"{_LIS}membership/Instructor#TeachingAssistant"
    return role


def hr_roles_of(chosen: Iterable[str] | None, extra_hr_roles: Iterable[str] = ()) -> list[str]:
    """The roles that grant HR in an organisation: its own choice, or (None) the
    built-in ones plus the operator's ``extra_hr_roles``."""
    if chosen is not None:
        return list(chosen)
    return [*DEFAULT_HR_ROLES, *(r for r in extra_hr_roles if r not in DEFAULT_HR_ROLES)]


def tool_roles(roles: Iterable[str], hr_roles: Iterable[str] = DEFAULT_HR_ROLES) -> set[str]:
    """Every tool role the LTI roles grant (a trainer may also be HR); ``hr_roles``:
    the organisation's, see ``hr_roles_of``."""
    normalised = {_normalise(r) for r in roles if isinstance(r, str)}
    granted = set()
    if normalised & {_normalise(r) for r in hr_roles}:
        granted.add(HR)
    if normalised & _INSTRUCTOR_ROLES:
        granted.add(INSTRUCTOR)
    if normalised & _LEARNER_ROLES:
        granted.add(LEARNER)
    return granted


def primary(granted: set[str]) -> str | None:
    """The role whose home a launch lands on."""
    for role in (HR, INSTRUCTOR, LEARNER):
        if role in granted:
            return role
    return None
