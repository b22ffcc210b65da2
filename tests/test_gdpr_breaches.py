"""The breach register (issue 19, item 2): the review lists an open breach by its next step,
and the register publishes breaches as counts per year only.

The rules (P036, P037) have their fixtures in tests/fixtures/; here the parts around them, on
copies of the cooperative example, whose one breach was handled in time."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from crmtool.domain.review import BREACH, review
from crmtool.load import load_model
from crmtool.load.repo import Repository
from crmtool.register.build import build
from crmtool.register.numbers import breaches_per_year

from .conftest import PROJECT

COOPERATIVE = PROJECT / "examples" / "cooperative"
BREACH_FILE = "records/breaches/b-2026-001.yaml"


def _copy(tmp_path: Path, old: str = "", new: str = "") -> Path:
    root = tmp_path / "repo"
    shutil.copytree(COOPERATIVE, root)
    if old:
        path = root / BREACH_FILE
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def _breach_items(root: Path, today: dt.date) -> list:
    model = load_model(Repository(root), today)
    return [item for item in review(model, today, 30) if item.kind == BREACH]


def test_a_closed_breach_is_not_in_the_review(tmp_path):
    assert _breach_items(_copy(tmp_path), dt.date(2026, 3, 13)) == []


def test_an_open_unnotified_breach_is_due_when_its_72_hours_end(tmp_path):
    root = _copy(tmp_path, "authority_notified: 2026-03-13T11:15\n", "")
    (root / BREACH_FILE).write_text((root / BREACH_FILE).read_text(encoding="utf-8")
                                    .replace("closed: 2026-04-02\n", ""), encoding="utf-8")
    [item] = _breach_items(root, dt.date(2026, 3, 13))
    assert (item.due, item.owner, item.path) == (dt.date(2026, 3, 15), "communication", BREACH_FILE)
    assert item.values == {"discovered": "2026-03-12T16:40", "due": "2026-03-15T16:40"}


def test_an_open_notified_breach_is_to_be_closed(tmp_path):
    root = _copy(tmp_path, "closed: 2026-04-02\n", "")
    [item] = _breach_items(root, dt.date(2026, 3, 20))
    assert item.what.startswith("Close the breach") and item.due == dt.date(2026, 3, 12)


def test_the_register_counts_breaches_per_year_and_shows_no_detail(tmp_path):
    root = _copy(tmp_path)
    counts = breaches_per_year(load_model(Repository(root), dt.date(2026, 11, 24)), dt.date(2026, 11, 24))
    assert (counts.years, counts.registered, counts.notified) == ([2026], {2026: 1}, {2026: 1})
    before = breaches_per_year(load_model(Repository(root), dt.date(2026, 3, 1)), dt.date(2026, 3, 1))
    assert before.years == []
    build(Repository(root), dt.date(2026, 11, 24), tmp_path / "site")
    numbers = (tmp_path / "site" / "en" / "numbers.html").read_text(encoding="utf-8")
    assert '<th scope="row">Registered</th><td class="number">1</td>' in numbers
    assert '<th scope="row">Reported to the supervisory authority</th><td class="number">1</td>' in numbers
    for detail in ("GBA-2026", "180", "Briefduif", "mailing list attached"):
        assert detail not in numbers
    assert "Datalekken per jaar" in (tmp_path / "site" / "nl" / "numbers.html").read_text(encoding="utf-8")
