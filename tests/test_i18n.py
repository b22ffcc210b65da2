"""Every message has a Dutch translation, the compiled catalogue matches its source, and
placeholders survive translation."""
from __future__ import annotations

import io
import re

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from crmtool import i18n

from .conftest import PROJECT

PO = PROJECT / "crmtool" / "locale" / "nl" / "LC_MESSAGES" / "crmtool.po"
MO = PO.with_suffix(".mo")


def code_messages() -> set[str]:
    """The messages of the code and of the templates (the register's and the export's;
    `{% trans %}` blocks are gettext calls to the Jinja2 extractor), as
    crmtool/locale/babel.cfg extracts them."""
    code = extract_from_dir(str(PROJECT / "crmtool"), keywords={"_": None, "N_": None},
                            method_map=[("**.py", "python")])
    templates = extract_from_dir(str(PROJECT / "templates"), keywords={"_": None, "gettext": None},
                                 method_map=[("**.html", "jinja2")], options_map={"**.html": {"silent": "false"}})
    return {message for _file, _line, message, _comments, _context in [*code, *templates]}


def test_the_templates_have_messages():
    assert "Transparency register" in code_messages()


def test_every_message_in_the_code_has_a_dutch_translation():
    catalogue = read_po(PO.open("rb"))
    translated = {m.id: m.string for m in catalogue if m.id and m.string and not m.fuzzy}
    missing = sorted(code_messages() - set(translated))
    assert missing == [], "run pybabel extract/update and translate (docs/check.md)"


def test_compiled_catalogue_matches_the_source():
    source = {m.id: m.string for m in read_po(PO.open("rb")) if m.id}
    compiled = {m.id: m.string for m in read_mo(io.BytesIO(MO.read_bytes())) if m.id}
    assert compiled == source, "run: pybabel compile -D crmtool -d crmtool/locale"


def test_placeholders_survive_translation():
    for message in read_po(PO.open("rb")):
        if message.id:
            assert set(re.findall(r"{(\w+)}", message.id)) == set(re.findall(r"{(\w+)}", message.string)), message.id


def test_switching_language():
    try:
        i18n.use("nl")
        assert i18n._("hint") == "tip"
        i18n.use("xx")  # unknown: English
        assert i18n.language() == "en" and i18n._("hint") == "hint"
    finally:
        i18n.use("en")
