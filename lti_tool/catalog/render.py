"""Markdown → safe HTML: markdown-it-py renders, nh3 sanitises with an explicit allow-list.

Raw HTML in Markdown is not rendered (it shows as text). Images, videos, captions and
document links that point into the course become URLs from ``asset_url`` (the
serving route of a course version); the sanitiser then keeps ``src`` only when it is
one of our own URLs (``asset_prefixes``) and ``<iframe>`` only for the allow-listed
video providers. Scripts, styles, event handlers and ``javascript:`` URLs never pass.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from functools import lru_cache
from html import escape

import nh3
from markdown_it import MarkdownIt

from lti_tool.catalog.media import PROVIDERS, AssetError, is_external, parse_video

#: URL prefixes of our own files: the app's static files and course assets.
ASSET_PREFIXES = ("/static/", "/content/")

TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s",
    "del", "code", "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead",
    "tbody", "tr", "th", "td", "caption", "figure", "figcaption", "video", "track", "iframe",
    "kbd", "sup", "sub", "span",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "th": {"style", "colspan", "rowspan"},
    "td": {"style", "colspan", "rowspan"},
    "ol": {"start"},
    "video": {"src", "poster", "controls", "width", "height"},
    "track": {"src", "srclang", "label", "default"},
    "iframe": {"src", "title", "loading", "allowfullscreen", "width", "height"},
}
ATTRIBUTE_VALUES = {
    "a": {"target": {"_blank"}},
    "track": {"kind": {"captions", "subtitles"}},
    "video": {"preload": {"metadata", "none"}},
}
IFRAME_FIXED = {
    "sandbox": "allow-scripts allow-same-origin allow-presentation allow-popups",
    "referrerpolicy": "strict-origin-when-cross-origin",
    "allow": "fullscreen; picture-in-picture",
}
_LOCAL_SRC = {("img", "src"), ("video", "src"), ("video", "poster"), ("track", "src")}


def _own_url(value: str, prefixes: tuple[str, ...]) -> bool:
    return value.startswith(prefixes) and ".." not in value and "\\" not in value and not value.startswith("//")


def _provider_url(value: str) -> bool:
    for prefix, pattern in PROVIDERS.values():
        if value.startswith(prefix) and pattern.match(value[len(prefix):]):
            return True
    return False


def sanitize(html: str, asset_prefixes: tuple[str, ...] = ASSET_PREFIXES) -> str:
    """Keep only the allow-listed tags, attributes and URLs of ``html``."""

    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if (tag, attribute) in _LOCAL_SRC:
            return value if _own_url(value, asset_prefixes) else None
        if (tag, attribute) == ("iframe", "src"):
            return value if _provider_url(value) else None
        return value

    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags={"script", "style"},
        attributes=ATTRIBUTES,
        tag_attribute_values=ATTRIBUTE_VALUES,
        set_tag_attribute_values={"iframe": IFRAME_FIXED},
        allowed_classes={"figure": {"video"}, "span": {"blank"}},
        filter_style_properties={"text-align"},
        url_schemes={"http", "https", "mailto"},
        attribute_filter=attribute_filter,
        strip_comments=True,
    )


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The one Markdown dialect of the content: CommonMark + tables + strikethrough."""
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def default_asset_url(path: str) -> str:
    return "/content/" + path


def render_markdown(
    text: str,
    *,
    folder: str = "",
    asset_url: Callable[[str], str] = default_asset_url,
    language: str = "zh-CN",
    asset_prefixes: tuple[str, ...] = ASSET_PREFIXES,
) -> str:
    """Safe HTML for Markdown written in the course file folder ``folder`` (e.g.
    ``lessons``); ``asset_url`` maps a course-relative file path to its URL."""
    md = parser()
    tokens = md.parse(text)
    local = _LocalUrls(folder, asset_url)
    for token in tokens:
        for child in token.children or ():
            if child.type == "image":
                child.attrSet("src", local.url(child.attrGet("src") or ""))
                child.attrSet("loading", "lazy")
            elif child.type == "link_open":
                href = child.attrGet("href") or ""
                if is_external(href):
                    child.attrSet("target", "_blank")
                elif not href.startswith("#"):
                    child.attrSet("href", local.url(href))
    env = {"local": local, "language": language}
    html = _Renderer(md).render(tokens, env)
    return sanitize(html, asset_prefixes)


class _LocalUrls:
    def __init__(self, folder: str, asset_url: Callable[[str], str]) -> None:
        self.folder = folder
        self.asset_url = asset_url

    def url(self, ref: str) -> str:
        if is_external(ref) or ref.startswith("/"):
            return ref  # the sanitiser decides
        path = posixpath.normpath(posixpath.join(self.folder, ref))
        return "" if path.startswith("..") else self.asset_url(path)


class _Renderer:
    """markdown-it's HTML renderer, with fenced ``video`` blocks as players."""

    def __init__(self, md: MarkdownIt) -> None:
        self.md = md

    def render(self, tokens, env) -> str:
        default_fence = self.md.renderer.rules["fence"]

        def fence(tokens, index, options, env):
            token = tokens[index]
            if token.info.strip() == "video":
                return _video_html(token.content, env["local"], env["language"])
            return default_fence(tokens, index, options, env)

        renderer = type(self.md.renderer)(self.md)
        renderer.rules["fence"] = fence
        return renderer.render(tokens, self.md.options, env)


def _video_html(text: str, local: _LocalUrls, language: str) -> str:
    try:
        video = parse_video(text)
    except AssetError as exc:
        return f"<p><em>{escape(str(exc))}</em></p>\n"
    title = escape(video.title)
    if video.provider:
        player = f'<iframe src="{escape(video.embed_url)}" title="{title}" loading="lazy" allowfullscreen></iframe>'
    else:
        poster = f' poster="{escape(local.url(video.poster))}"' if video.poster else ""
        track = (
            f'<track kind="captions" src="{escape(local.url(video.captions))}" srclang="{escape(language)}" '
            f'label="{title}" default>'
            if video.captions
            else ""
        )
        player = (
            f'<video controls preload="metadata" src="{escape(local.url(video.src))}"{poster}>{track}</video>'
        )
    return f'<figure class="video">{player}<figcaption>{title}</figcaption></figure>\n'
