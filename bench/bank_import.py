"""Importing a 5,000-question bank: an Excel 题库 and a Moodle XML file.

Prints, for each format, the file size, the time to read it, the peak memory Python
allocated while reading (tracemalloc, on a second read), and the time to write the quiz
and validate the course with the reader of ``content check``.

    python bench/bank_import.py [--questions 5000]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lti_tool.banks import _formats, read_bank  # noqa: E402
from lti_tool.banks.model import Bank, Item, Option  # noqa: E402
from lti_tool.banks.writer import write_bank  # noqa: E402

SAMPLE = ROOT / "tests" / "unit" / "catalog" / "sample"


def generated(count: int) -> Bank:
    """A bank of every type but case analysis, in ten topics, two points each."""
    bank = Bank("generated", "bench")
    for n in range(count):
        topic, kind = f"知识点{n % 10}", n % 5
        stem = f"第 {n} 题：设备通电后指示灯不亮，按“先外后内”的原则应先检查哪一项？"
        if kind == 0:
            item = Item("single_choice", stem, options=[Option(f"选项{k}", k == 1) for k in range(4)])
        elif kind == 1:
            item = Item("multiple_choice", stem, options=[Option(f"选项{k}", k in (0, 2)) for k in range(4)])
        elif kind == 2:
            item = Item("true_false", f"第 {n} 题：断电后无需验电即可作业。", truth=False)
        elif kind == 3:
            item = Item("fill_blank", f"第 {n} 题：绝缘测试电压为 [[1]]。", blanks=[["500V", "500 V"]])
        else:
            item = Item("short_answer", f"第 {n} 题：说明直接原因与根本原因的区别。", reference_answer="直接原因是部件，根本原因是管理。")
        item.points, item.topic, item.explanation = 2, topic, "解析：先排除外部供电。"
        bank.items.append(item)
    return bank


def measure(path: Path) -> None:
    started = time.perf_counter()
    bank = read_bank(path)
    read_seconds = time.perf_counter() - started
    tracemalloc.start()  # a second read: tracing slows the first one down several times
    read_bank(path)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    with tempfile.TemporaryDirectory() as scratch:
        library = Path(scratch) / "library"
        shutil.copytree(SAMPLE, library)
        started = time.perf_counter()
        written = write_bank(bank, library / "basics", "bench")
        write_seconds = time.perf_counter() - started
    assert not bank.errors and not written.problems, (bank.errors[:3], written.problems[:3])
    print(
        f"{bank.format:11} {len(bank.items):6} questions  {path.stat().st_size / 2**20:6.2f} MB  "
        f"read {read_seconds:6.2f} s  peak {peak / 2**20:7.1f} MiB  write + validate {write_seconds:6.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=5000)
    args = parser.parse_args()
    bank = generated(args.questions)
    with tempfile.TemporaryDirectory() as scratch:
        for fmt, suffix in (("xlsx", ".xlsx"), ("moodle", ".xml")):
            data, _skipped = _formats()[fmt].write(bank)
            path = Path(scratch) / f"bank{suffix}"
            path.write_bytes(data)
            measure(path)


if __name__ == "__main__":
    main()
