"""The workspace's door and its first pages (issue 17): the token rule, the headers every
answer carries, a log without personal data, the language of a page, the search, a file
changed behind the server's back, and `crmtool serve` as a real process."""
from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from crmtool.load.repo import Repository
from crmtool.serve.app import create_app
from crmtool.serve.security import CSP, Keys
from crmtool.serve.workspace import Workspace

from .conftest import PROJECT, TODAY
from .serving import HOST, TOKEN, association_copy, signed_in

NAMES = ("Jansen", "Teun", "jansen@", "p-r5epc6")
"""Words of one person in the association example: none may appear where no one signed in."""


@pytest.fixture
def association(tmp_path: Path) -> Path:
    return association_copy(tmp_path)


def anonymous(root: Path) -> tuple[TestClient, Workspace]:
    workspace = Workspace(Repository(root), lambda: TODAY, watch=False)
    return TestClient(create_app(workspace, Keys(TOKEN), {HOST}), base_url=f"http://{HOST}",
                      follow_redirects=False), workspace


@pytest.mark.parametrize("path", ["/", "/search?q=Jansen", "/people/p-r5epc6", "/nowhere"])
def test_without_the_token_nothing_is_shown(association, path):
    client, workspace = anonymous(association)
    try:
        answer = client.get(path)
        assert answer.status_code == 401
        assert not any(name in answer.text for name in NAMES)
        assert answer.headers["content-security-policy"] == CSP
        client.cookies.set("crmtool_session", "forged")
        wrong = client.get(path)
        assert wrong.status_code == 403 and not any(name in wrong.text for name in NAMES)
        client.cookies.clear()
        bad_token = client.get("/?token=not-the-token")
        assert bad_token.status_code == 403 and "set-cookie" not in bad_token.headers
        assert client.get("/", headers={"authorization": "Bearer nope"}).status_code == 403
    finally:
        workspace.close()


def test_the_token_becomes_a_strict_cookie_and_leaves_the_address(association):
    client, workspace = anonymous(association)
    try:
        answer = client.get(f"/search?q=x&token={TOKEN}&lang=en")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/search?q=x&lang=en"
        cookie = answer.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and TOKEN not in cookie
        assert client.get("/").status_code == 200  # the cookie now signs every request
        client.cookies.clear()
        assert client.get("/").status_code == 401
        assert client.get("/", headers={"authorization": f"Bearer {TOKEN}"}).status_code == 200
    finally:
        workspace.close()


def test_another_host_name_is_refused(association):
    """A page elsewhere that points its own host name at 127.0.0.1 (DNS rebinding) must not
    reach the records, even with the cookie."""
    with signed_in(association) as client:
        assert client.get("/").status_code == 200
        assert client.get("/", headers={"host": "attacker.example:8321"}).status_code == 403


def test_every_answer_carries_the_strict_headers(association):
    with signed_in(association) as client:
        for path in ("/", "/search?q=Jansen", "/static/workspace.css"):
            headers = client.get(path).headers
            assert headers["content-security-policy"] == CSP
            assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
            assert headers["referrer-policy"] == "no-referrer" and headers["cache-control"] == "no-store"
    assert "unsafe-inline" not in CSP and "script-src 'self'" in CSP and "default-src 'none'" in CSP


def test_templates_have_no_inline_script_or_style():
    """The CSP forbids them; a template that had one would break in the browser."""
    folder = PROJECT / "templates" / "workspace"
    for template in folder.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), template
        assert not re.search(r"\sstyle=|\son[a-z]+=|<style", text), template
        assert "http://" not in text and "https://" not in text, template  # nothing from elsewhere


def test_the_stylesheet_is_there_before_signing_in(association):
    client, workspace = anonymous(association)
    try:
        answer = client.get("/static/workspace.css")
        assert answer.status_code == 200 and "body" in answer.text
        assert client.get("/static/../crmtool.yaml").status_code in (401, 404)
    finally:
        workspace.close()


def test_the_log_names_paths_never_what_was_searched(association, caplog):
    caplog.set_level(logging.INFO, logger="crmtool.serve")
    with signed_in(association) as client:
        client.get("/search?q=Jansen")
        client.get("/search", params={"q": "t.jansen@lelystad.example.nl"})
    lines = [record.getMessage() for record in caplog.records if record.name == "crmtool.serve"]
    assert any(line.startswith("GET /search 200") for line in lines), lines
    assert not any("ansen" in line or "@" in line or "token" in line for line in lines), lines


def test_the_page_speaks_the_repositorys_language_and_lang_switches_it(association):
    with signed_in(association) as client:
        dutch = client.get("/")
        assert '<html lang="nl">' in dutch.text and "Zoeken" in dutch.text
        english = client.get("/?lang=en")
        assert '<html lang="en">' in english.text and ">Search<" in english.text
        assert '<html lang="en">' in client.get("/search?q=x").text  # the choice is kept
        assert '<html lang="nl">' in client.get("/?lang=nl").text


def test_home_counts_the_records(association):
    people = len(list((association / "records" / "people").glob("*.yaml")))
    with signed_in(association) as client:
        text = client.get("/?lang=en").text
    assert f"<strong>{people}</strong> people" in text


def test_search_finds_a_person_and_links_the_card(association):
    with signed_in(association) as client:
        text = client.get("/search", params={"q": "Jansen", "lang": "en"}).text
        assert 'href="/people/p-r5epc6"' in text and "Teun Jansen" in text
        nothing = client.get("/search", params={"q": "zzzqqq"}).text
        assert "zzzqqq" in nothing and "/people/" not in nothing.split("<main")[1]
        punctuation = client.get("/search", params={"q": "!!"})
        assert punctuation.status_code == 200


def test_what_was_searched_is_escaped(association):
    with signed_in(association) as client:
        text = client.get("/search", params={"q": '<script>alert(1)</script>'}).text
    assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)" in text


def test_a_file_changed_behind_the_servers_back_shows_on_the_next_page(association):
    """With the watcher: an editor saves a person, and the next search finds the new name."""
    person = association / "records" / "people" / "p-r5epc6.yaml"
    with signed_in(association, watch=True) as client:
        assert "Jansen" in client.get("/search?q=Jansen").text
        person.write_text(person.read_text(encoding="utf-8").replace("Jansen", "Verhoeven"), encoding="utf-8")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if 'href="/people/p-r5epc6"' in client.get("/search?q=Verhoeven").text:
                break
            time.sleep(0.1)
        else:
            pytest.fail("the changed name never showed")


def _eventually(client: TestClient, path: str, wanted: str) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if wanted in client.get(path).text:
            return
        time.sleep(0.1)
    pytest.fail(f"{wanted!r} never showed on {path}")


def test_a_branch_switch_shows_on_the_next_page(association):
    """A checkout changes files behind the server's back: the watcher sees them all."""
    from .conftest import git
    (association / ".gitignore").write_text("build/\n")
    git(association, "init", "-q", "-b", "main")
    git(association, "add", "-A")
    git(association, "commit", "-q", "-m", "Example records")
    git(association, "checkout", "-q", "-b", "renamed")
    person = association / "records" / "people" / "p-r5epc6.yaml"
    person.write_text(person.read_text(encoding="utf-8").replace("given: Teun", "given: Quirijn"), encoding="utf-8")
    git(association, "commit", "-q", "-am", "Renamed")
    card = 'href="/people/p-r5epc6"'
    with signed_in(association, watch=True) as client:
        assert card in client.get("/search?q=Quirijn").text
        git(association, "checkout", "-q", "main")
        _eventually(client, "/search?q=Teun", card)
        assert card not in client.get("/search?q=Quirijn").text
        git(association, "checkout", "-q", "renamed")
        _eventually(client, "/search?q=Quirijn", card)


def test_the_watcher_reads_only_what_changed(association, monkeypatch):
    """After the first page, an edit makes the next page read that one file, not all."""
    from crmtool.serve import workspace as module
    calls: list = []
    real = module.build_index
    monkeypatch.setattr(module, "build_index", lambda repo, **kw: calls.append(kw) or real(repo, **kw))
    person = association / "records" / "people" / "p-r5epc6.yaml"
    with signed_in(association, watch=True) as client:
        client.get("/")
        assert calls[-1] == {}  # the first page: whole
        person.write_text(person.read_text(encoding="utf-8").replace("Jansen", "Verhoeven"), encoding="utf-8")
        _eventually(client, "/search?q=Verhoeven", 'href="/people/p-r5epc6"')
        assert calls[-1] == {"paths": {"records/people/p-r5epc6.yaml"}}


def test_a_new_folder_of_contact_moments_is_watched_too(association):
    """The watcher watches each folder on its own (a recursive watch stats every file as it
    starts); a year folder made while the server runs is watched from then on, so the file
    written in it and the one edited after it both show."""
    source = association / "records" / "interactions" / "2025" / "i-2025-10-20-kennismaking-lelystad.yaml"
    text = source.read_text(encoding="utf-8")
    with signed_in(association, watch=True) as client:
        client.get("/")
        folder = association / "records" / "interactions" / "2027"
        folder.mkdir()
        moved = folder / "i-2027-01-05-kennismaking-lelystad.yaml"
        moved.write_text(text.replace("2025-10-20", "2027-01-05"), encoding="utf-8")
        _eventually(client, "/interactions/i-2027-01-05-kennismaking-lelystad", "2027-01-05")
        workspace = client.app.state.workspace  # type: ignore[attr-defined]
        deadline = time.monotonic() + 10
        while folder not in workspace._folders() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # the new watch is set up
        second = text.replace("2025-10-20", "2027-01-05").replace("summary: >-", "summary: >-\n  Tweede gesprek.")
        moved.write_text(second, encoding="utf-8")
        _eventually(client, "/interactions/i-2027-01-05-kennismaking-lelystad", "Tweede gesprek")
        assert workspace.watching


def _serve(root: Path, *args: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "crmtool", "serve", "--root", str(root), "--no-open", *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "CRMTOOL_TODAY": TODAY.isoformat()})


def test_crmtool_serve_prints_its_address_first_and_answers_only_with_the_token(association):
    process = _serve(association, "--port", "0")
    try:
        first = process.stdout.readline().rstrip("\n")
        found = re.fullmatch(r"crmtool serve: http://127\.0\.0\.1:(\d+)/\?token=([A-Za-z0-9_-]{20,})", first)
        assert found, first
        port, token = found.groups()
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/")
        assert refused.value.code == 401
        request = urllib.request.Request(f"http://127.0.0.1:{port}/search?q=Jansen",
                                         headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request) as answer:
            assert answer.status == 200 and "p-r5epc6" in answer.read().decode("utf-8")
    finally:
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=20)
    assert "Jansen" not in err and "token" not in err and "GET /search 200" in err


def test_crmtool_serve_stays_on_this_machine(association):
    process = _serve(association, "--host", "0.0.0.0", "--port", "0")
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 2 and "0.0.0.0" in err


def test_home_shows_what_falls_due_for_the_colleague_git_knows(association, monkeypatch):
    """The signed-in colleague on one's own machine is the one whose email is git's
    user.email; their teams' items and their own assignments are on the home page."""
    import json

    import yaml

    from .conftest import git
    git(association, "init", "-q", "-b", "main")
    staff = yaml.safe_load((association / "records/staff/anna.yaml").read_text(encoding="utf-8"))
    git(association, "config", "user.email", staff["email"])
    done = subprocess.run([sys.executable, "-m", "crmtool", "review", "--format", "json", "--root", str(association)],
                          capture_output=True, text=True, env={**os.environ, "CRMTOOL_TODAY": TODAY.isoformat()})
    items = json.loads(done.stdout)["items"]
    hers = [item for item in items if item.get("assignee") == "anna" or item["owner"] in staff["teams"]]
    assert hers and len(hers) < len(items)
    with signed_in(association) as client:
        text = client.get("/?lang=en").text
    assert "anna" in text and f": {len(hers)} of the {len(items)} items" in text
    assert all(item["record"] in text for item in hers[:20])
    others = [item["record"] for item in items if item not in hers and item["record"] not in str(hers)]
    assert not any(f"<code>{record}</code>" in text for record in others)


def test_home_without_a_known_colleague_points_to_the_review(association):
    with signed_in(association) as client:
        text = client.get("/?lang=en").text
    assert "belongs to no colleague" in text and 'href="/review"' in text


def test_crmtool_serve_needs_a_records_repository(tmp_path):
    """`--root` naming a folder without records/ is bad usage, not an empty workspace that
    watches whatever the folder holds."""
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    process = _serve(empty, "--port", "0")
    out, err = process.communicate(timeout=30)
    assert process.returncode == 2 and "records/" in err and out == ""
