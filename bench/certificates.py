"""Certificates per second: one by one against the bulk paths, and the projected time
for 10,000 fresh certificates on this machine (goal: under 5 minutes).

    .venv/bin/python bench/certificates.py [--count 1000] [--processes N] [--one-by-one N]

Measures, for ``--count`` certificates with Chinese names (processes: one per CPU by
default, started and warmed before the clock: font loaded, stylesheet parsed):

1. one by one: a WeasyPrint layout and a PDF per certificate (``pdf.render_one``), in
   one process;
2. bulk render, fresh: batches of 25 laid out as one document and split into one PDF
   each (``pdf.render_many``), in ``--processes`` worker processes;
3. one combined PDF per batch of 25 (for printing), in the same processes;
4. the export itself (``hr.exports.step`` until done: ZIP of the kept PDFs + manifest
   CSV/XLSX) on a SQLite database holding the certificates and their rendered PDFs,
   which is what HR's bulk export does once the worker has rendered them at issue.

Each rendering line gives the wall-clock rate this run saw and, below it, the CPU time a
certificate took in the rendering processes with the rate that makes on as many idle
cores: on a machine shared with other work the two differ. ``--one-by-one N`` times the
one-by-one path on the first N certificates only. The first run on a machine also makes
the certificate font cut (~30 s, before the clock; see lti_tool/certificates/fonts.py).
Prints figures; not part of the test run.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from lti_tool.certificates import pdf  # noqa: E402

SURNAMES = "张王李赵陈刘杨黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"
BATCH = 25


def faces(count: int) -> list[pdf.Face]:
    out = []
    for i in range(count):
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)] + GIVEN[(i * 3) % len(GIVEN)]
        out.append(pdf.Face(number=f"AT2026{i + 1:07d}", holder_name=name, employee_number=f"E{10000 + i}",
                            course_title_zh="故障诊断与维修", course_title_en="Fault diagnosis and repair",
                            issued="2026-11-23", valid_until="2028-11-23", hours="8",
                            verify_url=f"https://training.example.com/verify/{hashlib.sha256(str(i).encode()).hexdigest()[:32]}"))
    return out


def _batches(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _warm():
    pdf.render_one(faces(1)[0])


def _many(batch) -> tuple[int, float]:
    """Bytes written and CPU seconds spent by this worker process on one batch."""
    start = time.process_time()
    return sum(len(data) for data in pdf.render_many(batch)), time.process_time() - start


def _combined(batch) -> tuple[int, float]:
    start = time.process_time()
    return len(pdf.render_combined(batch)), time.process_time() - start


def _pooled(pool, fn, items: list):
    """Runs ``fn`` over the batches in the pool; returns (bytes, CPU seconds of the workers)."""
    results = list(pool.map(fn, _batches(items, BATCH)))
    return sum(size for size, _cpu in results), sum(cpu for _size, cpu in results)


def timed(label: str, fn, count: int, cores: int = 1) -> float:
    """Prints the wall-clock rate (what this run saw, other load on the machine included)
    and, when ``fn`` returns the CPU seconds it used, the rate on ``cores`` idle cores."""
    start = time.perf_counter()
    size, cpu = fn()
    seconds = time.perf_counter() - start
    rate = count / seconds
    print(f"{label:<50} {count:>6} in {seconds:6.1f} s = {rate:6.1f}/s  {size / 1e6:6.1f} MB  "
          f"10,000: {10000 / rate / 60:5.1f} min", flush=True)
    if cpu:
        idle = count * cores / cpu
        print(f"{'':<50} CPU {cpu * 1000 / count:5.1f} ms a certificate; on {cores} idle core(s) "
              f"{idle:6.1f}/s, 10,000: {10000 / idle / 60:5.1f} min", flush=True)
    return rate


def export_bench(count: int, datas: list[bytes]) -> float:
    """The export job over certificates whose PDFs are kept (as after issue)."""
    from lti_tool import create_app
    from lti_tool.certificates.models import Certificate, CertificatePdf
    from lti_tool.db import get_db
    from lti_tool.hr import exports
    from lti_tool.hr.queries import Filters
    from lti_tool.lti.models import Platform, User

    folder = Path(tempfile.mkdtemp(prefix="bench-certs-"))
    app = create_app({"instance_path": folder, "database_url": f"sqlite:///{folder}/bench.db",
                      "secret_key": "bench", "embedded_worker": False})
    from lti_tool import migrate

    migrate.upgrade(get_db(app).engine)
    now = datetime.now(timezone.utc)
    with app.app_context(), get_db(app).sessionmaker.begin() as session:
        platform = Platform(issuer="https://lms.example", client_id="c", auth_login_url="https://lms.example/a",
                            auth_token_url="https://lms.example/t", key_set_url="https://lms.example/k")
        session.add(platform)
        session.flush()
        user = User(platform_id=platform.id, sub="u", name="学员")
        session.add(user)
        session.flush()
        for i in range(count):
            data = datas[i % len(datas)]
            cert = Certificate(platform_id=platform.id, user_id=user.id, course_id="fault-diagnosis-repair",
                               number=f"AT2026{i + 1:07d}", code=f"code{i:028d}", holder_name="学员",
                               employee_number=f"E{i}", course_title={"zh-CN": "故障诊断与维修", "en": "Fault"},
                               hours=8.0, issued_at=now, basis={}, revoked_reason="", render_attempts=0,
                               render_error="")
            session.add(cert)
            session.flush()
            session.add(CertificatePdf(certificate_id=cert.id, data=data, sha256=hashlib.sha256(data).hexdigest(),
                                       rendered_at=now))
        job = exports.create(session, organisation_id=platform.organisation_id, filters=Filters(), user_id=None)
        job_id = job.id

    def run():
        while True:
            with app.app_context(), get_db(app).sessionmaker.begin() as session:
                job = session.get(exports.ExportJob, job_id)
                if exports.step(session, job, root=folder, base_url="https://training.example.com"):
                    return exports.zip_path(folder, job).stat().st_size, None

    return timed("export job: ZIP of kept PDFs + manifests", run, count)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--one-by-one", type=int, default=None, help="time one by one on this many only")
    args = parser.parse_args()
    items = faces(args.count)
    _warm()  # the font cut made (first run on a machine) and loaded, the stylesheet parsed
    print(f"{args.count} certificates, {os.cpu_count()} CPUs, {args.processes} processes, batches of {BATCH}")

    sample = items[: args.one_by_one or args.count]
    def one_by_one():
        start = time.process_time()
        return sum(len(pdf.render_one(f)) for f in sample), time.process_time() - start

    one_rate = timed("one by one (a layout and a PDF each), 1 process", one_by_one, len(sample))
    spawn = multiprocessing.get_context("spawn")  # fresh processes: no Pango state inherited by fork
    with ProcessPoolExecutor(args.processes, mp_context=spawn, initializer=_warm) as pool:
        list(pool.map(_many, [items[:2]] * args.processes))  # wait for every process to be up and warm
        bulk_rate = timed(f"bulk fresh: batch layout, split, {args.processes} processes",
                          lambda: _pooled(pool, _many, items), args.count, args.processes)
        combined_rate = timed(f"one combined PDF per batch, {args.processes} processes",
                              lambda: _pooled(pool, _combined, items), args.count, args.processes)
    kept = pdf.render_many(items[:BATCH])
    export_rate = export_bench(args.count, kept)
    minutes = 10000 / bulk_rate / 60
    print(f"one by one {one_rate:.1f}/s; bulk fresh {bulk_rate:.1f}/s ({bulk_rate / one_rate:.1f}× one by one); "
          f"combined {combined_rate:.1f}/s; export of kept PDFs {export_rate:.0f}/s")
    print(f"10,000 fresh certificates, bulk: {minutes:.1f} min "
          f"({'under' if minutes < 5 else 'OVER'} the 5-minute goal)")


if __name__ == "__main__":
    main()
