"""Only the command line reads the clock; the core is given "today", so a check, a review or
an erasure gives the same answer on any machine on any day when --today is the same."""
from __future__ import annotations

import ast
import datetime as dt

import pytest
from click.testing import CliRunner

from crmtool.cli import cli
from crmtool.cli.options import today_from

from .conftest import PROJECT, TODAY

CLOCK_CALLS = {("date", "today"), ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"),
               ("time", "time"), ("time", "localtime"), ("time", "gmtime")}
ALLOWED = {"crmtool/cli/options.py"}   # today_from: --today, CRMTOOL_TODAY, else the clock


def clock_calls(path):
    """Lines that call the clock or hand it on uncalled (`default_factory=dt.date.today`)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            owner = node.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            if (name, node.attr) in CLOCK_CALLS:
                yield node.lineno


def test_no_module_but_the_command_line_reads_the_clock():
    found = [f"{path.relative_to(PROJECT)}:{line}" for path in sorted((PROJECT / "crmtool").rglob("*.py"))
             if path.relative_to(PROJECT).as_posix() not in ALLOWED for line in clock_calls(path)]
    assert found == []


def test_the_allowed_reader_is_the_one_that_reads_it():
    assert list(clock_calls(PROJECT / "crmtool" / "cli" / "options.py"))


def test_every_test_runs_on_the_pinned_day():
    assert today_from(None) == TODAY


def test_today_option_wins_over_the_pin():
    assert today_from("2030-01-01") == dt.date(2030, 1, 1)


@pytest.mark.parametrize("value", ["24-11-2026", "2026-02-30", "tomorrow"])
def test_a_bad_day_is_bad_usage(base_repo, value):
    result = CliRunner().invoke(cli, ["check", "--root", str(base_repo.root), "--today", value])
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
