"""The loader on hostile and broken input: it reports, it never raises, it never expands."""
from __future__ import annotations

import datetime as dt

import pytest

from crmtool.check.run import run_check
from crmtool.load.document import MAX_BYTES, load_document

from .conftest import TODAY


def kinds(doc):
    return [p.kind for p in doc.problems]


def test_values_keep_their_positions():
    doc = load_document("x.yaml", b"# comment\nname:\n  family: Jansen\nemails:\n  - {address: a@example.org}\n")
    assert doc.data == {"name": {"family": "Jansen"}, "emails": [{"address": "a@example.org"}]}
    assert doc.position(("name", "family")) == (3, 11)
    assert doc.position(("emails", 0, "address")) == (5, 15)
    assert doc.position(("name",), at_key=True) == (2, 1)


def test_dates_become_iso_text_and_are_remembered():
    doc = load_document("x.yaml", b"start: 2022-06-01\n")
    assert doc.data == {"start": "2022-06-01"}
    assert doc.retyped[0].value == dt.date(2022, 6, 1)


def test_duplicate_keys_are_reported_not_resolved_silently():
    doc = load_document("x.yaml", b"a: 1\nb: {c: 1, c: 2}\na: 3\n")
    duplicates = [(p.line, p.column, p.detail["key"]) for p in doc.problems if p.kind == "duplicate-key"]
    assert duplicates == [(2, 11, "c"), (3, 1, "a")]


def test_alias_bomb_is_refused_without_expanding():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i, name in enumerate("bcdefghi"):
        previous = "abcdefghi"[i]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    doc = load_document("bomb.yaml", "\n".join(lines).encode())
    assert "alias" in kinds(doc) and "anchor" in kinds(doc)
    assert len(repr(doc.data)) < 10_000  # nine levels of nine would be 387 million strings


@pytest.mark.parametrize("text", [b"[" * 200_000 + b"]" * 200_000, b"- " * 200_000 + b"a",
                                  b"a:\n" + b"".join(b" " * i + b"a:\n" for i in range(1, 3000))])
def test_deep_nesting_is_refused_without_crashing(text):
    doc = load_document("deep.yaml", text)
    assert not doc.loaded
    assert kinds(doc) in (["too-deep"], ["too-large"], ["syntax"])


def test_binary_file():
    doc = load_document("x.yaml", bytes(range(256)))
    assert kinds(doc) == ["binary"] and not doc.loaded


def test_not_utf8_points_at_the_byte():
    doc = load_document("x.yaml", b"name:\n  family: J\xe9r\xf4me\n")
    assert [(p.kind, p.line, p.column) for p in doc.problems] == [("encoding", 2, 12)]


def test_byte_order_mark_is_accepted_and_columns_stay_right():
    doc = load_document("x.yaml", b"\xef\xbb\xbfname: {family: Jansen}\n")
    assert doc.loaded and doc.problems == []
    assert doc.position(("name", "family")) == (1, 16)


def test_ten_megabyte_file_is_refused_before_parsing():
    doc = load_document("big.yaml", b"notes: [" + b"'x', " * (2 * 1024 * 1024) + b"]\n")
    assert kinds(doc) == ["too-large"] and doc.problems[0].detail["limit"] == MAX_BYTES


def test_empty_and_comment_only_files_load_as_nothing():
    assert load_document("x.yaml", b"").data is None
    assert load_document("x.yaml", b"# nothing\n").data is None


def test_custom_tags_are_reported_and_not_constructed():
    doc = load_document("x.yaml", b"a: !!python/object:os.system ls\nb: !include other.yaml\n")
    assert [(p.kind, p.detail["tag"]) for p in doc.problems] == [
        ("tag", "tag:yaml.org,2002:python/object:os.system"), ("tag", "!include")]
    assert doc.data == {"a": "ls", "b": "other.yaml"}


def test_yaml11_surprises_are_remembered():
    doc = load_document("x.yaml", b"a: no\nb: 012\nc: 0612345678\nd: '0612345678'\n")
    assert [(r.pointer, r.tag) for r in doc.retyped] == [(("a",), "bool"), (("b",), "int"), (("c",), "str")]
    assert doc.data["b"] == 10  # YAML 1.1 octal: the reason Y005 exists


def test_check_survives_every_broken_file_at_once(base_repo):
    people = base_repo.root / "records" / "people"
    (people / "p-binary.yaml").write_bytes(bytes(range(256)))
    (people / "p-empty.yaml").write_bytes(b"")
    (people / "p-huge.yaml").write_bytes(b"a: '" + b"x" * (10 * 1024 * 1024) + b"'\n")
    (people / "p-bom.yaml").write_bytes(b"\xef\xbb\xbfname: {family: Jansen}\n"
                                        b"purposes: [{purpose: office-holders, since: 2025-06-01, "
                                        b"source: public-register, notified: 2025-06-10}]\n")
    (people / "p-notyaml.yaml").write_bytes(b"{{{{ this is : not : yaml")
    (people / "p-folder.yaml").mkdir()
    (people / "p-deep.yaml").write_bytes(b"[" * 100_000)
    result = run_check(base_repo, TODAY)
    by_path = {}
    for finding in result.findings:
        by_path.setdefault(finding.path.rsplit("/", 1)[-1], set()).add(finding.rule)
    assert by_path == {
        "p-binary.yaml": {"Y001"}, "p-empty.yaml": {"S001"}, "p-huge.yaml": {"Y001"},
        "p-notyaml.yaml": {"Y001"}, "p-folder.yaml": {"S011"}, "p-deep.yaml": {"Y001"},
    }
    assert result.exit_code == 1


# ------------------------------------------- Y001 in plain words, in the run's language (issue 15)

from crmtool import i18n  # noqa: E402
from crmtool.rules import y001_syntax  # noqa: E402
from crmtool.rules.base import FileContext  # noqa: E402


def _y001(text: str, language: str = "en") -> list[tuple[int, int, str, str]]:
    doc = load_document("records/people/p-bbbbbb.yaml", text.encode("utf-8"))
    with i18n.speaking(language):
        return [(f.line, f.column, f.message, f.hint)
                for f in y001_syntax.check_file(FileContext("records/people/p-bbbbbb.yaml", "person", doc, None))]


@pytest.mark.parametrize("text, line, column, english, dutch", [
    ("name:\n\tfamily: Jansen\n", 2, 1, "A tab is used for indentation", "met een tab ingesprongen"),
    ("name:\n  given: Jan\n\tfamily: Jansen\n", 3, 1, "A tab is used for indentation", "met een tab ingesprongen"),
    ("owner: x\nname:Jan\n", 2, 5, "A colon without a space after it", "Een dubbele punt zonder spatie"),
    ("name:\n  given:Jan\n  family: J\n", 2, 8, "A colon without a space after it", "Een dubbele punt zonder spatie"),
    ('name: "Jan\nowner: x\n', 1, 7, "The quote that opens here is never closed", "Het aanhalingsteken"),
    ("name: 'Jan\nowner: x\n", 1, 7, "The quote that opens here is never closed", "Het aanhalingsteken"),
    ("name:\n    given: Jan\n  family: J\n", 3, 3, "does not line up", "sluit niet aan"),
    ("owner: 1\n  status: active\n", 2, 9, "indented under a value that is not a mapping",
     "springt in onder een waarde"),
    ("summary: Overleg: warmtenet\n", 1, 17, "A second ': ' in a value", "Een tweede ': '"),
    ('owner: "x" y\n', 1, 12, "Text follows the closing quote", "Na het sluitende aanhalingsteken"),
    ("owner: @team\n", 1, 8, "cannot start with '@'", "alleen met '@' beginnen"),
    ("owner: a\nnotes: b\x07\n", 2, 9, "control character (U+0007)", "stuurteken (U+0007)"),
])
def test_y001_says_the_common_mistakes_in_plain_words(text, line, column, english, dutch):
    """Issue 15: libyaml's English ("mapping values are not allowed here", "found character
    '\\t' that cannot start any token") reached Dutch users. Each common mistake has its own
    message and hint in both languages, at the place where the mistake is."""
    [(found_line, found_column, message, hint)] = _y001(text)
    assert (found_line, found_column) == (line, column) and english in message and hint
    [(_l, _c, message, hint)] = _y001(text, "nl")
    assert dutch in message, message
    for english_word in ("mapping values", "token", "scanning", "expected", "stream"):
        assert english_word not in message + hint


def test_y001_an_unknown_problem_falls_back_to_a_translated_sentence():
    message, hint = y001_syntax._plain("something libyaml never said before")
    assert "something libyaml never said before" in message and hint
    with i18n.speaking("nl"):
        message, hint = y001_syntax._plain("x" * 500)
        assert message.startswith("Het bestand is hier geen geldige YAML") and len(message) < 200


# ------------------------------------------------ echoed values are an excerpt (issue 15)


def test_every_rule_that_quotes_a_value_quotes_an_excerpt(base_repo):
    """Issue 15: S001 put a whole value (up to 1 MiB) into one annotation. Every finding now
    quotes at most a short excerpt, through one helper (texts.excerpt)."""
    long = "Q" * 50_000
    person = (f'name: {{given: Bea, family: Bakker}}\nemails: [{{address: "{long}@x"}}]\n'
              f'phones: [{{number: "{long}"}}]\n'
              f'addresses: [{{kind: postal, street: a, number: "1", postcode: "{long}", city: b, country: NL}}]\n'
              f'purposes:\n  - {{purpose: "{long}", since: 2026-03-02, source: public-register}}\n'
              f'owner: "{long}"\nstatus: "{long}"\ntags: ["{long}"]\n')
    (base_repo.root / "records/people/p-bbbbbb.yaml").write_text(person, encoding="utf-8")
    role = f'person: "{long}"\norganisation: gemeente-almere-college\nfunction: wethouder\nstart: 2022-06-01\n'
    (base_repo.root / "records/roles/r-x-2022.yaml").write_text(role, encoding="utf-8")
    findings = [f for f in run_check(base_repo, TODAY).findings if f.path != "crmtool.yaml"]
    rules = {f.rule for f in findings}
    assert {"S001", "R001", "P002", "Q002", "Q003", "S005"} <= rules, rules
    for finding in findings:
        assert "Q" * 61 not in finding.message + finding.hint, (finding.rule, finding.message[:200])
        assert len(finding.message) < 400 and len(finding.hint) < 600, finding.rule


def test_the_excerpt_keeps_a_message_on_one_line():
    from crmtool.domain.texts import excerpt
    assert excerpt("a\nb\tc\x07") == "a\\nb\\tc\\x07"
    assert excerpt("x" * 100) == "x" * 59 + "…" and len(excerpt("y" * 10**6)) == 60
    assert excerpt("kort") == "kort" and excerpt(12) == "12"


def test_a_bad_date_is_reported_once(base_repo):
    """Issue 15: a date that fails both the pattern and the format was two S001 findings."""
    (base_repo.root / "records/people/p-bbbbbb.yaml").write_text(
        "name: {given: Bea, family: Bakker}\npurposes:\n"
        "  - {purpose: office-holders, since: 2026-2-3, source: public-register, notified: 2026-03-20}\n"
        "owner: public-affairs\n", encoding="utf-8")
    found = [f for f in run_check(base_repo, TODAY).findings if f.rule == "S001"]
    assert [(f.line, f.column) for f in found] == [(3, 38)]


def test_an_explicit_standard_tag_on_a_value_it_does_not_fit_is_text_not_a_crash():
    """Found by tests/test_fuzz.py: PyYAML's constructors raise AttributeError or KeyError on
    `!!timestamp Partij A` or `!!bool maybe`; the loader never raises."""
    doc = load_document("records/organisations/partij-a.yaml",
                        b"name: !!timestamp Partij A\nkind: !!int twelve\nx: !!float abc\ny: !!bool maybe\n"
                        b"z: !!float\n")
    assert doc.data == {"name": "Partij A", "kind": "twelve", "x": "abc", "y": "maybe", "z": ""}
