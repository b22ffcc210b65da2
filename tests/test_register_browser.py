"""The register in a real browser: Debian's Chromium, headless, driven by Selenium through
chromedriver. From the Dutch start page every link is followed until no new page turns up;
every page loads, has its landmarks and one h1, and every page of the site is reached; the
language switch is clicked; a screenshot is written for a person to look at.

`.ci/run` installs Chromium when it is missing, so in CI this test always runs; elsewhere it is
skipped when there is no Chromium (and fails under CI, so a missing browser cannot pass
silently). Set CRMTOOL_SCREENSHOTS to a folder to keep the screenshots.
"""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pytest

from .conftest import PROJECT, git

from .browser import chrome  # noqa: E402 - skips this module without a browser
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The example records' register, with the public directory, built by a real process."""
    root = tmp_path_factory.mktemp("browser") / "repo"
    root.mkdir()
    shutil.copytree(PROJECT / "records", root / "records")
    shutil.copy(PROJECT / "crmtool.yaml", root / "crmtool.yaml")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "Example records")
    out = root / "build" / "site"
    done = subprocess.run([sys.executable, "-m", "crmtool", "build", "--out", str(out), "--with-directory",
                           "--root", str(root)], capture_output=True, text=True,
                          env={**os.environ, "CRMTOOL_TODAY": "2026-11-24"})
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = chrome(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


def local_file(url: str) -> Path | None:
    parsed = urlparse(url)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


def test_every_page_is_reached_by_links_and_none_is_broken(site, browser):
    start = (site / "nl" / "index.html").resolve()
    todo, seen, fragments = [start], set(), []
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen.add(page)
        assert page.is_file(), f"a link leads to a missing file: {page.relative_to(site)}"
        if page.suffix != ".html":
            continue  # the Art. 30 register as CSV and JSON, the stylesheet: there, not pages
        browser.get(page.as_uri())
        where = page.relative_to(site)
        # get() may return at "interactive" on a page reached through file:// (seen on en/index.html)
        WebDriverWait(browser, 10).until(lambda b: b.execute_script("return document.readyState") == "complete",
                                         f"{where} never finished loading")
        assert browser.find_elements(By.TAG_NAME, "main"), f"{where}: no main landmark"
        assert len(browser.find_elements(By.TAG_NAME, "h1")) == 1, f"{where}: not exactly one h1"
        assert browser.execute_script("return document.documentElement.lang") in ("nl", "en"), where
        assert browser.title.strip(), f"{where}: no title"
        for link in browser.find_elements(By.CSS_SELECTOR, "a[href]"):
            target, fragment = urldefrag(link.get_attribute("href"))
            path = local_file(target)
            if path is None:
                continue  # mailto:, the controller's website: not part of the site
            assert site.resolve() in path.resolve().parents, f"{where}: a link leaves the site: {path}"
            todo.append(path.resolve())
            if fragment:
                fragments.append((path.resolve(), fragment, where))
    for path, fragment, where in fragments:
        browser.get(path.as_uri())
        assert browser.find_elements(By.ID, fragment), f"{where}: #{fragment} is not on {path.name}"
    pages = {p.resolve() for p in site.rglob("*.html") if p.parent != site}
    assert pages - seen == set(), "pages no link leads to"


def test_the_language_switch_leads_to_the_same_page_in_english(site, browser):
    browser.get((site / "nl" / "rights.html").resolve().as_uri())
    assert browser.execute_script("return document.documentElement.lang") == "nl"
    browser.find_element(By.ID, "language-switch").click()
    assert browser.current_url.endswith("/en/rights.html")
    assert browser.execute_script("return document.documentElement.lang") == "en"
    browser.find_element(By.ID, "language-switch").click()
    assert browser.current_url.endswith("/nl/rights.html")


def test_a_screenshot_a_person_can_look_at(site, browser, tmp_path):
    keep = Path(os.environ.get("CRMTOOL_SCREENSHOTS") or tmp_path)
    keep.mkdir(parents=True, exist_ok=True)
    for language in ("nl", "en"):
        browser.get((site / language / "index.html").resolve().as_uri())
        shot = keep / f"register-{language}-index.png"
        assert browser.save_screenshot(str(shot))
        header = shot.read_bytes()[:24]
        assert header[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", header[16:24])
        assert (width, height) >= (800, 600)
        assert shot.stat().st_size > 20_000, "an almost empty picture: the page did not render"
