"""The headless browser the browser tests drive: Debian's Chromium through Selenium and
chromedriver (`.ci/run` installs both when missing).

Importing this module skips the importing test module when there is no Chromium, and fails
under CI, so a missing browser cannot pass silently.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the browser test: .ci/run installs chromium and chromium-driver")
    pytest.skip("Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)",
                allow_module_level=True)

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.service import Service  # noqa: E402


def chrome(profile: Path, *, console: bool = False):
    """A headless Chromium with a fresh profile in `profile`, kept off the network it does not
    need (the machine's closed network refuses it); `console` keeps the browser's console log
    for the test to read."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-quic", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--window-size=1280,1600",
                     f"--user-data-dir={profile}"):
        options.add_argument(argument)
    if console:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
