"""QTI 1.2: a Canvas "QTI .zip" export (every Canvas question type) and a bare
questestinterop file as Blackboard writes it."""

from __future__ import annotations

import zipfile

import pytest

from lti_tool.banks import qti12, read_bank, sniff
from lti_tool.banks.model import BankError
from lti_tool.banks.writer import write_bank
from tests.unit.banks.conftest import FILES, assert_library_ok

CANVAS = FILES / "canvas"
QUIZ = "g5e1f0c2a9d/g5e1f0c2a9d.xml"


@pytest.fixture
def canvas(tmp_path):
    """The export as Canvas zips it: the manifest, the quiz folder, non_cc_assessments
    and web_resources."""

    def make(extra=()) -> object:
        path = tmp_path / f"canvas-{len(list(tmp_path.glob('*.zip')))}.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for file in sorted(CANVAS.rglob("*")):
                if file.is_file():
                    archive.write(file, file.relative_to(CANVAS).as_posix())
            for name, data in extra:
                archive.writestr(name, data)
        return path

    return make


def by_name(bank):
    return {item.name: item for item in bank.items}


def test_a_canvas_export_reads_every_type_it_can_hold(canvas):
    path = canvas()
    assert sniff(path) == "qti"
    bank = read_bank(path)
    assert bank.format == "QTI 1.2" and bank.seen == 12  # the text-only item is not a question
    items = by_name(bank)
    assert list(items) == ["上锁挂牌第一步", "个人防护装备", "绝缘测试电压", "绝缘要求", "根本原因", "扭矩", "断电即可作业"]

    first = items["上锁挂牌第一步"]
    assert (first.type, first.points, first.topic) == ("single_choice", 2, "安全作业测验")
    assert first.stem == "上锁挂牌的**第一步**是什么？\n\n![挂牌示意](@@MEDIA@@/lock.png)"
    assert bank.media["lock.png"] == (CANVAS / "web_resources" / "Uploaded Media" / "lock.png").read_bytes()
    assert [(o.text, o.correct, o.feedback) for o in first.options] == [
        ("挂上警示牌", False, None), ("通知受影响人员", True, None), ("直接断开电源", False, "断电前要先通知。")]
    assert (first.feedback, first.explanation) == ("正确。", "先通知，再断电、上锁、挂牌、验电。")

    ppe = items["个人防护装备"]
    assert (ppe.type, ppe.points, ppe.partial) == ("multiple_choice", 3, False)
    assert [o.text for o in ppe.options if o.correct] == ["绝缘手套", "护目镜"]

    single_blank = items["绝缘测试电压"]
    assert (single_blank.type, single_blank.stem, single_blank.blanks) == ("fill_blank", "绝缘电阻测试施加的直流电压是多少？ [[1]]", [["500V", "500 V"]])
    blanks = items["绝缘要求"]
    assert blanks.stem == "施加 [[1]] 直流电压，绝缘电阻应不低于 [[2]]。"
    assert (blanks.blanks, blanks.partial, blanks.points) == ([["500V", "500 V"], ["1MΩ"]], True, 2)

    essay = items["根本原因"]
    assert (essay.type, essay.points, essay.reference_answer, essay.explanation) == (
        "short_answer", 10, "直接原因是部件；根本原因是管理或设计问题。", None)

    torque = items["扭矩"]
    assert (torque.type, torque.blanks) == ("fill_blank", [["25"]])

    group = items["断电即可作业"]
    assert (group.type, group.truth, group.topic) == ("true_false", False, "高压安全组")


def test_each_canvas_type_without_an_equivalent_is_reported_per_item(canvas):
    bank = read_bank(canvas())
    errors = {m.where.split("(")[1].rstrip(")"): m.en for m in bank.errors}
    assert set(errors) == {"电池电压", "工具配对", "下拉选择", "功率计算", "上传照片"}
    assert "fill-in has no tolerance" in errors["电池电压"]
    assert "matching_question" in errors["工具配对"] and "multiple_dropdowns_question" in errors["下拉选择"]
    assert "calculated_question" in errors["功率计算"] and "file_upload_question" in errors["上传照片"]
    notes = [m.en for m in bank.messages if not m.fatal]
    assert "a text-only item is not a question: skipped" in notes
    assert "an exact numerical item is imported as fill-in (the answer is matched as text)" in notes
    assert "the feedback for a wrong answer is not kept (a question has one feedback)" in notes
    assert all(m.where.startswith(QUIZ) for m in bank.errors)
    assert "第 2 章" not in str([i.feedback for i in bank.items])
    zh = {m.zh for m in bank.errors}
    assert any("没有对应题型" in z for z in zh)


def test_the_canvas_import_is_written_with_its_picture_and_passes_content_check(canvas, library):
    written = write_bank(read_bank(canvas()), library / "basics", "canvas")
    assert written.problems == [] and (library / "basics" / "media" / "canvas-lock.png").is_file()
    assert_library_ok(library)


def test_a_group_drawing_fewer_than_all_and_a_bank_group_are_reported(canvas, tmp_path):
    text = (CANVAS / QUIZ).read_text(encoding="utf-8")
    drawn = text.replace("<selection_number>1</selection_number>", "<selection_number>0</selection_number>")
    drawn = drawn.replace('<section ident="g9f8e7d6c5b"', '''<section ident="gbank" title="题库抽题">
        <selection_ordering>
          <selection>
            <sourcebank_ref>g1a2b3c4d5e</sourcebank_ref>
            <selection_number>3</selection_number>
          </selection>
        </selection_ordering>
      </section>
      <section ident="g9f8e7d6c5b"''')
    path = tmp_path / "quiz.xml"
    path.write_text(drawn, encoding="utf-8")
    bank = read_bank(path)
    assert any(m.where == "quiz.xml (题库抽题)" and "question bank that is not in the export" in m.en for m in bank.errors)
    assert any("draws 0 of 1" in m.en for m in bank.messages)


def test_a_bare_blackboard_file_reads_by_its_responses(tmp_path):
    path = tmp_path / "bb.xml"
    path.write_text('''<?xml version="1.0" encoding="UTF-8"?>
<questestinterop>
  <assessment title="Pool 1">
    <section>
      <item title="Fuse" maxattempts="0">
        <itemmetadata><bbmd_questiontype>Multiple Choice</bbmd_questiontype>
          <qtimetadata><qtimetadatafield><fieldlabel>qmd_absolutescore_max</fieldlabel><fieldentry>4.0</fieldentry></qtimetadatafield></qtimetadata>
        </itemmetadata>
        <presentation>
          <flow class="Block">
            <flow class="QUESTION_BLOCK"><flow class="FORMATTED_TEXT_BLOCK"><material>
              <mat_extension><mat_formattedtext type="HTML">&lt;p&gt;Which fuse?&lt;/p&gt;</mat_formattedtext></mat_extension>
            </material></flow></flow>
            <flow class="RESPONSE_BLOCK">
              <response_lid ident="response" rcardinality="Single" rtiming="No">
                <render_choice shuffle="No" minnumber="0" maxnumber="0">
                  <flow_label class="Block"><response_label ident="a1" shuffle="Yes" rarea="Ellipse" rrange="Exact">
                    <flow_mat class="FORMATTED_TEXT_BLOCK"><material><mat_extension><mat_formattedtext type="HTML">10 A</mat_formattedtext></mat_extension></material></flow_mat>
                  </response_label></flow_label>
                  <flow_label class="Block"><response_label ident="a2" shuffle="Yes" rarea="Ellipse" rrange="Exact">
                    <flow_mat class="FORMATTED_TEXT_BLOCK"><material><mat_extension><mat_formattedtext type="HTML">16 A</mat_formattedtext></mat_extension></material></flow_mat>
                  </response_label></flow_label>
                </render_choice>
              </response_lid>
            </flow>
          </flow>
        </presentation>
        <resprocessing scoremodel="SumOfScores">
          <outcomes><decvar varname="SCORE" vartype="Decimal" defaultval="0" minvalue="0" maxvalue="4.0"/></outcomes>
          <respcondition title="correct"><conditionvar><varequal respident="response" case="No">a2</varequal></conditionvar>
            <setvar variablename="SCORE" action="Set">SCORE.max</setvar><displayfeedback linkrefid="correct" feedbacktype="Response"/></respcondition>
          <respcondition title="incorrect"><conditionvar><other/></conditionvar><setvar variablename="SCORE" action="Set">0.0</setvar></respcondition>
        </resprocessing>
        <itemfeedback ident="correct" view="All"><flow_mat class="Block"><flow_mat class="FORMATTED_TEXT_BLOCK"><material>
          <mat_extension><mat_formattedtext type="HTML">Right.</mat_formattedtext></mat_extension></material></flow_mat></flow_mat></itemfeedback>
      </item>
      <item title="Essay">
        <presentation><material><mattext>Explain LOTO.</mattext></material>
          <response_str ident="r"><render_fib/></response_str></presentation>
      </item>
      <item title="Hotspot">
        <presentation><material><mattext>Click the fuse.</mattext></material>
          <response_xy ident="r"><render_hotspot/></response_xy></presentation>
      </item>
    </section>
  </assessment>
</questestinterop>''', encoding="utf-8")
    assert sniff(path) == "qti"
    bank = read_bank(path)
    (fuse,) = bank.items
    assert (fuse.type, fuse.stem, fuse.points, fuse.feedback, fuse.topic) == ("single_choice", "Which fuse?", 4, "Right.", "Pool 1")
    assert [o.correct for o in fuse.options] == [False, True]
    errors = {m.where: m.en for m in bank.errors}
    assert "reference answer" in errors["bb.xml (Essay)"]
    assert "response_xy" in errors["bb.xml (Hotspot)"]


def test_hostile_canvas_packages_are_refused(canvas, monkeypatch, tmp_path):
    with pytest.raises(BankError, match="DTD"):
        read_bank(canvas([("g1/g1.xml", (FILES / "billion_laughs.xml").read_bytes())]))
    with pytest.raises(BankError, match="DTD"):
        read_bank(canvas([("g1/g1.xml", (FILES / "external_entity.xml").read_bytes())]))
    escaping = (CANVAS / QUIZ).read_text(encoding="utf-8").replace(
        "$IMS-CC-FILEBASE$/Uploaded%20Media/lock.png", "$IMS-CC-FILEBASE$/../../../etc/lock.png")
    path = tmp_path / "escape.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(QUIZ, escaping)
        archive.writestr("etc/lock.png", b"\x89PNG outside web_resources")
    bank = read_bank(path)
    assert bank.media == {} and "@@MEDIA@@" not in bank.items[0].stem
    assert any("../../../etc/lock.png" in m.en and "not inside the package" in m.en for m in bank.messages)
    monkeypatch.setattr(qti12, "MAX_QUESTIONS", 5)
    with pytest.raises(BankError, match="more than 5 questions"):
        read_bank(canvas())
