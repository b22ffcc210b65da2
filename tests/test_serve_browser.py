"""The workspace in a real browser (issue 17): Debian's Chromium, headless, driven by Selenium
through chromedriver, against `crmtool serve` started as a real process — the address on its
first line signs the browser in, as a colleague would click it.

Search "Jansen" and open his card (his roles, his contact moment, his subscription); open
Almere's page (the mayor, the aldermen with portfolios, the council's seats by party, the
place names) and the same page on a day before the 2026 election; the cooperative's pipeline
board with each request in its stage; the dashboard's charts with their tables. No page may
trip the Content-Security-Policy (the browser's console says so). Screenshots are written to a
temporary folder, or to docs/screenshots/ with CRMTOOL_REGENERATE_DOCS=1.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest
import yaml

from .conftest import TODAY, git
from .serving import association_copy, cooperative_copy

from . import browser as _browser  # noqa: E402, F401 - skips this module without a browser
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402



def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def full_name(person: dict) -> str:
    name = person["name"]
    return " ".join(part for part in (name.get("given"), name.get("prefix"), name.get("family")) if part)


class Server:
    """`crmtool serve` as a real process in `root`, and the address it printed first."""

    def __init__(self, root: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "crmtool", "serve", "--port", "0", "--no-open"], cwd=root,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "CRMTOOL_TODAY": TODAY.isoformat()})
        assert self.process.stdout is not None
        first = self.process.stdout.readline().strip()
        found = re.fullmatch(r"crmtool serve: (http://127\.0\.0\.1:\d+)/\?token=\S+", first)
        assert found, first
        self.signed_in_url, self.base = first.split(": ", 1)[1], found.group(1)

    def stop(self) -> str:
        self.process.send_signal(signal.SIGINT)
        _out, err = self.process.communicate(timeout=30)
        return err


@pytest.fixture(scope="module")
def association(tmp_path_factory) -> Iterator[Server]:
    root = association_copy(tmp_path_factory.mktemp("association"))
    (root / ".gitignore").write_text("build/\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Example records")
    server = Server(root)
    server.root = root  # type: ignore[attr-defined]
    yield server
    log = server.stop()
    assert "Traceback" not in log and "Jansen" not in log and "token" not in log


@pytest.fixture(scope="module")
def cooperative(tmp_path_factory) -> Iterator[Server]:
    root = cooperative_copy(tmp_path_factory.mktemp("cooperative"))
    server = Server(root)
    server.root = root  # type: ignore[attr-defined]
    yield server
    server.stop()


def no_policy_errors(browser) -> None:
    """Nothing the page asked for was refused (a CSP violation, a missing file)."""
    problems = [entry["message"] for entry in browser.get_log("browser")
                if entry["level"] == "SEVERE" or "Content Security Policy" in entry["message"]]
    assert problems == []


def text_of(browser) -> str:
    return browser.find_element(By.TAG_NAME, "main").text


def test_search_jansen_and_open_his_card(association, browser, shots):
    root: Path = association.root
    browser.get(association.signed_in_url)
    assert "token=" not in browser.current_url  # the token became a cookie and left the address
    box = browser.find_element(By.ID, "home-q")
    box.send_keys("Jansen", Keys.ENTER)
    browser.find_element(By.CSS_SELECTOR, 'a[href="/people/p-r5epc6"]').click()
    assert browser.current_url.endswith("/people/p-r5epc6")
    card = text_of(browser)
    person = load(root / "records/people/p-r5epc6.yaml")
    assert full_name(person) in browser.find_element(By.TAG_NAME, "h1").text
    roles = [load(path) for path in sorted((root / "records/roles").glob("*.yaml"))]
    his = [role for role in roles if role.get("person") == "p-r5epc6"]
    assert his and all(role_id in browser.page_source for role_id in
                       [path.stem for path in (root / "records/roles").glob("*.yaml")
                        if load(path).get("person") == "p-r5epc6"])
    moments = [path.stem for path in (root / "records/interactions").rglob("*.yaml")
               if "p-r5epc6" in path.read_text(encoding="utf-8")]
    assert moments and any(moment in browser.page_source for moment in moments)
    lists = {path.stem: load(path) for path in (root / "records/lists").glob("*.yaml")}
    for subscription in person["subscriptions"]:
        title = lists[subscription]["title"]
        assert (title if isinstance(title, str) else title["nl"]) in card and subscription in card
    no_policy_errors(browser)
    browser.save_screenshot(str(shots / "workspace-person.png"))


def council(root: Path, day: str) -> set[str]:
    """The people on Almere's council on `day`, by the role records."""
    found = set()
    for path in (root / "records/roles").glob("r-almere-raadslid-*.yaml"):
        role = load(path)
        start, end = str(role.get("start") or ""), str(role.get("end") or "9999-12-31")
        if start <= day <= end:
            found.add(role["person"])
    return found


def test_almeres_page_is_the_municipality_perspective(association, browser, shots):
    root: Path = association.root
    browser.get(f"{association.base}/organisations/gemeente-almere")
    page = text_of(browser)
    mayor = load(root / "records/roles/r-almere-burgemeester-2021.yaml")["person"]
    assert full_name(load(root / f"records/people/{mayor}.yaml")) in page and "Burgemeester" in page
    alderman = load(root / "records/roles/r-almere-wethouder-2026-a.yaml")
    assert full_name(load(root / f"records/people/{alderman['person']}.yaml")) in page
    assert "Portefeuille" in page and "Financiën" in page
    seats = browser.find_element(By.CSS_SELECTOR, "table.seats").text
    assert "VVD" in seats and "D66" in seats
    for place in load(root / "records/organisations/gemeente-almere.yaml")["places"]:
        assert place in page
    now = council(root, TODAY.isoformat())
    assert now and all(person in browser.page_source for person in now)
    no_policy_errors(browser)
    browser.save_screenshot(str(shots / "workspace-organisation.png"))

    before = "2026-03-15"  # the municipal elections were on 2026-03-18
    browser.get(f"{association.base}/organisations/gemeente-almere?on={before}")
    earlier = council(root, before)
    assert earlier and earlier != now
    source = browser.page_source
    assert all(person in source for person in earlier)
    council_section = browser.find_element(By.CSS_SELECTOR, "table.seats").find_element(By.XPATH, "..").text
    assert "Gemeenteraad op 2026-03-15" in council_section
    assert before in text_of(browser)


def test_the_board_shows_each_request_in_its_stage(cooperative, browser, shots):
    root: Path = cooperative.root
    browser.get(cooperative.signed_in_url)
    browser.get(f"{cooperative.base}/pipeline")
    columns = browser.find_elements(By.CSS_SELECTOR, ".board .column")
    assert len(columns) >= 3
    placed = {}
    for column in columns:
        for link in column.find_elements(By.CSS_SELECTOR, 'a[href^="/requests/"]'):
            placed[link.get_attribute("href").rsplit("/", 1)[1]] = column.get_attribute("data-stage")
    requests = {path.stem: load(path) for path in (root / "records/requests").glob("*.yaml")}
    assert requests and set(requests) <= set(placed)
    for request_id, request in requests.items():
        assert placed[request_id] == request["history"][-1]["stage"] == request["stage"], request_id
    no_policy_errors(browser)
    browser.save_screenshot(str(shots / "workspace-pipeline.png"))


def test_the_dashboards_charts_have_their_tables(cooperative, browser, shots):
    browser.get(f"{cooperative.base}/dashboard")
    charts = browser.find_elements(By.CSS_SELECTOR, "svg")
    tables = browser.find_elements(By.CSS_SELECTOR, "table caption")
    assert len(charts) >= 7 and len(tables) >= len(charts)
    for chart in charts:
        labelled = chart.get_attribute("aria-labelledby")
        assert labelled and browser.find_element(By.ID, labelled).tag_name == "caption"
    no_policy_errors(browser)
    browser.save_screenshot(str(shots / "workspace-dashboard.png"))
