"""Course Markdown as pages show it: rendered once per version text, language and
shape of the request's asset URLs, never served with another request's URLs."""

from __future__ import annotations

from flask import session

from lti_tool import create_app
from lti_tool.learning import present

SOURCE = "看图：![接线](img/wiring.png)"


def test_a_version_text_is_rendered_once_and_urls_follow_the_request(tmp_path, monkeypatch):
    app = create_app({"database_url": f"sqlite:///{tmp_path / 'app.db'}", "instance_path": tmp_path,
                      "secret_key": "test"})
    calls = []
    real = present.render_markdown
    monkeypatch.setattr(present, "render_markdown", lambda *a, **k: calls.append(a) or real(*a, **k))
    present._rendered.cache_clear()

    with app.test_request_context("/learn/lesson/c/l"):
        first, again = present.markdown(SOURCE, 7, "lessons"), present.markdown(SOURCE, 7, "lessons")
        other_version = present.markdown(SOURCE, 8, "lessons")
    with app.test_request_context("/learn/lesson/c/l"):
        session.via_token, session.token = True, "token-of-another-window"  # a session carried in URLs
        carried = present.markdown(SOURCE, 7, "lessons")

    assert first == again and len(calls) == 3  # the second was the first's, from memory
    assert 'src="/learn/asset/7/lessons/img/wiring.png"' in first
    assert 'src="/learn/asset/8/lessons/img/wiring.png"' in other_version
    # Its own URLs, not the ones kept from a request without the token.
    assert 'src="/learn/asset/7/lessons/img/wiring.png?_s=token-of-another-window"' in carried
