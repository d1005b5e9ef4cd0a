"""A small browser for HTTP tests: ``requests.Session`` plus what LTI flows need from a
browser. It follows redirects the way browsers do (303, and 301/302 after a POST,
become GET), submits auto-submitting forms (the LMS's login initiation, the
platform's id_token form_post, the tool's Deep Linking return) and meta refreshes,
keeps cookies per host (``Secure`` ones only over https), and parses each HTML page
with the standard library. JavaScript is not run.

    browser = Browser()
    response = browser.get(platform.launch_url("learner"))   # ends on the tool's page
    browser.page.text_of("role"), browser.page.form("add-to-course")

``stop_at`` (a URL prefix or a ``(method, url) -> bool`` callable) halts before a
request is sent and keeps it in ``browser.intercepted``; ``browser.resume()`` sends it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlparse

import requests

USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) aftersales-tests-browser/1.0"
REDIRECTS = (301, 302, 303, 307, 308)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
NOT_SUBMITTED = {"submit", "button", "image", "reset", "file"}
AUTO_SUBMIT = [
    (re.compile(r"getElementById\(\s*['\"]([^'\"]+)['\"]\s*\)\s*\.submit\(\)"), "id"),
    (re.compile(r"document\.forms\[\s*(\d+)\s*\]\s*\.submit\(\)"), "index"),
    (re.compile(r"document\.forms\[\s*['\"]([^'\"]+)['\"]\s*\]\s*\.submit\(\)"), "name"),
    (re.compile(r"document\.(?!forms\b)([A-Za-z_]\w*)\s*\.submit\(\)"), "name"),
    (re.compile(r"querySelector\(\s*['\"]form['\"]\s*\)\s*\.submit\(\)"), "first"),
]


class BrowserError(AssertionError):
    pass


@dataclass
class Form:
    action: str
    method: str = "get"
    id: str | None = None
    name: str | None = None
    controls: list[dict] = field(default_factory=list)  # every input / select / textarea, as parsed
    auto_submit: bool = False

    @property
    def fields(self) -> list[tuple[str, str]]:
        """What submitting the form as it stands sends (checked boxes only, no buttons)."""
        sent = []
        for control in self.controls:
            kind, name = control["type"], control["name"]
            if not name or kind in NOT_SUBMITTED or control.get("disabled"):
                continue
            if kind in ("checkbox", "radio") and not control.get("checked"):
                continue
            sent.append((name, control["value"]))
        return sent

    def values(self) -> dict[str, str]:
        return {name: value for name, value in reversed(self.fields)}

    def options(self, name: str) -> list[str]:
        """The values a checkbox / radio group or select named ``name`` offers."""
        found = [c for c in self.controls if c["name"] == name]
        return [v for c in found for v in (c.get("options") or [c["value"]])]


@dataclass
class Page:
    url: str
    status: int
    html: str
    title: str = ""
    forms: list[Form] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)  # {"href", "text", "id", "target", ...}
    iframes: list[str] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)  # element id -> its text
    meta_refresh: str | None = None
    text: str = ""  # the visible text, whitespace collapsed

    def text_of(self, element_id: str) -> str:
        try:
            return self.ids[element_id]
        except KeyError:
            raise BrowserError(f"no element #{element_id} on {self.url}") from None

    def form(self, id: str | None = None, *, action_contains: str | None = None) -> Form:
        for form in self.forms:
            if (id is None or form.id == id) and (action_contains is None or action_contains in form.action):
                return form
        raise BrowserError(f"no form id={id!r} action~{action_contains!r} on {self.url}")

    def link(self, text_or_id: str) -> dict:
        for link in self.links:
            if link.get("id") == text_or_id or text_or_id in link["text"]:
                return link
        raise BrowserError(f"no link {text_or_id!r} on {self.url}")

    def auto_form(self) -> Form | None:
        return next((f for f in self.forms if f.auto_submit), None)


class _Parser(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page, self.form, self.scripts, self.onload = page, None, [], ""
        self.open: list[tuple[str, str | None, list]] = []  # (tag, id, text parts)
        self.select = self.textarea = self.option = self.link = None
        self.skip = 0
        self.title_parts: list[str] | None = None
        self.visible: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        url = self.page.url
        if tag not in VOID:
            self.open.append((tag, a.get("id"), []))
        if tag in ("script", "style"):
            self.skip += 1
            if tag == "script":
                self.scripts.append("")
        elif tag == "title":
            self.title_parts = []
        elif tag == "body":
            self.onload = a.get("onload", "")
        elif tag == "form":
            self.form = Form(urljoin(url, a.get("action") or url), (a.get("method") or "get").lower(),
                             a.get("id"), a.get("name"),
                             auto_submit="data-auto-submit" in a or "data-autosubmit" in a)
            self.page.forms.append(self.form)
        elif tag == "input" and self.form is not None:
            kind = a.get("type", "text").lower()
            self.form.controls.append({"tag": "input", "type": kind, "name": a.get("name", ""), "id": a.get("id"),
                                       "value": a.get("value", "on" if kind in ("checkbox", "radio") else ""),
                                       "checked": "checked" in a, "disabled": "disabled" in a})
        elif tag == "select" and self.form is not None:
            self.select = {"tag": "select", "type": "select", "name": a.get("name", ""), "id": a.get("id"),
                           "value": None, "options": [], "disabled": "disabled" in a}
            self.form.controls.append(self.select)
        elif tag == "option" and self.select is not None:
            self.option = {"value": a.get("value"), "text": [], "selected": "selected" in a}
        elif tag == "textarea" and self.form is not None:
            self.textarea = {"tag": "textarea", "type": "textarea", "name": a.get("name", ""), "id": a.get("id"), "value": ""}
            self.form.controls.append(self.textarea)
        elif tag == "a" and "href" in a:
            self.link = {**a, "href": urljoin(url, a["href"]), "text": "", "id": a.get("id")}
            self.page.links.append(self.link)
        elif tag == "iframe" and a.get("src"):
            self.page.iframes.append(urljoin(url, a["src"]))
        elif tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            match = re.search(r"url\s*=\s*['\"]?([^'\"]+)", a.get("content", ""), re.IGNORECASE)
            if match:
                self.page.meta_refresh = urljoin(url, match.group(1).strip())

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag == "title" and self.title_parts is not None:
            self.page.title, self.title_parts = " ".join("".join(self.title_parts).split()), None
        elif tag == "form":
            self.form = None
        elif tag == "option" and self.option is not None and self.select is not None:
            value = self.option["value"] if self.option["value"] is not None else "".join(self.option["text"]).strip()
            self.select["options"].append(value)
            if self.option["selected"] or self.select["value"] is None:
                self.select["value"] = value  # the selected option, else the first
            self.option = None
        elif tag == "select":
            if self.select is not None and self.select["value"] is None:
                self.select["value"] = ""
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "a":
            if self.link is not None:
                self.link["text"] = " ".join(self.link["text"].split())
            self.link = None
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                for _, element_id, parts in self.open[i:]:
                    if element_id:
                        self.page.ids[element_id] = " ".join("".join(parts).split())
                del self.open[i:]
                break

    def handle_data(self, data):
        if self.skip:
            if self.scripts and self.open and self.open[-1][0] == "script":
                self.scripts[-1] += data
            return
        for _, _, parts in self.open:
            parts.append(data)
        self.visible.append(data)
        if self.title_parts is not None:
            self.title_parts.append(data)
        if self.option is not None:
            self.option["text"].append(data)
        if self.textarea is not None:
            self.textarea["value"] += data
        if self.link is not None:
            self.link["text"] += data

    def finish(self) -> None:
        for _, element_id, parts in self.open:
            if element_id and element_id not in self.page.ids:
                self.page.ids[element_id] = " ".join("".join(parts).split())
        self.page.text = " ".join("".join(self.visible).split())
        forms = self.page.forms
        for source in [*self.scripts, self.onload]:
            for pattern, kind in AUTO_SUBMIT:
                for match in pattern.finditer(source):
                    key = match.group(1) if pattern.groups else None
                    for index, form in enumerate(forms):
                        if ((kind == "id" and form.id == key) or (kind == "name" and form.name == key)
                                or (kind == "index" and str(index) == key) or (kind == "first" and index == 0)):
                            form.auto_submit = True


def parse_page(response: requests.Response) -> Page | None:
    if "html" not in response.headers.get("Content-Type", ""):
        return None
    page = Page(response.url, response.status_code, response.text)
    parser = _Parser(page)
    parser.feed(response.text)
    parser.close()
    parser.finish()
    return page


@dataclass
class Intercepted:
    method: str
    url: str
    data: list[tuple[str, str]] | None = None

    @property
    def params(self) -> dict[str, str]:
        """The query string and form fields, as the server would read them."""
        from urllib.parse import parse_qsl

        return {**dict(parse_qsl(urlparse(self.url).query)), **dict(self.data or [])}


class Browser:
    def __init__(self, *, auto_submit: bool = True, max_hops: int = 20, timeout: float = 15.0,
                 blocked_cookie_origins=(), accept_language: str = "zh-CN,zh;q=0.9,en;q=0.8") -> None:
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept-Language": accept_language,
                                     "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
        self.auto_submit, self.max_hops, self.timeout = auto_submit, max_hops, timeout
        # Origins ("http://127.0.0.1:5000") whose cookies this browser refuses, like a
        # browser blocking third-party cookies in an LMS iframe.
        self.blocked_cookie_origins = {o.rstrip("/") for o in blocked_cookie_origins}
        self.history: list[requests.Response] = []
        self.response: requests.Response | None = None
        self.page: Page | None = None
        self.intercepted: Intercepted | None = None

    @property
    def url(self) -> str | None:
        return self.response.url if self.response is not None else None

    def get(self, url: str, params: dict | None = None, *, stop_at=None) -> requests.Response | None:
        if params:
            url = f"{url}{'&' if '?' in url else '?'}{urlencode(params, doseq=True)}"
        return self._navigate("GET", url, None, stop_at)

    def post(self, url: str, data=None, *, stop_at=None) -> requests.Response | None:
        fields = list(data.items()) if isinstance(data, dict) else list(data or [])
        return self._navigate("POST", url, fields, stop_at)

    def submit(self, form: Form | str | None = None, values: dict | None = None, *, stop_at=None):
        """Submit a form of the current page (``form``: a Form, its id, or None for the
        first); ``values`` replace fields, a list value sends the name once per item."""
        if self.page is None:
            raise BrowserError("no page is open")
        if not isinstance(form, Form):
            form = self.page.form(form) if form else (self.page.forms[0] if self.page.forms else None)
        if form is None:
            raise BrowserError(f"no form on {self.page.url}")
        values = values or {}
        fields = [(n, v) for n, v in form.fields if n not in values]
        for name, value in values.items():
            fields.extend((name, str(v)) for v in (value if isinstance(value, (list, tuple)) else [value]))
        return self._request_form(form.method, form.action, fields, stop_at)

    def follow(self, text_or_id: str, *, stop_at=None):
        return self.get(self.page.link(text_or_id)["href"], stop_at=stop_at)

    def open_iframe(self, index: int = 0, *, stop_at=None):
        """Load the page's ``index``-th iframe, as the browser would."""
        return self.get(self.page.iframes[index], stop_at=stop_at)

    def resume(self, *, stop_at=None):
        """Send the request ``stop_at`` held back."""
        held, self.intercepted = self.intercepted, None
        if held is None:
            raise BrowserError("nothing was intercepted")
        return self._navigate(held.method, held.url, held.data, stop_at)

    def cookies_for(self, url: str) -> dict[str, str]:
        host = urlparse(url).hostname
        return {c.name: c.value for c in self.session.cookies if c.domain.lstrip(".") == host}

    # -- the loop ------------------------------------------------------------------
    def _request_form(self, method: str, action: str, fields, stop_at):
        if method.lower() == "get":
            base = action.split("?", 1)[0]
            return self._navigate("GET", f"{base}?{urlencode(fields)}", None, stop_at)
        return self._navigate("POST", action, fields, stop_at)

    def _navigate(self, method: str, url: str, data, stop_at):
        self.intercepted = None
        origin = self._origin(self.response.url) if self.response is not None else None
        for _ in range(self.max_hops):
            if stop_at is not None and self._matches(stop_at, method, url):
                self.intercepted = Intercepted(method, url, data)
                return None
            response = self._send(method, url, data, origin)
            self.history.append(response)
            location = response.headers.get("Location")
            if response.status_code in REDIRECTS and location:
                if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
                    method, data = "GET", None
                url = urljoin(response.url, location)
                continue
            self.response, self.page = response, parse_page(response)
            form = self.page.auto_form() if (self.auto_submit and self.page) else None
            if form is not None:
                origin = self._origin(response.url)
                method = "GET" if form.method == "get" else "POST"
                url = f"{form.action.split('?', 1)[0]}?{urlencode(form.fields)}" if method == "GET" else form.action
                data = None if method == "GET" else form.fields
                continue
            if self.auto_submit and self.page and self.page.meta_refresh:
                method, url, data = "GET", self.page.meta_refresh, None
                continue
            return response
        raise BrowserError(f"more than {self.max_hops} redirects or auto-submitted forms, last at {url}")

    def _send(self, method: str, url: str, data, origin: str | None) -> requests.Response:
        headers = {"Origin": origin} if (method == "POST" and origin) else {}
        if self._origin(url) in self.blocked_cookie_origins:
            with requests.Session() as cookieless:  # sends no cookie, keeps none
                cookieless.headers.update(self.session.headers)
                return cookieless.request(method, url, data=data, headers=headers, allow_redirects=False,
                                          timeout=self.timeout)
        return self.session.request(method, url, data=data, headers=headers, allow_redirects=False,
                                    timeout=self.timeout)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @staticmethod
    def _origin(url: str) -> str:
        parsed = urlparse(url)
        return f"{parsed.scheme}://{parsed.netloc}"

    @staticmethod
    def _matches(stop_at, method: str, url: str) -> bool:
        if callable(stop_at):
            return bool(stop_at(method, url))
        return url.startswith(stop_at)
