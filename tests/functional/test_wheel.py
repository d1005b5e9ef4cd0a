"""The tool as an operator deploys it: the wheel built from this tree, installed into a
fresh virtualenv outside the repository, run from another folder with the very command
lines ``aftersales-training deploy systemd`` puts in the units (``db upgrade``, ``serve``,
``worker``) on PostgreSQL and a Redis broker. The test LMS, in this process, then goes
through what every feature needs at run time (templates, static files, translations,
migrations, fonts, the course library): launches as learner, instructor and HR, a
Dynamic Registration by invitation, a quiz, a certificate PDF, an HR export and the
xAPI Statements API. Any 500, traceback or missing file fails it."""

from __future__ import annotations

import io
import os
import re
import secrets
import signal
import subprocess
import time
import zipfile
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from lti_tool.deploy import WEB, WORKER, exec_lines
from tests.lti_platform import TestPlatform
from tests.support.browser import Browser
from tests.support.postgres import free_port
from tests.support.quiz_library import write_quiz_course
from tests.support.redis import RedisServer
from tests.support.waiting import wait_for
from tests.support.wheel import ROOT, build, install

pytestmark = [pytest.mark.wheel, pytest.mark.postgres]

COURSE, QUIZ = "wheel-course", "wheel-quiz"


def xapi_auth(made: str) -> tuple[str, str]:
    """The key and secret that ``xapi credentials add`` printed."""
    return (re.search(r"key: +(\S+)", made).group(1), re.search(r"secret: +(\S+)", made).group(1))


class Site:
    """The installed tool's folder: its settings file, commands and processes."""

    def __init__(self, folder: Path, bin_dir: Path, settings: dict) -> None:
        self.folder, self.bin = folder, bin_dir
        self.cli = str(bin_dir / "aftersales-training")
        self.env_file = folder / "env"
        self.env_file.write_text("".join(f"{key}={value}\n" for key, value in settings.items()))
        # What systemd gives a unit: the environment file, no PYTHONPATH, no repository.
        self.env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": os.environ.get("HOME", str(folder)),
                    "LANG": "C.UTF-8", **settings}
        if os.environ.get("XDG_CACHE_HOME"):  # the certificate font cut, made once per machine
            self.env["XDG_CACHE_HOME"] = os.environ["XDG_CACHE_HOME"]
        self.processes: list[tuple[subprocess.Popen, Path]] = []

    def run(self, *args: str, env: dict | None = None) -> str:
        done = subprocess.run(list(args), cwd=self.folder, env=env or self.env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, f"{args} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        return done.stdout

    def start(self, command: list[str], name: str) -> None:
        log = self.folder / f"{name}.log"
        with open(log, "ab") as out:
            process = subprocess.Popen(command, cwd=self.folder, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        self.processes.append((process, log))

    def logs(self) -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}" for _p, log in self.processes)

    def stop(self) -> None:
        for process, _log in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process, _log in self.processes:
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


@pytest.fixture
def database(postgres):
    """An empty PostgreSQL database: the wheel's own migrations make the schema."""
    name = f"wheel_{secrets.token_hex(4)}"
    postgres.execute(f"CREATE DATABASE {name}")
    yield postgres.url(name)
    postgres.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def broker(tmp_path):
    server = RedisServer(workdir=tmp_path / "redis").start()
    yield server
    server.remove()


def ok(browser: Browser, what: str, assets: set[str]) -> None:
    """The page answered 200; its static files (styles, scripts) join ``assets``."""
    assert browser.response.status_code == 200, f"{what}: {browser.response.status_code} {browser.page.text[:500]}"
    assets.update(re.findall(r'(?:href|src)="([^"]*/static/[^"]+)"', browser.page.html))


def csrf(browser: Browser) -> str:
    return next(c["value"] for f in browser.page.forms for c in f.controls if c["name"] == "csrf_token")


def test_the_wheel_installed_elsewhere_runs_every_feature(tmp_path, database, broker):
    began = time.monotonic()
    built = build()
    was_built = time.monotonic()
    bin_dir = install(built.wheel, tmp_path / "venv")
    installed = time.monotonic()
    site_folder = tmp_path / "site"
    site_folder.mkdir()
    right = write_quiz_course(site_folder / "library", COURSE, QUIZ, questions=8)
    with open(site_folder / "library" / COURSE / "course.yaml", "a", encoding="utf-8") as course:
        course.write("certificate: {validity_months: 12}\n")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    site = Site(site_folder, bin_dir, {
        "AFTERSALES_DATABASE_URL": database,
        "AFTERSALES_BROKER_URL": broker.url,
        "AFTERSALES_PUBLIC_BASE_URL": base,
        "AFTERSALES_SECRET_KEY": secrets.token_urlsafe(32),
        "AFTERSALES_INSTANCE_PATH": str(site_folder / "shared"),
        "AFTERSALES_CONTENT_PATH": str(site_folder / "library"),
        "AFTERSALES_ALLOW_PRIVATE_OUTBOUND": "true",  # the test LMS is on 127.0.0.1
        "AFTERSALES_JOBS_SWEEP_SECONDS": "0.5",
    })
    lms = second = None
    assets: set[str] = set()
    try:
        # The installed package, not the tree: run from the site folder, nothing of the repository on the path.
        where = site.run(str(bin_dir / "python"), "-c",
                         "import lti_tool, xapi; print(lti_tool.__file__, xapi.__file__)")
        assert all(Path(p).is_relative_to(tmp_path / "venv") for p in where.split()), where
        assert str(ROOT) not in where
        bundled = {key: value for key, value in site.env.items() if key != "AFTERSALES_CONTENT_PATH"}
        assert site.run(site.cli, "content", "check", env=bundled).startswith("ok: ")  # the bundled library shipped

        units = site.run(site.cli, "deploy", "systemd", "--env-file", str(site.env_file), "--working-directory",
                         str(site_folder), "--port", str(port), "--workers", "2", "--worker-processes", "1",
                         "--worker-threads", "2")
        web, worker = (units.split(f"# /etc/systemd/system/{name}\n", 1)[1].split("\n# /etc/", 1)[0]
                       for name in (WEB, WORKER))
        assert f"EnvironmentFile={site.env_file}" in web and f"WorkingDirectory={site_folder}" in worker
        (upgrade, serve), (work,) = exec_lines(web), exec_lines(worker)
        assert {upgrade[0], serve[0], work[0]} == {site.cli}
        assert "database is up to date" in site.run(*upgrade)
        site.start(serve, "web")
        site.start(work, "worker")
        wait_for(lambda: _status(f"{base}/readyz") == 200, 60, f"{base}/readyz\n{site.logs()}")
        home = requests.get(f"{base}/", timeout=10)
        assert home.status_code == 200 and "/lti/register" in home.text

        # An LMS registered by hand, as the operator does it.
        lms = TestPlatform("Wheel Moodle", tool_base_url=base).start()
        reg = lms.tool_registration()
        site.run(site.cli, "platform", "add", "--issuer", reg["issuer"], "--client-id", reg["client_id"],
                 "--auth-login-url", reg["auth_login_url"], "--token-url", reg["auth_token_url"],
                 "--jwks-url", reg["key_set_url"], "--deployment-id", reg["deployment_ids"][0],
                 "--organisation", "acme")
        quiz_link = lms.add_resource_link("测验", custom={"item_kind": "quiz", "item_id": f"{COURSE}/{QUIZ}"},
                                          line_item={"scoreMaximum": 100, "label": "测验", "tag": "quiz"})
        hr_link = lms.add_resource_link("培训管理", custom={"item_kind": "records", "item_id": "hr"})
        learner, instructor, hr = Browser(), Browser(), Browser()
        lms.launch(learner, "learner", resource_link=quiz_link.id)
        ok(learner, "learner launch", assets)
        lms.launch(instructor, "instructor", resource_link=quiz_link.id)
        ok(instructor, "instructor launch", assets)
        lms.launch(hr, "hr", resource_link=hr_link.id)
        ok(hr, "HR launch", assets)
        assert "/hr/" in hr.url

        # The learner passes the quiz; the course's certificate follows, its PDF from the worker's fonts.
        learner.submit(learner.page.form(action_contains="/learn/start/"))
        ok(learner, "quiz start", assets)
        learner.submit(learner.page.form("attempt-form"), right)
        ok(learner, "quiz submit", assets)
        assert "/result" in learner.url
        got, out_of = re.match(r"(\d+) / (\d+)", learner.page.text_of("score")).groups()
        assert got == out_of != "0", learner.page.text_of("score")
        assert "得分" in learner.page.text  # "%(p)s of %(m)s points" from the shipped zh-CN catalogue
        learner.get(f"{base}/certificates/")
        ok(learner, "my certificates", assets)
        pdf_url = next(link["href"] for link in learner.page.links if link["href"].endswith(".pdf"))
        wait_for(lambda: _status(pdf_url, learner.session) == 200, 120, f"the certificate PDF\n{site.logs()}")
        pdf = learner.session.get(pdf_url, timeout=60)
        assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

        # The training department's pages and the certificate design, from the installed package.
        for path in ("/manage/", "/manage/plans/", "/manage/assignments/", "/manage/needs/", "/approvals/",
                     "/approvals/approvers", "/banks/", "/hr/certificate-design", "/manage/needs/reports/",
                     "/manage/needs/feedback", "/manage/needs/industry", "/manage/needs/analysis",
                     "/manage/trainers/", "/manage/budget/", "/manage/claims/"):
            hr.get(base + path)
            ok(hr, f"HR {path}", assets)
        for path in ("/learn/assigned/", "/needs/", "/approvals/", "/trainers/", "/claims/"):
            learner.get(base + path)
            ok(learner, f"learner {path}", assets)

        # HR exports the certificates; the worker makes the ZIP.
        hr.get(f"{base}/hr/certificates")
        ok(hr, "HR certificates", assets)
        hr.post(f"{base}/hr/exports", {"csrf_token": csrf(hr)})
        ok(hr, "export page", assets)
        status_url = re.sub(r"/hr/exports/(\d+).*", r"/hr/exports/\1.json", hr.url)
        wait_for(lambda: hr.session.get(status_url, timeout=10).json()["download"], 120, f"the export\n{site.logs()}")
        download = hr.session.get(base + hr.session.get(status_url, timeout=10).json()["download"], timeout=60)
        assert download.status_code == 200
        names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
        assert "manifest.csv" in names and any(name.endswith(".pdf") for name in names)

        # The xAPI statements of the attempt, built by the worker, read back from the local store
        # with the organisation's own credential.
        auth = xapi_auth(site.run(site.cli, "xapi", "credentials", "add", "--organisation", "acme",
                                  "--name", "Company LRS"))

        def passed() -> list[dict]:
            answer = requests.get(f"{base}/xapi/statements", auth=auth, timeout=10,
                                  params={"verb": "http://adlnet.gov/expapi/verbs/passed"},
                                  headers={"X-Experience-API-Version": "1.0.3"})
            assert answer.status_code == 200, answer.text[:300]
            return answer.json()["statements"]

        wait_for(passed, 60, f"the attempt's statements\n{site.logs()}")
        assert lms.token_requests and all(r["ok"] for r in lms.token_requests), lms.token_requests

        assert any("/js/" in asset for asset in assets) and any(".css" in asset for asset in assets), assets
        for asset in assets:
            answer = requests.get(urljoin(f"{base}/", asset), timeout=10)
            assert answer.status_code == 200 and answer.content, f"{asset}: {answer.status_code}"

        # Dynamic Registration of another LMS by the operator's invitation, then a launch from it.
        invitation = site.run(site.cli, "platform", "invite", "--organisation", "beta")
        register_url = re.search(r"https?://\S+/lti/register/\S+", invitation).group(0)
        second = TestPlatform("Second Moodle", tool_base_url=base).start()
        admin = Browser()
        assert admin.get(second.dynamic_registration_url(register_url)).status_code == 200, admin.page.text[:500]
        client_id = second.registrations[-1]["client_id"]
        assert second.launch(admin, "learner", client_id=client_id).status_code == 200
        assert admin.url.endswith("/lti/landing")
    finally:
        site.stop()
        for platform in (lms, second):
            if platform is not None:
                platform.stop()
    logs = site.logs()
    assert not re.search(r'" 5\d\d ', logs), logs  # gunicorn's access log: no server error
    assert "Traceback" not in logs and "TemplateNotFound" not in logs, logs
    print(f"wheel: built in {was_built - began:.1f} s (or earlier in the run), installed in "
          f"{installed - was_built:.1f} s; the whole test {time.monotonic() - began:.1f} s")


def _status(url: str, session: requests.Session | None = None) -> int:
    try:
        return (session or requests).get(url, timeout=10).status_code
    except requests.RequestException:
        return 0
