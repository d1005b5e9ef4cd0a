"""Every string the UI shows has a Simplified Chinese translation, and the compiled
catalogue the app loads is the one built from the .po file."""

from io import BytesIO

from babel.messages.mofile import read_mo
from click.testing import CliRunner

from lti_tool.i18n_commands import MO, _read, i18n


def test_every_ui_string_is_translated_to_chinese():
    result = CliRunner().invoke(i18n, ["missing"])
    assert result.exit_code == 0, f"run: aftersales-training i18n update, then translate:\n{result.output}"


def test_the_compiled_catalogue_matches_the_po_file():
    def strings(catalog):
        return {
            (m.id if isinstance(m.id, str) else m.id[0]): (m.string if isinstance(m.string, str) else tuple(m.string))
            for m in catalog
            if m.id and not m.fuzzy
        }

    compiled = strings(read_mo(BytesIO(MO.read_bytes())))
    assert compiled == strings(_read()), "run: aftersales-training i18n compile"


def test_words_of_one_activity_are_not_used_for_another():
    """A quiz is answered (作答); a lesson, a course or a task is in progress (进行中)."""
    catalog = {m.id: m.string for m in _read() if isinstance(m.id, str)}
    assert catalog["In progress"] == "进行中" and catalog["Being answered"] == "作答中"
    quiz_words = [i for i, s in catalog.items() if "作答" in (s or "")]
    assert all(any(w in i.lower() for w in ("answer", "attempt", "quiz", "submit")) for i in quiz_words), quiz_words
