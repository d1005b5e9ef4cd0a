"""Customer feedback import over HTTP (seed 三(一)3): the template, a dry run that adds
nothing, the import, a re-import (CSV, then the same rows as XLSX) that adds nothing,
broken rows refused with their row numbers, hostile files (formula cells, a huge
file, too many rows, the wrong type, a damaged workbook) refused or kept as text;
learners get 403 and another organisation neither sees the rows nor applies the
dry run."""

from __future__ import annotations

import io
import re
from datetime import date

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from lti_tool.needs.analysis_models import CustomerFeedback
from tests.functional.hr.conftest import course_link, hr_link, people  # noqa: F401  (fixtures)
from tests.functional.hr.test_organisations import crowd_on, other_company  # noqa: F401  (fixture)
from tests.functional.plans.test_assignments import ROSTER, import_roster
from tests.functional.practical.conftest import csrf, settings_overrides  # noqa: F401  (fixture)

FEEDBACK = ("日期,类型,评分,满分,工号,产品,故障类别,内容\n"
            "2026-11-03,投诉,,,E1001,X200,发动机,两次返修\n"
            "2026-11-05,complaint,,,E1001,X200,电气,\n"
            "2026-11-06,满意度,2,5,E1001,X300,发动机,\n"
            "2026-11-07,satisfaction,95,100,E1002,X200,,很满意\n"
            "2026-11-08,满意度,4,,E9999,X300,电气,\n")


def upload(hr, base: str, name: str, data: bytes | str):
    payload = data.encode() if isinstance(data, str) else data
    return hr.session.post(f"{base}/manage/needs/feedback", timeout=30, data={"csrf_token": csrf(hr)},
                           files={"file": (name, payload, "application/octet-stream")})


def ticket_of(response) -> str:
    return re.search(r'name="ticket" value="([^"]+)"', response.text).group(1)


def apply(hr, base: str, ticket: str):
    return hr.session.post(f"{base}/manage/needs/feedback/apply", timeout=15,
                           data={"csrf_token": csrf(hr), "ticket": ticket})


def import_feedback(hr, base: str, text: str = FEEDBACK) -> None:
    hr.get(f"{base}/manage/needs/feedback")
    assert apply(hr, base, ticket_of(upload(hr, base, "feedback.csv", text))).status_code == 200


def count(db_session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(CustomerFeedback))


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_dry_run_then_the_import_and_a_reimport_adds_nothing(people, platform, app, db_session):
    base = platform.tool_base_url
    people("learner")
    hr = people("hr")
    import_roster(hr, base, ROSTER)
    hr.get(f"{base}/manage/")
    hr.follow("客户反馈")
    template = hr.session.get(f"{base}/manage/needs/feedback/template.xlsx", timeout=15)
    assert template.status_code == 200
    header = [c.value for c in next(load_workbook(io.BytesIO(template.content)).active.iter_rows())]
    assert header[:5] == ["日期", "类型", "评分", "满分", "工号"]
    assert hr.session.get(f"{base}/manage/needs/feedback/template.csv", timeout=15).content.startswith(
        "\ufeff日期,类型".encode())

    dry = upload(hr, base, "feedback.csv", FEEDBACK)
    assert dry.status_code == 200 and count(db_session) == 0  # the dry run adds nothing
    assert "5 条新增，0 条已导入过，0 条在文件中重复" in dry.text
    assert "E9999" in dry.text and "花名册中还没有此工号的员工" in dry.text  # a warning, not an error
    assert apply(hr, base, ticket_of(dry)).status_code == 200
    assert count(db_session) == 5
    rows = db_session.scalars(select(CustomerFeedback).order_by(CustomerFeedback.received_on)).all()
    assert [(r.kind, r.score, r.scale) for r in rows][2:4] == [("satisfaction", 2.0, 5), ("satisfaction", 95.0, 100)]
    assert rows[2].percent == 40 and rows[4].scale == 5 and rows[0].received_on == date(2026, 11, 3)
    hr.get(f"{base}/manage/needs/feedback")
    assert "两次返修" in hr.page.text_of("feedback-rows")
    assert apply(hr, base, ticket_of(dry)).status_code == 404  # applied once only

    again = upload(hr, base, "feedback.csv", FEEDBACK)
    assert "0 条新增，5 条已导入过" in again.text and 'id="feedback-apply"' not in again.text
    # The same rows as Excel (numbers and dates as cells) and as GB18030 CSV: nothing new.
    lines = [line.split(",") for line in FEEDBACK.strip().splitlines()]
    cells = [lines[0]] + [[date.fromisoformat(r[0]), r[1], int(r[2]) if r[2] else None, int(r[3]) if r[3] else None,
                           *r[4:]] for r in lines[1:]]
    assert "0 条新增，5 条已导入过" in upload(hr, base, "feedback.xlsx", xlsx(cells)).text
    assert "0 条新增，5 条已导入过" in upload(hr, base, "feedback.csv", FEEDBACK.encode("gb18030")).text
    # Two identical rows without a reference count once; a reference identifies its row.
    twice = "日期,类型,工号,工单号\n2026-12-01,投诉,E1002,\n2026-12-01,投诉,E1002,\n2026-12-02,投诉,E1002,T-9\n"
    dry = upload(hr, base, "more.csv", twice)
    assert "2 条新增，0 条已导入过，1 条在文件中重复" in dry.text
    apply(hr, base, ticket_of(dry))
    assert count(db_session) == 7
    changed = "日期,类型,工号,工单号,内容\n2026-12-03,投诉,E1002,T-9,改过的内容\n"
    assert "0 条新增，1 条已导入过" in upload(hr, base, "more.csv", changed).text


def test_broken_rows_are_listed_by_row_and_nothing_is_imported(people, platform, app, db_session):
    base = platform.tool_base_url
    hr = people("hr")
    hr.get(f"{base}/manage/needs/feedback")
    broken = ("date,kind,score,scale,employee number,reference\n"
              "2026-13-01,complaint,,,E1001,\n"  # row 2: no such month
              "2026-11-02,praise,,,E1001,\n"  # row 3: unknown kind
              "2026-11-03,satisfaction,7,5,E1001,\n"  # row 4: outside the scale
              "2026-11-04,satisfaction,,5,E1001,\n"  # row 5: no score
              "2026-11-05,satisfaction,80,10,E1001,\n"  # row 6: no such scale
              "2026-11-06,complaint,,,,\n"  # row 7: no employee number
              "2026-11-09,complaint,,,E1001,\n")  # row 8: fine
    answer = upload(hr, base, "broken.csv", broken)
    assert answer.status_code == 422 and count(db_session) == 0
    errors = re.sub(r"<[^>]+>", "|", answer.text.split('id="feedback-errors"')[1].split("</article>")[0])
    for row, message in ((2, "日期缺失或不是日期"), (3, "类型必须是"), (4, "评分超出其分制范围"), (5, "满意度需要评分"),
                         (6, "分制必须是 5 或 100"), (7, "缺少工号")):
        assert re.search(rf"\|{row}\|+{message}", errors), (row, message, errors)
    assert "|8|" not in errors
    twice = "date,kind,employee number,reference\n2026-11-07,complaint,E1001,T-1\n2026-11-08,complaint,E1001,T-1\n"
    answer = upload(hr, base, "twice.csv", twice)
    assert answer.status_code == 422 and "此工单号也出现在另一行" in answer.text and "T-1 (2)" in answer.text
    missing = upload(hr, base, "x.csv", "date,score\n2026-11-01,3\n")
    assert missing.status_code == 422 and "缺少必填列" in missing.text and "employee_number" in missing.text
    hr.get(f"{base}/manage/needs/feedback?lang=en")
    english = upload(hr, base, "broken.csv", broken)
    assert "The score is outside its scale" in english.text and "Nothing was changed" in english.text


def test_hostile_files_are_refused_or_kept_as_text(people, platform, app, db_session):
    base = platform.tool_base_url
    hr = people("hr")
    hr.get(f"{base}/manage/needs/feedback")
    formula = 'date,kind,employee number,product,text\n2026-11-01,complaint,E1001,=1+1,"=HYPERLINK(""http://x/"",""x"")"\n'
    dry = upload(hr, base, "formula.csv", formula)
    assert dry.status_code == 200
    apply(hr, base, ticket_of(dry))
    row = db_session.scalars(select(CustomerFeedback)).one()
    assert row.product == "=1+1" and row.text.startswith("=HYPERLINK(")  # kept as the text it is
    hr.get(f"{base}/manage/needs/feedback")
    assert "=HYPERLINK(&#34;http://x/&#34;" in hr.response.text or "=HYPERLINK(&quot;" in hr.response.text

    # A formula in the score column of a workbook: no cached value, so no score.
    book = Workbook()
    book.active.append(["date", "kind", "score", "employee number"])
    book.active.append(["2026-11-02", "satisfaction", "=5-1", "E1001"])
    out = io.BytesIO()
    book.save(out)
    answer = upload(hr, base, "formula.xlsx", out.getvalue())
    assert answer.status_code == 422 and "满意度需要评分" in answer.text

    huge = upload(hr, base, "huge.csv", b"date,kind,employee number\n" + b"x" * (10 * 1024 * 1024 + 10))
    assert huge.status_code == 422 and "文件超过 10 MB" in huge.text
    many = "date,kind,employee number\n" + "2026-11-01,complaint,E1001\n" * 20001
    assert "行数过多" in upload(hr, base, "many.csv", many).text
    assert "请上传 .csv 或 .xlsx 文件" in upload(hr, base, "feedback.pdf", b"%PDF-1.4").text
    assert "无法读取该文件" in upload(hr, base, "feedback.xlsx", b"PK\x03\x04 not a workbook").text
    long_field = "date,kind,employee number,text\n2026-11-01,complaint,E1001," + "y" * 200000 + "\n"
    assert upload(hr, base, "long.csv", long_field).status_code == 422
    assert count(db_session) == 1


def test_learners_and_another_organisation_reach_nothing(people, platform, app, db_session, other_company):
    base = platform.tool_base_url
    learner, hr = people("learner"), people("hr")
    import_feedback(hr, base)
    assert learner.session.get(f"{base}/manage/needs/feedback", timeout=15).status_code == 403
    hr.get(f"{base}/manage/needs/feedback")
    pending = ticket_of(upload(hr, base, "more.csv", "date,kind,employee number\n2026-12-09,complaint,E1001\n"))
    stranger = crowd_on(other_company)
    try:
        their_hr = stranger("hr")
        their_hr.get(f"{base}/manage/needs/feedback")
        assert "两次返修" not in their_hr.page.text_of("feedback-rows")
        assert apply(their_hr, base, pending).status_code == 404  # our dry run is not theirs to apply
    finally:
        stranger.close()
    assert count(db_session) == 5
    assert apply(hr, base, pending).status_code == 200 and count(db_session) == 6
