"""``aftersales-training i18n``: keep the Simplified Chinese catalogue in step with the code.

    aftersales-training i18n update    # new strings into messages.po (msgstr empty)
    (translate the empty msgstr entries in lti_tool/translations/zh_Hans_CN/LC_MESSAGES/messages.po)
    aftersales-training i18n compile   # messages.mo, which the app loads
    aftersales-training i18n missing   # lists strings still untranslated; exit 1 if any
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).parent
LOCALE_DIR = PACKAGE / "translations" / "zh_Hans_CN" / "LC_MESSAGES"  # Babel's name for zh_CN
PO, MO = LOCALE_DIR / "messages.po", LOCALE_DIR / "messages.mo"
METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def extract() -> Catalog:
    template = Catalog(project="aftersales-training")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE), METHOD_MAP, keywords=KEYWORDS, options_map={"**/templates/**.html": {}}
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def _read() -> Catalog:
    with PO.open("rb") as f:
        return read_po(f, locale="zh_CN")


def _untranslated(catalog: Catalog) -> list[str]:
    missing = []
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.string, str) or message.string is None:
            strings = [message.string]
        else:
            strings = list(message.string)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


@click.group(help="Translations (Simplified Chinese catalogue).")
def i18n() -> None:
    pass


@i18n.command("update", help="Add new strings from the code to messages.po; drop unused ones.")
def update() -> None:
    catalog = _read()
    catalog.update(extract(), no_fuzzy_matching=True)
    catalog.obsolete.clear()
    with PO.open("wb") as f:
        write_po(f, catalog, width=0, sort_output=True, omit_header=False, no_location=True)
    click.echo(f"{len(_untranslated(catalog))} string(s) to translate in {PO}")


@i18n.command("compile", help="Write messages.mo from messages.po.")
def compile_() -> None:
    catalog = _read()
    with tempfile.NamedTemporaryFile(dir=LOCALE_DIR, delete=False) as tmp:
        write_mo(tmp, catalog)
    Path(tmp.name).replace(MO)
    click.echo(f"compiled {MO}")


@i18n.command("missing", help="List strings that have no translation yet.")
def missing() -> None:
    catalog = _read()
    catalog.update(extract(), no_fuzzy_matching=True)
    gaps = _untranslated(catalog)
    for text in gaps:
        click.echo(text)
    if gaps:
        raise click.ClickException(f"{len(gaps)} string(s) have no Simplified Chinese translation")
    click.echo("every string is translated")
