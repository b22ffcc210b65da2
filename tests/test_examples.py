"""Dogfood: the example repositories that ship pass their own check, and every record names
its schema on its first line, with a path that resolves.

The examples are a product too: a new user runs `crmtool check` on them on whatever day they
install crmtool. So they must pass not only on the pinned day of the other tests but on the
first day of every month for years (docs/decisions.md, "Examples that stay valid")."""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from crmtool.check.run import finish, run_check
from crmtool.load import load_schemas
from crmtool.load.repo import FOLDERS, Repository
from crmtool.rules import REPOSITORY_RULES
from crmtool.rules.base import Locator, RepoContext

from .conftest import PROJECT, TODAY

EXAMPLES = [PROJECT, PROJECT / "examples" / "cooperative"]
FIRST_LINE = re.compile(r"# yaml-language-server: \$schema=(\S+)")


@pytest.mark.parametrize("root", EXAMPLES, ids=["association", "cooperative"])
def test_example_passes_check(root: Path):
    result = run_check(Repository(root), TODAY)
    assert [f for f in result.findings if f.severity == "error"] == []
    assert result.files > 60


FIRST = dt.date(2026, 12, 1)
LAST = dt.date(2032, 1, 1)   # at least five years after the examples were last made valid


def first_days(first: dt.date, last: dt.date) -> list[dt.date]:
    days, day = [], first
    while day <= last:
        days.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return days


def errors_on_days(root: Path, days: list[dt.date]) -> dict[dt.date, list[str]]:
    """The error findings of `crmtool check` on each day, from one read of the records.

    The records are loaded and checked once (`run_check`, which also gives the findings that do
    not depend on the day); then only the rules that judge a date against today (`dated`) run
    again for each day, over the same model, and `finish` applies the settings and waivers as
    the command does. `test_the_fast_path_equals_the_check` proves this equals a whole check."""
    repo = Repository(root)
    base = run_check(repo, days[0], use_cache=False, keep_model=True)
    model = base.model
    files, strays = repo.scan()
    context = RepoContext(model, load_schemas(repo), Locator(repo.root), files, strays)
    dated = [rule for rule in REPOSITORY_RULES if rule.RULE.dated]
    assert {rule.RULE.id for rule in dated} >= {"P007", "P010", "P012", "W004"}
    steady = [f for f in base.raw if f.rule not in {rule.RULE.id for rule in dated}]
    found = {}
    try:
        for day in days:
            model.today = day
            findings = steady + [f for rule in dated for f in rule.check(context)]
            result = finish(findings, model.config, day, None, base.files)
            found[day] = [f"{f.path}:{f.line}: {f.rule} {f.message}" for f in result.findings if f.severity == "error"]
    finally:
        model.today = days[0]
    return found


def test_first_days_are_every_month():
    days = first_days(FIRST, LAST)
    assert days[0] == dt.date(2026, 12, 1) and days[1] == dt.date(2027, 1, 1) and days[-1] == LAST
    assert len(days) == 62 and all(d.day == 1 for d in days)


@pytest.mark.parametrize("root", EXAMPLES, ids=["association", "cooperative"])
def test_example_passes_check_every_month_for_five_years(root: Path):
    """No error on the day the examples were made valid, on the pinned day of the tests, or on
    the first day of any month until 2032: every dated obligation in them is fulfilled (a
    request answered, a label removed) or lies beyond that (an agreement for the duration of
    the main contract, a role still held, a consent not withdrawn)."""
    days = [TODAY, dt.date(2026, 12, 7)] + first_days(FIRST, LAST)
    found = errors_on_days(root, days)
    failing = {day.isoformat(): errors for day, errors in found.items() if errors}
    assert failing == {}, "\n".join(f"{day}: {errors}" for day, errors in failing.items())


@pytest.mark.parametrize("root", EXAMPLES, ids=["association", "cooperative"])
def test_the_fast_path_equals_the_check(root: Path):
    """The month-by-month test reruns only the dated rules; on a few days, including one
    where errors are found, it reports exactly what a whole `run_check` reports."""
    days = [dt.date(2026, 12, 1), dt.date(2029, 6, 1), dt.date(2040, 1, 1)]
    fast = errors_on_days(root, days)
    for day in days:
        whole = run_check(Repository(root), day, use_cache=False)
        assert fast[day] == [f"{f.path}:{f.line}: {f.rule} {f.message}" for f in whole.findings
                             if f.severity == "error"], day
    assert fast[dt.date(2040, 1, 1)], "by 2040 some retention has run out: the fast path can find errors"


def test_readme_first_command_checks_the_shipped_records():
    """The README's first command, as a new user types it: a real process, on the machine's
    own date (no --today, no CRMTOOL_TODAY). This is the one test that reads the wall clock, on
    purpose: it is what the README promises; the test above covers the years ahead."""
    env = {k: v for k, v in os.environ.items() if k != "CRMTOOL_TODAY"}
    done = subprocess.run([sys.executable, "-c", "from crmtool.cli import main; main()", "check"],
                          cwd=PROJECT, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stdout[-2000:]
    assert re.match(r"\d+ bestanden gecontroleerd: 0 fouten", done.stdout.splitlines()[-1])  # language: nl


@pytest.mark.parametrize("root", EXAMPLES, ids=["association", "cooperative"])
def test_every_record_names_its_schema(root: Path):
    checked = 0
    for path in sorted((root / "records").rglob("*.yaml")):
        folder = next(part for part in path.relative_to(root / "records").parts)
        match = FIRST_LINE.fullmatch(path.read_text(encoding="utf-8").splitlines()[0])
        assert match, f"{path}: first line must be the yaml-language-server $schema comment"
        schema = (path.parent / match.group(1)).resolve()
        assert schema.name == f"{FOLDERS[folder]}.schema.json" and schema.is_file(), path
        checked += 1
    config = (root / "crmtool.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert (root / FIRST_LINE.fullmatch(config).group(1)).resolve().name == "config.schema.json"
    assert checked > 60


def test_association_tells_the_seed_scenario():
    """The alderman of the seed: deputy mayor, on a committee and its chair on behalf of his
    alderman role, and on the board on behalf of the chair."""
    repo = Repository(PROJECT)
    result = run_check(repo, TODAY)
    assert result.exit_code == 0
    import yaml
    roles = {p.stem: yaml.safe_load(p.read_text()) for p in (PROJECT / "records" / "roles").glob("*.yaml")}
    aldermen = {rid: r for rid, r in roles.items()
                if r["function"] == "wethouder" and "loco-burgemeester" in (r.get("qualifiers") or [])
                and "milieu" in (r.get("portfolio") or [])}
    chains = []
    for rid in aldermen:
        derived = {d: r for d, r in roles.items() if r.get("on_behalf_of") == rid}
        functions = {r["function"] for r in derived.values()}
        board = [r for d, r in roles.items() if r.get("on_behalf_of") in derived and r["function"] == "bestuurslid"]
        if {"commissielid", "voorzitter"} <= functions and board:
            chains.append(rid)
    assert chains, "the seed's alderman scenario is missing"
