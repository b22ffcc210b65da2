"""Editing YAML without losing comments and layout: every shipped record round-trips."""
from __future__ import annotations

import datetime as dt

import pytest

from crmtool.edit import roundtrip
from crmtool.edit.roundtrip import RoundTripError, dump, load, loads, set_after

from .conftest import PROJECT

SHIPPED = sorted([*(PROJECT / "records").rglob("*.yaml"), *(PROJECT / "examples").rglob("*.yaml")])


def test_every_shipped_record_round_trips_byte_for_byte():
    """Loading and dumping an unchanged record gives its bytes back: both list layouts (records/
    writes `- ` under its key, examples/ indents it) are kept."""
    assert len(SHIPPED) > 200
    changed, offsets = [], set()
    for path in SHIPPED:
        document, text = load(path)
        offsets.add(document.layout.offset)
        if dump(document) != text or not document.faithful:
            changed.append(path.relative_to(PROJECT).as_posix())
    assert changed == []
    assert offsets == {0, 2}


ROLE = """\
# yaml-language-server: $schema=../../schemas/role.schema.json
# Why this role exists.
person: p-r5epc6
organisation: vgn-commissie-milieu   # the committee
function: commissielid
start: 2026-06-10  # installed at the first meeting
# The alderman's role this seat belongs to:
on_behalf_of: r-lelystad-wethouder-2026-a
notes:
- {date: 2026-06-10, by: anna, text: "Gekozen door de ledenvergadering, met een heel lange toelichting die niet op \
één regel van tachtig tekens past en niet mag worden afgebroken."}
public: true
"""


def test_end_goes_after_start_and_the_comments_stay_where_they_were():
    document = loads(ROLE)
    set_after(document.data, "end", dt.date(2026, 12, 31), "start")
    set_after(document.data, "end_reason", "derived-role-ended", "end")
    assert dump(document) == ROLE.replace(
        "start: 2026-06-10  # installed at the first meeting\n",
        "start: 2026-06-10  # installed at the first meeting\nend: 2026-12-31\nend_reason: derived-role-ended\n")


def test_comment_lines_below_start_stay_above_the_key_they_describe_without_an_end_of_line_comment():
    text = ROLE.replace("  # installed at the first meeting", "")
    document = loads(text)
    set_after(document.data, "end", dt.date(2026, 12, 31), "start")
    assert dump(document) == text.replace("start: 2026-06-10\n", "start: 2026-06-10\nend: 2026-12-31\n")


def test_an_existing_key_keeps_its_place_and_comment():
    text = "start: 2026-06-10\nend: 2027-06-30  # planned\nend_reason: term-ended\npublic: true\n"
    document = loads(text)
    set_after(document.data, "end", dt.date(2026, 12, 31), "start")
    set_after(document.data, "end_reason", "not-re-elected", "end")
    assert dump(document) == "start: 2026-06-10\nend: 2026-12-31  # planned\nend_reason: not-re-elected\npublic: true\n"


def test_a_missing_anchor_key_appends_at_the_end():
    document = loads("person: p-1\n")
    set_after(document.data, "end", dt.date(2026, 12, 31), "start")
    assert dump(document) == "person: p-1\nend: 2026-12-31\n"


def test_indented_lists_quotes_bom_and_crlf_are_kept_when_editing():
    text = ("\ufeff# comment\r\nmember_organisation: commons-werkplaats\r\nstart: 2024-02-01\r\n"
            "notes:\r\n  - {date: 2024-02-01, by: lotte, text: 'één aandeel'}\r\n  - date: 2024-03-01\r\n"
            "    by: lotte\r\n    text: \"no\"\r\n")
    document = loads(text)
    assert document.layout.offset == 2 and document.layout.bom and document.layout.crlf
    set_after(document.data, "end", dt.date(2026, 12, 31), "start")
    assert dump(document) == text.replace("start: 2024-02-01\r\n", "start: 2024-02-01\r\nend: 2026-12-31\r\n")


def test_a_document_start_marker_is_kept():
    text = "# c\n---\nstart: 2024-02-01\n"
    assert dump(loads(text)) == text


@pytest.mark.parametrize("text, where, what", [
    ("start: 2024-02-01\nstart: 2024-03-01\n", ":2:1", "duplicate key"),
    ("notes: [one, two\n", ":2:1", "expected ','"),
])
def test_a_file_that_cannot_be_edited_is_named_with_line_and_column(text, where, what):
    with pytest.raises(RoundTripError) as caught:
        loads(text, "records/roles/r-x.yaml")
    assert str(caught.value).startswith("records/roles/r-x.yaml" + where)
    assert what in str(caught.value)


def test_load_names_an_unreadable_file(tmp_path):
    (tmp_path / "latin1.yaml").write_bytes(b"name: caf\xe9\n")
    with pytest.raises(RoundTripError, match="latin1.yaml: not UTF-8"):
        load(tmp_path / "latin1.yaml")
    with pytest.raises(RoundTripError, match="missing.yaml"):
        load(tmp_path / "missing.yaml")


def test_layout_detection_reads_the_first_examples():
    assert roundtrip.detect_layout("a:\n    b: 1\nc:\n  - 1\n") == roundtrip.Layout(mapping=4, offset=2)
    assert roundtrip.detect_layout("a: 1\n") == roundtrip.Layout()
