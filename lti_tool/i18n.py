"""Languages: Simplified Chinese first, English second (Flask-Babel catalogues).

The locale comes from, in order: an explicit switch (``?lang=``), the LTI launch's
locale kept in the session, the browser's Accept-Language, the configured default.
"""

from __future__ import annotations

from functools import lru_cache

from flask import Flask, request, session
from babel import Locale
from flask_babel import Babel

SUPPORTED = ("zh_CN", "en")


def normalise(tag: str | None) -> str | None:
    """Map an LTI / browser language tag (``zh-CN``, ``en-US``, ``zh``) to ours."""
    if not tag:
        return None
    tag = tag.replace("-", "_").lower()
    if tag.startswith("zh"):
        return "zh_CN"
    if tag.startswith("en"):
        return "en"
    return None


@lru_cache(maxsize=None)
def _parsed(tag: str) -> Locale:
    # Babel scans its whole locale list on every parse: parse each of ours once.
    return Locale.parse(tag)


def select_locale() -> Locale:
    return _parsed(_select_tag())


def _select_tag() -> str:
    from flask import current_app

    explicit = normalise(request.args.get("lang"))
    if explicit:
        session["locale"] = explicit
        return explicit
    if session.get("locale") in SUPPORTED:
        return session["locale"]
    browser = request.accept_languages.best_match(["zh-CN", "zh", "en"])
    return normalise(browser) or current_app.config["SETTINGS"].default_locale


def current() -> str:
    """The request's locale as ``zh_CN`` or ``en``."""
    from flask_babel import get_locale

    return normalise(str(get_locale())) or "en"


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale, default_translation_directories="translations")
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config["SETTINGS"].default_locale)

    @app.context_processor
    def _languages():
        from flask_babel import get_locale

        locale = normalise(str(get_locale())) or "en"  # Babel says zh_Hans_CN
        return {"current_locale": locale, "html_lang": "zh-CN" if locale == "zh_CN" else "en"}
