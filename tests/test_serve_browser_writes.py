"""The workspace's writes in a real browser (issue 18, "Done when"): Debian's Chromium,
headless, driven by Selenium through chromedriver, against `crmtool serve` started as a real
process on a git copy of an example, signed in through the address on its first line. Git's
user.email is a colleague's (Anna's at the association, Lotte's at the cooperative), so the
writes are theirs.

Everything is done as a colleague does it, by clicking and typing: edit Teun Jansen's email to
an invalid one and see the error at the field, then fix it (one commit on workspace/anna, no
name in its message); move a request from received through triage to proposal with the
buttons on its card; make a new person who emailed a question, the question and the contact
moment with the /new/ forms; end the alderman Jansen's role after its preview; a POST without
the form token (urllib, with the browser's own cookie) is refused; a form that went stale
while it was open is refused without losing what was typed.

After each, `crmtool check` on the working tree exits 0, `crmtool fmt --check` passes on
every file the new commits wrote, and no page tripped the Content-Security-Policy. The
screenshots for the guide are written to a temporary folder, or to docs/screenshots/ with
CRMTOOL_REGENERATE_DOCS=1.
"""
from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest
import yaml

from .conftest import TODAY, git
from .serving import association_copy, cooperative_copy, repository

from . import browser as _browser  # noqa: E402, F401 - skips this module without a browser
from .test_serve_browser import Server  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webelement import WebElement  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402
from selenium.webdriver.support import expected_conditions  # noqa: E402

JANSEN = "records/people/p-r5epc6.yaml"
ALDERMAN = "r-lelystad-wethouder-2026-a"
HELD_ON_ITS_BEHALF = ("r-vgn-commissie-milieu-lid-2026-a", "r-vgn-commissie-milieu-voorzitter-2026",
                      "r-vgn-bestuur-lid-2026-a")


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


class Served(Server):
    """A server on a git repository, and the commit the repository started at."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.root = root
        self.start = git(root, "rev-parse", "HEAD").strip()

    def head(self) -> str:
        return git(self.root, "rev-parse", "HEAD").strip()

    def branch(self) -> str:
        return git(self.root, "rev-parse", "--abbrev-ref", "HEAD").strip()

    def new_commits(self) -> list[str]:
        """The commits made since the start, oldest first."""
        return git(self.root, "rev-list", "--reverse", f"{self.start}..HEAD").split()

    def written(self) -> list[str]:
        """The files the new commits added or changed."""
        return git(self.root, "diff", "--name-only", "--diff-filter=AM", self.start, "HEAD").split()


def stopped(server: Served) -> None:
    log = server.stop()
    assert "Traceback" not in log and "token" not in log
    assert "Jansen" not in log and "Dijkstra" not in log  # the log names ids, never people


@pytest.fixture(autouse=True)
def server_environment(monkeypatch, tmp_path):
    """What the server inherits: its commits are dated on the pinned today, so the changes page
    in a screenshot agrees with the day in its footer; and no GitHub CLI is signed in, so
    proposing pushes and then says which command opens the pull request, on any machine."""
    for variable in ("GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE"):
        monkeypatch.setenv(variable, f"{TODAY.isoformat()}T12:00:00+01:00")
    for variable in ("GH_TOKEN", "GITHUB_TOKEN", "GH_ENTERPRISE_TOKEN", "GITHUB_ENTERPRISE_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("GH_CONFIG_DIR", str(tmp_path / "gh-signed-out"))


@pytest.fixture
def association(tmp_path) -> Iterator[Served]:
    root = repository(association_copy(tmp_path), "Anna Veldkamp", "anna.veldkamp@vgn.example.nl")
    server = Served(root)
    yield server
    stopped(server)


@pytest.fixture
def cooperative(tmp_path) -> Iterator[Served]:
    root = repository(cooperative_copy(tmp_path), "Lotte Vandamme", "lotte@werkplaats.example.org")
    server = Served(root)
    yield server
    stopped(server)


# --- what a colleague does: click, type, choose ------------------------------------------------

def loaded(browser) -> None:
    """Wait until the page is all there: every page of the workspace ends with its footer.
    (Right after a navigation, chromedriver can briefly answer for a document that is being
    replaced: an empty page source.)"""
    WebDriverWait(browser, 20).until(lambda driver: driver.execute_script("return document.readyState") == "complete"
                                     and driver.find_elements(By.CSS_SELECTOR, "body > footer"))


def visit(browser, address: str) -> None:
    browser.get(address)
    WebDriverWait(browser, 20).until(
        lambda driver: urllib.parse.urlsplit(driver.current_url).path == urllib.parse.urlsplit(address).path)
    loaded(browser)


def sign_in(browser, server: Served) -> None:
    visit(browser, server.signed_in_url)
    assert "token=" not in browser.current_url


def click_and_wait(browser, element: WebElement) -> None:
    """Click a link or a button that loads another page, and wait until it has."""
    page = browser.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(browser, 20).until(expected_conditions.staleness_of(page))
    loaded(browser)


def field(browser, name: str) -> WebElement:
    return browser.find_element(By.ID, f"f-{name}")


def retype(element: WebElement, text: str) -> None:
    element.clear()
    element.send_keys(text)


def type_date(browser, element: WebElement, day: dt.date) -> None:
    """Type a date into a date input as a colleague does: the digits in the order the
    browser's own locale shows them (en-US: month, day, year)."""
    order = browser.execute_script(
        "return new Intl.DateTimeFormat(navigator.language).formatToParts(new Date(2026, 10, 24))"
        ".filter(function (p) { return p.type !== 'literal'; }).map(function (p) { return p.type; });")
    digits = {"year": f"{day.year:04d}", "month": f"{day.month:02d}", "day": f"{day.day:02d}"}
    element.send_keys("".join(digits[part] for part in order))
    assert element.get_attribute("value") == day.isoformat()


def choose(element: WebElement, value: str) -> None:
    Select(element).select_by_value(value)


def choice(browser, datalist: str, record_id: str) -> str:
    """The "Name (id)" a reference's datalist offers for `record_id`: what the browser fills
    in when the colleague picks it."""
    options = browser.find_elements(By.CSS_SELECTOR, f"datalist#{datalist} option")
    [wanted] = [o.get_attribute("value") for o in options if o.get_attribute("value").endswith(f"({record_id})")]
    return wanted


def save(browser) -> None:
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.record-form .form-actions button"))


def main_text(browser) -> str:
    return browser.find_element(By.TAG_NAME, "main").text


def done_says(browser) -> str:
    return browser.find_element(By.CSS_SELECTOR, "main .done").text


# --- what must hold after each scenario --------------------------------------------------------

def no_policy_errors(browser, *refused: str) -> None:
    """Nothing a page asked for was refused (a CSP violation, a missing file). The console
    also reports a page that answered with an error status; the `refused` paths are the forms
    the test expects the workspace to refuse (a 409, a 422), and only those may."""
    problems = []
    for entry in browser.get_log("browser"):
        message = entry["message"]
        if entry["level"] != "SEVERE" and "Content Security Policy" not in message:
            continue
        address, _sep, what = message.partition(" - ")
        if (urllib.parse.urlsplit(address).path in refused and "Content Security Policy" not in message
                and re.fullmatch(r"Failed to load resource: the server responded with a status of 4\d\d .*", what)):
            continue
        problems.append(message)
    assert problems == []


def crmtool(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crmtool", *args], cwd=root, capture_output=True, text=True)


def sound(server: Served, browser) -> None:
    """The working tree passes the check, every file the workspace wrote is as fmt lays it out,
    and no page the browser saw tripped the Content-Security-Policy."""
    checked = crmtool(server.root, "check", "--today", TODAY.isoformat())
    assert checked.returncode == 0, checked.stdout + checked.stderr
    written = server.written()
    if written:
        formatted = crmtool(server.root, "fmt", "--check", *written)
        assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    no_policy_errors(browser)


# --- a. an invalid email, refused at its field; the fixed one is one commit --------------------

def test_an_invalid_email_is_shown_at_its_field_and_the_fixed_one_is_one_commit(association, browser, shots):
    root = association.root
    person = root / JANSEN
    person.write_text(person.read_text(encoding="utf-8").replace(
        "owner: public-affairs", "# Kept by hand: the team that answers him.\nowner: public-affairs"), encoding="utf-8")
    git(root, "commit", "-qam", "A comment by hand")
    association.start = association.head()
    before = person.read_bytes()
    sign_in(browser, association)
    visit(browser, f"{association.base}/people/p-r5epc6")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, ".edit-link a"))
    assert browser.current_url.endswith("/people/p-r5epc6/edit")
    email = field(browser, "emails.0.address")
    assert email.get_attribute("value") == "t.jansen@lelystad.example.nl"

    retype(email, "t.jansen@@lelystad")
    save(browser)
    email = field(browser, "emails.0.address")
    assert email.get_attribute("value") == "t.jansen@@lelystad"  # what was typed stays
    assert email.get_attribute("aria-invalid") == "true"
    at_field = browser.find_element(By.ID, "f-emails.0.address-errors")
    assert at_field.is_displayed() and at_field.text
    assert "f-emails.0.address-errors" in email.get_attribute("aria-describedby")
    summary = browser.find_element(By.ID, "form-problems")
    assert summary.find_element(By.CSS_SELECTOR, 'a[href="#f-emails.0.address"]').is_displayed()
    assert (root / JANSEN).read_bytes() == before  # byte for byte
    assert association.head() == association.start  # nothing kept
    assert not git(root, "status", "--porcelain").strip()  # and nothing written
    no_policy_errors(browser, "/people/p-r5epc6/edit")
    browser.save_screenshot(str(shots / "workspace-edit-error.png"))

    retype(email, "teun.jansen@lelystad.example.nl")
    save(browser)
    assert browser.current_url.endswith("/people/p-r5epc6?done=saved")
    assert done_says(browser)
    assert "teun.jansen@lelystad.example.nl" in main_text(browser)
    assert load(root / JANSEN)["emails"][0]["address"] == "teun.jansen@lelystad.example.nl"
    after = person.read_text(encoding="utf-8")  # one line changed, the comment by hand kept
    assert "# Kept by hand: the team that answers him.\nowner: public-affairs" in after
    assert after == before.decode("utf-8").replace("t.jansen@lelystad.example.nl", "teun.jansen@lelystad.example.nl")
    assert association.branch() == "workspace/anna"
    [commit] = association.new_commits()
    assert git(root, "log", "-1", "--format=%an <%ae>", commit).strip() == \
        "Anna Veldkamp <anna.veldkamp@vgn.example.nl>"
    message = git(root, "log", "-1", "--format=%B", commit)
    assert "p-r5epc6" in message and "Jansen" not in message and "Teun" not in message
    assert git(root, "show", "--name-only", "--format=", commit).split() == [JANSEN]
    assert git(root, "rev-parse", "main").strip() == association.start  # main untouched
    sound(association, browser)


# --- b. a request through its stages, with the buttons on its card ------------------------------

def test_a_request_moves_from_received_through_triage_to_proposal(cooperative, browser, shots):
    root = cooperative.root
    path = root / "records/requests/rq-2026-042.yaml"
    assert load(path)["stage"] == "received"
    sign_in(browser, cooperative)
    visit(browser, f"{cooperative.base}/pipeline")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, '.board a[href="/requests/rq-2026-042"]'))

    def buttons() -> dict[str, WebElement]:
        form = browser.find_element(By.CSS_SELECTOR, 'form[action="/requests/rq-2026-042/stage"]')
        return {b.get_attribute("value"): b for b in form.find_elements(By.CSS_SELECTOR, 'button[name="stage"]')}

    assert "triage" in buttons() and "proposal" not in buttons()  # only what the pipeline allows from here
    browser.find_element(By.ID, "stage-note").send_keys("Bekeken: het buurtcomité wil bakken en zaaigoed.")
    click_and_wait(browser, buttons()["triage"])
    assert browser.current_url.endswith("/requests/rq-2026-042?done=stage")
    assert done_says(browser)
    assert "Triage" in browser.find_element(By.CSS_SELECTOR, "main .badge").text
    assert "proposal" in buttons() and "triage" not in buttons()
    assert buttons()["proposal"].is_displayed()
    browser.save_screenshot(str(shots / "workspace-request-stages.png"))

    browser.find_element(By.ID, "stage-note").send_keys("Voorstel voor bakken en zaaigoed verstuurd.")
    click_and_wait(browser, buttons()["proposal"])
    assert "Voorstel" in browser.find_element(By.CSS_SELECTOR, "main .badge").text
    request = load(path)
    assert request["stage"] == "proposal"
    assert [(step["stage"], step["by"], str(step["date"])) for step in request["history"][-2:]] == [
        ("triage", "lotte", TODAY.isoformat()), ("proposal", "lotte", TODAY.isoformat())]
    assert request["history"][-1]["note"] == "Voorstel voor bakken en zaaigoed verstuurd."
    assert cooperative.branch() == "workspace/lotte"
    assert [git(root, "log", "-1", "--format=%s", c).strip() for c in cooperative.new_commits()] == [
        "Workspace: Move rq-2026-042 to triage", "Workspace: Move rq-2026-042 to proposal"]
    sound(cooperative, browser)


# --- c. a new person who emailed a question, the question and the contact moment ---------------

def new_record(browser, server: Served, folder: str) -> None:
    """The list's "New…" link, as a colleague finds it."""
    visit(browser, f"{server.base}/{folder}")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, f'.edit-link a[href="/new/{folder}"]'))
    assert browser.current_url.endswith(f"/new/{folder}")
    assert field(browser, "new-id").get_attribute("value") == ""  # left empty: crmtool new's id


def created(browser, folder: str) -> str:
    """The id of the record just made, from the card the browser was sent to."""
    address = urllib.parse.urlsplit(browser.current_url)
    assert address.query == "done=created", (browser.current_url, main_text(browser))
    prefix = f"/{folder}/"
    assert address.path.startswith(prefix)
    return address.path[len(prefix):]


def test_a_new_person_who_emailed_a_question_with_the_question_and_the_contact_moment(association, browser):
    root = association.root
    sign_in(browser, association)

    new_record(browser, association, "people")
    field(browser, "name.given").send_keys("Fenna")
    field(browser, "name.family").send_keys("Dijkstra")
    field(browser, "emails.0.address").send_keys("fenna.dijkstra@example.org")
    choose(field(browser, "emails.0.kind"), "private")
    field(browser, "purposes.0.purpose").send_keys(choice(browser, "choices-purposes", "member-services"))
    type_date(browser, field(browser, "purposes.0.since"), TODAY)
    choose(field(browser, "purposes.0.source"), "contact-request")
    choose(field(browser, "owner"), "member-services")
    save(browser)
    person = created(browser, "people")
    assert "Fenna Dijkstra" in browser.find_element(By.TAG_NAME, "h1").text

    new_record(browser, association, "requests")
    choose(field(browser, "kind"), "question")
    field(browser, "title.nl").send_keys("Vraag over subsidie voor een buurtbatterij")
    type_date(browser, field(browser, "received"), TODAY)
    choose(field(browser, "channel"), "email")
    field(browser, "from.person").send_keys(choice(browser, "choices-people", person))
    field(browser, "assignee").send_keys(choice(browser, "choices-staff", "anna"))
    choose(field(browser, "stage"), "received")
    type_date(browser, field(browser, "history.0.date"), TODAY)
    choose(field(browser, "history.0.stage"), "received")
    field(browser, "history.0.by").send_keys(choice(browser, "choices-staff", "anna"))
    choose(field(browser, "owner"), "member-services")
    save(browser)
    request = created(browser, "requests")
    assert browser.find_elements(By.CSS_SELECTOR, f'main a[href="/people/{person}"]')  # from that person

    new_record(browser, association, "interactions")
    type_date(browser, field(browser, "date"), TODAY)
    choose(field(browser, "kind"), "email")
    field(browser, "people.0").send_keys(choice(browser, "choices-people", person))
    field(browser, "staff.0").send_keys(choice(browser, "choices-staff", "anna"))
    field(browser, "summary.nl").send_keys("Mail over subsidie voor een buurtbatterij; vraag vastgelegd.")
    field(browser, "purpose").send_keys(choice(browser, "choices-purposes", "member-services"))
    field(browser, "request").send_keys(choice(browser, "choices-requests", request))
    choose(field(browser, "owner"), "member-services")
    save(browser)
    moment = created(browser, "interactions")

    for made in (person, request, moment):
        assert "fenna" not in made and "dijkstra" not in made and "batterij" not in made
    assert person.startswith("p-") and request.startswith(f"q-{TODAY.year}-")
    assert moment.startswith(f"i-{TODAY.isoformat()}-")
    data = load(root / f"records/people/{person}.yaml")
    assert data["name"] == {"given": "Fenna", "family": "Dijkstra"}
    assert data["emails"] == [{"address": "fenna.dijkstra@example.org", "kind": "private"}]
    question = load(root / f"records/requests/{request}.yaml")
    assert question["kind"] == "question" and question["from"] == {"person": person}
    assert question["channel"] == "email" and question["received"] == TODAY
    contact = load(root / f"records/interactions/{TODAY.year}/{moment}.yaml")
    assert contact["kind"] == "email" and contact["people"] == [person] and contact["request"] == request

    visit(browser, f"{association.base}/people/{person}")  # the card links all three
    assert browser.find_elements(By.CSS_SELECTOR, f'main a[href="/requests/{request}"]')
    assert browser.find_elements(By.CSS_SELECTOR, f'main a[href="/interactions/{moment}"]')
    subjects = [git(root, "log", "-1", "--format=%B", c).strip() for c in association.new_commits()]
    assert subjects == [f"Workspace: Add {person}", f"Workspace: Add {request}", f"Workspace: Add {moment}"]
    assert sorted(association.written()) == sorted([
        f"records/people/{person}.yaml", f"records/requests/{request}.yaml",
        f"records/interactions/{TODAY.year}/{moment}.yaml"])
    sound(association, browser)


# --- d. ending the alderman's role: the preview, then the confirmation -------------------------

def test_ending_the_aldermans_role_ends_what_he_holds_on_its_behalf_and_keeps_his_newsletter(
        association, browser, shots):
    root = association.root
    subscriptions = load(root / JANSEN)["subscriptions"]
    assert subscriptions
    last_day = dt.date(2026, 12, 1)
    sign_in(browser, association)
    visit(browser, f"{association.base}/people/p-r5epc6")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, f'a[href="/roles/{ALDERMAN}"]'))
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, f'main form[action="/roles/{ALDERMAN}/end"] button'))
    on = browser.find_element(By.ID, "end-on")
    assert on.get_attribute("value") == TODAY.isoformat()
    on.clear()
    type_date(browser, on, last_day)
    choose(browser.find_element(By.ID, "end-reason"), "resigned")
    click_and_wait(browser, browser.find_element(
        By.CSS_SELECTOR, f'main form[method="get"][action="/roles/{ALDERMAN}/end"] button'))

    rows = browser.find_elements(By.CSS_SELECTOR, "main table tbody tr")
    listed = {row.find_element(By.CSS_SELECTOR, "td code").text: row.text for row in rows}
    assert set(listed) == {ALDERMAN, *HELD_ON_ITS_BEHALF}
    assert all(last_day.isoformat() in text for text in listed.values())
    assert all("Jansen" in text for text in listed.values())
    assert not association.new_commits() and not git(root, "status", "--porcelain").strip()  # a preview only
    no_policy_errors(browser)
    browser.save_screenshot(str(shots / "workspace-end-role.png"))

    confirm = browser.find_element(By.CSS_SELECTOR, f'form[method="post"][action="/roles/{ALDERMAN}/end"] button')
    assert "4" in confirm.text
    click_and_wait(browser, confirm)
    assert browser.current_url.endswith(f"/roles/{ALDERMAN}?done=end-role")
    assert done_says(browser)
    assert last_day.isoformat() in main_text(browser)  # the period ends that day
    for role in (ALDERMAN, *HELD_ON_ITS_BEHALF):
        ended = load(root / f"records/roles/{role}.yaml")
        assert ended["end"] == last_day, role
    assert load(root / JANSEN)["subscriptions"] == subscriptions  # his newsletter stays
    [commit] = association.new_commits()
    assert sorted(git(root, "show", "--name-only", "--format=", commit).split()) == sorted(
        f"records/roles/{role}.yaml" for role in (ALDERMAN, *HELD_ON_ITS_BEHALF))
    assert "Jansen" not in git(root, "log", "-1", "--format=%B", commit)
    sound(association, browser)

    visit(browser, f"{association.base}/people/p-r5epc6")
    assert "weekly-digest" in main_text(browser)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, 'header a[href="/changes"]'))
    page = main_text(browser)
    assert "workspace/anna" in page and ALDERMAN in page
    no_policy_errors(browser)
    browser.save_screenshot(str(shots / "workspace-changes.png"))

    remote = root.parent / "origin.git"  # where the team's repository would be
    git(root.parent, "init", "-q", "--bare", str(remote))
    git(root, "remote", "add", "origin", str(remote))
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, 'main form[action="/changes/propose"] button'))
    assert "gh pr create" in main_text(browser)  # no GitHub CLI signed in here: the command to open it
    assert git(remote, "rev-parse", "workspace/anna").strip() == association.head()  # the branch is pushed
    assert git(root, "rev-parse", "main").strip() == association.start
    no_policy_errors(browser)


# --- e. a POST without the form token ----------------------------------------------------------

class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the 303 after a write is the answer itself


def post(server: Served, browser, path: str, fields: dict[str, str]) -> tuple[int, str]:
    """A POST as another program on this computer would send it: with the browser's own
    session cookie (copied from the browser), but only the fields given."""
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
    request = urllib.request.Request(f"{server.base}{path}", data=urllib.parse.urlencode(fields).encode(),
                                     headers={"Cookie": cookie}, method="POST")
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as answer:
            return answer.status, answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def test_a_post_without_the_form_token_is_refused_and_writes_nothing(association, browser):
    root = association.root
    before = (root / JANSEN).read_bytes()
    sign_in(browser, association)
    visit(browser, f"{association.base}/people/p-r5epc6")
    form = browser.find_element(By.CSS_SELECTOR, 'form[action="/people/p-r5epc6/note"]')
    version = form.find_element(By.NAME, "version").get_attribute("value")
    token = form.find_element(By.NAME, "csrf").get_attribute("value")
    assert version and token

    note = {"version": version, "text": "Belde over het warmtenet."}
    for fields in (note, {**note, "csrf": ""}, {**note, "csrf": "0" * len(token)}):
        status, page = post(association, browser, "/people/p-r5epc6/note", fields)
        assert status == 403, (fields.keys(), status)
        assert "Jansen" not in page and "warmtenet" not in page
    assert (root / JANSEN).read_bytes() == before
    assert association.head() == association.start and association.branch() == "main"
    assert not git(root, "status", "--porcelain").strip()

    status, _page = post(association, browser, "/people/p-r5epc6/note", {**note, "csrf": token})
    assert status == 303  # the same POST with the page's token is taken: the cookie was not the problem
    assert load(root / JANSEN)["notes"][-1]["text"] == "Belde over het warmtenet."
    assert len(association.new_commits()) == 1
    browser.refresh()
    loaded(browser)
    assert "Belde over het warmtenet." in main_text(browser)
    sound(association, browser)


# --- f. a form that went stale while it was open -----------------------------------------------

def test_a_stale_form_is_refused_and_keeps_what_was_typed_and_what_changed_behind_it(association, browser):
    root = association.root
    path = root / JANSEN
    sign_in(browser, association)
    visit(browser, f"{association.base}/people/p-r5epc6/edit")
    phone = field(browser, "phones.0.number")
    retype(phone, "+31 6 98765432")

    text = path.read_text(encoding="utf-8")  # meanwhile, a colleague's change arrives by a pull
    assert "tags: [warmtenet]" in text
    path.write_text(text.replace("tags: [warmtenet]", "tags: [warmtenet, energie]"), encoding="utf-8")
    behind = path.read_bytes()

    save(browser)
    assert urllib.parse.urlsplit(browser.current_url).path == "/people/p-r5epc6/edit"
    problem = browser.find_element(By.CSS_SELECTOR, "main .problem").text
    assert "gewijzigd sinds je het opende" in problem
    assert field(browser, "phones.0.number").get_attribute("value") == "+31 6 98765432"  # what was typed
    assert path.read_bytes() == behind  # and the change behind its back, both kept
    assert association.head() == association.start
    assert git(root, "status", "--porcelain").split() == ["M", JANSEN]
    no_policy_errors(browser, "/people/p-r5epc6/edit")
    sound(association, browser)
