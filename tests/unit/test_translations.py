"""Every string the UI shows has a Simplified Chinese translation, and the compiled
catalogue the app loads is the one built from the .po file."""

from io import BytesIO
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import lti_tool

PACKAGE = Path(lti_tool.__file__).parent
PO = PACKAGE / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"  # Babel's name for zh_CN
MO = PO.with_suffix(".mo")
METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(PACKAGE), METHOD_MAP, keywords=KEYWORDS, options_map={"**/templates/**.html": {}}
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_ui_string_is_translated_to_chinese():
    with PO.open("rb") as f:
        catalog = read_po(f, locale="zh_CN")
    missing = sorted(
        m for m in source_messages()
        if not (catalog.get(m) and (catalog.get(m).string if isinstance(catalog.get(m).string, str) else all(catalog.get(m).string)))
    )
    assert not missing, f"{len(missing)} strings lack a zh_CN translation, e.g. {missing[:5]}"


def test_the_compiled_catalogue_matches_the_po_file():
    with PO.open("rb") as f:
        po = read_po(f, locale="zh_CN")
    mo = read_mo(BytesIO(MO.read_bytes()))
    def strings(catalog):
        return {
            (m.id if isinstance(m.id, str) else m.id[0]): (m.string if isinstance(m.string, str) else tuple(m.string))
            for m in catalog
            if m.id and not m.fuzzy
        }

    expected, compiled = strings(po), strings(mo)
    assert compiled == expected, "run: pybabel compile -d lti_tool/translations"
