"""The roster's manager column (上级工号): each employee's manager by employee number,
checked in the dry run (nobody is their own manager; the manager is in the file or
already an employee of the organisation), shown in the training file and given by the
HR API."""

from __future__ import annotations

import re

from sqlalchemy import select

from lti_tool.records.models import Employee
from tests.functional.hr.conftest import course_link, hr_link, people  # noqa: F401  (fixtures)
from tests.functional.hr.test_roster_and_api import upload
from tests.functional.practical.conftest import csrf, settings_overrides  # noqa: F401  (fixture)

GOOD = ("工号,姓名,部门,岗位,入职日期,上级工号\n"
        "E1001,张伟,售后一部,维修工程师,2020-03-01,E3000\n"
        "E3000,周强,售后一部,部门主管,2015-01-01,\n")
UNKNOWN = "工号,姓名,上级工号\nE1002,李娜,E9999\n"
SELF = "工号,姓名,上级工号\nE1002,李娜,E1002\n"
LATER = "工号,姓名,上级工号\nE1002,李娜,E3000\n"  # the manager imported before


def test_the_manager_column_is_checked_kept_and_shown(people, platform, app, db_session):
    people("learner")  # 张伟, E1001
    hr = people("hr")
    base = platform.tool_base_url
    hr.get(f"{base}/hr/roster")
    unknown = upload(hr, base, "unknown.csv", UNKNOWN)
    assert unknown.status_code == 422 and "上级工号不是本文件或本组织中任何人的工号" in unknown.text and "E9999" in unknown.text
    own = upload(hr, base, "self.csv", SELF)
    assert own.status_code == 422 and "员工不能是自己的上级" in own.text

    good = upload(hr, base, "staff.csv", GOOD)
    assert good.status_code == 200 and "上级" in good.text.split("roster-plan", 1)[1]
    ticket = re.search(r'name="ticket" value="([^"]+)"', good.text).group(1)
    assert hr.session.post(f"{base}/hr/roster/apply", timeout=15,
                           data={"csrf_token": csrf(hr), "ticket": ticket}).status_code == 200
    later = upload(hr, base, "later.csv", LATER)  # a manager already in the organisation is known
    assert later.status_code == 200
    db_session.expire_all()
    staff = {e.employee_number: e for e in db_session.scalars(select(Employee))}
    assert staff["E1001"].manager_number == "E3000" and staff["E3000"].manager_number == ""

    zhang = people("learner")
    zhang.get(f"{base}/records/me")
    assert zhang.page.text_of("file-manager") == "E3000"
