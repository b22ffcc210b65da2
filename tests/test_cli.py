"""The check through its command line: exit statuses, formats, language, no tracebacks."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from click.testing import CliRunner

from crmtool.cli import cli
from crmtool.rules import RULES


def run(args, cwd):
    """`crmtool` in a real subprocess, as CI and staff run it."""
    env = {k: v for k, v in os.environ.items() if k not in ("CRMTOOL_TODAY", "CRMTOOL_DEBUG")}
    return subprocess.run([sys.executable, "-c", "from crmtool.cli import main; main()", *args],
                          cwd=cwd, capture_output=True, text=True, env=env)


def break_role(repo):
    role = repo.root / "records" / "roles" / "r-almere-wethouder-2022.yaml"
    role.write_text(role.read_text().replace("organisation: gemeente-almere-college", "organisation: gemeente-almeer"))


def test_clean_repository_exits_0(base_repo):
    done = run(["check", "--today", "2026-11-24"], base_repo.root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 errors" in done.stdout


def test_error_exits_1_with_file_line_column(base_repo):
    break_role(base_repo)
    done = run(["check", "--today", "2026-11-24"], base_repo.root / "records" / "roles")  # found by upward search
    assert done.returncode == 1
    assert ("records/roles/r-almere-wethouder-2022.yaml:2:15: ERROR R001 There is no record 'gemeente-almeer'"
            in done.stdout)
    assert "Did you mean 'gemeente-almere'?" in done.stdout
    assert "Traceback" not in done.stderr


def test_json_format_follows_the_contract(base_repo):
    break_role(base_repo)
    result = CliRunner().invoke(cli, ["check", "--root", str(base_repo.root), "--format", "json",
                                      "--today", "2026-11-24"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["summary"]["errors"] == 1
    [finding] = report["findings"]
    assert finding == {"rule": "R001", "severity": "error", "path": "records/roles/r-almere-wethouder-2022.yaml",
                       "line": 2, "column": 15, "message": finding["message"], "hint": finding["hint"]}
    assert finding["message"] and finding["hint"]


def test_github_format_writes_annotations(base_repo):
    break_role(base_repo)
    result = CliRunner().invoke(cli, ["check", "--root", str(base_repo.root), "--format", "github",
                                      "--today", "2026-11-24"])
    first = result.output.splitlines()[0]
    assert first.startswith("::error file=records/roles/r-almere-wethouder-2022.yaml,line=2,col=15,title=R001::")
    assert "%0A" in first  # the hint follows on its own line, escaped


def test_sarif_format_is_valid_sarif(base_repo):
    break_role(base_repo)
    result = CliRunner().invoke(cli, ["check", "--root", str(base_repo.root), "--format", "sarif",
                                      "--today", "2026-11-24"])
    log = json.loads(result.output)
    assert log["version"] == "2.1.0"
    [res] = log["runs"][0]["results"]
    assert res["ruleId"] == "R001"
    assert res["locations"][0]["physicalLocation"]["region"] == {"startLine": 2, "startColumn": 15}
    assert {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]} == set(RULES)


def test_paths_limit_the_report_not_the_reading(base_repo, monkeypatch):
    break_role(base_repo)
    monkeypatch.chdir(base_repo.root)
    people = CliRunner().invoke(cli, ["check", "records/people"])
    roles = CliRunner().invoke(cli, ["check", "--root", str(base_repo.root), str(base_repo.root / "records" / "roles")])
    assert people.exit_code == 0 and "R001" not in people.output
    assert roles.exit_code == 1 and "R001" in roles.output


def test_warnings_alone_exit_0(base_repo):
    person = base_repo.root / "records" / "people" / "p-aaaaaa.yaml"
    person.write_text(person.read_text() + "phones: [{number: 0612345678}]\n")
    result = CliRunner().invoke(cli, ["check", "--root", str(base_repo.root)])
    assert result.exit_code == 0
    assert "WARNING Y007" in result.output


def test_severity_override_from_config(base_repo):
    break_role(base_repo)
    config = base_repo.root / "crmtool.yaml"
    config.write_text(config.read_text() + "rules:\n  severity: {R001: warning}\n")
    result = CliRunner().invoke(cli, ["check", "--root", str(base_repo.root)])
    assert result.exit_code == 0 and "WARNING R001" in result.output


def test_dutch_messages_when_the_config_says_nl(base_repo):
    break_role(base_repo)
    config = base_repo.root / "crmtool.yaml"
    config.write_text(config.read_text().replace("language: en", "language: nl"))
    result = CliRunner().invoke(cli, ["check", "--root", str(base_repo.root)])
    assert result.exit_code == 1
    assert "There is no record" not in result.output
    assert "gemeente-almeer" in result.output and "R001" in result.output


def test_broken_config_exits_2(base_repo):
    (base_repo.root / "crmtool.yaml").write_text("controller: {name: X}\nlanguage: klingon\n")
    result = CliRunner().invoke(cli, ["check", "--root", str(base_repo.root)])
    assert result.exit_code == 2
    assert "crmtool.yaml:2:11: ERROR S001 'klingon' is not one of the allowed values." in result.output


def test_bad_today_is_a_usage_error(base_repo):
    done = run(["check", "--today", "24-11-2026"], base_repo.root)
    assert done.returncode == 2 and "YYYY-MM-DD" in done.stderr and "Traceback" not in done.stderr


def test_today_from_environment(base_repo, monkeypatch):
    monkeypatch.setenv("CRMTOOL_TODAY", "not-a-date")
    result = CliRunner().invoke(cli, ["check", "--root", str(base_repo.root)])
    assert result.exit_code == 2


def test_path_outside_the_repository_is_a_usage_error(base_repo, tmp_path):
    result = CliRunner().invoke(cli, ["check", "--root", str(base_repo.root), str(tmp_path)])
    assert result.exit_code == 2 and "outside the repository" in result.output


def test_outside_any_repository_is_a_usage_error(tmp_path):
    (tmp_path / ".git").mkdir()  # the upward search stops at the git root
    done = run(["check"], tmp_path)
    assert done.returncode == 2 and "crmtool.yaml" in done.stderr and "Traceback" not in done.stderr


def test_no_colour_unless_a_terminal(base_repo):
    break_role(base_repo)
    done = run(["check"], base_repo.root)
    assert "\033[" not in done.stdout


def test_rules_lists_every_rule(base_repo):
    result = CliRunner().invoke(cli, ["rules", "--root", str(base_repo.root), "--format", "json"])
    table = json.loads(result.output)
    assert [row["id"] for row in table] == list(RULES)
    assert all(row["severity"] in ("error", "warning", "info") and row["description"] for row in table)
    text = CliRunner().invoke(cli, ["rules", "--root", str(base_repo.root)])
    assert text.output.splitlines()[0].startswith("Y001  error")
