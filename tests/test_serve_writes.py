"""The workspace's writes (issue 18): form tokens, stale forms, the actions on cards, commits
on the work branch, and the team sign-in.

Each test works on a git copy of the association's example records (the repository's own
records/), with git's user.email set to Anna's, so Anna is the colleague signed in.
"""
from __future__ import annotations

import datetime as dt
import html
import subprocess
import sys
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
import yaml
from starlette.testclient import TestClient

from crmtool.load.repo import Repository
from crmtool.serve.app import create_app
from crmtool.serve.security import Keys, TeamSignIn
from crmtool.serve.workspace import Workspace

from .conftest import TODAY, git
from .serving import HOST, TOKEN, association_copy, repository, signed_in

REQUEST = "records/requests/q-2026-0012.yaml"
ALDERMAN = "r-lelystad-wethouder-2026-a"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return repository(association_copy(tmp_path), "Anna Veldkamp", "anna.veldkamp@vgn.example.nl")


def form_of(page: str, action: str) -> dict[str, str]:
    """The hidden fields of the form that posts to `action` on `page`."""
    found = re.search(r'<form method="post" action="' + re.escape(action) + r'".*?</form>', page, re.S)
    assert found, f"no form for {action}"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', found.group(0)))


def log(root: Path, *args: str) -> str:
    return git(root, "log", "--format=%an <%ae>|%s", *args)


def test_a_write_without_the_form_token_is_refused_and_changes_nothing(repo):
    before = (repo / REQUEST).read_bytes()
    with signed_in(repo) as client:
        card = client.get("/requests/q-2026-0012").text
        fields = form_of(card, "/requests/q-2026-0012/assign")
        missing = client.post("/requests/q-2026-0012/assign", data={"version": fields["version"], "assignee": "anna"})
        wrong = client.post("/requests/q-2026-0012/assign",
                            data={**fields, "csrf": "0" * 64, "assignee": "anna"})
        get = client.get("/requests/q-2026-0012/assign")
    assert missing.status_code == 403 and wrong.status_code == 403
    assert "Veldkamp" not in missing.text
    assert get.status_code in (404, 405)
    assert (repo / REQUEST).read_bytes() == before
    assert len(log(repo).splitlines()) == 1  # still the one commit


def test_handing_a_request_over_is_one_commit_on_the_work_branch(repo):
    with signed_in(repo) as client:
        fields = form_of(client.get("/requests/q-2026-0012").text, "/requests/q-2026-0012/assign")
        answer = client.post("/requests/q-2026-0012/assign", data={**fields, "assignee": "bram", "note": "Vakantie"})
        assert answer.status_code == 303
        assert answer.headers["location"] == "/requests/q-2026-0012?done=assign"
        card = client.get(answer.headers["location"]).text
    assert "Het verzoek is overgedragen." in card
    data = yaml.safe_load((repo / REQUEST).read_text(encoding="utf-8"))
    assert data["assignee"] == "bram" and data["history"][-1]["note"] == "Vakantie"
    assert git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip().startswith("workspace/")
    assert git(repo, "log", "-1", "--format=%s", "main").strip() == "Example records"
    last = log(repo, "-1").strip()
    assert last.startswith("Anna Veldkamp <anna.veldkamp@vgn.example.nl>|Workspace: ")
    assert "q-2026-0012" in last and "Veldkamp" not in last.split("|", 1)[1]
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == [REQUEST]


def test_a_stale_form_is_refused_and_what_was_typed_stays(repo):
    with signed_in(repo) as client:
        fields = form_of(client.get("/requests/q-2026-0012").text, "/requests/q-2026-0012/assign")
        path = repo / REQUEST
        path.write_text(path.read_text(encoding="utf-8").replace("follow_up: 2026-11-20", "follow_up: 2026-11-27"),
                        encoding="utf-8")
        changed = path.read_bytes()
        answer = client.post("/requests/q-2026-0012/assign",
                             data={**fields, "assignee": "bram", "note": "Overgedragen wegens verlof"})
    assert answer.status_code == 409
    assert "gewijzigd sinds je het opende" in answer.text
    assert 'value="Overgedragen wegens verlof"' in answer.text
    assert path.read_bytes() == changed


def test_a_refusal_of_the_core_shows_on_the_card(repo):
    with signed_in(repo) as client:
        fields = form_of(client.get("/requests/q-2026-0012").text, "/requests/q-2026-0012/assign")
        answer = client.post("/requests/q-2026-0012/assign", data={**fields, "assignee": "chantal"})
    assert answer.status_code == 409 and "chantal" in answer.text
    assert 'class="problem"' in answer.text


def test_a_form_too_large_is_refused_before_it_is_read(repo):
    with signed_in(repo) as client:
        answer = client.post("/requests/q-2026-0012/assign", content=b"x" * (3 * 2 ** 20),
                             headers={"content-type": "application/x-www-form-urlencoded"})

        def chunks():
            yield b"assignee=bram&"
            yield b"x" * 1024
        chunked = client.post("/requests/q-2026-0012/assign", content=chunks(),
                              headers={"content-type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 413
    assert chunked.status_code == 413  # a body of unknown length is not read either


def test_ending_the_alderman_ends_what_is_held_on_its_behalf(repo):
    with signed_in(repo) as client:
        preview = client.get(f"/roles/{ALDERMAN}/end", params={"on": "2026-12-01", "reason": "resigned"})
        assert preview.status_code == 200, preview.text
        for role in ("r-vgn-commissie-milieu-lid-2026-a", "r-vgn-commissie-milieu-voorzitter-2026",
                     "r-vgn-bestuur-lid-2026-a"):
            assert role in preview.text
        fields = form_of(preview.text, f"/roles/{ALDERMAN}/end")
        done = client.post(f"/roles/{ALDERMAN}/end", data=fields)
    assert done.status_code == 303, done.text
    for role in (ALDERMAN, "r-vgn-commissie-milieu-lid-2026-a", "r-vgn-bestuur-lid-2026-a"):
        ended = yaml.safe_load((repo / f"records/roles/{role}.yaml").read_text(encoding="utf-8"))
        assert ended["end"] == dt.date(2026, 12, 1)
    person = yaml.safe_load((repo / "records/people/p-r5epc6.yaml").read_text(encoding="utf-8"))
    assert person.get("subscriptions")  # his newsletter stays
    assert len(git(repo, "show", "--name-only", "--format=", "HEAD").split()) == 4


def test_a_copy_of_a_persons_data_is_a_download_named_by_id(repo):
    with signed_in(repo) as client:
        card = client.get("/people/p-r5epc6").text
        fields = form_of(card, "/people/p-r5epc6/export")
        answer = client.post("/people/p-r5epc6/export", data={**fields, "format": "json"})
    assert answer.status_code == 200
    disposition = answer.headers["content-disposition"]
    assert "p-r5epc6" in disposition and "Jansen" not in disposition
    assert "Jansen" in answer.text


def test_erasing_a_person_asks_for_the_id_then_erases_and_commits(repo):
    person = repo / "records/people/p-r5epc6.yaml"
    with signed_in(repo) as client:
        preview = client.get("/people/p-r5epc6/erase")
        assert preview.status_code == 200 and "p-r5epc6" in preview.text
        fields = form_of(preview.text, "/people/p-r5epc6/erase")
        unconfirmed = client.post("/people/p-r5epc6/erase", data={**fields, "confirm": "p-other"})
        assert unconfirmed.status_code == 400 and person.exists()
        done = client.post("/people/p-r5epc6/erase", data={**fields, "confirm": "p-r5epc6"})
    assert done.status_code == 303, done.text
    assert not person.exists()
    subject = git(repo, "log", "-1", "--format=%s").strip()
    assert "p-r5epc6" in subject and "Jansen" not in subject


def test_outside_git_a_write_is_refused_before_anything_is_written(tmp_path):
    root = association_copy(tmp_path)
    before = (root / REQUEST).read_bytes()
    with signed_in(root) as client:
        fields = form_of(client.get("/requests/q-2026-0012").text, "/requests/q-2026-0012/assign")
        answer = client.post("/requests/q-2026-0012/assign", data={**fields, "assignee": "bram"})
    assert answer.status_code == 409 and 'class="problem"' in answer.text
    assert (root / REQUEST).read_bytes() == before


@contextmanager
def team(root: Path) -> Iterator[TestClient]:
    """The workspace behind a team's proxy: the TestClient's own address is the proxy."""
    workspace = Workspace(Repository(root), lambda: TODAY, watch=False)
    app = create_app(workspace, Keys(TOKEN), {HOST}, TeamSignIn(frozenset({"testclient"}), b"x-forwarded-email"))
    try:
        with TestClient(app, base_url="http://crm.example.org", follow_redirects=False) as client:
            yield client
    finally:
        workspace.close()


def test_behind_the_teams_proxy_each_colleague_signs_their_own_commits(repo):
    staff = yaml.safe_load((repo / "records/staff/bram.yaml").read_text(encoding="utf-8"))
    bram = {"x-forwarded-email": staff["email"]}
    with team(repo) as client:
        assert client.get("/").status_code == 401
        assert client.get("/", headers={"x-forwarded-email": "nobody@example.org"}).status_code == 403
        card = client.get("/requests/q-2026-0012", headers=bram)
        assert card.status_code == 200
        fields = form_of(card.text, "/requests/q-2026-0012/assign")
        answer = client.post("/requests/q-2026-0012/assign", data={**fields, "assignee": "anna"}, headers=bram)
    assert answer.status_code == 303, answer.text
    assert log(repo, "-1").startswith(f"{staff['name']} <{staff['email']}>|")


def test_behind_the_teams_proxy_no_other_address_may_ask(repo):
    workspace = Workspace(Repository(repo), lambda: TODAY, watch=False)
    app = create_app(workspace, Keys(TOKEN), {HOST}, TeamSignIn(frozenset({"10.0.0.7"}), b"x-forwarded-email"))
    try:
        with TestClient(app, base_url="http://crm.example.org") as client:
            answer = client.get(f"/?token={TOKEN}", headers={"x-forwarded-email": "anna"})
    finally:
        workspace.close()
    assert answer.status_code == 403


def test_the_changes_page_lists_what_was_kept_and_proposing_says_what_to_run(repo):
    with signed_in(repo) as client:
        assert "main" in client.get("/changes").text
        fields = form_of(client.get("/requests/q-2026-0012").text, "/requests/q-2026-0012/assign")
        client.post("/requests/q-2026-0012/assign", data={**fields, "assignee": "bram"})
        page = client.get("/changes?lang=en").text
        assert "Workspace: " in page and "q-2026-0012" in page
        assert 'action="/changes/propose"' in page
        proposed = client.post("/changes/propose", data=form_of(page, "/changes/propose"))
    assert proposed.status_code == 200
    assert "git push" in proposed.text or "gh pr create" in proposed.text  # no origin here: what to run
    assert 'action="/changes/propose"' not in proposed.text


def test_a_request_moves_through_its_stages_from_the_card(repo):
    with signed_in(repo) as client:
        page = client.get("/requests/q-2026-0012").text
        assert 'name="stage" value="approved"' in page
        answer = client.post("/requests/q-2026-0012/stage",
                             data={**form_of(page, "/requests/q-2026-0012/stage"), "stage": "approved",
                                   "note": "Akkoord van de G40"})
        assert answer.status_code == 303, answer.text
        page = client.get("/requests/q-2026-0012").text
        refused = client.post("/requests/q-2026-0012/stage",
                              data={**form_of(page, "/requests/q-2026-0012/stage"), "stage": "received"})
    assert refused.status_code == 409 and 'class="problem"' in refused.text
    data = yaml.safe_load((repo / REQUEST).read_text(encoding="utf-8"))
    assert data["stage"] == "approved" and data["history"][-1]["note"] == "Akkoord van de G40"
    assert data["history"][-1]["by"] == "anna"


def test_a_note_and_a_tag_from_the_card_keep_the_comments(repo):
    person = repo / "records/people/p-r5epc6.yaml"
    person.write_text(person.read_text(encoding="utf-8").replace("tags: [warmtenet]",
                                                                 "# tags by hand\ntags: [warmtenet]"), encoding="utf-8")
    git(repo, "commit", "-qam", "A comment")
    with signed_in(repo) as client:
        page = client.get("/people/p-r5epc6").text
        noted = client.post("/people/p-r5epc6/note", data={**form_of(page, "/people/p-r5epc6/note"),
                                                           "text": "Belde over het warmtenet."})
        assert noted.status_code == 303, noted.text
        page = client.get("/people/p-r5epc6").text
        tagged = client.post("/people/p-r5epc6/tags", data={**form_of(page, "/people/p-r5epc6/tags"),
                                                            "tag": "energie"})
    text = person.read_text(encoding="utf-8")
    assert "# tags by hand" in text and "Belde over het warmtenet." in text
    assert tagged.status_code == 303, tagged.text  # the association keeps no tags vocabulary
    assert yaml.safe_load(text)["tags"] == ["warmtenet", "energie"]
    assert [line.split("|")[1] for line in log(repo).splitlines()[:2]] == [
        "Workspace: Tag p-r5epc6", "Workspace: Note on p-r5epc6"]


# --- forms -----------------------------------------------------------------------------------

def edit_fields(page: str, action: str) -> list[tuple[str, str]]:
    """Every field of the record form as the browser would send it untouched."""
    found = re.search(r'<form method="post" action="' + re.escape(action) + r'".*?</form>', page, re.S)
    assert found, f"no form for {action}"
    form = found.group(0)
    pairs = []
    for tag in re.findall(r"<input[^>]*>", form):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and (' type="checkbox"' not in tag or " checked" in tag):  # as a browser sends them
            pairs.append((name.group(1), value.group(1) if value else ""))
    for name, body in re.findall(r'<select[^>]*?name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        pairs.append((name, chosen.group(1) if chosen else ""))
    for name, body in re.findall(r'<textarea[^>]*?name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        pairs.append((name, body))
    return [(n, html.unescape(v)) for n, v in pairs]


def test_an_invalid_email_is_refused_at_its_field_then_the_fixed_one_is_one_commit(repo):
    person = repo / "records/people/p-r5epc6.yaml"
    text = person.read_text(encoding="utf-8")
    person.write_text(text.replace("owner: public-affairs", "# kept by hand\nowner: public-affairs"), encoding="utf-8")
    git(repo, "commit", "-qam", "A comment")
    before = person.read_bytes()
    with signed_in(repo) as client:
        page = client.get("/people/p-r5epc6/edit")
        assert page.status_code == 200, page.text
        fields = dict(edit_fields(page.text, "/people/p-r5epc6/edit"))
        assert fields["emails.0.address"] == "t.jansen@lelystad.example.nl"
        bad = client.post("/people/p-r5epc6/edit", data={**fields, "emails.0.address": "t.jansen@@lelystad"})
        assert bad.status_code == 422, bad.text
        assert person.read_bytes() == before
        assert 'value="t.jansen@@lelystad"' in bad.text  # what was typed stays
        assert 'href="#f-emails.0.address"' in bad.text  # the error named at the top, linked to its field
        assert re.search(r'id="f-emails\.0\.address-errors"', bad.text)  # and said at the field
        good = client.post("/people/p-r5epc6/edit",
                           data={**fields, "emails.0.address": "teun.jansen@lelystad.example.nl"})
    assert good.status_code == 303, good.text
    text = person.read_text(encoding="utf-8")
    assert "teun.jansen@lelystad.example.nl" in text and "# kept by hand" in text
    assert subprocess.run([sys.executable, "-m", "crmtool", "fmt", "--check", str(person)], cwd=repo,
                          capture_output=True).returncode == 0
    subject = git(repo, "log", "-1", "--format=%s").strip()
    assert subject == "Workspace: Edit p-r5epc6"


def test_a_new_person_gets_an_id_without_a_name(repo):
    with signed_in(repo) as client:
        page = client.get("/new/people")
        assert page.status_code == 200, page.text
        fields = dict(edit_fields(page.text, "/new/people"))
        fields.update({"name.given": "Fenna", "name.family": "Dijkstra", "emails.0.address": "fenna@example.org",
                       "purposes.0.purpose": "member-services", "purposes.0.since": "2026-11-24",
                       "purposes.0.source": "contact-request", "owner": "member-services"})
        answer = client.post("/new/people", data=fields)
    assert answer.status_code == 303, re.findall(r'class="field-errors"[^>]*>(.*?)</ul>', answer.text, re.S)
    new = answer.headers["location"].split("?")[0].rsplit("/", 1)[1]
    assert new.startswith("p-") and "fenna" not in new and "dijkstra" not in new
    created = yaml.safe_load((repo / f"records/people/{new}.yaml").read_text(encoding="utf-8"))
    assert created["name"]["family"] == "Dijkstra" and created["emails"][0]["address"] == "fenna@example.org"
    assert git(repo, "log", "-1", "--format=%s").strip() == f"Workspace: Add {new}"
    assert subprocess.run([sys.executable, "-m", "crmtool", "check", "--today", TODAY.isoformat()], cwd=repo,
                          capture_output=True).returncode == 0


def test_importing_people_from_an_upload_shows_the_plan_first_then_commits(repo):
    from .conftest import FIXTURES
    upload = (FIXTURES / "exchange" / "contacts-nl.csv").read_bytes()
    with signed_in(repo) as client:
        page = client.get("/import").text
        csrf = form_of(page, "/import")["csrf"]
        plan = client.post("/import", data={"csrf": csrf, "purpose": "office-holders", "source": "public-register"},
                           files={"file": ("leden.csv", upload, "text/csv")})
        assert plan.status_code == 200, plan.text
        assert "Anna van der Berg" in plan.text and "geen-adres" in plan.text  # a refused row, and why
        uploads = list((repo / "build" / "workspace-uploads").iterdir())
        assert len(uploads) == 1 and "leden" not in uploads[0].name
        blocked = client.post("/import/apply", data=form_of(plan.text, "/import/apply"))
        assert blocked.status_code == 409 and not git(repo, "status", "--porcelain", "records").strip()
        done = client.post("/import/apply", data={**form_of(plan.text, "/import/apply"), "skip": "1"})
    assert done.status_code == 303, done.text
    added = git(repo, "show", "--name-only", "--format=", "HEAD").split()
    assert added and all(path.startswith("records/people/p-") for path in added)
    assert not list((repo / "build" / "workspace-uploads").iterdir())
    assert "Berg" not in git(repo, "log", "-1", "--format=%s")
