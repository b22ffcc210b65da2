"""Forms from the JSON Schemas (issue 18, item 2, and the field-error half of item 4):
crmtool/serve/forms.py and templates/workspace/_form.html, without a server.

What a browser would send is the form's own inputs with the values they show (`sent`); every
test starts from the shipped example records, as read by the loader, and ends in the text
`text_for` would write and the check's own findings on it."""
from __future__ import annotations

import difflib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from crmtool import i18n
from crmtool.check import check_text
from crmtool.edit import fmt
from crmtool.edit.base import settings
from crmtool.load import load_model
from crmtool.load.document import load_document
from crmtool.load.repo import FOLDERS, Repository
from crmtool.load.scalars import same_data
from crmtool.serve.app import environment
from crmtool.serve.forms import data_from_form, field_errors, form_of, read_form, text_for

from .conftest import PROJECT, TODAY

REPOSITORIES = {"association": PROJECT, "cooperative": PROJECT / "examples" / "cooperative"}
INPUTS = ("text", "textarea", "date", "email", "url", "tel", "number", "boolean", "select", "reference")
PERSON = "records/people/p-2n3qp7.yaml"  # Kees Ploeger, office holder, one email address
REQUEST = "records/requests/dsr-2026-0002.yaml"  # an erasure request with four history steps
PO = PROJECT / "crmtool" / "locale" / "nl" / "LC_MESSAGES" / "crmtool.po"


class Shipped:
    """One example repository: its schemas, settings and model (read, never written)."""

    def __init__(self, root: Path) -> None:
        self.repo = Repository(root)
        self.schemas, self.config = settings(self.repo)
        self.model = load_model(self.repo, TODAY)

    def record(self, path: str):
        return next(r for folder in self.model.records for r in self.model.of(folder) if r.path == path)

    def text(self, path: str) -> str:
        return (self.repo.root / path).read_text(encoding="utf-8")

    def form(self, record_type: str, data, language: str | None = None):
        return form_of(self.schemas, record_type, data, model=self.model, language=language or self.model.language)

    def submit(self, record_type: str, data, changes: dict, language: str | None = None, drop=()):
        """The new data from the form of `data` sent with `changes` (and without `drop`)."""
        form = self.form(record_type, data, language)
        values = dict(sent(form))
        values.update(changes)
        for name in drop:
            values.pop(name)
        return data_from_form(list(values.items()), self.schemas, record_type, data, model=self.model,
                              language=language or self.model.language)

    def write(self, path: str, text: str, data) -> str:
        return text_for(path, text, data, schemas=self.schemas, repo=self.repo)


@pytest.fixture(scope="module")
def shipped() -> dict[str, Shipped]:
    return {name: Shipped(root) for name, root in REPOSITORIES.items()}


@pytest.fixture(scope="module")
def association(shipped) -> Shipped:
    return shipped["association"]


def sent(form) -> list[tuple[str, str]]:
    """What a browser sends for a form nobody touched: every input with the value it shows."""
    return [(f.path, f.value) for f in form.walk() if f.kind in INPUTS]


def loaded(path: str, text: str):
    document = load_document(path, text.encode("utf-8"))
    assert not document.problems
    return document.data


def changed_lines(old: str, new: str) -> list[str]:
    return [line for line in difflib.ndiff(old.splitlines(), new.splitlines()) if line[:2] in ("- ", "+ ")]


# -- every record type round-trips --------------------------------------------------------------

@pytest.mark.parametrize("record_type", sorted(set(FOLDERS.values())))
def test_a_real_record_of_every_type_round_trips_through_its_form(shipped, record_type):
    """The form's own values give the record's data back exactly, `text_for` then gives the
    file back byte for byte, and a change undone through the round-trip editor does too."""
    seen = 0
    for example in shipped.values():
        for record in example.model.of(next(f for f, t in FOLDERS.items() if t == record_type)):
            seen += 1
            text = example.text(record.path)
            form = example.form(record_type, record.data)
            data = data_from_form(sent(form), example.schemas, record_type, record.data, model=example.model,
                                  language=example.model.language)
            assert same_data(data, record.data), record.path
            assert example.write(record.path, text, data) == text, record.path
            with_key = example.write(record.path, text, dict(data, zz_form_probe="x"))
            assert "zz_form_probe: x" in with_key and loaded(record.path, with_key)["zz_form_probe"] == "x"
            assert example.write(record.path, with_key, data) == text, record.path
    assert seen > 0, f"no example record of type {record_type}"


def test_the_shipped_records_are_canonical_so_byte_for_byte_means_what_fmt_gives(association):
    text = association.text(PERSON)
    assert fmt.canonical(text, PERSON, "person", association.schemas) == text


# -- editing ------------------------------------------------------------------------------------

def with_comments(text: str) -> str:
    """The person's file with a comment a colleague typed above `owner` and one after a value."""
    text = text.replace("\nowner:", "\n# Kees wil alleen per e-mail benaderd worden.\nowner:", 1)
    return text.replace("status: active", "status: active  # sinds de verkiezingen", 1)


def test_a_changed_email_changes_only_its_line_and_keeps_the_comments(association):
    text = with_comments(association.text(PERSON))
    data = loaded(PERSON, text)
    new_data = association.submit("person", data, {"emails.0.address": "kees.ploeger@example.org"})
    assert new_data["emails"][0] == {"address": "kees.ploeger@example.org", "kind": "work"}
    new = association.write(PERSON, text, new_data)
    assert changed_lines(text, new) == ["- - {address: k.ploeger@lelystad.example.nl, kind: work}",
                                        "+ - {address: kees.ploeger@example.org, kind: work}"]
    assert "# Kees wil alleen per e-mail benaderd worden.\nowner:" in new
    assert "status: active  # sinds de verkiezingen" in new
    assert loaded(PERSON, new) == new_data


def test_comment_lines_stay_above_what_they_describe_when_keys_and_items_come_and_go(association):
    text = association.text(PERSON).replace("\nstatus:", "\n# Status volgens de griffie.\nstatus:", 1)
    text = text.replace("\nowner:", "\nnotes:\n- {date: 2026-01-05, by: anna, text: Eerste.}\n"
                                     "# Het team dat dit record bijhoudt.\nowner:", 1)
    data = loaded(PERSON, text)
    gone = association.write(PERSON, text, association.submit("person", data, {"owner": ""}))
    assert changed_lines(text, gone) == ["- owner: public-affairs"]
    assert "# Het team dat dit record bijhoudt.\n# Status volgens de griffie.\nstatus: active" in gone
    added = association.write(PERSON, text, association.submit(
        "person", data, {"notes.1.date": "2026-02-01", "notes.1.text.nl": "Tweede."}))
    assert changed_lines(text, added) == ["+ - {date: 2026-02-01, text: Tweede.}"]
    assert "- {date: 2026-02-01, text: Tweede.}\n# Het team dat dit record bijhoudt.\nowner:" in added
    removed = association.write(PERSON, text, association.submit("person", data, {"notes.0.remove": "1"}))
    assert changed_lines(text, removed) == ["- notes:", "- - {date: 2026-01-05, by: anna, text: Eerste.}"]
    assert "# Het team dat dit record bijhoudt.\nowner:" in removed


def test_a_date_is_typed_back_as_the_loader_gives_it(association):
    record = association.record(PERSON)
    new_data = association.submit("person", record.data, {"purposes.0.since": "2023-05-01"})
    assert new_data["purposes"][0]["since"] == "2023-05-01"  # an ISO string, as the loader gives a date
    new = association.write(PERSON, association.text(PERSON), new_data)
    assert "since: 2023-05-01," in new  # unquoted: a date to every reader, as fmt writes it
    assert loaded(PERSON, new) == new_data


def test_an_invalid_email_is_reported_at_its_field(association):
    record = association.record(PERSON)
    form = association.form("person", record.data)
    new_data = association.submit("person", record.data, {"emails.0.address": "niet-een-adres"})
    new = association.write(PERSON, association.text(PERSON), new_data)
    with i18n.speaking("nl"):
        findings = check_text(association.repo.root, PERSON, association.schemas, association.config,
                              new.encode("utf-8")).findings
    errors = field_errors(new, findings, form)
    assert [f.rule for f in errors["emails.0.address"]] == ["S001"]
    assert "niet-een-adres" in errors["emails.0.address"][0].message and errors["emails.0.address"][0].hint
    assert "" not in errors


def test_an_error_follows_its_item_when_an_item_before_it_was_removed(association):
    """Remove the first address and add an invalid one: in the new data the new one is
    emails.0, in the form it is emails.1, and that is where its error is shown."""
    record = association.record(PERSON)
    form = association.form("person", record.data)
    values = dict(sent(form), **{"emails.0.remove": "1", "emails.1.address": "fout", "emails.1.kind": "work"})
    submission = read_form(list(values.items()), association.schemas, "person", record.data,
                           model=association.model, language="nl")
    assert submission.data["emails"] == [{"address": "fout", "kind": "work"}]
    new = association.write(PERSON, association.text(PERSON), submission.data)
    findings = check_text(association.repo.root, PERSON, association.schemas, association.config,
                          new.encode("utf-8")).findings
    assert list(field_errors(new, findings, submission.form)) == ["emails.0.address"]  # without the moves
    errors = field_errors(new, findings, submission.form, submission.paths)
    assert list(errors) == ["emails.1.address"]
    shown = submission.form.field("emails.1.address")
    assert shown is not None and shown.value == "fout" and submission.form.field("emails.0").removed


def test_findings_on_no_field_are_shown_at_the_top(association):
    text = association.text(PERSON)
    findings = [*check_text(association.repo.root, PERSON, association.schemas, association.config,
                            text.replace("name: {given: Kees, prefix: \"\", family: Ploeger}\n", "").encode()).findings]
    assert any(f.rule == "S001" for f in findings)
    errors = field_errors(text.replace("name: {given: Kees, prefix: \"\", family: Ploeger}\n", ""), findings)
    assert [f.rule for f in errors[""]] == ["S001"]  # name is required: the record as a whole


def test_a_removed_group_item_disappears(association):
    record = association.record(REQUEST)
    text = association.text(REQUEST)
    new_data = association.submit("request", record.data, {"history.1.remove": "1"})
    assert [step["stage"] for step in new_data["history"]] == ["received", "in-progress", "closed"]
    new = association.write(REQUEST, text, new_data)
    assert changed_lines(text, new) == [
        "- - {date: 2026-06-04, stage: triage, by: eline, note: Identiteit gecontroleerd.}"]


def test_an_unknown_key_in_the_file_survives_an_edit(association):
    text = association.text(PERSON) + "werkwijze: {bron: telefoon, vaak: 2}  # ons eigen veld\n"
    data = loaded(PERSON, text)
    form = association.form("person", data)
    kept = form.field("werkwijze")
    assert kept is not None and kept.kind == "readonly" and "bron: telefoon" in kept.readonly
    new_data = association.submit("person", data, {"name.initials": "K."})
    assert new_data["werkwijze"] == {"bron": "telefoon", "vaak": 2}
    new = association.write(PERSON, text, new_data)
    assert "werkwijze: {bron: telefoon, vaak: 2}  # ons eigen veld" in new
    assert changed_lines(text, new) == ['- name: {given: Kees, prefix: "", family: Ploeger}',
                                        '+ name: {given: Kees, prefix: "", family: Ploeger, initials: K.}']


def test_emptied_optional_fields_are_removed_and_kept_fields_stay(association):
    record = association.record(PERSON)
    new_data = association.submit("person", record.data, {"owner": "", "purposes.0.notified": ""})
    assert "owner" not in new_data and "notified" not in new_data["purposes"][0]
    assert new_data["purposes"][0]["source"] == "public-register" and new_data["status"] == "active"


def test_a_required_field_left_empty_is_kept_empty_so_the_error_is_at_that_field(association):
    record = association.record(PERSON)
    form = association.form("person", record.data)
    new_data = association.submit("person", record.data, {"name.family": ""})
    assert new_data["name"]["family"] == ""
    new = association.write(PERSON, association.text(PERSON), new_data)
    findings = check_text(association.repo.root, PERSON, association.schemas, association.config,
                          new.encode("utf-8")).findings
    assert "name.family" in field_errors(new, findings, form)


def test_booleans_keep_false_and_absent_apart(association):
    path = "records/roles/r-almere-bestuurssecretariaat-2023.yaml"
    record = association.record(path)
    assert record.data["public"] is False
    form = association.form("role", record.data)
    assert [o.value for o in form.field("public").options] == ["", "true", "false"]
    assert association.submit("role", record.data, {})["public"] is False
    assert association.submit("role", record.data, {"public": "true"})["public"] is True
    assert "public" not in association.submit("role", record.data, {"public": ""})


def test_a_list_of_single_values_takes_one_more_and_drops_a_cleared_one(association):
    record = association.record(REQUEST)
    assert record.data["topics"] == ["privacy"]
    added = association.submit("request", record.data, {"topics.1": "energie"})
    assert added["topics"] == ["privacy", "energie"]
    assert "topics" not in association.submit("request", record.data, {"topics.0": ""})


def test_a_text_over_lines_is_written_as_a_literal_block(association):
    record = association.record(PERSON)
    new_data = association.submit("person", record.data, {"notes.0.date": "2026-11-20", "notes.0.by": "anna",
                                                          "notes.0.text.nl": "Gebeld.\nTerugbellen in december."})
    assert new_data["notes"] == [{"date": "2026-11-20", "by": "anna", "text": "Gebeld.\nTerugbellen in december."}]
    new = association.write(PERSON, association.text(PERSON), new_data)
    assert "  text: |-\n    Gebeld.\n    Terugbellen in december.\n" in new
    assert loaded(PERSON, new) == new_data


def test_custom_fields_come_from_their_definitions_and_are_typed_by_them(association):
    path = "records/organisations/gemeente-almere.yaml"
    text = association.text(path).replace("  krimpgemeente: false\n", "  krimpgemeente: false\n  oud-veld: ja\n")
    data = loaded(path, text)
    form = association.form("organisation", data)
    assert [f.name for f in form.field("fields").children] == [
        "grensgemeente", "grootteklasse", "inwoners", "krimpgemeente", "kustgemeente", "stedelijkheidsklasse",
        "oud-veld"]
    inwoners = form.field("fields.inwoners")
    assert inwoners.kind == "number" and inwoners.step == "1" and inwoners.label == "Aantal inwoners (CBS)"
    assert {o.label for o in form.field("fields.grootteklasse").options} >= {"250.000 inwoners of meer"}
    assert form.field("fields.oud-veld").kind == "readonly"  # no definition: shown, kept
    new_data = association.submit("organisation", data, {"fields.inwoners": "230000", "fields.kustgemeente": "true"})
    assert new_data["fields"]["inwoners"] == 230000 and new_data["fields"]["kustgemeente"] is True
    assert new_data["fields"]["oud-veld"] == "ja" and new_data["fields"]["grootteklasse"] == "150000-250000"
    assert changed_lines(text, association.write(path, text, new_data)) == [
        "-   inwoners: 226000", "+   inwoners: 230000", "-   kustgemeente: false", "+   kustgemeente: true"]


def test_a_new_record_is_scaffolded_as_crmtool_new_writes_one(association):
    path = "records/people/p-zz9zz9.yaml"
    data = data_from_form([("name.given", "Fenna"), ("name.family", "de Boer"), ("emails.0.address", "f@example.org"),
                           ("emails.0.kind", "work"), ("phones.0.number", "+31 6 11112222"),
                           ("purposes.0.purpose", "VGN Weekoverzicht (newsletter)"), ("purposes.0.since", "2026-11-24"),
                           ("purposes.0.source", "self-registration")],
                          association.schemas, "person", None, model=association.model, language="nl")
    text = text_for(path, None, data, schemas=association.schemas, repo=association.repo)
    assert text == ("# yaml-language-server: $schema=../../schemas/person.schema.json\n"
                    "name: {given: Fenna, family: de Boer}\n"
                    "emails:\n- {address: f@example.org, kind: work}\n"
                    "phones:\n- {number: \"+31 6 11112222\"}\n"
                    "purposes:\n- {purpose: newsletter, since: 2026-11-24, source: self-registration}\n")
    assert fmt.canonical(text, path, "person", association.schemas) == text
    entry = check_text(association.repo.root, path, association.schemas, association.config, text.encode("utf-8"))
    assert [f for f in entry.findings if f.severity == "error"] == []


def test_a_new_item_in_a_blank_group_adds_nothing(association):
    record = association.record(PERSON)
    form = association.form("person", record.data)
    assert form.field("emails.1").new and form.field("phones.0").new and form.field("addresses.0").new
    assert association.submit("person", record.data, {}) == record.data


# -- choices ------------------------------------------------------------------------------------

def test_a_select_shows_vocabulary_labels_in_dutch_and_in_english(association):
    record = association.record(PERSON)
    vocabulary = (PROJECT / "records/vocabularies/sources.yaml").read_text(encoding="utf-8")
    sources = {v["id"]: v["label"] for v in loaded("sources.yaml", vocabulary)["values"]}
    for language in ("nl", "en"):
        field = association.form("person", record.data, language).field("purposes.0.source")
        assert field is not None and field.kind == "select" and field.value == "public-register"
        shown = {o.value: o.label for o in field.options}
        assert shown == {key: label[language] for key, label in sources.items()}
    assert shown["public-register"] == "Public register (council information, Government Gazette)"


def test_a_reference_lists_records_by_name_and_stores_their_ids(association):
    record = association.record(PERSON)
    form = association.form("person", record.data)
    field = form.field("purposes.0.purpose")
    assert field.kind == "reference" and field.value == "Bestuurders en functionarissen van leden (office-holders)"
    choices = [o.value for o in form.choices[field.choices]]
    assert "VGN Weekoverzicht (newsletter)" in choices and len(choices) == len(list(association.model.of("purposes")))
    staff = {o.value for o in form.choices[form.field("notes.0.by").choices]}
    assert "Anna Veldkamp (anna)" in staff
    for typed in ("VGN Weekoverzicht (newsletter)", "newsletter", "vgn weekoverzicht"):
        new_data = association.submit("person", record.data, {"purposes.0.purpose": typed})
        assert new_data["purposes"][0]["purpose"] == "newsletter", typed
    unknown = association.submit("person", record.data, {"purposes.0.purpose": "Iets anders"})
    assert unknown["purposes"][0]["purpose"] == "Iets anders"  # kept as typed: R001 says what is wrong


def test_a_party_lists_only_political_parties(association):
    role = next(r for r in association.model.of("roles") if r.get("party"))
    form = association.form("role", role.data)
    parties = form.choices[form.field("party").choices]
    assert parties and all(association.model.get("organisations", o.data).get("kind") == "political-party"
                           for o in parties)


# -- the purposes decide which fields are offered ------------------------------------------------

def test_a_field_no_purpose_allows_is_not_offered_and_a_value_there_is_shown_with_a_warning(association):
    record = association.record(PERSON)  # office holders: no `consent` among the data categories
    form = association.form("person", record.data)
    assert form.field("consents") is None and form.field("emails") is not None
    assert [p.purpose for p in form.purposes] == ["office-holders"]
    data = dict(record.data, consents=[{"purpose": "newsletter", "given": "2024-01-10"}])
    form = association.form("person", data)
    field = form.field("consents")
    assert field is not None and "toestemming" in field.warning
    assert association.submit("person", data, {})["consents"] == data["consents"]  # never silently dropped


def test_a_person_without_a_purpose_is_offered_every_field(association):
    form = association.form("person", {})
    assert form.field("consents") is not None and form.purposes == []


# -- words --------------------------------------------------------------------------------------

def test_labels_are_dutch_in_a_dutch_repository_and_english_in_an_english_one(association, tmp_path):
    record = association.record(PERSON)
    dutch = association.form("person", record.data)
    assert association.model.language == "nl" and dutch.language == "nl" and dutch.title == "Persoon"
    assert dutch.field("name.family").label == "Achternaam" and dutch.field("emails").label == "E-mailadressen"
    assert dutch.field("purposes.0.since").help == "Sinds wanneer de gegevens onder dit doel bewaard worden."

    root = tmp_path / "repo"
    shutil.copytree(PROJECT / "records", root / "records")
    shutil.copytree(PROJECT / "schemas", root / "schemas")
    config = (PROJECT / "crmtool.yaml").read_text(encoding="utf-8").replace("language: nl", "language: en")
    (root / "crmtool.yaml").write_text(config, encoding="utf-8")
    person = json.loads((root / "schemas/person.schema.json").read_text(encoding="utf-8"))
    person["properties"]["lidnummer"] = {"type": "string", "title": "Lidnummer bij de bond",
                                         "description": "Zoals de bond het schrijft."}
    (root / "schemas/person.schema.json").write_text(json.dumps(person, indent=2), encoding="utf-8")
    english = Shipped(root)
    form = english.form("person", record.data)
    assert english.model.language == "en" and form.field("name.family").label == "Family name"
    assert form.field("lidnummer").label == "Lidnummer bij de bond"  # not in the catalogue: as written
    assert english.form("person", record.data, "nl").field("lidnummer").help == "Zoals de bond het schrijft."


def test_every_schema_title_and_description_is_a_message_with_a_dutch_translation():
    assert "crmtool.locale.extract:extract_schema_texts" in (
        PROJECT / "crmtool/locale/babel.cfg").read_text(encoding="utf-8")
    texts = {message for _file, _line, message, _comments, _context in extract_from_dir(
        str(PROJECT / "schemas"), method_map=[("*.json", "crmtool.locale.extract:extract_schema_texts")])}
    assert {"Family name", "Email addresses", "Purpose label",
            "The team that maintains this record (vocabulary `teams`)."} <= texts
    assert "title" not in texts  # a property called title is no message; its title is
    catalogue = {m.id: m.string for m in read_po(PO.open("rb")) if m.id and m.string and not m.fuzzy}
    assert sorted(texts - set(catalogue)) == []


def test_every_property_of_the_shipped_schemas_has_a_title():
    def untitled(node, where):
        if isinstance(node, dict):
            for key, sub in (node.get("properties") or {}).items():
                if isinstance(sub, dict) and not sub.get("title"):
                    yield f"{where}/{key}"
            for key, sub in node.items():
                if key not in ("enum", "const", "default", "examples"):
                    yield from untitled(sub, f"{where}/{key}")
        elif isinstance(node, list):
            for index, sub in enumerate(node):
                yield from untitled(sub, f"{where}/{index}")
    missing = [spot for path in sorted((PROJECT / "schemas").glob("*.schema.json"))
               for spot in untitled(json.loads(path.read_text(encoding="utf-8")), path.name)]
    assert missing == []


# -- the macros ---------------------------------------------------------------------------------

class Page(HTMLParser):
    """The ids, label targets, described-by references, attributes and text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: dict[str, tuple[str, dict]] = {}
        self.tags: list[tuple[str, dict]] = []
        self.text: dict[str, str] = {}
        self.open: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if "id" in attributes:
            assert attributes["id"] not in self.ids, f"id {attributes['id']} twice"
            self.ids[attributes["id"]] = (tag, attributes)
            if tag not in ("input",):
                self.open.append(attributes["id"])
                self.text[attributes["id"]] = ""

    def handle_endtag(self, tag):
        if self.open and self.ids[self.open[-1]][0] == tag:
            self.open.pop()

    def handle_data(self, data):
        for name in self.open:
            self.text[name] += data


def rendered(example: Shipped, form, errors, language: str = "nl") -> str:
    with i18n.speaking(language):
        env = environment(example.repo.root)
        return env.from_string('{% from "_form.html" import render_form %}'
                               '{{ render_form(form, errors, "token-123", cancel="/people/p-2n3qp7") }}').render(
            form=form, errors=errors)


def test_the_form_renders_labelled_described_escaped_and_without_inline_code(association):
    record = association.record(PERSON)
    data = dict(record.data, name={"given": "<script>alert(1)</script>", "prefix": "", "family": "Ploeger & Zn"})
    values = dict(sent(association.form("person", data)), **{"emails.0.address": "niet-een-adres"})
    submission = read_form(list(values.items()), association.schemas, "person", data, model=association.model,
                           language="nl")
    new = association.write(PERSON, association.text(PERSON), submission.data)
    with i18n.speaking("nl"):
        findings = check_text(association.repo.root, PERSON, association.schemas, association.config,
                              new.encode("utf-8")).findings
    errors = field_errors(new, findings, submission.form, submission.paths)
    html = rendered(association, submission.form, errors)

    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not re.search(r"\sstyle=|\son[a-z]+=|<style|<script", html)
    page = Page()
    page.feed(html)
    labels = [attrs["for"] for tag, attrs in page.tags if tag == "label" and "for" in attrs]
    assert labels and all(target in page.ids for target in labels)
    described = [ref for _tag, attrs in page.tags for ref in (attrs.get("aria-describedby") or "").split()]
    assert described and all(ref in page.ids for ref in described)
    lists = {attrs["list"] for tag, attrs in page.tags if tag == "input" and attrs.get("list")}
    assert lists and all(page.ids[name][0] == "datalist" for name in lists)

    email = page.ids["f-emails.0.address"][1]
    assert email["value"] == "niet-een-adres" and email["aria-invalid"] == "true" and "required" in email
    assert "f-emails.0.address-errors" in email["aria-describedby"]
    shown = page.text["f-emails.0.address-errors"]
    assert "niet-een-adres" in shown and "S001" in shown and "naam@example.org" in shown  # the message and its hint
    assert "Er is niets opgeslagen" in page.text["form-problems"]
    assert page.ids["f-name.family"][1]["value"] == "Ploeger & Zn" and "required" in page.ids["f-name.family"][1]
    assert ("input", {"type": "hidden", "name": "csrf", "value": "token-123"}) in page.tags
    assert page.ids["f-purposes.0.since"][1]["type"] == "date"
    assert [a for t, a in page.tags if t == "input" and a.get("name") == "emails.0.remove"][0]["type"] == "checkbox"


def test_a_removed_item_stays_ticked_when_the_form_is_shown_again(association):
    record = association.record(REQUEST)
    values = dict(sent(association.form("request", record.data)), **{"history.1.remove": "1"})
    submission = read_form(list(values.items()), association.schemas, "request", record.data,
                           model=association.model, language="nl")
    html = rendered(association, submission.form, {})
    ticked = [a for t, a in tags_of(html) if t == "input" and a.get("type") == "checkbox" and "checked" in a]
    assert [a["name"] for a in ticked] == ["history.1.remove"]


def tags_of(html: str) -> list[tuple[str, dict]]:
    page = Page()
    page.feed(html)
    return page.tags
