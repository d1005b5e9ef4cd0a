"""``aftersales-training content import-bank / bank-template / export-bank``."""

from __future__ import annotations

from pathlib import Path

import click

from lti_tool.banks.model import TYPES, Bank, BankError

TYPE_NAMES = {"single_choice": "单选题", "multiple_choice": "多选题", "true_false": "判断题",
              "fill_blank": "填空题", "short_answer": "简答题", "case_analysis": "案例分析题"}


def _library() -> Path:
    from lti_tool.catalog.cli import _default_path

    return _default_path()


def report(bank: Bank) -> None:
    """Counts by type, then every error and note with its place in the file."""
    counts = bank.counts()
    click.echo(f"{bank.format}: {bank.source}")
    click.echo(f"题目 {bank.seen} 道，可导入 {len(bank.items)} 道 / {bank.seen} question(s) found, {len(bank.items)} importable")
    for kind in TYPES:
        if counts[kind]:
            click.echo(f"  {TYPE_NAMES[kind]} / {kind}: {counts[kind]}")
    for message in bank.messages:
        label = "错误 / error" if message.fatal else "说明 / note"
        click.echo(f"{label}: {message}")


@click.command("import-bank", help="Import a question bank (.xlsx, Moodle .xml, .gift, Aiken .txt, QTI 1.2/2.1/3.0 .xml or .zip, Canvas's QTI export .zip) into a course as quizzes/POOL.yaml.")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--course", "course", required=True, help="The course id (its folder in the library).")
@click.option("--pool", "pool", required=True, help="The pool name: the quiz file and pool id (lowercase, digits, hyphens).")
@click.option("--title", default=None, help="The quiz title (default: the pool name).")
@click.option("--format", "format_", type=click.Choice(["xlsx", "moodle", "gift", "aiken", "qti"]), default=None, help="Default: from the file name and content.")
@click.option("--library", type=click.Path(path_type=Path, file_okay=False), default=None, help="The course library (default: AFTERSALES_CONTENT_PATH).")
@click.option("--dry-run", is_flag=True, help="Only report what would be imported.")
@click.option("--replace", is_flag=True, help="Replace quizzes/POOL.yaml if it exists.")
def import_bank(file: Path, course: str, pool: str, title, format_, library, dry_run: bool, replace: bool) -> None:
    from lti_tool.banks import read_bank
    from lti_tool.banks.writer import quiz_data, validate_quiz, write_bank

    try:
        bank = read_bank(file, format_)
    except BankError as exc:
        raise click.ClickException(str(exc.message)) from exc
    report(bank)
    folder = (library or _library()) / course
    if dry_run:
        if bank.items:
            for problem in validate_quiz(quiz_data(bank, pool, title)):
                click.echo(f"错误 / error: {problem}")
        click.echo("试运行，未写入任何文件 / dry run: nothing written")
        return
    try:
        written = write_bank(bank, folder, pool, title, replace=replace)
    except BankError as exc:
        raise click.ClickException(str(exc.message)) from exc
    if written.problems:
        for problem in written.problems:
            click.echo(str(problem))
        raise click.ClickException("课程未通过校验，未写入 / the course would not pass content check: nothing written")
    click.echo(f"已写入 / written: {written.quiz_file} ({len(bank.items)} question(s), {len(written.media_files)} media file(s))")


@click.command("bank-template", help="Write the Excel question bank template (default: 题库模板.xlsx).")
@click.argument("out", required=False, type=click.Path(path_type=Path, dir_okay=False), default=Path("题库模板.xlsx"))
def bank_template(out: Path) -> None:
    from lti_tool.banks.template import write_template

    write_template(out)
    click.echo(f"已写入 / written: {out}")


@click.command("export-bank", help="Write every question of a course's quizzes as Moodle XML, GIFT, Aiken, the Excel template or a QTI 3.0 package (.zip).")
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--course", "course", required=True, help="The course id (its folder in the library).")
@click.option("--format", "format_", type=click.Choice(["moodle", "gift", "xlsx", "aiken", "qti"]), required=True)
@click.option("--language", type=click.Choice(["zh-CN", "en"]), default="zh-CN", help="The language of the texts written.")
@click.option("--library", type=click.Path(path_type=Path, file_okay=False), default=None, help="The course library (default: AFTERSALES_CONTENT_PATH).")
def export_bank(out: Path, course: str, format_: str, language: str, library) -> None:
    from lti_tool.banks import _formats
    from lti_tool.banks.export import course_bank

    try:
        bank = course_bank((library or _library()) / course, language, media=format_ in ("moodle", "qti"))
    except BankError as exc:
        raise click.ClickException(str(exc.message)) from exc
    data, skipped = _formats()[format_].write(bank)
    out.write_bytes(data)
    click.echo(f"已写入 / written: {out} ({len(bank.items) - len(skipped)} question(s))")
    for name in skipped:
        click.echo(f"未导出 / not exported: {name}: 该格式无法表示此题 / the format cannot hold this question")


def register(group: click.Group) -> None:
    group.add_command(import_bank)
    group.add_command(bank_template)
    group.add_command(export_bank)
