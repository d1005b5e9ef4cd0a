"""Cleaning the texts of bank files: full-width forms, stray spaces, answer letters,
true/false words, and HTML (Moodle) to the Markdown of our content format."""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

#: Words for true and false in the banks people keep (Chinese and English).
TRUE_WORDS = {"对", "正确", "是", "√", "✓", "✔", "t", "true", "y", "yes", "1", "r", "right"}
FALSE_WORDS = {"错", "错误", "否", "×", "✗", "✘", "x", "f", "false", "n", "no", "0", "wrong"}
#: Between answer letters: "A,C", "A、C", "A，C", "A；C", "A C" and "AC" all mean A and C.
_LETTER_GAPS = re.compile(r"[\s,，、;；/|:：.。]+")


def clean(value) -> str:
    """A cell or element text as one string, without outer spaces (full-width too)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").strip(" \t\n\u3000\xa0")


def fold(value) -> str:
    """A key for matching words (headers, type names, answers): NFKC (full-width
    letters and punctuation as half-width), no spaces, lowercase."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", clean(value))).lower()


def letters(value) -> list[str] | None:
    """``A,C`` / ``AC`` / ``A、C`` / ``ａ，ｃ`` → ``["A", "C"]``; None when not letters."""
    text = _LETTER_GAPS.sub("", unicodedata.normalize("NFKC", clean(value))).upper()
    if not text or not text.isascii() or not text.isalpha():
        return None
    return list(text)


def truth(value) -> bool | None:
    """对/错, 正确/错误, √/×, T/F, true/false (and a real boolean cell) → bool."""
    if isinstance(value, bool):
        return value
    word = fold(value).strip("()（）")
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


class _Markdown(HTMLParser):
    """The text of an HTML fragment as Markdown: paragraphs and line breaks, bold,
    italics, lists and images; any other tag keeps only its text."""

    def __init__(self, image) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.image = image

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag in ("p", "div", "table", "ul", "ol"):
            self.out.append("\n\n")
        elif tag in ("br", "tr"):
            self.out.append("\n")
        elif tag == "li":
            self.out.append("\n- ")
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag in ("em", "i"):
            self.out.append("*")
        elif tag in ("td", "th"):
            self.out.append(" ")
        elif tag == "img":
            self.out.append(self.image(attrs.get("src") or "", attrs.get("alt") or ""))

    def handle_endtag(self, tag) -> None:
        if tag in ("p", "div", "table", "ul", "ol"):
            self.out.append("\n\n")
        elif tag in ("strong", "b"):
            self.out.append("**")
        elif tag in ("em", "i"):
            self.out.append("*")

    def handle_data(self, data) -> None:
        self.out.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_markdown(fragment: str, image=lambda src, alt: f"![{alt}]({src})") -> str:
    """Markdown for an HTML fragment; ``image(src, alt)`` writes each picture."""
    parser = _Markdown(image)
    parser.feed(fragment or "")
    parser.close()
    text = "".join(parser.out)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    text = re.sub(r"\*\*\s*\*\*", "", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def plain(fragment: str) -> str:
    """The text of a fragment that may hold HTML entities only (answers, names)."""
    return html.unescape(fragment or "").strip()


def safe_name(name: str) -> str:
    """A media file name of the allowed characters (a-z, A-Z, 0-9, '.', '_', '-')."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", unicodedata.normalize("NFKC", name)).strip("-.")
    return stem or "file"
