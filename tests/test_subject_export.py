"""`crmtool subject export`: everything held about a person, and nothing about anyone else."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import vobject
from click.testing import CliRunner

from crmtool.load import load_model
from crmtool.cli import cli
from crmtool.subject.export import ANOTHER_PERSON, export
from crmtool.subject.export_render import escape_value, fold, render_html, render_json, render_vcard
from crmtool.domain.texts import full_name

from .conftest import TODAY

TEUN = "p-r5epc6"  # Teun Jansen: alderman, committee chair, board member; shares contact moments
DAY = ["--today", TODAY.isoformat()]


@pytest.fixture(scope="module")
def model():
    from crmtool.load.repo import Repository
    from .conftest import PROJECT
    return load_model(Repository(PROJECT), TODAY)


@pytest.fixture(scope="module")
def teun(model):
    return export(model, TEUN, TODAY)


def run(repo, *args):
    return CliRunner().invoke(cli, ["subject", "export", *args, "--root", str(repo.root), *DAY])


def test_the_person_record_with_custom_field_labels(teun):
    person = teun.data["person"]
    assert person["id"] == TEUN and person["full_name"] == "Teun Jansen"
    assert person["emails"] == [{"address": "t.jansen@lelystad.example.nl", "kind": "work"}]
    assert person["phones"][0]["number"] == "+31 6 12345644"
    assert person["tags"] == ["warmtenet"]
    assert person["fields"] == [{"field": "voorkeur-aanhef", "label": "Voorkeursaanhef",
                                 "value": "informeel", "value_label": "Beste + voornaam"}]


def test_every_role_with_organisation_names_and_periods(teun):
    roles = {r["id"]: r for r in teun.data["roles"]}
    assert set(roles) == {"r-lelystad-raadslid-2018-a", "r-lelystad-wethouder-2022-a", "r-lelystad-wethouder-2026-a",
                          "r-vgn-bestuur-lid-2026-a", "r-vgn-commissie-milieu-lid-2022-a",
                          "r-vgn-commissie-milieu-lid-2026-a", "r-vgn-commissie-milieu-voorzitter-2026"}
    chair = roles["r-vgn-commissie-milieu-voorzitter-2026"]
    assert chair["organisation"] == {"id": "vgn-commissie-milieu", "name": "VGN-commissie Milieu"}
    assert chair["function"]["id"] == "voorzitter" and chair["current"] and chair["start"] == "2026-09-01"
    board = roles["r-vgn-bestuur-lid-2026-a"]
    assert board["organisation"]["name"] == "Bestuur VGN" and board["current"]
    old = roles["r-lelystad-wethouder-2022-a"]
    assert (old["start"], old["end"], old["current"]) == ("2022-06-02", "2026-05-13", False)
    assert old["party"]["id"] == "polderpartij-lelystad"


def test_interactions_requests_subscriptions_consents_and_notes(teun):
    interactions = {i["id"]: i for i in teun.data["interactions"]}
    assert len(interactions) == 5
    board = interactions["i-2026-09-10-bestuursvergadering"]
    assert board["date"] == "2026-09-10" and board["kind"] == "meeting"
    assert board["other_people"] == 2 and board["roles"] == ["r-vgn-bestuur-lid-2026-a"]
    assert "jaarplan 2027" in board["summary"] and board["purpose"]["id"] == "meeting-records"
    assert interactions["i-2026-10-01-heat-network"]["request"] == "q-2026-0003"
    [request] = teun.data["requests"]
    assert request["id"] == "q-2026-0003" and request["title"] == "Regionale pilot warmtenetten Flevoland"
    assert request["received"] == "2026-02-10" and request["stage"] == "approved"
    assert [s["stage"] for s in request["stages"]] == ["received", "triage", "proposal", "approved"]
    assert "note" not in json.dumps(request["stages"])  # staff notes stay out
    assert teun.data["subscriptions"] == [{"list": "weekly-digest", "title": "VGN Weekoverzicht",
                                           "purpose": "newsletter"}]
    [consent] = teun.data["consents"]
    assert consent["purpose"] == "newsletter" and consent["given"] == "2024-05-14"
    assert consent["wording_text"].startswith("Ja, ik wil het VGN Weekoverzicht")
    assert [n["date"] for n in teun.data["notes"]] == ["2026-09-01", "2026-10-01"]


def test_each_purpose_with_legal_basis_retention_and_art_15_details(teun):
    purposes = {p["purpose"]: p for p in teun.data["purposes"]}
    assert set(purposes) == {"office-holders", "member-services", "newsletter"}
    for item in purposes.values():
        assert item["title"] and item["legal_basis"]["name"] and item["legal_basis"]["article"].startswith("artikel 6")
        assert item["retention"]["text"] and item["recipients"] and item["data_categories"]
        assert item["processors"] and all(p["name"] and p["country"] for p in item["processors"])
        assert item["source"]["label"]
    office = purposes["office-holders"]
    assert office["legal_basis"]["code"] == "legitimate-interests" and office["legitimate_interest"]
    assert office["retention"]["text"] == "2 jaar na het einde van de laatste rol, daarna verwijderd"
    assert office["retention"]["ends"] is None  # roles still open: the period has not started
    assert office["source"] == {"id": "public-register", "from_person": False,
                                "label": "Openbare bron (raadsinformatie, Staatscourant)"}
    assert office["notified"] == "2018-04-19"
    assert office["special_categories"][0]["code"] == "political-opinion" and office["article9_exception"]["article"]
    assert purposes["newsletter"]["legal_basis"]["code"] == "consent"
    assert teun.data["automated_decision_making"] is False
    assert {r["right"] for r in teun.data["rights"]} >= {"rectification", "erasure", "restriction", "objection",
                                                         "complaint"}


def other_people(model):
    for person in model.of("people"):
        if person.id != TEUN:
            yield person.id, full_name(person.get("name")), [e["address"] for e in person.get("emails") or []]


@pytest.mark.parametrize("output_format", ["json", "html", "vcard"])
def test_nothing_of_other_people(model, teun, output_format):
    text = {"json": render_json, "html": render_html, "vcard": render_vcard}[output_format](teun)
    folded = " ".join(text.casefold().split())
    checked = 0
    for person_id, name, emails in other_people(model):
        assert person_id not in text, person_id
        if name:
            assert name.casefold() not in folded, person_id
        for email in emails:
            assert email.casefold() not in folded, person_id
        checked += 1
    assert checked > 20


def test_another_persons_name_in_free_text_is_replaced(example_git_repo):
    root = example_git_repo.root
    path = root / "records/people" / f"{TEUN}.yaml"
    other = root / "records/people/p-8zvpfv.yaml"
    other_name = full_name(load_model(example_git_repo, TODAY).get("people", "p-8zvpfv").get("name"))
    path.write_text(path.read_text().replace("Wil graag meedenken",
                                             f"Belde met {other_name.upper()} over; wil graag meedenken"))
    result = run(example_git_repo, TEUN)
    assert result.exit_code == 0, result.output
    assert other.exists() and other_name.casefold() not in result.output.casefold()
    assert f"Belde met {ANOTHER_PERSON} over" in result.output


def test_another_persons_phone_number_in_free_text_is_replaced(example_git_repo):
    model = load_model(example_git_repo, TODAY)
    other = next(p for p in model.of("people") if p.id != TEUN and p.get("phones"))
    number = other.get("phones")[0]["number"]
    local = "0" + number.replace(" ", "")[3:]  # "+31 6 1234..." written as "0612 34..."
    path = example_git_repo.root / "records/people" / f"{TEUN}.yaml"
    path.write_text(path.read_text().replace("Wil graag meedenken",
                                             f"Bel ook {local[:4]} {local[4:]}; wil graag meedenken"))
    result = run(example_git_repo, TEUN)
    assert result.exit_code == 0, result.output
    assert local[4:] not in result.output and f"Bel ook {ANOTHER_PERSON};" in result.output
    assert "+31 6 12345644" in result.output  # his own number stays


def test_a_profiling_purpose_means_automated_decisions_are_mentioned(example_git_repo):
    path = example_git_repo.root / "records/purposes/newsletter.yaml"
    path.write_text(path.read_text().replace("profiling: false", "profiling: true"))
    data = json.loads(run(example_git_repo, TEUN).output)
    assert data["automated_decision_making"] is True
    assert [p["purpose"] for p in data["purposes"] if p["profiling"]] == ["newsletter"]


def test_interactions_say_how_long_they_are_kept(teun):
    kept = {i["id"]: i["kept_until"] for i in teun.data["interactions"]}
    assert kept["i-2025-06-12-commissie-milieu"] is not None
    assert all(v is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) for v in kept.values())


def test_an_unwritable_out_file_fails_with_its_name(example_git_repo, tmp_path):
    result = run(example_git_repo, TEUN, "--out", str(tmp_path / "missing" / "teun.json"))
    assert result.exit_code == 1
    assert "teun.json" in result.output and "Traceback" not in result.output


def test_an_export_is_never_written_among_the_records(example_git_repo):
    target = example_git_repo.root / "records/people/teun-export.json"
    result = run(example_git_repo, TEUN, "--out", str(target))
    assert result.exit_code == 2 and "records/" in result.output
    assert not target.exists()


def test_json_round_trips_and_is_utf8(example_git_repo, tmp_path):
    out = tmp_path / "teun.json"
    result = run(example_git_repo, TEUN, "--format", "json", "--out", str(out))
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    data = json.loads(raw.decode("utf-8"))
    assert "vóór juni".encode("utf-8") in raw  # UTF-8 as it is, not \\u escapes
    assert json.loads(json.dumps(data)) == data
    assert data["format"] == "crmtool-subject-export" and data["person"]["id"] == TEUN
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["start"]) for r in data["roles"])
    assert not list(tmp_path.glob(".teun.json.*"))  # no temporary file left


def test_out_inside_the_repository_goes_through_one_atomic_change(example_git_repo):
    written = example_git_repo.root / "build/exports/teun.json"
    result = run(example_git_repo, TEUN, "--out", str(written))
    assert result.exit_code == 0, result.output
    assert json.loads(written.read_text(encoding="utf-8"))["person"]["id"] == TEUN
    assert not (example_git_repo.root / "build/crmtool-change.json").exists()


def test_html_escapes_a_planted_script(example_git_repo):
    path = example_git_repo.root / "records/people" / f"{TEUN}.yaml"
    path.write_text(path.read_text().replace("Wil graag meedenken", "<script>alert(1)</script> wil graag meedenken"))
    result = run(example_git_repo, TEUN, "--format", "html")
    assert result.exit_code == 0, result.output
    assert "<script>" not in result.output
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result.output
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", result.output)  # no external resources


def test_the_persons_language_chooses_the_html_language(example_git_repo):
    dutch = run(example_git_repo, TEUN, "--format", "html").output
    assert '<html lang="nl">' in dutch and "Verwijdering (artikel 17)" in dutch \
        and "<h1>Uw persoonsgegevens</h1>" in dutch
    path = example_git_repo.root / "records/people" / f"{TEUN}.yaml"
    path.write_text(path.read_text().replace("emails:", "language: en\nemails:", 1))
    english = run(example_git_repo, TEUN, "--format", "html").output
    assert '<html lang="en">' in english and "Erasure (Article 17)" in english \
        and "<h1>Your personal data</h1>" in english
    assert "Office holders and officials of member municipalities" in english


def test_every_example_person_exports_in_every_format(model):
    for person in model.of("people"):
        result = export(model, person.id, TODAY)
        assert json.loads(render_json(result))["person"]["id"] == person.id
        assert person.id in render_html(result)
        assert vobject.readOne(render_vcard(result)).uid.value == f"urn:crmtool:{person.id}"


def test_a_sparse_record_still_exports(base_repo):
    (base_repo.root / "records/people/p-sparse1.yaml").write_text(
        "name: {family: Dijkstra}\nemails: [{address: d@example.org}]\nphones: [{number: '+31 6 11111111'}]\n"
        "addresses: [{city: Almere}]\npurposes: [{purpose: nonexistent}]\nowner: x\n")
    model = load_model(base_repo, TODAY)
    result = export(model, "p-sparse1", TODAY)
    page = render_html(result)
    assert "d@example.org" in page and "Almere" in page
    assert vobject.readOne(render_vcard(result)).fn.value == "Dijkstra"
    assert result.data["purposes"][0]["title"] is None


def test_vcard_parses_back_with_vobject(teun):
    text = render_vcard(teun)
    assert text.startswith("BEGIN:VCARD\r\nVERSION:4.0\r\n") and text.endswith("END:VCARD\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    card = vobject.readOne(text, validate=True)
    assert card.version.value == "4.0" and card.fn.value == "Teun Jansen"
    assert (card.n.value.family, card.n.value.given) == ("Jansen", "Teun")
    assert [e.value for e in card.contents["email"]] == ["t.jansen@lelystad.example.nl"]
    assert [t.value for t in card.contents["tel"]] == ["+31 6 12345644"]
    orgs = sorted(o.value[0] for o in card.contents["org"])
    assert orgs == ["Bestuur VGN", "College van burgemeester en wethouders Lelystad",
                    "VGN-commissie Milieu", "VGN-commissie Milieu"]
    titles = sorted(t.value for t in card.contents["title"])
    assert titles == ["Bestuurslid", "Commissielid", "Voorzitter", "Wethouder"]  # only current roles


def test_vcard_escapes_and_folds_by_rfc_6350():
    assert escape_value("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    line = "NOTE:" + "é" * 60
    folded = fold(line)
    assert all(len(part.encode("utf-8")) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
    card = vobject.readOne("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:x\r\n" + fold("NOTE:" + escape_value("a, b; c\nd" * 20))
                           + "\r\nEND:VCARD\r\n")
    assert card.note.value == "a, b; c\nd" * 20


def test_an_address_goes_into_adr_and_the_html(example_git_repo):
    path = example_git_repo.root / "records/people" / f"{TEUN}.yaml"
    path.write_text(path.read_text().replace(
        "purposes:",
        "addresses:\n"
        "- {kind: work, street: Stadhuisplein, number: '2', postcode: 8232 ZX, city: Lelystad, country: NL}\n"
        "purposes:", 1))
    result = run(example_git_repo, TEUN, "--format", "vcard")
    card = vobject.readOne(result.output)
    address = card.adr.value
    assert (address.street, address.city, address.code, address.country) == (
        "Stadhuisplein 2", "Lelystad", "8232 ZX", "NL")
    page = run(example_git_repo, TEUN, "--format", "html")
    assert page.exit_code == 0, page.output
    assert "<td>Stadhuisplein 2, 8232 ZX Lelystad NL</td>" in page.output
    assert "(mobiel)" in page.output or "(mobile)" in page.output


def test_the_full_name_finds_the_person(example_git_repo):
    result = run(example_git_repo, "teun  JANSEN")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["person"]["id"] == TEUN


def test_an_unknown_person_is_bad_usage(example_git_repo):
    result = run(example_git_repo, "p-nobody")
    assert result.exit_code == 2
    assert "p-nobody" in result.output and "Traceback" not in result.output


def test_a_real_subprocess_writes_html(example_git_repo, tmp_path):
    out = tmp_path / "teun.html"
    done = subprocess.run([sys.executable, "-m", "crmtool", "subject", "export", TEUN, "--format", "html",
                           "--out", str(out), *DAY], cwd=example_git_repo.root, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    assert "Teun Jansen" in page and "VGN-commissie Milieu" in page and "<script" not in page
    missing = subprocess.run([sys.executable, "-m", "crmtool", "subject", "export", "p-nobody", *DAY],
                             cwd=example_git_repo.root, capture_output=True, text=True)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_a_person_reads_labels_and_words_not_codes(example_git_repo):
    """Dutch repository: stages, tags and consent purposes as labels; durations in words."""
    result = run(example_git_repo, TEUN, "--format", "html")
    assert result.exit_code == 0, result.output
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", result.output))
    assert "2026-02-10: Binnengekomen" in text and "2026-06-03: Goedgekeurd" in text
    assert ": received" not in text and ": approved" not in text
    assert "Toestemming: VGN Weekoverzicht," in text and "Toestemming: newsletter" not in text
    assert "1 maand na het intrekken van de toestemming" in text
    assert not re.search(r"\bP\d+[YMWD]\b", text)  # no ISO duration reaches the reader


def test_stage_labels_and_consent_titles_are_in_the_json_too(teun):
    [request] = teun.data["requests"]
    assert request["stages"][0] == {"date": "2026-02-10", "stage": "received", "label": "Binnengekomen"}
    assert teun.data["consents"][0]["purpose_title"] == "VGN Weekoverzicht"
    assert teun.data["person"]["tag_labels"] == ["warmtenet"]


def test_a_broken_file_is_named_with_line_and_column_not_missing(example_git_repo):
    path = example_git_repo.root / f"records/people/{TEUN}.yaml"
    path.write_text("name: {given: Teun, family: Jansen\nemails: []\n", encoding="utf-8")
    result = run(example_git_repo, TEUN)
    assert result.exit_code == 1
    assert f"records/people/{TEUN}.yaml:2:" in result.output
    assert "niet" in result.output  # the check's own (Dutch) words for the YAML problem
    assert "no such person" not in result.output and "bestaat niet" not in result.output
