"""Markdown → HTML: tables, images and videos from our own URLs, nothing hostile."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from lti_tool.catalog.render import render_markdown, sanitize


def asset(path: str) -> str:
    return f"/content/basics/1.0.0/{path}"


def render(text: str) -> str:
    return render_markdown(text, folder="lessons", asset_url=asset)


def test_tables_images_and_links_render():
    html = render(
        "| 步骤 | 输出 |\n| :-- | --: |\n| ① | 记录 |\n\n"
        "![示意图](../media/figure.svg) [记录表](../media/form.pdf) [IEC](https://www.iec.ch/)"
    )
    assert '<th style="text-align:left">步骤</th>' in html
    assert '<td style="text-align:right">记录</td>' in html
    assert '<img src="/content/basics/1.0.0/media/figure.svg" alt="示意图" loading="lazy">' in html
    assert '<a href="/content/basics/1.0.0/media/form.pdf" rel="noopener noreferrer">记录表</a>' in html
    assert '<a href="https://www.iec.ch/" target="_blank" rel="noopener noreferrer">IEC</a>' in html


def test_a_video_file_becomes_an_html5_player_with_captions():
    html = render("```video\ntitle: 演示\nsrc: ../media/clip.mp4\nposter: ../media/clip.jpg\ncaptions: ../media/clip.vtt\n```\n")
    assert '<video controls="" preload="metadata" src="/content/basics/1.0.0/media/clip.mp4" poster="/content/basics/1.0.0/media/clip.jpg">' in html
    assert '<track kind="captions" src="/content/basics/1.0.0/media/clip.vtt" srclang="zh-CN" label="演示" default="">' in html
    assert "<figcaption>演示</figcaption>" in html


def test_a_provider_video_becomes_a_sandboxed_iframe():
    html = render("```video\ntitle: Demo\nprovider: youtube\nvideo: dQw4w9WgXcQ\n```\n")
    assert '<iframe src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ" title="Demo"' in html
    assert 'sandbox="allow-scripts allow-same-origin allow-presentation allow-popups"' in html
    assert 'referrerpolicy="strict-origin-when-cross-origin"' in html


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict]]:
    parser = _Elements()
    parser.feed(html)
    return parser.found


def assert_harmless(html: str) -> None:
    """No script or style element, no event handler, no URL outside our own files,
    allow-listed sites and http(s)/mailto links."""
    for tag, attrs in elements(html):
        assert tag not in {"script", "style", "object", "embed", "form", "input", "svg", "math"}, html
        for name, value in attrs.items():
            assert not name.startswith("on"), html
            if name in {"src", "poster"}:
                if tag == "iframe":
                    assert value.startswith(("https://www.youtube-nocookie.com/embed/", "https://player.bilibili.com/", "https://player.vimeo.com/video/")), html
                else:
                    assert value.startswith("/content/") and ".." not in value, html
            if name == "href":
                assert value.startswith(("/content/", "https://", "http://", "mailto:", "#")), html
            if name == "style":
                assert value.startswith("text-align:") and ";" not in value, html


HOSTILE_MARKDOWN = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox)",
    "![x](javascript:alert(1))",
    "![x](https://evil.example/track.gif)",
    "![x](../../../../etc/passwd.png)",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    "```video\ntitle: x\" onload=\"alert(1)\nprovider: youtube\nvideo: dQw4w9WgXcQ\n```",
    "```video\ntitle: x\nsrc: javascript:alert(1)\n```",
    "```video\ntitle: x\nprovider: youtube\nvideo: \"a\\\"><script>alert(1)</script>\"\n```",
    "<style>body{display:none}</style>",
    "[x](<javascript:alert(1)>)",
    "<javascript:alert(1)>",
]


@pytest.mark.parametrize("text", HOSTILE_MARKDOWN)
def test_hostile_markdown_renders_harmless(text):
    html = render(text)
    assert_harmless(html)


def test_the_video_title_is_escaped():
    html = render("```video\ntitle: x\" onload=\"alert(1)\nprovider: youtube\nvideo: dQw4w9WgXcQ\n```")
    (iframe,) = [attrs for tag, attrs in elements(html) if tag == "iframe"]
    assert iframe["title"] == 'x" onload="alert(1)'
    assert set(iframe) == {"src", "title", "loading", "allowfullscreen", "sandbox", "referrerpolicy", "allow"}


HOSTILE_HTML = {
    '<p onclick="steal()">hi</p>': "<p>hi</p>",
    "<script>alert(1)</script><b>ok</b>": "<b>ok</b>",
    '<a href="javascript:alert(1)">x</a>': '<a rel="noopener noreferrer">x</a>',
    '<a href="https://x.example/" target="_top">x</a>': '<a href="https://x.example/" rel="noopener noreferrer">x</a>',
    '<img src="https://evil.example/track.gif" alt="t">': '<img alt="t">',
    '<img src="//evil.example/x.png">': "<img>",
    '<img src="/content/../admin/x.png">': "<img>",
    '<img src="/content/c/1.0.0/media/a.png" onerror="x()">': '<img src="/content/c/1.0.0/media/a.png">',
    '<video src="https://evil.example/a.mp4" autoplay controls></video>': '<video controls=""></video>',
    '<td style="text-align:left;position:fixed;background:url(x)">a</td>': "a",
    '<svg><circle onload="x()"/></svg>': "",
    '<form action="/x"><input name="q"></form>': "",
    '<object data="x.swf"></object><embed src="x.swf">': "",
    "<!-- comment --><em>e</em>": "<em>e</em>",
}


@pytest.mark.parametrize("dirty", list(HOSTILE_HTML))
def test_sanitize_keeps_only_the_allow_list(dirty):
    assert sanitize(dirty) == HOSTILE_HTML[dirty]


@pytest.mark.parametrize("src", [
    "https://evil.example/",
    "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ/../../evil",
    "https://player.bilibili.com.evil.example/player.html?bvid=BV1xx411c7mD",
    "javascript:alert(1)",
])
def test_an_iframe_keeps_no_src_outside_the_providers(src):
    (iframe,) = [attrs for tag, attrs in elements(sanitize(f'<iframe src="{src}" onload="x()"></iframe>')) if tag == "iframe"]
    assert "src" not in iframe and "onload" not in iframe
    assert iframe["sandbox"] == "allow-scripts allow-same-origin allow-presentation allow-popups"


def test_sanitize_keeps_table_alignment_only():
    html = sanitize('<table><tr><td style="text-align:left;position:fixed">a</td></tr></table>')
    assert '<td style="text-align:left">a</td>' in html


def test_asset_prefixes_can_follow_a_script_root():
    html = render_markdown(
        "![a](../media/a.png)", folder="lessons",
        asset_url=lambda p: f"/training/content/{p}", asset_prefixes=("/training/content/",),
    )
    assert '<img src="/training/content/media/a.png"' in html
    elsewhere = render_markdown("![a](../media/a.png)", folder="lessons", asset_url=lambda p: f"/elsewhere/{p}")
    assert [attrs for tag, attrs in elements(elsewhere) if tag == "img"] == [{"loading": "lazy", "alt": "a"}]


FOLDED_LIST = """\
reference_answer:
  zh-CN: >-
    1. 倾听与致歉：立即回复并电话联系客户，不推责。2. 记录与分级：建立投诉工单，
    记录原话和诉求。3. 及时响应：
    1 小时内联系客户。
  en: >-
    1. Listen and apologise: shift no blame.
    2. Record and classify: open a ticket as section 3. of the form says.
    3. Respond within 1 hour.
"""


def test_text_folded_by_yaml_reads_as_written():
    """YAML's folded style (>) joins lines with a space: a Chinese text gets a space in
    the middle of a sentence, a numbered list becomes one paragraph. Both are undone."""
    import yaml

    from lti_tool.catalog.common import I18n

    text = I18n.model_validate(yaml.safe_load(FOLDED_LIST)["reference_answer"])
    assert text.zh_CN == ("1. 倾听与致歉：立即回复并电话联系客户，不推责。\n2. 记录与分级：建立投诉工单，记录原话和诉求。\n"
                          "3. 及时响应：1 小时内联系客户。")
    for language in ("zh-CN", "en"):
        html = render_markdown(text.get(language))
        assert html.count("<li>") == 3 and "<ol>" in html, html
    assert "as section 3. of the form says." in text.en  # a number inside a sentence is no item


def test_spaces_that_belong_are_kept():
    from lti_tool.catalog.common import tidy

    assert tidy("zh-CN", "目标 95 % 以上，L3 的 P1 工单；售后 - 一部") == "目标 95 % 以上，L3 的 P1 工单；售后 - 一部"
    assert tidy("en", "Version 1. 2. x") == "Version 1. 2. x" and tidy("en", "a\n1. b 2. c") == "a\n1. b 2. c"
