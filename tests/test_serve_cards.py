"""The workspace's cards (issue 17, item 3) and `crmtool query person` / `query organisation`:
a person with roles, contact moment and subscription; Almere as seed 003's municipality
perspective, today and on a day before the 2026 election; a role, a request and a contact
moment; 404 for unknown ids; hostile text escaped; the same values in the terminal.

Expected values are read from the example records' YAML where practical, so the tests say
what the files say rather than copying the page."""
from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from crmtool.cli import cli

from .conftest import PROJECT, git
from .serving import association_copy, signed_in

RECORDS = PROJECT / "records"
TEUN = "p-r5epc6"
BEFORE_ELECTION = "2026-03-01"
"""A day before the council elected in 2026 took office (the roles of 2022 end on 2026-03-31)."""


def record(folder: str, record_id: str) -> dict:
    matches = list((RECORDS / folder).rglob(f"{record_id}.yaml"))
    assert len(matches) == 1, record_id
    return yaml.safe_load(matches[0].read_text(encoding="utf-8"))


def roles_where(**wanted) -> dict[str, dict]:
    """The example roles whose fields have the wanted values."""
    found = {}
    for path in sorted((RECORDS / "roles").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if all(data.get(k) == v for k, v in wanted.items()):
            found[path.stem] = data
    return found


def current(data: dict, day: str) -> bool:
    return str(data["start"]) <= day and (data.get("end") is None or day <= str(data["end"]))


def text_of(page: str) -> str:
    """The page as a reader sees it: tags gone, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def section(page: str, heading: str) -> str:
    """The text of the <section> whose heading starts with `heading`."""
    for part in page.split("<section>")[1:]:
        body = text_of(part.split("</section>")[0])
        if body.strip().startswith(heading):
            return body
    raise AssertionError(f"no section {heading!r}")


@pytest.fixture
def association(tmp_path: Path) -> Path:
    return association_copy(tmp_path)


# --- the person -------------------------------------------------------------------------

def test_teun_jansens_card_lists_his_roles_contact_moment_and_subscription(association):
    person = record("people", TEUN)
    with signed_in(association) as client:
        answer = client.get(f"/people/{TEUN}?lang=en")
    assert answer.status_code == 200
    page = text_of(answer.text)
    assert "Teun Jansen" in page and TEUN in page
    for email in person["emails"]:
        assert email["address"] in page
    for phone in person["phones"]:
        assert phone["number"] in page
    roles = section(answer.text, "Roles")
    held = roles_where(person=TEUN)
    assert len(held) >= 5
    for role_id in held:  # current and past alike, each linked
        assert role_id in roles and f'href="/roles/{role_id}"' in answer.text
    assert "Deputy mayor" in roles and "Environment" in roles  # labels in the page's language
    assert 'href="/organisations/gemeente-lelystad-college"' in answer.text
    moments = section(answer.text, "Contact moments")
    assert "i-2026-04-20-warmtenet-lelystad" in moments
    assert moments.index("2026-10-01") < moments.index("2026-04-20") < moments.index("2025-06-12")  # newest first
    assert "weekly-digest" in section(answer.text, "Tags")
    assert all(note["text"] in page for note in person["notes"])
    assert "q-2026-0003" in section(answer.text, "Requests")


def test_a_restriction_and_objections_show_first_on_the_card(association):
    path = association / "records" / "people" / f"{TEUN}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "restrictions: [{since: 2026-10-01, until: null, ground: accuracy-contested}]\n"
                    "objections: [{scope: direct-marketing, date: 2026-10-05}, {scope: events, date: 2027-01-01}]\n",
                    encoding="utf-8")
    with signed_in(association) as client:
        page = text_of(client.get(f"/people/{TEUN}?lang=en").text)
    assert ("Restricted since 2026-10-01 (Art. 18): keep this person's data, but do not use, export or "
            "publish it.") in page
    assert "Objected to direct marketing on 2026-10-05 (Art. 21)." in page
    assert "2027-01-01" not in page  # an objection from a later day is not in force yet
    assert page.index("Restricted since") < page.index("Contact details")


def test_a_card_without_restriction_or_objection_says_nothing_of_them(association):
    with signed_in(association) as client:
        page = text_of(client.get(f"/people/{TEUN}?lang=en").text)
    assert "Restricted since" not in page and "Objected to" not in page


def test_the_persons_purposes_show_their_legal_basis_and_retention(association):
    with signed_in(association) as client:
        purposes = section(client.get(f"/people/{TEUN}?lang=en").text, "Purposes")
    assert "Legitimate interests" in purposes and "Article 6(1)(a) GDPR" in purposes
    assert "2 years after the last role ended, then deleted" in purposes
    assert "not running yet" in purposes  # his roles are open: the period has not started
    assert "newsletter-v2" in purposes  # the consent


def test_retention_ends_on_a_day_once_the_last_role_ended(association):
    """A person whose roles all ended: the office-holders' period runs from the last end."""
    path = association / "records" / "people" / f"{TEUN}.yaml"
    for role_file in (association / "records" / "roles").glob("*.yaml"):
        data = yaml.safe_load(role_file.read_text(encoding="utf-8"))
        if data.get("person") == TEUN:
            role_file.unlink()
    assert path.exists()
    (association / "records" / "roles" / "r-only.yaml").write_text(
        "person: p-r5epc6\norganisation: gemeente-lelystad-raad\nfunction: raadslid\n"
        "start: 2018-03-29\nend: 2022-03-29\npublic: true\n", encoding="utf-8")
    with signed_in(association) as client:
        purposes = section(client.get(f"/people/{TEUN}?lang=en").text, "Purposes")
    assert "2024-03-29" in purposes  # two years after 2022-03-29


def test_the_card_speaks_dutch_by_default(association):
    with signed_in(association) as client:
        page = client.get(f"/people/{TEUN}").text
    assert '<html lang="nl">' in page
    assert "Contactmomenten" in page and "Loco-burgemeester" in page and "Rollen" in page


def test_the_history_comes_from_git_and_is_left_out_without_it(association):
    with signed_in(association) as client:
        page = client.get(f"/people/{TEUN}?lang=en").text
        assert "<h2>Roles</h2>" in page and "<h2>History</h2>" not in page  # not a git repository
    git(association, "init", "-q", "-b", "main")
    git(association, "add", "-A")
    git(association, "commit", "-q", "-m", "Example records")
    path = association / "records" / "people" / f"{TEUN}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("tags: [warmtenet]", "tags: [warmtenet, g40]"),
                    encoding="utf-8")
    git(association, "commit", "-q", "-am", "Tag added")
    with signed_in(association) as client:
        trail = section(client.get(f"/people/{TEUN}?lang=en").text, "History")
    assert trail.index("Tag added") < trail.index("Example records")
    assert "changed: tags" in trail and "record added" in trail


def test_unknown_ids_are_404(association):
    with signed_in(association) as client:
        for path in ("/people/p-nobody", "/organisations/gemeente-nergens", "/roles/r-none",
                     "/requests/q-none", "/interactions/i-none", "/people/gemeente-almere"):
            answer = client.get(path)
            assert answer.status_code == 404, path
        assert client.get("/organisations/gemeente-almere?on=yesterday").status_code == 400


def test_hostile_text_in_a_record_is_escaped(association):
    path = association / "records" / "people" / f"{TEUN}.yaml"
    hostile = '<script>alert(1)</script>'
    path.write_text(path.read_text(encoding="utf-8").replace(
        "text: Wil graag meedenken over de warmtenetpilot in Flevoland.",
        f"text: '{hostile} \" onmouseover=\"x'"), encoding="utf-8")
    moment = association / "records" / "interactions" / "2026" / "i-2026-04-20-warmtenet-lelystad.yaml"
    moment.write_text(moment.read_text(encoding="utf-8").replace(
        "Projectvoorstel voor", "<img src=x onerror=alert(2)> Projectvoorstel voor"), encoding="utf-8")
    with signed_in(association) as client:
        for url in (f"/people/{TEUN}", "/interactions/i-2026-04-20-warmtenet-lelystad",
                    "/organisations/gemeente-lelystad"):
            page = client.get(url).text
            assert "<script>alert" not in page and "<img src=x" not in page, url
        page = client.get(f"/people/{TEUN}").text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("path", [f"/people/{TEUN}", "/organisations/gemeente-almere",
                                  "/roles/r-lelystad-wethouder-2026-a", "/requests/q-2026-0003",
                                  "/requests/dsr-2026-0002", "/interactions/i-2026-04-20-warmtenet-lelystad",
                                  "/organisations/g40"])
def test_cards_have_no_inline_script_or_style(association, path):
    with signed_in(association) as client:
        page = client.get(path).text
    assert not re.search(r"\sstyle=|\son[a-z]+=|<style", page), path
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), path


# --- the organisation -------------------------------------------------------------------

def almere_council(day: str) -> dict[str, int]:
    """Seats by party in Almere's council on `day`, counted from the role files."""
    seats: dict[str, int] = {}
    for data in roles_where(organisation="gemeente-almere-raad", function="raadslid").values():
        if current(data, day):
            seats[data["party"]] = seats.get(data["party"], 0) + 1
    return seats


def test_almere_shows_mayor_aldermen_with_portfolios_seats_and_place_names(association):
    almere = record("organisations", "gemeente-almere")
    with signed_in(association) as client:
        answer = client.get("/organisations/gemeente-almere?lang=en")
    assert answer.status_code == 200
    board = section(answer.text, "Executive board on 2026-11-24")
    mayor = [r for r in roles_where(organisation="gemeente-almere-college", function="burgemeester").values()
             if current(r, "2026-11-24")]
    assert len(mayor) == 1 and mayor[0]["person"] in board and "Mayor" in board
    aldermen = {k: r for k, r in roles_where(organisation="gemeente-almere-college", function="wethouder").items()
                if current(r, "2026-11-24")}
    assert aldermen and all(role_id in board for role_id in aldermen)
    assert "Finance" in board and "Housing" in board and "Deputy mayor" in board
    council = section(answer.text, "Council on 2026-11-24")
    seats = almere_council("2026-11-24")
    assert f"{sum(seats.values())} seats" in council
    for party, count in seats.items():
        assert re.search(rf"{re.escape(party)} {count}\b", council), party
    page = text_of(answer.text)
    for place in almere["places"]:
        assert place in section(answer.text, "Contact details")
    assert almere["identifiers"]["cbs"] in page and "Population (Statistics Netherlands)" in page
    assert "Griffie Almere" in page and "Dennis Vlaar" in page  # the secretariat and who works there
    memberships = section(answer.text, "Memberships")
    assert "G40-stedennetwerk" in memberships and "Veiligheidsregio Flevoland" in memberships
    assert "vgn-commissie-financien" in memberships  # through the alderman's seat, on behalf of Almere
    assert "Bram Hoekstra" in section(answer.text, "Colleagues in contact")


def test_a_day_before_the_election_shows_that_days_council(association):
    before, now = almere_council(BEFORE_ELECTION), almere_council("2026-11-24")
    assert before != now
    with signed_in(association) as client:
        council = section(client.get(f"/organisations/gemeente-almere?on={BEFORE_ELECTION}&lang=en").text,
                          f"Council on {BEFORE_ELECTION}")
    assert f"{sum(before.values())} seats" in council
    for party, count in before.items():
        assert re.search(rf"{re.escape(party)} {count}\b", council), party
    old = [k for k, r in roles_where(organisation="gemeente-almere-raad").items() if current(r, BEFORE_ELECTION)]
    new = [k for k, r in roles_where(organisation="gemeente-almere-raad").items()
           if not current(r, BEFORE_ELECTION) and current(r, "2026-11-24")]
    assert old and new and all(k in council for k in old) and not any(k in council for k in new)


def test_a_partnership_lists_its_members_and_contact_persons(association):
    with signed_in(association) as client:
        members = section(client.get("/organisations/g40?lang=en").text, "Members on")
    for role in roles_where(organisation="g40", function="lid").values():
        assert role["member_organisation"] in members
    assert "Dennis Vlaar" in members


def test_the_organisation_page_shows_its_sub_organisations_as_a_tree(association):
    with signed_in(association) as client:
        page = client.get("/organisations/gemeente-almere").text
    tree = page.split('<ul class="tree">')[1].split("</ul>\n</section>")[0]
    children = [p.stem for p in (RECORDS / "organisations").glob("*.yaml")
                if yaml.safe_load(p.read_text(encoding="utf-8")).get("parent") == "gemeente-almere"]
    assert len(children) == 4 and all(f'href="/organisations/{c}"' in tree for c in children)


# --- the role, the request and the contact moment ---------------------------------------

def test_a_role_shows_what_it_is_held_on_behalf_of_and_what_is_held_on_its_behalf(association):
    chair = record("roles", "r-vgn-commissie-milieu-voorzitter-2026")
    with signed_in(association) as client:
        page = client.get("/roles/r-vgn-commissie-milieu-voorzitter-2026?lang=en").text
    on_behalf = section(page, "Held on behalf of")
    assert chair["on_behalf_of"] in on_behalf
    held = roles_where(on_behalf_of="r-vgn-commissie-milieu-voorzitter-2026")
    assert held and all(role_id in on_behalf for role_id in held)
    assert "Teun Jansen" in text_of(page) and TEUN in text_of(page)


def test_a_request_shows_its_stages_with_dates(association):
    request = record("requests", "q-2026-0003")
    with signed_in(association) as client:
        page = client.get("/requests/q-2026-0003?lang=en").text
    stages = section(page, "Stages")
    for step in request["history"]:
        assert str(step["date"]) in stages
    assert "Proposal" in stages and "Chantal Ouali" in stages
    assert str(request["follow_up"]) in text_of(page) and "Energy transition" in text_of(page)
    assert "Deadline" not in text_of(page)  # a project has none


def test_a_data_subject_request_shows_its_deadline(association):
    request = record("requests", "dsr-2026-0002")
    with signed_in(association) as client:
        page = client.get("/requests/dsr-2026-0002?lang=en").text
    assert str(request["received"]) == "2026-06-03"
    deadline = section(page, "Deadline")
    assert "Due on 2026-07-03" in deadline and "Answered on 2026-06-18" in deadline


def test_a_contact_moment_links_who_took_part(association):
    moment = record("interactions", "i-2026-04-20-warmtenet-lelystad")
    with signed_in(association) as client:
        page = client.get("/interactions/i-2026-04-20-warmtenet-lelystad?lang=en").text
    for person in moment["people"]:
        assert f'href="/people/{person}"' in page
    for role in moment["roles"]:
        assert f'href="/roles/{role}"' in page
    assert "Chantal Ouali" in page and "Member services" in page and 'href="/requests/q-2026-0003"' in page


# --- the terminal -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cards") / "repo"
    shutil.copytree(RECORDS, root / "records")
    shutil.copy(PROJECT / "crmtool.yaml", root / "crmtool.yaml")
    return root


def run(repo: Path, *args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, [*args, "--root", str(repo)], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def test_query_person_adds_contact_details_notes_tags_and_contact_moments(repo):
    person = record("people", TEUN)
    output = run(repo, "query", "person", TEUN)
    assert person["emails"][0]["address"] in output and person["phones"][0]["number"] in output
    assert "warmtenet" in output and person["notes"][1]["text"] in output
    assert "i-2026-04-20-warmtenet-lelystad" in output
    assert output.index("r-lelystad-wethouder-2026-a") < output.index(person["emails"][0]["address"])
    rows = json.loads(run(repo, "query", "person", TEUN, "--format", "json"))
    assert {r["kind"] for r in rows} == {"role", "list", "request"}  # the JSON keeps its rows


def test_query_organisation_as_table_and_json(repo):
    table = run(repo, "query", "organisation", "Almere")
    assert "Marieke Bosveld" in table and "GM0034" in table and "Almeerse Buurtlijst" in table
    card = json.loads(run(repo, "query", "organisation", "GM0034", "--format", "json", "--on", BEFORE_ELECTION))
    assert card["id"] == "gemeente-almere" and card["on"] == BEFORE_ELECTION
    assert {s["party"]: s["seats"] for s in card["seats"]} == almere_council(BEFORE_ELECTION)
    assert [m["role"] for m in card["mayor"]] == ["r-almere-burgemeester-2021"]
    assert {a["role"] for a in card["aldermen"]} == {
        k for k, r in roles_where(organisation="gemeente-almere-college", function="wethouder").items()
        if current(r, BEFORE_ELECTION)}
    assert card["places"] == record("organisations", "gemeente-almere")["places"]


def test_query_organisation_unknown_is_a_usage_error_with_a_suggestion(repo):
    output = run(repo, "query", "organisation", "gemeente-almeer", code=2)
    assert "gemeente-almere" in output and "Traceback" not in output


def test_query_organisation_exit_codes_in_a_real_process(repo):
    def crmtool(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "crmtool", "query", "organisation", *args, "--root", str(repo)],
                              capture_output=True, text=True)
    found = crmtool("g40", "--format", "json")
    assert found.returncode == 0 and json.loads(found.stdout)["kind"] == "partnership"
    missing = crmtool("nergens")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr and missing.stdout == ""
