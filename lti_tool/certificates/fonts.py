"""The certificate font: Noto Serif CJK SC cut down (fontTools) to the Simplified Chinese
of GB 2312, Latin and the template's own characters.

WeasyPrint subsets the font it embeds in every PDF; from the 26 MB system collection
that costs ~60 ms a certificate and leaves ~155 KB of font in each file, from this
~2 MB cut ~7 ms and ~40 KB. The cut is made once, at first use, and kept in the cache
folder (``$XDG_CACHE_HOME/aftersales-training``), keyed by the system font it was made
from; it is never committed. A name with a character outside it is drawn from the full
system font (the second family in the stylesheet); one outside both is refused
(``missing``), so no certificate ever shows an empty box.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

FAMILY = "Noto Serif CJK SC"
CUT_FAMILY = "Certificate Serif CJK SC"  # the cut's name in the stylesheet, never a system font's
DEBIAN_PATH = (Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"), 2)  # fonts-noto-cjk
VERSION = 2  # change when the characters or options below change
TEMPLATE = Path(__file__).parent / "templates" / "certificates" / "pdf.html"
EXTRA_TEXT = "售后培训 · After-sales training"  # pdf.Face.issuer


@dataclass(frozen=True)
class Fonts:
    cut: Path
    cut_chars: frozenset[int]
    full_chars: frozenset[int]

    def missing(self, text: str) -> str:
        """The characters of ``text`` that no certificate font can draw."""
        return "".join(sorted({ch for ch in text if ord(ch) not in self.full_chars and ord(ch) not in self.cut_chars
                               and not ch.isspace()}))


def system_font() -> tuple[Path, int]:
    """Where fontconfig finds the full font (file and index in the collection)."""
    if shutil.which("fc-match"):
        out = subprocess.run(["fc-match", "--format=%{file}\n%{index}\n%{family}", f"{FAMILY}:style=Regular"],
                             capture_output=True, text=True, timeout=30).stdout.split("\n")
        if len(out) == 3 and FAMILY in out[2].split(","):
            return Path(out[0]), int(out[1])
    if DEBIAN_PATH[0].exists():
        return DEBIAN_PATH
    raise FileNotFoundError(f"{FAMILY} is not installed (Debian: fonts-noto-cjk)")


def characters() -> set[int]:
    """GB 2312 (its 6,763 hanzi, punctuation and full-width forms), Latin-1, Latin
    Extended-A and the pinyin tones of Extended-B, general punctuation and the
    template's own text."""
    chars = set(range(0x20, 0x7F)) | set(range(0xA0, 0x180)) | set(range(0x1CD, 0x1DD)) | set(range(0x2000, 0x2070))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    chars.update(ord(ch) for ch in TEMPLATE.read_text(encoding="utf-8") + EXTRA_TEXT if not ch.isspace())
    return chars


def cache_dir() -> Path:
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "aftersales-training" / "fonts"


def _cut(source: Path, index: int, target: Path) -> None:
    from fontTools.ttLib import TTFont

    with TTFont(source, fontNumber=index, lazy=True) as font:
        _cut_font(font, target)


def _cut_font(font, target: Path) -> None:
    from fontTools import subset

    options = subset.Options(name_IDs=["*"], notdef_outline=True, hinting=False, layout_features=["kern"])
    options.drop_tables += ["GSUB"]  # vertical and regional forms: certificates use neither
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters())
    subsetter.subset(font)
    names = {1: CUT_FAMILY, 3: f"{CUT_FAMILY} {VERSION} (cut of {FAMILY})", 4: CUT_FAMILY,
             6: CUT_FAMILY.replace(" ", "") + "-Regular", 16: CUT_FAMILY}
    for record in font["name"].names:  # its own name: fontconfig never takes it for the full font
        if record.nameID in names:
            record.string = names[record.nameID]
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".tmp", delete=False) as tmp:
        font.save(tmp)
    os.chmod(tmp.name, 0o644)
    os.replace(tmp.name, target)


@functools.cache
def fonts() -> Fonts:
    """The cut (made now if this machine has none yet) and the characters of both fonts."""
    from fontTools.ttLib import TTFont

    source, index = system_font()
    stat = source.stat()
    key = hashlib.sha256(f"{VERSION}:{source}:{index}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:16]
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"certificate-serif-cjk-sc-{key}.otf"
    if not target.exists():
        with open(folder / ".lock", "w") as lock:  # one process makes it, the others wait for it
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not target.exists():
                _cut(source, index, target)
                for stale in folder.glob("certificate-serif-*.otf"):  # cuts of an older font or VERSION
                    if stale != target:
                        stale.unlink(missing_ok=True)
    with TTFont(target, lazy=True) as cut, TTFont(source, fontNumber=index, lazy=True) as full:
        return Fonts(cut=target, cut_chars=frozenset(cut.getBestCmap()), full_chars=frozenset(full.getBestCmap()))
