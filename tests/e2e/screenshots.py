"""Screenshots of the demo as its people meet it, to look at by eye: every activity of the
demo LMS's course opened by the learner, the instructor and HR, at a desktop
(1280×800) and a phone (390×844) size, each followed one step further where the page
leads somewhere (a course to its first lesson, a quiz to its attempt, the HR console to
an employee's file). Nothing is kept in the repository.

    .venv/bin/python -m tests.e2e.screenshots [--out DIR] [--role learner] [--viewport 390x844]

It starts ``aftersales-training demo`` on free ports with an instance folder of its own
and Debian's chromium (``AFTERSALES_TEST_CHROMIUM`` to use another); it prints each file
it writes, and an index (``index.html``) shows them all side by side.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.support.demo import running_demo

ROLES = ("learner", "instructor", "hr")
VIEWPORTS = ((1280, 800), (390, 844))
# One step further, where a page leads on: (the tool page's path starts with, the link or button).
FURTHER = (
    ("/learn/course/", "a[href*='/learn/lesson/']"),
    ("/learn/quiz/", "form[action*='/learn/start/'] button[type=submit]"),
    ("/hr/", "main a[href*='/hr/employees'], nav a[href*='/hr/employees']"),
    ("/records/", "a[href*='/certificates/']"),
)


@dataclass(frozen=True)
class Shot:
    path: Path
    role: str
    activity: str
    viewport: str
    url: str
    status: str  # what the page said it is (its <h1>), for the index


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "page"


def activities(page, platform_url: str) -> list[tuple[str, dict[str, str]]]:
    """The demo course's activities: (title, {user: the launch in a window of its own})."""
    page.goto(platform_url)
    found = []
    for row in page.locator("tr.resource-link").all():
        title = row.locator("td").first.inner_text().split("\n")[0].strip()
        links = {a.inner_text().strip(): a.get_attribute("href") for a in row.locator("a[target=_blank]").all()}
        found.append((title, links))
    return found


def _heading(page) -> str:
    heading = page.locator("h1")
    return heading.first.inner_text().strip() if heading.count() else "(no heading)"


def take(browser, platform_url: str, out: Path, roles=ROLES, viewports=VIEWPORTS) -> list[Shot]:
    """Every screenshot, written under ``out``; returns what was taken."""
    shots: list[Shot] = []
    for width, height in viewports:
        size = f"{width}x{height}"
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
        page = context.new_page()
        try:
            listed = activities(page, platform_url)
            for role in roles:
                for number, (title, links) in enumerate(listed, 1):
                    if role not in links:
                        continue
                    page.goto(platform_url.rstrip("/") + links[role])
                    page.wait_for_load_state("networkidle")
                    name = f"{number:02d}-{_slug(title)}"
                    shots.append(_shoot(page, out / size / role / f"{name}.png", role, title, size))
                    for prefix, selector in FURTHER:
                        target = page.locator(selector)
                        if page.url.split("?")[0].split("/", 3)[-1].startswith(prefix.lstrip("/")) and target.count():
                            target.first.click()
                            page.wait_for_load_state("networkidle")
                            shots.append(_shoot(page, out / size / role / f"{name}-next.png", role,
                                                f"{title} → {_heading(page)}", size))
                            break
        finally:
            context.close()
    return shots


def _shoot(page, path: Path, role: str, activity: str, viewport: str) -> Shot:
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return Shot(path, role, activity, viewport, page.url, _heading(page))


def write_index(out: Path, shots: list[Shot]) -> Path:
    rows = "\n".join(
        f"<figure><figcaption>{html.escape(s.viewport)} · {html.escape(s.role)} · {html.escape(s.activity)}"
        f"<br><small>{html.escape(s.status)}</small></figcaption>"
        f"<img src='{html.escape(str(s.path.relative_to(out)))}' alt='' loading='lazy'></figure>"
        for s in shots)
    index = out / "index.html"
    index.write_text("<!doctype html><meta charset=utf-8><title>demo screenshots</title><style>"
                     "body{font-family:sans-serif;display:flex;flex-wrap:wrap;gap:16px}"
                     "figure{width:420px;margin:0}img{width:100%;border:1px solid #ccc}</style>\n" + rows,
                     encoding="utf-8")
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="where to write them (a new temporary folder unless given)")
    parser.add_argument("--role", action="append", choices=ROLES, help="only this role (repeatable)")
    parser.add_argument("--viewport", action="append", help="only this size, e.g. 390x844 (repeatable)")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="demo-screenshots-"))
    viewports = [tuple(int(n) for n in v.lower().split("x")) for v in args.viewport] if args.viewport else VIEWPORTS
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="demo-instance-") as instance, \
            running_demo(Path(instance)) as (platform_url, _tool_url), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            shots = take(browser, platform_url, out, roles=args.role or ROLES, viewports=viewports)
        finally:
            browser.close()
    for shot in shots:
        print(f"{shot.path}  [{shot.status}]")
    print(f"{len(shots)} screenshots; all of them side by side: {write_index(out, shots)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
