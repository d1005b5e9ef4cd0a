"""The plain values every bank format is read into and written from.

One model between all formats keeps each format module small: a reader turns its
file into :class:`Bank` items, the writer turns items into our quiz YAML, and an
exporter goes the other way. Items hold one text per field (a bank file is written in
one language); the writer puts it in both languages of the content format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Our six question types (content/README.md section 6).
TYPES = ("single_choice", "multiple_choice", "true_false", "fill_blank", "short_answer", "case_analysis")


@dataclass(frozen=True)
class Message:
    """A report line in both languages of the interface, with its place in the file
    (``Sheet1 row 7``, ``line 12``, ``question 3``)."""

    where: str
    zh: str
    en: str
    fatal: bool = True  # the item was not imported; a note (False) says what was changed

    def text(self, locale: str | None = None) -> str:
        words = self.en if (locale or "").lower().startswith("en") else self.zh
        return f"{self.where}: {words}" if self.where else words

    def __str__(self) -> str:
        head = f"{self.where}: " if self.where else ""
        return f"{head}{self.zh} / {self.en}"


@dataclass
class Option:
    text: str
    correct: bool = False
    feedback: str | None = None
    fraction: float | None = None  # the source's credit for this option, in percent


@dataclass
class Item:
    """One question of a bank in the neutral form of our six types.

    ``answers`` are the accepted texts of each blank (fill_blank) in order; ``parts``
    are the sub-questions of a case analysis; ``stem`` of a fill_blank marks its
    blanks as ``[[1]]``, ``[[2]]`` … (numbered in order)."""

    type: str
    stem: str
    where: str = ""
    name: str | None = None  # the source's title or id, if any
    points: int = 1
    options: list[Option] = field(default_factory=list)
    truth: bool | None = None  # true_false
    blanks: list[list[str]] = field(default_factory=list)
    case_sensitive: bool = False
    partial: bool = False  # multiple_choice / fill_blank scoring
    reference_answer: str | None = None
    case: str | None = None
    parts: list[Item] = field(default_factory=list)
    feedback: str | None = None
    explanation: str | None = None
    topic: str | None = None  # pool / category / 知识点
    difficulty: str | None = None

    @property
    def max_points(self) -> int:
        return sum(p.points for p in self.parts) if self.type == "case_analysis" else self.points


@dataclass
class Bank:
    """What a file held: the items that can be imported, what could not (``messages``
    with ``fatal``), notes on what was changed, and media files by name."""

    source: str
    format: str
    items: list[Item] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    media: dict[str, bytes] = field(default_factory=dict)
    seen: int = 0  # questions found in the file, imported or not

    def error(self, where: str, zh: str, en: str) -> None:
        self.messages.append(Message(where, zh, en, fatal=True))

    def note(self, where: str, zh: str, en: str) -> None:
        self.messages.append(Message(where, zh, en, fatal=False))

    @property
    def errors(self) -> list[Message]:
        return [m for m in self.messages if m.fatal]

    def counts(self) -> dict[str, int]:
        """Items by type, in the order of :data:`TYPES`."""
        found = {t: 0 for t in TYPES}
        for item in self.items:
            found[item.type] += 1
        return found


class BankError(Exception):
    """The whole file is refused (too big, not the format, hostile XML)."""

    def __init__(self, zh: str, en: str) -> None:
        self.message = Message("", zh, en)
        super().__init__(str(self.message))


#: Limits on what one import may bring: a bigger file is refused as a whole.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_QUESTIONS = 10_000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # an .xlsx is a zip: its parts unpacked
