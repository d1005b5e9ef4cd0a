"""Question banks from other tools: Excel (题库模板), Moodle XML, GIFT, Aiken and QTI.

Each format is one module with ``read(path) -> Bank`` (and, where it can be written,
``write(bank) -> bytes``), registered in :data:`FORMATS`; all read into the plain
values of :mod:`lti_tool.banks.model`, which :mod:`lti_tool.banks.writer` turns into a
quiz of our content format.
"""

from __future__ import annotations

import re
from pathlib import Path

from lti_tool.banks.model import MAX_FILE_BYTES, Bank, BankError


def init_app(app) -> None:
    from lti_tool.banks.views import bp

    app.register_blueprint(bp)


def _formats() -> dict:
    from lti_tool.banks import aiken, excel, gift, moodle, qti

    return {"xlsx": excel, "moodle": moodle, "gift": gift, "aiken": aiken, "qti": qti}


def sniff(path: Path) -> str:
    """The format of a bank file, by its name and, for text files, its content."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return "xlsx"
    if suffix == ".xls":
        raise BankError("不支持旧的 .xls 格式：请在 Excel 中另存为 .xlsx", "the old .xls format is not read: save it as .xlsx in Excel")
    if suffix == ".zip":
        return "qti"
    head = path.read_bytes()[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if suffix == ".xml" or head.startswith(b"<"):
        return "qti" if re.search(rb"<(?:\w+:)?(?:assessmentItem|qti-assessment-item|questestinterop)[\s>]", head) else "moodle"
    if suffix in (".gift", ".txt", ""):
        from lti_tool.banks import aiken

        return "aiken" if suffix != ".gift" and aiken.looks_like(path.read_text(encoding="utf-8-sig", errors="replace")) else "gift"
    raise BankError(f"无法识别文件格式 {suffix}（支持 .xlsx、.xml、.zip、.gift、.txt）", f"unknown file format {suffix} (.xlsx, .xml, .zip, .gift and .txt are read)")


def read_bank(path: Path, format: str | None = None) -> Bank:
    """Every question of the bank file at ``path``, or :class:`BankError` for a file
    that is refused as a whole (too big, not that format, hostile)."""
    path = Path(path)
    if not path.is_file():
        raise BankError(f"没有文件 {path}", f"no such file {path}")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise BankError(
            f"文件过大（{size // 2**20} MB，上限 {MAX_FILE_BYTES // 2**20} MB）",
            f"the file is too big ({size // 2**20} MB, at most {MAX_FILE_BYTES // 2**20} MB)",
        )
    name = format or sniff(path)
    formats = _formats()
    if name not in formats:
        raise BankError(f"未知格式 {name}", f"unknown format {name}")
    bank = formats[name].read(path)
    rated = sum(1 for item in bank.items if item.difficulty)
    if rated:
        bank.note("", f"{rated} 道题的难度未保留（内容格式没有难度字段）",
                  f"the difficulty of {rated} question(s) is not kept (the content format has no such field)")
    if bank.items:
        bank.note("", "题库只有一种语言：每段文字同时写入 zh-CN 和 en，请在 YAML 中补充译文",
                  "the bank has one language: each text is written as both zh-CN and en; translate it in the YAML")
    return bank
