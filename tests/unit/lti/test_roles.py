import pytest

from lti_tool.lti.roles import HR, INSTRUCTOR, LEARNER, primary, tool_roles

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"


@pytest.mark.parametrize(
    ("lti_roles", "expected"),
    [
        ([f"{LIS}membership#Learner"], {LEARNER}),
        (["Learner"], {LEARNER}),  # Moodle's NRPS sends short names
        (["Instructor"], {INSTRUCTOR}),
        ([f"{LIS}membership#Instructor"], {INSTRUCTOR}),
        ([f"{LIS}membership/Instructor#TeachingAssistant"], {INSTRUCTOR}),
        (["TeachingAssistant"], {INSTRUCTOR}),
        ([f"{LIS}membership#TeachingAssistant"], {INSTRUCTOR}),
        ([f"{LIS}institution/person#Administrator"], {HR}),
        ([f"{LIS}institution/person#Administrator", f"{LIS}membership#Instructor"], {HR, INSTRUCTOR}),
        ([f"{LIS}membership#Mentor"], set()),
        ([], set()),
        ([42, None], set()),
    ],
)
def test_lti_roles_map_to_tool_roles(lti_roles, expected):
    assert tool_roles(lti_roles) == expected


def test_a_configured_custom_role_makes_hr():
    custom = "http://example.com/roles#TrainingManager"
    assert tool_roles([custom]) == set()
    assert tool_roles([custom], hr_roles=[custom]) == {HR}


def test_primary_role_prefers_hr_then_instructor():
    assert primary({LEARNER, INSTRUCTOR}) == INSTRUCTOR
    assert primary({LEARNER, HR}) == HR
    assert primary(set()) is None
