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
    assert hit.message() == "nl/doelen.html:3:10: email address of p-7k2m9q"  # the column in the file
    assert "jansen" not in hit.message()


def test_every_text_file_of_a_folder_is_scanned(tmp_path: Path, needles):
    (tmp_path / "nl").mkdir()
    (tmp_path / "nl" / "index.html").write_text("<p>Jan van Dijkstra</p>\n", encoding="utf-8")
    (tmp_path / "register.csv").write_text("purpose;contact\nx;+31612345678\n", encoding="utf-8")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG Jan van Dijkstra")
    assert [h.message() for h in scan_folder(tmp_path, needles)] == [
        "nl/index.html:1:4: name of p-7k2m9q", "register.csv:2:3: phone number of p-7k2m9q"]


# --- what a browser or a reader of the file sees, not what one line holds ---------------------

KEES = ("p-kees", {"name": {"given": "Kees", "prefix": "", "family": "Ploeger"}})
JAN = ("p-jan", {"name": {"given": "Jan", "prefix": "van", "family": "Dijk"}})


@pytest.fixture
def people() -> Needles:
    return Needles.of([KEES, JAN])


@pytest.mark.parametrize("path, text, line, column", [
    ("nl/index.html", "<p>Vraag het aan Kees\n   Ploeger.</p>", 1, 18),               # a break in the source
    ("nl/index.html", "<p>Vraag het aan Kees<br>\nPloeger.</p>", 1, 18),              # and one the browser shows
    ("nl/index.html", "<p>Ploeger, Kees is bereikbaar</p>", 1, 4),                      # family name first
    ("nl/index.html", "<p>Dijk, Jan van</p>", 1, 4),
    ("nl/index.html", "<p>Van Dijk, Jan</p>", 1, 4),
    ("nl/index.html", "<p><b>Kees</b> <i>Ploe</i>ger</p>", 1, 7),                      # inline tags join words
    ("nl/index.html", '<p><abbr title="Kees Ploeger">KP</abbr></p>', 1, 17),          # shown as a tooltip
    ("nl/index.html", "<p>Kees&#10;Ploeger &amp; co</p>", 1, 4),
    ("register.json", '{"description": "Vraag het aan Kees\\nPloeger"}', 1, 32),       # a JSON escape
    ("register.json", '{"description": "Kees\\u00a0PLOEGER"}', 1, 18),
    ("register.csv", 'doel;omschrijving\nevents;"Vraag Kees\nPloeger"\n', 2, 15),      # a cell on two lines
    ("en/purposes/events.html", "<p>Ask Kees\n\n    ploeger</p>", 1, 8),
])
def test_a_name_is_found_across_line_breaks_tags_escapes_and_in_either_order(people, path, text, line, column):
    hits = scan_text(path, text, people)
    assert [(h.line, h.column, h.kind) for h in hits] == [(line, column, NAME)], hits
    assert "Ploeger" not in hits[0].message() and "Dijk" not in hits[0].message()


@pytest.mark.parametrize("text", [
    "<p>Kees</p>",
    "<p>Ploeger</p>",
    "<p>Kees Jansen en Ploeger</p>",
    "<p>Keesploeger</p>",
    "<p>Dijk</p><p>van</p>",
])
def test_parts_of_a_name_apart_are_no_hit(people, text):
    assert scan_text("nl/index.html", text, people) == []


def test_an_email_or_phone_number_over_a_line_break_or_an_escape(needles):
    assert [h.kind for h in scan_text("register.json", '{"a": "mail J.Jansen@Example.org"}', needles)] == [EMAIL]
    assert [h.kind for h in scan_text("register.csv", 'a;"bel 06-12 34\n56 78"\n', needles)] == [PHONE]
    # a number at the end of a line does not hide one at the start of the next
    assert [h.kind for h in scan_text("register.csv", "a;2026\n0612345678;b\n", needles)] == [PHONE]


# --- the build: a leak it used to publish now stops it ---------------------------------------

@pytest.fixture(scope="module")
def example_repo(tmp_path_factory) -> Path:
    from .test_register import make_repo
    return make_repo(tmp_path_factory.mktemp("scan") / "repo")


@pytest.mark.parametrize("planted", [
    "  nl: |-\n    Vragen gaan naar Kees\n    Ploeger of het secretariaat.\n",  # a literal block scalar splits the name
    "  nl: >-\n    Vragen gaan naar Ploeger, Kees of het secretariaat.\n",      # family name first
])
def test_the_build_refuses_a_name_split_over_lines_or_family_first(example_repo, tmp_path, planted):
    import shutil

    from .test_register import build
    repo = tmp_path / "repo"
    shutil.copytree(example_repo, repo, symlinks=True)
    path = repo / "records" / "purposes" / "events.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  nl: >-\n", text.index("description:"))
    end = text.index("  en: >-", start)
    path.write_text(text[:start] + planted + text[end:], encoding="utf-8")
    out = tmp_path / "site"
    result = build(repo, out)
    assert result.exit_code == 1, result.output
    for where in ("nl/purposes/events.html:", "register.json:", "register.csv:"):
        assert where in result.stderr and "p-2n3qp7" in result.stderr, where
    assert "Ploeger" not in result.stderr and "Kees" not in result.stderr
    assert not out.exists()  # nothing written


def test_the_build_refuses_it_as_a_real_process(example_repo, tmp_path):
    import os
    import shutil
    import subprocess
    import sys
    repo = tmp_path / "repo"
    shutil.copytree(example_repo, repo, symlinks=True)
    path = repo / "records" / "purposes" / "events.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  en: >-\n    Inviting", "  en: |-\n    Ask Kees\n    Ploeger.\n    Inviting", 1),
                    encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "crmtool", "build", "--root", str(repo),
                           "--out", str(tmp_path / "site")],
                          capture_output=True, text=True, env={**os.environ, "CRMTOOL_TODAY": "2026-11-24"})
    assert done.returncode == 1, done.stderr
    assert "en/purposes/events.html:" in done.stderr and "p-2n3qp7" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "site").exists()
