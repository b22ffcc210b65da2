"""Every message has a Dutch translation, the compiled catalogue matches its source, and
placeholders survive translation."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from crmtool import i18n

from .conftest import PROJECT

PO = PROJECT / "crmtool" / "locale" / "nl" / "LC_MESSAGES" / "crmtool.po"
MO = PO.with_suffix(".mo")


def code_messages() -> set:
    """The messages of the code, of the templates (the register's and the export's;
    `{% trans %}` blocks are gettext calls to the Jinja2 extractor) and the schemas'
    descriptions, as crmtool/locale/babel.cfg extracts them. A plural message (ngettext) is
    its singular msgid."""
    code = extract_from_dir(str(PROJECT / "crmtool"), keywords={"_": None, "N_": None, "ngettext": (1, 2)},
                            method_map=[("**.py", "python")])
    templates = extract_from_dir(str(PROJECT / "templates"), keywords={"_": None, "gettext": None},
                                 method_map=[("**.html", "jinja2")], options_map={"**.html": {"silent": "false"}})
    schemas = extract_from_dir(str(PROJECT / "schemas"),
                               method_map=[("*.json", "crmtool.load.schema:extract_descriptions")])
    return {message[0] if isinstance(message, tuple) else message
            for _file, _line, message, _comments, _context in [*code, *templates, *schemas]}


def test_schema_descriptions_and_plurals_are_messages():
    messages = code_messages()
    assert "The team that maintains this record (vocabulary `teams`)." in messages
    assert "{count} error" in messages


def test_the_templates_have_messages():
    assert "Transparency register" in code_messages()


def test_every_message_in_the_code_has_a_dutch_translation():
    catalogue = read_po(PO.open("rb"))
    translated = {(m.id[0] if isinstance(m.id, tuple) else m.id): m.string for m in catalogue
                  if m.id and m.string and (all(m.string) if isinstance(m.string, tuple) else True) and not m.fuzzy}
    missing = sorted(code_messages() - set(translated))
    assert missing == [], "run pybabel extract/update and translate (docs/check.md)"


def test_compiled_catalogue_matches_the_source():
    plain = lambda value: tuple(value) if isinstance(value, (list, tuple)) else value  # noqa: E731 (plurals)
    source = {plain(m.id): plain(m.string) for m in read_po(PO.open("rb")) if m.id}
    compiled = {plain(m.id): plain(m.string) for m in read_mo(io.BytesIO(MO.read_bytes())) if m.id}
    assert compiled == source, "run: pybabel compile -D crmtool -d crmtool/locale"


def test_placeholders_survive_translation():
    for message in read_po(PO.open("rb")):
        if message.id:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            wanted = set(re.findall(r"{(\w+)}", ids[0]))
            assert all(set(re.findall(r"{(\w+)}", s)) == wanted for s in strings), message.id


def test_a_language_lasts_as_long_as_its_block():
    """Issue 16: the language is entered for a block (one command) and ends with it; nothing
    else switches it, so no test needs to undo what another did."""
    assert i18n.language() == "en"
    with i18n.speaking("nl") as chosen:
        assert chosen == "nl" and i18n._("hint") == "tip"
        with i18n.speaking("xx") as fallback:  # unknown: English
            assert fallback == "en" and i18n.language() == "en" and i18n._("hint") == "hint"
        assert i18n._("hint") == "tip"
    assert i18n.language() == "en" and i18n._("hint") == "hint"


def test_a_failing_block_ends_its_language_too():
    with pytest.raises(RuntimeError):
        with i18n.speaking("nl"):
            raise RuntimeError
    assert i18n.language() == "en"


def test_threads_do_not_share_a_language():
    """A server answers two requests at once, one in Dutch and one in English."""
    import threading
    seen: dict[str, str] = {}
    ready = threading.Barrier(2)

    def answer(language: str) -> None:
        with i18n.speaking(language):
            ready.wait(timeout=5)
            seen[language] = i18n._("hint")

    threads = [threading.Thread(target=answer, args=(language,)) for language in ("nl", "en")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"nl": "tip", "en": "hint"}


def test_reading_a_repository_does_not_change_the_language(tmp_path):
    """Issue 16: loading crmtool.yaml used to switch the process to its language."""
    import shutil

    from crmtool.check import check_config
    from crmtool.load import load_model, load_schemas, repository_language
    from crmtool.load.repo import Repository
    root = tmp_path / "repo"
    shutil.copytree(Path(__file__).parent.parent / "examples" / "cooperative", root)
    repo = Repository(root)
    assert repository_language(repo) == "nl"
    model = load_model(repo, dt.date(2026, 12, 1))
    check_config(repo, load_schemas(repo))
    assert model.language == "nl" and i18n.language() == "en"


@pytest.mark.parametrize("language, counts, expected", [
    ("nl", (1, 1, 1, 1), "1 bestand gecontroleerd: 1 fout, 1 waarschuwing, 1 melding."),
    ("nl", (2, 2, 2, 0), "2 bestanden gecontroleerd: 2 fouten, 2 waarschuwingen, 0 meldingen."),
    ("en", (1, 1, 1, 1), "1 file checked: 1 error, 1 warning, 1 note."),
    ("en", (3, 2, 0, 2), "3 files checked: 2 errors, 0 warnings, 2 notes."),
])
def test_the_summary_line_has_plural_forms(language, counts, expected):
    """Issue 15: "1 fouten". The counts go through ngettext and the catalogue's Plural-Forms."""
    from crmtool.reporters.text import summary_line
    files, errors, warnings, infos = counts
    with i18n.speaking(language):
        assert summary_line({"files": files, "errors": errors, "warnings": warnings, "infos": infos}) == expected


def test_schema_descriptions_speak_the_runs_language():
    """Issue 15: S001's hints came from the schemas' English descriptions in a Dutch run. A
    description without a translation (a fork's own field) is left out rather than English."""
    from crmtool.load.schema import translated_description
    with i18n.speaking("nl"):
        assert translated_description("The team that maintains this record (vocabulary `teams`).") == \
            "Het team dat dit record bijhoudt (woordenlijst `teams`)."
        assert translated_description("A field only this fork has.") == ""
    assert translated_description("A field only this fork has.") == "A field only this fork has."


def test_durations_in_words():
    from crmtool.domain.words import in_words
    assert [in_words(p, "nl") for p in ("P1M", "P2Y", "P1Y6M", "P1D")] == ["1 maand", "2 jaar", "1 jaar en 6 maanden",
                                                                         "1 dag"]
    assert [in_words(p, "en") for p in ("P1M", "P2Y", "P3M")] == ["1 month", "2 years", "3 months"]
    assert in_words("soon", "nl") == "soon"
