"""The register's scan for personal data finds names, email addresses, phone numbers and
street addresses however they are written, names the place and the person but not the data,
and leaves ordinary words alone."""
from __future__ import annotations

from pathlib import Path

import pytest

from crmtool.register.scan import ADDRESS, EMAIL, NAME, PHONE, Needles, scan_folder, scan_text

PERSON = {"name": {"given": "Jan", "prefix": "van", "family": "Dijkstrà"},
          "emails": [{"address": "J.Jansen@Example.org", "kind": "work"}],
          "phones": [{"number": "+31 6 12345678", "kind": "mobile"}],
          "addresses": [{"kind": "postal", "street": "Stationsplein", "number": "1", "postcode": "1315 NT",
                         "city": "Almere", "country": "NL"}]}


@pytest.fixture
def needles() -> Needles:
    return Needles.of([("p-7k2m9q", PERSON), ("p-other", {"name": {"given": "Anna", "family": "Kok"}})])


@pytest.mark.parametrize("text, kind", [
    ("Mail j.jansen@example.ORG today", EMAIL),
    ("bel 06-12 34 56 78", PHONE),
    ("tel. +31 (0)6 1234 5678", PHONE),
    ("<li>JAN  VAN DIJKSTRA</li>", NAME),
    ("Jan Dijkstra", NAME),
    ("Jan&nbsp;van&#32;Dijkstra", NAME),
    ("anna kok", NAME),
    ("lives at stationsplein 1.", ADDRESS),
])
def test_personal_data_is_found_however_it_is_written(needles, text, kind):
    hits = scan_text("index.html", f"<p>intro</p>\n{text}", needles)
    assert [(h.line, h.kind) for h in hits] == [(2, kind)]
    assert hits[0].person in ("p-7k2m9q", "p-other")


@pytest.mark.parametrize("text", [
    "De kok van de kantine", "Dijkstra", "Jan", "stationsplein", "Stationsplein 12", "jan dijkstraat 1",
    "2026-11-24 tot 2027-01-01", "06-12 34 56 79", "jansen@example.org",
])
def test_ordinary_text_is_no_hit(needles, text):
    assert scan_text("index.html", text, needles) == []


def test_a_hit_names_the_place_and_the_person_but_not_the_data(needles):
    [hit] = scan_text("nl/doelen.html", "a\nb\n   mail: j.jansen@example.org", needles)
    assert hit.message() == "nl/doelen.html:3:7: email address of p-7k2m9q"
    assert "jansen" not in hit.message()


def test_every_text_file_of_a_folder_is_scanned(tmp_path: Path, needles):
    (tmp_path / "nl").mkdir()
    (tmp_path / "nl" / "index.html").write_text("<p>Jan van Dijkstra</p>\n", encoding="utf-8")
    (tmp_path / "register.csv").write_text("purpose;contact\nx;+31612345678\n", encoding="utf-8")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG Jan van Dijkstra")
    assert [h.message() for h in scan_folder(tmp_path, needles)] == [
        "nl/index.html:1:4: name of p-7k2m9q", "register.csv:2:3: phone number of p-7k2m9q"]
